// agent-leash's public API: the pure core (catalog, policy, guardrails), the audit and check engines, and the
// CDK constructs. The CLI does not load this file, so `leash` starts without aws-cdk-lib.
export * from './catalog';
export * from './policy';
export * from './guardrails';
export * from './constructs';
export { LeashConfig, Suppression } from './config/schema';
export * from './audit/sources/snapshot';
export type * from './audit/rules/types';
export type * from './audit/evaluate/types';
export { compileAccount } from './audit/evaluate';
export { loadAuditInput } from './audit/sources';
export { parseAuthorizationDetails } from './audit/sources/authorization-details';
export { auditAccount, type AuditOptions, type AuditResult } from './audit/audit';
export { defaultRules, ruleById } from './audit/rules';
export { renderReport, reportChunks, auditReportInput, REPORT_FORMATS, REPORT_SCHEMA_VERSION } from './audit/report';
export type { ReportFormat, ReportInput } from './audit/report';
export { runCheck, checkStacks, type CheckOptions, type CheckResult } from './check/check';
export { findDestructiveChanges, type DestructiveChange } from './check/change-gate';
export { LeashValidationPlugin } from './constructs/validation-plugin';
