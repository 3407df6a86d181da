// Which policies are in use in an account and by whom, parsed once: the statement-level rules
// (NotAction, service wildcards, invalid patterns) look at policies, the effective-access rules at principals.
import {
  rawStatement,
  salvagePolicy,
  type PolicyParseCache,
  type NormalizedPolicy,
  type NormalizedStatement,
  type PolicyType,
} from '../../../policy';
import { resourcePolicyGrants } from '../../evaluate/resource-policy-grants';
import { snapshotParseCache } from '../../sources/parse-cache';
import type { AccountSnapshot, Principal } from '../../sources/snapshot';
import type { Evidence } from '../../findings';

export function policiesInUse(snapshot: AccountSnapshot): PolicyInUse[] {
  const cache = snapshotParseCache(snapshot);
  const out: PolicyInUse[] = [];
  const managed = new Map(snapshot.managedPolicies.map((p) => [p.arn, p]));
  const attachments = new Map<string, Principal[]>();
  const boundaries = new Map<string, Principal[]>();
  const push = (map: Map<string, Principal[]>, key: string, principal: Principal) => {
    const list = map.get(key);
    if (list) list.push(principal);
    else map.set(key, [principal]);
  };
  for (const principal of snapshot.principals) {
    for (const arn of principal.managedPolicyArns) push(attachments, arn, principal);
    if (principal.permissionsBoundaryArn) push(boundaries, principal.permissionsBoundaryArn, principal);
    for (const policy of principal.inlinePolicies) {
      out.push(
        entry(cache, {
          id: `inline:${principal.arn}:${policy.name}`,
          name: policy.name,
          evidencePolicy: `inline:${policy.name}`,
          kind: principal.kind === 'group' ? 'group-inline' : 'inline',
          type: 'identity',
          document: policy.document,
          attachedTo: [principal],
          owner: principal,
          awsManaged: false,
        }),
      );
    }
  }
  for (const [arn, principals] of attachments) {
    const policy = managed.get(arn);
    if (!policy) continue;
    out.push(
      entry(cache, {
        id: arn,
        name: policy.name,
        evidencePolicy: arn,
        kind: 'managed',
        type: 'identity',
        document: policy.document,
        attachedTo: principals,
        awsManaged: policy.awsManaged,
      }),
    );
  }
  for (const [arn, principals] of boundaries) {
    const policy = managed.get(arn);
    if (!policy) continue;
    out.push(
      entry(cache, {
        id: `boundary:${arn}`,
        name: policy.name,
        evidencePolicy: arn,
        kind: 'boundary',
        type: 'boundary',
        document: policy.document,
        attachedTo: principals,
        awsManaged: policy.awsManaged,
      }),
    );
  }
  for (const [type, levels] of [
    ['scp', snapshot.serviceControlPolicies],
    ['rcp', snapshot.resourceControlPolicies],
  ] as const) {
    for (const level of levels) {
      for (const policy of level.policies) {
        out.push(
          entry(cache, {
            id: `${type}:${level.id}:${policy.name}`,
            name: policy.name,
            evidencePolicy: policy.arn ?? `${type}:${policy.name}`,
            kind: type,
            type,
            document: policy.document,
            attachedTo: [],
            awsManaged: policy.arn?.includes(':aws:policy/') ?? false,
          }),
        );
      }
    }
  }
  return out;
}

/**
 * What resource policies grant each principal (evaluate/resource-policy-grants), as its own identity grants:
 * for the candidate actions, not for the statement rules, which judge policy documents as written (a resource
 * policy's NotAction is bounded by its resource, and one statement to everyone is not one per principal).
 */
