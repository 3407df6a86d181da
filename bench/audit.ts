// Audit benchmark: generates a large realistic account (default 10,000 roles, 2,000 customer managed
// policies, AWS managed policies, 500 users), writes it to a temp file, then measures a bare JSON.parse of
// that file against the whole audit (load + every rule over the whole catalog) and prints the numbers.
// Timings on a shared 2-core machine vary from run to run: `--runs N` audits the same file in N fresh
// processes (no cache carried over) and prints each run and the median.
//   node dist/bench/audit.js [--roles N] [--policies N] [--file authz.json] [--runs N] [--batch N] [--per-rule]
//     [--no-render] (skip timing the table, JSON and SARIF reports)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditAccount } from '../lib/audit/audit';
import { auditReportInput, reportChunks, type ReportFormat } from '../lib/audit/report';
import { defaultRules } from '../lib/audit/rules';
import type { Rule } from '../lib/audit/rules/types';
import { parseAuthorizationDetails } from '../lib/audit/sources/authorization-details';
import { loadCatalog } from '../lib/catalog';
import { parsePolicy } from '../lib/policy';
import { generateAccount } from './generate-account';
import { benchOptions, countOption } from './options';

const options = benchOptions(
  'node dist/bench/audit.js [--roles N] [--policies N] [--file authz.json] [--runs N] [--batch N] [--per-rule] ' +
    '[--no-render]',
  {
    roles: { type: 'string' },
    policies: { type: 'string' },
    file: { type: 'string' },
    runs: { type: 'string' },
    batch: { type: 'string' },
    'per-rule': { type: 'boolean' },
    'no-render': { type: 'boolean' },
    // One audit in a fresh process, its result written to stdout as JSON (the parent's --runs).
    child: { type: 'boolean' },
  },
);

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

/** What one audit of the file measured (one process). */
interface RunResult {
  readonly inputMb: number;
  readonly roles: number;
  readonly principals: number;
  readonly managedPolicies: number;
  readonly parseMs: number;
  /** Parsing every identity policy document (managed and inline) against the grammar alone: a floor the audit pays too. */
  readonly grammarMs: number;
  readonly loadMs: number;
  readonly auditMs: number;
  readonly totalMs: number;
  readonly cpuMs: number;
  readonly peakRssBytes: number;
  readonly findings: number;
  /**
   * Rendering the findings piece by piece, as the CLI writes them, per format (after the audit, not in its
   * time): milliseconds and characters. Unset with --no-render.
   */
  readonly rendering?: Partial<Record<ReportFormat, { readonly ms: number; readonly chars: number }>>;
  readonly bySeverity: Record<string, number>;
  readonly perRule: Record<string, number>;
}

function auditOnce(file: string, principalBatch: number | undefined): RunResult {
  const catalog = loadCatalog();
  const text = readFileSync(file, 'utf8');

  // Bare JSON.parse of the same input: the floor any audit of this file has to pay.
  let parseMs = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    JSON.parse(text);
    parseMs = Math.min(parseMs, performance.now() - t);
  }

  const perRule: Record<string, number> = {};
  const timed =
    <A extends unknown[], R>(id: string, fn: (...args: A) => R) =>
    (...args: A): R => {
      const t = performance.now();
      const out = fn(...args);
      perRule[id] = (perRule[id] ?? 0) + performance.now() - t;
      return out;
    };
  // A goal rule's time is its direct check plus its transitive part.
  const rules: Rule[] = defaultRules.map((rule) => ({
    meta: rule.meta,
    scope: rule.scope,
    check: timed(rule.meta.id, rule.check),
    ...(rule.transitive
      ? { transitive: { goalOf: rule.transitive.goalOf, check: timed(rule.meta.id, rule.transitive.check) } }
      : {}),
  }));

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const snapshot = parseAuthorizationDetails(JSON.parse(text), file);
  const t1 = performance.now();
  const result = auditAccount(snapshot, { catalog, rules, principalBatch });
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);

  // The audit's high-water mark, read before rendering adds the report's own text.
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  const report = auditReportInput([result], { tool: { name: 'leash audit', version: 'bench' } });
  const rendering: RunResult['rendering'] = options['no-render'] ? undefined : {};
  for (const format of ['table', 'json', 'sarif'] as const) {
    if (!rendering) break;
    const r0 = performance.now();
    let chars = 0;
    for (const chunk of reportChunks(report, format)) chars += chunk.length;
    rendering[format] = { ms: performance.now() - r0, chars };
  }

  // The grammar floor, measured after the audit on documents of a fresh parse (the audit's parse cache
  // is keyed by document object, so none of this is served from it).
  const fresh = parseAuthorizationDetails(JSON.parse(text), file);
  const g0 = performance.now();
  for (const policy of fresh.managedPolicies) parsePolicy(policy.document, { type: 'identity' });
  for (const principal of fresh.principals) {
    for (const policy of principal.inlinePolicies) parsePolicy(policy.document, { type: 'identity' });
  }
  const grammarMs = performance.now() - g0;

  return {
    inputMb: text.length / 1024 / 1024,
    roles: snapshot.principals.filter((p) => p.kind === 'role').length,
    principals: snapshot.principals.length,
    managedPolicies: snapshot.managedPolicies.length,
    parseMs,
    grammarMs,
    loadMs: t1 - t0,
    auditMs: t2 - t1,
    totalMs: t2 - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssBytes,
    findings: result.findings.length,
    rendering,
    bySeverity: result.stats.bySeverity,
    perRule,
  };
}

