// What the guardrail generators produce: policy documents ready for IAM / Organizations, with their sizes.
import type { DestructiveClass } from '../catalog/types';
import type { PlacementLevel } from './spec';

/** A policy document as JSON for AWS (`Version` + `Statement` array). */
export interface PolicyDocumentJson {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Readonly<Record<string, unknown>>[];
}

export interface GeneratedPolicy {
  /** File-friendly name, e.g. `leash-agent-boundary`, `leash-scp-1`. */
  readonly name: string;
  readonly description: string;
  readonly document: PolicyDocumentJson;
  /** Size as AWS counts it for this policy type. */
  readonly characters: number;
  /** The type's limit (6,144 for a managed policy, 5,120 for an SCP or RCP). */
  readonly limit: number;
  /** SCPs and RCPs: the organization level it must be attached at (root, production OU, production account). */
  readonly level?: PlacementLevel;
}

/** Which generated SCP and RCP is attached at which organization level. */
export interface PlacementPlan {
  readonly levels: readonly {
    readonly level: PlacementLevel;
    readonly freeServiceControlPolicySlots: number;
    readonly freeResourceControlPolicySlots: number;
    /** Names of the generated SCPs attached here (`leash-scp-N`). */
    readonly serviceControlPolicies: readonly string[];
    readonly resourceControlPolicies: readonly string[];
  }[];
}

/** How one destructive action is enforced. */
export type Enforcement =
  | 'scp-tag-condition'
  | 'scp-arn-pattern'
  /** An SCP denies it outright (any resource) to everyone not exempt. */
  | 'scp-outright'
  | 'agent-fail-closed'
  | 'boundary-allowlist'
  | 'rcp-tag-condition'
  | 'none';

export interface ActionCoverage {
  readonly action: string;
  readonly service: string;
  readonly classes: readonly DestructiveClass[];
  readonly tagAware: boolean;
  readonly tagSupport: 'action' | 'resource-type' | 'none';
  /** Every mechanism that stops it, for everyone (SCP) and for agents (boundary, agent SCP layer). */
  readonly enforcement: readonly Enforcement[];
  /** Protected for non-exempt principals that are not agents. */
  readonly protectedForEveryone: boolean;
  /**
   * The production tag keys under which an SCP or RCP tag condition stops it for everyone (all configured
   * keys when fully covered; fewer when patterns were dropped for size; none without tag support).
   */
  readonly productionTagKeys: readonly string[];
  /**
   * Only when everyone.operatorPrincipalArns is configured: the production tag keys under which the SCPs and
   * RCPs stop the operator principals too (the opt-in escalation and execution deny leaves them out).
   */
  readonly productionTagKeysForOperators?: readonly string[];
  /** Protected for agent principals (by the boundary, the SCP agent layer, or both). */
  readonly protectedForAgents: boolean;
  /**
   * Protected for agents by the permissions boundary alone: what holds in an account where the leash SCPs
   * are not attached (the management account, or before the organization rollout).
   */
  readonly protectedForAgentsByBoundary: boolean;
  /** Why, in a sentence (e.g. "no aws:ResourceTag support; matched only by ARN pattern"). */
  readonly reason: string;
  /**
   * What an agent gets on a resource positively tagged non-production (plain request, no extra context):
   * `denied` when the action is outside the agent services, has no tag support (fail-closed), or is
   * guarded outright (boundary removal, PassRole of non-agent roles, trail and backup tampering).
   */
  readonly agentOnNonProduction: 'allowed' | 'denied';
}

/** A pattern the packer could not fit: its actions lose that statement's protection. */
export interface DroppedPattern {
  /** `scp`, `rcp` or `boundary`. */
  readonly policyType: 'scp' | 'rcp' | 'boundary';
  readonly statement: string;
  readonly pattern: string;
  readonly tier: string;
  readonly actions: readonly string[];
}

export interface CoverageTotals {
  readonly destructive: number;
  readonly protectedForEveryone: number;
  readonly protectedForAgents: number;
  readonly protectedForAgentsByBoundary: number;
  readonly tagAware: number;
  readonly tagAwareProtectedForEveryone: number;
}

/** Writes of the agent services one layer leaves open (the invariant wants 0 on both). */
export interface AgentLayerCount {
  /** `boundary alone`, `SCPs alone (<how the agent is recognised>)`, `boundary and SCPs`. */
  readonly layer: string;
  /** Writes (every access level but Read and List) of the agent services, allowlisted ones left out. */
  readonly writes: number;
  readonly writesAllowedOnProduction: number;
  readonly writesAllowedOnUntagged: number;
}

