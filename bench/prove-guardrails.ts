// Full proof of the guardrail generators: every destructive action of the catalog × {production-tagged (once
// per tag key), non-production-tagged, untagged} × {agent with boundary, ordinary role, exempt role,
// CloudFormation's execution role}, with the SCPs and RCPs attached at the organization levels the placement
// plan gives them, plus the agent with the boundary alone (no generated SCPs or RCPs) × the three states,
// decided by @cloud-copilot/iam-simulate and compared with the coverage report. Also counts, straight from the
// simulator, the tag-aware destructive actions a non-exempt principal may still call on production (required:
// 0 but pure escalation, which the report lists with its reason). Then the agent invariant
// (bench/agent-proof.ts): every action of the agent services × resource states × {boundary alone, SCPs alone,
// both} × {agent, MCP administrator, source-identity administrator}, for the documented defaults and for two
// production tag keys.
// Run after a build: `node dist/bench/prove-guardrails.js [--spec FILE.json] [--limit N] [--agents-only]
// [--only LABEL] [--publish DIR]` (--publish writes the results into DIR/coverage.md).
// Exit code 1 when the simulator disagrees with the report (or cannot run a case).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../lib/catalog';
import { DESTRUCTIVE_CLASSES } from '../lib/catalog/types';
import { generateGuardrails, GuardrailSpec, type CoverageTotals } from '../lib/guardrails';
import { agentServiceActions, proveAgentInvariant, type AgentProofSummary } from './agent-proof';
import { principalKinds, proveActions, proveBoundaryAlone, type ProofSummary } from './guardrail-proof';
import {
  mergeBlocks,
  policyFingerprint,
  proofSection,
  publishedBlocks,
  publishedSpecs,
  splitProof,
  withProof,
  type PublishedSpec,
} from './proof-publish';
import { benchOptions, countOption } from './options';

// Read when the script runs (main), not when a test imports its functions.
const readOptions = () =>
  benchOptions(
    'node dist/bench/prove-guardrails.js [--spec FILE.json] [--limit N] [--agents-only] [--only LABEL ...] [--publish DIR]',
    {
      spec: { type: 'string' },
      limit: { type: 'string' },
      'agents-only': { type: 'boolean' },
      only: { type: 'string', multiple: true },
      publish: { type: 'string' },
    },
  );

