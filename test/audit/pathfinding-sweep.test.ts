// Every privilege-escalation path of DataDog's pathfinding.cloud (test/fixtures/pathfinding/paths.json: each
// path's id, category, required permissions and the service principals it names), audited in an account where an
// attacker holds exactly the path's permissions, through a customer managed policy, as a user and as a role,
// next to an administrator role that trusts those services, an administrator user and an administrator group.
// The audit must report each one: certain where the account shows the whole path, and saying what it depends on
// where the path abuses something that already runs (a function, an instance, a stack), which the snapshot
// cannot show.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditAccount } from '../../lib/audit/audit';
import type { Finding } from '../../lib/audit/findings';
import { parseAuthorizationDetails } from '../../lib/audit/sources/authorization-details';
import { loadCatalog } from '../../lib/catalog';
import { LeashConfig } from '../../lib/config/schema';

interface PathFixture {
  readonly id: string;
  readonly category: string;
  readonly required: readonly string[];
  readonly trustedServices: readonly string[];
}

const { paths } = JSON.parse(readFileSync(join(__dirname, '../fixtures/pathfinding/paths.json'), 'utf8')) as {
  paths: PathFixture[];
};
const catalog = loadCatalog();
const config = LeashConfig.parse({});
const ACCOUNT = '111122223333';
const ADMIN = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const CREATED = '2025-01-01T00:00:00Z';
/** The generated agent boundary, as published (a test keeps templates/guardrails equal to the generators). */
const BOUNDARY = JSON.parse(
  readFileSync(join(__dirname, '../../templates/guardrails/boundary.json'), 'utf8'),
) as object;
const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/leash-agent-boundary`;

function accountFor(path: PathFixture, as: 'user' | 'role' | 'agent') {
  const policyArn = `arn:aws:iam::${ACCOUNT}:policy/attacker-policy`;
  const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: path.required, Resource: '*' }] };
  const attached = [{ PolicyName: 'attacker-policy', PolicyArn: policyArn }];
  const trust = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' },
      ...(path.trustedServices.length > 0
        ? [{ Effect: 'Allow', Principal: { Service: path.trustedServices }, Action: 'sts:AssumeRole' }]
        : []),
    ],
  };
  const user = (name: string, extra: object) => ({
    Path: '/',
    UserName: name,
    UserId: `AIDA${name.toUpperCase()}`,
    Arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    CreateDate: CREATED,
    GroupList: [],
    UserPolicyList: [],
    AttachedManagedPolicies: [],
    Tags: [],
    ...extra,
  });
  const role = (name: string, extra: object) => ({
    Path: '/',
    RoleName: name,
    RoleId: `AROA${name.toUpperCase()}`,
    Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    CreateDate: CREATED,
    InstanceProfileList: [],
    RolePolicyList: [],
    AttachedManagedPolicies: [],
    Tags: [],
    ...extra,
  });
  const elsewhere = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' }],
  };
  return {
    UserDetailList: [
      ...(as === 'user' ? [user('attacker', { AttachedManagedPolicies: attached })] : []),
      user('victim', { GroupList: ['admins'], UserPolicyList: [{ PolicyName: 'admin', PolicyDocument: ADMIN }] }),
    ],
    GroupDetailList: [
      {
        Path: '/',
        GroupName: 'admins',
        GroupId: 'AGPAADMINS',
        Arn: `arn:aws:iam::${ACCOUNT}:group/admins`,
        CreateDate: CREATED,
        GroupPolicyList: [{ PolicyName: 'admin', PolicyDocument: ADMIN }],
        AttachedManagedPolicies: [],
      },
    ],
    RoleDetailList: [
      ...(as === 'role'
        ? [role('attacker', { AssumeRolePolicyDocument: elsewhere, AttachedManagedPolicies: attached })]
        : []),
      ...(as === 'agent'
        ? [
            role('attacker', {
              AssumeRolePolicyDocument: elsewhere,
              AttachedManagedPolicies: attached,
              Tags: [{ Key: 'leash:agent', Value: 'true' }],
              PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: BOUNDARY_ARN },
            }),
          ]
        : []),
      role('admin', {
        AssumeRolePolicyDocument: trust,
        RolePolicyList: [{ PolicyName: 'admin', PolicyDocument: ADMIN }],
        InstanceProfileList: [
          {
            Path: '/',
            InstanceProfileName: 'admin',
            InstanceProfileId: 'AIPAADMIN',
            Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/admin`,
            CreateDate: CREATED,
            Roles: [],
          },
        ],
      }),
    ],
    Policies: [
      {
        PolicyName: 'leash-agent-boundary',
        PolicyId: 'ANPABOUNDARY',
        Arn: BOUNDARY_ARN,
        Path: '/',
        DefaultVersionId: 'v1',
        AttachmentCount: 1,
        IsAttachable: true,
        PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: BOUNDARY }],
      },
      {
        PolicyName: 'attacker-policy',
        PolicyId: 'ANPAATTACKER',
        Arn: policyArn,
        Path: '/',
        DefaultVersionId: 'v1',
        AttachmentCount: 1,
        IsAttachable: true,
        PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: document }],
      },
    ],
  };
}

/** The attacker's privilege-escalation findings, as a user and as a role. */
function escalations(path: PathFixture): Finding[] {
  return (['user', 'role'] as const).flatMap((as) => {
    const snapshot = parseAuthorizationDetails(accountFor(path, as), `${path.id}.json`);
    const { findings } = auditAccount(snapshot, { config, catalog, now: new Date('2026-12-05T00:00:00Z') });
    const attacker = `arn:aws:iam::${ACCOUNT}:${as}/attacker`;
    return findings.filter((f) => f.principalArn === attacker && f.ruleId === 'privilege-escalation');
  });
}

/** The attacker's findings when it is an agent role carrying the leash boundary. */
function asAgent(path: PathFixture): Finding[] {
  const snapshot = parseAuthorizationDetails(accountFor(path, 'agent'), `${path.id}.json`);
  const { findings } = auditAccount(snapshot, { config, catalog, now: new Date('2026-12-05T00:00:00Z') });
  return findings.filter((f) => f.principalArn === `arn:aws:iam::${ACCOUNT}:role/attacker`);
}

describe('pathfinding.cloud privilege-escalation paths, each audited with exactly its permissions', () => {
  it('covers the whole catalogue of the fixture', () => {
    expect(paths.length).toBeGreaterThanOrEqual(65);
  });

  it.each(paths.map((path) => [path.id, path] as const))('%s is reported', (_, path) => {
    const found = escalations(path);
    expect(found.length).toBeGreaterThan(0);
    // Certain where the account shows the whole path; where the path abuses or updates something that already
    // exists (a function, an instance, a stack, a job), or needs a way in the caller does not hold, the finding
    // says what it depends on.
    const certain = found.filter((f) => f.severity !== 'info');
    if (certain.length === 0) expect(found[0].message).toContain('It needs what the snapshot cannot show');
  });

  // The same paths held by an agent with the leash boundary: none may lead to a write on production. What is
  // left is what the boundary cannot see (code already running as a role on a resource tagged non-production:
  // info, naming it).
  it.each(paths.map((path) => [path.id, path] as const))(
    '%s held by a bounded agent writes nothing on production',
    (_, path) => {
      const findings = asAgent(path).filter((f) => f.ruleId === 'agent-can-write-production');
      expect(findings.filter((f) => f.severity !== 'info').map((f) => f.message)).toEqual([]);
      for (const f of findings) expect(f.message).toContain('It needs what the snapshot cannot show');
    },
  );
});
