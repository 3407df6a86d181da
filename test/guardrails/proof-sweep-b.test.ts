// Second half of the per-service proof (see proof-sweep.test.ts).
import { actionsOfServices, proveActions } from '../../bench/guardrail-proof';
import { loadCatalog } from '../../lib/catalog';
import { defaultGuardrailSpec, generateGuardrails } from '../../lib/guardrails';
import { PROVED_SERVICES_B } from './proof-services';

it(`agrees with the coverage report for every destructive action of ${PROVED_SERVICES_B.join(', ')} × 3 resource states × 4 principals`, () => {
  const catalog = loadCatalog();
  const spec = defaultGuardrailSpec();
  const actions = actionsOfServices(catalog, PROVED_SERVICES_B);
  const summary = proveActions(generateGuardrails(spec, catalog), spec, actions);
  expect(summary.cases).toBe(actions.length * 12);
  expect(summary.errors).toEqual([]);
  expect(summary.disagreements).toEqual([]);
});
