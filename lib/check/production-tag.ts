// Whether a resource is production: one of the configured tag keys set to a production value, on the
// resource (wherever the service specification keeps its tags) or on its stack.
import { loadResourceModel } from '../audit/sources/resource-spec';
import { isIntrinsic } from '../audit/sources/templates-intrinsics';
import type { ProductionSelector } from '../guardrails/spec';
import { lookalikeProductionTags, type LookalikeTag } from '../guardrails/production-lookalikes';
import { revealed } from '../util/lookalike';
import type { CfnResource } from './template-file';

export { lookalikeProductionTags, type LookalikeTag };

/** Parameters deployment may set (not passed by a parent stack) → their `AllowedValues`, if any. */
export type OverridableParameters = ReadonlyMap<string, readonly unknown[] | undefined>;

/**
 * The first production tag on the resource (old or new template) or on its stack. A tag written as an
 * intrinsic (`!Ref Env`) is read as resolved, and the assumption behind it is named; a production tag key
 * whose value only deployment knows counts as production (fail closed), and so does one read from a
 * parameter's default when deployment may pass a production value instead. With `lookalikes` (the default), a
 * tag that reads as a production tag but that IAM does not match (`prod `, `prоd` with a Cyrillic о) counts as
 * production too, saying so: the verdict on a deletion is then the worst case. Deciding whether a resource is
 * still protected (a tag taken off) asks without them: a lookalike protects nothing. It asks `surely` too: then
 * only a tag that is production whatever deployment passes counts (a value only deployment knows, one that is not
 * text, or one a parameter deployment may set gives, may take the protection off).
 */
export function productionTagOf(
  resources: readonly (CfnResource | undefined)[],
  stackTags: readonly Readonly<Record<string, unknown>>[],
  production: ProductionSelector,
  raw: readonly (CfnResource | undefined)[] = [],
  assumed: readonly string[] = [],
  overridable: OverridableParameters = new Map(),
  lookalikes = true,
  surely = false,
): string | undefined {
  const exact = exactProductionTagOf(resources, stackTags, production, raw, assumed, overridable, surely);
  if (exact || !lookalikes) return exact;
  for (const resource of resources) {
    const [found] = resource ? lookalikeProductionTags(resourceTags(resource, new Set()), production) : [];
    if (found) return lookalikeText(found);
  }
  for (const tags of stackTags) {
    const [found] = lookalikeProductionTags(tags, production);
    if (found) return `${lookalikeText(found)} (stack tag)`;
  }
  return undefined;
}

function lookalikeText(tag: LookalikeTag): string {
  const why =
    tag.kind === 'typo'
      ? 'a letter or two apart: a typo in the tag or in leash.config.json; IAM matches only the exact text'
      : 'but IAM compares every other character exactly';
  return (
    `${revealed(tag.key)}=${revealed(tag.value)} (reads as the production tag ${tag.meantKey}=${tag.meantValue}, ` +
    `${why}, so no guardrail protects it; treated as production)`
  );
}

function exactProductionTagOf(
  resources: readonly (CfnResource | undefined)[],
  stackTags: readonly Readonly<Record<string, unknown>>[],
  production: ProductionSelector,
  raw: readonly (CfnResource | undefined)[],
  assumed: readonly string[],
  overridable: OverridableParameters,
  surely: boolean,
): string | undefined {
  const values = new Set(production.values.map((value) => value.toLowerCase()));
  // `Value: !Ref Env` with `Default: dev` is production wherever the stack is deployed with Env=production.
  const mayBeProduction = (written: unknown): string[] =>
    parametersIn(written).filter((name) => {
      if (!overridable.has(name)) return false;
      const allowed = overridable.get(name);
      const plainRef = isIntrinsic(written) && typeof written.Ref === 'string';
      if (!plainRef || allowed === undefined) return true;
      return allowed.some((value) => typeof value === 'string' && values.has(value.toLowerCase()));
    });
  const match = (tags: Record<string, unknown>, rawTags: Record<string, unknown>) => {
    // IAM compares the key of `aws:ResourceTag/<key>` without case, so the guardrails protect
    // `Environment=production` under the key `environment`: the gate must call it production too.
    const wanted = new Set(production.tagKeys.map((key) => key.toLowerCase()));
    for (const key of Object.keys(tags).filter((written) => wanted.has(written.toLowerCase()))) {
      const value = tags[key];
      const written = rawTags[key];
      const literal = typeof written === 'string' || written === undefined;
      if (typeof value === 'string' && values.has(value.toLowerCase())) {
        if (literal) return `${key}=${value}`;
        // Read from a parameter deployment may set: another value may be passed instead.
        if (surely && parametersIn(written).some((name) => overridable.has(name))) continue;
        const why = assumed.length > 0 ? assumed.join('; ') : `resolved from ${JSON.stringify(written)}`;
        return `${key}=${value} (assumed: ${why})`;
      }
      if (surely) continue;
      const free = literal ? [] : mayBeProduction(written);
      if (typeof value === 'string' && free.length > 0) {
        return `${key}=${value} (the default of parameter ${free.join(', ')}; deployment may pass a production value, so treated as production)`;
      }
      if (value !== undefined && typeof value !== 'string') {
        return `${key}=${JSON.stringify(value)} (not known before deployment; treated as production)`;
      }
    }
    return undefined;
  };
  const wantedKeys = new Set(production.tagKeys.map((key) => key.toLowerCase()));
  const valueMayBeProduction = (value: unknown) => typeof value !== 'string' || values.has(value.toLowerCase());
  // A key only deployment gives (`Key: !Ref TagKey`, or a default deployment may override) may be the
  // production key: then the tag is production when its value may be.
  const keyFromParameter = (written: unknown) =>
    typeof written === 'object' &&
    written !== null &&
    parametersIn(written).some((name) => {
      if (!overridable.has(name)) return false;
      const allowed = overridable.get(name);
      return (
        allowed === undefined || allowed.some((key) => typeof key === 'string' && wantedKeys.has(key.toLowerCase()))
      );
    });
  for (const [index, resource] of resources.entries()) {
    if (!resource) continue;
    const found = match(resourceTags(resource, values), raw[index] ? resourceTags(raw[index], values) : {});
    if (found) return found;
    if (surely) continue;
    const unknownKey =
      tagList(resource).find(
        (tag) => tag.Key !== undefined && typeof tag.Key !== 'string' && valueMayBeProduction(tag.Value),
      ) ?? tagList(raw[index]).find((tag) => keyFromParameter(tag.Key) && valueMayBeProduction(tag.Value));
    if (unknownKey) {
      return `${JSON.stringify(unknownKey.Key)}=${JSON.stringify(unknownKey.Value)} (the tag key is given at deployment and may be a production key; treated as production)`;
    }
  }
  for (const tags of stackTags) {
    const found = match(tags, tags);
    if (found) return `${found} (stack tag)`;
  }
  return undefined;
}

