// The agent invariant, decided by an independent simulator (@cloud-copilot/iam-simulate): production and
// untagged resources are read-only for an agent with AdministratorAccess, through the boundary alone, the
// SCPs alone and both; non-production stays usable. A jest sample of `npm run prove:guardrails`, which
// sweeps every action of the agent services under one and two production tag keys.
import {
  agentServiceActions,
  proveAgentInvariant,
  simulateAgent,
  type AgentCase,
  type AgentLayer,
  type AgentPrincipal,
  type AgentState,
} from '../../bench/agent-proof';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { proofPolicies, seededSample, type ProofPolicies } from '../../bench/guardrail-proof';
import { loadCatalog } from '../../lib/catalog';
import { checkCreatePatterns, isCreateAction } from '../../lib/catalog/create-actions';
import { checkReadPatterns, isReadLevel } from '../../lib/catalog/read-patterns';
import { roleFromResourceKey } from '../../lib/catalog/role-from-resource';
import type { CatalogAction } from '../../lib/catalog/types';
import { compileActionMatcher } from '../../lib/policy';
import {
  defaultGuardrailSpec,
  generateGuardrails,
  GuardrailSpec,
  GuardrailSpecError,
  type GeneratedGuardrails,
} from '../../lib/guardrails';
import { agentInvariantParts } from '../../lib/guardrails/agent-invariant';
import { strided, sweepStride } from '../support/sweep';

const catalog = loadCatalog();
/** The IAM writes denied on an agent's own non-production resources too (the boundary's own guards). */
const BOUNDARY_GUARDED_IAM = [
  'iam:CreateRole',
  'iam:CreateUser',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteUserPermissionsBoundary',
  'iam:PutRolePermissionsBoundary',
  'iam:PutUserPermissionsBoundary',
];
const spec = defaultGuardrailSpec();
const twoKeys = GuardrailSpec.parse({ production: { tagKeys: ['environment', 'env'] } });
const sourceIdentity = GuardrailSpec.parse({ agents: { sourceIdentityPatterns: ['agent-*'] } });

let generated: GeneratedGuardrails;
let policies: ProofPolicies;
beforeAll(() => {
  generated = generateGuardrails(spec, catalog);
  policies = proofPolicies(generated);
});

/** An ordinary administrator (no agent tag, no boundary) under FullAWSAccess and the generated SCPs. */
function simulateOrdinary(p: ProofPolicies, request: Parameters<typeof runUnsafeSimulation>[0]['request']): string {
  const result = runUnsafeSimulation(
    {
      request,
      identityPolicies: [{ name: 'AdministratorAccess', policy: p.identity }],
      serviceControlPolicies: p.serviceControlPolicies,
      resourceControlPolicies: p.resourceControlPolicies,
    },
    {},
  );
  return result === 'Allowed' ? 'allowed' : 'denied';
}

/**
 * A request of `principalArn` (with `context` beside the account keys) on `resource`, by an administrator
 * held by `layer` of the generated guardrails; the boundary only when the principal is an agent role.
 */
function decideRequest(
  request: { principalArn: string; action: string; resource: string; context: Record<string, string | string[]> },
  layer: AgentLayer,
  withBoundary: boolean,
): 'allowed' | 'denied' {
  const { principalArn, action, resource, context } = request;
  expect(catalog.get(action)?.action).toBe(action);
  const result = runUnsafeSimulation(
    {
      request: {
        principal: principalArn,
        action,
        resource: { resource, accountId: '111122223333' },
        contextVariables: {
          'aws:PrincipalArn': principalArn,
          'aws:PrincipalAccount': '111122223333',
          'aws:ResourceAccount': '111122223333',
          ...context,
        },
      },
      identityPolicies: [{ name: 'AdministratorAccess', policy: policies.identity }],
      serviceControlPolicies:
        layer === 'boundary alone'
          ? [{ orgIdentifier: 'ou-x', policies: policies.serviceControlPolicies[0].policies.slice(0, 1) }]
          : policies.serviceControlPolicies,
      resourceControlPolicies:
        layer === 'boundary alone'
          ? [{ orgIdentifier: 'ou-x', policies: policies.resourceControlPolicies[0].policies.slice(0, 1) }]
          : policies.resourceControlPolicies,
      permissionBoundaryPolicies:
        layer === 'SCPs alone' || !withBoundary
          ? undefined
          : [{ name: 'leash-agent-boundary', policy: policies.boundary }],
    },
    {},
  );
  return result === 'Allowed' ? 'allowed' : 'denied';
}

