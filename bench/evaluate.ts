// Benchmark of the effective-access evaluator: decideMany over the whole catalog for every principal of the
// bundled get-account-authorization-details example, then of a synthetic account of many roles built from
// the same policies (shared managed policies, per-role inline policies, tags, a three-level SCP chain).
//
//   npx tsc -p tsconfig.build.json --outDir /tmp/leash-dist && node /tmp/leash-dist/bench/evaluate.js \
//     [--input file.json] [--roles 10000] [--actions all|destructive]
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { compileAccount } from '../lib/audit/evaluate';
import { parseAuthorizationDetails } from '../lib/audit/sources/authorization-details';
import type { AccountSnapshot, Principal } from '../lib/audit/sources/snapshot';
import { loadCatalog } from '../lib/catalog';
import type { CatalogAction } from '../lib/catalog/types';
import { benchOptions, countOption } from './options';

export interface EvaluateBenchOptions {
  readonly input: string;
  readonly roles: number;
  readonly actions: 'all' | 'destructive';
}

export interface EvaluateBenchResult {
  readonly label: string;
  readonly principals: number;
  readonly actions: number;
  readonly compileMs: number;
  readonly decideMs: number;
  /** CPU time of this process while deciding: on a loaded machine far closer to the real cost than wall time. */
  readonly decideCpuMs: number;
  readonly principalsPerSecond: number;
  readonly msPerPrincipal: number;
  /** The same, from CPU time. */
  readonly principalsPerCpuSecond: number;
  readonly cpuMsPerPrincipal: number;
  /** CPU time per principal of a second pass over the same account (match tables and templates built). */
  readonly warmCpuMsPerPrincipal: number;
  /**
   * CPU time per principal of countDecisions over the whole catalog (the audit's access summary), on a
   * freshly compiled account: counts a class of actions at a time, building no decision object.
   */
  readonly countCpuMsPerPrincipal: number;
  readonly decisions: Record<string, number>;
}

/** Deterministic pseudo-random numbers, so runs are comparable. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function statement(
  effect: 'Allow' | 'Deny',
  action: unknown,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { Effect: effect, Action: action, Resource: '*', ...extra };
}

/** Many roles from the example's policies: each role mixes managed policies and one inline policy. */
export function syntheticAccount(base: AccountSnapshot, roles: number): AccountSnapshot {
  const next = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const inlinePool = base.principals.flatMap((p) => p.inlinePolicies);
  const managedPool = base.managedPolicies.map((policy) => policy.arn);
  const teams = ['payments', 'search', 'platform', 'data'];
  const principals: Principal[] = [];
  for (let i = 0; i < roles; i++) {
    const managed = new Set<string>();
    const count = 1 + Math.floor(next() * 3);
    for (let j = 0; j < count && managedPool.length; j++) managed.add(pick(managedPool));
    const inline = inlinePool.length ? [{ ...pick(inlinePool), name: `inline-${i}` }] : [];
    principals.push({
      kind: 'role',
      name: `role-${i}`,
      arn: `arn:aws:iam::${base.accountId}:role/role-${i}`,
      path: '/',
      tags: { team: pick(teams) },
      inlinePolicies: inline,
      managedPolicyArns: [...managed],
      groups: [],
      serviceLinked: i % 50 === 0,
      permissionsBoundaryArn: undefined,
    });
  }
  const scp = (name: string, statements: Record<string, unknown>[]) => ({
    name,
    arn: `p-${name}`,
    document: { Version: '2012-10-17', Statement: statements },
  });
  const full = scp('FullAWSAccess', [statement('Allow', '*')]);
  return {
    ...base,
    principals,
    organizationPoliciesKnown: true,
    serviceControlPolicies: [
      {
        kind: 'root',
        id: 'r-root',
        policies: [full, scp('DenyLeaveOrg', [statement('Deny', 'organizations:LeaveOrganization')])],
      },
      {
        kind: 'ou',
        id: 'ou-prod',
        policies: [
          full,
          scp('ProtectProduction', [
            statement('Deny', ['rds:Delete*', 'dynamodb:DeleteTable', 's3:DeleteBucket', 'ec2:TerminateInstances'], {
              Condition: {
                StringEquals: { 'aws:ResourceTag/environment': 'production' },
                ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/break-glass' },
              },
            }),
            statement('Deny', ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail']),
          ]),
        ],
      },
      {
        kind: 'account',
        id: base.accountId,
        policies: [
          full,
          scp('RegionLock', [
            {
              Effect: 'Deny',
              NotAction: ['iam:*', 'sts:*', 'organizations:*'],
              Resource: '*',
              Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] } },
            },
          ]),
        ],
      },
    ],
  };
}

