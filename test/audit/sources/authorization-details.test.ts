import { readFileSync } from 'node:fs';
import { auditAccount } from '../../../lib/audit/audit';
import { parseAuthorizationDetails } from '../../../lib/audit/sources/authorization-details';
import { loadCatalog } from '../../../lib/catalog';
import { LeashConfig } from '../../../lib/config/schema';
import { AccountSnapshot } from '../../../lib/audit/sources/snapshot';
import { InputError } from '../../../lib/util/read-input';
import { CLOUDSPLAINING_AUTHZ } from '../../support/shared-data';

const raw = JSON.parse(readFileSync(CLOUDSPLAINING_AUTHZ, 'utf8'));

interface RawPrincipal {
  Arn: string;
  Path: string;
  AttachedManagedPolicies: { PolicyArn: string }[];
  PermissionsBoundary?: { PermissionsBoundaryArn: string };
}

const minimal = (overrides: object = {}) => ({
  UserDetailList: [],
  GroupDetailList: [],
  RoleDetailList: [
    {
      Path: '/',
      RoleName: 'app',
      Arn: 'arn:aws:iam::111122223333:role/app',
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] },
      RolePolicyList: [
        {
          PolicyName: 'one',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
          },
        },
      ],
      AttachedManagedPolicies: [],
      Tags: [{ Key: 'environment', Value: 'production' }],
    },
  ],
  Policies: [],
  ...overrides,
});

describe('parseAuthorizationDetails on the Cloudsplaining example account', () => {
  const snapshot = parseAuthorizationDetails(raw, CLOUDSPLAINING_AUTHZ);

  it('yields a valid AccountSnapshot', () => {
    expect(AccountSnapshot.safeParse(snapshot).success).toBe(true);
    expect(snapshot.accountId).toBe('200611803367');
  });

  it('parses every role, user and group, each once', () => {
    const expected = [...raw.RoleDetailList, ...raw.UserDetailList, ...raw.GroupDetailList].map(
      (p: RawPrincipal) => p.Arn,
    );
    expect(snapshot.principals.map((p) => p.arn).sort()).toEqual([...expected].sort());
    expect(snapshot.principals.filter((p) => p.kind === 'role')).toHaveLength(78);
    expect(snapshot.principals.filter((p) => p.kind === 'user')).toHaveLength(44);
    expect(snapshot.principals.filter((p) => p.kind === 'group')).toHaveLength(5);
  });

  it('keeps every managed policy with its default version as an object', () => {
    expect(snapshot.managedPolicies).toHaveLength(84);
    for (const policy of snapshot.managedPolicies) {
      expect(typeof policy.document).toBe('object');
      expect(policy.awsManaged).toBe(policy.arn.startsWith('arn:aws:iam::aws:policy/'));
    }
  });

  it('keeps every attachment, boundary, inline policy and trust policy', () => {
    for (const source of [...raw.RoleDetailList, ...raw.UserDetailList, ...raw.GroupDetailList] as RawPrincipal[]) {
      const principal = snapshot.principals.find((p) => p.arn === source.Arn);
      expect(principal?.managedPolicyArns).toEqual(source.AttachedManagedPolicies.map((m) => m.PolicyArn));
      expect(principal?.permissionsBoundaryArn).toBe(source.PermissionsBoundary?.PermissionsBoundaryArn);
      expect(principal?.serviceLinked).toBe(source.Path.startsWith('/aws-service-role/'));
    }
    for (const role of snapshot.principals.filter((p) => p.kind === 'role')) {
      expect(typeof role.trustPolicy).toBe('object');
    }
  });

  it('records no problems for a complete, well-formed file', () => {
    expect(snapshot.problems).toEqual([]);
  });
});

