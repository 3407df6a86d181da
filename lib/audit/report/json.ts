// Machine-readable report. The shape is versioned (`schemaVersion`) and described by
// docs/report.schema.json and docs/report-schema.md; add fields freely, bump the version to remove or
// change one.
import { lazyMap, prettyJsonChunks, type LazyJsonArray } from '../../util/json-chunks';
import type { Finding } from '../rules/types';
import { countBySeverity, isPartial } from './common';
import { jsonVisible } from './terminal-text';
import type { ReportInput } from './types';

export const REPORT_SCHEMA_VERSION = 1;

export function reportDocument(input: ReportInput): Record<string, unknown> {
  return documentWith(input, input.findings.map(findingJson));
}

/** The report's text in pieces, ending in a line break: each finding's JSON is made only as it is written. */
export function* jsonChunks(input: ReportInput): Generator<string> {
  for (const chunk of prettyJsonChunks(documentWith(input, lazyMap(input.findings, findingJson))))
    yield jsonVisible(chunk);
  yield '\n';
}

function documentWith(input: ReportInput, findings: unknown[] | LazyJsonArray): Record<string, unknown> {
  const suppressed = input.findings.filter((f) => f.suppressed).length;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: input.tool.name, version: input.tool.version },
    ...(input.generatedAt ? { generatedAt: input.generatedAt } : {}),
    summary: {
      findings: input.findings.length - suppressed,
      suppressed,
      bySeverity: countBySeverity(input.findings),
      accounts: input.accounts.length,
      notAudited: input.notAudited.length,
      partial: isPartial(input),
    },
    accounts: input.accounts.map((account) => ({
      accountId: account.accountId,
      ...(account.accountName ? { accountName: account.accountName } : {}),
      ...(account.source ? { source: account.source } : {}),
      principals: account.principals,
      problems: account.problems.map((p) => ({ where: p.where, message: p.message })),
      caveats: [...account.caveats],
    })),
    notAudited: input.notAudited.map((n) => ({ ...n })),
    expiredSuppressions: (input.expiredSuppressions ?? []).map((s) => ({ ...s })),
    rules: input.rules.map((rule) => ({ ...rule })),
    findings,
  };
}

/**
 * A finding as the report writes it. Its own objects (location, evidence, details, suppression) are put in
 * as they are, not copied: JSON.stringify writes the same own fields a copy would hold, and 30,000 findings
 * then cost no second set of objects. Fields are set in the report's order, optional ones only when present.
 */
function findingJson(finding: Finding): Record<string, unknown> {
  const json: Record<string, unknown> = {
    ruleId: finding.ruleId,
    category: finding.category,
    severity: finding.severity,
    title: finding.title,
    message: finding.message,
  };
  if (finding.accountId) json.accountId = finding.accountId;
  if (finding.principalArn) json.principalArn = finding.principalArn;
  if (finding.location) json.location = finding.location;
  json.evidence = finding.evidence;
  if (finding.details) json.details = finding.details;
  if (finding.remediation) json.remediation = finding.remediation;
  if (finding.docsUrl) json.docsUrl = finding.docsUrl;
  if (finding.suppressed) json.suppressed = finding.suppressed;
  return json;
}
