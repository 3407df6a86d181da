// SAM templates (Transform AWS::Serverless-2016-10-31): a function or state machine without `Role` runs as a role
// the transform makes. leash check must judge that role as deployed: its managed policies, inline statements and
// policy templates, its boundary and tags; what it cannot expand is an unknown grant, never nothing.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileAccount } from '../../lib/audit/evaluate';
import { AccountSnapshot } from '../../lib/audit/sources/snapshot';
import { snapshotFromTemplates } from '../../lib/audit/sources/templates';
import { loadCatalog } from '../../lib/catalog';
import { runCheck } from '../../lib/check/check';

const catalog = loadCatalog();
const SAM = 'AWS::Serverless-2016-10-31';
const PRODUCTION = { resourceTags: { environment: 'production' } };
/** A role's trust for Lambda, for the roles a test defines itself. */
const LAMBDA_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

function snapshotOf(resources: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const template = { Transform: SAM, ...extra, Resources: resources };
  return snapshotFromTemplates([{ file: 'sam.json', stackName: 'app', template: template as never }], {
    location: 'sam.json',
  });
}

function roleOf(snapshot: AccountSnapshot, name: string) {
  const role = snapshot.principals.find((principal) => principal.kind === 'role' && principal.name.includes(name));
  if (!role) throw new Error(`no role ${name}: ${snapshot.principals.map((p) => p.name).join(', ')}`);
  return role;
}

function decide(snapshot: AccountSnapshot, name: string, action: string, resourceArn?: string) {
  const account = compileAccount(snapshot, catalog);
  const principal = account.principals.find((p) => p.arn.includes(name));
  if (!principal) throw new Error(`no principal ${name}`);
  return principal.decide(action, { ...PRODUCTION, ...(resourceArn ? { resourceArn } : {}) }).decision;
}

const fn = (properties: Record<string, unknown>) => ({
  Type: 'AWS::Serverless::Function',
  Properties: { Runtime: 'nodejs20.x', Handler: 'index.handler', InlineCode: 'x', ...properties },
});

