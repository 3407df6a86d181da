// Template changes that destroy data when deployed, each written as an attacker would hide it: behind a
// condition, a mapping, a parameter default, a nested stack, a StackSet, a setting, or a custom resource.
import { fullDiff } from '@aws-cdk/cloudformation-diff';
import { loadResourceModel } from '@aws-cdk/cloudformation-diff/lib/diff/util';
import type { Finding } from '../../lib/audit/rules/types';
import { checkStacks } from '../../lib/check/check';
import { resourceDiff } from '../../lib/check/resource-diff';
import { DATA_STORE_TYPES } from '../../lib/check/stateful-types';
import { parseTemplateText } from '../../lib/check/template-file';
import { InputError } from '../../lib/util/read-input';
import { LeashConfig } from '../../lib/config/schema';
import { catalog, gate, now, prodTags, stack, table } from './gate-helpers';

const open = (findings: Finding[]) => findings.filter((finding) => !finding.suppressed);
const byRule = (findings: readonly Finding[], ruleId: string) =>
  findings.filter((finding) => finding.ruleId === ruleId);

describe('conditions, mappings, Fn::If and parameter defaults are evaluated per resource', () => {
  it('a condition that turns false deletes the resource although its own definition is unchanged', () => {
    const template = (mode: string) => ({
      Parameters: { Mode: { Type: 'String', Default: mode } },
      Conditions: { KeepLedger: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Mode' }, 'slim'] }] } },
      Resources: { Ledger: table({}, { Condition: 'KeepLedger' }) },
    });
    const [finding] = gate(template('full'), template('slim'));
    expect(finding).toMatchObject({
      ruleId: 'destructive-change',
      severity: 'critical',
      title: 'Deletes AWS::DynamoDB::Table Ledger',
    });
  });

  it('an Fn::If branch that was AWS::NoValue, now something else, is a change the gate reads (not a crash)', () => {
    // Both branches of an undecided Fn::If are kept for the diff; a NoValue branch used to reach the library's
    // comparison as an internal marker, which it could not compare (exit 70, the gate gone).
    const template = (otherwise: unknown) => ({
      Parameters: { Stage: { Type: 'String' } },
      Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } },
      Resources: {
        Ledger: table({
          Tags: [...prodTags, { 'Fn::If': ['IsProd', { Key: 'tier', Value: 'gold' }, otherwise] }],
        }),
      },
    });
    const noValue = template({ Ref: 'AWS::NoValue' });
    expect(() => gate(noValue, template('bronze'))).not.toThrow();
    expect(() => gate(template('bronze'), noValue)).not.toThrow();
    expect(gate(noValue, noValue)).toEqual([]);
  });

  it('a condition newly attached to an existing resource, false by a nested Fn::And, deletes it', () => {
    const before = { Resources: { Ledger: table() } };
    const after = {
      Conditions: {
        InEu: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] },
        Both: { 'Fn::And': [{ Condition: 'InEu' }, { 'Fn::Equals': ['a', 'a'] }] },
      },
      Resources: { Ledger: table({}, { Condition: 'Both' }) },
    };
    expect(gate(before, after).map((finding) => finding.title)).toEqual(['Deletes AWS::DynamoDB::Table Ledger']);
  });

  it('a mapping value edited under an unchanged Fn::FindInMap replaces the bucket', () => {
    const template = (name: string) => ({
      Mappings: { Names: { 'us-east-1': { Archive: name } } },
      Resources: {
        Archive: {
          Type: 'AWS::S3::Bucket',
          Properties: { BucketName: { 'Fn::FindInMap': ['Names', { Ref: 'AWS::Region' }, 'Archive'] }, Tags: prodTags },
        },
      },
    });
    const [finding] = gate(template('acme-archive'), template('acme-archive-v2'));
    expect(finding.title).toBe('Replaces AWS::S3::Bucket Archive');
    expect(finding.message).toMatch(/because BucketName changed/);
  });

  it('an Fn::If that now takes its other branch on a replacing property replaces the table', () => {
    const template = (flag: string) => ({
      Parameters: { Flag: { Type: 'String', Default: flag } },
      Conditions: { Blue: { 'Fn::Equals': [{ Ref: 'Flag' }, 'blue'] } },
      Resources: { Sessions: table({ TableName: { 'Fn::If': ['Blue', 'sessions-blue', 'sessions-green'] } }) },
    });
    expect(gate(template('blue'), template('green'))[0].title).toBe('Replaces AWS::DynamoDB::Table Sessions');
  });

  it('a parameter default changed under an Fn::Sub replaces a data store the spec does not mark stateful', () => {
    const template = (prefix: string) => ({
      Parameters: { Prefix: { Type: 'String', Default: prefix } },
      Resources: {
        Metrics: {
          Type: 'AWS::Timestream::Database',
          Properties: { DatabaseName: { 'Fn::Sub': '${Prefix}-metrics' } },
        },
      },
    });
    const [finding] = gate(template('acme'), template('acme2'));
    expect(finding).toMatchObject({ severity: 'high', title: 'Replaces AWS::Timestream::Database Metrics' });
  });

  it('reads a production tag written as a parameter reference from its default, and says so', () => {
    const template = (properties: object) => ({
      Parameters: { Stage: { Type: 'String', Default: 'prod' } },
      Resources: { Orders: table({ Tags: [{ Key: 'environment', Value: { Ref: 'Stage' } }], ...properties }) },
    });
    const [finding] = gate(template({}), template({ TableName: 'orders-v2' }));
    expect(finding.severity).toBe('critical');
    expect(finding.message).toMatch(/tagged environment=prod \(assumed: parameter Stage read as its default "prod"\)/);
  });

  it('treats a production tag key whose value only deployment knows as production (fail closed)', () => {
    const template = (properties: object) => ({
      Parameters: { Stage: { Type: 'String' } },
      Resources: { Orders: table({ Tags: [{ Key: 'environment', Value: { Ref: 'Stage' } }], ...properties }) },
    });
    const [finding] = byRule(gate(template({}), template({ TableName: 'x' })), 'destructive-change');
    expect(finding.severity).toBe('critical');
    expect(finding.message).toMatch(/not known before deployment; treated as production/);
  });
});

