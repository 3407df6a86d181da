// JUnit XML: valid against the JUnit schema Jenkins enforces, and a CI reader sees a failing test per open finding.
import { join } from 'node:path';
import { renderReport } from '../../../lib/audit/report';
import { xmlEscape } from '../../../lib/audit/report/junit';
import { validateAgainstXsd } from '../../support/xml-schema';
import { auditFinding, reportInput, suppressedFinding, templateFinding } from './fixtures';

const XSD = join(__dirname, '..', '..', 'fixtures', 'junit', 'junit-10.xsd');

describe('junit', () => {
  const xml = renderReport(reportInput, 'junit');

  it('is valid against the JUnit XML schema', async () => {
    expect(await validateAgainstXsd(xml, XSD)).toEqual([]);
  });

  it('fails the schema check when a test case loses its name (the schema is really applied)', async () => {
    const broken = xml.replace(/<testcase name="[^"]*"/, '<testcase');
    expect(await validateAgainstXsd(broken, XSD)).not.toEqual([]);
  });

  it('stays valid with markup, quotes, control characters and lone surrogates in the findings', async () => {
    const nasty = {
      ...auditFinding,
      message: 'a <b>"bold"</b> & \'odd\' ]]> message\u0001\u0008 with \ud800 a lone surrogate\nand a second line',
      principalArn: 'arn:aws:iam::111122223333:role/<script>',
    };
    const text = renderReport({ ...reportInput, findings: [nasty] }, 'junit');
    expect(await validateAgainstXsd(text, XSD)).toEqual([]);
    expect(text).not.toContain('<script>');
    expect(text).toContain('role/&lt;script&gt;');
  });

  it('has a suite per rule: a failure per open finding, skipped when suppressed, a passing case when clean', () => {
    const suite = (rule: string) =>
      new RegExp(`<testsuite name="${rule}"[^>]*>([\\s\\S]*?)</testsuite>`).exec(xml)?.[0] ?? '';
    expect(suite(auditFinding.ruleId)).toMatch(/tests="1" failures="1" errors="0" skipped="0"/);
    expect(suite(auditFinding.ruleId)).toContain('<failure type="critical"');
    expect(suite(auditFinding.ruleId)).toContain(auditFinding.principalArn);
    // full-admin: one open template finding and one suppressed audit finding.
    expect(suite(templateFinding.ruleId)).toMatch(/tests="2" failures="1" errors="0" skipped="1"/);
    expect(suite(templateFinding.ruleId)).toContain(
      '<skipped message="suppressed until 2099-01-01: break-glass by design',
    );
    expect(suite(suppressedFinding.ruleId)).toContain('cdk.out/App Stack.template.json#DeployRole1234');
    expect(suite('trust-public-principal')).toMatch(/tests="1" failures="0"/);
    expect(suite('trust-public-principal')).toContain('<testcase name="no findings: ');
  });

  it('reports an account not audited and an input problem as errors', () => {
    expect(xml).toMatch(/<testsuite name="inputs" tests="2" failures="0" errors="2">/);
    expect(xml).toContain('account 444455556666 (sandbox) was not audited');
    expect(xml).toContain('message="AccessDenied assuming the audit role"');
    expect(xml).toContain('message="no default version"');
  });

  it('counts in the root what its suites hold', () => {
    const root = /<testsuites [^>]*>/.exec(xml)?.[0] ?? '';
    const suites = [...xml.matchAll(/<testsuite name="[^"]*" tests="(\d+)" failures="(\d+)" errors="(\d+)"/g)];
    const sum = (i: number) => suites.reduce((n, m) => n + Number(m[i]), 0);
    expect(root).toContain(`tests="${sum(1)}"`);
    expect(root).toContain(`failures="${sum(2)}"`);
    expect(root).toContain(`errors="${sum(3)}"`);
  });

  it('escapes line breaks in attributes so readers keep them', () => {
    expect(xmlEscape('a\nb\r"c"')).toBe('a&#10;b&#13;&quot;c&quot;');
  });
});
