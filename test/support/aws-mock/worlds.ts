// Ready-made fake worlds: a small organization whose every detail tests can assert, and a synthetic large one
// for the benchmark.
import {
  FULL_AWS_ACCESS,
  type MockAccount,
  type MockCompute,
  type MockIam,
  type MockOrgPolicy,
  type MockWorld,
  type PolicyDocument,
} from './model';

export const MANAGEMENT = '111111111111';
export const PROD = '222222222222';
export const DEV = '333333333333';
/** Has no leash-audit role: AssumeRole is denied. */
export const LEGACY = '444444444444';
export const SUSPENDED = '555555555555';
/** Not in any organization. */
export const STANDALONE = '999999999999';

const TRUST_ACCOUNT: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:root` }, Action: 'sts:AssumeRole' }],
};

export const DENY_PROD_DELETES: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyProdDeletes',
      Effect: 'Deny',
      Action: ['rds:DeleteDBInstance', 'dynamodb:DeleteTable'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:ResourceTag/env': 'prod' } },
    },
  ],
};

export const RCP_DENY_EXTERNAL: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: '*',
      Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-exampleorg1' } },
    },
  ],
};

const RCP_FULL_AWS_ACCESS: MockOrgPolicy = {
  id: 'p-RCPFullAWSAccess',
  name: 'RCPFullAWSAccess',
  type: 'RESOURCE_CONTROL_POLICY',
  awsManaged: true,
  content: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] },
  targets: [],
};

/** An account with a user in a group, a deployer role with a boundary, and a service-linked role. */
export function accountIam(accountId: string, extraRoles = 0): MockIam {
  return {
    users: [
      {
        name: 'alice',
        groups: ['admins'],
        inline: {
          'read-logs': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:Get*', Resource: '*' }] },
        },
        tags: { team: 'platform' },
      },
    ],
    groups: [{ name: 'admins', attached: ['arn:aws:iam::aws:policy/AdministratorAccess'] }],
    roles: [
      {
        name: 'deployer',
        path: '/ci/',
        trust: TRUST_ACCOUNT,
        attached: [`arn:aws:iam::${accountId}:policy/deploy`],
        boundary: `arn:aws:iam::${accountId}:policy/agent-boundary`,
        tags: { 'leash:agent': 'true' },
      },
      {
        name: 'AWSServiceRoleForSupport',
        path: '/aws-service-role/support.amazonaws.com/',
        trust: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'support.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        attached: ['arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy'],
      },
      ...Array.from({ length: extraRoles }, (_, index) => ({
        name: `app-${index}`,
        trust: TRUST_ACCOUNT,
        inline: {
          'app-data': {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
                Resource: `arn:aws:dynamodb:us-east-1:${accountId}:table/app-${index}`,
              },
              {
                Effect: 'Allow',
                Action: ['s3:GetObject', 's3:PutObject'],
                Resource: `arn:aws:s3:::app-${index}-${accountId}/*`,
              },
            ],
          },
        },
        tags: { env: index % 2 === 0 ? 'prod' : 'dev' },
      })),
    ],
    policies: [
      {
        arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
        name: 'AdministratorAccess',
        document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
      },
      {
        arn: 'arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy',
        name: 'AWSSupportServiceRolePolicy',
        path: '/aws-service-role/',
        document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'support:*', Resource: '*' }] },
      },
      {
        name: 'deploy',
        document: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['cloudformation:*', 'rds:*'], Resource: '*' }],
        },
      },
      {
        name: 'agent-boundary',
        document: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: '*', Resource: '*' },
            { Effect: 'Deny', Action: 'rds:Delete*', Resource: '*' },
          ],
        },
      },
    ],
  };
}

/** A role of `iam` put into an instance profile. */
export function withInstanceProfile(iam: MockIam, roleName: string, profile: string): MockIam {
  return {
    ...iam,
    roles: (iam.roles ?? []).map((role) =>
      role.name === roleName ? { ...role, instanceProfiles: [...(role.instanceProfiles ?? []), profile] } : role,
    ),
  };
}

/**
 * PROD's compute: a function running as app-0 (eu-west-1), an instance with app-1's profile (us-east-1), and in
 * us-east-1 two running tasks of cluster `web` (one with exec and the definition's role app-0, one whose task
 * role is overridden to deployer); stacks `payments` (eu-west-1, service role deployer), `web` (us-east-1, none)
 * and `search` (us-east-1, service role app-1).
 */