describe('a parameter default is not the value every deployment uses', () => {
  // The same template deploys dev with the default and production with `--parameter-overrides Env=production`.
  const envParameter = { Env: { Type: 'String', Default: 'dev' } };
  const isProd = { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'production'] } };
  const topic = { Type: 'AWS::SNS::Topic', Properties: {} };

  it('deleting a table that exists only where Env is overridden to production is a deletion', () => {
    const before = {
      Parameters: envParameter,
      Conditions: isProd,
      Resources: { ProdDb: table({}, { Condition: 'IsProd' }), Alerts: topic },
    };
    const after = { Parameters: envParameter, Conditions: isProd, Resources: { Alerts: topic } };
    const [finding] = byRule(gate(before, after), 'destructive-change');
    expect(finding).toMatchObject({ severity: 'critical', title: 'Deletes AWS::DynamoDB::Table ProdDb' });
  });

  it('a production tag behind an Fn::If on such a condition counts as production', () => {
    const template = (properties: object) => ({
      Parameters: envParameter,
      Conditions: isProd,
      Resources: {
        Handler: {
          Type: 'AWS::SNS::Topic',
          Properties: {
            Tags: [{ Key: 'environment', Value: { 'Fn::If': ['IsProd', 'production', 'development'] } }],
            ...properties,
          },
        },
      },
    });
    const [finding] = byRule(gate(template({}), template({ FifoTopic: true })), 'destructive-change');
    expect(finding).toMatchObject({ severity: 'high', title: 'Replaces AWS::SNS::Topic Handler' });
  });

  it.each([
    ['no AllowedValues', undefined],
    ['AllowedValues that include production', ['dev', 'production']],
  ])('a tag value read from a parameter default "dev" (%s) counts as production', (_name, allowed) => {
    const template = {
      Parameters: { Env: { Type: 'String', Default: 'dev', ...(allowed ? { AllowedValues: allowed } : {}) } },
      Resources: { Alerts: { ...topic, Properties: { Tags: [{ Key: 'environment', Value: { Ref: 'Env' } }] } } },
    };
    const [finding] = byRule(gate(template, { Resources: {} }), 'destructive-change');
    expect(finding).toMatchObject({ severity: 'high', title: 'Deletes AWS::SNS::Topic Alerts' });
    expect(finding.message).toMatch(/the default of parameter Env; deployment may pass a production value/);
  });

  it.each([
    ['a parameter without a default', { Type: 'String' }],
    ['a parameter whose default is another key', { Type: 'String', Default: 'team' }],
  ])('a production value under a tag key from %s counts as production', (_name, parameter) => {
    const template = {
      Parameters: { TagKey: parameter },
      Resources: {
        Alerts: { ...topic, Properties: { Tags: [{ Key: { Ref: 'TagKey' }, Value: 'production' }] } },
      },
    };
    const [finding] = byRule(gate(template, { Resources: {} }), 'destructive-change');
    expect(finding).toMatchObject({ severity: 'high', title: 'Deletes AWS::SNS::Topic Alerts' });
    expect(finding.message).toMatch(/the tag key is given at deployment and may be a production key/);
  });

  it('a tag value from a parameter whose AllowedValues exclude production stays what it is', () => {
    const template = {
      Parameters: { Env: { Type: 'String', Default: 'dev', AllowedValues: ['dev', 'staging'] } },
      Resources: { Alerts: { ...topic, Properties: { Tags: [{ Key: 'environment', Value: { Ref: 'Env' } }] } } },
    };
    expect(gate(template, { Resources: {} })).toEqual([]);
  });

  it.each([
    ['top-level key', (name: string) => ({ dev: { Bucket: 'acme-orders-dev' }, production: { Bucket: name } }), 1],
    ['second-level key', (name: string) => ({ Bucket: { dev: 'acme-orders-dev', production: name } }), 2],
  ])("a mapping read by a parameter as its %s is compared for every value, not only the default's", (_n, rows, at) => {
    const keys = at === 1 ? [{ Ref: 'Env' }, 'Bucket'] : ['Bucket', { Ref: 'Env' }];
    const template = (productionName: string) => ({
      Parameters: envParameter,
      Mappings: { Names: rows(productionName) },
      Resources: {
        Orders: {
          Type: 'AWS::S3::Bucket',
          Properties: { BucketName: { 'Fn::FindInMap': ['Names', ...keys] } },
        },
      },
    });
    const [finding] = byRule(gate(template('acme-orders'), template('acme-orders-v2')), 'destructive-change');
    expect(finding).toMatchObject({ severity: 'high', title: 'Replaces AWS::S3::Bucket Orders' });
    expect(finding.message).toMatch(/because BucketName changed/);
  });

  it('a nested stack decides by a value its parent passes from a parameter of its own, not by that default', () => {
    const parentStack = stack({
      Parameters: envParameter,
      Resources: {
        Data: {
          Type: 'AWS::CloudFormation::Stack',
          Properties: { TemplateURL: 'https://example.com/data.json', Parameters: { Stage: { Ref: 'Env' } } },
        },
      },
    });
    const child = (resources: object) =>
      stack(
        {
          Parameters: { Stage: { Type: 'String' } },
          Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'production'] } },
          Resources: resources,
        },
        'Data/Data',
        { nestedIn: { parentKey: 'Data', logicalId: 'Data' } },
      );
    const findings = gate(
      [parentStack, child({ ProdDb: table({}, { Condition: 'IsProd' }), Alerts: topic })],
      [parentStack, child({ Alerts: topic })],
    );
    expect(byRule(findings, 'destructive-change')[0]).toMatchObject({
      severity: 'critical',
      title: 'Deletes AWS::DynamoDB::Table ProdDb',
    });
  });

  it('the same template on both sides changes nothing', () => {
    const template = {
      Parameters: envParameter,
      Conditions: isProd,
      Resources: { ProdDb: table({ TableName: { 'Fn::Sub': 'orders-${Env}' } }, { Condition: 'IsProd' }) },
    };
    expect(gate(template, template)).toEqual([]);
  });
});

