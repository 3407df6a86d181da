// A worker thread of the parallel audit (parallel-audit.ts): runs the principal-scoped rules of the default
// pack over the slice of an account it is sent, and answers with their findings by rule.
import { parentPort } from 'node:worker_threads';
import { loadCatalog } from '../catalog';
import { runRules } from './audit';
import type { WorkerAnswer, WorkerJob } from './parallel-audit';
import { defaultRules } from './rules';

parentPort?.once('message', (job: WorkerJob) => {
  let answer: WorkerAnswer;
  try {
    const ids = defaultRules.map((rule) => rule.meta.id);
    if (ids.join('\n') !== job.ruleIds.join('\n')) {
      throw new Error(`the worker's rule pack (${ids.join(', ')}) is not the caller's (${job.ruleIds.join(', ')})`);
    }
    const pass = runRules(job.snapshot, {
      catalog: loadCatalog(),
      config: job.config,
      rules: defaultRules,
      now: job.now,
      scope: 'principal',
      slice: true,
      skip: job.skip,
    });
    answer = { findings: pass.findings, failures: pass.failures, summaries: pass.summaries };
  } catch (err) {
    answer = { error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  parentPort?.postMessage(answer);
});
