// A generator of large, realistic `get-account-authorization-details` files for the audit benchmark: roles
// made the way CDK and Terraform make them (a per-role inline policy naming its own resources, a few
// shared customer managed policies, some AWS managed ones, trust policies of every common kind), built from
// real catalog actions with a seeded random generator so every run is the same account.
import type { Catalog, CatalogAction } from '../lib/catalog/types';

export interface GenerateAccountOptions {
  /** @default 10000 */
  readonly roles?: number;
  /** @default 2000 */
  readonly customerManagedPolicies?: number;
  /** @default 150 */
  readonly awsManagedPolicies?: number;
  /** @default 500 */
  readonly users?: number;
  /** @default 1 */
  readonly seed?: number;
  /** @default '123456789012' */
  readonly accountId?: string;
}

/** Mulberry32: small, fast, good enough to pick fixtures reproducibly. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMON_SERVICES = [
  's3',
  'dynamodb',
  'lambda',
  'sqs',
  'sns',
  'logs',
  'cloudwatch',
  'ec2',
  'ecs',
  'ecr',
  'rds',
  'kms',
  'secretsmanager',
  'ssm',
  'states',
  'events',
  'apigateway',
  'cloudformation',
  'iam',
  'sts',
  'xray',
  'kinesis',
  'firehose',
  'glue',
  'athena',
  'elasticloadbalancing',
  'autoscaling',
  'route53',
  'acm',
  'cognito-idp',
];

const DATE = '2025-06-01T12:00:00+00:00';
const doc = (Statement: unknown[]) => ({ Version: '2012-10-17', Statement });

export function generateAccount(catalog: Catalog, options: GenerateAccountOptions = {}): Record<string, unknown> {
  const roles = options.roles ?? 10000;
  const customer = options.customerManagedPolicies ?? 2000;
  const awsManaged = options.awsManagedPolicies ?? 150;
  const userCount = options.users ?? 500;
  const account = options.accountId ?? '123456789012';
  const rand = random(options.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];
  const services = COMMON_SERVICES.filter((s) => catalog.hasService(s));
  const byService = new Map(services.map((s) => [s, catalog.serviceActions(s)]));
  const allServices = catalog.services;

  const actionsOf = (service: string, n: number, level?: CatalogAction['accessLevel']): string[] => {
    const pool = (byService.get(service) ?? catalog.serviceActions(service)).filter(
      (a) => !level || a.accessLevel === level,
    );
    const out = new Set<string>();
    for (let i = 0; i < n && pool.length > 0; i++) out.add(pick(pool).action);
    return [...out];
  };
  const resourceFor = (service: string, name: string): string => {
    switch (service) {
      case 's3':
        return `arn:aws:s3:::${name}/*`;
      case 'dynamodb':
        return `arn:aws:dynamodb:eu-west-1:${account}:table/${name}`;
      case 'sqs':
        return `arn:aws:sqs:eu-west-1:${account}:${name}`;
      case 'lambda':
        return `arn:aws:lambda:eu-west-1:${account}:function:${name}`;
      case 'logs':
        return `arn:aws:logs:eu-west-1:${account}:log-group:/aws/lambda/${name}:*`;
      default:
        return `arn:aws:${service}:eu-west-1:${account}:*${name}*`;
    }
  };
  const statement = (name: string): Record<string, unknown> => {
    const service = pick(services);
    const shape = rand();
    if (shape < 0.15) return { Effect: 'Allow', Action: `${service}:*`, Resource: '*' };
    if (shape < 0.3)
      return {
        Effect: 'Allow',
        Action: [`${service}:Get*`, `${service}:List*`, `${service}:Describe*`],
        Resource: '*',
      };
    if (shape < 0.4) {
      return {
        Effect: 'Allow',
        Action: actionsOf(service, 4, 'Write'),
        Resource: '*',
        Condition: { StringEquals: { 'aws:ResourceTag/team': pick(['payments', 'search', 'platform', 'data']) } },
      };
    }
    if (shape < 0.45) {
      return {
        Effect: 'Deny',
        Action: actionsOf(service, 3, 'Write'),
        Resource: '*',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
      };
    }
    return {
      Effect: 'Allow',
      Action: actionsOf(service, 2 + Math.floor(rand() * 8)),
      Resource: [resourceFor(service, name), resourceFor(service, `${name}-dlq`)],
    };
  };

  const policies: Record<string, unknown>[] = [];
  const managedPolicy = (arn: string, name: string, document: unknown, path = '/') => {
    policies.push({
      PolicyName: name,
      PolicyId: `ANPA${policies.length.toString(36).toUpperCase().padStart(17, '0')}`,
      Arn: arn,
      Path: path,
      DefaultVersionId: 'v2',
      AttachmentCount: 0,
      PermissionsBoundaryUsageCount: 0,
      IsAttachable: true,
      CreateDate: DATE,
      UpdateDate: DATE,
      PolicyVersionList: [
        { Document: document, VersionId: 'v2', IsDefaultVersion: true, CreateDate: DATE },
        {
          Document: doc([{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }]),
          VersionId: 'v1',
          IsDefaultVersion: false,
          CreateDate: DATE,
        },
      ],
    });
    return arn;
  };

  const awsArns: string[] = [
    managedPolicy(
      'arn:aws:iam::aws:policy/AdministratorAccess',
      'AdministratorAccess',
      doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]),
    ),
    managedPolicy(
      'arn:aws:iam::aws:policy/PowerUserAccess',
      'PowerUserAccess',
      doc([{ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' }]),
    ),
  ];
  for (let i = awsArns.length; i < awsManaged; i++) {
    const service = allServices[(i * 7) % allServices.length];
    const full = i % 3 === 0;
    const name = `Amazon${service.replace(/[^a-z0-9]/g, '').toUpperCase()}${full ? 'FullAccess' : 'ReadOnlyAccess'}${i}`;
    const actions = full ? [`${service}:*`] : [`${service}:Get*`, `${service}:List*`, `${service}:Describe*`];
    awsArns.push(
      managedPolicy(
        `arn:aws:iam::aws:policy/${name}`,
        name,
        doc([{ Effect: 'Allow', Action: actions, Resource: '*' }]),
      ),
    );
  }
  const customerArns: string[] = [];
  for (let i = 0; i < customer; i++) {
    const name = `team-${i}-access`;
    const statements = Array.from({ length: 2 + Math.floor(rand() * 6) }, () => statement(`svc-${i}`));
    customerArns.push(managedPolicy(`arn:aws:iam::${account}:policy/${name}`, name, doc(statements)));
  }
  const boundaryArn = managedPolicy(
    `arn:aws:iam::${account}:policy/workload-boundary`,
    'workload-boundary',
    doc([
      { Effect: 'Allow', Action: services.map((s) => `${s}:*`), Resource: '*' },
      {
        Effect: 'Deny',
        Action: ['s3:DeleteBucket', 'rds:Delete*', 'dynamodb:DeleteTable', 'ec2:TerminateInstances'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:ResourceTag/environment': 'production' } },
      },
      {
        Effect: 'Deny',
        Action: ['iam:DeleteRolePermissionsBoundary', 'iam:PutRolePermissionsBoundary'],
        Resource: '*',
      },
    ]),
  );

  const trust = (i: number): unknown => {
    const kind = i % 10;
    if (kind < 6)
      return doc([
        {
          Effect: 'Allow',
          Principal: { Service: `${pick(['lambda', 'ecs-tasks', 'ec2', 'states', 'codebuild'])}.amazonaws.com` },
          Action: 'sts:AssumeRole',
        },
      ]);
    if (kind < 8)
      return doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }]);
    if (kind < 9) {
      return doc([
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
            StringLike: { 'token.actions.githubusercontent.com:sub': `repo:acme/service-${i % 97}:*` },
          },
        },
      ]);
    }
    return doc([
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${String(100000000000 + (i % 50))}:root` },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': `ext-${i}` } },
      },
    ]);
  };

  const attach = (arns: string[]) =>
    arns.map((arn) => ({ PolicyName: arn.slice(arn.lastIndexOf('/') + 1), PolicyArn: arn }));
  const roleList: Record<string, unknown>[] = [];
  for (let i = 0; i < roles; i++) {
    const name = `svc-${i % 400}-role-${i}`;
    const attached = new Set<string>();
    const managedCount = Math.floor(rand() * 4);
    for (let m = 0; m < managedCount; m++) attached.add(rand() < 0.8 ? pick(customerArns) : pick(awsArns));
    const inline =
      rand() < 0.7
        ? [{ PolicyName: `${name}DefaultPolicy`, PolicyDocument: doc([statement(name), statement(name)]) }]
        : [];
    roleList.push({
      Path: '/',
      RoleName: name,
      RoleId: `AROA${i.toString(36).toUpperCase().padStart(17, '0')}`,
      Arn: `arn:aws:iam::${account}:role/${name}`,
      CreateDate: DATE,
      AssumeRolePolicyDocument: trust(i),
      InstanceProfileList: [],
      RolePolicyList: inline,
      AttachedManagedPolicies: attach([...attached]),
      ...(rand() < 0.2
        ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: boundaryArn } }
        : {}),
      Tags: [
        { Key: 'environment', Value: pick(['production', 'staging', 'dev']) },
        { Key: 'team', Value: pick(['payments', 'search', 'platform']) },
      ],
      RoleLastUsed: {},
    });
  }
  const groupNames = ['admins', 'developers', 'readonly', 'support', 'data'];
  const groups = groupNames.map((name, i) => ({
    Path: '/',
    GroupName: name,
    GroupId: `AGPA${i.toString().padStart(17, '0')}`,
    Arn: `arn:aws:iam::${account}:group/${name}`,
    CreateDate: DATE,
    GroupPolicyList: [],
    AttachedManagedPolicies: attach(i === 0 ? [awsArns[0]] : [pick(customerArns), pick(awsArns)]),
  }));
  const users = Array.from({ length: userCount }, (_, i) => ({
    Path: '/',
    UserName: `user-${i}`,
    UserId: `AIDA${i.toString(36).toUpperCase().padStart(17, '0')}`,
    Arn: `arn:aws:iam::${account}:user/user-${i}`,
    CreateDate: DATE,
    // One user in twenty is an administrator; the rest spread over the other groups.
    GroupList: [rand() < 0.05 ? 'admins' : pick(groupNames.slice(1))],
    UserPolicyList: rand() < 0.1 ? [{ PolicyName: 'extra', PolicyDocument: doc([statement(`user-${i}`)]) }] : [],
    AttachedManagedPolicies: attach(rand() < 0.2 ? [pick(customerArns)] : []),
    Tags: [],
  }));
  return { UserDetailList: users, GroupDetailList: groups, RoleDetailList: roleList, Policies: policies };
}
