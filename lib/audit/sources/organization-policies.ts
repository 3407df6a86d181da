// Reads the SCP and RCP chain (root, each OU, the account) that applies to an account, from Organizations.
// One reader serves a whole organization walk: each target's list and each policy's content is fetched once.
import {
  DescribePolicyCommand,
  type OrganizationsClient,
  paginateListPoliciesForTarget,
  type PolicyTypeSummary,
} from '@aws-sdk/client-organizations';
import type { NamedPolicy, OrganizationPolicyLevel, SnapshotProblem } from './snapshot';

export type OrganizationPolicyType = 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';

/** A level of the hierarchy before its policies are known. */
export interface HierarchyLevel {
  kind: OrganizationPolicyLevel['kind'];
  id: string;
  name?: string;
}

/** Which policy types are switched on at the root; a type that is not ENABLED restricts nothing. */
export function enabledPolicyTypes(policyTypes: readonly PolicyTypeSummary[] | undefined): Set<OrganizationPolicyType> {
  const enabled = new Set<OrganizationPolicyType>();
  for (const entry of policyTypes ?? []) {
    if (entry.Status !== 'ENABLED') continue;
    if (entry.Type === 'SERVICE_CONTROL_POLICY' || entry.Type === 'RESOURCE_CONTROL_POLICY') enabled.add(entry.Type);
  }
  return enabled;
}

export class OrganizationPolicyReader {
  private readonly targets = new Map<string, Promise<{ id: string; name: string; arn?: string }[]>>();
  private readonly contents = new Map<string, Promise<{ policy: NamedPolicy; problem?: SnapshotProblem }>>();

  constructor(
    private readonly organizations: OrganizationsClient,
    private readonly signal?: AbortSignal,
  ) {}

  /**
   * The chain for `levels` (root first), one entry per level, for one policy type. Policies whose content
   * is not JSON are kept as found and reported in `problems`.
   */
  async chain(
    levels: readonly HierarchyLevel[],
    type: OrganizationPolicyType,
    problems: SnapshotProblem[] = [],
  ): Promise<OrganizationPolicyLevel[]> {
    return Promise.all(
      levels.map(async (level) => {
        const attached = await this.attached(level.id, type);
        const read = await Promise.all(attached.map((summary) => this.policy(summary.id, summary, type)));
        for (const { problem } of read) if (problem) problems.push(problem);
        const policies = read.map(({ policy }) => policy);
        return { kind: level.kind, id: level.id, ...(level.name ? { name: level.name } : {}), policies };
      }),
    );
  }

  /** Both chains, honouring which types the root has enabled. */
  async chains(
    levels: readonly HierarchyLevel[],
    enabled: ReadonlySet<OrganizationPolicyType>,
  ): Promise<{
    serviceControlPolicies: OrganizationPolicyLevel[];
    resourceControlPolicies: OrganizationPolicyLevel[];
    problems: SnapshotProblem[];
  }> {
    const problems: SnapshotProblem[] = [];
    const [serviceControlPolicies, resourceControlPolicies] = await Promise.all([
      enabled.has('SERVICE_CONTROL_POLICY') ? this.chain(levels, 'SERVICE_CONTROL_POLICY', problems) : [],
      enabled.has('RESOURCE_CONTROL_POLICY') ? this.chain(levels, 'RESOURCE_CONTROL_POLICY', problems) : [],
    ]);
    return { serviceControlPolicies, resourceControlPolicies, problems };
  }

  private attached(
    targetId: string,
    type: OrganizationPolicyType,
  ): Promise<{ id: string; name: string; arn?: string }[]> {
    const key = `${type}/${targetId}`;
    let pending = this.targets.get(key);
    if (!pending) {
      pending = (async () => {
        const out: { id: string; name: string; arn?: string }[] = [];
        for await (const page of paginateListPoliciesForTarget(
          { client: this.organizations },
          { TargetId: targetId, Filter: type },
          { abortSignal: this.signal },
        )) {
          for (const policy of page.Policies ?? []) {
            if (policy.Id) out.push({ id: policy.Id, name: policy.Name ?? policy.Id, arn: policy.Arn });
          }
        }
        return out;
      })();
      this.remember(this.targets, key, pending);
    }
    return pending;
  }

  private policy(
    policyId: string,
    summary: { name: string; arn?: string },
    type: OrganizationPolicyType,
  ): Promise<{ policy: NamedPolicy; problem?: SnapshotProblem }> {
    let pending = this.contents.get(policyId);
    if (!pending) {
      pending = (async () => {
        const response = await this.organizations.send(new DescribePolicyCommand({ PolicyId: policyId }), {
          abortSignal: this.signal,
        });
        const content = response.Policy?.Content;
        const arn = response.Policy?.PolicySummary?.Arn ?? summary.arn;
        const where = `organizations:DescribePolicy ${policyId} (${type})`;
        const { document, problem } = parsePolicyContent(content, where);
        const policy = {
          name: response.Policy?.PolicySummary?.Name ?? summary.name,
          ...(arn ? { arn } : {}),
          document,
        };
        return problem ? { policy, problem } : { policy };
      })();
      this.remember(this.contents, policyId, pending);
    }
    return pending;
  }

  /** Cache successes; forget failures so a later account can try again. */
  private remember<T>(cache: Map<string, Promise<T>>, key: string, pending: Promise<T>): void {
    cache.set(key, pending);
    pending.catch(() => {
      if (cache.get(key) === pending) cache.delete(key);
    });
  }
}

/** Organizations returns policy content as plain JSON text (not URL-encoded, unlike IAM). */
function parsePolicyContent(
  content: string | undefined,
  where: string,
): { document: unknown; problem?: SnapshotProblem } {
  if (content === undefined) return { document: undefined, problem: { where, message: 'the policy has no content' } };
  try {
    return { document: JSON.parse(content) };
  } catch (err) {
    return { document: content, problem: { where, message: `policy content is not JSON: ${(err as Error).message}` } };
  }
}
