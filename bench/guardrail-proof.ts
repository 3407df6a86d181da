// Proof harness for the guardrail generators: runs requests against the generated boundary, SCPs and RCPs
// in an independent simulator (@cloud-copilot/iam-simulate, AGPL: used only here and in tests, never from
// lib/) and compares its decision with what the coverage report claims.
import {
  createValidatedPolicy,
  validateIdentityPolicy,
  validateResourceControlPolicy,
  validateResourcePolicy,
  validateServiceControlPolicy,
  type ValidationError,
} from '@cloud-copilot/iam-policy';
import { runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { Catalog, CatalogAction } from '../lib/catalog/types';
import type { ActionCoverage, GeneratedGuardrails, GuardrailSpec } from '../lib/guardrails';
import { wildcardMatch } from '../lib/policy';

export const ACCOUNT = '111122223333';
export type ResourceState = 'production' | 'non-production' | 'untagged';
/**
 * `cloudformation` is CloudFormation's execution role (CDK's cfn-exec role): bound like any other role.
 * `operator` matches the spec's first operator pattern (everyone.operatorPrincipalArns); swept only when the
 * spec has one.
 */
export type PrincipalKind = 'agent' | 'ordinary' | 'exempt' | 'cloudformation' | 'operator';
export type Decision = 'allowed' | 'denied';

export const RESOURCE_STATES: readonly ResourceState[] = ['production', 'non-production', 'untagged'];
export const PRINCIPAL_KINDS: readonly PrincipalKind[] = ['agent', 'ordinary', 'exempt', 'cloudformation'];

/** The principal kinds a sweep of this spec covers: the four, and an operator when the spec names one. */
export function principalKinds(spec: GuardrailSpec): readonly PrincipalKind[] {
  return spec.everyone.operatorPrincipalArns.length > 0 ? [...PRINCIPAL_KINDS, 'operator'] : PRINCIPAL_KINDS;
}

const FULL_AWS_ACCESS = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};
const ALLOW_EVERYTHING = FULL_AWS_ACCESS;
/** Attached implicitly by AWS; the unchecked simulator entry point does not add it. */
const RCP_FULL_AWS_ACCESS = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
};
/** KMS needs the key policy to allow the account (the default key policy does). */
const DEFAULT_KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
};

/** A concrete principal ARN for each kind; the exempt one matches the spec's first exempt pattern. */
export function principalArn(kind: PrincipalKind, spec: GuardrailSpec): string {
  if (kind === 'agent') return `arn:aws:iam::${ACCOUNT}:role/leash-agent-worker`;
  if (kind === 'ordinary') return `arn:aws:iam::${ACCOUNT}:role/app-team-admin`;
  if (kind === 'cloudformation') return `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-us-east-1`;
  const pattern = kind === 'operator' ? spec.everyone.operatorPrincipalArns[0] : spec.exemptPrincipalArns[0];
  if (!pattern) throw new Error(`the spec has no ${kind} principal ARN to prove it with`);
  return pattern.replace(/^arn:aws:iam::\*:/, `arn:aws:iam::${ACCOUNT}:`).replace(/\*/g, 'x');
}

/** Whether the principal of this kind is an operator (and not exempt): CloudFormation's role may be one. */
export function isOperator(kind: PrincipalKind, spec: GuardrailSpec, arn = principalArn(kind, spec)): boolean {
  if (kind === 'exempt' || spec.exemptPrincipalArns.some((p) => wildcardMatch(p, arn))) return false;
  return spec.everyone.operatorPrincipalArns.some((p) => wildcardMatch(p, arn));
}

function fillArnTemplate(template: string): string {
  return template
    .replace(/\$\{Partition\}/g, 'aws')
    .replace(/\$\{Region\}/g, 'us-east-1')
    .replace(/\$\{Account\}/g, ACCOUNT)
    .replace(/\$\{[A-Za-z0-9]+\}/g, 'leash-proof');
}

/**
 * A resource ARN for the action from the catalog's ARN templates: for a tag-aware action, the first
 * resource type that can carry `aws:ResourceTag` (that is where the tag condition applies); otherwise the
 * first resource type with a template; `*` for wildcard-only actions.
 */
