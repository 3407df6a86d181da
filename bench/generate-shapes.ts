// Accounts shaped the way attribute-based access control (ABAC) shapes them: every role (or user) may reach the
// principals, groups or policies of its own team, by their tag or by their name prefix: through sts:AssumeRole,
// iam:PassRole, a trust rewrite, a policy write, a new policy version, access keys or joining groups. Each caller
// then reaches a third of the account, so anything the audit does per caller and target grows with the square of
// the principals: these are the accounts that show it (bench/account-shapes.ts). One more, trust-chain, has roles
// that trust each other by ARN in a chain, whose shortest paths grow with the account. Every principal holds an
// inline policy of its own, as CDK and Terraform write them, so no two share a policy.

/** How a role reaches its team's roles. */
export const SHAPES = {
  'assume-by-tag': 'sts:AssumeRole on roles tagged with its team, every role trusting the account',
  'assume-by-name': 'sts:AssumeRole on role/team-<team>-*, every role trusting the account',
  'pass-by-name': 'iam:PassRole on role/team-<team>-* to a Lambda function it creates and invokes',
  'pass-by-tag': 'iam:PassRole on roles tagged with its team to an EC2 instance it runs (roles in instance profiles)',
  'trust-rewrite-by-name': 'iam:UpdateAssumeRolePolicy and sts:AssumeRole on role/team-<team>-*',
  'trust-everyone-by-tag': "no sts grant of its own: every trust names everyone tagged with the role's team",
  'trust-account-by-tag': "sts:AssumeRole on *: every trust names the account, for callers tagged with the role's team",
  'policy-write-by-name': 'iam:PutRolePolicy and sts:AssumeRole on role/team-<team>-*, every role trusting the account',
  'policy-version-by-name':
    'iam:CreatePolicyVersion on policy/team-<team>-*: every role holds a managed policy of its team (one per 10 roles)',
  'trust-chain':
    'sts:AssumeRole on *: every trust names the five roles after it by ARN, so shortest paths run hundreds of hops',
  'unreadable-everywhere':
    'sts:AssumeRole on role/team-<team>-*, every policy with a statement that cannot be read (a misspelt operator)',
  'keys-by-name': 'users, with iam:CreateAccessKey on user/team-<team>-*',
  'groups-by-name':
    'users, each in its team groups, with iam:AddUserToGroup on group/team-<team>-* (a group per 10 users)',
} as const;

/** The shapes whose principals are users (the others' are roles). */
const USER_SHAPES: ReadonlySet<Shape> = new Set<Shape>(['keys-by-name', 'groups-by-name']);

export type Shape = keyof typeof SHAPES;

const TEAMS = ['payments', 'search', 'platform'];
const DATE = '2025-06-01T12:00:00+00:00';
const doc = (Statement: unknown[]) => ({ Version: '2012-10-17', Statement });
const trustOf = (principal: Record<string, string>) =>
  doc([{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }]);

