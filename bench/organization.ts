// Organization audit benchmark: a synthetic organization (generate-organization.ts, default 200 accounts of
// 20 roles under the leash guardrail SCPs and RCPs) audited account by account in one process, as
// `leash audit --input org-snapshot.json` does, once with every account compiled alone and once sharing one
// CompileCache (AWS managed policies and SCP / RCP levels compiled once per run). Prints CPU per account
// (first account, median and range of the rest) and checks both give the same findings.
// With --from, every account is a copy of one real authorization-details file (its account id replaced), so
// the AWS managed policies are the real, large ones. With --organization-graph it also audits every account over
// one access graph of the whole organization with every account's goals, as `leash audit` does for several
// accounts (organization-audit.ts), and prints what that costs and how many paths cross accounts.
//   node dist/bench/organization.js [--accounts 200] [--roles 20] [--from authz.json] [--organization-graph]
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { auditAccount, type AuditResult } from '../lib/audit/audit';
import { CompileCache } from '../lib/audit/evaluate/compile-account';
import { organizationAuditContext } from '../lib/audit/organization-audit';
import { LeashConfig } from '../lib/config/schema';
import { parseAuthorizationDetails } from '../lib/audit/sources/authorization-details';
import type { AccountSnapshot } from '../lib/audit/sources/snapshot';
import { loadCatalog } from '../lib/catalog';
import { generateOrganization } from './generate-organization';
import { benchOptions, countOption } from './options';

const options = benchOptions(
  'node dist/bench/organization.js [--accounts 200] [--roles 20] [--from authz.json] [--organization-graph]',
  {
    accounts: { type: 'string' },
    roles: { type: 'string' },
    from: { type: 'string' },
    'organization-graph': { type: 'boolean' },
  },
);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

function main(): void {
  const started = process.cpuUsage();
  const catalog = loadCatalog();
  const catalogMs = cpuMs(started);
  const guardrails = join(__dirname, '..', '..', 'templates', 'guardrails');
  const read = (prefix: string) =>
    readdirSync(guardrails)
      .filter((name) => name.startsWith(prefix) && name.endsWith('.json'))
      .sort()
      .map((name) => JSON.parse(readFileSync(join(guardrails, name), 'utf8')) as unknown);
  const from = options.from;
  const generated = generateOrganization(catalog, {
    accounts: countOption(options.accounts, 'accounts', 200),
    roles: countOption(options.roles, 'roles', 20),
    rootScps: read('scp-'),
    rootRcps: read('rcp-'),
  });
  const accounts: AccountSnapshot[] = from
    ? generated.map((account) => {
        const text = readFileSync(from, 'utf8').replace(/\b\d{12}\b/g, account.accountId);
        return {
          ...account,
          ...parseAuthorizationDetails(JSON.parse(text), from),
          serviceControlPolicies: account.serviceControlPolicies,
          resourceControlPolicies: account.resourceControlPolicies,
          organizationPoliciesKnown: true,
        };
      })
    : generated;
  const principals = accounts.reduce((n, account) => n + account.principals.length, 0);
  console.log(
    `${accounts.length} accounts, ${principals} principals, SCPs ${read('scp-').length} + RCPs ${read('rcp-').length} at the root; ` +
      `catalog loaded in ${catalogMs.toFixed(0)} ms CPU; load average ${loadavg()[0].toFixed(1)} (a busy machine inflates CPU too)`,
  );
  const now = new Date('2026-12-01T00:00:00Z');
  const runs: Record<'alone' | 'shared', { perAccount: number[]; results: AuditResult[] }> = {
    alone: { perAccount: [], results: [] },
    shared: { perAccount: [], results: [] },
  };
  // A first pass over every account, not counted, so neither variant pays the JIT's warm-up.
  for (const snapshot of accounts) auditAccount(snapshot, { catalog, now });
  for (const mode of ['shared', 'alone'] as const) {
    const cache = mode === 'shared' ? new CompileCache(catalog) : undefined;
    for (const snapshot of accounts) {
      const before = process.cpuUsage();
      runs[mode].results.push(auditAccount(snapshot, { catalog, now, compileCache: cache }));
      runs[mode].perAccount.push(cpuMs(before));
    }
    const per = runs[mode].perAccount;
    const rest = per.slice(1);
    console.log(
      `${mode === 'shared' ? 'one CompileCache for the run' : 'each account compiled alone'}: total ${(per.reduce((a, b) => a + b, 0) / 1000).toFixed(2)} s CPU; ` +
        `first account ${per[0].toFixed(0)} ms, then median ${median(rest).toFixed(0)} ms per account (${Math.min(...rest).toFixed(0)}-${Math.max(...rest).toFixed(0)})` +
        (cache ? `; cache: ${cache.managed.size} AWS managed policies, ${cache.levels.size} policy levels` : ''),
    );
  }
  const same = runs.alone.results.every(
    (result, i) =>
      JSON.stringify({ ...result, stats: { ...result.stats, durationMs: 0 } }) ===
      JSON.stringify({ ...runs.shared.results[i], stats: { ...runs.shared.results[i].stats, durationMs: 0 } }),
  );
  const findings = runs.shared.results.reduce((n, result) => n + result.findings.length, 0);
  console.log(`findings: ${findings}; identical with and without the cache: ${same ? 'yes' : 'NO'}`);
  if (!same) process.exitCode = 1;
  if (options['organization-graph']) organizationGraphRun(accounts, catalog, now, findings);
}

function organizationGraphRun(
  accounts: readonly AccountSnapshot[],
  catalog: ReturnType<typeof loadCatalog>,
  now: Date,
  alone: number,
): void {
  const cache = new CompileCache(catalog);
  const config = LeashConfig.parse({});
  const before = process.cpuUsage();
  const wallBefore = performance.now();
  const context = organizationAuditContext(accounts, { catalog, config, now, compileCache: cache });
  const contextMs = cpuMs(before);
  let crossing = 0;
  let findings = 0;
  for (const snapshot of accounts) {
    const result = auditAccount(snapshot, {
      catalog,
      config,
      now,
      compileCache: cache,
      graph: context.graph,
      organizationGoals: context.organizationGoals,
      prepared: context.preparedFor(snapshot),
    });
    findings += result.findings.length;
    for (const finding of result.findings) {
      const path = (finding.details as { path?: { to?: string } } | undefined)?.path;
      if (path?.to && !path.to.includes(`::${snapshot.accountId}:`)) crossing++;
    }
  }
  const totalMs = cpuMs(before);
  console.log(
    `over one organization graph: graph + goals ${(contextMs / 1000).toFixed(2)} s CPU, whole audit ${(totalMs / 1000).toFixed(2)} s CPU ` +
      `(${((performance.now() - wallBefore) / 1000).toFixed(2)} s wall), ${context.graph.edgeCount} edges; findings ${findings} ` +
      `(${alone} account by account), ${crossing} with a path ending in another account; ` +
      `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
}

main();