export function resourceArnFor(action: CatalogAction): string {
  // (a request may name its own resource: ProofRequest.resourceArn)
  return chooseResource(action).arn;
}

export function listsKey(keys: readonly string[], prefix: string): boolean {
  return keys.some((k) => k.toLowerCase().startsWith(prefix));
}

/**
 * The resource of the request and the condition keys AWS can put in its context. iam-simulate treats
 * aws:ResourceTag, aws:RequestTag and aws:TagKeys as global keys present for every action; in AWS they are
 * present only where the Service Authorization Reference lists them for the action or the resource type,
 * which is exactly the semantics the guardrails depend on. The harness therefore sends them only where the
 * reference lists them. (S3 also needs attribute-based access control enabled on the bucket before it
 * evaluates bucket tags: the proof assumes it is, the coverage caveats say so.)
 */
export function chooseResource(action: CatalogAction): { arn: string; keys: readonly string[] } {
  if (action.isWildcardOnly || action.resourceTypes.length === 0) return { arn: '*', keys: action.conditionKeys };
  const withTemplate = action.resourceTypes.filter((r) => r.arnTemplate);
  const tagged = withTemplate.find((r) => listsKey(r.conditionKeys, 'aws:resourcetag/'));
  const chosen = tagged ?? withTemplate[0];
  if (!chosen?.arnTemplate) return { arn: '*', keys: action.conditionKeys };
  return { arn: fillArnTemplate(chosen.arnTemplate), keys: [...action.conditionKeys, ...chosen.conditionKeys] };
}

export interface ProofRequest {
  readonly action: CatalogAction;
  readonly resource: ResourceState;
  readonly principal: PrincipalKind;
  /** The production tag key a production resource is tagged under. @default the first configured key */
  readonly productionTagKey?: string;
  /** Resource tags instead of the one the resource state implies (only where the action supports them). */
  readonly resourceTags?: Readonly<Record<string, string>>;
  /** The caller, instead of the kind's usual ARN (an exempt-looking name, a StackSet execution role). */
  readonly principalArn?: string;
  /** The resource, instead of one made from the action's ARN template. */
  readonly resourceArn?: string;
  /** Extra context (e.g. `iam:PermissionsBoundary`, `aws:RequestTag/...`), added last. */
  readonly context?: Record<string, string | string[]>;
  /** Attach the boundary? @default true for agents, false otherwise (false proves a stripped boundary). */
  readonly withBoundary?: boolean;
  /**
   * Attach the generated SCPs and RCPs? false leaves only FullAWSAccess / RCPFullAWSAccess: an account the
   * organization guardrails do not reach, where the boundary must hold on its own. @default true
   */
  readonly withOrganizationPolicies?: boolean;
}

/** The request context the proof sends: principal facts, resource tags, and for tag writes the tag key. */
export function requestContext(spec: GuardrailSpec, request: ProofRequest): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {
    'aws:PrincipalArn': request.principalArn ?? principalArn(request.principal, spec),
    'aws:PrincipalAccount': ACCOUNT,
    'aws:ResourceAccount': ACCOUNT,
    'aws:PrincipalIsAWSService': 'false',
  };
  if (request.principal === 'agent') {
    context[`aws:PrincipalTag/${spec.agents.principalTag.key}`] = spec.agents.principalTag.value;
  }
  const tagKey = spec.production.tagKeys[0];
  const { keys } = chooseResource(request.action);
  if (listsKey(keys, 'aws:resourcetag/')) {
    if (request.resourceTags) {
      for (const [key, value] of Object.entries(request.resourceTags)) context[`aws:ResourceTag/${key}`] = value;
    } else if (request.resource === 'production') {
      context[`aws:ResourceTag/${request.productionTagKey ?? tagKey}`] = spec.production.values[0];
    } else if (request.resource === 'non-production') {
      context[`aws:ResourceTag/${tagKey}`] = spec.production.nonProductionValues[0];
    }
  }
  // A tag write is proved as the dangerous case: removing the production tag key (the one under test).
  if (request.action.accessLevel === 'Tagging' && listsKey(keys, 'aws:tagkeys')) {
    context['aws:TagKeys'] = [request.productionTagKey ?? tagKey];
  }
  return { ...context, ...request.context };
}

