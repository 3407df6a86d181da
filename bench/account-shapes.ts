// The audit on accounts where every role reaches a third of the others (bench/generate-shapes.ts), each shape
// at each size, one fresh `leash audit` process per run: wall time, CPU time (user + system) and peak memory
// from GNU time, median of the runs, and the findings. Growth from one size to the next shows whether any part
// of the audit still works per caller and target: linear is about the size ratio, quadratic its square.
//   node dist/bench/account-shapes.js [--roles 1000,3000] [--runs 3] [--shape assume-by-name ...]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateShape, SHAPES, type Shape } from './generate-shapes';
import { benchOptions, countOption, countsOption, orExit, UsageError } from './options';

const USAGE = 'node dist/bench/account-shapes.js [--roles 1000,3000] [--runs 3] [--shape <shape> ...]';
const root = resolve(__dirname, '..', '..');
const leash = join(root, 'dist', 'bin', 'leash.js');

interface Run {
  readonly wall: number;
  readonly cpu: number;
  readonly peakMib: number;
  readonly findings: number;
}

function audit(input: string, output: string): Run {
  const result = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      'LEASH-TIME %e %U %S %M',
      process.execPath,
      leash,
      'audit',
      '--input',
      input,
      '--format',
      'json',
      '--output',
      output,
      '--fail-on',
      'none',
    ],
    { encoding: 'utf8' },
  );
  const line = result.stderr.split('\n').find((l) => l.startsWith('LEASH-TIME '));
  if (!line || result.status !== 0)
    throw new Error(`leash audit ${input} exited ${result.status}: ${result.stderr.slice(-1000)}`);
  const [wall, user, system, peakKb] = line.split(' ').slice(1).map(Number);
  const report = JSON.parse(readFileSync(output, 'utf8')) as { findings: unknown[] };
  return { wall, cpu: user + system, peakMib: peakKb / 1024, findings: report.findings.length };
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function main(): void {
  const options = benchOptions(USAGE, {
    roles: { type: 'string' },
    runs: { type: 'string' },
    shape: { type: 'string', multiple: true },
  });
  const sizes = countsOption(options.roles, 'roles', [1000, 3000]);
  const runs = countOption(options.runs, 'runs', 3);
  const shapes = orExit(() =>
    (options.shape ?? Object.keys(SHAPES)).map((name: string): Shape => {
      if (!(name in SHAPES)) throw new UsageError(`--shape ${name}: expected one of ${Object.keys(SHAPES).join(', ')}`);
      return name as Shape;
    }),
  );
  const dir = mkdtempSync(join(tmpdir(), 'leash-shapes-'));
  console.log(`machine: ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} at start; ${runs} run(s) each`);
  try {
    for (const shape of shapes) {
      console.log(`${shape}: ${SHAPES[shape]}`);
      let previous: { roles: number; cpu: number } | undefined;
      for (const roles of sizes) {
        const input = join(dir, `${shape}-${roles}.json`);
        writeFileSync(input, JSON.stringify(generateShape(shape, roles)));
        const measured = Array.from({ length: runs }, () => audit(input, join(dir, 'report.json')));
        const cpu = median(measured.map((r) => r.cpu));
        const growth = previous
          ? `, x${(cpu / previous.cpu).toFixed(1)} CPU for x${(roles / previous.roles).toFixed(1)} roles`
          : '';
        console.log(
          `  ${String(roles).padStart(6)} roles: wall ${median(measured.map((r) => r.wall)).toFixed(2)} s, ` +
            `CPU ${cpu.toFixed(2)} s, peak ${median(measured.map((r) => r.peakMib)).toFixed(0)} MiB, ` +
            `${measured[0].findings} findings${growth}`,
        );
        previous = { roles, cpu };
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
