// Shapes raw Service Authorization Reference data into the Catalog every other module reads: pure, so tests
// can feed it a handful of services.
import { classifyAction, type ClassificationOverride, type ClassificationRule } from './classification';
import { CLASSIFICATION_RULES } from './classification-rules';
import { CLASSIFICATION_OVERRIDES } from './overrides';
import type { ReferenceAction, ReferenceData, ReferenceResourceType } from './reference-data';
import type { AccessLevel, Catalog, CatalogAction, CatalogResourceType, TagSupport } from './types';

export const ACCESS_LEVELS: readonly AccessLevel[] = ['Read', 'Write', 'List', 'Tagging', 'Permissions management'];

/** The global condition key whose support decides whether a tag-conditioned deny can bite. */
export const RESOURCE_TAG_KEY = 'aws:ResourceTag/${TagKey}';
const RESOURCE_TAG_KEY_LOWER = RESOURCE_TAG_KEY.toLowerCase();

export interface BuildOptions {
  /** @default CLASSIFICATION_RULES */
  readonly rules?: readonly ClassificationRule[];
  /** @default CLASSIFICATION_OVERRIDES */
  readonly overrides?: readonly ClassificationOverride[];
}

/** A problem in the reference data; the message names the file and entry. */
export class ReferenceDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReferenceDataError';
  }
}

/**
 * The reference writes some levels combined (`Tagging, Write`, `Permissions management, Write`): the first
 * named level is the one the reference's tables file the action under.
 */
export function parseAccessLevel(raw: string, where: string): AccessLevel {
  for (const part of raw.split(',')) {
    const level = ACCESS_LEVELS.find((known) => known.toLowerCase() === part.trim().toLowerCase());
    if (level) return level;
  }
  throw new ReferenceDataError(
    `${where}: unknown access level ${JSON.stringify(raw)} (expected one of ${ACCESS_LEVELS.join(', ')})`,
  );
}

function hasResourceTag(keys: readonly string[] | undefined): boolean {
  if (keys === undefined) return false;
  for (const key of keys) {
    // Length first: rows list dozens of keys, and this skips lower-casing nearly all of them.
    if (key.length === RESOURCE_TAG_KEY.length && key.toLowerCase() === RESOURCE_TAG_KEY_LOWER) return true;
  }
  return false;
}

function mergeKeys(first: readonly string[], second: readonly string[]): readonly string[] {
  if (second.length === 0) return first;
  if (first.length === 0) return second;
  return [...new Set([...first, ...second])];
}

function lowerKeyed<T>(table: Readonly<Record<string, T>>): Map<string, T> {
  const map = new Map<string, T>();
  for (const [key, value] of Object.entries(table)) map.set(key.toLowerCase(), value);
  return map;
}

function buildAction(
  service: string,
  key: string,
  raw: ReferenceAction,
  resourceTable: Map<string, ReferenceResourceType>,
  rules: readonly ClassificationRule[],
  overrides: Map<string, ClassificationOverride>,
): CatalogAction {
  const where = `actions/${service}.json: ${key}`;
  if (typeof raw?.name !== 'string' || raw.name === '') {
    throw new ReferenceDataError(`${where}: expected an action with a name`);
  }
  const accessLevel = parseAccessLevel(String(raw.accessLevel), where);
  const rowKeys = raw.conditionKeys ?? [];
  let onRow = hasResourceTag(rowKeys);
  let onTable = false;
  const resourceTypes: CatalogResourceType[] = (raw.resourceTypes ?? []).map((rowType) => {
    const table = resourceTable.get(rowType.name.toLowerCase());
    const rowTypeKeys = rowType.conditionKeys ?? [];
    onRow ||= hasResourceTag(rowTypeKeys);
    onTable ||= hasResourceTag(table?.conditionKeys);
    return {
      name: rowType.name,
      required: rowType.required === true,
      ...(table?.arn !== undefined ? { arnTemplate: table.arn } : {}),
      conditionKeys: mergeKeys(rowTypeKeys, table?.conditionKeys ?? []),
    };
  });
  const tagSupport: TagSupport = onRow ? 'action' : onTable ? 'resource-type' : 'none';
  const action = `${service}:${raw.name}`;
  const { classes, classReasons } = classifyAction(
    {
      service,
      name: raw.name,
      accessLevel,
      resourceTypeNames: resourceTypes.map((type) => type.name),
      description: raw.description,
    },
    rules,
    overrides.get(action.toLowerCase()),
  );
  return {
    action,
    service,
    name: raw.name,
    accessLevel,
    ...(raw.description ? { description: raw.description } : {}),
    resourceTypes,
    conditionKeys: rowKeys,
    isWildcardOnly: raw.isWildcardOnly ?? resourceTypes.length === 0,
    tagAware: tagSupport !== 'none',
    tagSupport,
    classes,
    classReasons,
  };
}