export function resourceGrantsInUse(snapshot: AccountSnapshot): PolicyInUse[] {
  const cache = snapshotParseCache(snapshot);
  const out: PolicyInUse[] = [];
  const resourceGrants = resourcePolicyGrants(snapshot).byPrincipal;
  if (resourceGrants.size === 0) return out;
  for (const principal of snapshot.principals) {
    for (const grant of resourceGrants.get(principal.arn) ?? []) {
      out.push(
        entry(cache, {
          id: `resource:${principal.arn}:${grant.name}:${grant.uncapped ? 'uncapped' : 'capped'}`,
          name: grant.name,
          evidencePolicy: `resource:${grant.name}`,
          kind: 'resource',
          type: 'identity',
          document: grant.document,
          attachedTo: [principal],
          owner: principal,
          awsManaged: false,
        }),
      );
    }
  }
  return out;
}

function entry(cache: PolicyParseCache, fields: PolicyInUseFields): PolicyInUse {
  return new PolicyInUse(cache, fields);
}

type PolicyInUseFields = Pick<
  PolicyInUse,
  'id' | 'name' | 'evidencePolicy' | 'kind' | 'type' | 'document' | 'attachedTo' | 'awsManaged'
> & { readonly owner?: Principal };

/** A policy in use. One class for every kind of policy (`owner` undefined but present when not inline): rules read thousands. */
export class PolicyInUse {
  /** Managed policy ARN, `inline:<principal arn>:<name>`, or `scp:<level id>:<name>`. */
  readonly id: string;
  readonly name: string;
  /** The value `Evidence.policy` carries: the ARN, or `inline:<name>`. */
  readonly evidencePolicy: string;
  readonly kind: Evidence['policyKind'];
  readonly type: PolicyType;
  readonly document: unknown;
  /** Principals it applies to directly (a group's policies apply to its member users as well). */
  readonly attachedTo: readonly Principal[];
  /** Set for inline policies. */
  readonly owner: Principal | undefined;
  readonly awsManaged: boolean;
  /** null until parsed. */
  private parsedPolicy: NormalizedPolicy | undefined | null = null;

  constructor(
    private readonly cache: PolicyParseCache,
    fields: PolicyInUseFields,
  ) {
    this.id = fields.id;
    this.name = fields.name;
    this.evidencePolicy = fields.evidencePolicy;
    this.kind = fields.kind;
    this.type = fields.type;
    this.document = fields.document;
    this.attachedTo = fields.attachedTo;
    this.owner = fields.owner;
    this.awsManaged = fields.awsManaged;
  }

  /**
   * Parsed; of a policy that does not parse, the statements that do (the unreadable-policy rule reports the
   * others, invalid-pattern the details). Undefined only when no statement can be read.
   */
  parsed(): NormalizedPolicy | undefined {
    if (this.parsedPolicy === null) {
      // The whole policy when it parses (salvagePolicy returns parsePolicy's), else its readable statements;
      // the unreadable-policy rule then finds the same salvage in salvagePolicy's cache.
      const readable = salvagePolicy(this.document, { type: this.type, cache: this.cache }).policy;
      this.parsedPolicy = readable.statements.length > 0 ? readable : undefined;
    }
    return this.parsedPolicy;
  }
}

/** The principals a policy's effect reaches: its direct principals plus members of groups among them. */
export function reachedPrincipals(policy: PolicyInUse, snapshot: AccountSnapshot): Principal[] {
  const groups = new Set(policy.attachedTo.filter((p) => p.kind === 'group').map((p) => p.name));
  const direct = policy.attachedTo.filter((p) => p.kind !== 'group');
  if (groups.size === 0) return direct;
  const members = snapshot.principals.filter((p) => p.kind === 'user' && p.groups.some((g) => groups.has(g)));
  return [...new Set([...direct, ...members])];
}

/** Evidence pointing at one statement of a policy in use, as the user wrote it. */
export function statementEvidence(policy: PolicyInUse, statement: NormalizedStatement, note: string): Evidence {
  return {
    policy: policy.evidencePolicy,
    policyKind: policy.kind,
    statementIndex: statement.index,
    ...(statement.sid ? { sid: statement.sid } : {}),
    statement: rawStatement(policy.document, statement.index),
    note,
  };
}
