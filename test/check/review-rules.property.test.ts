import fc from 'fast-check';
import type { Finding } from '../../lib/audit/rules/types';
import { applyChangeSuppressions } from '../../lib/check/approvals';
import type { PullRequestFacts, PullRequestReview } from '../../lib/check/review-rules';
import { Suppression } from '../../lib/config/schema';

// The rules written out independently of lib/check/review-rules.ts, as the issue states them.
const HEAD = 'head000000000000000000000000000000000000';
const AUTHOR = 'agent';
const PEOPLE = ['alice', 'bob', 'carol', 'agent', 'ci[bot]', 'robot', 'dave'];
const BOT_TYPES: Record<string, string> = { robot: 'Bot' };

function qualifies(login: string, facts: PullRequestFacts): boolean {
  const who = login.trim().replace(/^@/, '').toLowerCase();
  if (who === AUTHOR || who.endsWith('[bot]')) return false;
  const mine = facts.reviews.filter((review) => review.login.toLowerCase() === who);
  if (mine.some((review) => review.userType === 'Bot')) return false;
  const decisive = mine.filter((review) => review.state !== 'COMMENTED' && review.state !== 'PENDING');
  if (decisive.length === 0) return false;
  // Reviews are generated in submission order.
  const latest = decisive[decisive.length - 1];
  if (latest.state !== 'APPROVED' || latest.commitId !== HEAD) return false;
  const permission = facts.permissions.get(who);
  if (!permission || 'error' in permission) return false;
  return ['admin', 'maintain', 'write'].includes(permission.roleName ?? permission.permission);
}

const review = fc.record({
  login: fc.constantFrom(...PEOPLE),
  state: fc.constantFrom('APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED', 'PENDING'),
  onHead: fc.boolean(),
});
const permission = fc.constantFrom('admin', 'maintain', 'write', 'triage', 'read', 'none', 'error');
const spelling = fc.tuple(fc.constantFrom(...PEOPLE), fc.constantFrom('', '@', ' '), fc.boolean());

const facts = fc
  .record({
    reviews: fc.array(review, { maxLength: 14 }),
    permissions: fc.dictionary(fc.constantFrom(...PEOPLE), permission),
  })
  .map(({ reviews, permissions }): PullRequestFacts => ({
    repository: 'acme/shop',
    number: 1,
    author: AUTHOR,
    headSha: HEAD,
    reviews: reviews.map((item, index): PullRequestReview => ({
      id: index + 1,
      login: item.login,
      userType: BOT_TYPES[item.login] ?? 'User',
      state: item.state,
      commitId: item.onHead ? HEAD : 'old0000000000000000000000000000000000000',
      submittedAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
    })),
    permissions: new Map(
      Object.entries(permissions).map(([login, level]) => [
        login,
        level === 'error'
          ? { error: 'GET ... returned 502' }
          : { permission: level === 'maintain' ? 'write' : level, roleName: level },
      ]),
    ),
  }));

const finding: Finding = {
  ruleId: 'destructive-change',
  category: 'destructive-change',
  severity: 'critical',
  title: 'Deletes AWS::DynamoDB::Table Orders',
  message: 'Deploying stack Data would delete Orders.',
  evidence: [],
  location: { file: 'Data.template.json', logicalId: 'Orders' },
  details: { stack: 'Data', changeHash: 'a'.repeat(32) },
};

describe('the two-person rule against real reviews (property)', () => {
  it('never lets a change through with fewer than two distinct qualifying people, and always with two', () => {
    fc.assert(
      fc.property(facts, fc.array(spelling, { maxLength: 6 }), (pullRequest, names) => {
        const approvedBy = names.map(([login, prefix, upper]) => `${prefix}${upper ? login.toUpperCase() : login}`);
        const suppression = Suppression.parse({
          ruleId: 'destructive-change',
          logicalId: 'Orders',
          reason: 'Deliberate removal of the orders table (CHG-1).',
          expires: '2099-12-31',
          approvedBy,
          changes: ['a'.repeat(32)],
        });
        const [out] = applyChangeSuppressions([finding], [suppression], new Date('2026-06-01T00:00:00Z'), {
          kind: 'github',
          facts: pullRequest,
        });
        const distinct = new Set(
          approvedBy
            .filter((login) => qualifies(login, pullRequest))
            .map((login) => login.trim().replace(/^@/, '').toLowerCase()),
        );
        expect(Boolean(out.suppressed)).toBe(distinct.size >= 2);
        if (!out.suppressed) expect(out.message).toMatch(/suppressions\[0\] does not apply: /);
      }),
      { numRuns: 3000 },
    );
  });

  it('never lets a change through when GitHub could not be read, whatever approvedBy says', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PEOPLE), { maxLength: 6 }), (approvedBy) => {
        const suppression = Suppression.parse({
          ruleId: '*',
          logicalId: '*',
          reason: 'Deliberate removal of the orders table (CHG-1).',
          expires: '2099-12-31',
          approvedBy,
          changes: ['a'.repeat(32)],
        });
        const [out] = applyChangeSuppressions([finding], [suppression], new Date('2026-06-01T00:00:00Z'), {
          kind: 'github',
          error: 'GET /repos/acme/shop/pulls/1 returned 503',
        });
        expect(out.suppressed).toBeUndefined();
      }),
    );
  });
});
