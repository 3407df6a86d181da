import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildLeashApp, chooseConfigFile, loadAppConfig } from '../../bin/app';
import { failsAt, runCheck } from '../../lib/check/check';
import { policySize } from '../../lib/policy';
import { InputError } from '../../lib/util/read-input';

const EXAMPLE = 'leash.config.example.json';
const dir = mkdtempSync(join(tmpdir(), 'leash-app-test-'));
function configFile(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

// The real app: the example config, the real guardrail generator, cdk-nag on every stack. Synthesized once.
const app = new App();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
// The example's own agent-role grants use scoped wildcards; acknowledged here, where the choice is made.
const warnings: string[] = [];
const stacks = buildLeashApp(app, { LEASH_CONFIG: EXAMPLE }, (message) => warnings.push(message));
for (const stack of stacks.agentStacks) {
  for (const role of stack.resources.agentRoles) {
    const name = role.node.id;
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:s3:::dev-scratch-*/*]',
        reason: `example config: ${name} may touch objects of the dev-scratch-* buckets only (checked non-production)`,
      },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:lambda:us-east-1:111111111111:function:sandbox-*]',
        reason: `example config: ${name} may update the sandbox-* functions only (checked non-production)`,
      },
    );
  }
}
const assembly = app.synth();
const example = JSON.parse(readFileSync(EXAMPLE, 'utf8'));

function resourceTypes(stackName: string): Record<string, number> {
  const counts: Record<string, number> = {};
  const resources = assembly.getStackByName(stackName).template.Resources as Record<string, { Type: string }>;
  for (const resource of Object.values(resources)) counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
  return counts;
}

describe('the CDK app with the example config', () => {
  it('synthesizes the organization stack and the agent stack, offline and env-agnostic where no account is set', () => {
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(['leash-agents-111111111111', 'leash-organization']);
    expect(assembly.getStackByName('leash-organization').environment).toMatchObject({
      account: 'unknown-account',
      region: 'us-east-1',
    });
    expect(warnings).toEqual([]);
  });

  it('passes its own CI gate: leash check on the cloud assembly finds nothing at high or above', () => {
    const result = runCheck([assembly.directory], undefined, {});
    const failing = result.findings.filter((f) => !f.suppressed && ['critical', 'high'].includes(f.severity));
    expect(failing.map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
    expect(failsAt(result.findings, 'high')).toBe(false);
    // The agent roles reference the boundary the StackSet deploys; the check judges them with it.
    expect(result.caveats.join('\n')).toMatch(/leash-agent-boundary is not defined in these templates/);
  });

  it('holds the SCPs, the RCPs and the boundary StackSet in the organization stack', () => {
    const counts = resourceTypes('leash-organization');
    expect(counts['AWS::CloudFormation::StackSet']).toBe(1);
    const generated = stacks.guardrails!;
    expect(counts['AWS::Organizations::Policy']).toBe(
      generated.serviceControlPolicies.length + generated.resourceControlPolicies.length,
    );
    expect(generated.serviceControlPolicies.length).toBeGreaterThan(0);
    for (const level of generated.placement.levels) {
      expect(level.serviceControlPolicies.length).toBeLessThanOrEqual(level.freeServiceControlPolicySlots);
    }
  });

  it('keeps every synthesized SCP and RCP within 5,120 characters and the boundary within 6,144', () => {
    const template = Template.fromJSON(assembly.getStackByName('leash-organization').template);
    const policies = Object.values(template.findResources('AWS::Organizations::Policy'));
    for (const policy of policies) {
      const kind = policy.Properties.Type === 'SERVICE_CONTROL_POLICY' ? 'scp' : 'rcp';
      expect(policySize(policy.Properties.Content, kind)).toBeLessThanOrEqual(5120);
    }
    const stackSet = Object.values(template.findResources('AWS::CloudFormation::StackSet'))[0];
    const body: string = stackSet.Properties.TemplateBody;
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(51200);
    const member = Template.fromJSON(JSON.parse(body));
    const boundary = Object.values(member.findResources('AWS::IAM::ManagedPolicy'))[0];
    expect(boundary.Properties.ManagedPolicyName).toBe(example.guardrails.agents.boundaryPolicyName);
    expect(boundary.Properties.PolicyDocument).toEqual(stacks.guardrails!.boundary.document);
    expect(policySize(boundary.Properties.PolicyDocument, 'managed')).toBeLessThanOrEqual(6144);
  });

  it('creates the example agent roles with the boundary in the agent stack', () => {
    expect(resourceTypes('leash-agents-111111111111')).toMatchObject({
      'AWS::IAM::Role': example.deployment.agentRoles.length,
      'AWS::IAM::OIDCProvider': 1,
    });
    const template = Template.fromJSON(assembly.getStackByName('leash-agents-111111111111').template);
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(JSON.stringify(role.Properties.PermissionsBoundary)).toContain(':policy/leash-agent-boundary');
    }
  });

  it('passes cdk-nag AwsSolutions', () => {
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports).toEqual([
      expect.objectContaining({ pluginName: 'AwsSolutions', conclusion: 'success' }),
    ]);
  });
});

describe('choosing the config file', () => {
  const none = () => false;
  it('prefers -c config=..., then LEASH_CONFIG, then leash.config.json, then the example', () => {
    expect(chooseConfigFile('a.json', { LEASH_CONFIG: 'b.json' }, none)).toEqual({ file: 'a.json', source: 'context' });
    expect(chooseConfigFile(undefined, { LEASH_CONFIG: 'b.json' }, none)).toEqual({
      file: 'b.json',
      source: 'environment',
    });
    expect(chooseConfigFile(undefined, {}, () => true)).toEqual({ file: 'leash.config.json', source: 'default' });
    expect(chooseConfigFile(undefined, {}, (f) => f === EXAMPLE)).toEqual({ file: EXAMPLE, source: 'example' });
    expect(() => chooseConfigFile(undefined, {}, none)).toThrow(/leash\.config\.json: no such file/);
  });

  it('falls back to the example with a warning, and refuses a named file that is missing', () => {
    // A directory holding only an example that needs no generated documents (agent stack, boundary by name).
    const cwd = mkdtempSync(join(tmpdir(), 'leash-app-cwd-'));
    writeFileSync(
      join(cwd, EXAMPLE),
      JSON.stringify({ deployment: { organization: { enabled: false }, agentStack: { createBoundary: false } } }),
    );
    const previous = process.cwd();
    const messages: string[] = [];
    try {
      process.chdir(cwd);
      const local = new App();
      const { agentStacks, organization, guardrails } = buildLeashApp(local, {}, (m) => messages.push(m));
      expect(agentStacks.map((s) => s.stackName)).toEqual(['leash-agents']);
      expect(organization).toBeUndefined();
      expect(guardrails).toBeUndefined();
    } finally {
      process.chdir(previous);
    }
    expect(messages).toEqual([
      expect.stringMatching(/^warning: leash\.config\.json not found; using leash\.config\.example\.json/),
    ]);
    const missing = join(dir, 'missing.json');
    expect(() => buildLeashApp(new App({ context: { config: missing } }), {}, () => undefined)).toThrow(
      `${missing}: cannot read: no such file`,
    );
    expect(() => chooseConfigFile(42, {}, none)).toThrow(InputError);
  });
});

describe('config errors', () => {
  it('name the file and the JSON path of each bad field', () => {
    const file = configFile('bad.json', {
      deployment: {
        organization: { targetOuIds: ['ou-1'], region: 'mars' },
        agentRoles: [{ roleName: 'ci', trust: { type: 'github-actions', repository: 'acme/*', branch: 'main' } }],
      },
    });
    let message = '';
    try {
      loadAppConfig(file);
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      message = (err as Error).message;
    }
    expect(message).toContain(`${file}: deployment.organization.region: an AWS Region name`);
    expect(message).toContain(`${file}: deployment.organization.targetOuIds[0]: an OU id`);
    expect(message).toContain(`${file}: deployment.agentRoles[0].trust.repository: one repository, without wildcards`);
  });

  it('name line and column of invalid JSON', () => {
    const file = configFile('broken.json', '{\n  "deployment": {,\n}');
    expect(() => loadAppConfig(file)).toThrow(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2:\\d+: invalid JSON`),
    );
  });

  it('warns about a production tag key the config may have misspelt, and still builds', () => {
    const example = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
    const file = configFile('misspelt.json', {
      ...example,
      guardrails: { ...example.guardrails, production: { ...example.guardrails.production, tagKeys: ['enviroment'] } },
    });
    const messages: string[] = [];
    buildLeashApp(new App({ context: { config: file } }), {}, (m) => messages.push(m));
    expect(messages).toEqual([
      expect.stringContaining(
        `warning: ${file}: guardrails.production.tagKeys[0]: "enviroment" reads as a misspelling`,
      ),
    ]);
  });

  it('report guardrail spec problems under guardrails.*', () => {
    const file = configFile('spec.json', {
      guardrails: { production: { nonProductionValues: ['prod'] } },
      deployment: { organization: { targetOuIds: ['r-ab12'] } },
    });
    expect(() => buildLeashApp(new App({ context: { config: file } }), {}, () => undefined)).toThrow(
      `${file}: guardrails.production.nonProductionValues[0]: "prod" is also a production value`,
    );
  });

  it('report a destructive production grant in the config with the role path', () => {
    const file = configFile('grant.json', {
      deployment: {
        organization: { enabled: false },
        agentStack: { createBoundary: false },
        agentRoles: [
          {
            roleName: 'cleaner',
            trust: { type: 'service', service: 'bedrock.amazonaws.com' },
            grants: [{ actions: ['s3:DeleteBucket'], resources: ['*'] }],
          },
        ],
      },
    });
    expect(() => buildLeashApp(new App({ context: { config: file } }), {}, () => undefined)).toThrow(
      /^leash-agents\/Agents\/cleaner: refusing to grant writes on production resources: s3:DeleteBucket \[delete\] on "\*"/,
    );
  });
});