describe('the role SAM makes for a function', () => {
  it('is a Lambda role named <LogicalId>Role with basic execution, located at the function', () => {
    const snapshot = snapshotOf({ Api: fn({}) });
    const role = roleOf(snapshot, 'ApiRole');
    expect(role.managedPolicyArns).toEqual(['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']);
    expect(JSON.stringify(role.trustPolicy)).toContain('lambda.amazonaws.com');
    expect(role.location).toMatchObject({ file: 'sam.json', logicalId: 'Api', jsonPath: 'Resources.Api' });
    expect(AccountSnapshot.parse(snapshot)).toBeTruthy();
  });

  it('is not made when the function names its own role', () => {
    const snapshot = snapshotOf({ Api: fn({ Role: 'arn:aws:iam::123456789012:role/existing' }) });
    expect(snapshot.principals).toEqual([]);
  });

  it('holds an AWS managed policy named without its ARN, and inline statements: an administrator is one', () => {
    const snapshot = snapshotOf({
      Admin: fn({ Policies: ['AdministratorAccess'] }),
      Inline: fn({ Policies: [{ Statement: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }] }] }),
      Single: fn({ Policies: 'AmazonS3FullAccess' }),
    });
    expect(roleOf(snapshot, 'AdminRole').managedPolicyArns).toContain('arn:aws:iam::aws:policy/AdministratorAccess');
    expect(decide(snapshot, 'AdminRole', 'rds:DeleteDBInstance')).toBe('allowed');
    expect(decide(snapshot, 'InlineRole', 'dynamodb:DeleteTable')).toBe('allowed');
    expect(decide(snapshot, 'InlineRole', 'rds:DeleteDBInstance')).toBe('denied');
    expect(decide(snapshot, 'SingleRole', 's3:DeleteBucket')).toBe('allowed');
  });

  it('expands a policy template with its parameters, resolved against the template', () => {
    const snapshot = snapshotOf({
      Orders: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'orders' } },
      Worker: fn({ Policies: [{ DynamoDBCrudPolicy: { TableName: { Ref: 'Orders' } } }, { AMIDescribePolicy: {} }] }),
    });
    const orders = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
    expect(decide(snapshot, 'WorkerRole', 'dynamodb:DeleteItem', orders)).toBe('allowed');
    expect(decide(snapshot, 'WorkerRole', 'dynamodb:DeleteItem', orders.replace('orders', 'ledger'))).toBe('denied');
    expect(decide(snapshot, 'WorkerRole', 'dynamodb:DeleteTable', orders)).toBe('denied');
    expect(decide(snapshot, 'WorkerRole', 'ec2:DescribeImages')).toBe('allowed');
  });

  it('takes a policy template it cannot expand as an unknown grant, with the JSON path', () => {
    const snapshot = snapshotOf({
      Worker: fn({ Policies: [{ DynamoDBCrudPolicy: {} }, { NoSuchPolicyTemplate: { X: 1 } }] }),
    });
    const role = roleOf(snapshot, 'WorkerRole');
    expect(role.inlinePolicies.map((policy) => typeof policy.document)).toEqual(['string', 'string']);
    const where = snapshot.problems.map((problem) => problem.where);
    expect(where).toEqual(
      expect.arrayContaining([
        'sam.json: Resources.Worker.Properties.Policies[0]',
        'sam.json: Resources.Worker.Properties.Policies[1]',
      ]),
    );
    expect(snapshot.problems.find((p) => p.where.endsWith('Policies[0]'))?.message).toMatch(
      /lacks parameter TableName/,
    );
    const file = templateFile({ Worker: fn({ Policies: [{ NoSuchPolicyTemplate: {} }] }) });
    const result = runCheck([file], undefined, {});
    expect(result.findings.map((finding) => finding.ruleId)).toContain('unreadable-policy');
  });

  it('carries the boundary, path and tags, from Globals too', () => {
    const boundary = 'arn:aws:iam::123456789012:policy/leash-agent-boundary';
    const snapshot = snapshotOf(
      {
        Agent: fn({ Tags: { team: 'web' } }),
        Own: fn({ PermissionsBoundary: 'arn:aws:iam::123456789012:policy/own' }),
      },
      {
        Globals: {
          Function: {
            PermissionsBoundary: boundary,
            RolePath: '/agents/',
            Tags: { 'leash:agent': 'true', team: 'all' },
          },
        },
      },
    );
    const agent = roleOf(snapshot, 'AgentRole');
    expect(agent.permissionsBoundaryArn).toBe(boundary);
    expect(agent.path).toBe('/agents/');
    expect(agent.tags).toEqual({ 'leash:agent': 'true', team: 'web' });
    expect(roleOf(snapshot, 'OwnRole').permissionsBoundaryArn).toBe('arn:aws:iam::123456789012:policy/own');
  });

  it('adds the policies SAM adds for tracing, a VPC, polled event sources and a dead-letter queue', () => {
    const snapshot = snapshotOf({
      Consumer: fn({
        Tracing: 'Active',
        VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] },
        Events: { Queue: { Type: 'SQS', Properties: { Queue: 'arn:aws:sqs:us-east-1:123456789012:q' } } },
        DeadLetterQueue: { Type: 'SNS', TargetArn: 'arn:aws:sns:us-east-1:123456789012:dlq' },
      }),
    });
    const role = roleOf(snapshot, 'ConsumerRole');
    expect(role.managedPolicyArns).toEqual([
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      'arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess',
      'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
      'arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole',
    ]);
    expect(decide(snapshot, 'ConsumerRole', 'sns:Publish', 'arn:aws:sns:us-east-1:123456789012:dlq')).toBe('allowed');
  });

  it('says which of what SAM adds it does not read', () => {
    const snapshot = snapshotOf({
      Broker: fn({
        Events: { Mq: { Type: 'MQ', Properties: { Broker: 'arn:aws:mq:us-east-1:123456789012:broker:b' } } },
      }),
      Graph: { Type: 'AWS::Serverless::GraphQLApi', Properties: {} },
      Nightly: fn({
        Role: 'arn:aws:iam::123456789012:role/r',
        Events: { Run: { Type: 'ScheduleV2', Properties: {} } },
      }),
    });
    expect(snapshot.problems.map((p) => p.where)).toEqual(
      expect.arrayContaining([
        'sam.json: Resources.Broker.Properties.Events.Mq',
        'sam.json: Resources.Graph',
        'sam.json: Resources.Nightly.Properties.Events.Run',
      ]),
    );
  });

  it('resolves !GetAtt <Function>Role.Arn elsewhere in the template', () => {
    const snapshot = snapshotOf({
      Api: fn({}),
      Key: {
        Type: 'AWS::KMS::Key',
        Properties: {
          KeyPolicy: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: { 'Fn::GetAtt': ['ApiRole', 'Arn'] } },
                Action: 'kms:*',
                Resource: '*',
              },
            ],
          },
        },
      },
    });
    const role = roleOf(snapshot, 'ApiRole');
    expect(JSON.stringify(snapshot.resourcePolicies)).toContain(role.arn);
  });

  it('judges both branches of a managed policy that is Fn::If on a condition only deployment knows', () => {
    const conditional = { 'Fn::If': ['IsProd', 'AmazonS3ReadOnlyAccess', 'AdministratorAccess'] };
    const snapshot = snapshotOf(
      {
        Worker: fn({ Policies: [conditional] }),
        Plain: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: {},
            ManagedPolicyArns: [
              {
                'Fn::If': [
                  'IsProd',
                  { 'Fn::If': ['IsEu', 'arn:aws:iam::aws:policy/ReadOnlyAccess', { Ref: 'AWS::NoValue' }] },
                  'arn:aws:iam::aws:policy/AdministratorAccess',
                ],
              },
            ],
          },
        },
      },
      {
        Parameters: { Stage: { Type: 'String' }, Region: { Type: 'String' } },
        Conditions: {
          IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] },
          IsEu: { 'Fn::Equals': [{ Ref: 'Region' }, 'eu'] },
        },
      },
    );
    expect(roleOf(snapshot, 'WorkerRole').managedPolicyArns).toEqual([
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      'arn:aws:iam::aws:policy/AdministratorAccess',
    ]);
    expect(roleOf(snapshot, 'Plain').managedPolicyArns).toEqual([
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'arn:aws:iam::aws:policy/AdministratorAccess',
    ]);
    expect(decide(snapshot, 'WorkerRole', 'rds:DeleteDBInstance')).toBe('allowed');
    expect(
      snapshot.problems.find((p) => p.where === 'sam.json: Resources.Plain.Properties.ManagedPolicyArns[0]')?.message,
    ).toMatch(/IsProd, IsEu, known only at deployment/);
  });
});

