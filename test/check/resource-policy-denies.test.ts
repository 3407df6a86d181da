// A Deny statement taken out of a resource policy that guards a production resource: the resource stays, but
// the next deletion no longer meets the guard. Read from any policy document in the properties.
import { checkStacks } from '../../lib/check/check';
import { LeashConfig } from '../../lib/config/schema';
import { catalog, gate, now, prodTags, stack as loadedStack, table } from './gate-helpers';

const protect = {
  Sid: 'OnlyThePipelineDeletes',
  Effect: 'Deny',
  Principal: '*',
  Action: ['s3:DeleteObject', 's3:DeleteBucket'],
  Resource: '*',
  Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/pipeline' } },
};
const reader = {
  Sid: 'Readers',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::111122223333:root' },
  Action: 's3:GetObject',
  Resource: '*',
};
const bucket = (tags = prodTags) => ({ Type: 'AWS::S3::Bucket', Properties: { Tags: tags } });
const bucketPolicy = (statements: object[], target: unknown = { Ref: 'Data' }) => ({
  Type: 'AWS::S3::BucketPolicy',
  Properties: { Bucket: target, PolicyDocument: { Version: '2012-10-17', Statement: statements } },
});
const stack = (resources: Record<string, unknown>) => ({ Resources: { Data: bucket(), ...resources } });

describe('the gate on Deny statements of resource policies', () => {
  it('stops a bucket policy of a production bucket that loses its Deny, or goes (critical)', () => {
    const before = stack({ Policy: bucketPolicy([protect, reader]) });
    const [changed] = gate(before, stack({ Policy: bucketPolicy([reader]) }));
    expect(changed).toMatchObject({
      ruleId: 'production-deny-removed',
      severity: 'critical',
      details: { logicalId: 'Policy', removedDenies: ['OnlyThePipelineDeletes'], action: 'modify' },
    });
    expect(changed.message).toContain('it guards Data, tagged environment=production');
    const [removed] = gate(before, stack({}));
    expect(removed).toMatchObject({ ruleId: 'production-deny-removed', details: { action: 'delete' } });
  });

  it('counts a Deny changed as removed, but not one written in another order', () => {
    const weaker = { ...protect, Action: ['s3:DeleteBucket'] };
    expect(gate(stack({ Policy: bucketPolicy([protect]) }), stack({ Policy: bucketPolicy([weaker]) }))).toHaveLength(1);
    const reordered = {
      Condition: protect.Condition,
      Resource: '*',
      Action: ['s3:DeleteBucket', 's3:DeleteObject'],
      Principal: '*',
      Effect: 'Deny',
      Sid: protect.Sid,
    };
    expect(
      gate(stack({ Policy: bucketPolicy([protect, reader]) }), stack({ Policy: bucketPolicy([reader, reordered]) })),
    ).toEqual([]);
  });

  it('reads a policy inside the resource itself: a production table losing the Deny of its ResourcePolicy', () => {
    const withPolicy = (statements: object[]) =>
      table({ Tags: prodTags, ResourcePolicy: { PolicyDocument: { Version: '2012-10-17', Statement: statements } } });
    const deny = { Effect: 'Deny', Principal: '*', Action: 'dynamodb:DeleteTable', Resource: '*' };
    const [finding] = gate({ Resources: { Orders: withPolicy([deny]) } }, { Resources: { Orders: withPolicy([]) } });
    expect(finding).toMatchObject({ ruleId: 'production-deny-removed', severity: 'critical' });
  });

  it('rates a policy on a bucket the templates do not hold high, and says nothing of a non-production bucket', () => {
    const named = (statements: object[]) => ({
      Resources: { Policy: bucketPolicy(statements, 'some-existing-bucket') },
    });
    const [unseen] = gate(named([protect]), named([]));
    expect(unseen).toMatchObject({ severity: 'high' });
    expect(unseen.message).toContain('its Bucket is not a resource of the templates');
    const dev = (statements: object[]) => ({
      Resources: { Data: bucket([{ Key: 'environment', Value: 'dev' }]), Policy: bucketPolicy(statements) },
    });
    expect(gate(dev([protect]), dev([]))).toEqual([]);
  });

  it('says nothing when only Allow statements change', () => {
    expect(
      gate(stack({ Policy: bucketPolicy([protect, reader]) }), stack({ Policy: bucketPolicy([protect]) })),
    ).toEqual([]);
  });
});