function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`;
}

function line(label: string, t: CoverageTotals): string {
  return (
    `${label.padEnd(10)} destructive ${String(t.destructive).padStart(5)}  ` +
    `everyone ${percent(t.protectedForEveryone, t.destructive).padStart(6)}  ` +
    `tag-aware ${t.tagAwareProtectedForEveryone}/${t.tagAware} (${percent(t.tagAwareProtectedForEveryone, t.tagAware)})  ` +
    `agents ${percent(t.protectedForAgents, t.destructive).padStart(6)}  ` +
    `boundary alone ${percent(t.protectedForAgentsByBoundary, t.destructive).padStart(6)}`
  );
}

/** Principals of the sweep whose SCP agent layer the coverage report says lets writes through. */
function declaredOpen(layers: readonly { layer: string; writesAllowedOnProduction: number }[]): Set<string> {
  const out = new Set<string>();
  for (const l of layers) {
    if (l.writesAllowedOnProduction === 0) continue;
    if (l.layer.includes('MCP')) out.add('mcp-admin');
    else if (l.layer.includes('source identity')) out.add('source-identity-admin');
  }
  return out;
}

function agentLines(label: string, spec: GuardrailSpec, summary: AgentProofSummary, ms: number): string[] {
  const out = [
    `agent invariant, ${label}: ${summary.cases} simulator cases in ${ms} ms (every action of ` +
      `${spec.agents.allowedServices.length} agent services x resource states x layers x principals)`,
  ];
  for (const [layer, counts] of Object.entries(summary.byLayer)) {
    out.push(`  agents: production writes allowed ${counts.allowed} of ${counts.swept} (${layer})`);
  }
  const overBlocked = [...new Set(summary.overBlocks.map((o) => o.action))].sort();
  out.push(
    `  over-blocks on non-production: ${summary.overBlocks.length} of ${summary.nonProductionCases} ` +
      `(${percent(summary.overBlocks.length, summary.nonProductionCases)})${overBlocked.length > 0 ? `: ${overBlocked.join(', ')}` : ''}`,
    `  reads denied: ${summary.readsDenied.length}; creates with a non-production request tag allowed: ` +
      `${summary.creates.allowed} of ${summary.creates.swept} (create actions x layers x principals); ` +
      `simulator errors ${summary.errors.length}`,
  );
  const createsDenied = [...new Set(summary.createsDenied.map((c) => c.action))].sort();
  if (createsDenied.length > 0)
    out.push(`  creates denied with a non-production request tag: ${createsDenied.join(', ')}`);
  for (const v of summary.violations.slice(0, 30)) {
    out.push(`  VIOLATION ${v.action} ${v.principal} ${v.layer} on ${v.state} (${v.tagKey})`);
  }
  for (const e of summary.errors.slice(0, 10)) out.push(`  ERROR ${e.action} ${e.state}: ${e.detail}`);
  return out;
}

function main(): number {
  const options = readOptions();
  const specFile = options.spec;
  // --only LABEL (repeatable) proves some of the published specs and keeps the others' published results.
  const only = options.only ?? [];
  const specs: [string, GuardrailSpec][] = specFile
    ? [[specFile, GuardrailSpec.parse(JSON.parse(readFileSync(specFile, 'utf8')))]]
    : publishedSpecs().filter(([label]) => only.length === 0 || only.includes(label));
  const unknown = only.filter((label) => !publishedSpecs().some(([l]) => l === label));
  if (unknown.length > 0) {
    console.error(`--only: no published spec is labelled ${unknown.join(', ')}`);
    return 2;
  }
  const publishDir = options.publish;
  // A limit that is not a count would sweep no action at all and prove nothing: refused before any work.
  const limit = options.limit === undefined ? undefined : countOption(options.limit, 'limit', 1);
  if (publishDir && (specFile || limit !== undefined || options['agents-only'])) {
    console.error('--publish needs the whole sweep of the published specs: drop --spec, --limit and --agents-only');
    return 2;
  }
  let exitCode = 0;
  const published: PublishedSpec[] = [];
  for (const [label, spec] of specs) {
    console.log(`== ${label}`);
    const result = proveSpec(spec, limit, options['agents-only'] === true);
    exitCode = Math.max(exitCode, result.exitCode);
    published.push({ label, fingerprint: result.fingerprint, lines: result.lines });
  }
  if (publishDir) {
    const file = join(publishDir, 'coverage.md');
    const markdown = readFileSync(file, 'utf8');
    const earlier = publishedBlocks(splitProof(markdown).section ?? '');
    const blocks = mergeBlocks(
      earlier,
      published,
      publishedSpecs().map(([label]) => label),
    );
    const section = proofSection(blocks, new Date(), 'npm run prove:guardrails -- --publish ' + publishDir);
    writeFileSync(file, withProof(markdown, section));
    console.log(`published the proof in ${file}${exitCode === 0 ? '' : ' (with its failures)'}`);
  }
  return exitCode;
}

function proveSpec(
  spec: GuardrailSpec,
  limit: number | undefined,
  agentsOnly: boolean,
): { exitCode: number; fingerprint: string; lines: string[] } {
  const catalog = loadCatalog();
  const started = Date.now();
  const generated = generateGuardrails(spec, catalog);
  const generatedIn = Date.now() - started;
  const actions = limit === undefined ? catalog.destructive : catalog.destructive.slice(0, limit);

  // The agent invariant under this spec (the caller runs one spec per production tag key count).
  const progress = (phase: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${phase}`);
  progress('agent invariant sweep');
  const agentStarted = Date.now();
  const agentActions = agentServiceActions(spec, catalog);
  const agentSummary = proveAgentInvariant(
    generated,
    spec,
    catalog,
    limit === undefined ? agentActions : agentActions.slice(0, limit),
  );
  const agentSummaries = [
    {
      label: `${spec.production.tagKeys.length} production tag key(s)`,
      summary: agentSummary,
      ms: Date.now() - agentStarted,
      spec,
    },
  ];
  // A layer the coverage report itself declares open (its statements dropped for size) is printed, not
  // counted as a failure: the proof checks that the report and the simulator agree.
  const agentFailures = agentSummaries.reduce((n, { summary: a }) => {
    const open = declaredOpen(generated.coverage.agents.layers);
    const unexpected = a.violations.filter((v) => !open.has(v.principal));
    return (
      n +
      unexpected.length +
      a.readsDenied.length +
      a.errors.length +
      (a.overBlocks.length > 0.02 * a.nonProductionCases ? 1 : 0)
    );
  }, 0);

  const emptySummary: ProofSummary = {
    cases: 0,
    agreements: 0,
    disagreements: [],
    errors: [],
    allowedOnProduction: [],
  };
  progress('everyone tier sweep');
  const proofStarted = Date.now();
  const summary = agentsOnly ? emptySummary : proveActions(generated, spec, actions);
  const provedIn = Date.now() - proofStarted;
  progress('boundary alone sweep');
  const aloneStarted = Date.now();
  const alone = agentsOnly ? emptySummary : proveBoundaryAlone(generated, spec, actions);
  const aloneIn = Date.now() - aloneStarted;

  const { coverage } = generated;
  const out: string[] = [
    `catalog ${catalog.dataVersion}: ${catalog.actions.length} actions, ${catalog.destructive.length} destructive`,
    `generated in ${generatedIn} ms: boundary ${generated.boundary.characters}/${generated.boundary.limit}, ` +
      `SCPs ${generated.serviceControlPolicies.map((p) => `${p.characters}/${p.limit}`).join(', ')}, ` +
      `RCPs ${generated.resourceControlPolicies.map((p) => `${p.characters}/${p.limit}`).join(', ') || 'none'}`,
    `placement: ${generated.placement.levels
      .filter((l) => l.serviceControlPolicies.length + l.resourceControlPolicies.length > 0)
      .map((l) => `${l.level} ${l.serviceControlPolicies.length} SCP(s) + ${l.resourceControlPolicies.length} RCP(s)`)
      .join(', ')}`,
    `dropped for size: ${coverage.dropped.length} patterns covering ${coverage.dropped.reduce((n, d) => n + d.actions.length, 0)} actions`,
    ...agentSummaries.flatMap((a) => agentLines(a.label, a.spec, a.summary, a.ms)),
    'coverage (protected for non-exempt principals / tag-aware protected / protected for agents / by the boundary alone):',
    line('all', coverage.totals),
    ...DESTRUCTIVE_CLASSES.map((c) => line(c, coverage.byClass[c])),
    ...coverage.levels.map(
      (l) =>
        `  level ${l.level}: ${l.tagAwareProtectedForEveryone}/${coverage.totals.tagAware} tag-aware destructive actions denied by its SCPs alone`,
    ),
    `proof: ${summary.cases} cases (${actions.length} actions × ${2 + spec.production.tagKeys.length} resource ` +
      `states (production once per tag key) × ${principalKinds(spec).length} principals) in ${provedIn} ms`,
    `  tag-aware destructive actions the simulator allows on production to a non-exempt principal: ` +
      `${summary.allowedOnProduction.length} (${summary.allowedOnProduction.filter((a) => !a.escalateOrExecuteOnly).length} other than pure escalation or execution)`,
    `  agreements ${summary.agreements}, disagreements ${summary.disagreements.length}, simulator errors ${summary.errors.length}`,
  ];
  out.push(
    `boundary alone (agent, no generated SCPs or RCPs): ${alone.cases} cases (${actions.length} actions × 3 ` +
      `resource states) in ${aloneIn} ms`,
    `  agreements ${alone.agreements}, disagreements ${alone.disagreements.length}, simulator errors ${alone.errors.length}`,
  );
  const byDesign = [
    ...new Set(summary.allowedOnProduction.filter((a) => a.escalateOrExecuteOnly).map((a) => a.action)),
  ].sort();
  if (byDesign.length > 0) {
    out.push(
      `  pure escalation or execution, guarded for agents only (denying it to everyone would stop the ` +
        `workloads and deployments that run it): ${byDesign.length} action(s): ${byDesign.join(', ')}`,
    );
  }
  for (const a of summary.allowedOnProduction.filter((x) => !x.escalateOrExecuteOnly).slice(0, 50)) {
    out.push(`  ALLOWED ON PRODUCTION ${a.action} for ${a.principal} (${a.resource})`);
  }
  const disagreements = [...summary.disagreements, ...alone.disagreements];
  const errors = [...summary.errors, ...alone.errors];
  for (const d of disagreements.slice(0, 50)) {
    out.push(
      `  DISAGREE ${d.action} ${d.principal} on ${d.resource}: report says ${d.claimed}, simulator ${d.simulated}`,
    );
  }
  for (const e of errors.slice(0, 20)) out.push(`  ERROR ${e.action} ${e.principal} on ${e.resource}: ${e.error}`);
  const leaks = summary.allowedOnProduction.filter((a) => !a.escalateOrExecuteOnly).length;
  const passed = disagreements.length === 0 && errors.length === 0 && agentFailures === 0 && leaks === 0;
  out.push(`verdict: ${passed ? 'PASS' : 'FAIL'}`);
  console.log(out.join('\n'));
  return { exitCode: passed ? 0 : 1, fingerprint: policyFingerprint(generated), lines: out };
}

process.exitCode = main();
