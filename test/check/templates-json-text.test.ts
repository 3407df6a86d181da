// CloudFormation takes an IAM policy document as JSON text as well as an object (`PolicyDocument: !Sub |` over a
// JSON string is common): leash check reads the text, and text that is not JSON is a policy no one can read.
import { compileAccount } from '../../lib/audit/evaluate';
import { snapshotFromTemplates } from '../../lib/audit/sources/templates';
import { loadCatalog } from '../../lib/catalog';

const ADMIN = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const LAMBDA_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

function read(resources: Record<string, unknown>) {
  const template = { Resources: resources };
  return snapshotFromTemplates([{ file: 't.json', stackName: 'app', template: template as never }], {
    location: 't.json',
  });
}

describe('policy documents written as JSON text', () => {
  it('are read in a role, a managed policy and an AWS::IAM::Policy, through Fn::Sub too', () => {
    const snapshot = read({
      Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'data' } },
      Inline: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: JSON.stringify(LAMBDA_TRUST),
          Policies: [{ PolicyName: 'p', PolicyDocument: JSON.stringify(ADMIN) }],
        },
      },
      Plain: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: LAMBDA_TRUST } },
      Managed: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { PolicyDocument: JSON.stringify(ADMIN), Roles: [{ Ref: 'Plain' }] },
      },
      Scoped: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 's',
          Roles: [{ Ref: 'Plain' }],
          PolicyDocument: {
            'Fn::Sub':
              '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::${Bucket}/*"}]}',
          },
        },
      },
    });
    expect(snapshot.problems).toEqual([]);
    const account = compileAccount(snapshot, loadCatalog());
    const decide = (name: string, action: string, resourceArn?: string) =>
      account.principals
        .find((principal) => principal.arn.endsWith(`-${name}`))
        ?.decide(action, { resourceTags: { environment: 'production' }, ...(resourceArn ? { resourceArn } : {}) })
        .decision;
    expect(decide('Inline', 'rds:DeleteDBInstance')).toBe('allowed');
    expect(decide('Plain', 'rds:DeleteDBInstance')).toBe('allowed');
    const inline = snapshot.principals.find((principal) => principal.arn.endsWith('-Inline'));
    expect(JSON.stringify(inline?.trustPolicy)).toContain('lambda.amazonaws.com');
    const scoped = snapshot.principals.find((p) => p.arn.endsWith('-Plain'))?.inlinePolicies[0]?.document;
    expect(JSON.stringify(scoped)).toContain('arn:aws:s3:::data/*');
  });

  it('says where text that is not JSON is, and keeps it as a policy no one can read', () => {
    const snapshot = read({
      Broken: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: LAMBDA_TRUST,
          Policies: [{ PolicyName: 'p', PolicyDocument: '{"Statement": [' }],
        },
      },
    });
    expect(snapshot.problems[0]).toMatchObject({
      where: 't.json: Resources.Broken.Properties.Policies[0].PolicyDocument',
      message: expect.stringMatching(/text that is not JSON/),
    });
    expect(typeof snapshot.principals[0].inlinePolicies[0].document).toBe('string');
  });
});
