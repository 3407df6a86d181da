// Full proof of the guardrail generators: every destructive action of the catalog × {production-tagged (once
// per tag key), non-production-tagged, untagged} × {agent with boundary, ordinary role, exempt role,
// CloudFormation's execution role}, with the SCPs and RCPs attached at the organization levels the placement
// plan gives them, plus the agent with the boundary alone (no generated SCPs or RCPs) × the three states,
// decided by @cloud-copilot/iam-simulate and compared with the coverage report. Also counts, straight from the
// simulator, the tag-aware destructive actions a non-exempt principal may still call on production (required:
// 0 but pure escalation, which the report lists with its reason). Then the agent invariant
// (bench/agent-proof.ts): every action of the agent services × resource states × {boundary alone, SCPs alone,
// both} × {agent, MCP administrator, source-identity administrator}, under the spec and under the spec with a
// second production tag key.
// Run after a build: `node dist/bench/prove-guardrails.js [--spec FILE.json] [--limit N] [--agents-only]`.
// Exit code 1 when the simulator disagrees with the report (or cannot run a case).
import { readFileSync } from 'node:fs';
import { loadCatalog } from '../lib/catalog';
import { DESTRUCTIVE_CLASSES } from '../lib/catalog/types';
import { defaultGuardrailSpec, generateGuardrails, GuardrailSpec, type CoverageTotals } from '../lib/guardrails';
import { agentServiceActions, proveAgentInvariant, type AgentProofSummary } from './agent-proof';
import { proveActions, proveBoundaryAlone, type ProofSummary } from './guardrail-proof';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

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
      `${summary.creates.allowed} of ${summary.creates.swept}; simulator errors ${summary.errors.length}`,
  );
  for (const v of summary.violations.slice(0, 30)) {
    out.push(`  VIOLATION ${v.action} ${v.principal} ${v.layer} on ${v.state} (${v.tagKey})`);
  }
  for (const e of summary.errors.slice(0, 10)) out.push(`  ERROR ${e.action} ${e.state}: ${e.detail}`);
  return out;
}

function main(): number {
  const specFile = option('--spec');
  const specs: [string, GuardrailSpec][] = specFile
    ? [[specFile, GuardrailSpec.parse(JSON.parse(readFileSync(specFile, 'utf8')))]]
    : [
        ['default spec (one production tag key)', defaultGuardrailSpec()],
        [
          'two production tag keys (environment, stage)',
          GuardrailSpec.parse({ production: { tagKeys: ['environment', 'stage'] } }),
        ],
      ];
  let exitCode = 0;
  for (const [label, spec] of specs) {
    console.log(`== ${label}`);
    exitCode = Math.max(exitCode, proveSpec(spec));
  }
  return exitCode;
}

function proveSpec(spec: GuardrailSpec): number {
  const limit = option('--limit');
  const agentsOnly = process.argv.includes('--agents-only');
  const catalog = loadCatalog();
  const started = Date.now();
  const generated = generateGuardrails(spec, catalog);
  const generatedIn = Date.now() - started;
  const actions = limit ? catalog.destructive.slice(0, Number(limit)) : catalog.destructive;

  const agentSummaries: { label: string; summary: AgentProofSummary; ms: number; spec: GuardrailSpec }[] = [];
  // The agent invariant under the spec, and under the same spec with a second production tag key.
  const twoKeys = GuardrailSpec.parse({
    ...spec,
    production: { ...spec.production, tagKeys: [...spec.production.tagKeys, `${spec.production.tagKeys[0]}-2`] },
  });
  for (const [label, agentSpec] of [
    [`${spec.production.tagKeys.length} production tag key(s)`, spec],
    [`${twoKeys.production.tagKeys.length} production tag keys`, twoKeys],
  ] as const) {
    const agentStarted = Date.now();
    const agentActions = agentServiceActions(agentSpec, catalog);
    const summary = proveAgentInvariant(
      generateGuardrails(agentSpec, catalog),
      agentSpec,
      catalog,
      limit ? agentActions.slice(0, Number(limit)) : agentActions,
    );
    agentSummaries.push({ label, summary, ms: Date.now() - agentStarted, spec: agentSpec });
  }
  // A layer the coverage report itself declares open (its statements dropped for size) is printed, not
  // counted as a failure: the proof checks that the report and the simulator agree.
  const agentFailures = agentSummaries.reduce((n, { summary: a, spec: s }) => {
    const open = declaredOpen(generateGuardrails(s, catalog).coverage.agents.layers);
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
  const proofStarted = Date.now();
  const summary = agentsOnly ? emptySummary : proveActions(generated, spec, actions);
  const provedIn = Date.now() - proofStarted;
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
      `states (production once per tag key) × 4 principals) in ${provedIn} ms`,
    `  tag-aware destructive actions the simulator allows on production to a non-exempt principal: ` +
      `${summary.allowedOnProduction.length} (${summary.allowedOnProduction.filter((a) => !a.escalateOrExecuteOnly).length} other than pure escalation or execution)`,
    `  agreements ${summary.agreements}, disagreements ${summary.disagreements.length}, simulator errors ${summary.errors.length}`,
  ];
  out.push(
    `boundary alone (agent, no generated SCPs or RCPs): ${alone.cases} cases (${actions.length} actions × 3 ` +
      `resource states) in ${aloneIn} ms`,
    `  agreements ${alone.agreements}, disagreements ${alone.disagreements.length}, simulator errors ${alone.errors.length}`,
  );
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
  console.log(out.join('\n'));
  const leaks = summary.allowedOnProduction.filter((a) => !a.escalateOrExecuteOnly).length;
  return disagreements.length === 0 && errors.length === 0 && agentFailures === 0 && leaks === 0 ? 0 : 1;
}

process.exitCode = main();
