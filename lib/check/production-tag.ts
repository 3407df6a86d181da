// Whether a resource is production: one of the configured tag keys set to a production value, on the
// resource (wherever the service specification keeps its tags) or on its stack.
import { loadResourceModel } from '@aws-cdk/cloudformation-diff/lib/diff/util';
import type { ProductionSelector } from '../guardrails/spec';
import type { CfnResource } from './template-file';

/**
 * The first production tag on the resource (old or new template) or on its stack. A tag written as an
 * intrinsic (`!Ref Env`) is read as resolved, and the assumption behind it is named; a production tag key
 * whose value only deployment knows counts as production (fail closed).
 */
export function productionTagOf(
  resources: readonly (CfnResource | undefined)[],
  stackTags: readonly Readonly<Record<string, string>>[],
  production: ProductionSelector,
  raw: readonly (CfnResource | undefined)[] = [],
  assumed: readonly string[] = [],
): string | undefined {
  const values = new Set(production.values.map((value) => value.toLowerCase()));
  const match = (tags: Record<string, unknown>, rawTags: Record<string, unknown>) => {
    for (const key of production.tagKeys) {
      const value = tags[key];
      const written = rawTags[key];
      const literal = typeof written === 'string' || written === undefined;
      if (typeof value === 'string' && values.has(value.toLowerCase())) {
        if (literal) return `${key}=${value}`;
        const why = assumed.length > 0 ? assumed.join('; ') : `resolved from ${JSON.stringify(written)}`;
        return `${key}=${value} (assumed: ${why})`;
      }
      if (value !== undefined && typeof value !== 'string') {
        return `${key}=${JSON.stringify(value)} (not known before deployment; treated as production)`;
      }
    }
    return undefined;
  };
  for (const [index, resource] of resources.entries()) {
    if (!resource) continue;
    const found = match(resourceTags(resource), raw[index] ? resourceTags(raw[index]) : {});
    if (found) return found;
  }
  for (const tags of stackTags) {
    const found = match(tags, tags);
    if (found) return `${found} (stack tag)`;
  }
  return undefined;
}

/** Tags of a resource, wherever the service spec says its tags live and in whichever shape. */
function resourceTags(resource: CfnResource): Record<string, unknown> {
  const info = loadResourceModel(resource.Type)?.tagInformation;
  const raw = resource.Properties?.[info?.tagPropertyName ?? 'Tags'];
  const tags: Record<string, unknown> = {};
  if (Array.isArray(raw)) {
    for (const tag of raw) {
      const { Key, Value } = (tag ?? {}) as { Key?: unknown; Value?: unknown };
      if (typeof Key === 'string') tags[Key] = Value;
    }
  } else if (raw && typeof raw === 'object') {
    Object.assign(tags, raw);
  }
  return tags;
}
