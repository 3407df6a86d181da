// The agent invariant against every escalation path the audit knows (lib/audit/graph/escalation-paths.ts, not
// only pathfinding.cloud's): an agent role carrying the published leash boundary, holding exactly a path's
// actions (and iam:PassRole on everything), next to an administrator role that trusts every service a path names
// and the account, must get no finding that it can write to or delete production (medium or worse).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditAccount } from '../../lib/audit/audit';
import { ESCALATION_PATHS } from '../../lib/audit/graph/escalation-paths';
import { PATH_RESOLUTIONS } from '../../lib/audit/graph/resolutions';
import { AccountSnapshot } from '../../lib/audit/sources/snapshot';
import { loadCatalog } from '../../lib/catalog';

const catalog = loadCatalog();
const ACCOUNT = '111122223333';
const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/leash-agent-boundary`;
const BOUNDARY = JSON.parse(
  readFileSync(join(__dirname, '../../templates/guardrails/boundary.json'), 'utf8'),
) as object;
const SERVICES = [
  ...new Set(
    Object.values(PATH_RESOLUTIONS).flatMap((r) => (r.kind === 'pass-role' || r.kind === 'run-code' ? r.services : [])),
  ),
];
const document = (statements: object[]) => ({ Version: '2012-10-17', Statement: statements });

function accountHolding(actions: readonly string[]) {
  return AccountSnapshot.parse({
    schemaVersion: 1,
    accountId: ACCOUNT,
    source: { kind: 'authorization-details', location: 'test' },
    principals: [
      {
        kind: 'role',
        arn: `arn:aws:iam::${ACCOUNT}:role/agent`,
        name: 'agent',
        path: '/',
        tags: { 'leash:agent': 'true' },
        trustPolicy: document([
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' },
        ]),
        inlinePolicies: [
          {
            name: 'path',
            document: document([
              { Effect: 'Allow', Action: [...actions], Resource: '*' },
              { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
            ]),
          },
        ],
        managedPolicyArns: [],
        permissionsBoundaryArn: BOUNDARY_ARN,
        groups: [],
        serviceLinked: false,
        instanceProfiles: [],
      },
      {
        kind: 'role',
        arn: `arn:aws:iam::${ACCOUNT}:role/admin`,
        name: 'admin',
        path: '/',
        tags: {},
        trustPolicy: document([
          {
            Effect: 'Allow',
            Principal: { Service: SERVICES, AWS: `arn:aws:iam::${ACCOUNT}:root` },
            Action: 'sts:AssumeRole',
          },
        ]),
        inlinePolicies: [{ name: 'admin', document: document([{ Effect: 'Allow', Action: '*', Resource: '*' }]) }],
        managedPolicyArns: [],
        groups: [],
        serviceLinked: false,
        instanceProfiles: ['admin'],
      },
    ],
    managedPolicies: [{ arn: BOUNDARY_ARN, name: 'leash-agent-boundary', document: BOUNDARY, awsManaged: false }],
    serviceControlPolicies: [],
    organizationPoliciesKnown: false,
  });
}

describe('the agent boundary against every escalation path', () => {
  it(`leaves an agent holding any one of the ${ESCALATION_PATHS.length} paths no way to write to or delete production`, () => {
    const leaks = ESCALATION_PATHS.flatMap((path) => {
      const result = auditAccount(accountHolding(path.actions), { catalog, now: new Date('2026-12-01T00:00:00Z') });
      return result.findings
        .filter(
          (f) =>
            f.principalArn?.endsWith(':role/agent') &&
            ['agent-can-write-production', 'can-delete-production'].includes(f.ruleId) &&
            ['critical', 'high', 'medium'].includes(f.severity),
        )
        .map((f) => `${path.id}: ${f.severity} ${f.ruleId}: ${f.message}`);
    });
    expect(leaks).toEqual([]);
  });
});
