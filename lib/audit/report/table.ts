// Terminal report: one table, findings grouped under their principal (or template resource), worst first.
import type { ReportInput } from './types';
import { boxTableLines, type BoxRow } from '../../util/box-table';
import { groupBySubject, shortPrincipal, totalsLine } from './common';
import { terminalText } from './terminal-text';

const MESSAGE_WIDTH = 78;
const RULE_WIDTH = 30;

/** The report's lines, each ending in a line break, made as they are written. */
export function* tableChunks(input: ReportInput): Generator<string> {
  const lines: string[] = [];
  for (const account of input.accounts) {
    const name = account.accountName ? ` (${account.accountName})` : '';
    const source = account.source ? ` from ${account.source}` : '';
    lines.push(
      `Account ${account.accountId}${name}${source}: ${account.principals} principal${account.principals === 1 ? '' : 's'}`,
    );
    for (const caveat of account.caveats) lines.push(`  note: ${caveat}`);
    if (account.problems.length > 0) {
      lines.push(`  ${account.problems.length} input problem(s); the rest was analysed:`);
      for (const problem of account.problems.slice(0, 20)) lines.push(`    ${problem.where}: ${problem.message}`);
      if (account.problems.length > 20) lines.push(`    ... and ${account.problems.length - 20} more`);
    }
  }
  if (lines.length > 0) lines.push('');
  for (const line of lines) yield `${terminalText(line)}\n`;

  const groups = groupBySubject(input.findings);
  if (groups.length > 0) {
    // The rule column fits the longest rule id shown, so no id is cut short.
    // (A loop, not Math.max(...): an organization's findings can outnumber the arguments a call may take.)
    const ruleWidth = input.findings.reduce((width, finding) => Math.max(width, finding.ruleId.length + 2), RULE_WIDTH);
    const widths = [10, ruleWidth, MESSAGE_WIDTH + 2];
    yield* withLineBreaks(boxTableLines({ head: ['Severity', 'Rule', 'Finding'], widths }, tableRows(groups)));
    yield '\n';
  }

  const tail: string[] = [];
  for (const expired of input.expiredSuppressions ?? []) {
    const target = expired.principalArn ?? expired.logicalId ?? 'any';
    tail.push(
      `Expired suppression: ${expired.ruleId} for ${target} (expired ${expired.expires}, matches ${expired.matched} finding(s) again)`,
    );
  }
  for (const account of input.notAudited) {
    const name = account.accountName ? ` (${account.accountName})` : '';
    tail.push(`Not audited: ${account.accountId}${name}: ${account.reason}`);
  }
  const partial = input.notAudited.length > 0 ? ` Partial: ${input.notAudited.length} account(s) not audited.` : '';
  tail.push(`${input.tool.name}: ${totalsLine(input)}.${partial}`);
  for (const line of tail) yield `${terminalText(line)}\n`;
}

function* tableRows(groups: ReturnType<typeof groupBySubject>): Generator<BoxRow> {
  for (const group of groups) {
    // Each text is made safe before it is laid out, so the columns are measured on what is shown.
    yield { span: terminalText(shortPrincipal(group.subject)) };
    for (const finding of group.findings) {
      const suppressed = finding.suppressed
        ? `\n${terminalText(`[suppressed until ${finding.suppressed.expires}: ${finding.suppressed.reason}]`)}`
        : '';
      yield [finding.severity, terminalText(finding.ruleId), `${terminalText(finding.message)}${suppressed}`];
    }
  }
}

/**
 * The lines, each ending in a line break, joined a few thousand at a time: one string per batch rather than
 * two per line (a 10,000-role table has 600,000 lines).
 */
function* withLineBreaks(lines: Iterable<string>, batch = 4096): Generator<string> {
  let pending: string[] = [];
  for (const line of lines) {
    pending.push(line);
    if (pending.length === batch) {
      yield `${pending.join('\n')}\n`;
      pending = [];
    }
  }
  if (pending.length > 0) yield `${pending.join('\n')}\n`;
}