describe('what the service specification does not describe may replace', () => {
  it('a property change of a production registry type (not in the specification) may replace it', () => {
    const cluster = (name: string) => ({
      Resources: { Atlas: { Type: 'MongoDB::Atlas::Cluster', Properties: { Name: name, Tags: prodTags } } },
    });
    const [finding] = byRule(gate(cluster('orders'), cluster('orders-v2')), 'destructive-change');
    // Production, and taken as holding data (whether a registry type does is unknown): critical.
    expect(finding).toMatchObject({ severity: 'critical', title: 'May replace MongoDB::Atlas::Cluster Atlas' });
    expect(finding.message).toMatch(/Name \(may: MongoDB::Atlas::Cluster is not in the AWS service specification\)/);
  });

  it('a property the specification does not know, on a known type, may replace it', () => {
    const [finding] = byRule(
      gate({ Resources: { Orders: table() } }, { Resources: { Orders: table({ ShardLayout: 'v2' }) } }),
      'destructive-change',
    );
    expect(finding).toMatchObject({ severity: 'critical', title: 'May replace AWS::DynamoDB::Table Orders' });
    expect(finding.message).toMatch(/ShardLayout \(may: not in the AWS service specification\)/);
  });

  it('a changed property the specification says updates in place is still no replacement', () => {
    expect(
      gate({ Resources: { Orders: table() } }, { Resources: { Orders: table({ TableClass: 'STANDARD' }) } }),
    ).toEqual([]);
  });
});

