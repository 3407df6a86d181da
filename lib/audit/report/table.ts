// Terminal report: one table, findings grouped under their principal (or template resource), worst first.
import type { ReportInput } from './types';
import { renderBoxTable, type BoxRow } from '../../util/box-table';
import { groupBySubject, shortPrincipal, totalsLine } from './common';

const MESSAGE_WIDTH = 78;
const RULE_WIDTH = 30;

export function renderTable(input: ReportInput): string {
  const lines: string[] = [];
  for (const account of input.accounts) {
    const name = account.accountName ? ` (${account.accountName})` : '';
    const source = account.source ? ` from ${account.source}` : '';
    lines.push(`Account ${account.accountId}${name}${source}: ${account.principals} principals`);
    for (const caveat of account.caveats) lines.push(`  note: ${caveat}`);
    if (account.problems.length > 0) {
      lines.push(`  ${account.problems.length} input problem(s); the rest was analysed:`);
      for (const problem of account.problems.slice(0, 20)) lines.push(`    ${problem.where}: ${problem.message}`);
      if (account.problems.length > 20) lines.push(`    ... and ${account.problems.length - 20} more`);
    }
  }
  if (lines.length > 0) lines.push('');

  const groups = groupBySubject(input.findings);
  if (groups.length > 0) {
    // The rule column fits the longest rule id shown, so no id is cut short.
    const ruleWidth = Math.max(RULE_WIDTH, ...input.findings.map((finding) => finding.ruleId.length + 2));
    const rows: BoxRow[] = [];
    for (const group of groups) {
      rows.push({ span: shortPrincipal(group.subject) });
      for (const finding of group.findings) {
        const suppressed = finding.suppressed
          ? `\n[suppressed until ${finding.suppressed.expires}: ${finding.suppressed.reason}]`
          : '';
        rows.push([finding.severity, finding.ruleId, `${finding.message}${suppressed}`]);
      }
    }
    const widths = [10, ruleWidth, MESSAGE_WIDTH + 2];
    lines.push(renderBoxTable({ head: ['Severity', 'Rule', 'Finding'], widths }, rows));
    lines.push('');
  }

  for (const expired of input.expiredSuppressions ?? []) {
    const target = expired.principalArn ?? expired.logicalId ?? 'any';
    lines.push(
      `Expired suppression: ${expired.ruleId} for ${target} (expired ${expired.expires}, matches ${expired.matched} finding(s) again)`,
    );
  }
  for (const account of input.notAudited) {
    const name = account.accountName ? ` (${account.accountName})` : '';
    lines.push(`Not audited: ${account.accountId}${name}: ${account.reason}`);
  }
  const partial = input.notAudited.length > 0 ? ` Partial: ${input.notAudited.length} account(s) not audited.` : '';
  lines.push(`${input.tool.name}: ${totalsLine(input)}.${partial}`);
  return lines.join('\n') + '\n';
}