function decide(
  action: string,
  state: AgentState,
  layer: AgentLayer = 'boundary and SCPs',
  principal: AgentPrincipal = 'agent',
): string | undefined {
  const found = catalog.get(action);
  if (!found) throw new Error(`no ${action} in the catalog`);
  const c: AgentCase = { action: found, state, layer, principal, tagKey: 'environment' };
  const outcome = simulateAgent(policies, spec, c);
  return outcome.error ?? outcome.decision;
}

describe('the agent invariant over a sample of the catalog, decided by the simulator', () => {
  it('leaves no write of sqs, nor of 24 sampled actions of the other agent services, open on production or untagged resources', () => {
    const focus = ['sqs'];
    const others = agentServiceActions(spec, catalog).filter((a) => !focus.includes(a.service));
    const actions = [...focus.flatMap((s) => catalog.serviceActions(s)), ...seededSample(others, 24, 20261202)];
    const summary = proveAgentInvariant(generated, spec, catalog, actions);
    expect(summary.errors).toEqual([]);
    expect(summary.violations).toEqual([]);
    expect(summary.readsDenied).toEqual([]);
    expect(summary.overBlocks.length).toBeLessThanOrEqual(0.02 * summary.nonProductionCases);
    expect(summary.nonProductionCases).toBeGreaterThan(20);
    for (const counts of Object.values(summary.byLayer)) expect(counts.allowed).toBe(0);
  });

  it('holds for agents with two production tag keys, a resource tagged production under one and dev under the other included', () => {
    const two = generateGuardrails(twoKeys, catalog);
    const actions = seededSample(agentServiceActions(twoKeys, catalog), 12, 7);
    const summary = proveAgentInvariant(two, twoKeys, catalog, actions, { principals: ['agent'] });
    expect(summary.errors).toEqual([]);
    expect(summary.violations).toEqual([]);
    expect(summary.readsDenied).toEqual([]);
    // Two keys make every statement longer: in four SCPs at one level the MCP layer is what gives way, and
    // the coverage report says so instead of claiming it.
    const mcp = two.coverage.agents.layers.find((l) => l.layer.includes('MCP'));
    const mcpDropped = two.coverage.dropped.some((d) => d.statement.startsWith('Mcp'));
    expect(mcp?.writesAllowedOnProduction === 0).toBe(!mcpDropped);
  });

  it('holds for an administrator whose session carries an agent source identity', () => {
    const actions = seededSample(agentServiceActions(sourceIdentity, catalog), 12, 11);
    const summary = proveAgentInvariant(generateGuardrails(sourceIdentity, catalog), sourceIdentity, catalog, actions, {
      principals: ['source-identity-admin'],
    });
    expect(summary.errors).toEqual([]);
    expect(summary.violations).toEqual([]);
    expect(summary.byLayer['SCPs alone (source-identity-admin)'].swept).toBeGreaterThan(20);
  });
});

describe('the escapes and data-destroying writes of the incident are denied on production', () => {
  const escapes = [
    'ssm:SendCommand',
    'ssm:StartSession',
    'ssm:CreateAssociation',
    'ecs:ExecuteCommand',
    'lambda:InvokeFunction',
    'states:UpdateStateMachine',
    'states:StartExecution',
    'dynamodb:BatchWriteItem',
    'dynamodb:PutItem',
    'dynamodb:PartiQLUpdate',
    's3:PutObject',
    's3:PutBucketVersioning',
    'sqs:SetQueueAttributes',
    'lambda:UpdateEventSourceMapping',
    'rds:BacktrackDBCluster',
    'secretsmanager:PutSecretValue',
    'ssm:PutParameter',
    'ecr:PutImage',
    'rds:ModifyDBInstance',
    'kms:ScheduleKeyDeletion',
    'apigateway:DELETE',
    'apigateway:PATCH',
    'ecs:UpdateService',
    'lambda:PutFunctionConcurrency',
    's3:PutBucketPolicy',
    'iam:DetachRolePolicy',
    'cloudformation:UpdateStack',
  ];
  for (const layer of ['boundary alone', 'SCPs alone', 'boundary and SCPs'] as const) {
    it.each(escapes)(`denies %s on a production resource (${layer})`, (action) => {
      expect(decide(action, 'production', layer)).toBe('denied');
      expect(decide(action, 'untagged', layer)).toBe('denied');
    });
  }
  it.each(escapes)(
    'denies %s on production to an administrator whose request comes through an MCP server',
    (action) => {
      expect(decide(action, 'production', 'SCPs alone', 'mcp-admin')).toBe('denied');
    },
  );
});

