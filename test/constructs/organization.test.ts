import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { loadCatalog } from '../../lib/catalog';
import {
  AgentBoundaryStackSet,
  AgentPermissionsBoundary,
  AgentTrust,
  ProductionGuardrails,
  StackSetCallAs,
} from '../../lib/constructs';
import { defaultGuardrailSpec } from '../../lib/guardrails/spec';
import { policySize } from '../../lib/policy';
import { generatedPolicy, scpOfSize, smallBoundary } from './helpers';

const catalog = loadCatalog();
const spec = defaultGuardrailSpec();

function stack(): Stack {
  return new Stack(new App(), 'Org');
}

// One synthesized stack for the positive assertions.
const app = new App();
const shared = new Stack(app, 'Shared');
const boundary = new AgentPermissionsBoundary(shared, 'Boundary', { policy: smallBoundary() });
const scps = [scpOfSize('leash-scp-1', 5000), scpOfSize('leash-scp-2', 800)];
const rcps = [
  generatedPolicy('leash-rcp-1', [{ Effect: 'Deny', Principal: '*', Action: 's3:DeleteBucket', Resource: '*' }], 'rcp'),
];
new ProductionGuardrails(shared, 'Guardrails', {
  serviceControlPolicies: scps,
  resourceControlPolicies: rcps,
  targetIds: ['ou-ab12-cdef3456', 'r-ab12', '123456789012'],
});
new ProductionGuardrails(shared, 'Named', {
  serviceControlPolicies: [scpOfSize('leash-scp-1', 100)],
  targetIds: ['ou-ab12-cdef3456'],
  namePrefix: 'team-a-',
});
const stackSet = new AgentBoundaryStackSet(shared, 'StackSet', {
  spec,
  boundary: smallBoundary(),
  organizationalUnitIds: ['ou-ab12-cdef3456'],
  region: 'eu-west-1',
  catalog,
});
const withRoles = new AgentBoundaryStackSet(shared, 'WithRoles', {
  spec,
  boundary: smallBoundary(),
  organizationalUnitIds: ['r-ab12'],
  region: 'us-east-1',
  stackSetName: 'leash-agents',
  callAs: StackSetCallAs.DELEGATED_ADMIN,
  retainStacksOnAccountRemoval: false,
  createGitHubOidcProvider: true,
  agentRoles: [
    {
      id: 'Ci',
      roleName: 'leash-agent-ci',
      trust: AgentTrust.gitHubActions({ repository: 'acme/app', branch: 'main' }),
      grants: [{ actions: ['lambda:UpdateFunctionCode'], resources: ['arn:aws:lambda:*:*:function:sandbox-*'] }],
    },
  ],
  catalog,
});
const template = Template.fromStack(shared);

describe('AgentPermissionsBoundary', () => {
  it('deploys the generated document unchanged under its fixed name', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: 'leash-agent-boundary',
      Description: 'test policy leash-agent-boundary',
      PolicyDocument: smallBoundary().document,
    });
    const resolve = (value: unknown) => Stack.of(boundary).resolve(value);
    expect(resolve(boundary.managedPolicyArn)).toEqual({ Ref: resolve(boundary.cfnManagedPolicy.logicalId) });
    expect(boundary.managedPolicyName).toBe('leash-agent-boundary');
  });

  it('takes a description of its own', () => {
    const scope = stack();
    new AgentPermissionsBoundary(scope, 'B', { policy: smallBoundary(), description: 'agents of team A' });
    Template.fromStack(scope).hasResourceProperties('AWS::IAM::ManagedPolicy', { Description: 'agents of team A' });
    expect(
      () => new AgentPermissionsBoundary(stack(), 'Long', { policy: smallBoundary(), description: 'x'.repeat(1001) }),
    ).toThrow(/^Org\/Long: description has 1001 characters; IAM allows at most 1,000/);
  });

  it('refuses a name that the document does not protect', () => {
    expect(
      () => new AgentPermissionsBoundary(stack(), 'B', { policy: smallBoundary(), managedPolicyName: 'other' }),
    ).toThrow(/^Org\/B: the boundary document protects the policy "leash-agent-boundary" but is deployed as "other"/);
  });

  it('refuses a document over the 6,144-character managed policy limit', () => {
    const actions = Array.from({ length: 400 }, (_, i) => `ec2:DeleteSomething${i}`);
    const big = generatedPolicy('leash-agent-boundary', [{ Effect: 'Deny', Action: actions, Resource: '*' }]);
    expect(() => new AgentPermissionsBoundary(stack(), 'Big', { policy: big })).toThrow(
      /^Org\/Big: boundary policy "leash-agent-boundary" has \d+ characters; a managed policy allows at most 6144/,
    );
  });

  it('refuses an invalid policy name', () => {
    expect(() => new AgentPermissionsBoundary(stack(), 'N', { policy: smallBoundary('bad name') })).toThrow(
      /Org\/N: managedPolicyName "bad name" is not a valid IAM policy name/,
    );
  });
});

