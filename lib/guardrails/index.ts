// Guardrail generators: pure functions from a GuardrailSpec to the agent permissions boundary, the
// organization's SCPs and RCPs, and a coverage report that says what they do and do not stop.
import type { z } from 'zod';
import { loadCatalog } from '../catalog';
import type { Catalog } from '../catalog/types';
import { POLICY_SIZE_LIMITS, validatePolicy } from '../policy';
import { checkAgentSettings } from './agent-config';
import { arnPatternProblem } from './arn-patterns';
import { boundaryTemplates } from './boundary';
import { buildCoverage } from './coverage';
import { ExemptPatternError, exemptIdentities } from './exemptions';
import { GuardrailSizeError, packStatements, type PackedPolicy, type StatementTemplate } from './packing';
import { rcpTemplates } from './rcp';
import { scpTemplates } from './scp';
import { type LevelSlots, PLACEMENT_LEVELS, type PlacementLevel, GuardrailSpec } from './spec';
import type { GeneratedGuardrails, GeneratedPolicy, PlacementPlan } from './types';

export * from './types';
export {
  GuardrailSpec,
  ProductionSelector,
  AgentSelector,
  EveryoneSelector,
  PlacementSpec,
  LevelSlots,
  PLACEMENT_LEVELS,
  type PlacementLevel,
  defaultGuardrailSpec,
  DEFAULT_SENSITIVE_READS,
} from './spec';
export { GuardrailSizeError } from './packing';
export { PatternVerificationError } from './patterns';
export { boundaryPolicyArn } from './conditions';
export { renderCoverage, type CoverageFormat } from './coverage-render';

/**
 * At most 5 SCPs (and 5 RCPs) attach to one root, OU or account; by default one slot per level stays for
 * FullAWSAccess / RCPFullAWSAccess, so at most 4 generated policies per level (`guardrails.placement`).
 */
export const MAX_GENERATED_SCPS = 4;
export const MAX_GENERATED_RCPS = 4;

const SLOT_NAMES: Readonly<Record<PlacementLevel, keyof LevelSlots>> = {
  root: 'root',
  'organizational-unit': 'organizationalUnit',
  account: 'account',
};

function levels(slots: LevelSlots): { level: PlacementLevel; slots: number }[] {
  return PLACEMENT_LEVELS.map((level) => ({ level, slots: slots[SLOT_NAMES[level]] }));
}

export class GuardrailSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GuardrailSpecError';
  }
}

/** Problems the schema cannot see: they need the catalog or compare fields with each other. */
export function checkGuardrailSpec(spec: GuardrailSpec, catalog: Catalog): string[] {
  const problems: string[] = [];
  const production = new Set(spec.production.values.map((v) => v.toLowerCase()));
  spec.production.nonProductionValues.forEach((value, index) => {
    if (production.has(value.toLowerCase())) {
      problems.push(
        `production.nonProductionValues[${index}]: ${JSON.stringify(value)} is also a production value ` +
          '(values are compared ignoring case)',
      );
    }
  });
  spec.production.arnPatterns.forEach((pattern, index) => {
    const why = arnPatternProblem(pattern, catalog);
    if (why) problems.push(`production.arnPatterns[${index}]: ${JSON.stringify(pattern)} ${why}`);
  });
  try {
    exemptIdentities(spec.exemptPrincipalArns);
  } catch (err) {
    if (!(err instanceof ExemptPatternError)) throw err;
    problems.push(err.message);
  }
  spec.agents.allowedServices.forEach((service, index) => {
    if (!catalog.hasService(service)) {
      problems.push(
        `agents.allowedServices[${index}]: unknown service prefix ${JSON.stringify(service)} ` +
          `(AWS action catalog ${catalog.dataVersion})`,
      );
    }
  });
  const operators = spec.everyone.operatorPrincipalArns;
  if (operators.length > 0 && !spec.everyone.denyEscalationAndExecution) {
    problems.push(
      'everyone.operatorPrincipalArns: operators keep escalation and execution on production, which only ' +
        'everyone.denyEscalationAndExecution: true takes away from everyone else; set it, or remove the operators',
    );
  }
  try {
    exemptIdentities(operators, 'everyone.operatorPrincipalArns');
  } catch (err) {
    if (!(err instanceof ExemptPatternError)) throw err;
    problems.push(err.message);
  }
  problems.push(...checkAgentSettings(spec, catalog));
  return problems;
}

function describe(templates: readonly StatementTemplate[]): string {
  return [...new Set(templates.map((t) => t.sid.replace(/\d+$/, '')))].join(', ');
}

function generated(name: string, description: string, packed: PackedPolicy, limit: number): GeneratedPolicy {
  const policy = { name, description, document: packed.document, characters: packed.characters, limit };
  return packed.level ? { ...policy, level: packed.level } : policy;
}

