import { defaultGuardrailSpec, generateGuardrails, renderCoverage, type CoverageReport } from '../../lib/guardrails';

describe('renderCoverage', () => {
  let report: CoverageReport;
  beforeAll(() => {
    report = generateGuardrails(defaultGuardrailSpec()).coverage;
  });

  it('renders JSON that parses back to the same report', () => {
    expect(JSON.parse(renderCoverage(report, 'json'))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('renders a table with the totals per class, the policy sizes and the caveats', () => {
    const text = renderCoverage(report, 'table');
    for (const c of ['class delete', 'class recreate', 'class tamper', 'class escalate']) expect(text).toContain(c);
    for (const p of report.policySizes) expect(text).toContain(p.name);
    expect(text).toContain('management account');
  });

  it('renders Markdown listing every action that is not protected for everyone, with the reason', () => {
    const text = renderCoverage(report, 'markdown');
    expect(text).toMatch(/^# agent-leash guardrail coverage/);
    const unprotected = report.actions.filter((a) => !a.protectedForEveryone);
    expect(unprotected.length).toBeGreaterThan(0);
    for (const a of unprotected.slice(0, 50)) expect(text).toContain(`| ${a.action} |`);
    if (report.dropped.length > 0) expect(text).toContain('## Dropped for size');
  });
});