export const PROD_COMPUTE: MockCompute = {
  regions: ['eu-west-1', 'us-east-1'],
  functions: [{ name: 'orders', region: 'eu-west-1', role: `arn:aws:iam::${PROD}:role/app-0` }],
  keys: [{ id: '1234abcd-0000-0000-0000-000000000001', region: 'eu-west-1' }],
  buckets: [
    { name: 'prod-orders', region: 'us-east-1', policy: { Version: '2012-10-17', Statement: [] } },
    { name: 'prod-logs', region: 'eu-west-1' },
  ],
  queues: [
    { name: 'orders', region: 'eu-west-1', policy: { Version: '2012-10-17', Statement: [] } },
    { name: 'events', region: 'us-east-1' },
  ],
  topics: [{ name: 'alerts', region: 'us-east-1', policy: { Version: '2012-10-17', Statement: [] } }],
  secrets: [
    { name: 'db-password', region: 'eu-west-1' },
    { name: 'api-key', region: 'eu-west-1', policy: { Version: '2012-10-17', Statement: [] } },
  ],
  instances: [{ id: 'i-0prod0000000001', region: 'us-east-1', instanceProfile: 'app-1-profile' }],
  stacks: [
    { name: 'payments', region: 'eu-west-1', role: `arn:aws:iam::${PROD}:role/ci/deployer` },
    { name: 'web', region: 'us-east-1' },
    { name: 'search', region: 'us-east-1', role: `arn:aws:iam::${PROD}:role/app-1` },
  ],
  projects: [
    { name: 'build-a', region: 'eu-west-1', role: `arn:aws:iam::${PROD}:role/ci/deployer` },
    { name: 'build-b', region: 'eu-west-1', role: `arn:aws:iam::${PROD}:role/app-0` },
    { name: 'build-c', region: 'eu-west-1' },
  ],
  glueJobs: [{ name: 'etl', region: 'us-east-1', role: 'app-1' }],
  stateMachines: [
    { name: 'orders-flow', region: 'eu-west-1', role: `arn:aws:iam::${PROD}:role/app-0` },
    { name: 'quick', region: 'eu-west-1', role: `arn:aws:iam::${PROD}:role/app-1`, express: true },
  ],
  pipelines: [{ name: 'release', region: 'us-east-1', role: `arn:aws:iam::${PROD}:role/ci/deployer` }],
  notebooks: [{ name: 'research', region: 'eu-west-1', role: `arn:aws:iam::${PROD}:role/app-1` }],
  jobDefinitions: [
    { name: 'nightly', region: 'us-east-1', jobRole: `arn:aws:iam::${PROD}:role/app-0` },
    {
      name: 'mpi',
      region: 'us-east-1',
      nodeRoles: [`arn:aws:iam::${PROD}:role/app-1`, `arn:aws:iam::${PROD}:role/app-0`],
    },
  ],
  taskDefinitions: [{ name: 'web:3', region: 'us-east-1', taskRole: `arn:aws:iam::${PROD}:role/app-0` }],
  tasks: [
    { id: 'task0001', region: 'us-east-1', cluster: 'web', taskDefinition: 'web:3', exec: true },
    {
      id: 'task0002',
      region: 'us-east-1',
      cluster: 'web',
      taskDefinition: 'web:3',
      taskRoleOverride: `arn:aws:iam::${PROD}:role/ci/deployer`,
    },
  ],
};

/**
 * Root r-root1 (SCPs and RCPs enabled) → OU Workloads → OU Prod (PROD) and DEV directly under Workloads;
 * MANAGEMENT, LEGACY and SUSPENDED under the root. deny-prod-deletes is attached to Prod, FullAWSAccess to every
 * level, an RCP at the root.
 */