describe('ProductionGuardrails', () => {
  it('creates one Organizations policy per SCP and RCP, attached to every target', () => {
    const targets = ['ou-ab12-cdef3456', 'r-ab12', '123456789012'];
    for (const [policy, type] of [
      [scps[0], 'SERVICE_CONTROL_POLICY'],
      [scps[1], 'SERVICE_CONTROL_POLICY'],
      [rcps[0], 'RESOURCE_CONTROL_POLICY'],
    ] as const) {
      template.hasResourceProperties('AWS::Organizations::Policy', {
        Name: policy.name,
        Type: type,
        Content: policy.document,
        TargetIds: targets,
        Description: policy.description,
      });
    }
  });

  it('keeps every synthesized SCP within 5,120 characters', () => {
    const policies = template.findResources('AWS::Organizations::Policy');
    expect(Object.keys(policies)).toHaveLength(4);
    for (const policy of Object.values(policies)) {
      expect(policySize(policy.Properties.Content, 'scp')).toBeLessThanOrEqual(5120);
    }
  });

  it('prefixes names when asked', () => {
    template.hasResourceProperties('AWS::Organizations::Policy', {
      Name: 'team-a-leash-scp-1',
      TargetIds: ['ou-ab12-cdef3456'],
    });
  });

  it('refuses an SCP over 5,120 characters', () => {
    expect(
      () =>
        new ProductionGuardrails(stack(), 'G', {
          serviceControlPolicies: [scpOfSize('big', 5200)],
          targetIds: ['r-ab12'],
        }),
    ).toThrow(/^Org\/G: SCP "big" has \d+ characters; Organizations allows at most 5120/);
  });

  it('attaches each placed policy to the targets of its level only', () => {
    const s = stack();
    const at = (name: string, level: 'root' | 'organizational-unit' | 'account') => ({
      ...scpOfSize(name, 200),
      level,
    });
    new ProductionGuardrails(s, 'G', {
      serviceControlPolicies: [
        at('leash-scp-1', 'root'),
        at('leash-scp-2', 'organizational-unit'),
        at('leash-scp-3', 'account'),
      ],
      levelTargetIds: {
        root: ['r-ab12'],
        'organizational-unit': ['ou-ab12-cdef3456', 'ou-ab12-cdef3457'],
        account: ['123456789012'],
      },
    });
    const template = Template.fromStack(s);
    template.hasResourceProperties('AWS::Organizations::Policy', { Name: 'leash-scp-1', TargetIds: ['r-ab12'] });
    template.hasResourceProperties('AWS::Organizations::Policy', {
      Name: 'leash-scp-2',
      TargetIds: ['ou-ab12-cdef3456', 'ou-ab12-cdef3457'],
    });
    template.hasResourceProperties('AWS::Organizations::Policy', { Name: 'leash-scp-3', TargetIds: ['123456789012'] });
  });

  it('refuses a placed policy whose level has no targets, or a target of the wrong kind for its level', () => {
    const placed = { ...scpOfSize('leash-scp-1', 200), level: 'account' as const };
    expect(
      () => new ProductionGuardrails(stack(), 'G', { serviceControlPolicies: [placed], targetIds: ['r-ab12'] }),
    ).toThrow(/^Org\/G: leash-scp-1 belongs at the account level but levelTargetIds.account is empty/);
    expect(
      () =>
        new ProductionGuardrails(stack(), 'G', {
          serviceControlPolicies: [placed],
          levelTargetIds: { account: ['ou-ab12-cdef3456'] },
        }),
    ).toThrow(/levelTargetIds.account: "ou-ab12-cdef3456" is not an account id/);
  });

  it('refuses more than five SCPs per target, counting FullAWSAccess', () => {
    const five = [1, 2, 3, 4, 5].map((i) => scpOfSize(`scp-${i}`, 100));
    expect(
      () => new ProductionGuardrails(stack(), 'G', { serviceControlPolicies: five, targetIds: ['r-ab12'] }),
    ).toThrow(
      /^Org\/G: 5 service control policies on r-ab12 plus 1 already attached exceed the Organizations limit of 5/,
    );
    expect(
      () =>
        new ProductionGuardrails(stack(), 'G', {
          serviceControlPolicies: five.slice(0, 4),
          targetIds: ['r-ab12'],
          existingServiceControlPoliciesPerTarget: 2,
        }),
    ).toThrow(/4 service control policies on r-ab12 plus 2 already attached/);
    expect(
      () =>
        new ProductionGuardrails(stack(), 'G', {
          serviceControlPolicies: [],
          resourceControlPolicies: five,
          targetIds: ['r-ab12'],
        }),
    ).toThrow(/5 resource control policies on r-ab12 plus 1 already attached/);
  });

  it.each([
    [['ou-1'], /target id "ou-1" is not a root/],
    [['12345'], /target id "12345" is not a root/],
    [['r-ab12', 'r-ab12'], /target id "r-ab12" is listed twice/],
    [[], /targetIds is empty/],
  ])('refuses targets %j', (targetIds, message) => {
    expect(
      () => new ProductionGuardrails(stack(), 'G', { serviceControlPolicies: [scpOfSize('s', 100)], targetIds }),
    ).toThrow(message);
  });

  it('refuses an empty policy list and duplicate names', () => {
    expect(() => new ProductionGuardrails(stack(), 'G', { serviceControlPolicies: [], targetIds: ['r-ab12'] })).toThrow(
      /no service or resource control policies/,
    );
    expect(
      () =>
        new ProductionGuardrails(stack(), 'G', {
          serviceControlPolicies: [scpOfSize('same', 100), scpOfSize('same', 200)],
          targetIds: ['r-ab12'],
        }),
    ).toThrow(/two SCPs are named "same"/);
  });
});