/** The agent invariant: production and untagged resources are read-only for agents. */
export interface AgentInvariantCoverage {
  readonly services: readonly string[];
  readonly writes: number;
  /** agents.productionWriteAllowlist as configured, and how many writes it lets through on production. */
  readonly allowlist: readonly string[];
  readonly allowlisted: number;
  readonly layers: readonly AgentLayerCount[];
  /** The NotAction read patterns, each verified to match only Read and List actions of the agent services. */
  readonly readPatterns: readonly string[];
  /** Read and List actions no pattern reaches: agents may use them on non-production only. */
  readonly readsDeniedOnProduction: readonly string[];
  readonly sensitiveReads: readonly string[];
  /**
   * Writes whose requests never carry aws:ResourceTag (account-wide settings, resource types without tags):
   * they look the same in production and non-production, so agents are denied them everywhere unless they
   * are allowlisted (a create that tags its new resource non-production still passes).
   */
  readonly writesWithoutResourceTag: readonly string[];
  /**
   * Services whose tag writes agents may use only on resources already tagged non-production: tagging an
   * untagged resource looks the same as tagging a new one after it was created, so tag on create instead.
   */
  readonly tagWritesNeedNonProductionResource: readonly string[];
  /**
   * The only writes a non-production request tag opens on a resource with no production key: creates
   * (lib/catalog/create-actions.ts), as catalog-proved patterns, and how many actions they stand for.
   */
  readonly createPatterns: readonly string[];
  readonly creates: number;
  /** Writes the create patterns also match that are not creates: denied unless the resource is non-production. */
  readonly createLookalikes: readonly string[];
  /**
   * Writes that accept request tags but are not creates (UpdateStack, PutParameter...): a request tag does
   * not open them, so on an untagged resource they are denied. Any of them that does make a new resource
   * (Register*, Request*, Put*...) is an over-block: tag the resource non-production or allowlist it.
   */
  readonly requestTagWritesNotCreates: readonly string[];
  /** Creates the patterns miss (over-blocks even with a non-production request tag). */
  readonly createsNotCovered: readonly string[];
  /**
   * Writes whose targets the request does not name (State Manager associations, maintenance-window tasks
   * and targets): denied to agents everywhere, non-production included.
   */
  readonly unnamedTargets: readonly string[];
  /**
   * Writes that run with the role the resource already holds unless the request names one (CloudFormation
   * stack updates, rollbacks and deletions): denied to agents unless the request names a role, which
   * iam:PassRole then keeps to agent roles.
   */
  readonly roleFromResource: readonly string[];
  /** How the SCPs recognise an agent (one agent layer each). */
  readonly recognitions: readonly string[];
  /** Characters the agent layers take in the SCPs, summed over statements. */
  readonly scpCharacters: number;
}

export interface CoverageReport {
  readonly dataVersion: string;
  /** The agent invariant's figures. */
  readonly agents: AgentInvariantCoverage;
  readonly actions: readonly ActionCoverage[];
  readonly totals: CoverageTotals;
  readonly byClass: Readonly<Record<DestructiveClass, CoverageTotals>>;
  readonly byService: Readonly<Record<string, CoverageTotals>>;
  /** Characters used of each generated policy's limit. */
  readonly policySizes: readonly { readonly name: string; readonly characters: number; readonly limit: number }[];
  /** Caveats the user must know (SCPs skip the management account and service-linked roles, ...). */
  readonly caveats: readonly string[];
  /** Patterns that did not fit in the size budget, lowest priority first to go. */
  readonly dropped: readonly DroppedPattern[];
  /** Per organization level that has policies: what its SCPs alone deny (the total needs every level). */
  readonly levels: readonly LevelCoverage[];
  /** Each exempt pattern, what it names and the SCP statements that keep it from being claimed. */
  readonly exemptions: readonly ExemptionCoverage[];
  /** Only when everyone.denyEscalationAndExecution is on: what the opt-in denies and who keeps it. */
  readonly everyone?: EveryoneCoverage;
  /**
   * Actions that delete only when a request parameter says so (route53:ChangeResourceRecordSets with DELETE or
   * UPSERT), not in `actions`: how the production ARN deny covers them, or that nothing does.
   */
  readonly conditionalDeletes: readonly ConditionalDeleteCoverage[];
  /** Destructive actions without aws:ResourceTag support, and how many the configured ARN patterns cover. */
  readonly arnPatterns: {
    readonly patterns: readonly string[];
    readonly actionsWithoutTagSupport: number;
    readonly coveredForEveryone: number;
  };
}

export interface ConditionalDeleteCoverage {
  readonly action: string;
  /** The condition under which the call deletes, as the SCP writes it. */
  readonly condition: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** The production ARN patterns / ARNs it is denied on (empty: none of its service configured). */
  readonly resources: readonly string[];
  /** Sids of the SCP statements that deny it there. */
  readonly statements: readonly string[];
  readonly protectedForEveryone: boolean;
  readonly why: string;
}

export interface LevelCoverage {
  readonly level: PlacementLevel;
  readonly serviceControlPolicies: readonly string[];
  readonly resourceControlPolicies: readonly string[];
  /** Characters of the policies at this level. */
  readonly characters: number;
  /** Tag-aware destructive actions this level's SCPs deny for everyone under every production tag key. */
  readonly tagAwareProtectedForEveryone: number;
}

export interface ExemptionCoverage {
  readonly pattern: string;
  /** `role`, `user`, or `root` (cannot be created: nothing to protect). */
  readonly kind: 'role' | 'user' | 'root';
  /** The IAM resource patterns protected for it. */
  readonly resources: readonly string[];
  /** Sids of the SCP statements that deny others creating, changing or passing it (empty for root). */
  readonly protectedBy: readonly string[];
}

/** The opt-in everyone.denyEscalationAndExecution, as generated. */
export interface EveryoneCoverage {
  readonly denyEscalationAndExecution: true;
  /** Sids of the SCP statements that deny escalation and execution on production (one or more per tag key). */
  readonly statements: readonly string[];
  /** Tag-aware destructive actions that are only escalation or execution. */
  readonly escalateOrExecuteOnly: number;
  /** How many of them the SCPs deny on production for every non-exempt principal, under every tag key. */
  readonly deniedForEveryone: number;
  /** Each operator pattern, what it names and the SCP statements that keep it from being claimed. */
  readonly operators: readonly ExemptionCoverage[];
  /** What stops working unless it runs as an operator or exempt principal. */
  readonly stops: readonly string[];
}

export interface GeneratedGuardrails {
  /** The agent permissions boundary: one managed policy. */
  readonly boundary: GeneratedPolicy;
  /** The SCPs, outermost level first; each names its level. */
  readonly serviceControlPolicies: readonly GeneratedPolicy[];
  readonly resourceControlPolicies: readonly GeneratedPolicy[];
  /** Which policy goes to which level. */
  readonly placement: PlacementPlan;
  readonly coverage: CoverageReport;
}
