// Audit benchmark: generates a large realistic account (default 10,000 roles, 2,000 customer managed
// policies, AWS managed policies, 500 users), writes it to a temp file, then measures a bare JSON.parse of
// that file against the whole audit (load + every rule over the whole catalog) and prints the numbers.
//   node dist/bench/audit.js [--roles N] [--policies N] [--file authz.json] [--batch N] [--per-rule]
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditAccount } from '../lib/audit/audit';
import { defaultRules } from '../lib/audit/rules';
import type { Rule } from '../lib/audit/rules/types';
import { parseAuthorizationDetails } from '../lib/audit/sources/authorization-details';
import { loadCatalog } from '../lib/catalog';
import { generateAccount } from './generate-account';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

function main(): void {
  const catalog = loadCatalog();
  let file = flag('file');
  if (!file) {
    const roles = Number(flag('roles') ?? 10000);
    const policies = Number(flag('policies') ?? 2000);
    const started = performance.now();
    const account = generateAccount(catalog, { roles, customerManagedPolicies: policies });
    file = join(mkdtempSync(join(tmpdir(), 'leash-bench-')), 'authorization-details.json');
    writeFileSync(file, JSON.stringify(account));
    console.log(
      `generated ${file} (${roles} roles, ${policies} customer managed policies) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  const text = readFileSync(file, 'utf8');

  // Bare JSON.parse of the same input: the floor any audit of this file has to pay.
  let parseMs = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    JSON.parse(text);
    parseMs = Math.min(parseMs, performance.now() - t);
  }

  const perRule = new Map<string, number>();
  const rules: Rule[] = defaultRules.map((rule) => ({
    meta: rule.meta,
    scope: rule.scope,
    check(context) {
      const t = performance.now();
      const out = rule.check(context);
      perRule.set(rule.meta.id, (perRule.get(rule.meta.id) ?? 0) + performance.now() - t);
      return out;
    },
  }));

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const snapshot = parseAuthorizationDetails(JSON.parse(text), file);
  const t1 = performance.now();
  const principalBatch = flag('batch') === undefined ? undefined : Number(flag('batch'));
  const result = auditAccount(snapshot, { catalog, rules, principalBatch });
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);

  const roles = snapshot.principals.filter((p) => p.kind === 'role').length;
  const auditMs = t2 - t0;
  const usage = process.resourceUsage();
  console.log(
    `input: ${(text.length / 1024 / 1024).toFixed(1)} MB, ${roles} roles, ${snapshot.principals.length} principals, ${snapshot.managedPolicies.length} managed policies`,
  );
  console.log(
    `catalog: ${catalog.actions.length} actions (${catalog.destructive.length} destructive), data ${catalog.dataVersion}`,
  );
  console.log(`JSON.parse (bare, best of 3): ${parseMs.toFixed(0)} ms`);
  console.log(`load (parse + snapshot):      ${(t1 - t0).toFixed(0)} ms`);
  console.log(`audit (compile + rules):      ${(t2 - t1).toFixed(0)} ms`);
  console.log(`total:                        ${(auditMs / 1000).toFixed(2)} s`);
  console.log(
    `CPU time (user + system):     ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (wall time is longer on a busy machine)`,
  );
  console.log(`roles/second:                 ${(roles / (auditMs / 1000)).toFixed(0)}`);
  console.log(`audit / JSON.parse:           ${(auditMs / parseMs).toFixed(1)}x`);
  console.log(
    `peak RSS (maxRSS):            ${mib(usage.maxRSS * 1024)}; heap used now ${mib(process.memoryUsage().heapUsed)}`,
  );
  console.log(
    `findings: ${result.findings.length} (${Object.entries(result.stats.bySeverity)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ')})`,
  );
  if (process.argv.includes('--per-rule')) {
    for (const [id, ms] of [...perRule].sort((a, b) => b[1] - a[1]))
      console.log(`  ${id.padEnd(36)} ${ms.toFixed(0)} ms`);
  }
}

main();
