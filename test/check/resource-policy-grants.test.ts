// A resource policy change that lets anyone ("*") delete or disarm a production resource: SCPs never bind
// principals of other accounts, so only an RCP would still stop them.
import { gate, prodTags } from './gate-helpers';

const bucket = (tags = prodTags) => ({ Type: 'AWS::S3::Bucket', Properties: { Tags: tags } });
const policy = (statements: object[]) => ({
  Type: 'AWS::S3::BucketPolicy',
  Properties: { Bucket: { Ref: 'Data' }, PolicyDocument: { Version: '2012-10-17', Statement: statements } },
});
const read = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' };
const stack = (resources: Record<string, unknown>, tags = prodTags) => ({
  Resources: { Data: bucket(tags), ...resources },
});
const byRule = (findings: ReturnType<typeof gate>) =>
  findings.filter((finding) => finding.ruleId === 'production-open-to-anyone');

describe('the gate on resource policies opened to anyone', () => {
  it.each([
    ['s3:DeleteObject to "*"', { Effect: 'Allow', Principal: '*', Action: 's3:DeleteObject', Resource: '*' }],
    ['s3:* to {"AWS": "*"}', { Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:*', Resource: '*' }],
    [
      'NotPrincipal (everyone but the one it names)',
      {
        Effect: 'Allow',
        NotPrincipal: { AWS: 'arn:aws:iam::123456789012:role/x' },
        Action: 's3:DeleteBucket',
        Resource: '*',
      },
    ],
    [
      'a NotAction that leaves the deletes',
      { Effect: 'Allow', Principal: '*', NotAction: 's3:GetObject', Resource: '*' },
    ],
  ])('stops a production bucket policy that grants %s (critical)', (_, statement) => {
    const [finding] = byRule(gate(stack({ Policy: policy([read]) }), stack({ Policy: policy([read, statement]) })));
    expect(finding).toMatchObject({ severity: 'critical', details: { logicalId: 'Policy' } });
    expect(finding.message).toContain('it guards Data, tagged environment=production');
  });

  it('lets a grant narrowed by organization, reads, and non-production buckets go', () => {
    const narrowedToOrg = {
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:DeleteObject',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
    };
    expect(byRule(gate(stack({}), stack({ Policy: policy([narrowedToOrg, read]) })))).toEqual([]);
    const open = { Effect: 'Allow', Principal: '*', Action: 's3:DeleteObject', Resource: '*' };
    const dev = [{ Key: 'environment', Value: 'dev' }];
    expect(byRule(gate(stack({}, dev), stack({ Policy: policy([open]) }, dev)))).toEqual([]);
  });

  // Conditions on "who" that keep no caller of another account out, asked as such a caller would meet them.
  it.each([
    ['StringNotEquals on the organization', { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }],
    [
      'the organization ...IfExists (an account in none sends no key)',
      { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123' } },
    ],
    ['a role name in any account', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ci-*' } }],
    ['every account but one', { StringNotEquals: { 'aws:PrincipalAccount': '999999999999' } }],
    // An agent in the VPC, or on the corporate network, meets a network condition: no wall against insiders.
    ['only a VPC endpoint', { StringEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } }],
    ['only a network', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }],
  ])('stops a grant to "*" conditioned on %s', (_, condition) => {
    const statement = {
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:DeleteObject',
      Resource: '*',
      Condition: condition,
    };
    expect(byRule(gate(stack({}), stack({ Policy: policy([statement]) }))).map((f) => f.severity)).toEqual([
      'critical',
    ]);
  });

  it('lets a key policy\'s grant to "*" kept to the account by kms:CallerAccount go, and not one kept from it', () => {
    const keyPolicy = (condition: object) => ({
      Type: 'AWS::KMS::Key',
      Properties: {
        Tags: prodTags,
        KeyPolicy: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: '*', Action: 'kms:ScheduleKeyDeletion', Resource: '*', Condition: condition },
          ],
        },
      },
    });
    const opened = (condition: object) =>
      gate({ Resources: {} }, { Resources: { Key: keyPolicy(condition) } }).filter(
        (finding) => finding.ruleId === 'production-open-to-anyone',
      );
    expect(opened({ StringEquals: { 'kms:CallerAccount': '123456789012' } })).toEqual([]);
    expect(opened({ StringNotEquals: { 'kms:CallerAccount': '123456789012' } })).toHaveLength(1);
  });

  it('lets a grant to "*" kept to the account, or to an organization a deployment parameter names, go', () => {
    const to = (condition: object) => ({
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:DeleteObject',
      Resource: '*',
      Condition: condition,
    });
    const own = to({ StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } });
    const parameter = to({ StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrgId' } } });
    expect(byRule(gate(stack({}), stack({ Policy: policy([own, parameter]) })))).toEqual([]);
  });

  it('weighs a Deny of the same policy that stops every outsider (a data perimeter), and only such a Deny', () => {
    const objects = { 'Fn::Sub': '${Data.Arn}/*' };
    const open = { Effect: 'Allow', Principal: '*', Action: 's3:DeleteObject', Resource: objects };
    const denyUnless = (condition: object) => ({
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [{ 'Fn::GetAtt': ['Data', 'Arn'] }, objects],
      Condition: condition,
    });
    const opened = (deny: object) => byRule(gate(stack({}), stack({ Policy: policy([open, deny]) })));
    expect(opened(denyUnless({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }))).toEqual([]);
    // What the caller picks (its tags, the VPC endpoint it calls through) stops no insider or outsider for certain.
    expect(opened(denyUnless({ StringNotEquals: { 'aws:PrincipalTag/team': 'data' } }))).toHaveLength(1);
    expect(opened(denyUnless({ StringNotEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } }))).toHaveLength(1);
    // A Deny on other resources, or on other actions, takes nothing back.
    const elsewhere = {
      ...denyUnless({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }),
      Resource: 'arn:aws:s3:::other/*',
    };
    expect(opened(elsewhere)).toHaveLength(1);
    const reads = { ...denyUnless({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }), Action: 's3:GetObject' };
    expect(opened(reads)).toHaveLength(1);
  });

  it('does not report a grant that was already there', () => {
    const open = { Effect: 'Allow', Principal: '*', Action: 's3:DeleteObject', Resource: '*' };
    expect(byRule(gate(stack({ Policy: policy([open]) }), stack({ Policy: policy([open, read]) })))).toEqual([]);
  });
});

