// The agent invariant against every escalation path the audit knows (lib/audit/graph/escalation-paths.ts, not
// only pathfinding.cloud's): an agent role carrying the published leash boundary, holding exactly a path's
// actions (and iam:PassRole on everything), next to an administrator role that trusts every service a path names
// and the account, must get no finding that it can write to or delete production (medium or worse).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditAccount } from '../../lib/audit/audit';
import { ESCALATION_PATHS } from '../../lib/audit/graph/escalation-paths';
import { MODELLED_SERVICES } from '../../lib/audit/graph/resolutions';
import { allow, catalog, doc, snapshot } from './rules/helpers';

const ROOT = 'arn:aws:iam::111122223333:root';
const BOUNDARY = JSON.parse(
  readFileSync(join(__dirname, '../../templates/guardrails/boundary.json'), 'utf8'),
) as object;

function accountHolding(actions: readonly string[]) {
  const account = snapshot({
    principals: [
      {
        name: 'agent',
        tags: { 'leash:agent': 'true' },
        trust: doc({ Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'sts:AssumeRole' }),
        policies: [doc(allow([...actions]), allow('iam:PassRole'))],
        boundary: 'leash-agent-boundary',
      },
      {
        name: 'admin',
        trust: doc({
          Effect: 'Allow',
          Principal: { Service: [...MODELLED_SERVICES], AWS: ROOT },
          Action: 'sts:AssumeRole',
        }),
        policies: [doc(allow('*'))],
      },
    ],
    managed: { 'leash-agent-boundary': BOUNDARY },
  });
  // The administrator is in an instance profile (EC2 paths reach it); the agent is in none.
  const profiles: Record<string, string[]> = { agent: [], admin: ['admin'] };
  return { ...account, principals: account.principals.map((p) => ({ ...p, instanceProfiles: profiles[p.name] })) };
}

describe('the agent boundary against every escalation path', () => {
  it(`leaves an agent holding any one of the ${ESCALATION_PATHS.length} paths no way to write to or delete production`, () => {
    const leaks = ESCALATION_PATHS.flatMap((path) => {
      const result = auditAccount(accountHolding(path.actions), { catalog, now: new Date('2026-12-01T00:00:00Z') });
      // A rule that failed found nothing: that is no proof.
      const failed = result.stats.failedRules.map((f) => `${path.id}: rule ${f.ruleId} failed: ${f.message}`);
      return result.findings
        .filter(
          (f) =>
            f.principalArn?.endsWith(':role/agent') &&
            ['agent-can-write-production', 'can-delete-production'].includes(f.ruleId) &&
            ['critical', 'high', 'medium'].includes(f.severity),
        )
        .map((f) => `${path.id}: ${f.severity} ${f.ruleId}: ${f.message}`)
        .concat(failed);
    });
    expect(leaks).toEqual([]);
  });
});
