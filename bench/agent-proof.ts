// Proof of the agent invariant: every action of the agent services, in every resource state, through the
// boundary alone, the SCPs alone and both, decided by @cloud-copilot/iam-simulate (AGPL: bench and tests
// only). Production and untagged resources must stay read-only for an agent whose identity policy is
// AdministratorAccess (and for an administrator whose request comes through an AWS managed MCP server or
// carries an agent source identity); non-production must stay usable.
import { runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { isCreateAction } from '../lib/catalog/create-actions';
import { isReadLevel } from '../lib/catalog/read-patterns';
import type { Catalog, CatalogAction } from '../lib/catalog/types';
import type { GeneratedGuardrails, GuardrailSpec } from '../lib/guardrails';
import { agentInvariantParts, allowlistMatcher } from '../lib/guardrails/agent-invariant';
import { compileActionMatcher } from '../lib/policy';
import { ACCOUNT, chooseResource, listsKey, proofPolicies, type ProofPolicies } from './guardrail-proof';

/** Resource states of the sweep; `new-*` are creates (no aws:ResourceTag, the request tags the resource). */
export type AgentState =
  | 'production'
  | 'production-retagged'
  | 'untagged'
  | 'untagged-retagged'
  | 'non-production'
  | 'new-non-production'
  | 'new-production'
  | 'mixed-tags'
  | 'new-mixed';
export const AGENT_STATES: readonly AgentState[] = [
  'production',
  'production-retagged',
  'untagged',
  'untagged-retagged',
  'non-production',
  'new-non-production',
  'new-production',
];

/** Who makes the request: an agent by tag, or an administrator recognised by MCP or source identity. */
export type AgentPrincipal = 'agent' | 'mcp-admin' | 'source-identity-admin';
export type AgentLayer = 'boundary alone' | 'SCPs alone' | 'boundary and SCPs';
export const AGENT_LAYERS: readonly AgentLayer[] = ['boundary alone', 'SCPs alone', 'boundary and SCPs'];

/** States where the invariant wants every non-read denied (production, untagged, or made to look new). */
const READ_ONLY_STATES: ReadonlySet<AgentState> = new Set([
  'production',
  'production-retagged',
  'untagged',
  'untagged-retagged',
  'new-production',
  'mixed-tags',
  'new-mixed',
]);

export interface AgentCase {
  readonly action: CatalogAction;
  readonly state: AgentState;
  readonly layer: AgentLayer;
  readonly principal: AgentPrincipal;
  /** The production tag key under test (several keys: production under each in turn). */
  readonly tagKey: string;
  /**
   * The resource also carries the agent tag: an agent's own role, user, policy or provider, the only IAM
   * resources the act-as guard lets agents change (AgentInvariantParts.actAsPrincipal).
   */
  readonly agentResource?: boolean;
}

function principalArnOf(principal: AgentPrincipal): string {
  if (principal === 'agent') return `arn:aws:iam::${ACCOUNT}:role/leash-agent-worker`;
  return `arn:aws:iam::${ACCOUNT}:role/platform-admin`;
}

/** The request context: principal facts, then tags only where the reference lists the key for the action. */
export function agentContext(spec: GuardrailSpec, c: AgentCase): Record<string, string | string[]> {
  const { keys } = chooseResource(c.action);
  const context: Record<string, string | string[]> = {
    'aws:PrincipalArn': principalArnOf(c.principal),
    'aws:PrincipalAccount': ACCOUNT,
    'aws:ResourceAccount': ACCOUNT,
    'aws:PrincipalIsAWSService': 'false',
  };
  if (c.principal === 'agent')
    context[`aws:PrincipalTag/${spec.agents.principalTag.key}`] = spec.agents.principalTag.value;
  if (c.principal === 'mcp-admin') {
    context['aws:ViaAWSMCPService'] = 'true';
    context['aws:CalledViaAWSMCP'] = 'aws-mcp.amazonaws.com';
  }
  if (c.principal === 'source-identity-admin') {
    const pattern = spec.agents.sourceIdentityPatterns[0] ?? 'agent-*';
    context['aws:SourceIdentity'] = pattern.replace(/\*/g, 'x').replace(/\?/g, 'y');
  }
  const production = spec.production.values[0];
  const nonProduction = spec.production.nonProductionValues[0];
  const resourceTag: Record<string, string> = {};
  const requestTag: Record<string, string> = {};
  switch (c.state) {
    case 'production':
      resourceTag[c.tagKey] = production;
      break;
    case 'production-retagged':
      resourceTag[c.tagKey] = production;
      requestTag[c.tagKey] = nonProduction;
      break;
    case 'non-production':
      resourceTag[spec.production.tagKeys[0]] = nonProduction;
      break;
    case 'untagged-retagged':
    case 'new-non-production':
      requestTag[spec.production.tagKeys[0]] = nonProduction;
      break;
    case 'new-production':
      requestTag[c.tagKey] = production;
      break;
    case 'mixed-tags':
      for (const k of spec.production.tagKeys) resourceTag[k] = k === c.tagKey ? production : nonProduction;
      break;
    case 'new-mixed':
      // A create tagging the new resource non-production under one key and production under another.
      for (const k of spec.production.tagKeys) requestTag[k] = k === c.tagKey ? production : nonProduction;
      break;
    case 'untagged':
      break;
  }
  if (c.agentResource) resourceTag[spec.agents.principalTag.key] = spec.agents.principalTag.value;
  if (listsKey(keys, 'aws:resourcetag/')) {
    for (const [k, v] of Object.entries(resourceTag)) context[`aws:ResourceTag/${k}`] = v;
  }
  if (listsKey(keys, 'aws:requesttag/')) {
    for (const [k, v] of Object.entries(requestTag)) context[`aws:RequestTag/${k}`] = v;
  }
  // A tag write names the production key (the dangerous case: changing or removing it).
  if (c.action.accessLevel === 'Tagging' && listsKey(keys, 'aws:tagkeys')) context['aws:TagKeys'] = [c.tagKey];
  // Any other write that carries request tags names their keys in aws:TagKeys too (a service may send the
  // keys without aws:RequestTag: the boundary must not take one for the other).
  else if (Object.keys(requestTag).length > 0 && !isReadLevel(c.action) && listsKey(keys, 'aws:tagkeys')) {
    context['aws:TagKeys'] = Object.keys(requestTag);
  }
  return context;
}

export function simulateAgent(
  policies: ProofPolicies,
  spec: GuardrailSpec,
  c: AgentCase,
): { decision?: 'allowed' | 'denied'; error?: string } {
  const { arn } = chooseResource(c.action);
  const withBoundary = c.layer !== 'SCPs alone' && c.principal === 'agent';
  const withOrganization = c.layer !== 'boundary alone';
  const simulation: Simulation = {
    request: {
      principal: principalArnOf(c.principal),
      action: c.action.action,
      resource: { resource: arn, accountId: ACCOUNT },
      contextVariables: agentContext(spec, c),
    },
    identityPolicies: [{ name: 'AdministratorAccess', policy: policies.identity }],
    // With the organization: every level the placement plan uses; without: one level holding only the
    // AWS-managed allow-all policy.
    serviceControlPolicies: withOrganization
      ? policies.serviceControlPolicies
      : [{ orgIdentifier: 'ou-leash-production', policies: policies.serviceControlPolicies[0].policies.slice(0, 1) }],
    resourceControlPolicies: withOrganization
      ? policies.resourceControlPolicies
      : [{ orgIdentifier: 'ou-leash-production', policies: policies.resourceControlPolicies[0].policies.slice(0, 1) }],
    permissionBoundaryPolicies: withBoundary
      ? [{ name: 'leash-agent-boundary', policy: policies.boundary }]
      : undefined,
    resourcePolicy: arn.startsWith('arn:aws:kms:') ? policies.keyPolicy : undefined,
  };
  try {
    return { decision: runUnsafeSimulation(simulation, {}) === 'Allowed' ? 'allowed' : 'denied' };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

export interface AgentFinding {
  readonly action: string;
  readonly state: AgentState;
  readonly layer: AgentLayer;
  readonly principal: AgentPrincipal;
  readonly tagKey: string;
  readonly detail?: string;
}

export interface AgentProofSummary {
  readonly cases: number;
  /** Writes (and sensitive or unreached reads) allowed on production, untagged or look-alike-new: must be 0. */
  readonly violations: AgentFinding[];
  /** Reads the patterns reach, denied somewhere: must be 0 outside sensitive reads. */
  readonly readsDenied: AgentFinding[];
  /** Tag-aware writes (not tag writes) denied on a resource tagged non-production, by action. */
  readonly overBlocks: AgentFinding[];
  /** Non-production cases swept (tag-aware non-reads), the denominator of the over-block rate. */
  readonly nonProductionCases: number;
  /** Creates (lib/catalog/create-actions) and how many went through with a non-production request tag. */
  readonly creates: { readonly swept: number; readonly allowed: number };
  /** The create cases denied with a non-production request tag (over-blocks of creating). */
  readonly createsDenied: AgentFinding[];
  readonly errors: AgentFinding[];
  /** Production writes allowed / swept per layer (the coverage report's line, from the simulator). */
  readonly byLayer: Record<string, { readonly swept: number; readonly allowed: number }>;
}

export interface AgentSweepOptions {
  readonly principals?: readonly AgentPrincipal[];
  readonly layers?: readonly AgentLayer[];
}

/**
 * Sweeps `actions` × states × layers × principals. Production is swept under each configured tag key; with
 * several keys, a resource tagged production under one key and non-production under the others too.
 */
export function proveAgentInvariant(
  generated: GeneratedGuardrails,
  spec: GuardrailSpec,
  catalog: Catalog,
  actions: readonly CatalogAction[],
  options: AgentSweepOptions = {},
): AgentProofSummary {
  const policies = proofPolicies(generated);
  const parts = agentInvariantParts(spec, catalog);
  const isRead = compileActionMatcher(parts.readsAndAllowlist);
  const allowlisted = allowlistMatcher(spec, catalog);
  // Actions whose targets the request does not name: denied to agents in every state, non-production too.
  const unnamedTargets = compileActionMatcher(parts.unnamedTargets);
  // Stack operations that run with the stack's role unless the request names one: the swept requests name
  // none, so they are denied in every state too.
  const roleFromResource = compileActionMatcher(parts.roleFromResource.flatMap((g) => g.patterns));
  // IAM writes the act-as guard keeps to agent-tagged resources: non-production means an agent's own one.
  const actAsPrincipal = compileActionMatcher(parts.actAsPrincipal);
  const principals =
    options.principals ??
    ([
      'agent',
      'mcp-admin',
      ...(spec.agents.sourceIdentityPatterns.length > 0 ? ['source-identity-admin'] : []),
    ] as AgentPrincipal[]);
  const layers = options.layers ?? AGENT_LAYERS;
  const states: AgentState[] = [
    ...AGENT_STATES,
    ...(spec.production.tagKeys.length > 1 ? (['mixed-tags', 'new-mixed'] as const) : []),
  ];
  const summary = {
    cases: 0,
    violations: [] as AgentFinding[],
    readsDenied: [] as AgentFinding[],
    overBlocks: [] as AgentFinding[],
    nonProductionCases: 0,
    creates: { swept: 0, allowed: 0 },
    createsDenied: [] as AgentFinding[],
    errors: [] as AgentFinding[],
    byLayer: {} as Record<string, { swept: number; allowed: number }>,
  };
  for (const action of actions) {
    const reachedRead = isReadLevel(action) && isRead(action.action);
    const mayWriteProduction = allowlisted(action);
    const { keys } = chooseResource(action);
    const acceptsRequestTag = listsKey(keys, 'aws:requesttag/');
    const tagAware = listsKey(keys, 'aws:resourcetag/');
    const everywhereDenied = unnamedTargets(action.action)
      ? 'targets outside the request'
      : roleFromResource(action.action)
        ? 'runs with the role the resource holds (the swept request names none)'
        : undefined;
    for (const principal of principals) {
      // MCP and source-identity requests come from an administrator without the agent boundary.
      const principalLayers = principal === 'agent' ? layers : layers.filter((l) => l === 'SCPs alone');
      for (const layer of principalLayers) {
        for (const state of states) {
          const tagKeys =
            state === 'production' || state === 'mixed-tags' || state === 'new-mixed'
              ? spec.production.tagKeys
              : spec.production.tagKeys.slice(0, 1);
          if ((state === 'mixed-tags' || state === 'new-mixed') && tagKeys.length < 2) continue;
          for (const tagKey of tagKeys) {
            const agentResource = state === 'non-production' && actAsPrincipal(action.action);
            const c: AgentCase = { action, state, layer, principal, tagKey, agentResource };
            const outcome = simulateAgent(policies, spec, c);
            summary.cases++;
            const finding: AgentFinding = { action: action.action, state, layer, principal, tagKey };
            if (outcome.error) {
              summary.errors.push({ ...finding, detail: outcome.error });
              continue;
            }
            const allowed = outcome.decision === 'allowed';
            const layerKey = `${layer} (${principal})`;
            // Without aws:ResourceTag a "production resource with a non-production request tag" is a create
            // (iam:CreateUser): the new-* states cover it.
            // An existing untagged resource and a request tagging it non-production looks exactly like a
            // create: it must stay read-only for every action that is not one (UpdateStack with Tags).
            const meaningful =
              (state !== 'production-retagged' || tagAware) &&
              (state !== 'untagged-retagged' || (acceptsRequestTag && !isCreateAction(action)));
            if (everywhereDenied) {
              if (allowed) summary.violations.push({ ...finding, detail: everywhereDenied });
              continue;
            }
            if (READ_ONLY_STATES.has(state) && !reachedRead && meaningful) {
              const counts = (summary.byLayer[layerKey] ??= { swept: 0, allowed: 0 });
              counts.swept++;
              if (allowed && !mayWriteProduction) {
                counts.allowed++;
                summary.violations.push(finding);
              }
            }
            if (reachedRead && !allowed) summary.readsDenied.push(finding);
            if (state === 'non-production' && !isReadLevel(action) && action.accessLevel !== 'Tagging' && tagAware) {
              summary.nonProductionCases++;
              if (!allowed) summary.overBlocks.push(finding);
            }
            if (state === 'new-non-production' && acceptsRequestTag && isCreateAction(action)) {
              summary.creates.swept++;
              if (allowed) summary.creates.allowed++;
              else summary.createsDenied.push(finding);
            }
          }
        }
      }
    }
  }
  return summary;
}

/** Every action of the agent services. */
export function agentServiceActions(spec: GuardrailSpec, catalog: Catalog): CatalogAction[] {
  return spec.agents.allowedServices.flatMap((s) => catalog.serviceActions(s));
}
