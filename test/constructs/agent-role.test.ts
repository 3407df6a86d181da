import { App, Duration, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { loadCatalog } from '../../lib/catalog';
import { AgentRole, AgentTrust, ReadOnlyBaseline } from '../../lib/constructs';
import { GuardrailSpec } from '../../lib/guardrails/spec';

const catalog = loadCatalog();
const spec = GuardrailSpec.parse({
  production: {
    arnPatterns: ['arn:aws:rds:*:*:db:prod-*', 'arn:aws:s3:::prod-*'],
    arns: ['arn:aws:dynamodb:us-east-1:111111111111:table/orders'],
  },
  agents: { principalTag: { key: 'team:agent', value: 'yes' }, boundaryPolicyName: 'my-boundary' },
});
const account = AgentTrust.account({ accountId: '222222222222' });

function stack(): Stack {
  return new Stack(new App(), 'Errors', { env: { account: '111111111111', region: 'us-east-1' } });
}
function role(scope: Stack, id: string, props: Partial<ConstructorParameters<typeof AgentRole>[2]> = {}): AgentRole {
  return new AgentRole(scope, id, { trust: account, spec, catalog, ...props });
}

// One synthesized stack for every positive assertion: synth is the slow part.
const app = new App();
const shared = new Stack(app, 'Shared', { env: { account: '111111111111', region: 'us-east-1' } });
const explicitBoundary = new iam.ManagedPolicy(shared, 'ExplicitBoundary', {
  managedPolicyName: 'explicit-boundary',
  statements: [new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] })],
});
role(shared, 'Default', { roleName: 'default' });
role(shared, 'MfaOnly', {
  roleName: 'mfa-only',
  trust: AgentTrust.account({ accountId: '222222222222', requireSourceIdentity: false }),
});
role(shared, 'SourceIdentityOnly', {
  roleName: 'source-identity-only',
  trust: AgentTrust.account({
    accountId: '222222222222',
    requireMfa: false,
    sourceIdentityPatterns: ['agent-*'],
    principalArns: ['arn:aws:iam::222222222222:role/developers'],
  }),
});
role(shared, 'GitHubBranch', {
  roleName: 'github-branch',
  trust: AgentTrust.gitHubActions({ repository: 'acme/app', branch: 'main' }),
});
role(shared, 'GitHubEnvironment', {
  roleName: 'github-environment',
  trust: AgentTrust.gitHubActions({
    repository: 'acme/app',
    environment: 'agent-sandbox',
    providerArn: 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com',
  }),
});
role(shared, 'Service', { roleName: 'service', trust: AgentTrust.service('bedrock.amazonaws.com') });
role(shared, 'LongSession', { roleName: 'long-session', maxSessionDuration: Duration.hours(4) });
role(shared, 'ViewOnly', { roleName: 'view-only', readOnlyBaseline: ReadOnlyBaseline.VIEW_ONLY });
role(shared, 'ReadOnly', { roleName: 'read-only', readOnlyBaseline: ReadOnlyBaseline.READ_ONLY });
role(shared, 'Explicit', { roleName: 'explicit', boundary: explicitBoundary });
const granted = role(shared, 'Granted', { roleName: 'granted' });
granted.grantActions(['s3:GetObject', 's3:DeleteObject'], ['arn:aws:s3:::dev-scratch/*']);
granted.grantActions(['rds:DescribeDBInstances', 'rds:ListTagsForResource'], ['*']);
granted.grantActions(['rds:DeleteDBInstance'], ['arn:aws:rds:us-east-1:111111111111:db:staging-main']);
// Destructive on "*" is fine when the statement only reaches resources tagged non-production.
granted.addToPrincipalPolicy(
  new iam.PolicyStatement({
    actions: ['dynamodb:DeleteTable'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:ResourceTag/environment': ['dev', 'sandbox'] } },
  }),
);
// A bucket this app creates is referenced by token: not judged here (ProductionProtection covers it).
new s3.Bucket(shared, 'AppBucket').grantDelete(granted);
const template = Template.fromStack(shared);

function roleProps(roleName: string): Record<string, unknown> {
  const found = template.findResources('AWS::IAM::Role', { Properties: { RoleName: roleName } });
  const [resource] = Object.values(found);
  if (!resource) throw new Error(`no role ${roleName}`);
  return resource.Properties as Record<string, unknown>;
}

interface TrustStatement {
  Principal: { Federated?: unknown; Service?: unknown };
  Condition: { StringEquals: Record<string, string> };
}
function trustStatements(roleName: string): TrustStatement[] {
  return (roleProps(roleName).AssumeRolePolicyDocument as { Statement: TrustStatement[] }).Statement;
}

describe('AgentRole', () => {
  it('carries the boundary named in the spec by default, in its own account', () => {
    expect(roleProps('default').PermissionsBoundary).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:policy/my-boundary']],
    });
  });

  it('carries an explicitly given boundary', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'explicit',
      PermissionsBoundary: { Ref: Match.stringLikeRegexp('^ExplicitBoundary') },
    });
  });

  it('is tagged with the agent principal tag from the spec', () => {
    expect(roleProps('default').Tags).toEqual([{ Key: 'team:agent', Value: 'yes' }]);
  });

  it('keeps the agent tag even when a broader tag aspect tries to remove it', () => {
    const scope = stack();
    const r = role(scope, 'Tagged', { roleName: 'tagged' });
    Tags.of(scope).remove('team:agent');
    Tags.of(scope).add('team:agent', 'no');
    const props = Template.fromStack(scope).findResources('AWS::IAM::Role');
    expect(Object.values(props)[0].Properties.Tags).toEqual([{ Key: 'team:agent', Value: 'yes' }]);
    expect(r.spec.agents.principalTag.key).toBe('team:agent');
  });

  it('limits sessions to one hour by default and accepts up to twelve', () => {
    expect(roleProps('default').MaxSessionDuration).toBe(3600);
    expect(roleProps('long-session').MaxSessionDuration).toBe(14400);
    expect(() => role(stack(), 'TooLong', { maxSessionDuration: Duration.hours(13) })).toThrow(
      /Errors\/TooLong: maxSessionDuration must be between 1 and 12 hours/,
    );
    expect(() => role(stack(), 'TooShort', { maxSessionDuration: Duration.minutes(30) })).toThrow(
      /between 1 and 12 hours/,
    );
  });

  it('requires source identity and MFA for an account principal by default', () => {
    const statements = (roleProps('default').AssumeRolePolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;
    const conditions = { StringLike: { 'sts:SourceIdentity': ['*'] }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
    expect(statements).toEqual([
      expect.objectContaining({ Action: 'sts:AssumeRole', Condition: conditions }),
      expect.objectContaining({ Action: 'sts:SetSourceIdentity', Condition: conditions }),
    ]);
    expect(JSON.stringify(statements)).toContain(':iam::222222222222:root');
  });

  it('can require only MFA (no sts:SetSourceIdentity then) or only a source identity pattern from named principals', () => {
    expect(roleProps('mfa-only').AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        expect.objectContaining({
          Action: 'sts:AssumeRole',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        }),
      ],
    });
    const statements = (
      roleProps('source-identity-only').AssumeRolePolicyDocument as { Statement: Record<string, unknown>[] }
    ).Statement;
    for (const statement of statements) {
      expect(statement.Condition).toEqual({
        StringLike: { 'sts:SourceIdentity': ['agent-*'] },
        ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::222222222222:role/developers'] },
      });
    }
  });

  it('never lets the trust policy set session tags (they could override the agent principal tag)', () => {
    expect(JSON.stringify(template.findResources('AWS::IAM::Role'))).not.toContain('sts:TagSession');
  });

  it('refuses an account trust that requires neither source identity nor MFA', () => {
    expect(() =>
      role(stack(), 'Anonymous', {
        trust: AgentTrust.account({ accountId: '222222222222', requireMfa: false, requireSourceIdentity: false }),
      }),
    ).toThrow(/Errors\/Anonymous: an account trust must require a source identity, MFA or both/);
    expect(() => role(stack(), 'BadAccount', { trust: AgentTrust.account({ accountId: '1234' }) })).toThrow(
      /Errors\/BadAccount: trust accountId "1234" is not a 12-digit AWS account id/,
    );
  });

  it('trusts GitHub Actions for one repository branch with the sts.amazonaws.com audience', () => {
    expect(roleProps('github-branch').AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: {
            Federated: {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':iam::',
                  { Ref: 'AWS::AccountId' },
                  ':oidc-provider/token.actions.githubusercontent.com',
                ],
              ],
            },
          },
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:sub': 'repo:acme/app:ref:refs/heads/main',
            },
          },
        },
      ],
    });
  });

  it('trusts a GitHub environment through a given provider', () => {
    const statement = trustStatements('github-environment')[0];
    expect(statement.Principal.Federated).toBe(
      'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com',
    );
    expect(statement.Condition.StringEquals['token.actions.githubusercontent.com:sub']).toBe(
      'repo:acme/app:environment:agent-sandbox',
    );
  });

  it.each([
    ['acme/*', /repository "acme\/\*" contains a wildcard/],
    ['*', /repository "\*" contains a wildcard/],
    ['acme/app?', /repository "acme\/app\?" contains a wildcard/],
    ['acme', /repository "acme" is not OWNER\/REPO/],
  ])('refuses the GitHub repository %s at synth time, naming the construct', (repository, message) => {
    expect(() => role(stack(), 'Wild', { trust: AgentTrust.gitHubActions({ repository, branch: 'main' }) })).toThrow(
      new RegExp(`^Errors/Wild: GitHub trust ${message.source}`),
    );
  });

  it('refuses wildcard branches and needs exactly one of branch or environment', () => {
    expect(() =>
      role(stack(), 'B', { trust: AgentTrust.gitHubActions({ repository: 'a/b', branch: 'feature/*' }) }),
    ).toThrow(/Errors\/B: GitHub trust branch "feature\/\*" must be one exact name/);
    expect(() => role(stack(), 'N', { trust: AgentTrust.gitHubActions({ repository: 'a/b' }) })).toThrow(
      /exactly one of branch or environment/,
    );
    expect(() =>
      role(stack(), 'Both', {
        trust: AgentTrust.gitHubActions({ repository: 'a/b', branch: 'main', environment: 'prod' }),
      }),
    ).toThrow(/exactly one of branch or environment/);
  });

  it('trusts a named service principal and refuses a malformed one', () => {
    expect(trustStatements('service')[0].Principal).toEqual({
      Service: 'bedrock.amazonaws.com',
    });
    expect(() => role(stack(), 'Svc', { trust: AgentTrust.service('bedrock') })).toThrow(
      /Errors\/Svc: service principal "bedrock"/,
    );
  });

  it('adds the chosen read-only baseline and nothing by default', () => {
    expect(roleProps('default').ManagedPolicyArns).toBeUndefined();
    expect(JSON.stringify(roleProps('view-only').ManagedPolicyArns)).toContain(
      ':iam::aws:policy/job-function/ViewOnlyAccess',
    );
    expect(JSON.stringify(roleProps('read-only').ManagedPolicyArns)).toContain(':iam::aws:policy/ReadOnlyAccess');
  });

  it('grants non-destructive actions anywhere and destructive ones on non-production ARNs or tag-limited statements', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^Granted') }] },
    });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const text = JSON.stringify(statements);
    for (const action of [
      's3:DeleteObject',
      'rds:DescribeDBInstances',
      'rds:DeleteDBInstance',
      'dynamodb:DeleteTable',
    ]) {
      expect(text).toContain(action);
    }
  });

  it.each([
    [['rds:DeleteDBInstance'], ['*'], /rds:DeleteDBInstance \[delete\] on "\*" \("\*" covers every resource/],
    [
      ['rds:Delete*'],
      ['arn:aws:rds:us-east-1:111111111111:db:prod-main'],
      /overlaps the production ARN pattern arn:aws:rds:\*:\*:db:prod-\*/,
    ],
    [['rds:*'], ['arn:aws:rds:*:*:db:*'], /rds:DeleteDBCluster \[delete\].* and \d+ more on "arn:aws:rds:\*:\*:db:\*"/],
    [['s3:PutBucketTagging'], ['arn:aws:s3:::prod-data'], /s3:PutBucketTagging \[tamper\]/],
    [['dynamodb:DeleteTable'], ['arn:aws:dynamodb:us-east-1:111111111111:table/orders'], /reaches the production ARN/],
    [['*'], ['arn:aws:s3:::prod-*/*'], /and \d+ more on/],
  ])('refuses %j on %j', (actions, resources, message) => {
    const r = role(stack(), 'Refused');
    expect(() => r.grantActions(actions, resources)).toThrow(
      /^Errors\/Refused: refusing to grant writes on production resources/,
    );
    expect(() => r.grantActions(actions, resources)).toThrow(message);
  });

  it('refuses any write on "*", not only destructive ones: production is read-only for agents', () => {
    const r = role(stack(), 'Refused');
    expect(() => r.grantActions(['sqs:SendMessage'], ['*'])).toThrow(/sqs:SendMessage \[Write\] on "\*"/);
    expect(() => r.grantActions(['sqs:ReceiveMessage', 'sqs:GetQueueAttributes'], ['*'])).not.toThrow();
  });

  it('accepts a write on "*" that agents.productionWriteAllowlist declares safe', () => {
    const allowlist = GuardrailSpec.parse({ agents: { productionWriteAllowlist: ['sqs:SendMessage'] } });
    const r = role(stack(), 'Allowlisted', { spec: allowlist });
    expect(() => r.grantActions(['sqs:SendMessage'], ['*'])).not.toThrow();
    expect(() => r.grantActions(['sqs:DeleteQueue'], ['*'])).toThrow(/sqs:DeleteQueue \[delete\]/);
  });

  it('refuses destructive grants that CDK grant helpers make on imported production resources', () => {
    const scope = stack();
    const r = role(scope, 'Helper');
    const bucket = s3.Bucket.fromBucketName(scope, 'ProdBucket', 'prod-data');
    expect(() => bucket.grantDelete(r)).toThrow(/refusing to grant writes.*s3:DeleteObject/);
    expect(() => bucket.grantRead(r)).not.toThrow();
  });

  it('refuses Allow statements with NotAction and broad AWS managed policies', () => {
    const r = role(stack(), 'Broad');
    expect(() =>
      r.addToPrincipalPolicy(new iam.PolicyStatement({ notActions: ['iam:*'], resources: ['arn:aws:s3:::dev'] })),
    ).toThrow(/Errors\/Broad: refusing an Allow statement with NotAction\/NotResource/);
    expect(() => r.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess'))).toThrow(
      /Errors\/Broad: refusing AWS managed policy "AdministratorAccess"/,
    );
    expect(() => r.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonS3FullAccess'))).toThrow(
      /AmazonS3FullAccess/,
    );
    expect(() =>
      r.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonRDSReadOnlyAccess')),
    ).not.toThrow();
  });

  it('checks inline and customer managed policies attached later, at synth', () => {
    const scope = stack();
    const r = role(scope, 'Later');
    new iam.Policy(scope, 'Inline', {
      roles: [r],
      statements: [new iam.PolicyStatement({ actions: ['rds:DeleteDBCluster'], resources: ['*'] })],
    });
    r.addManagedPolicy(
      new iam.ManagedPolicy(scope, 'Managed', {
        statements: [new iam.PolicyStatement({ actions: ['s3:DeleteBucket'], resources: ['arn:aws:s3:::prod-logs'] })],
      }),
    );
    expect(() => Template.fromStack(scope)).toThrow(
      /rds:DeleteDBCluster[\s\S]*\(in policy Errors\/Inline\)[\s\S]*s3:DeleteBucket[\s\S]*\(in managed policy Errors\/Managed\)/,
    );
  });

  it('fails the synth when its boundary is removed afterwards', () => {
    const scope = stack();
    const r = role(scope, 'Unbounded');
    iam.PermissionsBoundary.of(r).clear();
    expect(() => Template.fromStack(scope)).toThrow(/Errors\/Unbounded[\s\S]*agent role lost its permissions boundary/);
  });

  it('fails the synth when a higher-priority Tags.of(...).remove takes its agent tag off', () => {
    const scope = stack();
    role(scope, 'Untagged');
    Tags.of(scope).remove('team:agent', { priority: 2000 });
    expect(() => Template.fromStack(scope)).toThrow(
      /Errors\/Untagged[\s\S]*agent role lost its agent tag team:agent=yes/,
    );
  });

  it('fails the synth on grants written straight into the synthesized role (escape hatches)', () => {
    const scope = stack();
    const r = role(scope, 'Hatched');
    const cfn = r.node.defaultChild as iam.CfnRole;
    cfn.addPropertyOverride('ManagedPolicyArns', ['arn:aws:iam::aws:policy/AdministratorAccess']);
    cfn.addPropertyOverride('Policies', [
      {
        PolicyName: 'raw',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'dynamodb:DeleteTable', Resource: '*' }],
        },
      },
    ]);
    expect(() => Template.fromStack(scope)).toThrow(
      /dynamodb:DeleteTable[\s\S]*Policies\[0\] of the synthesized role[\s\S]*"AdministratorAccess"[\s\S]*ManagedPolicyArns/,
    );
  });

  it('warns about actions the catalog does not know', () => {
    const scope = stack();
    role(scope, 'Typo').grantActions(['s3:GetObjekt'], ['arn:aws:s3:::dev/*']);
    Template.fromStack(scope);
    const messages = (scope.node.root as App).synth().getStackArtifact(scope.artifactId).messages;
    expect(messages.map((m) => String(m.entry.data))).toContainEqual(
      expect.stringMatching(/not in the catalog.*s3:GetObjekt/),
    );
  });
});