function printRun(run: RunResult, perRule: boolean): void {
  console.log(
    `input: ${run.inputMb.toFixed(1)} MB, ${run.roles} roles, ${run.principals} principals, ${run.managedPolicies} managed policies`,
  );
  console.log(`JSON.parse (bare, best of 3): ${run.parseMs.toFixed(0)} ms`);
  console.log(
    `policy grammar alone (zod):   ${run.grammarMs.toFixed(0)} ms (${(run.grammarMs / run.parseMs).toFixed(1)}x JSON.parse)`,
  );
  console.log(`load (parse + snapshot):      ${run.loadMs.toFixed(0)} ms`);
  console.log(`audit (compile + rules):      ${run.auditMs.toFixed(0)} ms`);
  console.log(`total:                        ${(run.totalMs / 1000).toFixed(2)} s`);
  console.log(
    `CPU time (user + system):     ${(run.cpuMs / 1000).toFixed(2)} s (includes V8's GC threads; wall time is longer on a busy machine)`,
  );
  console.log(`roles/second:                 ${(run.roles / (run.totalMs / 1000)).toFixed(0)}`);
  console.log(`audit / JSON.parse:           ${(run.totalMs / run.parseMs).toFixed(1)}x`);
  console.log(`peak RSS (maxRSS):            ${mib(run.peakRssBytes)}`);
  if (run.rendering) {
    const parts = Object.entries(run.rendering).map(
      ([format, r]) => `${format} ${r.ms.toFixed(0)} ms (${(r.chars / 1e6).toFixed(0)}M characters)`,
    );
    console.log(`report rendering (not above): ${parts.join(', ')}`);
  }
  console.log(
    `findings: ${run.findings} (${Object.entries(run.bySeverity)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ')})`,
  );
  if (perRule) {
    for (const [id, ms] of Object.entries(run.perRule).sort((a, b) => b[1] - a[1]))
      console.log(`  ${id.padEnd(36)} ${ms.toFixed(0)} ms`);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function main(): void {
  const principalBatch = options.batch === undefined ? undefined : countOption(options.batch, 'batch', 0);
  if (options.child) {
    // One audit in this fresh process, reported to the parent as JSON.
    process.stdout.write(JSON.stringify(auditOnce(options.file!, principalBatch)));
    return;
  }
  let file = options.file;
  if (!file) {
    const roles = countOption(options.roles, 'roles', 10000);
    const policies = countOption(options.policies, 'policies', 2000, 0);
    const started = performance.now();
    const account = generateAccount(loadCatalog(), { roles, customerManagedPolicies: policies });
    file = join(mkdtempSync(join(tmpdir(), 'leash-bench-')), 'authorization-details.json');
    writeFileSync(file, JSON.stringify(account));
    console.log(
      `generated ${file} (${roles} roles, ${policies} customer managed policies) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  const catalog = loadCatalog();
  console.log(
    `catalog: ${catalog.actions.length} actions (${catalog.destructive.length} destructive), data ${catalog.dataVersion}`,
  );
  const runs = countOption(options.runs, 'runs', 1);
  const perRule = options['per-rule'] === true;
  if (runs === 1) {
    printRun(auditOnce(file, principalBatch), perRule);
    return;
  }
  const results: RunResult[] = [];
  for (let i = 0; i < runs; i++) {
    const args = [
      __filename,
      '--child',
      '--file',
      file,
      ...(principalBatch ? ['--batch', String(principalBatch)] : []),
      ...(options['no-render'] ? ['--no-render'] : []),
    ];
    const run = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as RunResult;
    results.push(run);
    console.log(
      `run ${i + 1}: total ${(run.totalMs / 1000).toFixed(2)} s, CPU ${(run.cpuMs / 1000).toFixed(2)} s, ` +
        `JSON.parse ${run.parseMs.toFixed(0)} ms, peak RSS ${mib(run.peakRssBytes)}, load average ${loadavg()[0].toFixed(1)}`,
    );
  }
  // The median run of total time, printed in full; then the spread.
  const byTotal = [...results].sort((a, b) => a.totalMs - b.totalMs);
  console.log(`median of ${runs} runs:`);
  printRun(byTotal[Math.floor((runs - 1) / 2)], perRule);
  console.log(
    `spread: total ${(byTotal[0].totalMs / 1000).toFixed(2)}-${(byTotal[runs - 1].totalMs / 1000).toFixed(2)} s; ` +
      `median audit / JSON.parse ${median(results.map((r) => r.totalMs / r.parseMs)).toFixed(1)}x`,
  );
}

main();
