// Terminal report: one table, findings grouped under their principal (or template resource), worst first.
import Table from 'cli-table3';
import type { ReportInput } from './types';
import { groupBySubject, shortPrincipal, totalsLine } from './common';

const MESSAGE_WIDTH = 78;

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
    const table = new Table({
      head: ['Severity', 'Rule', 'Finding'],
      colWidths: [10, 30, MESSAGE_WIDTH + 2],
      wordWrap: true,
      style: { head: [], border: [], compact: false },
    });
    for (const group of groups) {
      table.push([{ colSpan: 3, content: shortPrincipal(group.subject) }]);
      for (const finding of group.findings) {
        const suppressed = finding.suppressed
          ? `\n[suppressed until ${finding.suppressed.expires}: ${finding.suppressed.reason}]`
          : '';
        table.push([finding.severity, finding.ruleId, `${finding.message}${suppressed}`]);
      }
    }
    lines.push(table.toString());
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
