// A large account audited on every core. The principal-scoped checks (each principal judged on its own: the
// bulk of the work, including what each principal can do itself for the goal rules) run over contiguous
// slices of the principals, one per worker thread and a smaller one on this thread, which first compiles the
// whole account, builds its access graph and runs the account-scoped rules. Once every slice is in, this
// thread runs the goal rules' transitive parts over all their direct findings. The passes are joined rule by
// rule, in the order one thread would have produced them, so the result is the single-threaded result (tested).
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../catalog';
import { defaultConfig } from '../config/defaults';
import type { LeashConfig } from '../config/schema';
import { auditAccount, auditResultOf, runRules, RuleRun, type AuditOptions, type AuditResult } from './audit';
import { defaultRules } from './rules';
import type { Finding } from './findings';
import type { PrincipalAccessSummary } from './rules/types';
import type { AccountSnapshot } from './sources/snapshot';

/**
 * Users and roles from which workers are used when asked for: below it, starting them costs more than they
 * save. The CLI asks only with `--threads`: on the 2-core machine (2026-12-02, idle) the 10,000-role account
 * took 6.7-7.2 s wall and 9.8-10.5 s CPU on one thread (V8's GC threads already use the second core) against
 * 8.2-8.8 s wall and 15.5-16.4 s CPU on this thread and one worker (bench/parallel.ts), findings identical:
 * the worker compiles its slice again, loads the engine and catalog, starts with cold evaluator caches, and
 * the snapshot and findings are copied between threads. More cores than two are needed for it to pay.
 */
export const PARALLEL_THRESHOLD = 1000;

/**
 * This thread's slice, relative to a worker's: it also compiles the whole account, builds the access graph
 * and runs the account-scoped rules while the workers run.
 */
export const MAIN_THREAD_SHARE = 0.4;

export interface ParallelAuditOptions extends Omit<AuditOptions, 'rules' | 'principalBatch'> {
  /** Worker threads to use beside this one. @default os.availableParallelism() - 1, at most 7 */
  readonly workers?: number;
  /** Users and roles from which workers are used. @default PARALLEL_THRESHOLD */
  readonly threshold?: number;
}

/** What a worker is asked: its slice of the account and everything the rules read besides. */
export interface WorkerJob {
  readonly snapshot: AccountSnapshot;
  readonly config: LeashConfig;
  readonly now: Date;
  readonly ruleIds: readonly string[];
  /** Rules whose checks the caller has done already (RunRulesOptions.skip). */
  readonly skip: readonly string[];
}

/** What a worker answers: the principal-scoped rules' findings and failures, by rule, and its summaries. */
export interface WorkerAnswer {
  readonly findings?: Finding[][];
  readonly failures?: (string | undefined)[];
  readonly summaries?: PrincipalAccessSummary[];
  readonly error?: string;
}

/** The compiled worker beside this module (dist/lib/audit/audit-worker.js). */
function workerFile(): string | undefined {
  return __filename.endsWith('.js') ? join(__dirname, 'audit-worker.js') : undefined;
}

/** Split `count` items into `parts` contiguous ranges whose sizes differ by at most one. */
export function contiguousSlices(count: number, parts: number): { start: number; end: number }[] {
  return weightedSlices(
    count,
    Array.from({ length: parts }, () => 1),
  );
}

/**
 * Split `count` items into contiguous ranges, one per weight, sized in proportion to the weights (largest
 * remainders first, earlier ranges on ties); empty ranges are left out.
 */
export function weightedSlices(count: number, weights: readonly number[]): { start: number; end: number }[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const exact = weights.map((weight) => (count * weight) / total);
  const sizes = exact.map(Math.floor);
  let left = count - sizes.reduce((sum, size) => sum + size, 0);
  const byRemainder = exact
    .map((value, i) => ({ i, rest: value - sizes[i] }))
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left-- <= 0) break;
    sizes[i]++;
  }
  const slices: { start: number; end: number }[] = [];
  let start = 0;
  for (const size of sizes) {
    if (size > 0) slices.push({ start, end: start + size });
    start += size;
  }
  return slices;
}

function runInWorker(file: string, job: WorkerJob): Promise<WorkerAnswer> {
  return new Promise((resolve, reject) => {
    // Loaded here, not with this module: most audits run on one thread and never need it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, see above
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    const worker = new Worker(file);
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.once('message', (answer: WorkerAnswer) => settle(() => resolve(answer)));
    worker.once('error', (err) => settle(() => reject(err)));
    worker.once('exit', (code) => settle(() => reject(new Error(`audit worker exited with code ${code}`))));
    worker.postMessage(job);
  });
}