describe('a resource that reads a replaced resource is replaced with it', () => {
  const template = (cidr: string) => ({
    Resources: {
      Network: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: cidr } },
      Private: {
        Type: 'AWS::EC2::Subnet',
        Properties: { VpcId: { Ref: 'Network' }, CidrBlock: '10.0.1.0/24' },
      },
      Ledger: {
        Type: 'AWS::EC2::Instance',
        Properties: { ImageId: 'ami-1', SubnetId: { 'Fn::Sub': '${Private}' }, Tags: prodTags },
      },
    },
  });

  it('a production instance in a subnet of a replaced VPC may be replaced (two steps away)', () => {
    const findings = byRule(gate(template('10.0.0.0/16'), template('10.1.0.0/16')), 'destructive-change');
    expect(findings.map((finding) => [finding.title, finding.severity])).toEqual([
      ['May replace AWS::EC2::Instance Ledger', 'high'],
    ]);
    expect(findings[0].message).toMatch(/because SubnetId \(may: reads Private, which is replaced\) changed/);
  });

  it('nothing replaced, nothing cascades', () => {
    expect(gate(template('10.0.0.0/16'), template('10.0.0.0/16'))).toEqual([]);
  });
});

describe('production state stays critical whatever the retention policy', () => {
  const database = (properties: object, policy: string) => ({
    Resources: {
      Db: {
        Type: 'AWS::RDS::DBInstance',
        DeletionPolicy: policy,
        UpdateReplacePolicy: policy,
        Properties: { DBInstanceClass: 'db.r6g.large', Engine: 'postgres', Tags: prodTags, ...properties },
      },
    },
  });
  it.each(['Snapshot', 'Retain', 'Delete'])('restoring from another snapshot with %s', (policy) => {
    const findings = gate(
      database({ DBSnapshotIdentifier: 'snap-1' }, policy),
      database({ DBSnapshotIdentifier: 'snap-2' }, policy),
    );
    expect(findings[0].severity).toBe('critical');
  });
  it.each(['Snapshot', 'Retain'])('deleting with DeletionPolicy %s', (policy) => {
    expect(gate(database({}, policy), { Resources: {} })[0].severity).toBe('critical');
  });
});

describe('stateful is the specification flag plus the documented list of data stores', () => {
  it.each(Object.keys(DATA_STORE_TYPES))(
    '%s is a real CloudFormation type, and deleting one fails the gate',
    (type) => {
      expect(loadResourceModel(type)).toBeDefined();
      const findings = gate({ Resources: { Store: { Type: type, Properties: {} } } }, { Resources: {} });
      expect(findings.map((finding) => [finding.title, finding.severity])).toEqual([[`Deletes ${type} Store`, 'high']]);
    },
  );

  it.each([
    ['AWS::Serverless::Application', { Location: 'https://example.com/orders-db.yaml' }],
    [
      'AWS::ServiceCatalog::CloudFormationProvisionedProduct',
      { ProductName: 'orders-db', ProvisioningArtifactName: 'v1' },
    ],
  ])('removing a %s deletes a stack of resources the template does not show: it fails the gate', (type, properties) => {
    const findings = gate({ Resources: { Db: { Type: type, Properties: properties } } }, { Resources: {} });
    expect(findings.map((finding) => [finding.title, finding.severity])).toEqual([[`Deletes ${type} Db`, 'high']]);
  });

  it('does not flag a stateless resource outside production', () => {
    expect(gate({ Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: {} } } }, { Resources: {} })).toEqual([]);
  });
});