describe('the role SAM makes for a state machine', () => {
  it('is a Step Functions role with its Policies', () => {
    const snapshot = snapshotOf({
      Flow: {
        Type: 'AWS::Serverless::StateMachine',
        Properties: { Definition: {}, Policies: [{ LambdaInvokePolicy: { FunctionName: 'worker' } }] },
      },
    });
    const role = roleOf(snapshot, 'FlowRole');
    expect(JSON.stringify(role.trustPolicy)).toContain('states.amazonaws.com');
    expect(
      decide(snapshot, 'FlowRole', 'lambda:InvokeFunction', 'arn:aws:lambda:us-east-1:123456789012:function:worker'),
    ).toBe('allowed');
  });
});

describe('what SAM connectors grant', () => {
  const table = { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'orders' } };
  const orders = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
  const queue = { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'jobs' } };
  const jobs = 'arn:aws:sqs:us-east-1:123456789012:jobs';

  it("gives the source's role the profile's Write statements on the destination", () => {
    const snapshot = snapshotOf({
      Orders: table,
      Api: fn({}),
      Link: {
        Type: 'AWS::Serverless::Connector',
        Properties: { Source: { Id: 'Api' }, Destination: { Id: 'Orders' }, Permissions: ['Write'] },
      },
    });
    expect(decide(snapshot, 'ApiRole', 'dynamodb:DeleteItem', orders)).toBe('allowed');
    expect(decide(snapshot, 'ApiRole', 'dynamodb:GetItem', orders)).toBe('denied');
    expect(decide(snapshot, 'ApiRole', 'dynamodb:DeleteItem', orders.replace('orders', 'ledger'))).toBe('denied');
  });

  it('reads connectors embedded in a resource, and a role the function names', () => {
    const role = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: LAMBDA_TRUST,
      },
    };
    const snapshot = snapshotOf({
      Orders: table,
      Exec: role,
      Api: {
        ...fn({ Role: { 'Fn::GetAtt': ['Exec', 'Arn'] } }),
        Connectors: { Db: { Properties: { Destination: [{ Id: 'Orders' }], Permissions: ['Read', 'Write'] } } },
      },
    });
    expect(decide(snapshot, 'Exec', 'dynamodb:DeleteItem', orders)).toBe('allowed');
    expect(decide(snapshot, 'Exec', 'dynamodb:Query', orders)).toBe('allowed');
  });

  it("puts a queue-to-function connector's policy on the function's role", () => {
    const snapshot = snapshotOf({
      Jobs: queue,
      Worker: fn({}),
      Link: {
        Type: 'AWS::Serverless::Connector',
        Properties: { Source: { Id: 'Jobs' }, Destination: { Id: 'Worker' }, Permissions: ['Read', 'Write'] },
      },
    });
    expect(decide(snapshot, 'WorkerRole', 'sqs:DeleteMessage', jobs)).toBe('allowed');
  });

  it('says what it does not read: an end given by ARN, a pair SAM refuses, a resource policy for a service', () => {
    const snapshot = snapshotOf({
      Jobs: queue,
      Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
      Worker: fn({}),
      ByArn: {
        Type: 'AWS::Serverless::Connector',
        Properties: {
          Source: { Id: 'Worker' },
          Destination: { Type: 'AWS::SQS::Queue', Arn: jobs },
          Permissions: ['Write'],
        },
      },
      Refused: {
        Type: 'AWS::Serverless::Connector',
        Properties: { Source: { Id: 'Jobs' }, Destination: { Id: 'Topic' }, Permissions: ['Write'] },
      },
      Service: {
        Type: 'AWS::Serverless::Connector',
        Properties: { Source: { Id: 'Topic' }, Destination: { Id: 'Jobs' }, Permissions: ['Write'] },
      },
    });
    const said = (id: string) =>
      snapshot.problems.find((p) => p.where === `sam.json: Resources.${id}.Properties`)?.message;
    expect(said('ByArn')).toMatch(/given by Type and Arn/);
    expect(said('Refused')).toMatch(/SAM has no connector from AWS::SQS::Queue to AWS::SNS::Topic/);
    expect(said('Service')).toMatch(/resource policy .* not read/);
  });
});

