// Full proof of the guardrail generators: every destructive action of the catalog × {production-tagged (once
// per tag key), non-production-tagged, untagged} × {agent with boundary, ordinary role, exempt role,
// CloudFormation's execution role}, with the SCPs and RCPs attached at the organization levels the placement
// plan gives them, plus the agent with the boundary alone (no generated SCPs or RCPs) × the three states,
// decided by @cloud-copilot/iam-simulate and compared with the coverage report. Without --spec it proves the
// default spec and the same spec with two production tag keys. Also counts, straight from the simulator,
// the tag-aware destructive actions a non-exempt principal may still call on production (required: 0 but
// pure escalation, which the report lists with its reason).
// Run after a build: `node dist/bench/prove-guardrails.js [--spec FILE.json] [--limit N]`.
// Exit code 1 when the simulator disagrees with the report (or cannot run a case).
import { readFileSync } from 'node:fs';
import { loadCatalog } from '../lib/catalog';
import { DESTRUCTIVE_CLASSES } from '../lib/catalog/types';
import { defaultGuardrailSpec, generateGuardrails, GuardrailSpec, type CoverageTotals } from '../lib/guardrails';
import { proveActions, proveBoundaryAlone } from './guardrail-proof';

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
  const catalog = loadCatalog();
  const started = Date.now();
  const generated = generateGuardrails(spec, catalog);
  const generatedIn = Date.now() - started;
  const actions = limit ? catalog.destructive.slice(0, Number(limit)) : catalog.destructive;

  const proofStarted = Date.now();
  const summary = proveActions(generated, spec, actions);
  const provedIn = Date.now() - proofStarted;
  const aloneStarted = Date.now();
  const alone = proveBoundaryAlone(generated, spec, actions);
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
      `${summary.allowedOnProduction.length} (${summary.allowedOnProduction.filter((a) => !a.escalateOnly).length} other than pure escalation)`,
    `  agreements ${summary.agreements}, disagreements ${summary.disagreements.length}, simulator errors ${summary.errors.length}`,
  ];
  out.push(
    `boundary alone (agent, no generated SCPs or RCPs): ${alone.cases} cases (${actions.length} actions × 3 ` +
      `resource states) in ${aloneIn} ms`,
    `  agreements ${alone.agreements}, disagreements ${alone.disagreements.length}, simulator errors ${alone.errors.length}`,
  );
  for (const a of summary.allowedOnProduction.filter((x) => !x.escalateOnly).slice(0, 50)) {
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
  const leaks = summary.allowedOnProduction.filter((a) => !a.escalateOnly).length;
  return disagreements.length === 0 && errors.length === 0 && leaks === 0 ? 0 : 1;
}

process.exitCode = main();