describe('parseAuthorizationDetails', () => {
  it('decodes the SDK raw form (URL-encoded documents) to the same snapshot as the CLI form', () => {
    const encoded = JSON.parse(JSON.stringify(raw));
    for (const role of encoded.RoleDetailList) {
      role.AssumeRolePolicyDocument = encodeURIComponent(JSON.stringify(role.AssumeRolePolicyDocument));
      for (const p of role.RolePolicyList) p.PolicyDocument = encodeURIComponent(JSON.stringify(p.PolicyDocument));
    }
    for (const policy of encoded.Policies) {
      for (const v of policy.PolicyVersionList) v.Document = encodeURIComponent(JSON.stringify(v.Document));
    }
    expect(parseAuthorizationDetails(encoded, 'sdk.json')).toEqual({
      ...parseAuthorizationDetails(raw, 'sdk.json'),
    });
  });

  it('refuses a URL-encoded document nested deeper than the limit (the file-level check never saw the decoded text)', () => {
    const input = minimal();
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    input.RoleDetailList[0].RolePolicyList.push({
      PolicyName: 'deep',
      PolicyDocument: encodeURIComponent(deep) as never,
    });
    const snapshot = parseAuthorizationDetails(input, 'authz.json');
    expect(snapshot.problems).toEqual([
      expect.objectContaining({
        where: 'authz.json: RoleDetailList[0].RolePolicyList[1].PolicyDocument',
        message: expect.stringContaining('nested more than 256 levels deep'),
      }),
    ]);
  });

  it('keeps going when one policy document cannot be decoded, and says where', () => {
    const input = minimal();
    input.RoleDetailList[0].RolePolicyList.push({
      PolicyName: 'broken',
      PolicyDocument: '%7B%22Version%22%3A' as never,
    });
    const snapshot = parseAuthorizationDetails(input, 'authz.json');
    expect(snapshot.principals).toHaveLength(1);
    expect(snapshot.principals[0].inlinePolicies.map((p) => p.name)).toEqual(['one', 'broken']);
    expect(snapshot.problems).toEqual([
      expect.objectContaining({ where: 'authz.json: RoleDetailList[0].RolePolicyList[1].PolicyDocument' }),
    ]);
  });

  it('takes the default version of a managed policy', () => {
    const input = minimal({
      Policies: [
        {
          PolicyName: 'p',
          Arn: 'arn:aws:iam::111122223333:policy/p',
          DefaultVersionId: 'v2',
          PolicyVersionList: [
            { VersionId: 'v1', IsDefaultVersion: false, Document: { Version: '2012-10-17', Statement: [] } },
            {
              VersionId: 'v2',
              IsDefaultVersion: true,
              Document: { Version: '2012-10-17', Statement: [{ Sid: 'current' }] },
            },
          ],
        },
      ],
    });
    const [policy] = parseAuthorizationDetails(input, 'authz.json').managedPolicies;
    expect(policy.document).toEqual({ Version: '2012-10-17', Statement: [{ Sid: 'current' }] });
  });

  it('reads role tags, the account id from ARNs and the service-linked path', () => {
    const input = minimal();
    input.RoleDetailList[0].Path = '/aws-service-role/rds.amazonaws.com/';
    input.RoleDetailList[0].Arn = 'arn:aws:iam::111122223333:role/aws-service-role/rds.amazonaws.com/app';
    const snapshot = parseAuthorizationDetails(input, 'authz.json');
    expect(snapshot.accountId).toBe('111122223333');
    expect(snapshot.principals[0]).toMatchObject({ tags: { environment: 'production' }, serviceLinked: true });
    expect(snapshot.problems).toEqual([]);
  });

  it('takes a role for service-linked only when its ARN says so, and notes a Path that disagrees', () => {
    const input = minimal();
    input.RoleDetailList[0].Path = '/aws-service-role/rds.amazonaws.com/';
    const snapshot = parseAuthorizationDetails(input, 'authz.json');
    expect(snapshot.principals[0].serviceLinked).toBe(false);
    expect(snapshot.problems).toEqual([
      expect.objectContaining({
        where: 'authz.json: RoleDetailList[0].Path',
        message: expect.stringMatching(/disagree/),
      }),
    ]);
  });

  it('notes attached policies missing from the Policies list that the bundled AWS managed policies do not answer', () => {
    const input = minimal();
    input.RoleDetailList[0].AttachedManagedPolicies = [
      { PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' } as never,
      { PolicyArn: 'arn:aws:iam::123456789012:policy/own' } as never,
    ];
    const snapshot = parseAuthorizationDetails(input, 'authz.json');
    expect(snapshot.problems.map((p) => p.message)).toEqual([
      "attached managed policy arn:aws:iam::123456789012:policy/own is not in the file's Policies list; its permissions are unknown",
    ]);
    expect(snapshot.managedPolicies.map((p) => [p.arn, p.bundled !== undefined])).toEqual([
      ['arn:aws:iam::aws:policy/ReadOnlyAccess', true],
    ]);
  });

  it('names every list a filtered export leaves out (absent or null), and none that is only empty', () => {
    // `--filter Role`: the users, groups and customer managed policies are not in the file at all.
    const { UserDetailList: _users, GroupDetailList: _groups, Policies: _policies, ...rolesOnly } = minimal();
    const filtered = parseAuthorizationDetails({ ...rolesOnly, GroupDetailList: null }, 'roles.json');
    expect(filtered.problems.map((p) => p.where)).toEqual([
      'roles.json: UserDetailList',
      'roles.json: GroupDetailList',
      'roles.json: Policies',
    ]);
    expect(filtered.problems[0].message).toMatch(/^absent: the file lists no users, so no user was audited/);
    expect(filtered.principals.map((p) => p.arn)).toEqual(['arn:aws:iam::111122223333:role/app']);
    // Empty lists: an account with no users, groups or policies, which is no problem.
    expect(parseAuthorizationDetails(minimal(), 'all.json').problems).toEqual([]);
  });

  it.each([
    ['a role without Arn', minimal({ RoleDetailList: [{ RoleName: 'x' }] }), 'RoleDetailList[0].Arn'],
    ['a list that is not a list', minimal({ UserDetailList: {} }), 'UserDetailList'],
    [
      'a version list entry of the wrong type',
      minimal({ Policies: [{ PolicyName: 'p', Arn: 'a', PolicyVersionList: [5] }] }),
      'Policies[0].PolicyVersionList[0]',
    ],
  ])('rejects %s, naming the file and the JSON path', (_name, input, path) => {
    expect(() => parseAuthorizationDetails(input, 'authz.json')).toThrow(InputError);
    expect(() => parseAuthorizationDetails(input, 'authz.json')).toThrow(
      new RegExp(`authz\\.json: ${path.replace(/[[\].]/g, '\\$&')}`),
    );
  });

  it('refuses a file with no account id anywhere', () => {
    expect(() => parseAuthorizationDetails({ RoleDetailList: [] }, 'empty.json')).toThrow(
      /empty\.json: cannot tell the account id/,
    );
  });
});

describe('keys an entry does not know', () => {
  const ADMIN = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  const role = (extra: object) => ({
    Path: '/',
    RoleName: 'app',
    Arn: 'arn:aws:iam::111122223333:role/app',
    AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] },
    AttachedManagedPolicies: [],
    ...extra,
  });
  const parsed = (roles: object[], users: object[] = []) =>
    parseAuthorizationDetails(
      { UserDetailList: users, GroupDetailList: [], RoleDetailList: roles, Policies: [] },
      'typo.json',
    );

  it('reads a lookalike of an absent policy list as the principal’s policies, unknown unless they can be read', () => {
    const snapshot = parsed([role({ RolePolicyLst: [{ PolicyName: 'admin', PolicyDocument: ADMIN }] })]);
    expect(snapshot.problems).toContainEqual({
      where: 'typo.json: RoleDetailList[0].RolePolicyLst',
      message: expect.stringMatching(
        /^unknown key "RolePolicyLst"; did you mean "RolePolicyList"\? RolePolicyList is absent/,
      ),
    });
    // Kept as a policy of the role: one that cannot be read, whose grants the audit takes at their worst.
    expect(snapshot.principals[0].inlinePolicies).toEqual([
      { name: 'RolePolicyLst (an unknown key)', document: [{ PolicyName: 'admin', PolicyDocument: ADMIN }] },
    ]);
    // The audit takes the unread policy at its worst: the role could delete production.
    const findings = auditAccount(snapshot, { catalog: loadCatalog(), config: LeashConfig.parse({}) }).findings;
    expect(findings.find((f) => f.ruleId === 'unreadable-policy')?.severity).toBe('critical');
    // A user's groups under a misspelt key: the same.
    const user = {
      Path: '/',
      UserName: 'u',
      Arn: 'arn:aws:iam::111122223333:user/u',
      UserPolicyList: [],
      AttachedManagedPolicies: [],
      grouplist: ['admins'],
    };
    expect(parsed([], [user]).principals[0].inlinePolicies.map((p) => p.name)).toEqual(['grouplist (an unknown key)']);
  });

  it('counts any other unknown key once per key, and keeps a lookalike beside the real list as just unknown', () => {
    const snapshot = parsed([
      role({ RolePolicyList: [], RolePolicyLst: [], NewAwsField: 1 }),
      role({ RoleName: 'b', Arn: 'arn:aws:iam::111122223333:role/b', RolePolicyList: [], NewAwsField: 2 }),
    ]);
    expect(snapshot.principals.flatMap((p) => p.inlinePolicies)).toEqual([]);
    expect(snapshot.problems.map((p) => `${p.where}: ${p.message}`)).toEqual([
      'typo.json: RoleDetailList[0].RolePolicyLst: unknown key "RolePolicyLst" (did you mean "RolePolicyList"?) in 1 entry of RoleDetailList: not read',
      'typo.json: RoleDetailList[0].NewAwsField: unknown key "NewAwsField" in 2 entries of RoleDetailList: not read',
    ]);
  });

  it('finds no unknown key in a real export', () => {
    expect(
      parseAuthorizationDetails(raw, 'cloudsplaining.json').problems.filter((p) => /unknown key/.test(p.message)),
    ).toEqual([]);
  });
});
