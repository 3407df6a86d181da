// The default guardrails judged by the simulator, action by action: the shared set-up of tests that pin how the
// production deny treats named actions (hidden protection switches, backup retention, tag evaluation).
import {
  proofPolicies,
  simulate,
  type Decision,
  type PrincipalKind,
  type ResourceState,
} from '../../bench/guardrail-proof';
import { loadCatalog } from '../../lib/catalog';
import { defaultGuardrailSpec, generateGuardrails, type GeneratedGuardrails } from '../../lib/guardrails';

export type { Decision, PrincipalKind, ResourceState };

export const catalog = loadCatalog();
export const spec = defaultGuardrailSpec();

/** What the production deny must do to a destructive action: stop everyone but the exempt, only on production. */
export const PRODUCTION_DENY_STATES: readonly [ResourceState, PrincipalKind, Decision][] = [
  ['production', 'ordinary', 'denied'],
  ['production', 'cloudformation', 'denied'],
  ['production', 'agent', 'denied'],
  ['production', 'exempt', 'allowed'],
  ['untagged', 'ordinary', 'allowed'],
];

/** The default guardrails, generated once for the calling test file (before its tests run). */
export function defaultGuardrails(): () => GeneratedGuardrails {
  let generated: GeneratedGuardrails | undefined;
  beforeAll(() => {
    generated = generateGuardrails(spec, catalog);
  });
  return () => generated!;
}

/** The simulator's decision on `name` under the generated SCPs, RCPs and boundary. */
export function simulatedDecision(
  generated: GeneratedGuardrails,
  name: string,
  resource: ResourceState,
  principal: PrincipalKind,
): ReturnType<typeof simulate> {
  return simulate(proofPolicies(generated), spec, { action: catalog.get(name)!, resource, principal });
}
