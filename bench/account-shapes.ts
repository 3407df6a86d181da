// The audit on accounts where every role reaches a third of the others (bench/generate-shapes.ts), each shape
// at each size, one fresh `leash audit` process per run: wall time, CPU time (user + system) and peak memory
// from GNU time, median of the runs, and the findings. Growth from one size to the next shows whether any part
// of the audit still works per caller and target: linear is about the size ratio, quadratic its square.
//   node dist/bench/account-shapes.js [--roles 1000,3000] [--runs 3] [--shape assume-by-name ...]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateShape, SHAPES, type Shape } from './generate-shapes';
import { median, requireGnuTime, timed, type Run } from './gnu-time';
import { benchOptions, countOption, countsOption, orExit, UsageError } from './options';

const USAGE = 'node dist/bench/account-shapes.js [--roles 1000,3000] [--runs 3] [--shape <shape> ...]';
const root = resolve(__dirname, '..', '..');
const leash = join(root, 'dist', 'bin', 'leash.js');

/** One audit of a generated account, with the findings it reported. */
function audit(input: string, output: string): Run & { readonly findings: number } {
  const run = timed(
    process.execPath,
    [leash, 'audit', '--input', input, '--format', 'json', '--output', output, '--fail-on', 'none'],
    [0],
  );
  const report = JSON.parse(readFileSync(output, 'utf8')) as { findings: unknown[] };
  return { ...run, findings: report.findings.length };
}

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
  requireGnuTime();
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
            `CPU ${cpu.toFixed(2)} s, peak ${median(measured.map((r) => r.rssMib)).toFixed(0)} MiB, ` +
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
