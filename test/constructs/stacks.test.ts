import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadCatalog } from '../../lib/catalog';
import { LeashConfig } from '../../lib/config/schema';
import { defineLeashStacks, type LeashStacks } from '../../lib/constructs';
import { InputError } from '../../lib/util/read-input';
import { smallGuardrails } from './helpers';

const catalog = loadCatalog();
const guardrails = smallGuardrails();

function config(deployment: Record<string, unknown>): LeashConfig {
  return LeashConfig.parse({ deployment });
}

const roles = [
  {
    roleName: 'leash-agent-dev',
    trust: { type: 'account', accountId: '222222222222' },
    readOnlyBaseline: 'view-only',
  },
  {
    roleName: 'leash-agent-ci',
    trust: { type: 'github-actions', repository: 'acme/app', branch: 'main' },
    maxSessionHours: 2,
  },
];

// The default layout (StackSet on, boundary referenced in agent stacks), two agent accounts, nag on.
const app = new App();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
const stacks: LeashStacks = defineLeashStacks(
  app,
  config({
    organization: { account: '999999999999', targetOuIds: ['ou-ab12-cdef3456'], accountIds: ['333333333333'] },
    agentStack: { accountIds: ['111111111111', '222222222222'], region: 'eu-west-1', createGitHubOidcProvider: true },
    agentRoles: roles,
  }),
  { guardrails, catalog },
);
// The other layout: no StackSet, so the agent stack creates the boundary itself.
const standaloneApp = new App();
Validations.of(standaloneApp).addPlugins(new AwsSolutionsChecks(standaloneApp));
const standalone = defineLeashStacks(standaloneApp, config({ organization: { enabled: false }, agentRoles: roles }), {
  guardrails,
  catalog,
});
// Synthesis fails if cdk-nag reports any violation that is not acknowledged with a reason.
const assembly = app.synth();
const standaloneAssembly = standaloneApp.synth();
const organization = Template.fromJSON(assembly.getStackByName('leash-organization').template);
const agents = Template.fromJSON(assembly.getStackByName('leash-agents-111111111111').template);
const standaloneAgents = Template.fromJSON(standaloneAssembly.getStackByName('leash-agents').template);