/**
 * Where a resource's tags are written: the service specification's tag property, except for a DynamoDB global
 * table, which the specification gives none: its tags are each replica's `Tags`, so every replica's count.
 */
/** Whether a resource's tags read the same in two templates (as written; absent resources have none). */
export function sameTags(before: CfnResource | undefined, after: CfnResource | undefined): boolean {
  const text = (resource: CfnResource | undefined) => JSON.stringify(resource ? (writtenTags(resource) ?? null) : null);
  return text(before) === text(after);
}

function writtenTags(resource: CfnResource): unknown {
  const replicas = resource.Properties?.Replicas;
  if (resource.Type === 'AWS::DynamoDB::GlobalTable' && Array.isArray(replicas)) {
    return replicas.flatMap((replica) => {
      const tags = (replica as { Tags?: unknown } | null)?.Tags;
      return Array.isArray(tags) ? tags : tags === undefined ? [] : [tags];
    });
  }
  const info = loadResourceModel(resource.Type)?.tagInformation;
  return resource.Properties?.[info?.tagPropertyName ?? 'Tags'];
}

/** The `{Key, Value}` entries of a resource's tag list, as written (none for a map or an intrinsic). */
function tagList(resource: CfnResource | undefined): { Key?: unknown; Value?: unknown }[] {
  if (!resource) return [];
  const raw = writtenTags(resource);
  return Array.isArray(raw) ? raw.map((tag) => (tag && typeof tag === 'object' ? tag : {})) : [];
}

/** Tags of a resource, wherever the service spec says its tags live and in whichever shape. */
export function resourceTags(resource: CfnResource, production: ReadonlySet<string>): Record<string, unknown> {
  const raw = writtenTags(resource);
  const tags: Record<string, unknown> = {};
  if (isIntrinsic(raw)) return undecidedTags(raw, production);
  if (Array.isArray(raw)) {
    for (const tag of raw) {
      const { Key, Value } = (tag ?? {}) as { Key?: unknown; Value?: unknown };
      if (typeof Key === 'string') tags[Key] = Value;
      else if (isIntrinsic(tag)) Object.assign(tags, undecidedTags(tag, production));
    }
  } else if (raw && typeof raw === 'object') {
    Object.assign(tags, raw);
  }
  return tags;
}

/** `{ "Fn::If": ... }` and the like: a value only deployment decides (the effective form left it so). */

/**
 * The tags an undecided intrinsic may set, each at its worst: a key keeps a value when every branch gives a
 * literal that is not production (lower case in `production`); otherwise it is unknown, so production.
 */
function undecidedTags(intrinsic: Record<string, unknown>, production: ReadonlySet<string>): Record<string, unknown> {
  const seen = new Map<string, unknown[]>();
  const add = (key: string, value: unknown) => {
    seen.set(key, [...(seen.get(key) ?? []), value]);
  };
  const walk = (value: unknown, depth: number): void => {
    if (depth > 40 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach((item) => walk(item, depth + 1));
    const record = value as Record<string, unknown>;
    if (typeof record.Key === 'string') return add(record.Key, record.Value);
    if (isIntrinsic(record)) return Object.values(record).forEach((item) => walk(item, depth + 1));
    for (const [key, item] of Object.entries(record)) add(key, item);
  };
  walk(intrinsic, 0);
  const tags: Record<string, unknown> = {};
  for (const [key, values] of seen) {
    const harmless = values.every((value) => typeof value === 'string' && !production.has(value.toLowerCase()));
    tags[key] = harmless ? values[0] : intrinsic;
  }
  return tags;
}

/** The parameters (or resources) a value names: `Ref`, and `${Name}` in `Fn::Sub`. */
export function parametersIn(value: unknown, depth = 0): string[] {
  if (depth > 40 || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item) => parametersIn(item, depth + 1));
  const names: string[] = [];
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'Ref' && typeof item === 'string') names.push(item);
    const text = key === 'Fn::Sub' ? (Array.isArray(item) ? item[0] : item) : undefined;
    if (typeof text === 'string') {
      for (const match of text.matchAll(/\$\{([^!}.][^}.]*)\}/g)) names.push(match[1]);
    }
    names.push(...parametersIn(item, depth + 1));
  }
  return names;
}
