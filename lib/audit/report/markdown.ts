// Markdown for pull-request comments: the totals first, then one table of findings, worst first.
import type { Finding } from '../rules/types';
import { SEVERITIES } from '../rules/types';
import { countBySeverity, groupBySubject, shortPrincipal, totalsLine } from './common';
import type { ReportInput } from './types';

/** Keeps a PR comment under GitHub's 65,536-character limit with room to spare. */
const MAX_ROWS = 150;

const ICON: Record<Finding['severity'], string> = {
  critical: '🔴',
  high: '🟠',
  medium: '🟡',
  low: '🔵',
  info: '⚪',
};

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export function renderMarkdown(input: ReportInput): string {
  const out: string[] = [];
  out.push(`## ${input.tool.name}: ${totalsLine(input)}`, '');
  const counts = countBySeverity(input.findings);
  out.push(`| ${SEVERITIES.join(' | ')} |`, `| ${SEVERITIES.map(() => '---:').join(' | ')} |`);
  out.push(`| ${SEVERITIES.map((s) => String(counts[s])).join(' | ')} |`, '');

  if (input.notAudited.length > 0) {
    out.push(`> **Partial result:** ${input.notAudited.length} account(s) were not audited.`, '>');
    for (const n of input.notAudited)
      out.push(`> - \`${n.accountId}\`${n.accountName ? ` (${n.accountName})` : ''}: ${n.reason}`);
    out.push('');
  }
  for (const account of input.accounts) {
    for (const caveat of account.caveats) out.push(`> **Note (${account.accountId}):** ${caveat}`, '');
    if (account.problems.length > 0) {
      out.push(`> **${account.problems.length} input problem(s) in ${account.accountId}**; the rest was analysed.`, '');
    }
  }

  const active = input.findings.filter((f) => !f.suppressed);
  const rows: string[] = [];
  for (const group of groupBySubject(active)) {
    for (const finding of group.findings) {
      const docs = finding.docsUrl ? `[${finding.ruleId}](${finding.docsUrl})` : `\`${finding.ruleId}\``;
      const fix = finding.remediation ? `<br>**Fix:** ${cell(finding.remediation)}` : '';
      rows.push(
        `| ${ICON[finding.severity]} ${finding.severity} | \`${cell(shortPrincipal(group.subject))}\` | ${docs} | ${cell(finding.message)}${fix} |`,
      );
    }
  }
  if (rows.length > 0) {
    out.push('| Severity | Principal / resource | Rule | Finding |', '| --- | --- | --- | --- |');
    out.push(...rows.slice(0, MAX_ROWS));
    if (rows.length > MAX_ROWS) out.push('', `_… and ${rows.length - MAX_ROWS} more; see the JSON or SARIF report._`);
    out.push('');
  }

  const suppressed = input.findings.filter((f) => f.suppressed);
  if (suppressed.length > 0) {
    out.push('<details><summary>Suppressed findings</summary>', '');
    for (const f of suppressed) {
      out.push(
        `- \`${f.ruleId}\` on \`${shortPrincipal(f.principalArn ?? f.location?.logicalId ?? '')}\`: ${f.suppressed?.reason} (until ${f.suppressed?.expires})`,
      );
    }
    out.push('', '</details>', '');
  }
  for (const expired of input.expiredSuppressions ?? []) {
    out.push(
      `- ⚠️ Suppression for \`${expired.ruleId}\` expired on ${expired.expires}; ${expired.matched} finding(s) count again.`,
    );
  }
  return out.join('\n').replace(/\n+$/, '') + '\n';
}
