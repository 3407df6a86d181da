// agent-leash without CDK: the catalog, policies, guardrail generators, the audit, the check and the reports. This
// entry point (`agent-leash/core`) loads no aws-cdk-lib, constructs or cdk-nag, so it works where they are absent.
export * from './catalog';
export * from './policy';
export { PolicyDocumentSchema, StatementSchema, PrincipalSchema, ConditionSchema, EffectSchema } from './policy/schema';
export * from './guardrails';
export { LeashConfig, Suppression } from './config/schema';
export * from './audit/sources/snapshot';
export type * from './audit/rules/types';
export type * from './audit/evaluate/types';
export { compileAccount } from './audit/evaluate';
export { loadAuditInput } from './audit/sources';
export { parseAuthorizationDetails } from './audit/sources/authorization-details';
export { auditAccount, type AuditOptions, type AuditResult } from './audit/audit';
export { defaultRules, ruleById } from './audit/rules';
export {
  renderReport,
  reportChunks,
  renderCoverageHtml,
  auditReportInput,
  REPORT_FORMATS,
  REPORT_SCHEMA_VERSION,
} from './audit/report';
export type { ReportFormat, ReportInput, ReportOptions, PathEdge } from './audit/report';
export { runCheck, checkStacks, type CheckOptions, type CheckResult } from './check/check';
export { findDestructiveChanges, type DestructiveChange } from './check/change-gate';
