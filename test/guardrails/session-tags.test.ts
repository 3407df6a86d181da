// Session tags passed to sts:AssumeRole / sts:TagSession are aws:RequestTag and aws:TagKeys of the session
// being created, not tags of the role: assuming a production-tagged role with `environment=dev` as a session
// tag must not trip the SCPs' production-tag protection, which still stops a real untag. Decided by the
// independent simulator on the generated SCPs and RCPs.
import { proofPolicies, simulate, type ProofPolicies } from '../../bench/guardrail-proof';
import { loadCatalog } from '../../lib/catalog';
import type { CatalogAction } from '../../lib/catalog/types';
import { defaultGuardrailSpec, generateGuardrails } from '../../lib/guardrails';

const catalog = loadCatalog();
const spec = defaultGuardrailSpec();
const TAG = spec.production.tagKeys[0];
let policies: ProofPolicies;
beforeAll(() => {
  policies = proofPolicies(generateGuardrails(spec, catalog));
});

function action(name: string): CatalogAction {
  const found = catalog.get(name);
  if (!found) throw new Error(`${name} is not in the catalog`);
  return found;
}

/** An ordinary role of the organization, with the generated SCPs and RCPs, on a production-tagged resource. */
const withTag = (name: string, value: string) =>
  simulate(policies, spec, {
    action: action(name),
    resource: 'production',
    principal: 'ordinary',
    context: { [`aws:RequestTag/${TAG}`]: value, 'aws:TagKeys': [TAG] },
  });

describe('the SCPs and session tags', () => {
  it.each(['sts:AssumeRole', 'sts:TagSession'])(
    'let %s pass a non-production session tag to a production-tagged role',
    (name) => {
      expect(withTag(name, spec.production.nonProductionValues[0])).toEqual({ decision: 'allowed' });
    },
  );

  it('still deny re-tagging a production resource as non-production (the control case)', () => {
    expect(withTag('sqs:TagQueue', spec.production.nonProductionValues[0])).toEqual({ decision: 'denied' });
  });

  it('do not count sts:TagSession as a destructive action', () => {
    expect(action('sts:TagSession').classes).toEqual([]);
  });
});