describe('nested stacks and StackSets, at every depth', () => {
  const nested = (parent: string, logicalId: string) => ({ nestedIn: { parentKey: parent, logicalId } });
  const stackResource = {
    Type: 'AWS::CloudFormation::Stack',
    Properties: { TemplateURL: 'https://example.com/t.json' },
  };
  const parent = (withChild: boolean) => stack({ Resources: withChild ? { Child: stackResource } : {} }, 'App');
  const child = stack({ Resources: { Grand: stackResource } }, 'App/Child', nested('App', 'Child'));
  const grand = stack({ Resources: { Vault: table() } }, 'App/Child/Grand', nested('App/Child', 'Grand'));

  it("removing a nested stack deletes its grandchild's table", () => {
    const [finding] = gate([parent(true), child, grand], [parent(false)]);
    expect(finding).toMatchObject({ severity: 'critical', title: 'Deletes AWS::DynamoDB::Table Vault' });
    expect(finding.message).toMatch(/because App\/Child is removed/);
  });

  it('removing a nested stack whose contents the baseline lacks (deployed mode) is judged by the stack itself', () => {
    const findings = gate(
      [stack({ Resources: { Child: stackResource } }, 'App', { stackTags: { environment: 'production' } })],
      [stack({ Resources: {} }, 'App', { stackTags: { environment: 'production' } })],
    );
    expect(findings[0]).toMatchObject({ severity: 'critical', title: 'Deletes AWS::CloudFormation::Stack Child' });
    expect(findings[0].message).toMatch(/not visible here: run with --change-set/);
  });

  it('a nested stack present in the new templates but not in the baseline is reported as not visible, not as new', () => {
    const findings = gate(
      [stack({ Resources: { Child: stackResource } }, 'App')],
      [
        stack({ Resources: { Child: stackResource } }, 'App'),
        stack({ Resources: { Vault: table() } }, 'App/Child', nested('App', 'Child')),
      ],
    );
    expect(findings.map((finding) => finding.ruleId)).toEqual(['change-not-visible']);
    expect(findings[0].message).toMatch(/Not visible here: run with --change-set/);
  });

  const stackSet = (body: unknown) => ({
    Type: 'AWS::CloudFormation::StackSet',
    Properties: { StackSetName: 'baseline', PermissionModel: 'SERVICE_MANAGED', TemplateBody: body },
  });

  it('removing a StackSet deletes it, and what its template holds, in every target account', () => {
    const body = JSON.stringify({ Resources: { AuditLog: { Type: 'AWS::Logs::LogGroup', Properties: {} } } });
    const titles = gate({ Resources: { Baseline: stackSet(body) } }, { Resources: {} }).map((finding) => finding.title);
    expect(titles.sort()).toEqual([
      'Deletes AWS::CloudFormation::StackSet Baseline',
      'Deletes AWS::Logs::LogGroup AuditLog',
    ]);
  });

  it("a table removed from a StackSet's YAML TemplateBody is found inside it", () => {
    const body = (withTable: boolean) =>
      `Resources:\n  Keep:\n    Type: AWS::SNS::Topic\n${withTable ? '  Ledger:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: ledger\n' : ''}`;
    const [finding] = gate(
      { Resources: { Baseline: stackSet(body(true)) } },
      { Resources: { Baseline: stackSet(body(false)) } },
    );
    expect(finding.title).toBe('Deletes AWS::DynamoDB::Table Ledger');
    expect(finding.message).toMatch(/in every target account of StackSet Baseline/);
  });
});

