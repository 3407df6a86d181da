import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateLogicalId, parseTemplateText, readTemplateFile } from '../../lib/check/template-file';
import { InputError } from '../../lib/util/read-input';

const fixture = (name: string) => join(__dirname, '..', 'fixtures', 'templates', name);

describe('reading YAML templates with short-form tags', () => {
  const { template } = readTemplateFile(fixture('short-tags.yaml'));
  const role = template.Resources?.AppRole.Properties;
  const dig = (value: unknown, ...path: (string | number)[]): unknown =>
    path.reduce<unknown>((at, key) => (at as Record<string | number, unknown> | undefined)?.[key], value);

  it.each([
    ['!Ref', dig(role, 'PermissionsBoundary'), { Ref: 'AgentBoundary' }],
    [
      '!Sub',
      dig(role, 'ManagedPolicyArns', 0),
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' },
    ],
    [
      '!Join with a nested !GetAtt (scalar form split at the first dot)',
      dig(role, 'Policies', 0, 'PolicyDocument', 'Statement', 0, 'Resource'),
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['DataBucket', 'Arn'] }, '/*']] },
    ],
    [
      '!If with a nested !ImportValue',
      dig(role, 'Policies', 0, 'PolicyDocument', 'Statement', 1, 'Resource'),
      { 'Fn::If': ['IsProduction', { 'Fn::ImportValue': 'shared-table-arn' }, '*'] },
    ],
    [
      '!Equals in Conditions',
      template.Conditions,
      { IsProduction: { 'Fn::Equals': [{ Ref: 'Environment' }, 'production'] } },
    ],
  ])('expands %s to the long form', (_name, actual, expected) => {
    expect(actual).toEqual(expected);
  });

  it('keeps the policy version a string', () => {
    expect(dig(role, 'AssumeRolePolicyDocument', 'Version')).toBe('2012-10-17');
  });
});

describe('template errors say where', () => {
  it.each([
    [
      'an unknown tag with line and column',
      'Resources:\n  A:\n    Type: X\n    Properties:\n      B: !Bogus x\n',
      /:5:10: unknown CloudFormation tag !Bogus/,
    ],
    ['invalid YAML with line and column', 'Resources:\n  A: [\n', /^t\.yaml:\d+:\d+: invalid YAML/],
    [
      'a resource without a Type',
      'Resources:\n  A:\n    Properties: {}\n',
      /Resources\.A\.Type: expected a resource type string/,
    ],
    ['no Resources', 'Outputs: {}\n', /Resources: expected an object/],
    [
      'a parameter whose Type is not text',
      'Parameters:\n  Env:\n    Type: 0\nResources:\n  A:\n    Type: X\n',
      /Parameters\.Env\.Type: expected a parameter type string/,
    ],
    [
      'a parameter that is not an object',
      'Parameters:\n  Env: dev\nResources:\n  A:\n    Type: X\n',
      /Parameters\.Env: expected a parameter object/,
    ],
    ['invalid JSON', '{"Resources": {', /^t\.yaml:1:\d+: invalid JSON/],
  ])('rejects %s', (_name, text, message) => {
    expect(() => parseTemplateText(text, 't.yaml')).toThrow(InputError);
    expect(() => parseTemplateText(text, 't.yaml')).toThrow(message);
  });

  it('unwraps the TemplateBody of saved `aws cloudformation get-template` output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leash-tpl-'));
    const file = join(dir, 'Deployed.json');
    writeFileSync(
      file,
      JSON.stringify({ TemplateBody: 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n', StagesAvailable: ['Original'] }),
    );
    expect(readTemplateFile(file).template.Resources?.Q.Type).toBe('AWS::SQS::Queue');
  });
});

describe('locating a logical id in the template text', () => {
  it('finds the YAML key line', () => {
    const { text } = readTemplateFile(fixture('short-tags.yaml'));
    expect(locateLogicalId(text, 'AppRole')).toEqual({ line: 16, column: 3 });
  });

  it('finds the quoted JSON key, not an earlier Ref to it', () => {
    const text = JSON.stringify(
      { Outputs: { O: { Value: { Ref: 'Role1' } } }, Resources: { Role1: { Type: 'AWS::IAM::Role' } } },
      null,
      1,
    );
    const at = locateLogicalId(text, 'Role1');
    expect(text.split('\n')[(at?.line ?? 0) - 1]).toContain('"Role1": {');
  });

  it('does not match a longer id that ends with the same text', () => {
    const text = 'Resources:\n  MyRole2:\n    Type: X\n  Role2:\n    Type: X\n';
    expect(locateLogicalId(text, 'Role2')).toEqual({ line: 4, column: 3 });
  });
});
