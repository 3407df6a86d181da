// Every write of the agent services that a resource policy can grant (a resource with an ARN, a tag can match),
// granted by a production resource's policy to the agent's session: decided by the independent simulator with
// the agent boundary alone and with the SCP agent layer, and by the audit's evaluator (bench/resource-grant-proof.ts).
// Run after a build: `node dist/bench/prove-resource-grants.js [--limit N]`. `npm test` runs every third action
// of the same sweep (test/guardrails/resource-policy-session.test.ts); this runs all and prints it in numbers.
// Exit code 1 when the SCP agent layer lets one through or the audit disagrees with the simulator.
import { loadCatalog } from '../lib/catalog';
import { defaultGuardrailSpec, generateGuardrails } from '../lib/guardrails';
import { benchOptions, countOption } from './options';
import { proveResourceGrants, resourceGrantActions } from './resource-grant-proof';

function main(): void {
  const options = benchOptions('node dist/bench/prove-resource-grants.js [--limit N]', {
    limit: { type: 'string' },
  });
  const catalog = loadCatalog();
  const spec = defaultGuardrailSpec();
  const all = resourceGrantActions(spec, catalog);
  const actions = all.slice(0, countOption(options.limit, 'limit', all.length));
  const started = Date.now();
  const proof = proveResourceGrants(generateGuardrails(spec, catalog), spec, catalog, actions);
  console.log(
    `resource policies naming the agent's session: ${proof.cases} writes of the agent services on production ` +
      `(${((Date.now() - started) / 1000).toFixed(1)} s)\n` +
      `  boundary alone: ${proof.boundaryAlone.length} let through (IAM does not cap a session grant with its implicit deny)\n` +
      `  boundary and SCP agent layer: ${proof.withScps.length} let through (required: 0)\n` +
      `  audit evaluator against the simulator: ${proof.disagreements.length} disagreements (required: 0)`,
  );
  for (const action of proof.withScps) console.log(`  let through with the SCPs: ${action}`);
  for (const line of proof.disagreements) console.log(`  disagreement: ${line}`);
  if (proof.withScps.length > 0 || proof.disagreements.length > 0) process.exitCode = 1;
}

main();