describe('actions whose targets the request does not name', () => {
  // A State Manager association runs its document on the instances its Targets select (InstanceIds "*",
  // tag:environment=production), and IAM never sees them: Systems Manager authorizes only the association and
  // the document. A maintenance-window task runs on the window's targets with Systems Manager's
  // service-linked role when it names no service role. A non-production tag on the association, window or
  // document says nothing about where the commands run, so agents get none of them anywhere.
  const unnamed: [string, AgentState][] = [
    ['ssm:CreateAssociation', 'new-non-production'],
    ['ssm:CreateAssociation', 'untagged'],
    ['ssm:CreateAssociationBatch', 'new-non-production'],
    ['ssm:UpdateAssociation', 'non-production'],
    ['ssm:RegisterTaskWithMaintenanceWindow', 'non-production'],
    ['ssm:UpdateMaintenanceWindowTask', 'non-production'],
    ['ssm:RegisterTargetWithMaintenanceWindow', 'non-production'],
    ['ssm:UpdateMaintenanceWindowTarget', 'non-production'],
    // An event source mapping is authorized as the mapping alone: the function it invokes is only the
    // lambda:FunctionArn key, whose tags IAM never sees. A production function, run with its own role on
    // messages the agent sends to a queue it owns (a queue policy lets that role read it).
    ['lambda:CreateEventSourceMapping', 'new-non-production'],
    ['lambda:UpdateEventSourceMapping', 'non-production'],
    // An access point is authorized as the access point alone, and object requests through it are judged by
    // the access point's tags only (S3 User Guide, "Using tags with S3 Access Points for general purpose
    // buckets"): one tagged dev on a production bucket would open DeleteObject on every object in it.
    ['s3:CreateAccessPoint', 'new-non-production'],
  ];
  for (const layer of ['boundary alone', 'SCPs alone', 'boundary and SCPs'] as const) {
    it.each(unnamed)(`denies %s to agents on a %s resource (${layer})`, (action, state) => {
      expect(decide(action, state, layer)).toBe('denied');
    });
  }
  it.each(unnamed)('denies %s on a %s resource to an administrator through an MCP server', (action, state) => {
    expect(decide(action, state, 'SCPs alone', 'mcp-admin')).toBe('denied');
  });
  it('lets an agent delete objects through an access point tagged non-production (why creating one is denied)', () => {
    const object = 'arn:aws:s3:us-east-1:111122223333:accesspoint/dev-door/object/orders/2026.parquet';
    const context = {
      'aws:PrincipalTag/leash:agent': 'true',
      'aws:ResourceTag/environment': 'dev',
      's3:DataAccessPointArn': 'arn:aws:s3:us-east-1:111122223333:accesspoint/dev-door',
    };
    const agentArn = 'arn:aws:iam::111122223333:role/leash-agent-worker';
    const request = { principalArn: agentArn, action: 's3:DeleteObject', resource: object, context };
    expect(decideRequest(request, 'boundary and SCPs', true)).toBe('allowed');
  });
  it('names them in the coverage report', () => {
    expect(generated.coverage.agents.unnamedTargets).toEqual(
      expect.arrayContaining(['ssm:CreateAssociation', 'ssm:RegisterTaskWithMaintenanceWindow']),
    );
  });
  it('still lets agents send a command, which Systems Manager authorizes instance by instance', () => {
    expect(decide('ssm:SendCommand', 'non-production')).toBe('allowed');
    expect(decide('ssm:SendCommand', 'production')).toBe('denied');
  });
});

describe('credentials minted through an MCP server', () => {
  // Through an AWS managed MCP server, an assumed role's credentials or a new access key come back to the
  // agent, which can use them outside the server, where the MCP layer no longer applies.
  it.each(['sts:AssumeRole', 'iam:CreateAccessKey', 'iam:CreateLoginProfile', 'iam:PassRole', 'iam:TagRole'])(
    'denies %s on a non-agent principal tagged non-production to an administrator through an MCP server',
    (action) => {
      expect(decide(action, 'non-production', 'SCPs alone', 'mcp-admin')).toBe('denied');
    },
  );
});