function measure(label: string, snapshot: AccountSnapshot, actions: readonly CatalogAction[]): EvaluateBenchResult {
  const catalog = loadCatalog();
  const compileStart = process.hrtime.bigint();
  const account = compileAccount(snapshot, catalog);
  const compileMs = Number(process.hrtime.bigint() - compileStart) / 1e6;
  const decisions: Record<string, number> = { allowed: 0, denied: 0, depends: 0 };
  // Pass 1 (cold) builds match tables and shared templates; pass 2 (warm) is the steady state that later
  // callers in the same process see. Only pass 1's decisions are counted.
  let decideMs = 0;
  let decideCpuMs = 0;
  let warmCpuMs = 0;
  for (let pass = 1; pass <= 2; pass++) {
    const decideStart = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    for (const principal of account.principals) {
      const made = principal.decideMany(actions);
      if (pass === 1) for (const decision of made) decisions[decision.decision]++;
    }
    const cpu = process.cpuUsage(cpuStart);
    if (pass === 1) {
      decideMs = Number(process.hrtime.bigint() - decideStart) / 1e6;
      decideCpuMs = (cpu.user + cpu.system) / 1000;
    } else {
      warmCpuMs = (cpu.user + cpu.system) / 1000;
    }
  }
  const principals = account.principals.length;
  const fresh = compileAccount(snapshot, catalog);
  const flagged = Uint8Array.from(catalog.actions, (action) => (action.accessLevel === 'Write' ? 1 : 0));
  const countStart = process.cpuUsage();
  for (const principal of fresh.principals) principal.countDecisions(flagged);
  const countCpu = process.cpuUsage(countStart);
  return {
    label,
    principals,
    actions: actions.length,
    compileMs: Math.round(compileMs),
    decideMs: Math.round(decideMs),
    decideCpuMs: Math.round(decideCpuMs),
    principalsPerSecond: Math.round((principals / decideMs) * 1000),
    msPerPrincipal: Number((decideMs / principals).toFixed(3)),
    principalsPerCpuSecond: Math.round((principals / decideCpuMs) * 1000),
    cpuMsPerPrincipal: Number((decideCpuMs / principals).toFixed(3)),
    warmCpuMsPerPrincipal: Number((warmCpuMs / principals).toFixed(3)),
    countCpuMsPerPrincipal: Number(((countCpu.user + countCpu.system) / 1000 / principals).toFixed(3)),
    decisions,
  };
}

export function runEvaluateBench(options: EvaluateBenchOptions): EvaluateBenchResult[] {
  const catalog = loadCatalog();
  const actions = options.actions === 'all' ? catalog.actions : catalog.destructive;
  const base = parseAuthorizationDetails(JSON.parse(readFileSync(options.input, 'utf8')), options.input);
  return [
    measure('example account', base, actions),
    measure(`synthetic ${options.roles} roles`, syntheticAccount(base, options.roles), actions),
  ];
}

if (require.main === module) {
  const options = benchOptions(
    'node dist/bench/evaluate.js [--input file.json] [--roles 10000] [--actions all|destructive]',
    {
      input: { type: 'string' },
      roles: { type: 'string' },
      actions: { type: 'string' },
    },
  );
  if (options.actions !== undefined && options.actions !== 'all' && options.actions !== 'destructive') {
    console.error(`--actions ${JSON.stringify(options.actions)}: expected all or destructive`);
    process.exit(2);
  }
  const loadStart = Date.now();
  loadCatalog();
  console.log(`catalog loaded in ${Date.now() - loadStart} ms`);
  // Timings on a shared machine mean little without its load: print it next to the numbers.
  console.log(
    `cpus ${cpus().length}, load average ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' ')}`,
  );
  const results = runEvaluateBench({
    // dist/bench -> the vendored Cloudsplaining example in test/fixtures
    input: options.input ?? join(__dirname, '..', '..', 'test', 'fixtures', 'cloudsplaining', 'example-authz.json'),
    roles: countOption(options.roles, 'roles', 10_000),
    actions: options.actions === 'destructive' ? 'destructive' : 'all',
  });
  for (const result of results) console.log(JSON.stringify(result));
}