describe('destruction in place', () => {
  const one = (type: string, properties: object) => ({ Resources: { It: { Type: type, Properties: properties } } });
  it.each([
    ['AWS::Logs::LogGroup', {}, { RetentionInDays: 1 }, /RetentionInDays cut from never expire to 1 day/],
    ['AWS::Logs::LogGroup', { RetentionInDays: 3653 }, { RetentionInDays: 30 }, /cut from 3653 days to 30 days/],
    ['AWS::Kinesis::Stream', { RetentionPeriodHours: 168 }, {}, /RetentionPeriodHours cut from 168 hours to 24 hours/],
    ['AWS::SQS::Queue', {}, { MessageRetentionPeriod: 60 }, /MessageRetentionPeriod cut/],
    [
      'AWS::S3::Bucket',
      {},
      { LifecycleConfiguration: { Rules: [{ Status: 'Enabled', ExpirationInDays: 1 }] } },
      /objects now expire after 1 day \(before: never\)/,
    ],
    [
      'AWS::S3::Bucket',
      { LifecycleConfiguration: { Rules: [{ Status: 'Disabled', ExpirationInDays: 1 }] } },
      { LifecycleConfiguration: { Rules: [{ Status: 'Enabled', ExpirationInDays: 1 }] } },
      /objects now expire/,
    ],
    [
      'AWS::DynamoDB::Table',
      {},
      { TimeToLiveSpecification: { Enabled: true, AttributeName: 'createdAt' } },
      /TimeToLiveSpecification enabled on createdAt/,
    ],
    [
      'AWS::Timestream::Table',
      { RetentionProperties: { MagneticStoreRetentionPeriodInDays: '365' } },
      { RetentionProperties: { MagneticStoreRetentionPeriodInDays: '1' } },
      /cut from 365 days to 1 day/,
    ],
  ])('%s: %j -> %j', (type, before, after, message) => {
    const findings = byRule(gate(one(type, before), one(type, after)), 'data-destroying-setting');
    expect(findings).toHaveLength(1);
    expect(findings[0].severity).toBe('high');
    expect(findings[0].message).toMatch(message);
  });

  it.each([
    ['AWS::RDS::DBCluster', { BackupRetentionPeriod: 7 }, { BackupRetentionPeriod: 0 }, /switched off/],
    [
      'AWS::DynamoDB::Table',
      { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } },
      {},
      /point-in-time recovery switched off/,
    ],
    [
      'AWS::RDS::DBInstance',
      { DeletionProtection: true },
      { DeletionProtection: false },
      /deletion protection switched off/,
    ],
  ])('backups or protection off on production is critical: %s', (type, before, after, message) => {
    const withTags = (properties: object) => one(type, { ...properties, Tags: prodTags });
    const [finding] = byRule(gate(withTags(before), withTags(after)), 'data-destroying-setting');
    expect(finding.severity).toBe('critical');
    expect(finding.message).toMatch(message);
  });

  it('a longer retention is not reported', () => {
    expect(
      gate(one('AWS::Logs::LogGroup', { RetentionInDays: 7 }), one('AWS::Logs::LogGroup', { RetentionInDays: 30 })),
    ).toEqual([]);
  });
});

describe('custom resources that call delete APIs', () => {
  const custom = (properties: object, extra: Record<string, unknown> = {}) => ({
    Resources: {
      Cleanup: {
        Type: 'Custom::AWS',
        Properties: { ServiceToken: 'arn:aws:lambda:us-east-1:1:function:x', ...properties },
      },
      ...extra,
    },
  });
  it('an AwsCustomResource-shaped call written through Fn::Join', () => {
    const create = {
      'Fn::Join': [
        '',
        ['{"service":"DynamoDB","action":"deleteTable","parameters":{"TableName":"', { Ref: 'Name' }, '"}}'],
      ],
    };
    const [finding] = byRule(gate({ Resources: {} }, custom({ Create: create })), 'custom-resource-deletes');
    expect(finding.message).toMatch(/calls dynamodb:DeleteTable \(SDK call in the properties\)/);
  });

  it('an SDK v3 client name and command', () => {
    const call = JSON.stringify({
      service: '@aws-sdk/client-s3',
      action: 'DeleteBucketCommand',
      parameters: { Bucket: 'x' },
    });
    const [finding] = byRule(gate(custom({ Update: 'x' }), custom({ Update: call })), 'custom-resource-deletes');
    expect(finding.message).toMatch(/s3:DeleteBucket/);
  });

  it('inline handler code behind the ServiceToken', () => {
    const handler = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Runtime: 'python3.12',
        Handler: 'index.handler',
        Code: {
          ZipFile:
            'import boto3\ndef handler(e, c):\n  boto3.client("rds").delete_db_cluster(DBClusterIdentifier="main")\n',
        },
      },
    };
    const template = {
      Resources: {
        Handler: handler,
        Wipe: {
          Type: 'AWS::CloudFormation::CustomResource',
          Properties: { ServiceToken: { 'Fn::GetAtt': ['Handler', 'Arn'] } },
        },
      },
    };
    const [finding] = byRule(gate({ Resources: {} }, template), 'custom-resource-deletes');
    expect(finding.message).toMatch(/calls rds:DeleteDBCluster \(handler code calls delete_db_cluster\)/);
  });

  it('a custom resource that only writes is not reported', () => {
    const call = JSON.stringify({ service: 'DynamoDB', action: 'putItem', parameters: {} });
    expect(gate({ Resources: {} }, custom({ Create: call }))).toEqual([]);
  });
});

