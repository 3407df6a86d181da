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
  const own = Object.keys(value);
  // Indexed loops in this module: it runs thousands of times, often before it is optimised, and for…of then
  // makes an iterator result per item.
  for (let i = 0; i < own.length; i++) if (!keys.has(own[i])) return false;
  return true;
}

const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * IAM's string-or-array of non-empty strings, as the schema returns it (with `reuse`, the array itself);
 * undefined when not plainly one.
 */
function stringOrStrings(value: unknown, reuse: boolean): string | string[] | undefined {
  if (nonEmptyString(value)) return value;
  if (!everyItem(value, nonEmptyString)) return undefined;
  return reuse ? (value as string[]) : (value.slice() as string[]);
}

const scalar = (value: unknown) =>
  typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));

/** Whether the own keys of `value`, all among `keys`, come in the order of `keys`. */
function inOrder(value: Plain, keys: readonly string[]): boolean {
  let last = -1;
  for (const key in value) {
    const at = keys.indexOf(key);
    if (at <= last) return false;
    last = at;
  }
  return true;
}

/**
 * Copy `from[key]` for each of `keys` present (`undefined` kept, as the schema keeps an optional key). `read`
 * gives the copy of a defined value, or undefined when it is not plainly valid (no valid value is undefined):
 * no result object per key read, as an audit reads some 50,000 keys. With `reuse`, `from` itself when its keys
 * are in the order of `keys` and every value read is the value itself: what a copy would hold, key for key.
 */
function copyKeys(
  from: Plain,
  keys: readonly string[],
  read: (key: string, value: unknown, reuse: boolean) => unknown,
  reuse: boolean,
): Plain | undefined {
  // Undefined while `from` serves as its own copy.
  let out: Plain | undefined = reuse && inOrder(from, keys) ? undefined : {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (!(key in from)) continue;
    const value = from[key];
    if (value === undefined) {
      if (out) out[key] = undefined;
      continue;
    }
    const copy = read(key, value, reuse);
    if (copy === undefined) return undefined;
    if (!out && copy !== value) out = copyBefore(from, keys, key);
    if (out) out[key] = copy;
  }
  return out ?? from;
}

/** A copy of the keys of `from` that come before `stop` in `keys` (each read as itself). */
function copyBefore(from: Plain, keys: readonly string[], stop: string): Plain {
  const out: Plain = {};
  for (const key of keys) {
    if (key === stop) break;
    if (key in from) out[key] = from[key];
  }
  return out;
}

const PRINCIPAL_KEY_SET = new Set<string>(PRINCIPAL_KEYS);

const principalList = (_: string, value: unknown, reuse: boolean) => stringOrStrings(value, reuse);

function principal(value: unknown, reuse: boolean): unknown {
  if (value === '*') return value;
  if (Array.isArray(value)) {
    if (!everyItem(value, (item) => item === '*')) return undefined;
    return reuse ? value : value.slice();
  }
  if (!plain(value) || !onlyKeys(value, PRINCIPAL_KEY_SET)) return undefined;
  return copyKeys(value, PRINCIPAL_KEYS, principalList, reuse);
}

/** A copy keeps the keys' own order, so with `reuse` a valid condition is its own copy and none is made. */
function condition(value: unknown, reuse: boolean): Plain | undefined {
  if (!plain(value)) return undefined;
  const out: Plain | undefined = reuse ? undefined : {};
  const operators = Object.keys(value);
  for (let o = 0; o < operators.length; o++) {
    const entries = value[operators[o]];
    if (!plain(entries)) return undefined;
    const copy: Plain | undefined = reuse ? undefined : {};
    const keys = Object.keys(entries);
    for (let k = 0; k < keys.length; k++) {
      const v = entries[keys[k]];
      if (scalar(v)) {
        if (copy) copy[keys[k]] = v;
      } else if (everyItem(v, scalar)) {
        if (copy) copy[keys[k]] = v.slice();
      } else return undefined;
    }
    if (out) out[operators[o]] = copy;
  }
  return out ?? value;
}

const STATEMENT_KEY_SET = new Set<string>(STATEMENT_KEYS);

function statementValue(key: string, value: unknown, reuse: boolean): unknown {
  if (key === 'Sid') return typeof value === 'string' ? value : undefined;
  if (key === 'Effect') return value;
  if (STRING_LISTS.has(key)) return stringOrStrings(value, reuse);
  if (key === 'Condition') return condition(value, reuse);
  return principal(value, reuse);
}

function statement(value: unknown, reuse: boolean): Plain | undefined {
  if (!plain(value) || !onlyKeys(value, STATEMENT_KEY_SET)) return undefined;
  if (value.Effect !== 'Allow' && value.Effect !== 'Deny') return undefined;
  return copyKeys(value, STATEMENT_KEYS, statementValue, reuse);
}

const DOCUMENT_KEY_SET = new Set<string>(DOCUMENT_KEYS);

function documentValue(key: string, value: unknown, reuse: boolean): unknown {
  if (key !== 'Statement') return typeof value === 'string' ? value : undefined;
  if (!Array.isArray(value)) return statement(value, reuse);
  if (value.length === 0) return undefined;
  // With `reuse`, undefined while the list serves as its own copy.
  let list: Plain[] | undefined = reuse ? undefined : [];
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    const one = statement(item, reuse);
    if (!one) return undefined;
    if (!list && one !== item) {
      // The statements before this one were their own copies.
      list = [];
      for (let k = 0; k < i; k++) list.push(value[k] as Plain);
    }
    if (list) list.push(one);
  }
  return list ?? value;
}

/**
 * What PolicyDocumentSchema.parse(document) returns, when the document plainly satisfies it; else undefined.
 * With `reuse`, for a document nobody changes afterwards, the parts already as the schema returns them (keys
 * in its order) are the document's own rather than copies: the document itself when all of it is.
 */
export function wellFormedDocument(document: unknown, reuse = false): PolicyDocument | undefined {
  if (!plain(document) || !onlyKeys(document, DOCUMENT_KEY_SET) || !('Statement' in document)) return undefined;
  const out = copyKeys(document, DOCUMENT_KEYS, documentValue, reuse);
  // A Statement key holding undefined is an error for the schema: let it say so.
  if (!out || out.Statement === undefined) return undefined;
  return out as PolicyDocument;
}
