// Resource policies that name an agent's session, decided by the independent simulator
// (@cloud-copilot/iam-simulate, AGPL: bench and tests only) and by the audit's own evaluator. IAM does not cap
// a grant to a session with the permissions boundary's implicit deny, so the agent boundary alone (which keeps
// production writes out within its services by what it does not allow) lets such grants through; the SCP agent
// layer's explicit Denies stop them. The audit must read it the same way: never denied where the simulator
// allows, never allowed where it denies (it may say "depends" where it does not know the resource's other tags).
import { createValidatedPolicy, validateResourcePolicy } from '@cloud-copilot/iam-policy';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { compileAccount } from '../lib/audit/evaluate';
import { AccountSnapshot } from '../lib/audit/sources/snapshot';
import { isReadLevel } from '../lib/catalog/read-patterns';
import type { Catalog, CatalogAction } from '../lib/catalog/types';
import type { GeneratedGuardrails, GuardrailSpec } from '../lib/guardrails';
import { agentContext, agentServiceActions } from './agent-proof';
import { ACCOUNT, chooseResource, proofPolicies, type ProofPolicies } from './guardrail-proof';

export const AGENT_ROLE = `arn:aws:iam::${ACCOUNT}:role/leash-agent-worker`;
export const AGENT_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/leash-agent-worker/fix-bug`;

/** Writes of the agent services on a resource with an ARN (a resource policy governs one) a tag can match. */
export function resourceGrantActions(spec: GuardrailSpec, catalog: Catalog): CatalogAction[] {
  return agentServiceActions(spec, catalog).filter(
    (action) => !isReadLevel(action) && chooseResource(action).arn !== '*' && action.tagAware,
  );
}

/** The production resource's policy: the action granted to the agent's session. */
function sessionGrant(action: CatalogAction, arn: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: AGENT_SESSION }, Action: action.action, Resource: arn }],
  };
}

/** The simulator's answer for the agent's session on a production resource whose policy grants it the action. */
export function simulateSessionGrant(
  policies: ProofPolicies,
  spec: GuardrailSpec,
  action: CatalogAction,
  withScps: boolean,
): 'allowed' | 'denied' {
  const { arn } = chooseResource(action);
  const context = agentContext(spec, {
    action,
    state: 'production',
    layer: withScps ? 'boundary and SCPs' : 'boundary alone',
    principal: 'agent',
    tagKey: spec.production.tagKeys[0],
  });
  const resourcePolicy = createValidatedPolicy(sessionGrant(action, arn), validateResourcePolicy, {
    name: 'production-resource-policy',
  });
  if (resourcePolicy.errors.length > 0) {
    throw new Error(`${action.action}: the resource policy fails the simulator's validation`);
  }
  const allowAllOnly = (levels: ProofPolicies['serviceControlPolicies']) => [
    { orgIdentifier: 'ou-leash-production', policies: levels[0].policies.slice(0, 1) },
  ];
  const result = runUnsafeSimulation(
    {
      request: {
        principal: AGENT_SESSION,
        action: action.action,
        resource: { resource: arn, accountId: ACCOUNT },
        contextVariables: { ...context, 'aws:PrincipalArn': AGENT_ROLE },
      },
      // No identity grant at all: the resource policy alone grants it.
      identityPolicies: [],
      serviceControlPolicies: withScps
        ? policies.serviceControlPolicies
        : allowAllOnly(policies.serviceControlPolicies),
      resourceControlPolicies: allowAllOnly(policies.resourceControlPolicies),
      permissionBoundaryPolicies: [{ name: 'leash-agent-boundary', policy: policies.boundary }],
      resourcePolicy,
    },
    {},
  );
  return result === 'Allowed' ? 'allowed' : 'denied';
}

/** The audit evaluator's answers for the same requests: one snapshot holding every resource policy. */
export function evaluateSessionGrants(
  policies: ProofPolicies,
  spec: GuardrailSpec,
  catalog: Catalog,
  actions: readonly CatalogAction[],
): Map<string, 'allowed' | 'denied' | 'depends'> {
  const boundaryArn = `arn:aws:iam::${ACCOUNT}:policy/leash-agent-boundary`;
  const snapshot = AccountSnapshot.parse({
    schemaVersion: 1,
    accountId: ACCOUNT,
    source: { kind: 'authorization-details', location: 'resource-grant proof' },
    principals: [
      {
        kind: 'role',
        arn: AGENT_ROLE,
        name: 'leash-agent-worker',
        tags: { [spec.agents.principalTag.key]: spec.agents.principalTag.value },
        permissionsBoundaryArn: boundaryArn,
      },
    ],
    managedPolicies: [
      { arn: boundaryArn, name: 'leash-agent-boundary', document: policies.boundary, awsManaged: false },
    ],
    resourcePolicies: actions.map((action) => ({
      name: action.action,
      resourceArns: [chooseResource(action).arn],
      document: sessionGrant(action, chooseResource(action).arn),
    })),
  });
  const agent = compileAccount(snapshot, catalog).principal(AGENT_ROLE)!;
  const production = { [spec.production.tagKeys[0]]: spec.production.values[0] };
  return new Map(
    actions.map((action) => [
      action.action,
      agent.decide(action.action, { resourceArn: chooseResource(action).arn, resourceTags: production }).decision,
    ]),
  );
}

export interface ResourceGrantProof {
  readonly cases: number;
  /** Actions the simulator lets through with the boundary alone: the documented gap. */
  readonly boundaryAlone: readonly string[];
  /** Actions the simulator lets through with the SCP agent layer as well: required none. */
  readonly withScps: readonly string[];
  /** Actions the audit reads as denied where the simulator allows, or as allowed where it denies: required none. */
  readonly disagreements: readonly string[];
}

export function proveResourceGrants(
  generated: GeneratedGuardrails,
  spec: GuardrailSpec,
  catalog: Catalog,
  actions: readonly CatalogAction[],
): ResourceGrantProof {
  const policies = proofPolicies(generated);
  const ours = evaluateSessionGrants(policies, spec, catalog, actions);
  const boundaryAlone: string[] = [];
  const withScps: string[] = [];
  const disagreements: string[] = [];
  for (const action of actions) {
    const theirs = simulateSessionGrant(policies, spec, action, false);
    if (theirs === 'allowed') boundaryAlone.push(action.action);
    if (simulateSessionGrant(policies, spec, action, true) === 'allowed') withScps.push(action.action);
    const decision = ours.get(action.action);
    if (decision === 'denied' ? theirs === 'allowed' : decision === 'allowed' && theirs === 'denied') {
      disagreements.push(`${action.action}: audit ${decision}, simulator ${theirs}`);
    }
  }
  return { cases: actions.length, boundaryAlone, withScps, disagreements };
}
