// Production ARN patterns the generator will not turn into a deny, because the deny could fail silently or
// could not be proved. A wildcard in the service segment: IAM does not allow it in a resource ARN, so the
// deny would never fire. A wildcard in the resource type (the `db` of `db:prod-*`, the `topic` of
// `topic/...`): AWS documents that a wildcard matches within each colon-separated segment, and leash's own
// matcher (lib/policy/resource.ts) agrees, but the independent simulator that proves the guardrails
// (iam-simulate) does not match it, so coverage through such a pattern could not be proved. Both are refused
// with the typed form to write instead, which every matcher agrees on.
import type { Catalog } from '../catalog/types';

const WILDCARD = /[*?]/;
/** A resource part that starts with a literal resource type: `db:${DbInstanceName}`, `topic/${...}`. */
const TYPED = /^[A-Za-z][A-Za-z0-9_.-]*[/:]/;

/** The resource types a service's ARNs start with, or undefined when some ARN of it has none (S3 buckets). */
function resourceTypePrefixes(service: string, catalog: Catalog): string[] | undefined {
  const prefixes = new Set<string>();
  let untyped = false;
  for (const action of catalog.actions) {
    for (const type of action.resourceTypes) {
      const parts = type.arnTemplate?.split(':');
      if (!parts || parts[2] !== service) continue;
      const resource = parts.slice(5).join(':');
      const typed = TYPED.exec(resource);
      if (typed) prefixes.add(typed[0]);
      else untyped = true;
    }
  }
  return untyped || prefixes.size === 0 ? undefined : [...prefixes].sort();
}

/** Why `pattern` is refused as a production ARN pattern (see the module comment), or undefined. */
export function arnPatternProblem(pattern: string, catalog: Catalog): string | undefined {
  const parts = pattern.split(':');
  if (parts.length < 6) return undefined;
  const service = parts[2];
  if (WILDCARD.test(service)) {
    return 'has a wildcard in the service segment, which IAM does not match in a resource ARN: write one pattern per service';
  }
  const resource = parts.slice(5).join(':');
  const separator = resource.search(/[/:]/);
  if (separator <= 0 || !WILDCARD.test(resource.slice(0, separator))) return undefined;
  const prefixes = resourceTypePrefixes(service, catalog);
  if (!prefixes) return undefined;
  const shown = prefixes.slice(0, 6).join(', ');
  return (
    `has a wildcard in the resource type (before the first "${resource[separator]}"): AWS documents that it ` +
    `matches, but the independent simulator that proves the guardrails does not, so the deny's coverage ` +
    `cannot be proved. Write one pattern per resource type (${service}: ${shown}` +
    `${prefixes.length > 6 ? ', ...' : ''})`
  );
}
