// Summaries instead of the report. `--summary`: the table without one row per finding (a 10,000-role account
// printed a 168,000-line table): the accounts' notes and input problems, findings counted by rule and severity,
// and the principals with the worst findings. `renderSummary`: a few lines for the terminal when the reports go
// to files (--output-dir): the totals, what was not looked at, the rules that fired most, and where each report is.
import type { Finding } from '../findings';
import { SEVERITIES, type Severity } from '../rules/types';
import { boxTableLines } from '../../util/box-table';
import { groupBySubject, isPartial, shortPrincipal, totalsLine } from './common';
import type { ReportInput } from './types';
import { compareText } from '../../util/text-order';
import { countText } from '../../util/count-text';
import { terminalText } from './terminal-text';

const TOP_SUBJECTS = 15;

export function* summaryChunks(input: ReportInput): Generator<string> {
  for (const account of input.accounts) {
    const name = account.accountName ? ` (${account.accountName})` : '';
    yield `${terminalText(`Account ${account.accountId}${name}: ${account.principals} principal${account.principals === 1 ? '' : 's'}`)}\n`;
    for (const caveat of account.caveats) yield `  note: ${terminalText(caveat)}\n`;
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
      .sort((a, b) => SEVERITIES.reduce((d, s) => d || b.counts[s] - a.counts[s], 0) || compareText(a.rule, b.rule));
    const widths = [Math.max(30, ...rows.map((r) => r.rule.length + 2)), ...SEVERITIES.map(() => 10)];
    const lines = boxTableLines(
      { head: ['Rule', ...SEVERITIES], widths },
      rows.map((r) => [terminalText(r.rule), ...SEVERITIES.map((s) => (r.counts[s] ? String(r.counts[s]) : ''))]),
    );
    for (const line of lines) yield `${line}\n`;
    const groups = groupBySubject(open);
    yield `\nWorst ${Math.min(TOP_SUBJECTS, groups.length)} of ${groups.length} principal(s) or resource(s) with findings:\n`;
    for (const group of groups.slice(0, TOP_SUBJECTS)) {
      const worst = group.findings[0].severity;
      yield `  ${worst.padEnd(8)} ${terminalText(shortPrincipal(group.subject))}: ${group.findings.length} finding(s)\n`;
    }
  }
  for (const account of input.notAudited)
    yield `${terminalText(`Not audited: ${account.accountId}: ${account.reason}`)}\n`;
  yield `\n${terminalText(input.tool.name)}: ${totalsLine(input)}.\n`;
}

export interface WrittenReport {
  readonly format: string;
  readonly file: string;
  readonly bytes: number;
}

const MAX_RULES = 5;

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function openByRule(findings: readonly Finding[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const finding of findings) {
    if (!finding.suppressed) counts.set(finding.ruleId, (counts.get(finding.ruleId) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]));
}

/** The summary lines, each ending in a line break. `reports` lists the files written, if any. */
export function renderSummary(input: ReportInput, reports: readonly WrittenReport[] = []): string {
  const principals = input.accounts.reduce((sum, a) => sum + a.principals, 0);
  const problems = input.accounts.reduce((sum, a) => sum + a.problems.length, 0);
  const lines = [`${terminalText(input.tool.name)}: ${totalsLine(input)}`];
  lines.push(`  ${countText(input.accounts.length)} account(s), ${countText(principals)} principal(s)`);
  if (isPartial(input)) {
    lines.push(
      `  PARTIAL: ${countText(input.notAudited.length)} account(s) could not be read and are not in the reports`,
    );
  }
  if (problems > 0)
    lines.push(`  ${countText(problems)} input problem(s): parts of the input were not analysed (see the reports)`);
  const expired = input.expiredSuppressions?.length ?? 0;
  if (expired > 0) lines.push(`  ${countText(expired)} expired suppression(s) no longer apply`);
  const rules = openByRule(input.findings);
  if (rules.length > 0) {
    const shown = rules.slice(0, MAX_RULES).map(([rule, count]) => `${terminalText(rule)} ${countText(count)}`);
    const more = rules.length > MAX_RULES ? `, and ${rules.length - MAX_RULES} more rule(s)` : '';
    lines.push(`  by rule: ${shown.join(', ')}${more}`);
  }
  if (reports.length > 0) {
    lines.push('Reports:');
    const width = Math.max(...reports.map((r) => r.format.length));
    for (const report of reports) {
      lines.push(`  ${report.format.padEnd(width)}  ${terminalText(report.file)} (${size(report.bytes)})`);
    }
  }
  return `${lines.join('\n')}\n`;
}
