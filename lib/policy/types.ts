// Normalised IAM policy documents: what the evaluator, rules and generators work on after parsing.
import type { PolicyDocument } from './schema';

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
  /** JSON path of the offending element; empty for the document as a whole. */
  readonly path: string;
  readonly message: string;
  /**
   * `error`: AWS rejects the document, or it cannot do what it says (a Deny matching no action).
   * `warning`: accepted by AWS but probably not what was meant (legacy Version, missing Version).
   * Absent means `error`.
   */
  readonly severity?: 'error' | 'warning';
  /** Where the policy came from (`options.where` of parsePolicy / validatePolicy), e.g. a file or policy ARN. */
  readonly where?: string;
}

/** Result of parsePolicy: the normalised policy, or every problem found (never just the first). */
export type ParseResult =
  | {
      readonly ok: true;
      readonly policy: NormalizedPolicy;
      readonly document: PolicyDocument;
      /** Warning-level problems; a document with only warnings is valid. */
      readonly warnings: readonly PolicyProblem[];
    }
  | { readonly ok: false; readonly problems: readonly PolicyProblem[] };
