// JUnit XML for CI systems that show test results (GitLab, Jenkins, Azure DevOps): one test suite per rule, one
// failing test case per open finding, a skipped one per suppressed finding, a passing one for a rule with nothing
// to say, and errors for the accounts and policies that could not be read (the audit is partial or incomplete).
import type { Finding } from '../findings';
import type { RuleMeta } from '../rules/types';
import { subjectOf, totalsLine } from './common';
import type { ReportInput } from './types';
import { terminalText } from './terminal-text';

/** Text or attribute value with the five XML specials escaped and characters XML 1.0 forbids dropped. */
export function xmlEscape(value: string): string {
  // Most text has nothing to escape or drop: one look for any of it instead of nine passes of replace.
  // eslint-disable-next-line no-control-regex
  if (!/[\u0000-\u001F&<>"'\uD800-\uDFFF\uFFFE\uFFFF]/.test(value)) return value;
  return (
    value
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      .replace(/\r/g, '&#13;')
      .replace(/\n/g, '&#10;')
  );
}

const attr = (name: string, value: string | number) => ` ${name}="${xmlEscape(String(value))}"`;

function failureBody(finding: Finding): string {
  const lines = [finding.message];
  if (finding.principalArn) lines.push(`principal: ${finding.principalArn}`);
  if (finding.accountId) lines.push(`account: ${finding.accountId}`);
  if (finding.location) {
    const where = [finding.location.file, finding.location.logicalId, finding.location.cdkPath].filter(Boolean);
    lines.push(`location: ${where.join(' · ')}`);
  }
  for (const e of finding.evidence) {
    const statement = e.statement !== undefined ? `: ${JSON.stringify(e.statement)}` : '';
    const index = e.statementIndex !== undefined ? ` Statement[${e.statementIndex}]` : '';
    lines.push(`evidence: ${e.policyKind} ${e.policy}${index}${e.note ? ` (${e.note})` : ''}${statement}`);
  }
  if (finding.remediation) lines.push(`fix: ${finding.remediation}`);
  if (finding.docsUrl) lines.push(`docs: ${finding.docsUrl}`);
  return lines.map(terminalText).join('\n');
}

function* testCase(finding: Finding): Generator<string> {
  // Names show as typed: a control character XML forbids would otherwise be dropped without a word, and a
  // direction override would make the test name read as other text in the CI's test view.
  const name = terminalText(`${subjectOf(finding)}: ${finding.title}`);
  const open = `    <testcase${attr('name', name)}${attr('classname', `leash.${finding.ruleId}`)}>\n`;
  if (finding.suppressed) {
    const message = terminalText(`suppressed until ${finding.suppressed.expires}: ${finding.suppressed.reason}`);
    yield `${open}      <skipped${attr('message', message)}/>\n    </testcase>\n`;
    return;
  }
  yield `${open}      <failure${attr('type', finding.severity)}${attr('message', terminalText(`${finding.severity}: ${finding.message}`))}>${xmlEscape(failureBody(finding))}</failure>\n    </testcase>\n`;
}

interface Suite {
  readonly name: string;
  readonly findings: Finding[];
}

/** The report as a JUnit `<testsuites>` document, in pieces. */
export function* junitChunks(input: ReportInput): Generator<string> {
  const byRule = new Map<string, Suite>();
  const ruleMeta = new Map<string, RuleMeta>(input.rules.map((r) => [r.id, r]));
  for (const rule of input.rules) byRule.set(rule.id, { name: rule.id, findings: [] });
  for (const finding of input.findings) {
    let suite = byRule.get(finding.ruleId);
    if (!suite) byRule.set(finding.ruleId, (suite = { name: finding.ruleId, findings: [] }));
    suite.findings.push(finding);
  }
  const inputErrors = [
    ...input.notAudited.map((n) => ({
      name: terminalText(`account ${n.accountId}${n.accountName ? ` (${n.accountName})` : ''} was not audited`),
      message: terminalText(n.reason),
    })),
    ...input.accounts.flatMap((a) =>
      a.problems.map((p) => ({
        name: terminalText(`account ${a.accountId}: ${p.where}`),
        message: terminalText(p.message),
      })),
    ),
  ];
  const suites = [...byRule.values()];
  const tests = suites.reduce((n, s) => n + Math.max(1, s.findings.length), 0) + inputErrors.length;
  const failures = input.findings.filter((f) => !f.suppressed).length;
  yield '<?xml version="1.0" encoding="UTF-8"?>\n';
  yield `<testsuites${attr('name', `${input.tool.name}: ${totalsLine(input)}`)}${attr('tests', tests)}${attr('failures', failures)}${attr('errors', inputErrors.length)}>\n`;
  if (inputErrors.length > 0) {
    yield `  <testsuite${attr('name', 'inputs')}${attr('tests', inputErrors.length)}${attr('failures', 0)}${attr('errors', inputErrors.length)}>\n`;
    for (const error of inputErrors) {
      yield `    <testcase${attr('name', error.name)}${attr('classname', 'leash.inputs')}>\n      <error${attr('type', 'input')}${attr('message', error.message)}/>\n    </testcase>\n`;
    }
    yield '  </testsuite>\n';
  }
  for (const suite of suites) {
    const meta = ruleMeta.get(suite.name);
    const open = suite.findings.filter((f) => !f.suppressed).length;
    const skipped = suite.findings.length - open;
    yield `  <testsuite${attr('name', suite.name)}${attr('tests', Math.max(1, suite.findings.length))}${attr('failures', open)}${attr('errors', 0)}${attr('skipped', skipped)}>\n`;
    if (meta) {
      yield `    <properties>\n      <property${attr('name', 'title')}${attr('value', meta.title)}/>\n      <property${attr('name', 'severity')}${attr('value', meta.severity)}/>\n      <property${attr('name', 'docs')}${attr('value', meta.docsUrl)}/>\n    </properties>\n`;
    }
    if (suite.findings.length === 0) {
      yield `    <testcase${attr('name', `no findings: ${meta?.title ?? suite.name}`)}${attr('classname', `leash.${suite.name}`)}/>\n`;
    }
    for (const finding of suite.findings) yield* testCase(finding);
    yield '  </testsuite>\n';
  }
  yield '</testsuites>\n';
}
