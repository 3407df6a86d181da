import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo, runCli } from '../../lib/cli/program';
import { isStatefulResourceType, statefulTypeNames } from '../../lib/constructs/stateful-resource-types';
import { defaultGuardrailSpec } from '../../lib/guardrails';
import { STACK_POLICY_BODY_LIMIT, stackPolicyFor, StackPolicyError } from '../../lib/guardrails/stack-policy';

const spec = defaultGuardrailSpec();
const stateful = statefulTypeNames();
const policyOf = (Resources: Record<string, unknown>) =>
  stackPolicyFor({ Resources } as never, spec, stateful, (t) => isStatefulResourceType(t));

const template = {
  Resources: {
    Orders: { Type: 'AWS::DynamoDB::Table', Properties: {} },
    Api: { Type: 'AWS::Lambda::Function', Properties: { Tags: [{ Key: 'environment', Value: 'Production' }] } },
    Param: { Type: 'AWS::SSM::Parameter', Properties: { Tags: { environment: 'prod' } } },
    Worker: { Type: 'AWS::Lambda::Function', Properties: { Tags: [{ Key: 'environment', Value: 'dev' }] } },
    Conditional: {
      Type: 'AWS::Events::Rule',
      Properties: { Tags: [{ Key: 'environment', Value: { 'Fn::If': ['IsProd', 'production', 'dev'] } }] },
    },
    Untagged: { Type: 'AWS::SNS::Topic', Properties: {} },
  },
};

describe('stackPolicyFor', () => {
  const policy = policyOf(template.Resources);
  const statements = policy.document.Statement;

  it('allows every update, then denies replacement and deletion of stateful types by ResourceType', () => {
    expect(statements[0]).toEqual({ Effect: 'Allow', Principal: '*', Action: 'Update:*', Resource: '*' });
    expect(statements[1]).toMatchObject({
      Effect: 'Deny',
      Action: ['Update:Replace', 'Update:Delete'],
      Condition: {
        StringEquals: { ResourceType: expect.arrayContaining(['AWS::DynamoDB::Table', 'AWS::S3::Bucket']) },
      },
    });
  });

  it('names production-tagged resources (any tag value case, list or map tags) and unreadable tags by logical id', () => {
    expect(statements[2]).toEqual({
      Effect: 'Deny',
      Principal: '*',
      Action: ['Update:Replace', 'Update:Delete'],
      Resource: ['LogicalResourceId/Api', 'LogicalResourceId/Conditional', 'LogicalResourceId/Param'],
    });
    expect(policy.protectedResources.map((r) => [r.logicalId, r.reason])).toEqual([
      ['Orders', 'stateful type'],
      ['Api', 'tagged production'],
      ['Param', 'tagged production'],
      ['Conditional', 'tags not resolvable at synth time'],
    ]);
  });

  it("fails rather than emit a policy over CloudFormation's limit", () => {
    const many = Object.fromEntries(
      Array.from({ length: 800 }, (_, i) => [
        `ProductionFunctionWithALongLogicalId${i}`,
        { Type: 'AWS::Lambda::Function', Properties: { Tags: [{ Key: 'environment', Value: 'production' }] } },
      ]),
    );
    expect(() => policyOf(many)).toThrow(StackPolicyError);
    expect(() => policyOf(many)).toThrow(new RegExp(`over CloudFormation's ${STACK_POLICY_BODY_LIMIT}`));
  });
});

describe('leash stack-policy', () => {
  it('writes one policy per template and prints the command that applies it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leash-stack-policy-'));
    const file = join(dir, 'Service.template.json');
    writeFileSync(file, JSON.stringify(template));
    const io = memoryIo();
    const code = await runCli(['stack-policy', file, '--out', join(dir, 'out')], io);
    expect({ code, err: io.err }).toEqual({ code: 0, err: '' });
    const written = JSON.parse(readFileSync(join(dir, 'out', 'Service.stack-policy.json'), 'utf8'));
    expect(written).toEqual(policyOf(template.Resources).document);
    expect(io.out).toContain('4 resource(s) protected');
    expect(io.out).toContain('aws cloudformation set-stack-policy --stack-name Service');
  });
});

describe('stackPolicyFor and tags IAM compares without case, or that only read as production', () => {
  it('protects Environment=production (IAM ignores the key case) and "prod " or a Cyrillic о (fail closed)', () => {
    const policy = policyOf({
      Cased: { Type: 'AWS::SNS::Topic', Properties: { Tags: [{ Key: 'Environment', Value: 'production' }] } },
      Spaced: { Type: 'AWS::SNS::Topic', Properties: { Tags: [{ Key: 'environment', Value: 'prod ' }] } },
      Cyrillic: { Type: 'AWS::SNS::Topic', Properties: { Tags: { environment: 'pr\u043ed' } } },
      Other: { Type: 'AWS::SNS::Topic', Properties: { Tags: [{ Key: 'environment', Value: 'preprod' }] } },
    });
    expect(policy.protectedResources.map((r) => [r.logicalId, r.reason])).toEqual([
      ['Cased', 'tagged production'],
      ['Spaced', 'tagged production'],
      ['Cyrillic', 'tagged production'],
    ]);
  });

  it('protects a tag a typo away from production ("prodution", "enviroment"), but not a non-production value', () => {
    const policy = policyOf({
      Typo: { Type: 'AWS::SNS::Topic', Properties: { Tags: [{ Key: 'environment', Value: 'prodution' }] } },
      KeyTypo: { Type: 'AWS::SNS::Topic', Properties: { Tags: [{ Key: 'enviroment', Value: 'prod' }] } },
      Dev: { Type: 'AWS::SNS::Topic', Properties: { Tags: [{ Key: 'environment', Value: 'dev' }] } },
      Product: { Type: 'AWS::SNS::Topic', Properties: { Tags: [{ Key: 'environment', Value: 'product' }] } },
    });
    expect(policy.protectedResources.map((r) => r.logicalId)).toEqual(['Typo', 'KeyTypo']);
  });
});
