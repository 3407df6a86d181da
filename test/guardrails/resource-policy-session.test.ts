// An agent whose session a production resource's policy names. IAM does not cap a grant to a session with the
// permissions boundary's implicit deny, so the agent boundary alone, which keeps production writes out within
// its services by what it does not allow, does not hold then; the SCP agent layer's explicit Denies do. Decided
// by the independent simulator (@cloud-copilot/iam-simulate) over every write of the agent services a resource
// policy can grant (every third in npm test; all of them in `npm run prove:resource-grants`, and here with
// SWEEP_STRIDE=1), and matched by the audit's own evaluator (docs/deploy.md, "What an agent can and cannot do
// once deployed").
import { proveResourceGrants, resourceGrantActions, type ResourceGrantProof } from '../../bench/resource-grant-proof';
import { loadCatalog } from '../../lib/catalog';
import { defaultGuardrailSpec, generateGuardrails } from '../../lib/guardrails';
import { strided, sweepStride } from '../support/sweep';

const catalog = loadCatalog();
const spec = defaultGuardrailSpec();

let proof: ResourceGrantProof;
beforeAll(() => {
  const actions = strided(resourceGrantActions(spec, catalog), sweepStride(3));
  proof = proveResourceGrants(generateGuardrails(spec, catalog), spec, catalog, actions);
});

describe("a resource policy that names an agent's session", () => {
  it('is not capped by the agent boundary alone: the agent can write production through it', () => {
    // Most writes get through; those the boundary denies explicitly (its other services) do not.
    expect(proof.boundaryAlone.length).toBeGreaterThan(proof.cases / 2);
  });

  it('is stopped by the SCP agent layer, whose production statements are explicit Denies: every write', () => {
    expect(proof.withScps).toEqual([]);
  });

  it("is read by the audit's evaluator as the simulator reads it, boundary alone", () => {
    // Ours may depend on a key the simulator is handed outright (the resource's other tags, which the audit
    // does not know); it is never denied where the simulator allows, nor allowed where it denies.
    expect(proof.disagreements).toEqual([]);
  });
});
