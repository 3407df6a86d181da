// `--summary`: the table report without one row per finding. A 10,000-role account printed a 168,000-line
// table; the summary is the accounts' notes and input problems, findings counted by rule and severity, and
// the principals with the worst findings, in a few dozen lines.
import { SEVERITIES, type Severity } from '../rules/types';
import { boxTableLines } from '../../util/box-table';
import { groupBySubject, shortPrincipal, totalsLine } from './common';
import type { ReportInput } from './types';

const TOP_SUBJECTS = 15;

export function* summaryChunks(input: ReportInput): Generator<string> {
  for (const account of input.accounts) {
    const name = account.accountName ? ` (${account.accountName})` : '';
    yield `Account ${account.accountId}${name}: ${account.principals} principals\n`;
    for (const caveat of account.caveats) yield `  note: ${caveat}\n`;
    if (account.problems.length > 0) {
      yield `  ${account.problems.length} input problem(s); the rest was analysed (--format json lists them)\n`;
    }
  }
  const open = input.findings.filter((f) => !f.suppressed);
  const byRule = new Map<string, Record<Severity, number>>();
  for (const finding of open) {
    let counts = byRule.get(finding.ruleId);
    if (!counts) byRule.set(finding.ruleId, (counts = { critical: 0, high: 0, medium: 0, low: 0, info: 0 }));
    counts[finding.severity]++;
  }
  if (byRule.size > 0) {
    yield '\n';
    const rows = [...byRule]
      .map(([rule, counts]) => ({ rule, counts, total: SEVERITIES.reduce((n, s) => n + counts[s], 0) }))
      .sort((a, b) => SEVERITIES.reduce((d, s) => d || b.counts[s] - a.counts[s], 0) || a.rule.localeCompare(b.rule));
    const widths = [Math.max(30, ...rows.map((r) => r.rule.length + 2)), ...SEVERITIES.map(() => 10)];
    const lines = boxTableLines(
      { head: ['Rule', ...SEVERITIES], widths },
      rows.map((r) => [r.rule, ...SEVERITIES.map((s) => (r.counts[s] ? String(r.counts[s]) : ''))]),
    );
    for (const line of lines) yield `${line}\n`;
    const groups = groupBySubject(open);
    yield `\nWorst ${Math.min(TOP_SUBJECTS, groups.length)} of ${groups.length} principal(s) or resource(s) with findings:\n`;
    for (const group of groups.slice(0, TOP_SUBJECTS)) {
      const worst = group.findings[0].severity;
      yield `  ${worst.padEnd(8)} ${shortPrincipal(group.subject)}: ${group.findings.length} finding(s)\n`;
    }
  }
  for (const account of input.notAudited) yield `Not audited: ${account.accountId}: ${account.reason}\n`;
  yield `\n${input.tool.name}: ${totalsLine(input)}.\n`;
}
