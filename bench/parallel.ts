// One large account audited on one thread and on every core (parallel-audit.ts), each run a fresh process,
// the two interleaved: wall and CPU time of the audit (input already loaded), peak memory, and whether the
// two found exactly the same. Then `leash audit` end to end on the same file (load, audit, JSON report),
// as a user runs it. Outside npm test: a 10,000-role account takes 5-15 s a run on the 2-core machine.
//   node dist/bench/parallel.js [--roles 10000] [--file authz.json] [--runs 3]
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { auditAccountInParallel } from '../lib/audit/parallel-audit';
import { loadInputFile } from '../lib/audit/sources';
import { loadCatalog } from '../lib/catalog';
import { generateAccount } from './generate-account';
import { benchOptions, countOption } from './options';
import { auditArgs } from './audit-args';

interface ChildResult {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakRssMib: number;
  readonly findings: number;
  /** Hash of the findings as a report would print them: equal hashes, equal findings. */
  readonly hash: string;
}

/** In a child process: audit the file once, on one thread or on every core, and print what it measured. */
async function child(mode: string, file: string): Promise<void> {
  const snapshot = loadInputFile(file).accounts[0];
  const catalog = loadCatalog();
  const cpu = process.cpuUsage();
  const t = performance.now();
  const result = await auditAccountInParallel(snapshot, {
    catalog,
    now: new Date('2026-12-01T00:00:00Z'),
    threshold: mode === 'parallel' ? 0 : Number.POSITIVE_INFINITY,
  });
  const wallMs = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const out: ChildResult = {
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    peakRssMib: process.resourceUsage().maxRSS / 1024,
    findings: result.findings.length,
    hash: createHash('sha256')
      .update(JSON.stringify({ ...result, stats: { ...result.stats, durationMs: 0 } }))
      .digest('hex'),
  };
  console.log(JSON.stringify(out));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const range = (values: number[], digits = 2) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)})`;

function main(): void {
  const options = benchOptions('node dist/bench/parallel.js [--roles 10000] [--file authz.json] [--runs 3]', {
    roles: { type: 'string' },
    file: { type: 'string' },
    runs: { type: 'string' },
  });
  const runs = countOption(options.runs, 'runs', 3);
  const work = mkdtempSync(join(tmpdir(), 'leash-parallel-bench-'));
  let file = options.file;
  if (!file) {
    file = join(work, 'account.json');
    const roles = countOption(options.roles, 'roles', 10_000);
    writeFileSync(file, JSON.stringify(generateAccount(loadCatalog(), { roles })));
  }
  console.log(
    `machine: ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(1)} at start; ${runs} runs`,
  );
  const modes = ['one thread', 'parallel'] as const;
  const results = new Map<string, ChildResult[]>(modes.map((m) => [m, []]));
  for (let round = 0; round < runs; round++) {
    for (const mode of round % 2 === 0 ? modes : [...modes].reverse()) {
      const text = execFileSync(
        process.execPath,
        [__filename, '--child', mode === 'parallel' ? 'parallel' : 'single', file],
        {
          encoding: 'utf8',
          maxBuffer: 16 * 1024 * 1024,
        },
      );
      results.get(mode)!.push(JSON.parse(text) as ChildResult);
    }
  }
  for (const mode of modes) {
    const rs = results.get(mode)!;
    console.log(
      `audit, ${mode.padEnd(10)}: wall ${range(rs.map((r) => r.wallMs / 1000))} s, CPU ${range(rs.map((r) => r.cpuMs / 1000))} s, ` +
        `peak ${range(
          rs.map((r) => r.peakRssMib),
          0,
        )} MiB, ${rs[0].findings} findings`,
    );
  }
  const hashes = new Set([...results.values()].flat().map((r) => r.hash));
  console.log(`identical findings on one thread and in parallel, every run: ${hashes.size === 1 ? 'yes' : 'NO'}`);

  // End to end, as a user runs it: the CLI audits a large account on every core.
  const leash = resolve(__dirname, '..', 'bin', 'leash.js');
  const cli: { wall: number; cpu: number; rss: number }[] = [];
  for (let round = 0; round < runs; round++) {
    const run = spawnSync(
      '/usr/bin/time',
      ['-f', 'LEASH-TIME %e %U %S %M', process.execPath, ...auditArgs(leash, file, join(work, 'report.json'))],
      { encoding: 'utf8' },
    );
    const line = run.stderr.split('\n').find((l) => l.startsWith('LEASH-TIME '));
    if (!line) throw new Error(`leash audit failed: ${run.stderr.slice(-1000)}`);
    const [wall, user, system, rss] = line.split(' ').slice(1).map(Number);
    cli.push({ wall, cpu: user + system, rss: rss / 1024 });
  }
  console.log(
    `leash audit --format json, end to end: wall ${range(cli.map((r) => r.wall))} s, CPU ${range(cli.map((r) => r.cpu))} s, ` +
      `peak ${range(
        cli.map((r) => r.rss),
        0,
      )} MiB (target: 10,000 roles within 5 s wall and 1 GiB)`,
  );
  console.log(`load average at end ${loadavg()[0].toFixed(1)}`);
  rmSync(work, { recursive: true, force: true });
}

// `--child MODE FILE`: one measured audit in a fresh process, started by main (not an option for users).
if (process.argv[2] === '--child') void child(process.argv[3], process.argv[4]);
else main();