/** Which policy goes where, with the free slots it was packed into. */
function placementPlan(
  spec: GuardrailSpec,
  scps: readonly GeneratedPolicy[],
  rcps: readonly GeneratedPolicy[],
): PlacementPlan {
  const at = (policies: readonly GeneratedPolicy[], level: PlacementLevel): string[] =>
    policies.filter((p) => p.level === level).map((p) => p.name);
  return {
    levels: PLACEMENT_LEVELS.map((level) => ({
      level,
      freeServiceControlPolicySlots: spec.placement.serviceControlPolicies[SLOT_NAMES[level]],
      freeResourceControlPolicySlots: spec.placement.resourceControlPolicies[SLOT_NAMES[level]],
      serviceControlPolicies: at(scps, level),
      resourceControlPolicies: at(rcps, level),
    })),
  };
}

/**
 * A spec as a caller wrote it (partial: defaults fill the rest), checked like the config file: an unknown
 * key, a wrong type or a bad tag is a GuardrailSpecError naming the path, never a TypeError later on.
 */
export function parseGuardrailSpec(input: unknown): GuardrailSpec {
  const parsed = GuardrailSpec.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw new GuardrailSpecError(
    parsed.error.issues
      .flatMap((issue) => {
        const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
        if (issue.code === 'unrecognized_keys') {
          const messages = issue.message.split('\n');
          return issue.keys.map(
            (key, i) => `${path.replace(/^\./, '')}${path ? '.' : ''}${key}: ${messages[i] ?? issue.message}`,
          );
        }
        return [`${path.replace(/^\./, '') || '(root)'}: ${issue.message}`];
      })
      .join('\n'),
  );
}

/**
 * The errors `leash validate` finds in generated policies (a repeated Sid, a malformed element, an unknown
 * action, over its size), one line each. generateGuardrails refuses to hand out a policy AWS would refuse, so
 * a generator bug fails at generation, not at deploy time.
 */
export function generatedPolicyProblems(
  policies: readonly { policy: GeneratedPolicy; type: 'boundary' | 'scp' | 'rcp' }[],
  catalog: Catalog,
): string[] {
  return policies.flatMap(({ policy, type }) =>
    validatePolicy(policy.document, type, catalog)
      .filter((problem) => problem.severity === 'error')
      .map((problem) => `${policy.name}: ${problem.path || '(document)'}: ${problem.message}`),
  );
}

/** The spec parsed and checked, or GuardrailSpecError naming every problem. */
function checkedSpec(input: GuardrailSpec | z.input<typeof GuardrailSpec>, catalog: Catalog): GuardrailSpec {
  const spec = parseGuardrailSpec(input);
  const problems = checkGuardrailSpec(spec, catalog);
  if (problems.length > 0) throw new GuardrailSpecError(problems.join('\n'));
  return spec;
}

/**
 * The boundary in the form AWS Control Tower's proactive controls accept (agent services named one by one in
 * its conditional Allows) when it fits; otherwise the same meaning with Action "*" (controlTowerForm false,
 * which generateGuardrails says in the caveats).
 */
function packedBoundary(spec: GuardrailSpec, catalog: Catalog) {
  const pack = (controlTowerForm: boolean) =>
    packStatements(boundaryTemplates(spec, catalog, { controlTowerForm }), {
      kind: 'managed',
      limit: POLICY_SIZE_LIMITS.managed,
      maxPolicies: 1,
      label: 'permissions boundary',
    });
  try {
    return { pack: pack(true), controlTowerForm: true };
  } catch (err) {
    if (!(err instanceof GuardrailSizeError)) throw err;
    return { pack: pack(false), controlTowerForm: false };
  }
}

function boundaryPolicy(spec: GuardrailSpec, packed: PackedPolicy): GeneratedPolicy {
  return generated(
    spec.agents.boundaryPolicyName,
    `Permissions boundary for agent roles (fail-closed): ${describe(packed.statements.map((s) => s.template))}`,
    packed,
    POLICY_SIZE_LIMITS.managed,
  );
}

/**
 * The agent permissions boundary alone, exactly generateGuardrails(input, catalog).boundary (tested), for
 * callers that need no SCP, RCP or coverage: `leash check` fills in the boundary an agent stack references by
 * name, on every run and every `cdk synth` with the validation plugin, and the rest costs a third of a second.
 */
export function generateBoundary(
  input: GuardrailSpec | z.input<typeof GuardrailSpec>,
  catalog: Catalog = loadCatalog(),
): GeneratedPolicy {
  const spec = checkedSpec(input, catalog);
  const boundary = boundaryPolicy(spec, packedBoundary(spec, catalog).pack.policies[0]);
  const refused = generatedPolicyProblems([{ policy: boundary, type: 'boundary' }], catalog);
  if (refused.length > 0) {
    throw new Error(`internal: the generated boundary fails its own validation:\n${refused.join('\n')}`);
  }
  return boundary;
}

