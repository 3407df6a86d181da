// IAM policy documents: grammar, parsing and normalising, action and resource matching, sizes, validation.
export type {
  Effect,
  NormalizedCondition,
  NormalizedPolicy,
  NormalizedStatement,
  ParseResult,
  PolicyProblem,
  PolicyType,
  PrincipalMap,
} from './types';
// The zod schemas (./schema) are not re-exported here: the engine imports this index, and a valid policy never
// needs zod (see documentSchema() in parse.ts). lib/core.ts exports them to library users.
export { CONDITION_OPERATORS, CONDITION_SET_OPERATORS, PRINCIPAL_TYPES, type ConditionOperator } from './grammar';
export type { PolicyDocument, PolicyStatementDocument, PrincipalDocument } from './schema';
export {
  CURRENT_POLICY_VERSION,
  LEGACY_POLICY_VERSION,
  TRUST_POLICY_ACTIONS,
  checkConditionOperator,
  checkResourcePattern,
  decodePolicyInput,
  guessPolicyType,
  normalizeConditions,
  normalizePolicy,
  parsePolicy,
  PolicyParseCache,
  type ParseOptions,
} from './parse';
export {
  actionMatches,
  statementCoversAction,
  checkActionPattern,
  compileActionMatcher,
  expandActionPattern,
  expandActionPatterns,
} from './action';
export { arnSegments, compileResourceMatcher, resourceMatches } from './resource';
export { POLICY_SIZE_LIMITS, aggregateInlineSize, minifyPolicy, policySize, type PolicySizeKind } from './size';
export { DEFAULT_SIZE_KIND, validatePolicy, type ValidateOptions } from './validate';
export { wildcardMatch } from './wildcard';
export { rawStatement } from './raw-statement';
export { arnProblem } from './arn';
export { salvagePolicy, type SalvagedPolicy, type UnreadableStatement } from './salvage';
