// The grammar's fast path: for a document that plainly satisfies PolicyDocumentSchema, the value the schema
// would return (keys in the schema's order, arrays copied), built by hand; anything unusual gives undefined
// and the schema decides and explains. An audit parses thousands of documents, nearly all well formed, and
// the schema cost about as much as the rest of parsing. A property test holds the two equal.
import type { PolicyDocument } from './schema';

type Plain = Record<string, unknown>;

const DOCUMENT_KEYS = ['Version', 'Id', 'Statement'] as const;
const STATEMENT_KEYS = [
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Principal',
  'NotPrincipal',
  'Condition',
] as const;
const PRINCIPAL_KEYS = ['AWS', 'Service', 'Federated', 'CanonicalUser'] as const;
const STRING_LISTS = new Set<string>(['Action', 'NotAction', 'Resource', 'NotResource']);

/** A JSON-like object: the plain prototype, string keys only, never `__proto__` (assigning it would not copy it). */
function plain(value: unknown): value is Plain {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return (
    Object.getPrototypeOf(value) === Object.prototype &&
    !Object.prototype.hasOwnProperty.call(value, '__proto__') &&
    Object.getOwnPropertySymbols(value).length === 0
  );
}

/** A dense non-empty array whose every item passes `test` (a hole is not an item the schema accepts). */
function everyItem(value: unknown, test: (item: unknown) => boolean): value is unknown[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (let i = 0; i < value.length; i++) if (!(i in value) || !test(value[i])) return false;
  return true;
}

/** Whether every own key is one of `keys`. */
function onlyKeys(value: Plain, keys: ReadonlySet<string>): boolean {
  for (const key of Object.keys(value)) if (!keys.has(key)) return false;
  return true;
}

const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** IAM's string-or-array of non-empty strings, as the schema returns it; undefined when not plainly one. */
function stringOrStrings(value: unknown): string | string[] | undefined {
  if (nonEmptyString(value)) return value;
  return everyItem(value, nonEmptyString) ? (value.slice() as string[]) : undefined;
}

const scalar = (value: unknown) =>
  typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));

/**
 * Copy `from[key]` for each of `keys` present (`undefined` kept, as the schema keeps an optional key). `read`
 * gives the copy of a defined value, or undefined when it is not plainly valid (no valid value is undefined):
 * no result object per key read, as an audit reads some 50,000 keys.
 */
function copyKeys(
  from: Plain,
  keys: readonly string[],
  read: (key: string, value: unknown) => unknown,
): Plain | undefined {
  const out: Plain = {};
  for (const key of keys) {
    if (!(key in from)) continue;
    const value = from[key];
    if (value === undefined) {
      out[key] = undefined;
      continue;
    }
    const copy = read(key, value);
    if (copy === undefined) return undefined;
    out[key] = copy;
  }
  return out;
}

const PRINCIPAL_KEY_SET = new Set<string>(PRINCIPAL_KEYS);

const principalList = (_: string, value: unknown) => stringOrStrings(value);

function principal(value: unknown): unknown {
  if (value === '*') return value;
  if (Array.isArray(value)) return everyItem(value, (item) => item === '*') ? value.slice() : undefined;
  if (!plain(value) || !onlyKeys(value, PRINCIPAL_KEY_SET)) return undefined;
  return copyKeys(value, PRINCIPAL_KEYS, principalList);
}

function condition(value: unknown): Plain | undefined {
  if (!plain(value)) return undefined;
  const out: Plain = {};
  for (const operator of Object.keys(value)) {
    const entries = value[operator];
    if (!plain(entries)) return undefined;
    const copy: Plain = {};
    for (const key of Object.keys(entries)) {
      const v = entries[key];
      if (scalar(v)) copy[key] = v;
      else if (everyItem(v, scalar)) copy[key] = v.slice();
      else return undefined;
    }
    out[operator] = copy;
  }
  return out;
}

const STATEMENT_KEY_SET = new Set<string>(STATEMENT_KEYS);

function statementValue(key: string, value: unknown): unknown {
  if (key === 'Sid') return typeof value === 'string' ? value : undefined;
  if (key === 'Effect') return value;
  if (STRING_LISTS.has(key)) return stringOrStrings(value);
  if (key === 'Condition') return condition(value);
  return principal(value);
}

function statement(value: unknown): Plain | undefined {
  if (!plain(value) || !onlyKeys(value, STATEMENT_KEY_SET)) return undefined;
  if (value.Effect !== 'Allow' && value.Effect !== 'Deny') return undefined;
  return copyKeys(value, STATEMENT_KEYS, statementValue);
}

const DOCUMENT_KEY_SET = new Set<string>(DOCUMENT_KEYS);

function documentValue(key: string, value: unknown): unknown {
  if (key !== 'Statement') return typeof value === 'string' ? value : undefined;
  if (!Array.isArray(value)) return statement(value);
  if (value.length === 0) return undefined;
  const list: Plain[] = [];
  for (const item of value) {
    const one = statement(item);
    if (!one) return undefined;
    list.push(one);
  }
  return list;
}

/** What PolicyDocumentSchema.parse(document) returns, when the document plainly satisfies it; else undefined. */
export function wellFormedDocument(document: unknown): PolicyDocument | undefined {
  if (!plain(document) || !onlyKeys(document, DOCUMENT_KEY_SET) || !('Statement' in document)) return undefined;
  const out = copyKeys(document, DOCUMENT_KEYS, documentValue);
  // A Statement key holding undefined is an error for the schema: let it say so.
  if (!out || out.Statement === undefined) return undefined;
  return out as PolicyDocument;
}