export function smallOrganization(): MockWorld {
  const accounts: MockAccount[] = [
    { id: MANAGEMENT, name: 'management', parentId: 'r-root1', iam: accountIam(MANAGEMENT) },
    {
      id: PROD,
      name: 'prod',
      parentId: 'ou-root1-prod',
      iam: withInstanceProfile(accountIam(PROD, 2), 'app-1', 'app-1-profile'),
      compute: PROD_COMPUTE,
    },
    { id: DEV, name: 'dev', parentId: 'ou-root1-work', iam: accountIam(DEV, 1) },
    { id: LEGACY, name: 'legacy', parentId: 'r-root1', iam: accountIam(LEGACY), assumableRoles: [] },
    { id: SUSPENDED, name: 'closed', parentId: 'r-root1', status: 'SUSPENDED', iam: accountIam(SUSPENDED) },
    { id: STANDALONE, name: 'standalone', iam: accountIam(STANDALONE) },
  ];
  return {
    accounts,
    organization: {
      id: 'o-exampleorg1',
      managementAccountId: MANAGEMENT,
      root: { id: 'r-root1', name: 'Root', policyTypes: ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'] },
      ous: [
        { id: 'ou-root1-work', name: 'Workloads', parentId: 'r-root1' },
        { id: 'ou-root1-prod', name: 'Prod', parentId: 'ou-root1-work' },
      ],
      policies: [
        {
          ...FULL_AWS_ACCESS,
          targets: ['r-root1', 'ou-root1-work', 'ou-root1-prod', MANAGEMENT, PROD, DEV, LEGACY, SUSPENDED],
        },
        {
          id: 'p-denyprod1',
          name: 'deny-prod-deletes',
          type: 'SERVICE_CONTROL_POLICY',
          content: DENY_PROD_DELETES,
          targets: ['ou-root1-prod'],
        },
        {
          id: 'p-RCPFullAWSAccess',
          name: 'RCPFullAWSAccess',
          type: 'RESOURCE_CONTROL_POLICY',
          awsManaged: true,
          content: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
          },
          targets: ['r-root1', 'ou-root1-work', 'ou-root1-prod', MANAGEMENT, PROD, DEV, LEGACY, SUSPENDED],
        },
        {
          id: 'p-rcpext01',
          name: 'deny-external-s3',
          type: 'RESOURCE_CONTROL_POLICY',
          content: RCP_DENY_EXTERNAL,
          targets: ['r-root1'],
        },
      ],
    },
  };
}

/**
 * `accountCount` accounts spread over `ouCount` OUs two levels deep, each with `rolesPerAccount` extra roles;
 * every OU gets its own SCP, so the policy cache has real work.
 */
export function syntheticOrganization(
  accountCount: number,
  options: { ouCount?: number; rolesPerAccount?: number } = {},
): MockWorld {
  const ouCount = options.ouCount ?? 20;
  const management = '100000000000';
  const ous = Array.from({ length: ouCount }, (_, index) => ({
    id: `ou-root-${String(index).padStart(8, '0')}`,
    name: `ou-${index}`,
    // Half the OUs sit under the root, the other half one level below.
    parentId: index < ouCount / 2 ? 'r-root' : `ou-root-${String(index - Math.floor(ouCount / 2)).padStart(8, '0')}`,
  }));
  const accounts: MockAccount[] = [
    { id: management, name: 'management', parentId: 'r-root', iam: accountIam(management) },
  ];
  for (let index = 1; index < accountCount; index++) {
    const id = String(100000000000 + index);
    accounts.push({
      id,
      name: `account-${index}`,
      parentId: ous[index % ouCount].id,
      iam: accountIam(id, options.rolesPerAccount ?? 20),
    });
  }
  const allTargets = ['r-root', ...ous.map((ou) => ou.id), ...accounts.map((account) => account.id)];
  return {
    accounts,
    organization: {
      id: 'o-synthetic01',
      managementAccountId: management,
      root: { id: 'r-root', name: 'Root', policyTypes: ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'] },
      ous,
      policies: [
        { ...FULL_AWS_ACCESS, targets: allTargets },
        { ...RCP_FULL_AWS_ACCESS, targets: allTargets },
        ...ous.map((ou, index) => ({
          id: `p-ouscp${String(index).padStart(4, '0')}`,
          name: `guardrail-${ou.name}`,
          type: 'SERVICE_CONTROL_POLICY' as const,
          content: DENY_PROD_DELETES,
          targets: [ou.id],
        })),
        {
          id: 'p-rcpext01',
          name: 'deny-external-s3',
          type: 'RESOURCE_CONTROL_POLICY',
          content: RCP_DENY_EXTERNAL,
          targets: ['r-root'],
        },
      ],
    },
  };
}