describe('principals that are not agents, tagged non-production', () => {
  // An IAM user or role tagged non-production is writable for an agent, but it is not an agent: new access
  // keys or a console password for it, or the agent tag put on it (a role without the boundary), would let
  // the agent act as a principal no leash binds.
  const agentArn = 'arn:aws:iam::111122223333:role/leash-agent-worker';
  const decideOn = (action: string, resource: string, context: Record<string, string | string[]>, layer: AgentLayer) =>
    decideRequest(
      {
        principalArn: agentArn,
        action,
        resource,
        context: { [`aws:PrincipalTag/${spec.agents.principalTag.key}`]: spec.agents.principalTag.value, ...context },
      },
      layer,
      true,
    );
  const user = 'arn:aws:iam::111122223333:user/dev-bob';
  const role = 'arn:aws:iam::111122223333:role/dev-admin';
  const agentKey = spec.agents.principalTag.key;
  const cases: [string, string, Record<string, string | string[]>][] = [
    ['iam:CreateAccessKey', user, {}],
    ['iam:CreateLoginProfile', user, {}],
    ['iam:UpdateLoginProfile', user, {}],
    ['iam:CreateServiceSpecificCredential', user, {}],
    ['iam:TagRole', role, { [`aws:RequestTag/${agentKey}`]: 'true', 'aws:TagKeys': [agentKey] }],
    ['iam:TagUser', user, { [`aws:RequestTag/${agentKey}`]: 'true', 'aws:TagKeys': [agentKey] }],
    // Widening what a non-agent principal may do, or who may act as it: AdministratorAccess on a developer's
    // dev-tagged role and a trust policy naming an account the agent's operator holds (or code that already
    // runs as the role) writes production with no boundary in the way.
    ['iam:AttachRolePolicy', role, { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' }],
    ['iam:PutRolePolicy', role, {}],
    ['iam:UpdateAssumeRolePolicy', role, {}],
    ['iam:AttachUserPolicy', user, { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' }],
    ['iam:PutUserPolicy', user, {}],
    ['iam:ResetServiceSpecificCredential', user, {}],
    ['iam:CreatePolicyVersion', 'arn:aws:iam::111122223333:policy/dev-deployer', {}],
    ['iam:SetDefaultPolicyVersion', 'arn:aws:iam::111122223333:policy/dev-deployer', {}],
    // An identity provider is trusted by whichever roles name its ARN, production ones included: new SAML
    // metadata (or the provider deleted and made again under the same name with the agent's certificate)
    // lets sts:AssumeRoleWithSAML, which no boundary or SCP sees, into every one of them.
    ['iam:UpdateSAMLProvider', 'arn:aws:iam::111122223333:saml-provider/corp-sso', {}],
    ['iam:DeleteSAMLProvider', 'arn:aws:iam::111122223333:saml-provider/corp-sso', {}],
    ['iam:AddClientIDToOpenIDConnectProvider', 'arn:aws:iam::111122223333:oidc-provider/example.com', {}],
    ['iam:UpdateOpenIDConnectProviderThumbprint', 'arn:aws:iam::111122223333:oidc-provider/example.com', {}],
    ['iam:DeleteOpenIDConnectProvider', 'arn:aws:iam::111122223333:oidc-provider/example.com', {}],
  ];
  for (const layer of ['boundary alone', 'SCPs alone', 'boundary and SCPs'] as const) {
    it.each(cases)(`denies %s on a non-agent principal tagged non-production (${layer})`, (action, arn, context) => {
      expect(decideOn(action, arn, { 'aws:ResourceTag/environment': 'dev', ...context }, layer)).toBe('denied');
    });
  }
  it('still lets an agent make access keys for an agent user tagged non-production', () => {
    const context = { 'aws:ResourceTag/environment': 'dev', [`aws:ResourceTag/${agentKey}`]: 'true' };
    expect(decideOn('iam:CreateAccessKey', user, context, 'boundary and SCPs')).toBe('allowed');
  });
  it('leaves no IAM write open on production, and IAM usable on agent resources tagged non-production', () => {
    // npm test: every third IAM action and the six the boundary's own guards deny (all of IAM with
    // SWEEP_STRIDE=1, npm run prove:sweeps; npm run prove:guardrails sweeps it too).
    const guarded = new Set(BOUNDARY_GUARDED_IAM);
    const sample = strided(catalog.serviceActions('iam'), sweepStride(3), (a) => guarded.has(a.action));
    const summary = proveAgentInvariant(generated, spec, catalog, sample);
    expect(summary.errors).toEqual([]);
    expect(summary.violations).toEqual([]);
    expect(summary.readsDenied).toEqual([]);
    // Only the boundary's own guards (a new principal without the boundary and the agent tag, a boundary
    // removed or replaced: the swept requests name none) deny IAM writes on an agent's own resources.
    expect([...new Set(summary.overBlocks.map((o) => o.action))].sort()).toEqual(BOUNDARY_GUARDED_IAM);
  });
  it('still lets an agent give an agent role tagged non-production a policy (the boundary caps it)', () => {
    const context = { 'aws:ResourceTag/environment': 'dev', [`aws:ResourceTag/${agentKey}`]: 'true' };
    for (const action of [
      'iam:AttachRolePolicy',
      'iam:PutRolePolicy',
      'iam:UpdateAssumeRolePolicy',
      'iam:DeleteRole',
    ]) {
      expect(decideOn(action, role, context, 'boundary and SCPs')).toBe('allowed');
    }
  });
});

describe('stack operations that run with the role the stack already holds', () => {
  // A non-production stack whose service role is the deployment pipeline's (exempt from every SCP): an
  // update or deletion that names no RoleARN runs with that role, and IAM checks no iam:PassRole, so the
  // agent's template (a function running as the pipeline role, say) would act on production. Agents must name
  // the role, and the PassRole guard lets them name only agent roles.
  const stack = 'arn:aws:cloudformation:us-east-1:111122223333:stack/dev-api/1';
  const decideStack = (action: string, context: Record<string, string>, layer: AgentLayer, principal = 'agent') =>
    decideRequest(
      {
        principalArn:
          principal === 'agent'
            ? 'arn:aws:iam::111122223333:role/leash-agent-worker'
            : 'arn:aws:iam::111122223333:role/admin',
        action,
        resource: stack,
        context: {
          'aws:ResourceTag/environment': 'dev',
          ...(principal === 'agent'
            ? { [`aws:PrincipalTag/${spec.agents.principalTag.key}`]: spec.agents.principalTag.value }
            : { 'aws:ViaAWSMCPService': 'true' }),
          ...context,
        },
      },
      layer,
      principal === 'agent',
    );
  const named = { 'cloudformation:RoleArn': 'arn:aws:iam::111122223333:role/leash-agent-deployer' };
  const actions = ['cloudformation:UpdateStack', 'cloudformation:DeleteStack', 'cloudformation:CreateChangeSet'];
  for (const layer of ['boundary alone', 'SCPs alone', 'boundary and SCPs'] as const) {
    it.each(actions)(`denies %s on a non-production stack when it names no role (${layer})`, (action) => {
      expect(decideStack(action, {}, layer)).toBe('denied');
    });
    it.each(actions)(`allows %s on a non-production stack when it names a role (${layer})`, (action) => {
      expect(decideStack(action, named, layer)).toBe('allowed');
    });
  }
  it('denies it to an administrator through an MCP server too', () => {
    expect(decideStack('cloudformation:UpdateStack', {}, 'SCPs alone', 'mcp-admin')).toBe('denied');
  });
  it('still lets agents create a new stack without a role (it runs with their own credentials)', () => {
    expect(
      decideStack('cloudformation:CreateStack', { 'aws:RequestTag/environment': 'dev' }, 'boundary and SCPs'),
    ).toBe('allowed');
  });
  it('covers, over the whole catalog, every write of an agent service that names its role in a condition key', () => {
    // The patterns must reach each action that lists the naming key (but the exceptions) and nothing else
    // but the stack-instance operations, whose Deny on the absent key always applies and is meant to.
    const parts = agentInvariantParts(spec, catalog);
    const matcher = compileActionMatcher(parts.roleFromResource.flatMap((group) => group.patterns));
    const listsKey = (a: CatalogAction) =>
      [...a.conditionKeys, ...a.resourceTypes.flatMap((t) => t.conditionKeys)].some((k) => /:rolearn$/i.test(k));
    const reached = agentServiceActions(spec, catalog).filter((a) => matcher(a.action));
    expect(reached.filter((a) => isReadLevel(a))).toEqual([]);
    expect(
      reached.filter((a) => !roleFromResourceKey(a) && !/StackInstances$/.test(a.name)).map((a) => a.action),
    ).toEqual([]);
    const missed = agentServiceActions(spec, catalog).filter((a) => roleFromResourceKey(a) && !matcher(a.action));
    expect(missed.map((a) => a.action)).toEqual([]);
    const unguarded = agentServiceActions(spec, catalog)
      .filter((a) => a.service === 'cloudformation' && listsKey(a) && !roleFromResourceKey(a))
      .map((a) => a.action);
    // Only the documented exceptions: a new stack runs with the caller's credentials; a rollback returns to
    // the template the stack had.
    expect(unguarded.sort()).toEqual([
      'cloudformation:ContinueUpdateRollback',
      'cloudformation:CreateStack',
      'cloudformation:RollbackStack',
    ]);
  });

  it('names them in the coverage report', () => {
    expect(generated.coverage.agents.roleFromResource).toEqual(
      expect.arrayContaining(['cloudformation:UpdateStack', 'cloudformation:DeleteStack']),
    );
    expect(generated.coverage.agents.roleFromResource).not.toContain('cloudformation:CreateStack');
  });
});

describe('tag stripping', () => {
  it('denies everyone removing every tag of a production instance with ec2:DeleteTags and no tag keys', () => {
    const deleteTags = catalog.get('ec2:DeleteTags');
    if (!deleteTags) throw new Error('ec2:DeleteTags missing');
    const strip = {
      request: {
        principal: `arn:aws:iam::111122223333:role/app-team-admin`,
        action: 'ec2:DeleteTags',
        resource: { resource: 'arn:aws:ec2:us-east-1:111122223333:instance/i-1', accountId: '111122223333' },
        contextVariables: {
          'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/app-team-admin',
          'aws:ResourceTag/environment': 'production',
        },
      },
    };
    const c = {
      action: deleteTags,
      state: 'production' as const,
      layer: 'SCPs alone' as const,
      principal: 'agent' as const,
      tagKey: 'environment',
    };
    // The agent is denied by its layer whatever the keys; an ordinary role by the everyone-tier strip deny.
    expect(simulateAgent(policies, spec, c).decision).toBe('denied');
    expect(simulateOrdinary(policies, strip.request)).toBe('denied');
  });
});

describe('non-production stays usable', () => {
  it.each(['s3:DeleteObject', 'dynamodb:PutItem', 'lambda:UpdateFunctionCode', 'ssm:PutParameter', 'sqs:PurgeQueue'])(
    'allows %s on a resource tagged non-production',
    (action) => {
      expect(decide(action, 'non-production')).toBe('allowed');
    },
  );
  it('allows creating a resource the request tags non-production, and denies it untagged or tagged production', () => {
    expect(decide('dynamodb:CreateTable', 'new-non-production')).toBe('allowed');
    expect(decide('dynamodb:CreateTable', 'untagged')).toBe('denied');
    expect(decide('dynamodb:CreateTable', 'new-production')).toBe('denied');
  });
  it('with two production tag keys, creates what the request tags non-production under the first key, never a mix with production', () => {
    const two = proofPolicies(generateGuardrails(twoKeys, catalog));
    const createTable = catalog.get('dynamodb:CreateTable');
    const stackInstances = catalog.get('cloudformation:CreateStackInstances');
    if (!createTable || !stackInstances) throw new Error('catalog lacks the sampled creates');
    const decideTwo = (action: typeof createTable, state: AgentState, layer: AgentLayer, tagKey: string) =>
      simulateAgent(two, twoKeys, { action, state, layer, principal: 'agent', tagKey }).decision;
    for (const layer of ['boundary alone', 'SCPs alone', 'boundary and SCPs'] as const) {
      expect({ layer, decision: decideTwo(createTable, 'new-non-production', layer, 'environment') }).toEqual({
        layer,
        decision: 'allowed',
      });
      for (const tagKey of ['environment', 'env']) {
        expect({ layer, tagKey, decision: decideTwo(createTable, 'new-mixed', layer, tagKey) }).toEqual({
          layer,
          tagKey,
          decision: 'denied',
        });
      }
    }
    // CreateStackInstances sends aws:TagKeys but not aws:RequestTag: a tag key alone must not open it.
    expect(decideTwo(stackInstances, 'new-production', 'boundary alone', 'environment')).toBe('denied');
  });
  it('denies launching an instance into a production-tagged subnet even when the request tags the instance dev', () => {
    const runInstances = catalog.get('ec2:RunInstances');
    if (!runInstances) throw new Error('ec2:RunInstances missing');
    // The subnet is one of RunInstances' resources; the proof picks the first that carries tags.
    expect(decide('ec2:RunInstances', 'production-retagged')).toBe('denied');
  });
  it('reads production but not its secret values', () => {
    expect(decide('dynamodb:GetItem', 'production')).toBe('allowed');
    expect(decide('ec2:DescribeInstances', 'production')).toBe('allowed');
    expect(decide('secretsmanager:GetSecretValue', 'production')).toBe('denied');
    expect(decide('secretsmanager:GetSecretValue', 'non-production')).toBe('allowed');
    expect(decide('ssm:GetParameter', 'untagged')).toBe('denied');
  });
  it('does not let a request tag make a production or untagged resource writable by retagging it', () => {
    expect(decide('lambda:TagResource', 'production-retagged')).toBe('denied');
    expect(decide('lambda:TagResource', 'new-non-production')).toBe('denied');
    expect(decide('lambda:TagResource', 'non-production')).toBe('allowed');
  });
});

describe('a request tag opens creates only, never an existing untagged resource', () => {
  // Writes that accept request tags but change an existing resource: with no resource tag and a
  // non-production request tag they look exactly like a create.
  const nonCreates = [
    'cloudformation:UpdateStack',
    'cloudformation:UpdateStackSet',
    'cloudwatch:PutMetricAlarm',
    'secretsmanager:PutSecretValue',
    'secretsmanager:UpdateSecret',
    'ssm:PutParameter',
    'events:PutRule',
    'states:UpdateStateMachine',
    'ec2:ModifyInstanceAttribute',
    'ec2:StartInstances',
    'ec2:AuthorizeSecurityGroupIngress',
    'ec2:CreateNetworkInterfacePermission',
    'ecs:RegisterTaskDefinition',
  ];
  for (const layer of ['boundary alone', 'SCPs alone', 'boundary and SCPs'] as const) {
    it.each(nonCreates)(`denies %s on an untagged resource whatever the request tags say (${layer})`, (action) => {
      expect(isCreateAction(catalog.get(action)!)).toBe(false);
      expect(decide(action, 'untagged-retagged', layer)).toBe('denied');
    });
  }
  // Creates that also delete, recreate, escalate or tamper act on something that already exists (the
  // instance whose root volume is replaced, the template that gets a new version): an untagged one sends no
  // aws:ResourceTag, exactly like the new resource, so the request tag must not vouch for it.
  const existingChanged = ['ec2:CreateReplaceRootVolumeTask', 'ec2:CreateLaunchTemplateVersion'];
  for (const layer of ['boundary alone', 'SCPs alone', 'boundary and SCPs'] as const) {
    it.each(existingChanged)(`denies %s on an untagged resource whatever the request tags say (${layer})`, (action) => {
      expect(catalog.get(action)!.classes.some((c) => c !== 'execute')).toBe(true);
      expect(decide(action, 'untagged-retagged', layer)).toBe('denied');
      expect(isCreateAction(catalog.get(action)!)).toBe(false);
    });
  }
  // A create whose request also names an existing resource it changes: an untagged instance rebooted for an
  // image, an untagged database a blue/green switchover will replace, untagged route tables a gateway
  // endpoint adds routes to. The request tag for the new image or deployment must not vouch for them.
  describe('creates that change an untagged resource they name', () => {
    const agentArn = 'arn:aws:iam::111122223333:role/leash-agent-worker';
    const requestTag = { 'aws:RequestTag/environment': 'dev', 'aws:TagKeys': ['environment'] };
    const on = (action: string, resource: string, resourceTag?: string, layer: AgentLayer = 'boundary alone') =>
      decideRequest(
        {
          principalArn: agentArn,
          action,
          resource,
          context: {
            'aws:PrincipalTag/leash:agent': 'true',
            ...requestTag,
            ...(resourceTag ? { 'aws:ResourceTag/environment': resourceTag } : {}),
          },
        },
        layer,
        layer !== 'SCPs alone',
      );
    const instance = 'arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0';
    it.each([
      ['ec2:CreateImage', instance],
      ['rds:CreateBlueGreenDeployment', 'arn:aws:rds:us-east-1:111122223333:db:orders'],
      ['rds:CreateBlueGreenDeployment', 'arn:aws:rds:us-east-1:111122223333:cluster:orders'],
      ['ec2:CreateVpcEndpoint', 'arn:aws:ec2:us-east-1:111122223333:route-table/rtb-0123456789abcdef0'],
    ])('denies %s on the untagged %s, through the boundary and through the SCPs', (action, resource) => {
      expect(on(action, resource)).toBe('denied');
      expect(on(action, resource, 'production')).toBe('denied');
      expect(on(action, resource, undefined, 'SCPs alone')).toBe('denied');
    });
    it('still makes an image of an instance tagged non-production, the new image tagged by the request', () => {
      for (const layer of ['boundary alone', 'SCPs alone', 'boundary and SCPs'] as const) {
        expect(on('ec2:CreateImage', instance, 'dev', layer)).toBe('allowed');
        expect(on('ec2:CreateImage', 'arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0', undefined, layer)).toBe(
          'allowed',
        );
      }
    });
    it('reports the statement as dropped where the boundary has no room for it (two production tag keys)', () => {
      const dropped = generateGuardrails(twoKeys, catalog).coverage.dropped.map((d) => d.statement);
      expect(dropped).toContain('DenyUntaggedChangedByCreate');
    });
  });
  it('still allows ec2:CreateLaunchTemplateVersion on a launch template tagged non-production', () => {
    expect(decide('ec2:CreateLaunchTemplateVersion', 'non-production')).toBe('allowed');
  });
  it.each([
    'dynamodb:CreateTable',
    'cloudformation:CreateStack',
    'ec2:RunInstances',
    'ec2:CreateVolume',
    'rds:RestoreDBInstanceFromDBSnapshot',
    'lambda:CreateFunction',
    'ssm:CreateDocument',
  ])('still allows %s when the request tags the new resource non-production', (action) => {
    expect(isCreateAction(catalog.get(action)!)).toBe(true);
    for (const layer of ['boundary alone', 'SCPs alone', 'boundary and SCPs'] as const) {
      expect(decide(action, 'new-non-production', layer)).toBe('allowed');
      expect(decide(action, 'new-production', layer)).toBe('denied');
    }
  });
  it.each([
    ['cloudformation', 'ec2', 'ecs', 'rds', 's3', 'iam', 'ssm'],
    ['glue', 'athena', 'bedrock', 'sagemaker'],
  ])('uses create patterns that match no other write carrying request tags (services %s...)', (...services) => {
    const custom = GuardrailSpec.parse({ agents: { allowedServices: services, sensitiveReads: [] } });
    const parts = agentInvariantParts(custom, catalog);
    const check = checkCreatePatterns(catalog, services, parts.creates, parts.createExceptions);
    expect(check.wrong).toEqual([]);
    expect(check.missed).toEqual([]);
    expect(check.reached.length).toBeGreaterThan(20);
    // The lookalikes are named exactly in a deny that needs the resource itself tagged non-production.
    expect(
      checkCreatePatterns(catalog, services, parts.creates)
        .wrong.map((w) => w.action.action)
        .sort(),
    ).toEqual([...parts.createExceptions].sort());
  });
});

describe('read patterns', () => {
  it('reach only Read and List actions of the agent services, and every read-verb read but the sensitive ones', () => {
    const parts = agentInvariantParts(spec, catalog);
    const check = checkReadPatterns(catalog, spec.agents.allowedServices, parts.readsAndAllowlist);
    expect(check.writes).toEqual([]);
    expect(check.reached.length).toBeGreaterThan(900);
    expect(check.reached.map((a) => a.action)).not.toContain('secretsmanager:GetSecretValue');
    expect(parts.readsAndAllowlist.every((p) => !p.startsWith('*'))).toBe(true);
  });
  it.each([
    ['s3', 'ec2'],
    ['glue', 'athena', 'bedrock'],
    ['states', 'sts', 'kms'],
  ])('are exact for the services %s too (any allowedServices)', (...services) => {
    const custom = GuardrailSpec.parse({ agents: { allowedServices: services, sensitiveReads: [] } });
    const parts = agentInvariantParts(custom, catalog);
    expect(checkReadPatterns(catalog, services, parts.readsAndAllowlist).writes).toEqual([]);
  });
});

describe('agent settings', () => {
  it('refuses an allowlist entry that escalates, runs code or names an unknown action', () => {
    for (const entry of [
      'iam:AttachRolePolicy',
      'lambda:InvokeFunction',
      's3:PutObjectX',
      'glue:CreateJob',
      's3:GetObject',
      'ssm:RegisterTaskWithMaintenanceWindow',
    ]) {
      const bad = GuardrailSpec.parse({ agents: { productionWriteAllowlist: [entry] } });
      expect(() => generateGuardrails(bad, catalog)).toThrow(GuardrailSpecError);
    }
  });
  it('lets an allowlisted write through on production, and nothing else', () => {
    const allow = GuardrailSpec.parse({ agents: { productionWriteAllowlist: ['sqs:SendMessage'] } });
    const out = generateGuardrails(allow, catalog);
    const summary = proveAgentInvariant(
      out,
      allow,
      catalog,
      ['sqs:SendMessage', 'sqs:PurgeQueue'].map((a) => catalog.get(a)!),
    );
    expect(summary.violations).toEqual([]);
    expect(out.coverage.agents.allowlisted).toBe(1);
    const p = proofPolicies(out);
    const c = {
      action: catalog.get('sqs:SendMessage')!,
      state: 'production' as const,
      layer: 'boundary and SCPs' as const,
      principal: 'agent' as const,
      tagKey: 'environment',
    };
    expect(simulateAgent(p, allow, c).decision).toBe('allowed');
  });
  it('refuses a bare wildcard in the allowlist at parse time', () => {
    expect(() => GuardrailSpec.parse({ agents: { productionWriteAllowlist: ['*'] } })).toThrow();
    expect(() => GuardrailSpec.parse({ agents: { productionWriteAllowlist: ['s3:*'] } })).toThrow();
  });
});

describe('the coverage report', () => {
  it('says agents can write nothing on production or untagged resources, per layer', () => {
    const { agents } = generated.coverage;
    expect(agents.layers.length).toBeGreaterThanOrEqual(3);
    for (const layer of agents.layers) {
      expect(layer.writesAllowedOnProduction).toBe(0);
      expect(layer.writesAllowedOnUntagged).toBe(0);
      expect(layer.writes).toBeGreaterThan(1000);
    }
    expect(agents.recognitions.some((r) => r.includes('aws:ViaAWSMCPService'))).toBe(true);
  });
  it('keeps the boundary within 6,144 characters with one and two production tag keys', () => {
    expect(generated.boundary.characters).toBeLessThanOrEqual(6144);
    expect(generateGuardrails(twoKeys, catalog).boundary.characters).toBeLessThanOrEqual(6144);
  });
});
