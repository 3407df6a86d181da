// Normalised IAM policy documents: what the evaluator, rules and generators work on after parsing.

export type PolicyType = 'identity' | 'trust' | 'resource' | 'boundary' | 'scp' | 'rcp';
export type Effect = 'Allow' | 'Deny';

/** Principal block after normalisation: `"*"` becomes `{ AWS: ['*'] }`; every value is an array. */
export type PrincipalMap = Readonly<Record<string, readonly string[]>>;

export interface NormalizedCondition {
  /** Operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  /** Operator without set prefix or IfExists suffix, e.g. `StringLike`. */
  readonly baseOperator: string;
  readonly ifExists: boolean;
  readonly setOperator?: 'ForAllValues' | 'ForAnyValue';
  /** Condition key as written (keys are case-insensitive in IAM; compare lower-cased). */
  readonly key: string;
  readonly values: readonly string[];
}

export interface NormalizedStatement {
  /** Position in the document's Statement list (0 for a single-object Statement). */
  readonly index: number;
  readonly sid?: string;
  readonly effect: Effect;
  /** Exactly one of actions / notActions is set. */
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  /** At most one of resources / notResources (trust policies have neither). */
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  readonly principals?: PrincipalMap;
  readonly notPrincipals?: PrincipalMap;
  readonly conditions: readonly NormalizedCondition[];
}

export interface NormalizedPolicy {
  readonly version?: string;
  readonly id?: string;
  readonly statements: readonly NormalizedStatement[];
}

/** One problem in a policy, with the JSON path where it is, e.g. `Statement[2].Effect`. */
export interface PolicyProblem {
  readonly path: string;
  readonly message: string;
}