describe('AgentBoundaryStackSet', () => {
  function stackSetProps(id: string): Record<string, unknown> {
    const found = template.findResources('AWS::CloudFormation::StackSet');
    const entry = Object.entries(found).find(([logicalId]) => logicalId.startsWith(id));
    if (!entry) throw new Error(`no StackSet ${id}`);
    return entry[1].Properties as Record<string, unknown>;
  }

  it('is service-managed, auto-deploys to the OUs in one Region and keeps stacks of leaving accounts by default', () => {
    const props = stackSetProps('StackSet');
    expect(props).toMatchObject({
      StackSetName: 'leash-agent-boundary',
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'SELF',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: true },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      StackInstancesGroup: [
        { DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdef3456'] }, Regions: ['eu-west-1'] },
      ],
    });
  });

  it('embeds a template holding exactly the boundary, within the TemplateBody limit', () => {
    const body = stackSetProps('StackSet').TemplateBody as string;
    expect(Buffer.byteLength(body)).toBe(stackSet.templateBodyBytes);
    expect(stackSet.templateBodyBytes).toBeLessThanOrEqual(51200);
    const member = JSON.parse(body) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const resources = Object.values(member.Resources);
    expect(resources).toEqual([
      {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: {
          ManagedPolicyName: 'leash-agent-boundary',
          Description: 'test policy leash-agent-boundary',
          PolicyDocument: smallBoundary().document,
        },
        // cfn-lint's unknown-action warning, suppressed with its reason (see test/app/validators.test.ts).
        Metadata: {
          'cfn-lint': { config: { ignore_checks: ['W3037'] } },
          'agent-leash': { suppressions: { W3037: expect.stringContaining('cfn-lint does not know') } },
        },
      },
    ]);
    expect(Object.keys(member)).not.toContain('Rules'); // no bootstrap version check in member accounts
    expect(body).not.toContain('CDKMetadata');
  });

  it('can carry agent roles that reference the boundary in the same template, and the OIDC provider', () => {
    const props = stackSetProps('WithRoles');
    expect(props).toMatchObject({
      StackSetName: 'leash-agents',
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ['r-ab12'] }, Regions: ['us-east-1'] }],
    });
    const member = Template.fromJSON(JSON.parse(props.TemplateBody as string));
    const policies = member.findResources('AWS::IAM::ManagedPolicy');
    const [boundaryId] = Object.keys(policies);
    member.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'leash-agent-ci',
      PermissionsBoundary: { Ref: boundaryId },
      Tags: [{ Key: 'leash:agent', Value: 'true' }],
    });
    member.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    member.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'lambda:UpdateFunctionCode' })] },
    });
    expect(withRoles.templateBodyBytes).toBeLessThanOrEqual(51200);
  });

  it('reports a refused grant in the member template with the StackSet path', () => {
    expect(
      () =>
        new AgentBoundaryStackSet(stack(), 'S', {
          spec,
          boundary: smallBoundary(),
          organizationalUnitIds: ['r-ab12'],
          region: 'us-east-1',
          catalog,
          agentRoles: [
            {
              id: 'Bad',
              trust: AgentTrust.service('bedrock.amazonaws.com'),
              grants: [{ actions: ['dynamodb:DeleteTable'], resources: ['*'] }],
            },
          ],
        }),
    ).toThrow(/^Org\/S: the member template does not synthesize: .*refusing to grant writes/);
  });

  it('refuses a template body over 51,200 bytes', () => {
    const resources = Array.from({ length: 250 }, (_, i) => `arn:aws:s3:::dev-bucket-with-a-long-name-${i}/*`);
    const agentRoles = [1, 2, 3, 4].map((i) => ({
      id: `Role${i}`,
      trust: AgentTrust.service('bedrock.amazonaws.com'),
      grants: [{ actions: ['s3:GetObject'], resources }],
    }));
    expect(
      () =>
        new AgentBoundaryStackSet(stack(), 'S', {
          spec,
          boundary: smallBoundary(),
          organizationalUnitIds: ['r-ab12'],
          region: 'us-east-1',
          catalog,
          agentRoles,
        }),
    ).toThrow(/^Org\/S: the member template is \d+ bytes; an inline TemplateBody allows at most 51200/);
  });

  it.each([
    [{ organizationalUnitIds: [] }, /organizationalUnitIds is empty/],
    [{ organizationalUnitIds: ['123456789012'] }, /"123456789012" is not an OU id/],
    [{ region: 'moon-1' }, /region "moon-1" is not an AWS Region name/],
    [{ stackSetName: '1bad' }, /stackSetName "1bad" must start with a letter/],
  ])('refuses %j', (override, message) => {
    expect(
      () =>
        new AgentBoundaryStackSet(stack(), 'S', {
          spec,
          boundary: smallBoundary(),
          organizationalUnitIds: ['r-ab12'],
          region: 'us-east-1',
          catalog,
          ...override,
        }),
    ).toThrow(message);
  });
});
