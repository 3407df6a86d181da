// Second half of the per-service proof (see proof-sweep.test.ts).
import { actionsOfServices, proveActions } from '../../bench/guardrail-proof';
import { loadCatalog } from '../../lib/catalog';
import { defaultGuardrailSpec, generateGuardrails } from '../../lib/guardrails';
import { ordinal, strided, sweepStride } from '../support/sweep';
import { PROVED_SERVICES_B } from './proof-services';

// npm test: every third action (all with SWEEP_STRIDE=1, npm run prove:sweeps).
const STRIDE = sweepStride(3);

it(`agrees with the coverage report for every ${STRIDE === 1 ? '' : `${ordinal(STRIDE)} `}destructive action of ${PROVED_SERVICES_B.join(', ')} × 3 resource states × 4 principals`, () => {
  const catalog = loadCatalog();
  const spec = defaultGuardrailSpec();
  const actions = strided(actionsOfServices(catalog, PROVED_SERVICES_B), STRIDE);
  const summary = proveActions(generateGuardrails(spec, catalog), spec, actions);
  expect(summary.cases).toBe(actions.length * 12);
  expect(summary.errors).toEqual([]);
  expect(summary.disagreements).toEqual([]);
});
