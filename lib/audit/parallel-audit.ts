// A large account audited on every core: the principal-scoped rules (each principal judged on its own, the
// bulk of the work) run in worker threads over contiguous slices of the principals, while this thread runs
// the account-scoped rules over the whole account. The passes are joined rule by rule, in the order one
// thread would have produced them, so the result is the single-threaded result (tested).
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadCatalog } from '../catalog';
import { LeashConfig } from '../config/schema';
import { auditAccount, auditResultOf, runRules, type AuditOptions, type AuditResult, type RulePass } from './audit';
import { defaultRules } from './rules';
import type { Finding } from './findings';
import type { AccountSnapshot } from './sources/snapshot';

/**
 * Off unless a caller asks (`threshold`): since the access graph, the heavy rules read the whole account and
 * run on the main thread, so workers only duplicate the compile. Measured on the 2-core machine, 10,000 roles
 * (2026-12-02, near idle): one thread 9.5-11.0 s wall, 13-15 s CPU, 710 MiB; two workers 13.6-14.4 s wall,
 * 22 s CPU, 850 MiB; one worker beside the main thread 10.5-11.8 s wall. Findings identical in all three.
 */
export const PARALLEL_THRESHOLD = Number.POSITIVE_INFINITY;

export interface ParallelAuditOptions extends Omit<AuditOptions, 'rules' | 'principalBatch'> {
  /** Worker threads to use. @default os.availableParallelism(), at most 8 */
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
}

/** What a worker answers: the principal-scoped rules' findings and failures, by rule. */
export interface WorkerAnswer {
  readonly findings?: Finding[][];
  readonly failures?: (string | undefined)[];
  readonly error?: string;
}

/** The compiled worker beside this module (dist/lib/audit/audit-worker.js). */
function workerFile(): string | undefined {
  return __filename.endsWith('.js') ? join(__dirname, 'audit-worker.js') : undefined;
}

/** Split `count` items into `parts` contiguous ranges whose sizes differ by at most one. */
export function contiguousSlices(count: number, parts: number): { start: number; end: number }[] {
  const slices: { start: number; end: number }[] = [];
  let start = 0;
  for (let i = 0; i < parts; i++) {
    const end = start + Math.floor(count / parts) + (i < count % parts ? 1 : 0);
    if (end > start) slices.push({ start, end });
    start = end;
  }
  return slices;
}

function runInWorker(file: string, job: WorkerJob): Promise<WorkerAnswer> {
  return new Promise((resolve, reject) => {
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
 * Audit one account, on several threads when asked (at least `threshold` users and roles, off by default,
 * and more than one worker available); otherwise, or when worker threads cannot run (sources run through ts-jest),
 * exactly auditAccount(). The default rule pack only: custom rules are functions no thread can be sent.
 */
export async function auditAccountInParallel(
  snapshot: AccountSnapshot,
  options: ParallelAuditOptions = {},
): Promise<AuditResult> {
  const started = performance.now();
  const catalog = options.catalog ?? loadCatalog();
  const config = options.config ?? LeashConfig.parse({});
  const now = options.now ?? new Date();
  const rules = defaultRules;
  const members = snapshot.principals.filter((p) => p.kind !== 'group');
  const groups = snapshot.principals.filter((p) => p.kind === 'group');
  const workers = Math.max(1, Math.min(options.workers ?? Math.min(availableParallelism(), 8), members.length));
  const file = workerFile();
  if (!file || workers < 2 || members.length < (options.threshold ?? PARALLEL_THRESHOLD)) {
    return auditAccount(snapshot, {
      catalog,
      config,
      now,
      rules,
      graph: options.graph,
      organizationGoals: options.organizationGoals,
      compileCache: options.compileCache,
      onProgress: options.onProgress,
    });
  }

  const slices = contiguousSlices(members.length, workers).map(({ start, end }) => {
    const own = members.slice(start, end);
    // Users need their groups' policies, so every slice carries every group; a finding counts only in the
    // slice that owns its principal (the first slice owns the groups and findings naming no principal).
    return { own, snapshot: { ...snapshot, principals: [...own, ...groups] } };
  });
  const ruleIds = rules.map((rule) => rule.meta.id);
  const answers = slices.map((slice) =>
    runInWorker(file, { snapshot: slice.snapshot, config, now, ruleIds }).catch(
      // A worker that cannot run (no thread, out of memory) costs time, never findings: its slice runs here.
      (): WorkerAnswer => runRules(slice.snapshot, { catalog, config, rules, now, scope: 'principal', slice: true }),
    ),
  );
  // Meanwhile this thread compiles the whole account (its invalid policies are the account's) and runs the
  // account-scoped rules.
  const whole = runRules(snapshot, {
    catalog,
    config,
    rules,
    now,
    scope: 'account',
    graph: options.graph,
    organizationGoals: options.organizationGoals,
    compileCache: options.compileCache,
  });
  const parts = await Promise.all(answers);

  const findings = whole.findings.map((own) => [...own]);
  const failures = [...whole.failures];
  parts.forEach((answer, k) => {
    if (answer.error !== undefined || !answer.findings || !answer.failures) {
      throw new Error(`audit worker ${k + 1} of ${parts.length} failed: ${answer.error ?? 'no answer'}`);
    }
    const owned = new Set(slices[k].own.map((p) => p.arn));
    if (k === 0) for (const group of groups) owned.add(group.arn);
    answer.findings.forEach((ruleFindings, index) => {
      if (rules[index].scope !== 'principal') return;
      for (const finding of ruleFindings) {
        if (finding.principalArn === undefined ? k === 0 : owned.has(finding.principalArn)) {
          findings[index].push(finding);
        }
      }
    });
    answer.failures.forEach((message, index) => {
      if (rules[index].scope === 'principal') failures[index] ??= message;
    });
  });
  const pass: RulePass = { findings, failures, invalidPolicies: whole.invalidPolicies };
  return auditResultOf(snapshot, pass, { config, rules, now, started });
}
