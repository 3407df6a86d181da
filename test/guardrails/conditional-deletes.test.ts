// route53:ChangeResourceRecordSets creates records, and deletes or overwrites them when its batch holds DELETE
// or UPSERT. On a production hosted zone (production.arnPatterns) the SCPs deny the deleting batches to
// everyone not exempt and leave creates open (certificate renewals write records there). Decided by the
// simulator, with the request key AWS sends.
import { proofPolicies, simulate, type Decision, type PrincipalKind } from '../../bench/guardrail-proof';
import { loadCatalog } from '../../lib/catalog';
import { generateGuardrails, GuardrailSpec, type GeneratedGuardrails } from '../../lib/guardrails';

const catalog = loadCatalog();
const spec = GuardrailSpec.parse({ production: { arnPatterns: ['arn:aws:route53:::hostedzone/Z0PROD*'] } });
const PROD_ZONE = 'arn:aws:route53:::hostedzone/Z0PROD1';
const DEV_ZONE = 'arn:aws:route53:::hostedzone/Z0DEV1';

let generated: GeneratedGuardrails;
beforeAll(() => {
  generated = generateGuardrails(spec, catalog);
});

const cases: [string[], string, PrincipalKind, Decision][] = [
  [['DELETE'], PROD_ZONE, 'ordinary', 'denied'],
  [['UPSERT'], PROD_ZONE, 'ordinary', 'denied'],
  [['CREATE', 'DELETE'], PROD_ZONE, 'cloudformation', 'denied'],
  [['DELETE'], PROD_ZONE, 'exempt', 'allowed'],
  [['CREATE'], PROD_ZONE, 'ordinary', 'allowed'],
  [['DELETE'], DEV_ZONE, 'ordinary', 'allowed'],
];

describe('DNS record deletion on a production hosted zone, decided by the simulator', () => {
  it.each(cases)('a %j batch on %s for the %s role is %s', (changes, resourceArn, principal, expected) => {
    const action = catalog.get('route53:ChangeResourceRecordSets')!;
    const outcome = simulate(proofPolicies(generated), spec, {
      action,
      resource: 'untagged',
      principal,
      resourceArn,
      context: { 'route53:ChangeResourceRecordSetsActions': changes },
    });
    expect(outcome).toEqual({ decision: expected });
  });

  it('is reported as covered on the production zones, and as not covered without them', () => {
    expect(generated.coverage.conditionalDeletes).toEqual([
      expect.objectContaining({
        action: 'route53:ChangeResourceRecordSets',
        condition: { 'ForAnyValue:StringEquals': { 'route53:ChangeResourceRecordSetsActions': ['DELETE', 'UPSERT'] } },
        resources: ['arn:aws:route53:::hostedzone/Z0PROD*'],
        protectedForEveryone: true,
      }),
    ]);
    const without = generateGuardrails(GuardrailSpec.parse({}), catalog).coverage;
    expect(without.conditionalDeletes).toEqual([
      expect.objectContaining({ action: 'route53:ChangeResourceRecordSets', protectedForEveryone: false }),
    ]);
    expect(without.caveats.join('\n')).toMatch(/route53:ChangeResourceRecordSets .* not denied/);
  });
});