describe('the gate on resource policies that name a principal', () => {
  const named = (findings: ReturnType<typeof gate>) =>
    findings.filter((finding) => finding.ruleId === 'production-granted-directly');
  const deleteBy = (AWS: unknown) => ({
    Effect: 'Allow',
    Principal: { AWS },
    Action: 's3:DeleteBucket',
    Resource: '*',
  });

  it.each([
    ["an agent role's sessions", 'arn:aws:sts::123456789012:assumed-role/agent/fix-bug'],
    ['a role of another account', 'arn:aws:iam::999999999999:role/cleaner'],
    ['another account', '999999999999'],
  ])('stops a production bucket policy that starts to let %s delete the bucket (critical)', (_, who) => {
    const [finding] = named(gate(stack({ Policy: policy([read]) }), stack({ Policy: policy([read, deleteBy(who)]) })));
    expect(finding).toMatchObject({ severity: 'critical', details: { openActions: ['s3:DeleteBucket'] } });
    expect(finding.message).toContain(`so that ${who} may s3:DeleteBucket`);
    expect(finding.message).toContain('it guards Data, tagged environment=production');
  });

  it("lets the account itself (CDK's default key policy), reads and grants already there go", () => {
    const root = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']],
    };
    const key = {
      Type: 'AWS::KMS::Key',
      Properties: {
        Tags: prodTags,
        KeyPolicy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: root }, Action: 'kms:*', Resource: '*' }],
        },
      },
    };
    expect(named(gate(stack({}), stack({ Key: key })))).toEqual([]);
    const readBy = { ...deleteBy('arn:aws:iam::999999999999:role/reader'), Action: 's3:GetObject' };
    expect(named(gate(stack({}), stack({ Policy: policy([readBy]) })))).toEqual([]);
    const already = deleteBy('arn:aws:iam::999999999999:role/cleaner');
    expect(named(gate(stack({ Policy: policy([already]) }), stack({ Policy: policy([already, read]) })))).toEqual([]);
  });
});

describe('the gate on Lambda permissions of a production function', () => {
  const fn = {
    Type: 'AWS::Lambda::Function',
    Properties: { Role: 'arn:aws:iam::123456789012:role/orders', Code: { ZipFile: 'x' }, Tags: prodTags },
  };
  const permission = (properties: object) => ({
    Type: 'AWS::Lambda::Permission',
    Properties: { FunctionName: { Ref: 'Fn' }, ...properties },
  });
  const findings = (properties: object) =>
    gate({ Resources: { Fn: fn } }, { Resources: { Fn: fn, P: permission(properties) } });

  it("stops one that lets an agent's session change the code the function runs (its role's permissions)", () => {
    const [finding] = findings({
      Action: 'lambda:UpdateFunctionCode',
      Principal: 'arn:aws:sts::123456789012:assumed-role/agent/fix-bug',
    }).filter((f) => f.ruleId === 'production-granted-directly');
    expect(finding).toMatchObject({ severity: 'critical', details: { openActions: ['lambda:UpdateFunctionCode'] } });
    expect(finding.message).toContain('it guards Fn, tagged environment=production');
  });

  it.each([
    ['any bucket', 's3.amazonaws.com', 'arn:aws:s3:::*'],
    ["any account's rules", 'events.amazonaws.com', 'arn:aws:events:*:*:rule/*'],
  ])('stops a service narrowed to a source another account may own (%s)', (_, service, source) => {
    const found = findings({ Action: 'lambda:InvokeFunction', Principal: service, SourceArn: source });
    expect(found.filter((f) => f.ruleId === 'production-granted-directly').map((f) => f.severity)).toEqual([
      'critical',
    ]);
  });

  it('stops one to everyone, and lets a service narrowed to its source, and invocation by the account, go', () => {
    expect(findings({ Action: 'lambda:*', Principal: '*' }).map((f) => f.ruleId)).toContain(
      'production-open-to-anyone',
    );
    const narrowed = findings({
      Action: 'lambda:InvokeFunction',
      Principal: 's3.amazonaws.com',
      SourceArn: 'arn:aws:s3:::uploads',
    });
    expect(narrowed.filter((f) => /production-(open|granted)/.test(f.ruleId))).toEqual([]);
    const wired = findings({
      Action: 'lambda:InvokeFunction',
      Principal: 'sns.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: { Ref: 'Topic' },
    });
    expect(wired.filter((f) => /production-(open|granted)/.test(f.ruleId))).toEqual([]);
    const own = findings({ Action: 'lambda:UpdateFunctionCode', Principal: '123456789012' });
    expect(own.filter((f) => f.ruleId === 'production-granted-directly')).toEqual([]);
  });
});
