// An agent whose session a production resource's policy names. IAM does not cap a grant to a session with the
// permissions boundary's implicit deny, so the agent boundary alone, which keeps production writes out within
// its services by what it does not allow, does not hold then; the SCP agent layer's explicit Denies do. Decided
// by the independent simulator (@cloud-copilot/iam-simulate) over a sample of the agent services' writes, and
// matched by the audit's own evaluator (docs/deploy.md, "What an agent can and cannot do once deployed").
import { createValidatedPolicy, validateResourcePolicy } from '@cloud-copilot/iam-policy';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { agentContext, agentServiceActions } from '../../bench/agent-proof';
import { ACCOUNT, chooseResource, proofPolicies, seededSample, type ProofPolicies } from '../../bench/guardrail-proof';
import { compileAccount } from '../../lib/audit/evaluate';
import { AccountSnapshot } from '../../lib/audit/sources/snapshot';
import { loadCatalog } from '../../lib/catalog';
import { isReadLevel } from '../../lib/catalog/read-patterns';
import type { CatalogAction } from '../../lib/catalog/types';
import { defaultGuardrailSpec, generateGuardrails } from '../../lib/guardrails';

const catalog = loadCatalog();
const spec = defaultGuardrailSpec();
const ROLE = `arn:aws:iam::${ACCOUNT}:role/leash-agent-worker`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/leash-agent-worker/fix-bug`;

let policies: ProofPolicies;
let writes: CatalogAction[];
beforeAll(() => {
  policies = proofPolicies(generateGuardrails(spec, catalog));
  // Writes on a resource with an ARN (a resource policy governs one) that a tag can match: production by its tag.
  const candidates = agentServiceActions(spec, catalog).filter(
    (action) => !isReadLevel(action) && chooseResource(action).arn !== '*' && action.tagAware,
  );
  writes = seededSample(candidates, 60, 20261205);
});

/** The request of the agent's session on a production resource whose policy grants that session the action. */
function simulate(action: CatalogAction, withScps: boolean): 'allowed' | 'denied' {
  const { arn } = chooseResource(action);
  const context = agentContext(spec, {
    action,
    state: 'production',
    layer: withScps ? 'boundary and SCPs' : 'boundary alone',
    principal: 'agent',
    tagKey: spec.production.tagKeys[0],
  });
  const result = runUnsafeSimulation(
    {
      request: {
        principal: SESSION,
        action: action.action,
        resource: { resource: arn, accountId: ACCOUNT },
        contextVariables: { ...context, 'aws:PrincipalArn': ROLE },
      },
      // No identity grant at all: the resource policy alone grants it.
      identityPolicies: [],
      serviceControlPolicies: withScps
        ? policies.serviceControlPolicies
        : [{ orgIdentifier: 'ou-leash-production', policies: policies.serviceControlPolicies[0].policies.slice(0, 1) }],
      resourceControlPolicies: [
        { orgIdentifier: 'ou-leash-production', policies: policies.resourceControlPolicies[0].policies.slice(0, 1) },
      ],
      permissionBoundaryPolicies: [{ name: 'leash-agent-boundary', policy: policies.boundary }],
      resourcePolicy: resourcePolicy(action, arn),
    },
    {},
  );
  return result === 'Allowed' ? 'allowed' : 'denied';
}

/** The production resource's policy: the action granted to the agent's session, checked by the simulator. */
function resourcePolicy(action: CatalogAction, arn: string): unknown {
  const document = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: SESSION }, Action: action.action, Resource: arn }],
  };
  const validated = createValidatedPolicy(document, validateResourcePolicy, { name: 'production-resource-policy' });
  expect(validated.errors).toEqual([]);
  return validated;
}

describe("a resource policy that names an agent's session", () => {
  it('is not capped by the agent boundary alone: the agent can write production through it', () => {
    const allowed = writes.filter((action) => simulate(action, false) === 'allowed');
    // Most writes get through; those the boundary denies explicitly (its other services) do not.
    expect(allowed.length).toBeGreaterThan(writes.length / 2);
  });

  it('is stopped by the SCP agent layer, whose production statements are explicit Denies: every write', () => {
    expect(writes.filter((action) => simulate(action, true) === 'allowed').map((a) => a.action)).toEqual([]);
  });

  it("is read by the audit's evaluator as the simulator reads it, boundary alone", () => {
    const snapshot = AccountSnapshot.parse({
      schemaVersion: 1,
      accountId: ACCOUNT,
      source: { kind: 'authorization-details', location: 'test' },
      principals: [
        {
          kind: 'role',
          arn: ROLE,
          name: 'leash-agent-worker',
          tags: { [spec.agents.principalTag.key]: spec.agents.principalTag.value },
          permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/leash-agent-boundary`,
        },
      ],
      managedPolicies: [
        {
          arn: `arn:aws:iam::${ACCOUNT}:policy/leash-agent-boundary`,
          name: 'leash-agent-boundary',
          document: policies.boundary,
          awsManaged: false,
        },
      ],
      resourcePolicies: writes.map((action) => ({
        name: action.action,
        resourceArns: [chooseResource(action).arn],
        document: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: SESSION },
              Action: action.action,
              Resource: chooseResource(action).arn,
            },
          ],
        },
      })),
    });
    const agent = compileAccount(snapshot, catalog).principal(ROLE)!;
    const production = { [spec.production.tagKeys[0]]: spec.production.values[0] };
    const disagreements = writes.filter((action) => {
      const ours = agent.decide(action.action, { resourceArn: chooseResource(action).arn, resourceTags: production });
      // Ours may depend on a key the simulator is handed outright (the resource's other tags, which the audit
      // does not know); it is never denied where the simulator allows, nor allowed where it denies.
      const theirs = simulate(action, false);
      return ours.decision === 'denied' ? theirs === 'allowed' : ours.decision === 'allowed' && theirs === 'denied';
    });
    expect(disagreements.map((a) => a.action)).toEqual([]);
  });
});