describe('defineLeashStacks', () => {
  it('passes cdk-nag AwsSolutions with every acknowledgement carrying a reason', () => {
    for (const dir of [assembly.directory, standaloneAssembly.directory]) {
      const report = JSON.parse(readFileSync(join(dir, 'validation-report.json'), 'utf8'));
      expect(report.pluginReports).toEqual([
        expect.objectContaining({ pluginName: 'AwsSolutions', conclusion: 'success' }),
      ]);
    }
    const acknowledged = assembly.stacks
      .concat(standaloneAssembly.stacks)
      .flatMap((stack) => stack.findMetadataByType(Validations.ACKNOWLEDGED_RULES_METADATA_KEY));
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const entry of acknowledged) {
      for (const reason of Object.values(entry.data as unknown as Record<string, string>)) {
        expect(reason.length).toBeGreaterThan(40);
      }
    }
  });

  it('defines the organization stack and one agent stack per account, all termination-protected', () => {
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual([
      'leash-agents-111111111111',
      'leash-agents-222222222222',
      'leash-organization',
    ]);
    for (const stack of assembly.stacks) expect(stack.terminationProtection).toBe(true);
    expect(assembly.getStackByName('leash-organization').environment).toMatchObject({
      account: '999999999999',
      region: 'us-east-1',
    });
    expect(assembly.getStackByName('leash-agents-222222222222').environment).toMatchObject({
      account: '222222222222',
      region: 'eu-west-1',
    });
    expect(stacks.agentStacks).toHaveLength(2);
  });

  it('attaches the SCPs and RCPs to the OUs and accounts', () => {
    organization.resourceCountIs('AWS::Organizations::Policy', 3);
    organization.hasResourceProperties('AWS::Organizations::Policy', {
      Name: 'leash-scp-1',
      Type: 'SERVICE_CONTROL_POLICY',
      TargetIds: ['ou-ab12-cdef3456', '333333333333'],
    });
    organization.hasResourceProperties('AWS::Organizations::Policy', {
      Name: 'leash-rcp-1',
      Type: 'RESOURCE_CONTROL_POLICY',
    });
  });

  it('puts the boundary into the OUs with the StackSet, and the agent stacks reference it by name', () => {
    organization.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'leash-agent-boundary',
      StackInstancesGroup: [
        { DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdef3456'] }, Regions: ['us-east-1'] },
      ],
    });
    agents.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    agents.resourceCountIs('AWS::IAM::Role', 2);
    agents.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    agents.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'leash-agent-ci',
      MaxSessionDuration: 7200,
      PermissionsBoundary: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:policy/leash-agent-boundary']],
      },
    });
  });

  it('records the coverage summary and caveats in the organization template', () => {
    expect(organization.toJSON().Metadata['agent-leash']).toEqual({
      placement: guardrails.placement,
      dataVersion: 'test',
      totals: guardrails.coverage.totals,
      policySizes: guardrails.coverage.policySizes,
      caveats: guardrails.coverage.caveats,
    });
  });

  it('creates the boundary in the agent stack when there is no StackSet', () => {
    expect(standalone.organization).toBeUndefined();
    expect(standaloneAssembly.stacks.map((s) => s.stackName)).toEqual(['leash-agents']);
    standaloneAgents.hasResourceProperties('AWS::IAM::ManagedPolicy', { ManagedPolicyName: 'leash-agent-boundary' });
    const [boundaryId] = Object.keys(standaloneAgents.findResources('AWS::IAM::ManagedPolicy'));
    standaloneAgents.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'leash-agent-dev',
      PermissionsBoundary: { Ref: boundaryId },
    });
    expect(standaloneAssembly.getStackByName('leash-agents').environment.account).toBe('unknown-account');
  });

  it('warns when the StackSet and an agent stack would both create the roles', () => {
    const local = new App();
    const { agentStacks } = defineLeashStacks(
      local,
      config({
        organization: { targetOuIds: ['r-ab12'], boundaryStackSet: { includeAgentRoles: true } },
        agentRoles: roles,
      }),
      { guardrails, catalog },
    );
    const messages = local.synth().getStackByName(agentStacks[0].stackName).messages;
    expect(messages.map((m) => String(m.entry.data))).toContainEqual(
      expect.stringMatching(/already creates the agent roles/),
    );
  });

  it('leaves the RCPs out when asked, and the StackSet when it is off', () => {
    const local = new App();
    const { organization: stack } = defineLeashStacks(
      local,
      config({
        organization: { targetOuIds: ['r-ab12'], resourceControlPolicies: false, boundaryStackSet: { enabled: false } },
        agentStack: { enabled: false },
      }),
      { guardrails, catalog },
    );
    const template = Template.fromStack(stack!);
    template.resourceCountIs('AWS::Organizations::Policy', 2);
    template.resourceCountIs('AWS::CloudFormation::StackSet', 0);
    expect(
      template.findResources('AWS::Organizations::Policy', { Properties: { Type: 'RESOURCE_CONTROL_POLICY' } }),
    ).toEqual({});
  });

  it.each([
    [{ organization: {} }, /leash\.config\.json: deployment\.organization\.targetOuIds: empty \(and no accountIds\)/],
    [
      { organization: { accountIds: ['333333333333'] } },
      /deployment\.organization\.targetOuIds: the boundary StackSet deploys to OUs/,
    ],
  ])('names the config field for %j', (deployment, message) => {
    const run = () => defineLeashStacks(new App(), config(deployment), { guardrails, catalog });
    expect(run).toThrow(InputError);
    expect(run).toThrow(message);
  });
});
