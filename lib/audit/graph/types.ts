// The access graph's vocabulary: principals as nodes, "A can act as B" as edges, each with the statements that
// allow it, and paths made of hops. Layered between evaluate/ (which decides each edge) and rules/ (which ask
// who reaches what).
import type { Evidence } from '../findings';

/** How A gets to act as B. */
export type EdgeKind =
  /** sts:AssumeRole (WithWebIdentity, WithSAML) allowed by B's trust policy and A's own policies. */
  | 'assume-role'
  /** iam:PassRole of B to a service that runs A's code as B (Lambda, EC2, ECS, CodeBuild, Glue, ...). */
  | 'pass-role'
  /** Code or commands A runs on compute that already runs as B (ssm:SendCommand, lambda:UpdateFunctionCode, ...). */
  | 'run-code'
  /** A can get B's credentials (iam:CreateAccessKey, CreateLoginProfile, UpdateLoginProfile on user B). */
  | 'credentials'
  /** A can rewrite B's trust policy to let itself in (iam:UpdateAssumeRolePolicy). */
  | 'trust-rewrite'
  /**
   * A takes a root session in member account B (sts:AssumeRoot, centralized root access) and, through the
   * IAMCreateRootUserPassword task, holds B's root user, `arn:aws:iam::<B>:root`, which only SCPs and RCPs limit.
   */
  | 'root-session'
  /**
   * A deploys a service-managed stack set (CloudFormation StackSets with trusted access to Organizations) into
   * member account B, where StackSets runs A's template as B's execution role `role/stacksets-exec-*`, which has
   * administrator access and which only B's SCPs and RCPs limit (graph/member-stack-set.ts).
   */
  | 'stack-set';

/**
 * `allowed`: nothing unknown stands in the way. `depends`: a condition key or a resource pattern decides
 * (`dependsOn`). An edge that needs something the snapshot cannot show (a function that runs as the role, an
 * instance with its profile) names it in `needs` whatever its decision.
 */
export type EdgeDecision = 'allowed' | 'depends';

export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  /** The actions A uses, e.g. `sts:AssumeRole` or `iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction`. */
  readonly actions: readonly string[];
  /** The escalation path id (escalation-paths.ts) for pass-role, run-code, credentials and trust-rewrite edges. */
  readonly pathId?: string;
  readonly decision: EdgeDecision;
  /** Condition keys (and `resource`) the decision turns on. */
  readonly dependsOn: readonly string[];
  /** What must exist for the edge to be usable, that the snapshot cannot show. */
  readonly needs?: string;
  /** Run-code edges resolved by the live inventory: some of the compute that runs as B (at most three). */
  readonly runsOn?: readonly string[];
  /** The statements that allow it: A's identity side, and B's trust policy where it takes part. */
  readonly evidence: readonly Evidence[];
}

/** One hop of a path: the edge taken. */
export type Hop = Edge;

export interface Path {
  readonly from: string;
  /** The principal the path ends at (the one that can do what was asked). */
  readonly to: string;
  readonly hops: readonly Hop[];
  /** Every hop allowed and needing nothing the snapshot lacks. */
  readonly certain: boolean;
}

/** How sure a path is, worst hop first: `needs` (inventory), `depends` (conditions), `allowed`. */
export function pathCertainty(hops: readonly Hop[]): 'allowed' | 'depends' | 'needs' {
  if (hops.some((hop) => hop.needs !== undefined)) return 'needs';
  if (hops.some((hop) => hop.decision === 'depends')) return 'depends';
  return 'allowed';
}

/** `user/alice → assume role/deleter → role/x`, short names, for messages. */
export function describePath(path: Path, short: (arn: string) => string = shortName): string {
  const parts = [short(path.from)];
  for (const hop of path.hops) parts.push(`${HOP_VERB[hop.kind]} ${short(hop.to)}`);
  return parts.join(' → ');
}

export const HOP_VERB: Readonly<Record<EdgeKind, string>> = {
  'assume-role': 'assume',
  'pass-role': 'pass to a service',
  'run-code': 'run code as',
  credentials: 'take credentials of',
  'trust-rewrite': 'rewrite trust of',
  'root-session': 'take a root session as',
  'stack-set': 'deploy a stack set as',
};

/** `role/name` or `user/name` (with the account when it is another one: `222233334444:role/name`). */
export function shortName(arn: string, homeAccount?: string): string {
  const match = /^arn:[^:]+:(?:iam|sts)::(\d{12}|aws):(.+)$/.exec(arn);
  if (!match) return arn;
  const resource = match[2].replace(/^(role|user)\/(?:.*\/)?([^/]+)$/, '$1/$2');
  return homeAccount !== undefined && match[1] !== homeAccount ? `${match[1]}:${resource}` : resource;
}
