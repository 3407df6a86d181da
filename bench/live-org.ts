// Benchmark of the live organization audit: a synthetic organization served by the loopback AWS mock in a child
// process (so its memory is not counted), read by the real SDK code path. Prints wall time, API calls per
// account and the audit process's peak memory.
//
//   node dist/bench/live-org.js [--accounts 200] [--roles 20] [--concurrency 4] [--latency-ms 0]
import { fork } from 'node:child_process';
import { getHeapStatistics } from 'node:v8';
import { loadLiveInput } from '../lib/audit/sources/live-input';
import { credentialsFor } from '../test/support/aws-mock/model';
import { mockEndpoints, startAwsMock } from '../test/support/aws-mock/server';
import { syntheticOrganization } from '../test/support/aws-mock/worlds';
import { benchOptions, countOption } from './options';

interface Settings {
  accounts: number;
  roles: number;
  concurrency: number;
  latencyMs: number;
}

function readSettings(): Settings & { serve: boolean } {
  const options = benchOptions(
    'node dist/bench/live-org.js [--accounts 200] [--roles 20] [--concurrency 4] [--latency-ms 0]',
    {
      accounts: { type: 'string' },
      roles: { type: 'string' },
      concurrency: { type: 'string' },
      'latency-ms': { type: 'string' },
      // The child process that serves the synthetic organization.
      serve: { type: 'boolean' },
    },
  );
  return {
    serve: options.serve === true,
    accounts: countOption(options.accounts, 'accounts', 200),
    roles: countOption(options.roles, 'roles', 20, 0),
    concurrency: countOption(options.concurrency, 'concurrency', 4),
    latencyMs: countOption(options['latency-ms'], 'latency-ms', 0, 0),
  };
}

type ServerMessage =
  | { kind: 'ready'; endpoint: string; managementAccountId: string }
  | { kind: 'calls'; byOperation: Record<string, number>; peaks: Record<string, number>; total: number };

/** Child process: serve the synthetic organization until told to report and stop. */
async function serve(settings: Settings): Promise<void> {
  const world = syntheticOrganization(settings.accounts, { rolesPerAccount: settings.roles });
  const mock = await startAwsMock(world, {
    // Every request waits, as if AWS were `latencyMs` away.
    faults: settings.latencyMs > 0 ? [{ kind: 'slow', delayMs: settings.latencyMs }] : [],
  });
  const send = (message: ServerMessage) => process.send?.(message);
  process.on('message', (message: { kind: string }) => {
    if (message.kind !== 'report') return;
    const byOperation: Record<string, number> = {};
    for (const call of mock.calls) byOperation[call.operation] = (byOperation[call.operation] ?? 0) + 1;
    const peaks = Object.fromEntries(
      Object.keys(byOperation).map((operation) => [operation, mock.peakInFlight(operation)]),
    );
    send({ kind: 'calls', byOperation, peaks, total: mock.calls.length });
    void mock.close().then(() => process.exit(0));
  });
  send({ kind: 'ready', endpoint: mock.endpoint, managementAccountId: world.organization!.managementAccountId });
}

async function main(): Promise<void> {
  const settings = readSettings();
  if (settings.serve) return serve(settings);

  const child = fork(__filename, [...process.argv.slice(2), '--serve'], { stdio: 'inherit' });
  const next = () => new Promise<ServerMessage>((resolve) => child.once('message', (m) => resolve(m as ServerMessage)));
  const ready = await next();
  if (ready.kind !== 'ready') throw new Error('mock server did not start');

  // Fakes only: nothing can reach real AWS.
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  // Every client the live read makes, at the mock (one left out would wait on the real AWS endpoint).
  const endpoints = mockEndpoints(ready);
  const heapUsed = () => getHeapStatistics().used_heap_size;
  const heapBefore = heapUsed();
  let peakHeap = heapBefore;
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, heapUsed());
  }, 50);
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await loadLiveInput({
    org: true,
    concurrency: settings.concurrency,
    endpoints,
    credentials: credentialsFor(ready.managementAccountId),
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  clearInterval(sampler);
  peakHeap = Math.max(peakHeap, heapUsed());
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  const reportPromise = next();
  child.send({ kind: 'report' });
  const report = await reportPromise;
  if (report.kind !== 'calls') throw new Error('no call report');

  const accounts = result.accounts.length;
  const principals = result.accounts.reduce((sum, account) => sum + account.principals.length, 0);
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  console.log(
    `live-org: ${settings.accounts} accounts, ${settings.roles} extra roles each, concurrency ${settings.concurrency}, ` +
      `latency ${settings.latencyMs} ms`,
  );
  console.log(`  audited            ${accounts} (${result.notAudited.length} not audited), ${principals} principals`);
  console.log(`  wall time          ${(wallMs / 1000).toFixed(2)} s (${(wallMs / accounts).toFixed(1)} ms/account)`);
  console.log(`  audit CPU time     ${(cpuMs / 1000).toFixed(2)} s (${(cpuMs / accounts).toFixed(1)} ms/account)`);
  console.log(`  API calls          ${report.total} total, ${(report.total / accounts).toFixed(2)} per account`);
  for (const [operation, count] of Object.entries(report.byOperation).sort((a, b) => b[1] - a[1])) {
    console.log(
      `    ${operation.padEnd(34)} ${String(count).padStart(6)}  ${(count / accounts).toFixed(2)}/account` +
        `  (at most ${report.peaks[operation]} at once)`,
    );
  }
  console.log(`  peak RSS           ${peakRssMb.toFixed(1)} MB (audit process only; the mock runs in a child)`);
  console.log(`  peak heap used     ${mb(peakHeap)} MB (${mb(peakHeap - heapBefore)} MB above the start)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