export interface SimulationOutcome {
  readonly decision?: Decision;
  /** Set when the simulator refused the request (unknown resource type, invalid input). */
  readonly error?: string;
}

/** The policies of one generated set, validated once (the simulator re-validates raw documents per request). */
export interface ProofPolicies {
  readonly identity: unknown;
  readonly keyPolicy: unknown;
  readonly boundary: unknown;
  /** One entry per organization level (root, OU, account), each led by FullAWSAccess, as AWS evaluates them. */
  readonly serviceControlPolicies: ProofLevel[];
  readonly resourceControlPolicies: ProofLevel[];
}

export interface ProofLevel {
  readonly orgIdentifier: string;
  readonly policies: { name: string; policy: unknown }[];
}

const PROOF_LEVELS = [
  { level: 'root', orgIdentifier: 'r-leash' },
  { level: 'organizational-unit', orgIdentifier: 'ou-leash-production' },
  { level: 'account', orgIdentifier: ACCOUNT },
] as const;

/**
 * The generated policies at their levels. A level takes part only when something is placed there (a level
 * with only the allow-all policy changes nothing); policies without a level go to the OU.
 */
function byLevel(
  generated: readonly { name: string; level?: string; document: unknown }[],
  allowAll: { name: string; policy: unknown },
  validate: (name: string, document: unknown) => unknown,
): ProofLevel[] {
  const levels = PROOF_LEVELS.map(({ level, orgIdentifier }) => ({
    orgIdentifier,
    policies: [
      allowAll,
      ...generated
        .filter((p) => (p.level ?? 'organizational-unit') === level)
        .map((p) => ({ name: p.name, policy: validate(p.name, p.document) })),
    ],
  }));
  const used = levels.filter((l) => l.policies.length > 1);
  return used.length > 0 ? used : [levels[1]];
}

function checked(name: string, document: unknown, validate: (policy: unknown) => ValidationError[]): unknown {
  const validated = createValidatedPolicy(document, validate, { name });
  if (validated.errors.length > 0) {
    throw new Error(`${name} fails the simulator's validation: ${JSON.stringify(validated.errors)}`);
  }
  return validated;
}

/**
 * Validates every generated document with the simulator's own policy validator (and throws on a problem),
 * because the proof then runs the simulator's unchecked entry point: that one takes the request context
 * exactly as given, which the proof needs (see chooseResource), and does not insist on resolving a single
 * resource type from an ARN (lambda aliases and versions share one template).
 */
export function proofPolicies(generated: GeneratedGuardrails): ProofPolicies {
  return {
    identity: checked('allow-everything', ALLOW_EVERYTHING, validateIdentityPolicy),
    keyPolicy: checked('default-key-policy', DEFAULT_KEY_POLICY, validateResourcePolicy),
    boundary: checked(generated.boundary.name, generated.boundary.document, validateIdentityPolicy),
    serviceControlPolicies: byLevel(
      generated.serviceControlPolicies,
      { name: 'FullAWSAccess', policy: checked('FullAWSAccess', FULL_AWS_ACCESS, validateServiceControlPolicy) },
      (name, document) => checked(name, document, validateServiceControlPolicy),
    ),
    // AWS's own RCPFullAWSAccess: the one RCP allowed an Allow with Action "*", so the RCP validator refuses it.
    resourceControlPolicies: byLevel(
      generated.resourceControlPolicies,
      {
        name: 'RCPFullAWSAccess',
        policy: createValidatedPolicy(RCP_FULL_AWS_ACCESS, () => [], { name: 'RCPFullAWSAccess' }),
      },
      (name, document) => checked(name, document, validateResourceControlPolicy),
    ),
  };
}