export function generateGuardrails(
  input: GuardrailSpec | z.input<typeof GuardrailSpec>,
  catalog: Catalog = loadCatalog(),
): GeneratedGuardrails {
  const spec = checkedSpec(input, catalog);
  const { pack: boundaryPack, controlTowerForm: boundaryControlTowerForm } = packedBoundary(spec, catalog);
  const scpPack = packStatements(scpTemplates(spec, catalog), {
    kind: 'scp',
    limit: POLICY_SIZE_LIMITS.scp,
    maxPolicies: MAX_GENERATED_SCPS,
    label: 'SCP',
    levels: levels(spec.placement.serviceControlPolicies),
  });
  // The opt-in is all or nothing: a partial deny of escalation and execution would read as 100% in intent.
  const optInDropped = scpPack.dropped.filter((d) => d.role === 'production-operation' || d.role === 'operator-guard');
  if (optInDropped.length > 0) {
    throw new GuardrailSizeError(
      `SCP: everyone.denyEscalationAndExecution does not fit in the free SCP slots ` +
        `(${levels(spec.placement.serviceControlPolicies)
          .map((l) => `${l.level} ${l.slots}`)
          .join(', ')}, ${POLICY_SIZE_LIMITS.scp} characters each) after the default statements; not placed:\n` +
        optInDropped
          .map(
            (d) =>
              `  ${d.sid}${d.tagKey ? ` (tag key ${d.tagKey})` : ''}: ${d.item.pattern} (${d.item.covers.map((a) => a.action).join(', ') || 'the whole statement'})`,
          )
          .join('\n') +
        '\nFree more slots (guardrails.placement.serviceControlPolicies), use fewer production tag keys, make room ' +
        'in the agent layers (fewer agents.allowedServices, or agents.mcp.treatAsAgent: false), or turn the option off.',
    );
  }
  const rcpPack = packStatements(rcpTemplates(spec, catalog), {
    kind: 'rcp',
    limit: POLICY_SIZE_LIMITS.rcp,
    maxPolicies: MAX_GENERATED_RCPS,
    label: 'RCP',
    levels: levels(spec.placement.resourceControlPolicies),
  });

  const [boundaryPacked] = boundaryPack.policies;
  const boundary = boundaryPolicy(spec, boundaryPacked);
  const serviceControlPolicies = scpPack.policies.map((p, i) =>
    generated(
      `leash-scp-${i + 1}`,
      `agent-leash production guardrail SCP ${i + 1}/${scpPack.policies.length} (${p.level ?? 'any level'}): ${describe(p.statements.map((s) => s.template))}`,
      p,
      POLICY_SIZE_LIMITS.scp,
    ),
  );
  const resourceControlPolicies = rcpPack.policies.map((p, i) =>
    generated(
      `leash-rcp-${i + 1}`,
      `agent-leash production guardrail RCP ${i + 1}/${rcpPack.policies.length} (${p.level ?? 'any level'}): ${describe(p.statements.map((s) => s.template))}`,
      p,
      POLICY_SIZE_LIMITS.rcp,
    ),
  );

  const refused = generatedPolicyProblems(
    [
      ...[boundary].map((policy) => ({ policy, type: 'boundary' as const })),
      ...serviceControlPolicies.map((policy) => ({ policy, type: 'scp' as const })),
      ...resourceControlPolicies.map((policy) => ({ policy, type: 'rcp' as const })),
    ],
    catalog,
  );
  if (refused.length > 0) {
    throw new Error(`internal: the generated policies fail their own validation:\n${refused.join('\n')}`);
  }

  const built = buildCoverage({
    spec,
    catalog,
    boundary: boundaryPacked,
    serviceControlPolicies: scpPack.policies,
    resourceControlPolicies: rcpPack.policies,
    generated: [boundary, ...serviceControlPolicies, ...resourceControlPolicies],
    dropped: [
      ...boundaryPack.dropped.map((d) => ({ ...d, policyType: 'boundary' as const })),
      ...scpPack.dropped.map((d) => ({ ...d, policyType: 'scp' as const })),
      ...rcpPack.dropped.map((d) => ({ ...d, policyType: 'rcp' as const })),
    ],
  });
  const coverage = boundaryControlTowerForm
    ? built
    : {
        ...built,
        caveats: [
          ...built.caveats,
          'The boundary\'s conditional Allows say Action "*" (limited to the agent services by its DenyOtherServices statement): naming each service (`s3:?*`), the form AWS Control Tower\'s proactive controls CT.IAM.PR.2 and PR.3 accept, does not fit in 6,144 characters with this spec. Where those controls are on, use fewer agent services or one production tag key.',
        ],
      };
  const placement = placementPlan(spec, serviceControlPolicies, resourceControlPolicies);
  return { boundary, serviceControlPolicies, resourceControlPolicies, placement, coverage };
}
