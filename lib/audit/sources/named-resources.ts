// The resources of an account its policies name by ARN: those whose tags a live read asks for, so that a grant
// on the ARN of a production resource is a certain write, not one that depends on the resource. Pure: which
// ARNs, in which region; live-resource-tags.ts asks AWS.
import { rawStatements } from '../../policy/parse';
import { arnSegments } from '../../policy/resource';
import type { AccountSnapshot, ResourcePolicy } from './snapshot';

/** The most ARNs asked about per account: past it, the rest keep "depends on the resource" (said in a problem). */
export const MAX_NAMED_RESOURCES = 10_000;

/**
 * Principals × resources known by ARN the audit may ask about: each such pair is a question of its own (all the
 * writes that fit the ARN), about 15 µs each on the 2-core machine (2026-12-06: 1,118 production resources on
 * the 1,000-role generated account took the audit from 2.7 s to 19.9 s CPU). Past it, fewer resources are asked,
 * so that this costs a live audit of up to 2,000 principals at most about 3 s more; a larger one still has
 * MIN_NAMED_RESOURCES asked (at worst about 1.5 ms more per principal).
 */
export const PRINCIPAL_RESOURCE_BUDGET = 200_000;
export const MIN_NAMED_RESOURCES = 100;

/** How many named resources an account of `principals` principals has its tags read for. */
export function namedResourceLimit(principals: number): number {
  const affordable = Math.floor(PRINCIPAL_RESOURCE_BUDGET / Math.max(1, principals));
  return Math.min(MAX_NAMED_RESOURCES, Math.max(MIN_NAMED_RESOURCES, affordable));
}

export interface NamedResources {
  /** By region: the ARNs to ask there, sorted. */
  readonly byRegion: ReadonlyMap<string, readonly string[]>;
  /** Named ARNs left out because there were more than `limit`. */
  readonly leftOut: number;
  /** The most asked (namedResourceLimit of the account's principals). */
  readonly limit: number;
}

/**
 * Every ARN of this account that an identity policy's `Resource` or a resource policy (the resources it governs)
 * names without a wildcard or a policy variable, in a region the account has enabled. A bucket ARN has no region:
 * it is asked in its own region, from the bucket list (`bucketRegions`), or not at all (another account's bucket).
 * IAM and other global resources are left out: they are principals, or not taggable through tag:GetResources.
 * Past the limit, the resources whose policy was read come first (they grant without an identity policy).
 */
export function namedResources(
  snapshot: Pick<AccountSnapshot, 'accountId' | 'principals' | 'managedPolicies'>,
  resourcePolicies: readonly ResourcePolicy[],
  regions: readonly string[],
  bucketRegions: Readonly<Record<string, string>>,
): NamedResources {
  const enabled = new Set(regions);
  const limit = namedResourceLimit(snapshot.principals.filter((p) => p.kind !== 'group').length);
  const named = new Map<string, Set<string>>();
  const seen = new Set<string>();
  let count = 0;
  let leftOut = 0;
  const consider = (value: unknown) => {
    if (typeof value !== 'string' || !value.startsWith('arn:') || /[*?]|\$\{/.test(value)) return;
    const segments = arnSegments(value);
    if (segments.length !== 6) return;
    const [, , service, regionSegment, account, resource] = segments;
    if (account !== '' && account !== snapshot.accountId) return;
    let region = regionSegment;
    if (region === '') {
      // Only a bucket ARN (no object key) has a region the bucket list gives.
      if (service !== 's3' || resource.includes('/')) return;
      region = bucketRegions[value] ?? '';
    } else if (account === '') return;
    if (!enabled.has(region)) return;
    if (seen.has(value)) return;
    seen.add(value);
    if (count >= limit) {
      leftOut++;
      return;
    }
    let arns = named.get(region);
    if (!arns) named.set(region, (arns = new Set()));
    arns.add(value);
    count++;
  };
  const documents: unknown[] = [
    ...snapshot.principals.flatMap((principal) => principal.inlinePolicies.map((policy) => policy.document)),
    ...snapshot.managedPolicies.map((policy) => policy.document),
  ];
  for (const policy of resourcePolicies) for (const arn of policy.resourceArns) consider(arn);
  for (const document of documents) for (const resource of statementResources(document)) consider(resource);
  return {
    limit,
    byRegion: new Map(
      [...named].sort(([a], [b]) => (a < b ? -1 : 1)).map(([region, arns]) => [region, [...arns].sort()]),
    ),
    leftOut,
  };
}

/** The `Resource` values of a document's statements (a document that cannot be read names nothing here). */
function statementResources(document: unknown): unknown[] {
  return rawStatements(document).flatMap(({ statement }) => {
    if (!statement || typeof statement !== 'object') return [];
    const resource = (statement as { Resource?: unknown }).Resource;
    return Array.isArray(resource) ? resource : [resource];
  });
}
