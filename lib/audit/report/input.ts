// The report input of `leash audit`: every account's findings, problems and caveats, in one ReportInput.
import type { AuditResult } from '../audit';
import type { ReportInput, ReportedAccount } from './types';

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
