import type { Finding } from '../../lib/audit/rules/types';
import { Suppression } from '../../lib/config/schema';
import { applyChangeSuppressions, approvalProblem } from '../../lib/check/approvals';

const now = new Date('2026-11-24T12:00:00Z');

function suppression(overrides: Partial<Suppression>): Suppression {
  return Suppression.parse({
    ruleId: 'destructive-change',
    logicalId: 'OrdersTable',
    reason: 'Re-keying the orders table; data migrated by the orders-backfill job (CHG-1234).',
    expires: '2026-12-31',
    approvedBy: ['alice', 'bob'],
    ...overrides,
  });
}

const finding: Finding = {
  ruleId: 'destructive-change',
  category: 'destructive-change',
  severity: 'critical',
  title: 'Replaces AWS::DynamoDB::Table OrdersTable',
  message: 'Deploying stack DataStack would replace stateful resource OrdersTable.',
  evidence: [],
  location: { file: 'cdk.out/DataStack.template.json', logicalId: 'OrdersTable' },
  details: { stack: 'DataStack' },
};

describe('the two-person rule', () => {
  it.each([
    ['two distinct approvers', ['alice', 'bob'], '2026-12-31', undefined],
    ['approvers on their last valid day', ['alice', 'bob'], '2026-11-24', undefined],
    ['one approver', ['alice'], '2026-12-31', /only alice approved it; a destructive change needs two distinct people/],
    ['the same person twice', ['alice', 'alice'], '2026-12-31', /alice is listed 2 times/],
    ['the same person in different spellings', ['Alice', '@alice '], '2026-12-31', /is listed 2 times/],
    // A Cyrillic а, and an invisible zero-width space: one name to whoever reads the config.
    ['the same name in lookalike letters', ['alice', '\u0430lice'], '2026-12-31', /"\\u0430lice" read as one name/],
    ['the same name with an invisible character', ['bob', 'b\u200bob'], '2026-12-31', /read as one name/],
    ['no approvers', [], '2026-12-31', /has no approvers/],
    ['an expired approval', ['alice', 'bob'], '2026-11-23', /expired on 2026-11-23/],
  ])('%s', (_name, approvedBy, expires, problem) => {
    const result = approvalProblem(suppression({ approvedBy, expires }), now);
    if (problem) expect(result).toMatch(problem);
    else expect(result).toBeUndefined();
  });

  it.each([
    ['an agent login among two approvers', ['alice', 'agent-ci'], /agent-ci is an agent.*only alice approved it/],
    ['two agent logins', ['agent-ci', '@Agent-Dev'], /agent-ci is an agent.*@Agent-Dev is an agent.*nobody else/],
    ['an agent login written with a lookalike letter', ['alice', '\u0430gent-ci'], /gent-ci is an agent.*only alice/],
  ])('refuses %s named in check.agentLogins', (_name, approvedBy, problem) => {
    const result = approvalProblem(suppression({ approvedBy }), now, undefined, undefined, ['agent-*']);
    expect(result).toMatch(problem);
  });
});

describe('suppressing destructive-change findings', () => {
  it('marks the finding suppressed when two people approved it', () => {
    const [out] = applyChangeSuppressions([finding], [suppression({})], now);
    expect(out.suppressed).toEqual({ reason: suppression({}).reason, expires: '2026-12-31' });
    expect(out.details?.approvedBy).toEqual(['alice', 'bob']);
  });

  it('keeps the finding failing and says why when only one person approved it', () => {
    const [out] = applyChangeSuppressions([finding], [suppression({ approvedBy: ['alice'] })], now);
    expect(out.suppressed).toBeUndefined();
    expect(out.message).toMatch(/suppressions\[0\] does not apply: only alice approved it/);
  });

  it('accepts the logical id with its stack, and wildcards', () => {
    expect(
      applyChangeSuppressions([finding], [suppression({ logicalId: 'DataStack/OrdersTable' })], now)[0].suppressed,
    ).toBeDefined();
    expect(
      applyChangeSuppressions([finding], [suppression({ logicalId: 'Orders*' })], now)[0].suppressed,
    ).toBeDefined();
    expect(
      applyChangeSuppressions([finding], [suppression({ logicalId: 'OtherStack/OrdersTable' })], now)[0].suppressed,
    ).toBeUndefined();
  });

  it('ignores suppressions for other rules, other resources, or without a logical id', () => {
    const others = [
      suppression({ ruleId: 'full-admin' }),
      suppression({ logicalId: 'CustomersTable' }),
      suppression({ logicalId: undefined }),
    ];
    const [out] = applyChangeSuppressions([finding], others, now);
    expect(out).toEqual(finding);
  });

  it('uses a valid suppression even when an invalid one also matches', () => {
    const [out] = applyChangeSuppressions([finding], [suppression({ approvedBy: ['alice'] }), suppression({})], now);
    expect(out.suppressed).toBeDefined();
  });
});
