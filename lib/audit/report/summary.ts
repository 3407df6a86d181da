// A few lines for the terminal when the reports go to files: the totals, what was not looked at, the rules that
// fired most, and where each report is. The same text serves any "summary instead of the report" output.
import type { Finding } from '../findings';
import { isPartial, totalsLine } from './common';
import type { ReportInput } from './types';

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
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** The summary lines, each ending in a line break. `reports` lists the files written, if any. */
export function renderSummary(input: ReportInput, reports: readonly WrittenReport[] = []): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const principals = input.accounts.reduce((sum, a) => sum + a.principals, 0);
  const problems = input.accounts.reduce((sum, a) => sum + a.problems.length, 0);
  const lines = [`${input.tool.name}: ${totalsLine(input)}`];
  lines.push(`  ${n(input.accounts.length)} account(s), ${n(principals)} principal(s)`);
  if (isPartial(input)) {
    lines.push(`  PARTIAL: ${n(input.notAudited.length)} account(s) could not be read and are not in the reports`);
  }
  if (problems > 0)
    lines.push(`  ${n(problems)} input problem(s): parts of the input were not analysed (see the reports)`);
  const expired = input.expiredSuppressions?.length ?? 0;
  if (expired > 0) lines.push(`  ${n(expired)} expired suppression(s) no longer apply`);
  const rules = openByRule(input.findings);
  if (rules.length > 0) {
    const shown = rules.slice(0, MAX_RULES).map(([rule, count]) => `${rule} ${n(count)}`);
    const more = rules.length > MAX_RULES ? `, and ${rules.length - MAX_RULES} more rule(s)` : '';
    lines.push(`  by rule: ${shown.join(', ')}${more}`);
  }
  if (reports.length > 0) {
    lines.push('Reports:');
    const width = Math.max(...reports.map((r) => r.format.length));
    for (const report of reports) {
      lines.push(`  ${report.format.padEnd(width)}  ${report.file} (${size(report.bytes)})`);
    }
  }
  return `${lines.join('\n')}\n`;
}