describe('what a template cannot show', () => {
  it('an SSM dynamic reference in a replacing property of a production table', () => {
    const template = { Resources: { Orders: table({ TableName: '{{resolve:ssm:/orders/table-name}}' }) } };
    const [finding] = gate(template, template);
    expect(finding).toMatchObject({ ruleId: 'change-not-visible', severity: 'high' });
    expect(finding.message).toMatch(
      /Not visible here: run with --change-set.*dynamic reference \{\{resolve:ssm:\/orders\/table-name\}\}/,
    );
  });

  it('a parameter without a default, or of an SSM type, in a replacing property', () => {
    const template = {
      Parameters: { Name: { Type: 'String' }, Key: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/k' } },
      Resources: {
        Orders: table({ TableName: { Ref: 'Name' }, SSESpecification: { KMSMasterKeyId: { Ref: 'Key' } } }),
      },
    };
    const [finding] = gate(template, template);
    expect(finding.message).toMatch(/parameter Name/);
  });

  it('not for a secret in a property that replaces nothing', () => {
    const template = {
      Resources: {
        Db: {
          Type: 'AWS::RDS::DBInstance',
          Properties: {
            Engine: 'postgres',
            DBInstanceClass: 'db.t3.micro',
            MasterUserPassword: '{{resolve:secretsmanager:db:SecretString:password}}',
          },
        },
      },
    };
    expect(gate(template, template)).toEqual([]);
  });

  it('Fn::ForEach is written out (for-each.test.ts); without its transform it is refused (exit 2), anywhere', () => {
    const loop = { 'Fn::ForEach::Tables': ['Name', ['A', 'B'], { '${Name}Table': table() }] };
    const written = parseTemplateText(
      JSON.stringify({ Transform: 'AWS::LanguageExtensions', Resources: loop }),
      't.json',
    );
    expect(Object.keys(written.template.Resources ?? {})).toEqual(['ATable', 'BTable']);
    expect(() =>
      parseTemplateText(
        JSON.stringify({ Resources: { T: table({ Tags: { 'Fn::ForEach::Tag': ['K', ['a'], { '${K}': 'v' }] } }) } }),
        't.json',
      ),
    ).toThrow(InputError);
  });
});

describe('approvals bind to the change they approved', () => {
  const before = { Resources: { Orders: table({ TableName: 'orders' }) } };
  const suppression = (changes?: string[]) => ({
    suppressions: [
      {
        ruleId: 'destructive-change',
        logicalId: 'Orders',
        reason: 'Re-keying the orders table (CHG-7).',
        expires: '2026-12-31',
        approvedBy: ['alice', 'bob'],
        ...(changes ? { changes } : {}),
      },
    ],
  });

  it('a suppression naming the change hash passes it, and the output says approvals were not verified', () => {
    const after = { Resources: { Orders: table({ TableName: 'orders-v2' }) } };
    const hash = gate(before, after)[0].details?.changeHash as string;
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    const [finding] = gate(before, after, suppression([hash]));
    expect(finding.suppressed).toBeDefined();
    expect(finding.message).toMatch(/approvedBy was not verified against the pull request's reviews/);
  });

  it("last month's approval does not pass this month's different change to the same table", () => {
    const lastMonth = gate(before, { Resources: { Orders: table({ TableName: 'orders-v2' }) } })[0].details
      ?.changeHash as string;
    const [finding] = gate(before, { Resources: {} }, suppression([lastMonth]));
    expect(open([finding])).toHaveLength(1);
    expect(finding.message).toMatch(new RegExp(`approves change ${lastMonth}, not this change`));
  });

  it('a suppression that names no change does not apply', () => {
    const [finding] = gate(before, { Resources: {} }, suppression());
    expect(finding.suppressed).toBeUndefined();
    expect(finding.message).toMatch(/does not say which change it approves; add "changes": \["[0-9a-f]{32}"\]/);
  });
});

describe('custom-resource calls swept over the catalog', () => {
  it('flags every delete or recreate action of every service, written as an SDK v2 and an SDK v3 call', async () => {
    const { destructiveAction } = await import('../../lib/check/custom-resources');
    const destructive = catalog.actions.filter(
      (entry) => entry.classes.includes('delete') || entry.classes.includes('recreate'),
    );
    expect(destructive.length).toBeGreaterThan(1000);
    const missed = destructive.filter(
      (entry) =>
        !destructiveAction(entry.service, entry.name[0].toLowerCase() + entry.name.slice(1), catalog) ||
        !destructiveAction(`@aws-sdk/client-${entry.service}`, `${entry.name}Command`, catalog),
    );
    expect(missed.map((entry) => entry.action)).toEqual([]);
  });

  it('does not flag read-only calls', async () => {
    const { destructiveAction } = await import('../../lib/check/custom-resources');
    const reads = catalog.actions.filter((entry) => entry.accessLevel === 'Read' || entry.accessLevel === 'List');
    const flagged = reads.filter((entry) => destructiveAction(entry.service, entry.name, catalog));
    expect(flagged.map((entry) => entry.action)).toEqual([]);
  });
});

describe('a new stack is not a blind spot', () => {
  it('flags a custom resource in a stack that has no baseline, which deletes a table of another stack', () => {
    const call = JSON.stringify({ service: 'DynamoDB', action: 'deleteTable', parameters: { TableName: 'orders' } });
    const intruder = stack(
      {
        Resources: {
          Wipe: {
            Type: 'Custom::AWS',
            Properties: { ServiceToken: 'arn:aws:lambda:us-east-1:1:function:x', Create: call },
          },
        },
      },
      'Helper',
    );
    const data = stack({ Resources: { Orders: table() } }, 'Data');
    const findings = gate([data], [data, intruder]);
    expect(findings.map((finding) => [finding.ruleId, finding.location?.logicalId])).toEqual([
      ['custom-resource-deletes', 'Wipe'],
    ]);
  });
});

describe('a malformed policy in the same change does not hide a deletion', () => {
  // CloudFormation would reject these documents, but the change is checked before it is deployed: the
  // deletion beside them must still be gated, and the documents reported where they are.
  const role = (statement: unknown) => ({
    Type: 'AWS::IAM::Role',
    Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [statement] } },
  });
  const trustEc2 = { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' };

  it.each([
    ['a trust statement that is `true`', { Worker: role(true) }],
    [
      'an inline policy that is a number',
      { Worker: { ...role(trustEc2), Properties: { ...role(trustEc2).Properties, Policies: [1.5] } } },
    ],
    [
      'an AWS::IAM::Policy without PolicyDocument',
      {
        Worker: role(trustEc2),
        Grant: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p', Roles: [{ Ref: 'Worker' }] } },
      },
    ],
  ])('%s', (_name, iam) => {
    const before = { Resources: { Orders: table(), Worker: role(trustEc2) } };
    const after = { Resources: { ...iam } };
    const result = checkStacks([stack(after)], [stack(before)], 'test', {
      catalog,
      now,
      config: LeashConfig.parse({}),
    });
    expect(byRule(result.findings, 'destructive-change').map((finding) => finding.title)).toEqual([
      'Deletes AWS::DynamoDB::Table Orders',
    ]);
  });

  it('reports a statement that is not an object with its JSON path', () => {
    const before = { Resources: { Worker: role(trustEc2) } };
    const result = checkStacks([stack({ Resources: { Worker: role(true) } })], [stack(before)], 'test', {
      catalog,
      now,
      config: LeashConfig.parse({}),
    });
    expect(byRule(result.findings, 'unreadable-policy').map((finding) => finding.message)).toEqual([
      expect.stringContaining('Statement[0]: expected a statement object, got a boolean (true)'),
    ]);
  });

  it('leaves the library whole for any other caller: its IAM summary still reads a valid change', () => {
    const valid = (action: string) => ({
      Resources: {
        Grant: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyName: 'p',
            Roles: ['r'],
            PolicyDocument: { Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] },
          },
        },
      },
    });
    resourceDiff({ Resources: { Worker: role(true) } }, { Resources: { Worker: role(7) } });
    expect(fullDiff(valid('s3:GetObject'), valid('s3:*')).iamChanges.hasChanges).toBe(true);
  });
});