describe('the gate on Deny statements of the guardrails themselves', () => {
  const noDelete = {
    Sid: 'NoProductionDelete',
    Effect: 'Deny',
    Action: 'rds:DeleteDBInstance',
    Resource: '*',
    Condition: { StringEquals: { 'aws:ResourceTag/environment': 'production' } },
  };
  const noUntag = { Sid: 'NoUntag', Effect: 'Deny', Action: 'rds:RemoveTagsFromResource', Resource: '*' };
  const allowAll = { Effect: 'Allow', Action: '*', Resource: '*' };
  const document = (statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
  const scp = (statements: object[], targets: unknown[] = ['ou-abcd-11111111', 'ou-abcd-22222222']) => ({
    Resources: {
      Guardrails: {
        Type: 'AWS::Organizations::Policy',
        Properties: {
          Name: 'leash',
          Type: 'SERVICE_CONTROL_POLICY',
          TargetIds: targets,
          Content: document(statements),
        },
      },
    },
  });

  it('stops an SCP that loses a Deny, is deleted, or is detached from a target (critical)', () => {
    const before = scp([noDelete, noUntag]);
    const [weakened] = gate(before, scp([noUntag]));
    expect(weakened).toMatchObject({
      severity: 'critical',
      details: { logicalId: 'Guardrails', removedDenies: ['NoProductionDelete'] },
    });
    expect(weakened.message).toMatch(/organization policy \(SCP or RCP\)/);
    expect(gate(before, { Resources: {} })).toMatchObject([{ severity: 'critical', details: { action: 'delete' } }]);
    const [detached] = gate(before, scp([noDelete, noUntag], ['ou-abcd-11111111']));
    expect(detached).toMatchObject({
      severity: 'critical',
      details: { detachedFrom: ['ou-abcd-22222222'], removedDenies: ['NoProductionDelete', 'NoUntag'] },
    });
    expect(detached.message).toContain('no longer apply to ou-abcd-22222222');
    expect(gate(before, scp([noUntag, noDelete], ['ou-abcd-22222222', 'ou-abcd-11111111', 'r-abcd']))).toEqual([]);
  });

  it('stops a permissions boundary losing a Deny (critical), and any other identity policy (high)', () => {
    const trust = document([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    const withBoundary = (statements: object[]) => ({
      Resources: {
        Boundary: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: { PolicyDocument: document([allowAll, ...statements]) },
        },
        Agent: {
          Type: 'AWS::IAM::Role',
          Properties: { AssumeRolePolicyDocument: trust, PermissionsBoundary: { Ref: 'Boundary' } },
        },
      },
    });
    expect(gate(withBoundary([noDelete]), withBoundary([]))).toMatchObject([
      { severity: 'critical', details: { logicalId: 'Boundary', guards: 'it is the permissions boundary of Agent' } },
    ]);
    const inline = (statements: object[]) => ({
      Resources: {
        Ops: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: trust,
            Policies: [{ PolicyName: 'ops', PolicyDocument: document([allowAll, ...statements]) }],
          },
        },
      },
    });
    expect(gate(inline([noDelete]), inline([]))).toMatchObject([
      { severity: 'high', details: { logicalId: 'Ops', removedDenies: ['NoProductionDelete'] } },
    ]);
  });

  it('knows the agent boundary by its name where it is attached elsewhere (a StackSet deploys it): critical', () => {
    const named = (name: string, statements: object[]) => ({
      Resources: {
        Boundary: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: { ManagedPolicyName: name, PolicyDocument: document([allowAll, ...statements]) },
        },
      },
    });
    const found = (name: string, config: object = {}) => gate(named(name, [noDelete]), named(name, []), config);
    expect(found('leash-agent-boundary')).toMatchObject([
      { severity: 'critical', details: { logicalId: 'Boundary', removedDenies: ['NoProductionDelete'] } },
    ]);
    expect(found('leash-agent-boundary')[0].message).toContain('it is the agent permissions boundary');
    // The name the config gives it counts as well; any other policy is judged as before.
    const custom = { guardrails: { agents: { boundaryPolicyName: 'acme-agent-cap' } } };
    expect(found('acme-agent-cap', custom)).toMatchObject([{ severity: 'critical' }]);
    expect(found('ops-policy')).toMatchObject([{ severity: 'high' }]);
    // A name the base branch's config gives it counts too (a pull request cannot rename it away).
    const weakened = (names: string[]) =>
      checkStacks(
        [loadedStack(named('acme-agent-cap', []))],
        [loadedStack(named('acme-agent-cap', [noDelete]))],
        'test',
        {
          catalog,
          now,
          config: LeashConfig.parse({}),
          agentBoundaryNames: names,
        },
      ).findings.filter((finding) => finding.ruleId === 'production-deny-removed');
    expect(weakened(['acme-agent-cap'])).toMatchObject([{ severity: 'critical' }]);
    expect(weakened([])).toMatchObject([{ severity: 'high' }]);
  });
});