describe('every policy template and connector profile SAM publishes', () => {
  const templates = (
    JSON.parse(readFileSync(join(__dirname, '../../lib/audit/sources/sam-policy-templates.json'), 'utf8')) as {
      templates: Record<string, { parameters: string[]; statements: { Action: string | string[] }[] }>;
    }
  ).templates;

  it('expands each template into a role policy read without a problem, granting its actions', () => {
    for (const [name, template] of Object.entries(templates)) {
      // A wildcard for every parameter: whatever a value names, the grant covers it.
      const values = Object.fromEntries(template.parameters.map((parameter) => [parameter, '*']));
      const snapshot = snapshotOf({ Fn: fn({ Policies: [{ [name]: values }] }) });
      expect({ name, problems: snapshot.problems }).toEqual({ name, problems: [] });
      const role = roleOf(snapshot, 'FnRole');
      expect({ name, policies: role.inlinePolicies.map((policy) => typeof policy.document) }).toEqual({
        name,
        policies: ['object'],
      });
      const account = compileAccount(snapshot, catalog);
      const principal = account.principals.find((p) => p.arn.includes('FnRole'))!;
      for (const statement of template.statements) {
        const action = [statement.Action].flat().find((a) => !a.includes('*') && catalog.get(a));
        if (!action) continue;
        const decision = principal.decide(action).decision;
        // SAM writes some statements with a resource ARN for an action IAM authorizes only on "*"
        // (dynamodb:ListStreams on a stream): that statement grants nothing, and denied is IAM's answer.
        const resourceLevel = catalog.get(action)!.resourceTypes.length > 0;
        expect({ name, action, decision: resourceLevel ? decision : 'n/a' }).not.toMatchObject({ decision: 'denied' });
      }
    }
  });

  const profiles = JSON.parse(
    readFileSync(join(__dirname, '../../lib/audit/sources/sam-connector-profiles.json'), 'utf8'),
  ) as {
    permissions: Record<
      string,
      Record<
        string,
        { Type: string; Properties: { SourcePolicy?: boolean; AccessCategories: Record<string, unknown> } }
      >
    >;
    resourceProperties: Record<string, { Inputs?: { Role?: unknown } }>;
  };
  const pairs = Object.entries(profiles.permissions).flatMap(([source, destinations]) =>
    Object.entries(destinations).map(([destination, profile]) => ({ source, destination, profile })),
  );

  it.each(pairs.map((pair) => [pair.source, pair.destination, pair]))(
    'reads the connector from %s to %s: a policy on the role, or says why not',
    (_source, _destination, { source, destination, profile }) => {
      const roleInput = (type: string) => profiles.resourceProperties[type]?.Inputs?.Role;
      const resourceOf = (type: string, role: string) => {
        const input = roleInput(type);
        return {
          Type: type,
          Properties: typeof input === 'string' ? { [input]: { 'Fn::GetAtt': [role, 'Arn'] } } : {},
        };
      };
      const snapshot = snapshotOf({
        SourceRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: LAMBDA_TRUST } },
        DestinationRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: LAMBDA_TRUST } },
        Src: resourceOf(source, 'SourceRole'),
        Dst: resourceOf(destination, 'DestinationRole'),
        Link: {
          Type: 'AWS::Serverless::Connector',
          Properties: {
            Source: { Id: 'Src' },
            Destination: { Id: 'Dst' },
            Permissions: Object.keys(profile.Properties.AccessCategories),
          },
        },
      });
      const holder = profile.Properties.SourcePolicy ? 'SourceRole' : 'DestinationRole';
      const holderType = profile.Properties.SourcePolicy ? source : destination;
      const said = snapshot.problems.filter((p) => p.where === 'sam.json: Resources.Link.Properties');
      const granted = roleOf(snapshot, holder).inlinePolicies.filter((p) => p.name.startsWith('LinkPolicy'));
      if (profile.Type === 'AWS_IAM_ROLE_MANAGED_POLICY' && typeof roleInput(holderType) === 'string') {
        expect(granted).toHaveLength(1);
        expect(typeof granted[0].document).toBe('object');
        expect(said).toEqual([]);
      } else {
        expect(granted).toEqual([]);
        expect(said).toHaveLength(1);
      }
    },
  );
});

