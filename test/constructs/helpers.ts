// Small hand-made inputs for construct tests, so most tests do not need the (slow) real generator.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { GeneratedGuardrails, GeneratedPolicy, PolicyDocumentJson } from '../../lib/guardrails/types';
import { policySize } from '../../lib/policy';

export function generatedPolicy(
  name: string,
  statements: PolicyDocumentJson['Statement'],
  kind: 'managed' | 'scp' | 'rcp' = 'managed',
): GeneratedPolicy {
  const document: PolicyDocumentJson = { Version: '2012-10-17', Statement: statements };
  return {
    name,
    description: `test policy ${name}`,
    document,
    characters: policySize(document, kind),
    limit: kind === 'managed' ? 6144 : 5120,
  };
}

/** A boundary shaped like the generator's: an allow ceiling and a self-protection statement by ARN. */
export function smallBoundary(name = 'leash-agent-boundary'): GeneratedPolicy {
  return generatedPolicy(name, [
    { Sid: 'AllowAgentServices', Effect: 'Allow', Action: ['s3:*', 'lambda:*'], Resource: '*' },
    {
      Sid: 'DenyEditingThisBoundary',
      Effect: 'Deny',
      Action: ['iam:CreatePolicyVersion', 'iam:DeletePolicy'],
      Resource: `arn:aws:iam::*:policy/${name}`,
    },
    {
      Sid: 'DenyRequireBoundaryOnNewPrincipals',
      Effect: 'Deny',
      Action: ['iam:CreateRole'],
      Resource: '*',
      Condition: {
        ArnNotEquals: { 'iam:PermissionsBoundary': `arn:aws:iam::\${aws:PrincipalAccount}:policy/${name}` },
      },
    },
  ]);
}

/** A deny SCP padded with distinct actions up to roughly `characters`. */
export function scpOfSize(name: string, characters: number): GeneratedPolicy {
  const actions: string[] = [];
  let policy = generatedPolicy(name, [{ Effect: 'Deny', Action: actions, Resource: '*' }], 'scp');
  for (let i = 0; policy.characters < characters; i++) {
    actions.push(`ec2:DeleteThing${i}`);
    policy = generatedPolicy(name, [{ Effect: 'Deny', Action: [...actions], Resource: '*' }], 'scp');
  }
  return policy;
}

export function newStack(id = 'Test'): Stack {
  return new Stack(new App(), id, { env: { account: '111111111111', region: 'us-east-1' } });
}

/** Errors and warnings the synth attached to constructs, as `path: text`. */
export function annotations(stack: Stack, level: 'error' | 'warning' | 'info'): string[] {
  const artifact = (stack.node.root as App).synth().getStackArtifact(stack.artifactId);
  return artifact.messages
    .filter((message) => message.level === level)
    .map((message) => `${message.id}: ${String(message.entry.data)}`);
}

export function templateOf(stack: Stack): Template {
  return Template.fromStack(stack);
}

const ZERO = {
  destructive: 0,
  protectedForEveryone: 0,
  protectedForAgents: 0,
  protectedForAgentsByBoundary: 0,
  tagAware: 0,
  tagAwareProtectedForEveryone: 0,
};

/** Guardrails shaped like the generator's output, small enough to synthesize quickly. */
export function smallGuardrails(): GeneratedGuardrails {
  const boundary = smallBoundary();
  const serviceControlPolicies = [scpOfSize('leash-scp-1', 3000), scpOfSize('leash-scp-2', 500)];
  const resourceControlPolicies = [
    generatedPolicy(
      'leash-rcp-1',
      [{ Effect: 'Deny', Principal: '*', Action: 's3:DeleteBucket', Resource: '*' }],
      'rcp',
    ),
  ];
  return {
    boundary,
    serviceControlPolicies,
    resourceControlPolicies,
    placement: { levels: [] },
    coverage: {
      dataVersion: 'test',
      agents: {
        services: [],
        writes: 0,
        allowlist: [],
        allowlisted: 0,
        layers: [],
        readPatterns: [],
        readsDeniedOnProduction: [],
        sensitiveReads: [],
        writesWithoutResourceTag: [],
        tagWritesNeedNonProductionResource: [],
        createPatterns: [],
        creates: 0,
        createLookalikes: [],
        requestTagWritesNotCreates: [],
        createsNotCovered: [],
        unnamedTargets: [],
        roleFromResource: [],
        recognitions: [],
        scpCharacters: 0,
      },
      actions: [],
      totals: ZERO,
      byClass: { delete: ZERO, recreate: ZERO, tamper: ZERO, escalate: ZERO, execute: ZERO },
      byService: {},
      policySizes: [boundary, ...serviceControlPolicies, ...resourceControlPolicies].map(
        ({ name, characters, limit }) => ({
          name,
          characters,
          limit,
        }),
      ),
      caveats: ['SCPs do not apply to the management account.'],
      dropped: [],
      levels: [],
      exemptions: [],
      conditionalDeletes: [],
      arnPatterns: { patterns: [], actionsWithoutTagSupport: 0, coveredForEveryone: 0 },
    },
  };
}