export function simulate(policies: ProofPolicies, spec: GuardrailSpec, request: ProofRequest): SimulationOutcome {
  const resource = request.resourceArn ?? resourceArnFor(request.action);
  // Without the organization policies: one level holding only the AWS-managed allow-all policy.
  const withOrganization = request.withOrganizationPolicies ?? true;
  const allowAllOnly = (levels: ProofLevel[]): ProofLevel[] => [
    { orgIdentifier: 'ou-leash-production', policies: levels[0].policies.slice(0, 1) },
  ];
  const simulation: Simulation = {
    request: {
      principal: request.principalArn ?? principalArn(request.principal, spec),
      action: request.action.action,
      resource: { resource, accountId: ACCOUNT },
      contextVariables: requestContext(spec, request),
    },
    identityPolicies: [{ name: 'allow-everything', policy: policies.identity }],
    serviceControlPolicies: withOrganization
      ? policies.serviceControlPolicies
      : allowAllOnly(policies.serviceControlPolicies),
    resourceControlPolicies: withOrganization
      ? policies.resourceControlPolicies
      : allowAllOnly(policies.resourceControlPolicies),
    permissionBoundaryPolicies:
      (request.withBoundary ?? request.principal === 'agent')
        ? [{ name: 'leash-agent-boundary', policy: policies.boundary }]
        : undefined,
    resourcePolicy: resource.startsWith('arn:aws:kms:') ? policies.keyPolicy : undefined,
  };
  try {
    return { decision: runUnsafeSimulation(simulation, {}) === 'Allowed' ? 'allowed' : 'denied' };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/**
 * What the coverage report claims for this request. Exempt principals are never stopped. Other principals
 * are stopped on production-tagged resources where the report says so for everyone; agents additionally
 * wherever the fail-closed or allow-list enforcement applies, and on non-production resources exactly when
 * `agentOnNonProduction` says denied.
 */
export function claimedDecision(
  entry: ActionCoverage,
  resource: ResourceState,
  principal: PrincipalKind,
  productionTagKey: string,
  operator = principal === 'operator',
): Decision {
  if (principal === 'exempt') return 'allowed';
  // Denied outright to everyone not exempt, operators and agents included, whatever the resource's tags.
  if (entry.enforcement.includes('scp-outright')) return 'denied';
  // Operators keep what only the opt-in escalation and execution deny stops.
  const byTag = (operator ? (entry.productionTagKeysForOperators ?? []) : entry.productionTagKeys).includes(
    productionTagKey,
  );
  if (principal === 'ordinary' || principal === 'cloudformation' || principal === 'operator') {
    return resource === 'production' && byTag ? 'denied' : 'allowed';
  }
  if (resource === 'non-production') return entry.agentOnNonProduction;
  if (entry.protectedForAgents) return 'denied';
  return resource === 'production' && byTag ? 'denied' : 'allowed';
}

export interface Disagreement {
  readonly action: string;
  /** The resource state, with the production tag key when several are configured. */
  readonly resource: string;
  readonly principal: PrincipalKind;
  readonly claimed: Decision;
  readonly simulated?: Decision;
  readonly error?: string;
}

export interface ProofSummary {
  readonly cases: number;
  /**
   * Tag-aware destructive actions the simulator allowed on a production resource to a principal that is neither
   * exempt nor an operator (ordinary role, CloudFormation's execution role, agent), whatever the report claims.
   */
  readonly allowedOnProduction: {
    action: string;
    principal: PrincipalKind;
    resource: string;
    escalateOrExecuteOnly: boolean;
  }[];
  readonly agreements: number;
  readonly disagreements: Disagreement[];
  readonly errors: Disagreement[];
}

/**
 * Simulate every action × resource state (production once per configured tag key) × principal kind and
 * compare with the coverage report.
 */
export function proveActions(
  generated: GeneratedGuardrails,
  spec: GuardrailSpec,
  actions: readonly CatalogAction[],
): ProofSummary {
  const entries = new Map(generated.coverage.actions.map((e) => [e.action, e]));
  const policies = proofPolicies(generated);
  const disagreements: Disagreement[] = [];
  const errors: Disagreement[] = [];
  const allowedOnProduction: ProofSummary['allowedOnProduction'] = [];
  let cases = 0;
  let agreements = 0;
  const kinds = principalKinds(spec);
  const operators = new Set(kinds.filter((kind) => isOperator(kind, spec)));
  for (const action of actions) {
    const entry = entries.get(action.action);
    if (!entry) throw new Error(`${action.action} is destructive but missing from the coverage report`);
    for (const resource of RESOURCE_STATES) {
      // A production resource is proved under each configured key (one statement per key in the SCPs).
      const keys = resource === 'production' ? spec.production.tagKeys : spec.production.tagKeys.slice(0, 1);
      for (const productionTagKey of keys) {
        for (const principal of kinds) {
          cases++;
          const operator = operators.has(principal);
          const claimed = claimedDecision(entry, resource, principal, productionTagKey, operator);
          const outcome = simulate(policies, spec, { action, resource, principal, productionTagKey });
          const where = keys.length > 1 ? `${resource} (${productionTagKey})` : resource;
          if (
            resource === 'production' &&
            action.tagAware &&
            principal !== 'exempt' &&
            !operator &&
            outcome.decision === 'allowed'
          ) {
            allowedOnProduction.push({
              action: action.action,
              principal,
              resource: where,
              escalateOrExecuteOnly: action.classes.every((c) => c === 'escalate' || c === 'execute'),
            });
          }
          if (outcome.error)
            errors.push({ action: action.action, resource: where, principal, claimed, error: outcome.error });
          else if (outcome.decision !== claimed) {
            disagreements.push({
              action: action.action,
              resource: where,
              principal,
              claimed,
              simulated: outcome.decision,
            });
          } else agreements++;
        }
      }
    }
  }
  return { cases, agreements, disagreements, errors, allowedOnProduction };
}

/** Deterministic pseudo-random sample (mulberry32), so a failing case can be reproduced from the seed. */
export function seededSample<T>(items: readonly T[], count: number, seed: number): T[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length > 0) out.push(pool.splice(Math.floor(next() * pool.length), 1)[0]);
  return out;
}

export function actionsOfServices(catalog: Catalog, services: readonly string[]): CatalogAction[] {
  const wanted = new Set(services);
  return catalog.destructive.filter((a) => wanted.has(a.service));
}

/**
 * What the coverage report claims for an agent that carries the boundary in an account the generated SCPs
 * and RCPs do not reach: allowed where the boundary alone does not protect it; otherwise denied, except on
 * non-production resources, where `agentOnNonProduction` says.
 */
export function claimedBoundaryAloneDecision(entry: ActionCoverage, resource: ResourceState): Decision {
  if (!entry.protectedForAgentsByBoundary) return 'allowed';
  return resource === 'non-production' ? entry.agentOnNonProduction : 'denied';
}

/** Every action × resource state for the agent with the boundary alone, compared with the coverage report. */
export function proveBoundaryAlone(
  generated: GeneratedGuardrails,
  spec: GuardrailSpec,
  actions: readonly CatalogAction[],
): ProofSummary {
  const entries = new Map(generated.coverage.actions.map((e) => [e.action, e]));
  const policies = proofPolicies(generated);
  const disagreements: Disagreement[] = [];
  const errors: Disagreement[] = [];
  let cases = 0;
  let agreements = 0;
  for (const action of actions) {
    const entry = entries.get(action.action);
    if (!entry) throw new Error(`${action.action} is destructive but missing from the coverage report`);
    for (const resource of RESOURCE_STATES) {
      cases++;
      const claimed = claimedBoundaryAloneDecision(entry, resource);
      const outcome = simulate(policies, spec, {
        action,
        resource,
        principal: 'agent',
        withOrganizationPolicies: false,
      });
      const where = `${resource} (boundary alone)`;
      if (outcome.error)
        errors.push({ action: action.action, resource: where, principal: 'agent', claimed, error: outcome.error });
      else if (outcome.decision !== claimed) {
        disagreements.push({
          action: action.action,
          resource: where,
          principal: 'agent',
          claimed,
          simulated: outcome.decision,
        });
      } else agreements++;
    }
  }
  return { cases, agreements, disagreements, errors, allowedOnProduction: [] };
}
