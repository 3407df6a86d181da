// The generated policies, run through an independent simulator (@cloud-copilot/iam-simulate), decide
// exactly what the coverage report claims: every destructive action of 15 services (this file and
// proof-sweep-b.test.ts; every third in npm test), and a seeded random sample of the rest, × {production-tagged,
// non-production-tagged, untagged} × {agent with boundary, ordinary role, exempt role}.
// bench/prove-guardrails.ts runs the same comparison over the whole catalog.
import { actionsOfServices, proveActions, proveBoundaryAlone, seededSample } from '../../bench/guardrail-proof';
import { loadCatalog } from '../../lib/catalog';
import { defaultGuardrailSpec, generateGuardrails, type GeneratedGuardrails } from '../../lib/guardrails';
import { strided, sweepStride, ordinal } from '../support/sweep';
import { PROVED_SERVICES, PROVED_SERVICES_A } from './proof-services';

const catalog = loadCatalog();
const spec = defaultGuardrailSpec();
// npm test: every third action of these services (all with SWEEP_STRIDE=1, npm run prove:sweeps; npm run
// prove:guardrails sweeps the whole catalog). The boundary-alone sweep is cheap and runs whole.
const STRIDE = sweepStride(3);

let generated: GeneratedGuardrails;
beforeAll(() => {
  generated = generateGuardrails(spec, catalog);
});

describe('the simulator agrees with the coverage report', () => {
  it(`for every ${STRIDE === 1 ? '' : `${ordinal(STRIDE)} `}destructive action of ${PROVED_SERVICES_A.join(', ')} × 3 resource states × 4 principals (CloudFormation's execution role too)`, () => {
    const actions = strided(actionsOfServices(catalog, PROVED_SERVICES_A), STRIDE);
    const summary = proveActions(generated, spec, actions);
    expect(summary.cases).toBe(actions.length * 12);
    expect(summary.errors).toEqual([]);
    expect(summary.disagreements).toEqual([]);
  });

  it(`for an agent with the boundary alone (no generated SCPs or RCPs), every destructive action of ${PROVED_SERVICES_A.join(', ')} × 3 resource states`, () => {
    const actions = actionsOfServices(catalog, PROVED_SERVICES_A);
    const summary = proveBoundaryAlone(generated, spec, actions);
    expect(summary.cases).toBe(actions.length * 3);
    expect(summary.errors).toEqual([]);
    expect(summary.disagreements).toEqual([]);
    // In this spec nothing is left to the SCP agent layer: the boundary holds on its own.
    const entries = generated.coverage.actions.filter((e) => PROVED_SERVICES_A.includes(e.service));
    expect(entries.filter((e) => e.protectedForAgents && !e.protectedForAgentsByBoundary)).toEqual([]);
  });

  it('for a seeded random sample of 30 destructive actions of other services', () => {
    const others = catalog.destructive.filter((a) => !PROVED_SERVICES.includes(a.service));
    const summary = proveActions(generated, spec, seededSample(others, 30, 20261124));
    expect(summary.cases).toBe(30 * 12);
    expect(summary.errors).toEqual([]);
    expect(summary.disagreements).toEqual([]);
  });
});
