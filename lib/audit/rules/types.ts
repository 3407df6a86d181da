// Findings and rules: a rule is metadata plus one check; reporters read the metadata, rules never print.
import type { Catalog, CatalogAction } from '../../catalog/types';
import type { GuardrailSpec } from '../../guardrails/spec';
import type { CallerPick } from '../evaluate/caller-picks';
import type { CompiledAccount } from '../evaluate/types';
import type { Finding, FindingCategory, RuleFinding, Severity } from '../findings';
import type { AccessGraph } from '../graph';
import type { AccountSnapshot, Principal } from '../sources/snapshot';
import type { ProductionTag } from './support/production';
import type { PolicyInUse } from './support/policies';

export { SEVERITIES } from '../findings';
export type { Evidence, Finding, FindingCategory, RuleFinding, Severity } from '../findings';

export interface RuleMeta {
  /** Kebab-case, from the file name, e.g. `can-delete-production`. */
  readonly id: string;
  readonly category: FindingCategory;
  readonly severity: Severity;
  readonly title: string;
  /** What the rule checks and how to fix it. */
  readonly help: string;
  readonly docsUrl: string;
}

/** What a rule's check sees: the account, its compiled effective access and what counts as production. */
export interface RuleContext {
  readonly snapshot: AccountSnapshot;
  readonly account: CompiledAccount;
  readonly catalog: Catalog;
  /** Production tags, exempt principals and the agent tag, from leash.config.json (or the defaults). */
  readonly guardrails: GuardrailSpec;
  /** Questions several rules ask, answered once per principal and shared (see rules/support/analysis.ts). */
  readonly analysis: AccountAnalysis;
  /**
   * Who can act as whom (lib/audit/graph), built on first use over the whole snapshot (or the organization
   * the caller passed): transitive rules ask it for shortest paths.
   */
  readonly graph: AccessGraph;
  /** The audit time: date conditions are answered at it. */
  readonly now: Date;
  /**
   * An audit over several accounts with one access graph (an organization): what principals of the other
   * accounts can do directly, so transitive rules find paths that end there. @default none: own account only
   */
  readonly organizationGoals?: OrganizationGoals;
}

/** A principal that can do what a transitive rule asks directly: for certain, or depending on conditions. */
export interface Goal {
  readonly certain: boolean;
  /** Up to three of the actions it can do, for messages. */
  readonly actions: readonly string[];
  /** It can do them once it has raised its own permissions (an IAM write), not yet. */
  readonly afterEscalation?: boolean;
  /** The production tag (`key=value`) it can do them under, when the rule asks per key. */
  readonly tag?: string;
  /** How many actions it can do for certain, where the finding counts them. */
  readonly allowedCount?: number;
}

/** Goals found in the accounts of one audit, by rule (see RuleContext.organizationGoals). */
export interface OrganizationGoals {
  /** Principal ARN → goal, for the rule `ruleId`, over every account of the audit. */
  of(ruleId: string): ReadonlyMap<string, Goal>;
}

/**
 * A rule: metadata reporters read, and one check that returns findings and never prints. The runner fills
 * each finding's ruleId, category, title and docsUrl from `meta`.
 */
export interface Rule {
  readonly meta: RuleMeta;
  /**
   * `principal`: the rule only looks at `analysis.principals` one by one, so the runner may hand it the
   * account in batches of principals (bounded memory on large accounts). @default 'account'
   */
  readonly scope?: 'principal' | 'account';
  check(context: RuleContext): RuleFinding[];
  /**
   * A goal rule's second half. Its `check` is principal-scoped and finds who can do the thing directly; each
   * direct finding makes its principal a goal, and this part, run once over the whole account after every
   * principal was checked, finds who can act as a goal without being one (through the access graph).
   */
  readonly transitive?: TransitivePart;
}

