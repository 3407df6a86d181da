// Contract of the effective-access evaluator: identity ∩ boundary ∩ each SCP level (∩ RCPs for resources),
// minus explicit denies, answered three-valued and always with the statements that decided.
import type { Catalog, CatalogAction } from '../../catalog/types';
import type { Effect } from '../../policy/types';
import type { Evidence } from '../findings';
import type { AccountSnapshot } from '../sources/snapshot';

/** `depends`: the answer turns on something the request would have to carry (named in `dependsOn`). */
export type Decision = 'allowed' | 'denied' | 'depends';

/** What is known about the request. Missing fields mean "any value", which can make a decision `depends`. */
export interface RequestContext {
  /** Target resource ARN; undefined means "some resource" (a non-`*` Resource then makes it `depends`). */
  readonly resourceArn?: string;
  /**
   * Where "some resource" (no `resourceArn`) is, for aws:ResourceAccount and aws:ResourceOrgID. Unset: in the
   * principal's own account (and organization), which is what the audit asks about: acting on another
   * account's resource also takes that resource's own policy, and such grants are asked with the resource's
   * ARN. An account id: in that account. `any`: in any account, for questions whose targets may be elsewhere
   * (which roles a principal may assume), so those keys stay unknown.
   */
  readonly resourceAccount?: string;
  /**
   * The organization of the account `resourceAccount` names, where the input knows it: aws:ResourceOrgID of a
   * resource in that account (by ARN or not). Never read for a resource in another account.
   */
  readonly resourceOrganizationId?: string;
  /**
   * Tags on the target resource, e.g. `{ environment: 'production' }`; `{}` says it has none. Unset: unknown
   * (a condition on aws:ResourceTag then makes the decision `depends`).
   */
  readonly resourceTags?: Readonly<Record<string, string>>;
  /**
   * The tag keys (any case) whose value or absence `resourceTags` gives; any other aws:ResourceTag key is then
   * unknown, as on a real resource that carries tags nobody asked about (team, owner: what ABAC conditions
   * compare). Unset: `resourceTags` is the resource's whole tag set.
   */
  readonly resourceTagKeysKnown?: readonly string[];
  /**
   * Tags the request passes (aws:RequestTag, and their keys as aws:TagKeys); `{}` says it passes none. An
   * action that passes only keys (an untag) carries aws:TagKeys from these and no aws:RequestTag. Unset: unknown.
   */
  readonly requestTags?: Readonly<Record<string, string>>;
  /**
   * Any further condition-key values, keys lower-cased, e.g. `{ 'aws:sourceidentity': ['alice'] }`; an empty
   * list says the key is absent from the request. A key not given is unknown, but for aws:SecureTransport, which
   * is `true` (requests are sent over TLS, as every AWS SDK sends them).
   */
  readonly contextKeys?: Readonly<Record<string, readonly string[]>>;
}

/** Which layer of the policy evaluation logic decided a denial. */
export type DecisionLayer = 'identity' | 'explicit-deny' | 'boundary' | 'scp' | 'rcp';

export interface StatementRef extends Evidence {
  readonly effect: Effect;
  /** The layer the statement belongs to (`identity`, `boundary`, `scp` or `rcp`). */
  readonly layer: DecisionLayer;
  /** Set when the statement applies only to some requests: the condition keys (or `resource`) it turns on. */
  readonly dependsOn?: readonly string[];
}

/**
 * Whether a layer of organization policies restricts a principal: `applied` (evaluated), `not-applicable`
 * (management account, or SCPs for a service-linked role), or `unknown` (the snapshot has no organization
 * policies: results neither claim that they allow nor that they deny).
 */
export type OrganizationLayerState = 'applied' | 'not-applicable' | 'unknown';

export interface ActionDecision {
  readonly action: string;
  readonly decision: Decision;
  /** Allow statements that grant it in the identity layer (and in each other layer). */
  readonly allowedBy: readonly StatementRef[];
  /** Deny statements that match (decisive when `decision` is `denied`). */
  readonly deniedBy: readonly StatementRef[];
  /** The first layer, in AWS's evaluation order, that stops the request; absent when allowed. */
  readonly blockedAt?: DecisionLayer;
  /** Condition keys (and `resource` for an unknown target ARN) the answer depends on. */
  readonly dependsOn: readonly string[];
  /**
   * Organization layers that could have stopped the request but were not evaluated because their policies
   * are unknown: an `allowed` or `depends` answer holds only as far as the account's own policies go.
   */
  readonly unevaluated?: readonly ('scp' | 'rcp')[];
}