/**
 * Audit one account on several threads when it is large (at least `threshold` users and roles) and a worker
 * can run; otherwise, or when worker threads cannot run (sources run through ts-jest), exactly auditAccount().
 * The default rule pack only: custom rules are functions no thread can be sent.
 */
export async function auditAccountInParallel(
  snapshot: AccountSnapshot,
  options: ParallelAuditOptions = {},
): Promise<AuditResult> {
  const started = performance.now();
  const catalog = options.catalog ?? loadCatalog();
  const config = options.config ?? defaultConfig();
  const now = options.now ?? new Date();
  const rules = defaultRules;
  const members = snapshot.principals.filter((p) => p.kind !== 'group');
  const groups = snapshot.principals.filter((p) => p.kind === 'group');
  const workers = Math.max(0, Math.min(options.workers ?? Math.min(availableParallelism() - 1, 7), members.length - 1));
  const file = workerFile();
  if (!file || workers < 1 || members.length < (options.threshold ?? PARALLEL_THRESHOLD)) {
    return auditAccount(snapshot, {
      catalog,
      config,
      now,
      rules,
      graph: options.graph,
      organizationGoals: options.organizationGoals,
      compileCache: options.compileCache,
      onProgress: options.onProgress,
      prepared: options.prepared,
    });
  }

  // This thread's slice first: the first slice owns the groups and the findings naming no principal, and this
  // thread checks its slice over the whole account (the single-threaded view of those findings).
  const weights = [MAIN_THREAD_SHARE, ...Array.from({ length: workers }, () => 1)];
  const slices = weightedSlices(members.length, weights).map(({ start, end }) => {
    const own = members.slice(start, end);
    // Users need their groups' policies, so every worker's slice carries every group; a finding counts only
    // in the slice that owns its principal.
    return { own, snapshot: { ...snapshot, principals: [...own, ...groups] } };
  });
  const ruleIds = rules.map((rule) => rule.meta.id);
  const skip = [...(options.prepared?.checked.keys() ?? [])];
  // Workers take the last slices (the first is this thread's when the account is large enough to give it one).
  const theirs = slices.slice(slices.length - workers);
  const answers = theirs.map((slice) =>
    runInWorker(file, { snapshot: slice.snapshot, config, now, ruleIds, skip }).catch(
      // A worker that cannot run (no thread, out of memory) costs time, never findings: its slice runs here.
      (): WorkerAnswer =>
        runRules(slice.snapshot, { catalog, config, rules, now, scope: 'principal', slice: true, skip }),
    ),
  );
  // Meanwhile this thread compiles the whole account (its invalid policies are the account's), checks its own
  // slice and builds the access graph; the account-scoped rules run once the slices' summaries are in.
  const run = new RuleRun(snapshot, {
    catalog,
    config,
    rules,
    now,
    scope: 'account',
    graph: options.graph,
    organizationGoals: options.organizationGoals,
    compileCache: options.compileCache,
    onProgress: options.onProgress,
    prepared: options.prepared,
  });
  const own = slices.length > workers ? [run.principalChecksOver(slices[0].own)] : [];
  run.prepareGraph();
  const parts: WorkerAnswer[] = [...own, ...(await Promise.all(answers))];
  for (const answer of parts) run.learn(answer.summaries ?? []);
  run.checks();

  parts.forEach((answer, k) => {
    if (answer.error !== undefined || !answer.findings || !answer.failures) {
      throw new Error(`audit worker ${k + 1} of ${parts.length} failed: ${answer.error ?? 'no answer'}`);
    }
    const owned = new Set(slices[k].own.map((p) => p.arn));
    if (k === 0) for (const group of groups) owned.add(group.arn);
    const failures = answer.failures;
    answer.findings.forEach((ruleFindings, index) => {
      if (rules[index].scope !== 'principal') return;
      const kept = ruleFindings.filter((finding: Finding) =>
        finding.principalArn === undefined ? k === 0 : owned.has(finding.principalArn),
      );
      run.add(index, kept, failures[index]);
    });
  });
  // Every direct finding is in: who can reach a goal, over the whole account's graph.
  run.transitives();
  return auditResultOf(snapshot, run.pass(), { config, rules, now, started });
}
