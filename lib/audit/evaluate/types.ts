// Contract of the effective-access evaluator: identity ∩ boundary ∩ each SCP level (∩ RCPs for resources),
// minus explicit denies, answered three-valued and always with the statements that decided.
import type { Catalog, CatalogAction } from '../../catalog/types';
import type { Effect } from '../../policy/types';
import type { Evidence } from '../rules/types';
import type { AccountSnapshot } from '../sources/snapshot';

/** `depends`: the answer turns on something the request would have to carry (named in `dependsOn`). */
export type Decision = 'allowed' | 'denied' | 'depends';

/** What is known about the request. Missing fields mean "any value", which can make a decision `depends`. */
export interface RequestContext {
  /** Target resource ARN; undefined means "some resource" (a non-`*` Resource then makes it `depends`). */
  readonly resourceArn?: string;
  /** Tags on the target resource, e.g. `{ environment: 'production' }`. */
  readonly resourceTags?: Readonly<Record<string, string>>;
  /** Tags on the request (aws:RequestTag) and their keys (aws:TagKeys). */
  readonly requestTags?: Readonly<Record<string, string>>;
  /** Any further condition-key values, keys lower-cased, e.g. `{ 'aws:sourceidentity': ['alice'] }`. */
  readonly contextKeys?: Readonly<Record<string, readonly string[]>>;
}

/** Which layer of the policy evaluation logic decided a denial. */
export type DecisionLayer = 'identity' | 'explicit-deny' | 'boundary' | 'scp' | 'rcp';

export interface StatementRef extends Evidence {
  readonly effect: Effect;
  readonly layer: DecisionLayer;
}

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
}

export interface CompiledPrincipal {
  readonly arn: string;
  readonly kind: 'role' | 'user' | 'group';
  readonly hasPermissionsBoundary: boolean;
  /** Decide one action. */
  decide(action: string, context?: RequestContext): ActionDecision;
  /** Decide many catalog actions in bulk (the fast path). */
  decideMany(actions: readonly CatalogAction[], context?: RequestContext): ActionDecision[];
}

export interface CompiledAccount {
  readonly accountId: string;
  readonly principals: readonly CompiledPrincipal[];
  principal(arn: string): CompiledPrincipal | undefined;
  /** Policies that failed to parse: the rest of the account is still evaluated. */
  readonly invalidPolicies: readonly { readonly where: string; readonly policy: string; readonly message: string }[];
}

export type CompileAccount = (snapshot: AccountSnapshot, catalog: Catalog) => CompiledAccount;
