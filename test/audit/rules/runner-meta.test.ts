// The rule runner fills a finding's id, category, title and docs URL from its rule's metadata (as ESLint
// does), so a rule never copies them; what a rule does set itself is kept.
import { auditAccount } from '../../../lib/audit/audit';
import type { Rule } from '../../../lib/audit/rules/types';
import { allow, catalog, doc, snapshot } from './helpers';

const META: Rule['meta'] = {
  id: 'runner-probe',
  category: 'over-broad',
  severity: 'low',
  title: 'Runner probe',
  help: 'A rule used only by this test.',
  docsUrl: 'https://example.com/rules#runner-probe',
};

function run(rule: Rule) {
  const account = snapshot({ principals: [{ name: 'reader', policies: [doc(allow('s3:GetObject'))] }] });
  return auditAccount(account, { catalog, rules: [rule], now: new Date('2026-01-01T00:00:00Z') });
}

describe('the rule runner', () => {
  it('fills ruleId, category, title, docsUrl and the account from the rule metadata', () => {
    const result = run({
      meta: META,
      check: ({ analysis }) =>
        analysis.principals.map((p) => ({ severity: 'low', message: 'seen', principalArn: p.arn, evidence: [] })),
    });
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({
      ruleId: 'runner-probe',
      category: 'over-broad',
      title: 'Runner probe',
      docsUrl: 'https://example.com/rules#runner-probe',
      accountId: '111122223333',
    });
  });

  it('keeps a title or category the rule chose for one finding', () => {
    const result = run({
      meta: META,
      check: () => [{ severity: 'info', message: 'x', evidence: [], title: 'Special', category: 'trust' }],
    });
    expect(result.findings[0]).toMatchObject({ ruleId: 'runner-probe', title: 'Special', category: 'trust' });
  });

  it('fills every default rule finding on the example account with its rule metadata', () => {
    const { defaultRules } = jest.requireActual(
      '../../../lib/audit/rules',
    ) as typeof import('../../../lib/audit/rules');
    const byId = new Map(defaultRules.map((r) => [r.meta.id, r.meta]));
    const account = snapshot({
      principals: [
        { name: 'admin', policies: [doc(allow('*'))] },
        { name: 'user', kind: 'user', policies: [doc(allow('iam:*'))] },
      ],
    });
    const result = auditAccount(account, { catalog, now: new Date('2026-01-01T00:00:00Z') });
    expect(result.findings.length).toBeGreaterThan(3);
    for (const finding of result.findings) {
      const meta = byId.get(finding.ruleId)!;
      expect(finding).toMatchObject({ category: meta.category, title: meta.title, docsUrl: meta.docsUrl });
    }
  });
});
