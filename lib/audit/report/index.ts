// Report renderers for `leash audit` and `leash check`; pure functions from findings to text. The text comes
// in pieces (reportChunks) so that the report of a large organization is written without being held whole.

export type { ReportFormat, ReportInput, ReportedAccount } from './types';
export { REPORT_FORMATS } from './types';
export { REPORT_SCHEMA_VERSION, reportDocument } from './json';
export { ASFF_SCHEMA_VERSION, AsffError, checkAsffInput, type AsffOptions } from './asff';
export { renderCoverageHtml, pathEdges, type PathEdge } from './html';
export { SARIF_MAX_RESULTS, sarifChunks, sarifLog, sarifResultsLeftOut, type SarifResult } from './sarif';
export { renderReport, reportChunks, type ReportOptions } from './render';
export { auditReportInput } from './input';
