// Report renderers for `leash audit` and `leash check`; pure functions from findings to text. The text comes
// in pieces (reportChunks) so that the report of a large organization is written without being held whole.
import type { AuditResult } from '../audit';
import { asffChunks, AsffError, type AsffOptions } from './asff';
import { htmlChunks } from './html';
import { jsonChunks } from './json';
import { junitChunks } from './junit';
import { renderMarkdown } from './markdown';
import { sarifChunks } from './sarif';
import { tableChunks } from './table';
import type { ReportFormat, ReportInput, ReportedAccount } from './types';

export type { ReportFormat, ReportInput, ReportedAccount } from './types';
export { REPORT_FORMATS } from './types';
export { REPORT_SCHEMA_VERSION, reportDocument } from './json';
export { ASFF_SCHEMA_VERSION, AsffError, checkAsffInput, type AsffOptions } from './asff';
export { renderCoverageHtml, pathEdges, type PathEdge } from './html';
export { SARIF_MAX_RESULTS, sarifChunks, sarifLog, sarifResultsLeftOut, type SarifResult } from './sarif';

/** What some formats need beyond the findings. */
export interface ReportOptions {
  /** ASFF: the Security Hub region and the time stamped on the findings. */
  readonly asff?: AsffOptions;
}

/** The whole report as one string (see reportChunks for large reports). */
export function renderReport(result: ReportInput, format: ReportFormat, options: ReportOptions = {}): string {
  return [...reportChunks(result, format, options)].join('');
}

/** The report's text in pieces, made as they are read; joined, they are renderReport's text. */
export function reportChunks(result: ReportInput, format: ReportFormat, options: ReportOptions = {}): Iterable<string> {
  switch (format) {
    case 'table':
      return tableChunks(result);
    case 'json':
      return jsonChunks(result);
    case 'sarif':
      return sarifChunks(result);
    case 'markdown':
      // A pull-request comment is short by design (at most 150 rows).
      return [renderMarkdown(result)];
    case 'html':
      return htmlChunks(result);
    case 'junit':
      return junitChunks(result);
    case 'asff':
      if (!options.asff) throw new AsffError('asff: the Security Hub region and time are needed (ReportOptions.asff)');
      return asffChunks(result, options.asff);
  }
}

/** Build the report input of `leash audit` from per-account results. */
export function auditReportInput(
  results: readonly AuditResult[],
  options: {
    readonly tool: { readonly name: string; readonly version: string };
    readonly notAudited?: ReportInput['notAudited'];
    readonly rules?: ReportInput['rules'];
    readonly generatedAt?: string;
  },
): ReportInput {
  const accounts: ReportedAccount[] = results.map((r) => ({
    accountId: r.accountId,
    accountName: r.accountName,
    source: r.source.location,
    principals: r.stats.principals,
    problems: [
      ...r.problems,
      ...r.stats.failedRules.map((f) => ({ where: `rule ${f.ruleId}`, message: `check failed: ${f.message}` })),
    ],
    caveats: r.caveats,
  }));
  const expired = new Map<string, NonNullable<ReportInput['expiredSuppressions']>[number]>();
  for (const r of results) {
    for (const e of r.expiredSuppressions) {
      const key = JSON.stringify([e.suppression.ruleId, e.suppression.principalArn, e.suppression.logicalId]);
      const previous = expired.get(key);
      expired.set(key, {
        ruleId: e.suppression.ruleId,
        principalArn: e.suppression.principalArn,
        logicalId: e.suppression.logicalId,
        reason: e.suppression.reason,
        expires: e.suppression.expires,
        matched: (previous?.matched ?? 0) + e.matched,
      });
    }
  }
  return {
    tool: options.tool,
    rules: options.rules ?? results[0]?.rules ?? [],
    findings: results.flatMap((r) => r.findings),
    accounts,
    notAudited: options.notAudited ?? [],
    expiredSuppressions: [...expired.values()],
    generatedAt: options.generatedAt,
  };
}