export interface CompiledPrincipal {
  readonly arn: string;
  readonly kind: 'role' | 'user' | 'group';
  readonly hasPermissionsBoundary: boolean;
  /** Whether SCPs restrict this principal (not for the management account or service-linked roles). */
  readonly serviceControlPolicies: OrganizationLayerState;
  /** Whether RCPs restrict requests to this account's resources (for RCP-supporting services only). */
  readonly resourceControlPolicies: OrganizationLayerState;
  /** Plain statements about the evaluation of this principal, e.g. "SCPs do not apply to service-linked roles". */
  readonly notes: readonly string[];
  /** Decide one action. */
  decide(action: string, context?: RequestContext): ActionDecision;
  /** Decide many catalog actions in bulk (the fast path). */
  decideMany(actions: readonly CatalogAction[], context?: RequestContext): ActionDecision[];
  /**
   * Only the decision of each action, as 0 denied, 1 allowed, 2 depends: what decideMany would say, without
   * building a decision object per action (whole-catalog summaries).
   */
  decisionKinds(actions: readonly CatalogAction[], context?: RequestContext): Uint8Array;
  /**
   * How many catalog actions are allowed and how many depend, over the whole catalog, with the counts of
   * the actions `flagged` (by catalog index) apart: what decisionKinds over every catalog action would
   * count, found one action class at a time and only in services some identity statement can match.
   */
  countDecisions(flagged: Uint8Array, context?: RequestContext): DecisionCounts;
  /**
   * What decideMany would say, by runs of consecutive actions that share one decision (all of it but the
   * action's name), without a decision object per action: for callers that only count, list names and
   * gather evidence. Read-only.
   */
  decisionRuns(actions: readonly CatalogAction[], context?: RequestContext): DecisionRuns;
  /**
   * An object that is the same for every principal that decides each action of `service` alike in every request
   * context (they meet the same statements with the same answers), for callers that remember answers across
   * principals; undefined when no other principal is known to decide alike.
   */
  decidesAlikeAs?(service: string): object | undefined;
  /**
   * What can tell two resources of `service` apart for this principal, besides their tags and account: the
   * Resource (or NotResource) patterns of every statement that may answer for the service, each list once,
   * named by its text. Resources that every list matches alike, with the same tags and account, get the same
   * answer. Undefined when a pattern holds a policy variable.
   */
  resourceTestsOf?(service: string): readonly ResourceTestOf[] | undefined;
}

/** A statement's Resource (or NotResource) list: its text as a key, and whether it matches an ARN. */
export interface ResourceTestOf {
  readonly key: string;
  readonly matches: (arn: string) => boolean;
}

/** An ActionDecision without its action: what every action of a run is decided. */
export type RunDecision = Omit<ActionDecision, 'action'>;

/** decisionRuns' answer: run k covers the actions `[k === 0 ? 0 : ends[k - 1], ends[k])`. */
export interface DecisionRuns {
  readonly ends: readonly number[];
  readonly decisions: readonly RunDecision[];
}

export interface DecisionCounts {
  readonly allowed: number;
  readonly depends: number;
  readonly flaggedAllowed: number;
  readonly flaggedDepends: number;
}

export interface CompiledAccount {
  readonly accountId: string;
  readonly principals: readonly CompiledPrincipal[];
  principal(arn: string): CompiledPrincipal | undefined;
  /** Policies that failed to parse: the rest of the account is still evaluated. */
  /** Policies not read in full; `file` when the policy came from another file than the account's input. */
  readonly invalidPolicies: readonly {
    readonly where: string;
    readonly policy: string;
    readonly message: string;
    readonly file?: string;
  }[];
}

export type CompileAccount = (snapshot: AccountSnapshot, catalog: Catalog) => CompiledAccount;