/** A `get-account-authorization-details` document of `roles` roles in three teams, reaching each other as `shape` says. */
export function generateShape(shape: Shape, roles: number, accountId = '123456789012'): Record<string, unknown> {
  if (USER_SHAPES.has(shape)) return generateUserShape(shape, roles, accountId);
  const roleArn = (name: string) => `arn:aws:iam::${accountId}:role/${name}`;
  // policy-version-by-name: a managed policy per 10 roles, policy p of team p mod 3; a role holds one of its team's.
  const policyCount = Math.max(TEAMS.length, Math.ceil(roles / 10));
  const policyName = (p: number) => `team-${TEAMS[p % TEAMS.length]}-policy-${p}`;
  const teamPolicy = (i: number) => {
    const t = i % TEAMS.length;
    const ofTeam = Math.floor((policyCount - 1 - t) / TEAMS.length) + 1;
    const name = policyName(t + TEAMS.length * (Math.floor(i / TEAMS.length) % ofTeam));
    return { PolicyName: name, PolicyArn: `arn:aws:iam::${accountId}:policy/${name}` };
  };
  const RoleDetailList = Array.from({ length: roles }, (_, i) => {
    const team = TEAMS[i % TEAMS.length];
    const name = `team-${team}-svc-${i}`;
    const byTag = { StringEquals: { 'aws:ResourceTag/team': team } };
    const teamRoles = roleArn(`team-${team}-*`);
    const reach: Record<Shape, unknown[]> = {
      'assume-by-tag': [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*', Condition: byTag }],
      'assume-by-name': [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: teamRoles }],
      'pass-by-name': [
        { Effect: 'Allow', Action: 'iam:PassRole', Resource: teamRoles },
        { Effect: 'Allow', Action: ['lambda:CreateFunction', 'lambda:InvokeFunction'], Resource: '*' },
      ],
      'pass-by-tag': [
        { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: byTag },
        { Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' },
      ],
      'trust-rewrite-by-name': [
        { Effect: 'Allow', Action: ['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole'], Resource: teamRoles },
      ],
      'trust-everyone-by-tag': [],
      'trust-account-by-tag': [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
      'policy-write-by-name': [
        { Effect: 'Allow', Action: ['iam:PutRolePolicy', 'sts:AssumeRole'], Resource: teamRoles },
      ],
      'policy-version-by-name': [
        {
          Effect: 'Allow',
          Action: 'iam:CreatePolicyVersion',
          Resource: `arn:aws:iam::${accountId}:policy/team-${team}-*`,
        },
      ],
      'trust-chain': [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
      'unreadable-everywhere': [
        { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: teamRoles },
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: '*',
          Condition: { StringEqualz: { 'aws:ResourceTag/team': team } },
        },
      ],
      'keys-by-name': [],
      'groups-by-name': [],
    };
    // trust-chain: role i trusts roles i+1, i+2, i+3, i+5 and i+8 (wrapping), whatever their team.
    const chained = [1, 2, 3, 5, 8].map((k) => {
      const j = (i + k) % roles;
      return roleArn(`team-${TEAMS[j % TEAMS.length]}-svc-${j}`);
    });
    const trust =
      shape === 'trust-chain'
        ? doc([{ Effect: 'Allow', Principal: { AWS: chained }, Action: 'sts:AssumeRole' }])
        : shape === 'pass-by-name'
          ? trustOf({ Service: 'lambda.amazonaws.com' })
          : shape === 'pass-by-tag'
            ? trustOf({ Service: 'ec2.amazonaws.com' })
            : shape === 'trust-everyone-by-tag' || shape === 'trust-account-by-tag'
              ? doc([
                  {
                    Effect: 'Allow',
                    Principal: { AWS: shape === 'trust-everyone-by-tag' ? '*' : `arn:aws:iam::${accountId}:root` },
                    Action: 'sts:AssumeRole',
                    Condition: { StringEquals: { 'aws:PrincipalTag/team': team } },
                  },
                ])
              : trustOf({ AWS: `arn:aws:iam::${accountId}:root` });
    // The first role of each team may delete databases: what the others reach it for.
    const admin = i < TEAMS.length ? [{ Effect: 'Allow', Action: 'rds:Delete*', Resource: '*' }] : [];
    return {
      Path: '/',
      RoleName: name,
      RoleId: `AROA${i.toString(36).toUpperCase().padStart(17, '0')}`,
      Arn: roleArn(name),
      CreateDate: DATE,
      AssumeRolePolicyDocument: trust,
      InstanceProfileList:
        shape === 'pass-by-tag'
          ? [
              {
                Path: '/',
                InstanceProfileName: name,
                InstanceProfileId: `AIPA${i.toString(36).toUpperCase().padStart(17, '0')}`,
                Arn: `arn:aws:iam::${accountId}:instance-profile/${name}`,
                CreateDate: DATE,
                Roles: [],
              },
            ]
          : [],
      RolePolicyList: [
        {
          PolicyName: `${name}DefaultPolicy`,
          PolicyDocument: doc([
            ...reach[shape],
            ...admin,
            { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${name}-data/*` },
          ]),
        },
      ],
      AttachedManagedPolicies: shape === 'policy-version-by-name' ? [teamPolicy(i)] : [],
      Tags: [
        { Key: 'team', Value: team },
        { Key: 'environment', Value: i % 2 ? 'production' : 'dev' },
      ],
      RoleLastUsed: {},
    };
  });
  const Policies =
    shape === 'policy-version-by-name'
      ? Array.from({ length: policyCount }, (_, p) =>
          managedPolicy(policyName(p), accountId, roles, [
            { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:*:${accountId}:${policyName(p)}` },
          ]),
        )
      : [];
  return { UserDetailList: [], GroupDetailList: [], RoleDetailList, Policies };
}

/**
 * Users in three teams: with `keys-by-name` each may make access keys for its team's users, whose first may delete
 * databases; with `groups-by-name` each is in one of its team's groups and may add itself to any of them, whose
 * first grants the deletes (every group holds a managed policy and an inline one of its own).
 */
function generateUserShape(shape: Shape, users: number, accountId: string): Record<string, unknown> {
  const arn = (kind: string, name: string) => `arn:aws:iam::${accountId}:${kind}/${name}`;
  const groupCount = shape === 'groups-by-name' ? Math.max(TEAMS.length, Math.ceil(users / 10)) : 0;
  const groupName = (g: number) => `team-${TEAMS[g % TEAMS.length]}-group-${g}`;
  const GroupDetailList = Array.from({ length: groupCount }, (_, g) => ({
    Path: '/',
    GroupName: groupName(g),
    GroupId: `AGPA${g.toString(36).toUpperCase().padStart(17, '0')}`,
    Arn: arn('group', groupName(g)),
    CreateDate: DATE,
    GroupPolicyList: [
      {
        PolicyName: `${groupName(g)}-inline`,
        PolicyDocument: doc([
          ...(g < TEAMS.length ? [{ Effect: 'Allow', Action: 'rds:Delete*', Resource: '*' }] : []),
          { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:*:${accountId}:${groupName(g)}` },
        ]),
      },
    ],
    AttachedManagedPolicies: [{ PolicyName: 'team-read', PolicyArn: arn('policy', 'team-read') }],
  }));
  const UserDetailList = Array.from({ length: users }, (_, i) => {
    const team = TEAMS[i % TEAMS.length];
    const name = `team-${team}-user-${i}`;
    const reach =
      shape === 'keys-by-name'
        ? [{ Effect: 'Allow', Action: 'iam:CreateAccessKey', Resource: arn('user', `team-${team}-*`) }]
        : [{ Effect: 'Allow', Action: 'iam:AddUserToGroup', Resource: arn('group', `team-${team}-*`) }];
    const admin =
      shape === 'keys-by-name' && i < TEAMS.length ? [{ Effect: 'Allow', Action: 'rds:Delete*', Resource: '*' }] : [];
    // One of its team's groups other than the first (the one that grants the deletes): groups t, t + 3, t + 6, ...
    // are team t's.
    const t = i % TEAMS.length;
    const others = Math.floor((groupCount - 1 - t) / TEAMS.length);
    const own = others > 0 ? [groupName(t + TEAMS.length * (1 + (Math.floor(i / TEAMS.length) % others)))] : [];
    return {
      Path: '/',
      UserName: name,
      UserId: `AIDA${i.toString(36).toUpperCase().padStart(17, '0')}`,
      Arn: arn('user', name),
      CreateDate: DATE,
      UserPolicyList: [
        {
          PolicyName: `${name}-policy`,
          PolicyDocument: doc([
            ...reach,
            ...admin,
            { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${name}-data/*` },
          ]),
        },
      ],
      GroupList: own,
      AttachedManagedPolicies: [],
      Tags: [{ Key: 'team', Value: team }],
    };
  });
  const Policies = [
    managedPolicy('team-read', accountId, groupCount, [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*' }]),
  ];
  return { UserDetailList, GroupDetailList, RoleDetailList: [], Policies };
}

/** A customer managed policy as the file lists it, with its one (default) version. */
function managedPolicy(name: string, accountId: string, attachments: number, statements: unknown[]): unknown {
  return {
    PolicyName: name,
    PolicyId: `ANPA${name
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .slice(-17)
      .padStart(17, '0')}`,
    Arn: `arn:aws:iam::${accountId}:policy/${name}`,
    Path: '/',
    DefaultVersionId: 'v1',
    AttachmentCount: attachments,
    IsAttachable: true,
    CreateDate: DATE,
    UpdateDate: DATE,
    PolicyVersionList: [{ Document: doc(statements), VersionId: 'v1', IsDefaultVersion: true, CreateDate: DATE }],
  };
}