/** See Rule.transitive. */
export interface TransitivePart {
  /** The goal a direct finding makes of its principal; undefined for findings that make none. */
  goalOf(finding: Finding): Goal | undefined;
  /** `goals`: the direct findings' principals, in the account's principal order. */
  check(context: RuleContext, goals: ReadonlyMap<string, Goal>): RuleFinding[];
  /**
   * Findings read off the graph that make goals without a path (a principal one IAM write away from doing the
   * thing), for principals not in `direct` or beyond what they do themselves (`direct`: the goals of the direct
   * findings). `check` makes them itself; an audit over several accounts also runs
   * this in its goal pass, so paths from other accounts end there too (their goals come from goalOf).
   */
  graphGoals?(context: RuleContext, direct: ReadonlyMap<string, Goal>): RuleFinding[];
}

/** Per-principal access facts computed once over the whole catalog and shared between rules. */
export interface PrincipalAccessSummary {
  readonly arn: string;
  /** Catalog actions decided (the whole catalog). */
  readonly total: number;
  readonly allowed: number;
  readonly depends: number;
  /** Write, Permissions management and Tagging actions allowed or depending on a condition. */
  readonly writeAllowed: number;
  readonly writeDepends: number;
}

export interface AccountAnalysis {
  /** Roles and users the audit looks at (groups act through their users; they are not principals of requests). */
  readonly principals: readonly Principal[];
  /** Every policy in use (identity, boundary, SCP, RCP), parsed lazily once. */
  readonly policies: readonly PolicyInUse[];
  /** What resource policies grant each principal, as policies of its own (not in `policies`: see resourceGrantsInUse). */
  readonly resourceGrants: readonly PolicyInUse[];
  summary(principalArn: string): PrincipalAccessSummary | undefined;
  /** The summaries computed (or learned) so far. */
  knownSummaries(): PrincipalAccessSummary[];
  /**
   * Take summaries computed elsewhere for this account's principals (another thread's compile of the same
   * policies) instead of computing them again.
   */
  learnSummaries(summaries: readonly PrincipalAccessSummary[]): void;
  /**
   * `actions` narrowed to those some identity Allow of the principal names: the others are implicitly
   * denied, so rules ask the evaluator only about these (exact, and much cheaper).
   */
  restrict(principal: Principal, actions: readonly CatalogAction[]): readonly CatalogAction[];
  /** Whether the principal is exempt from the production guardrails by config (break-glass, pipeline). */
  isExempt(principalArn: string): boolean;
  /** Whether the principal carries the agent tag from config (or may: agentTagUnknown). */
  isAgent(principalArn: string): boolean;
  /** Whether a template gives the principal an agent tag (or tags) whose value only deployment knows. */
  agentTagUnknown(principalArn: string): boolean;
  /**
   * A tag of the principal that reads as the agent tag but that IAM does not match (`leash:agent=true ` with a
   * space): isAgent takes it as an agent, and no agent guardrail holds it.
   */
  agentTagLookalike(principalArn: string): { readonly key: string; readonly value: string } | undefined;
  /**
   * The production tags (key and value) to ask about: one per key, plus each other value or casing some
   * policy tells apart (support/production-values.ts). Of the principal's own policies and the organization's;
   * without a principal, of every policy of the account.
   */
  productionTags(principal?: Principal): readonly ProductionTag[];
  /**
   * The values a rewrite of the production tag `key` is asked with: the first non-production value, and each
   * other value a policy tells apart (support/production-values.ts). Without a principal, of the whole account.
   */
  rewriteValues(principal: Principal | undefined, key: string): readonly string[];
  /** The production keys a condition of the principal's (or, without one, the account's) policies reads. */
  comparedProductionKeys(principal?: Principal): readonly string[];
  /**
   * Caller picks to ask the production questions with as well (the region, where the caller stands, how it
   * calls: evaluate/caller-picks.ts): one per group of choices the conditions of the principal's or the
   * organization's policies answer alike; none when no condition reads such a key
   * (support/caller-pick-candidates.ts).
   */
  productionPicks(principal?: Principal): readonly CallerPick[];
  /**
   * The tag sets worth sending with a request that carries tags, each a caller pick that sends them: what the
   * Allow statements of the principal's and the organization's policies ask for, what escapes their Denies,
   * and each production tag rewritten (support/tag-sends.ts). Empty when no statement reads the request's tags.
   */
  tagSends(principal: Principal): readonly CallerPick[];
}
