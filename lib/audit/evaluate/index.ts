// Effective access: compileAccount turns an AccountSnapshot into principals that answer "can it do X?"
// three-valued, in AWS's policy evaluation order, with the statements that decided.
export { compileAccount, CompileCache } from './compile-account';
export type {
  ActionDecision,
  CompileAccount,
  CompiledAccount,
  CompiledPrincipal,
  Decision,
  DecisionLayer,
  OrganizationLayerState,
  RequestContext,
  StatementRef,
} from './types';