/** Build a Catalog from reference data held in memory. Throws ReferenceDataError on malformed entries. */
export function buildCatalog(data: ReferenceData, options: BuildOptions = {}): Catalog {
  const rules = options.rules ?? CLASSIFICATION_RULES;
  const overrides = new Map(
    (options.overrides ?? CLASSIFICATION_OVERRIDES).map((entry) => [entry.action.toLowerCase(), entry]),
  );
  const entries = Object.entries(data.actions)
    .map(([key, table]) => ({ key, service: key.toLowerCase(), table }))
    .sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
  const byService = new Map(
    entries.map(({ key, service, table }): [string, CatalogAction[]] => {
      const resourceTable = lowerKeyed(data.resourceTypes[key] ?? {});
      const built = Object.entries(table)
        .map(([actionKey, raw]) => buildAction(service, actionKey, raw, resourceTable, rules, overrides))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return [service, built];
    }),
  );
  return assembleCatalog(data.version, data.rcpServices, [...byService.keys()], (service) => byService.get(service)!);
}

/**
 * The Catalog over lower-cased services in catalog order and a function giving each one's actions: shared by
 * buildCatalog() and the precomputed form (compact.ts), so both answer lookups the same way. A service's
 * actions are asked for once, when first needed (a lookup in it, `actions`, `destructive`), so a caller that
 * only looks up a few actions (`leash validate`, `leash explain`) never materializes the other 22,000.
 */
export function assembleCatalog(
  dataVersion: string,
  rcpServices: readonly string[],
  services: readonly string[],
  actionsOf: (service: string) => readonly CatalogAction[],
): Catalog {
  const known = new Set(services);
  const byService = new Map<string, readonly CatalogAction[]>();
  // Actions by name as the reference spells it, filled a service at a time by the first get() in it (`named`):
  // an audit materializes all 22,000 actions but looks up the names of a few services only. Policies mostly
  // spell names as the reference does, so most lookups need no lower-casing (a new string per action, 22,000
  // of them when an account names actions across the catalog); the lower-cased map is filled only for a
  // service whose names someone spelt otherwise.
  const byName = new Map<string, CatalogAction>();
  const named = new Set<string>();
  const byLowerName = new Map<string, CatalogAction>();
  const lowerNamed = new Set<string>();
  const serviceActions = (service: string): readonly CatalogAction[] => {
    let members = byService.get(service);
    if (members === undefined) {
      if (!known.has(service)) return [];
      members = actionsOf(service);
      byService.set(service, members);
    }
    return members;
  };
  let actions: readonly CatalogAction[] | undefined;
  let destructive: readonly CatalogAction[] | undefined;
  const allActions = () => (actions ??= services.flatMap(serviceActions));
  return {
    dataVersion,
    get actions() {
      return allActions();
    },
    services,
    rcpServices: new Set(rcpServices.map((service) => service.toLowerCase())),
    get: (name) => {
      const exact = byName.get(name);
      if (exact !== undefined) return exact;
      // The service is everything before the first colon (no service prefix or action name has one), and
      // every action's name begins with its service's prefix.
      const colon = name.indexOf(':');
      if (colon === -1) return undefined;
      const service = name.slice(0, colon).toLowerCase();
      if (!known.has(service)) return undefined;
      if (!named.has(service)) {
        named.add(service);
        for (const action of serviceActions(service)) byName.set(action.action, action);
        const found = byName.get(name);
        if (found !== undefined) return found;
      }
      const lower = name.toLowerCase();
      if (!lowerNamed.has(service)) {
        lowerNamed.add(service);
        for (const action of serviceActions(service)) byLowerName.set(action.action.toLowerCase(), action);
      }
      return byLowerName.get(lower);
    },
    serviceActions: (service) => serviceActions(service.toLowerCase()),
    hasService: (service) => known.has(service.toLowerCase()),
    get destructive() {
      return (destructive ??= allActions().filter((action) => action.classes.length > 0));
    },
  };
}