describe('the bundled SAM policy templates', () => {
  const data = JSON.parse(
    readFileSync(join(__dirname, '../../lib/audit/sources/sam-policy-templates.json'), 'utf8'),
  ) as { templates: Record<string, { parameters: string[]; statements: unknown[] }> };

  it('name every parameter their statements refer to, and grant real actions', () => {
    expect(Object.keys(data.templates).length).toBeGreaterThan(70);
    const known = catalog.actions.map((action) => action.action.toLowerCase());
    const matches = (pattern: string) => {
      const glob = new RegExp(
        `^${pattern
          .toLowerCase()
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')}$`,
      );
      return known.some((action) => glob.test(action));
    };
    const nameless: string[] = [];
    for (const [name, template] of Object.entries(data.templates)) {
      const refs = [...JSON.stringify(template.statements).matchAll(/"Ref":"([^"]+)"/g)].map((m) => m[1]);
      expect({
        name,
        unknown: refs.filter((ref) => !ref.startsWith('AWS::') && !template.parameters.includes(ref)),
      }).toEqual({
        name,
        unknown: [],
      });
      const actions = template.statements.flatMap((statement) =>
        [(statement as { Action: string | string[] }).Action].flat(),
      );
      expect({ name, real: actions.some(matches) }).toEqual({ name, real: true });
      nameless.push(...actions.filter((action) => !matches(action)));
    }
    // SAM grants the SQS batch calls by their API names; IAM authorizes them as the single-message actions.
    expect(nameless.every((action) => /^sqs:\w+Batch$/.test(action))).toBe(true);
  });
});

function templateFile(resources: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'leash-sam-'));
  const file = join(dir, 'App.json');
  writeFileSync(file, JSON.stringify({ Transform: SAM, Resources: resources }));
  return file;
}
