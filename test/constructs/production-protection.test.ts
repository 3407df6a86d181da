import { App, CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { isStateful } from '../../lib/check/stateful-types';
import {
  MissingBoundary,
  ProductionProtection,
  STATEFUL_RESOURCE_TYPES,
  statefulTypeNames,
} from '../../lib/constructs';

// One app, two production stacks (attach / error mode), synthesized once.
const app = new App();
const attach = new Stack(app, 'Attach');
const strict = new Stack(app, 'Strict');
ProductionProtection.protect(attach, { boundaryPolicyName: 'leash-agent-boundary' });
ProductionProtection.protect(strict, {
  missingBoundary: MissingBoundary.ERROR,
  additionalStatefulResourceTypes: ['AWS::Events::EventBus'],
});

new dynamodb.Table(attach, 'Table', {
  partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  removalPolicy: RemovalPolicy.DESTROY,
});
new s3.Bucket(attach, 'Bucket', { removalPolicy: RemovalPolicy.DESTROY });
new logs.LogGroup(attach, 'Logs', { removalPolicy: RemovalPolicy.DESTROY });
const queue = new sqs.Queue(attach, 'Queue');
(queue.node.defaultChild as CfnResource).addOverride('DeletionPolicy', 'Delete'); // escape hatch
new CfnResource(attach, 'Topic', { type: 'AWS::SNS::Topic' });
new iam.Role(attach, 'AppRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
new iam.User(attach, 'User');
const bounded = new iam.Role(attach, 'OtherBoundary', {
  assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyName(attach, 'Other', 'some-other-boundary'),
});
new CfnResource(attach, 'Slr', {
  type: 'AWS::IAM::ServiceLinkedRole',
  properties: { AWSServiceName: 'ecs.amazonaws.com' },
});

new iam.Role(strict, 'Unbounded', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
const cleared = new iam.Role(strict, 'Cleared', {
  assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyName(strict, 'Boundary', 'leash-agent-boundary'),
});
iam.PermissionsBoundary.of(cleared).clear();
const appliedLater = new iam.Role(strict, 'AppliedLater', {
  assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
});
iam.PermissionsBoundary.of(appliedLater).apply(
  iam.ManagedPolicy.fromManagedPolicyName(strict, 'Later', 'leash-agent-boundary'),
);
new CfnResource(strict, 'Bus', { type: 'AWS::Events::EventBus', properties: { Name: 'orders' } });

const assembly = app.synth();
const attachTemplate = Template.fromJSON(assembly.getStackArtifact(attach.artifactId).template);
const strictTemplate = Template.fromJSON(assembly.getStackArtifact(strict.artifactId).template);
function messages(stack: Stack, level: string): string[] {
  return assembly
    .getStackArtifact(stack.artifactId)
    .messages.filter((m) => m.level === level)
    .map((m) => `${m.id}: ${String(m.entry.data)}`);
}

describe('ProductionProtection', () => {
  it('turns on termination protection', () => {
    expect(assembly.getStackArtifact(attach.artifactId).terminationProtection).toBe(true);
    expect(assembly.getStackArtifact(strict.artifactId).terminationProtection).toBe(true);
  });

  it.each(['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup', 'AWS::SQS::Queue'])(
    'retains %s on deletion and replacement, even over DESTROY and escape hatches',
    (type) => {
      attachTemplate.hasResource(type, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    },
  );

  it('warns where it overrode a weaker policy', () => {
    const warnings = messages(attach, 'warning');
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /^\/Attach\/Table\/Resource: production stateful resource AWS::DynamoDB::Table: DeletionPolicy\/UpdateReplacePolicy Delete\/Delete replaced by Retain/,
      ),
    );
    expect(warnings).toContainEqual(expect.stringMatching(/^\/Attach\/Queue\/Resource: .*AWS::SQS::Queue/));
  });

  it('leaves resources that hold no state alone', () => {
    const topic = attachTemplate.findResources('AWS::SNS::Topic');
    expect(Object.values(topic)[0].DeletionPolicy).toBeUndefined();
    expect(STATEFUL_RESOURCE_TYPES['AWS::SNS::Topic']).toBeUndefined();
  });

  it('retains additional types the user lists', () => {
    strictTemplate.hasResource('AWS::Events::EventBus', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('retains every type the CI gate counts as stateful: what the gate would stop deleting is kept', () => {
    const scope = new Stack(new App(), 'Gated');
    ProductionProtection.protect(scope);
    const types = [
      ...statefulTypeNames(),
      // Stateful in the AWS service specification, named in no list of ours.
      'AWS::DocDB::DBInstance',
      'AWS::Organizations::Account',
      'AWS::EMR::Cluster',
      // Outside the specification: a registry type and a module may hold data.
      'MongoDB::Atlas::Cluster',
      'Org::Data::Store::MODULE',
    ];
    types.forEach((type, index) => new CfnResource(scope, `Stateful${index}`, { type }));
    new CfnResource(scope, 'Cleanup', { type: 'Custom::Cleanup', properties: { ServiceToken: 'arn' } });
    new CfnResource(scope, 'Function', { type: 'AWS::Lambda::Function' });
    const resources = (scope.node.root as App).synth().getStackArtifact(scope.artifactId).template.Resources as Record<
      string,
      { Type: string; DeletionPolicy?: string; UpdateReplacePolicy?: string }
    >;
    const kept = (type: string) =>
      Object.values(resources).some(
        (r) => r.Type === type && r.DeletionPolicy === 'Retain' && r.UpdateReplacePolicy === 'Retain',
      );
    expect(types.filter((type) => !isStateful(type) && !Object.hasOwn(STATEFUL_RESOURCE_TYPES, type))).toEqual([]);
    expect(types.filter((type) => !kept(type))).toEqual([]);
    expect(['Custom::Cleanup', 'AWS::Lambda::Function'].filter(kept)).toEqual([]);
  });

  it('attaches the agent boundary to roles and users without one', () => {
    const arn = {
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':policy/leash-agent-boundary'],
      ],
    };
    const roles = attachTemplate.findResources('AWS::IAM::Role');
    const appRole = Object.entries(roles).find(([id]) => id.startsWith('AppRole'))![1];
    expect(appRole.Properties.PermissionsBoundary).toEqual(arn);
    attachTemplate.hasResourceProperties('AWS::IAM::User', { PermissionsBoundary: arn });
  });

  it('reports a role with a different boundary as an error, in either mode', () => {
    expect(messages(attach, 'error')).toEqual([
      `/${bounded.node.path}/Resource: production role carries the permissions boundary "some-other-boundary" instead of the agent boundary "leash-agent-boundary"`,
    ]);
  });

  it('reports roles without the boundary as errors in error mode, judged after other aspects ran', () => {
    const errors = messages(strict, 'error');
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/Strict\/Unbounded\/Resource: production role has no permissions boundary/),
        expect.stringMatching(/^\/Strict\/Cleared\/Resource: production role has no permissions boundary/),
      ]),
    );
    expect(errors).toHaveLength(2); // AppliedLater got the boundary from PermissionsBoundary.of(...).apply
    const roles = strictTemplate.findResources('AWS::IAM::Role');
    expect(
      Object.entries(roles).find(([id]) => id.startsWith('Unbounded'))![1].Properties.PermissionsBoundary,
    ).toBeUndefined();
  });

  it('warns that service-linked roles cannot carry a boundary', () => {
    expect(messages(attach, 'warning')).toContainEqual(
      expect.stringMatching(/^\/Attach\/Slr: service-linked roles cannot carry a permissions boundary/),
    );
  });

  it('can leave termination protection and retain policies alone', () => {
    const scope = new Stack(new App(), 'Loose');
    ProductionProtection.protect(scope, { terminationProtection: false, retainStatefulResources: false });
    new s3.Bucket(scope, 'Bucket', { removalPolicy: RemovalPolicy.DESTROY });
    const artifact = (scope.node.root as App).synth().getStackArtifact(scope.artifactId);
    expect(artifact.terminationProtection).toBeFalsy();
    Template.fromJSON(artifact.template).hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
  });
});
