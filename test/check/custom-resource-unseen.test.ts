// A custom resource whose handler is an asset (or an image, or a function outside the stack) runs code the
// gate cannot read: given a production or stateful resource, or in a production stack, it fails closed.
import type { Finding } from '../../lib/audit/rules/types';
import { gate, prodTags, table } from './gate-helpers';

const byRule = (findings: Finding[]) => findings.filter((finding) => finding.ruleId === 'custom-resource-deletes');
const fn = (code: object) => ({
  Type: 'AWS::Lambda::Function',
  Properties: {
    Runtime: 'nodejs20.x',
    Handler: 'index.handler',
    Role: 'arn:aws:iam::123456789012:role/deployer',
    Code: code,
  },
});
const withCleanup = (code: object, target: unknown = { Ref: 'Ledger' }, extra: object = {}) => ({
  Resources: {
    Ledger: table(),
    Handler: fn(code),
    Cleanup: {
      Type: 'Custom::Cleanup',
      Properties: { ServiceToken: { 'Fn::GetAtt': ['Handler', 'Arn'] }, Target: target, ...extra },
    },
  },
});
const before = { Resources: { Ledger: table() } };

describe('a custom resource whose handler code is not in the template', () => {
  it('added with an asset handler and given a production table: critical', () => {
    const [finding] = byRule(gate(before, withCleanup({ S3Bucket: 'cdk-assets', S3Key: 'abc.zip' })));
    expect(finding).toMatchObject({
      severity: 'critical',
      title: 'Custom resource Cleanup runs code not visible here',
    });
    expect(finding.message).toMatch(/it is given Ledger \(AWS::DynamoDB::Table, environment=production\)/);
  });

  it('given nothing production or stateful, outside production: no finding', () => {
    expect(byRule(gate(before, withCleanup({ S3Bucket: 'cdk-assets', S3Key: 'abc.zip' }, 'hello')))).toEqual([]);
  });

  it('tagged production itself (or by its stack) although given nothing: critical', () => {
    const tagged = withCleanup({ S3Bucket: 'cdk-assets', S3Key: 'abc.zip' }, 'orders-prod', { Tags: prodTags });
    expect(byRule(gate(before, tagged))[0]?.severity).toBe('critical');
  });

  it('inline handler code that deletes nothing is judged by its code: no finding', () => {
    const inline = withCleanup({ ZipFile: 'exports.handler = async () => ({ PhysicalResourceId: "x" });' });
    expect(byRule(gate(before, inline))).toEqual([]);
  });
});

describe('the approval of an unseen handler names its code', () => {
  it('new asset code behind the same custom resource is a new change hash', () => {
    const hashOf = (key: string) =>
      byRule(gate(before, withCleanup({ S3Bucket: 'cdk-assets', S3Key: key })))[0]?.details?.changeHash;
    expect(hashOf('v1.zip')).toBeDefined();
    expect(hashOf('v1.zip')).not.toBe(hashOf('v2.zip'));
  });
});

describe('a production resource given to an unseen handler by its name', () => {
  it('the table name written out as a literal counts as giving the table', () => {
    const named = (target: unknown) => {
      const template = withCleanup({ S3Bucket: 'cdk-assets', S3Key: 'abc.zip' }, target);
      template.Resources.Ledger = table({ TableName: 'orders-prod' });
      return template;
    };
    const start = { Resources: { Ledger: table({ TableName: 'orders-prod' }) } };
    const [finding] = byRule(gate(start, named('orders-prod')));
    expect(finding?.severity).toBe('critical');
    expect(finding.message).toMatch(/it is given Ledger \(AWS::DynamoDB::Table, environment=production\)/);
    expect(byRule(gate(start, named('something-else')))).toEqual([]);
  });

  it.each([
    ['the same Fn::Sub on both sides', { 'Fn::Sub': '${Env}-orders' }, { 'Fn::Sub': '${Env}-orders' }],
    [
      'a Fn::Join and a Fn::Sub that build one name',
      { 'Fn::Join': ['-', [{ Ref: 'Env' }, 'orders']] },
      { 'Fn::Sub': '${Env}-orders' },
    ],
    ['a literal the built name can be', { 'Fn::Sub': '${Env}-orders' }, 'prod-orders'],
  ])('a name built at deployment counts as giving the table: %s', (_, tableName, target) => {
    const start = { Resources: { Ledger: table({ TableName: tableName }) } };
    const template = withCleanup({ S3Bucket: 'cdk-assets', S3Key: 'abc.zip' }, target);
    template.Resources.Ledger = table({ TableName: tableName });
    const [finding] = byRule(gate(start, template));
    expect(finding?.severity).toBe('critical');
    expect(finding.message).toMatch(/it is given Ledger \(AWS::DynamoDB::Table, environment=production\)/);
    const other = withCleanup({ S3Bucket: 'cdk-assets', S3Key: 'abc.zip' }, 'prod-invoices');
    other.Resources.Ledger = table({ TableName: tableName });
    expect(byRule(gate(start, other))).toEqual([]);
  });
});
