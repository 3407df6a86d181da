// Fixed costs of the CLI: `leash --help`, `leash validate` on a small policy, an audit of an empty account
// (with the code cache warm, as every run after the first, and without it), and loading the whole catalog
// (precomputed file vs built from the reference data). Each a fresh process, the commands interleaved, CPU
// time (user + system) from GNU time; prints median and range. The code cache is a fresh directory of the
// bench's own, warmed by one untimed run of each command.
//   node dist/bench/startup.js [--runs 7]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchOptions, countOption } from './options';

const root = resolve(__dirname, '..', '..');
const leash = join(root, 'dist', 'bin', 'leash.js');

function cpuSeconds(args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const result = spawnSync('/usr/bin/time', ['-f', 'LEASH-TIME %U %S', process.execPath, ...args], {
    encoding: 'utf8',
    env,
  });
  const line = result.stderr.split('\n').find((l) => l.startsWith('LEASH-TIME '));
  if (!line || (result.status !== 0 && result.status !== 1)) {
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr.slice(-1000)}`);
  }
  const [user, system] = line.split(' ').slice(1).map(Number);
  return user + system;
}

function main(): void {
  const options = benchOptions('node dist/bench/startup.js [--runs 7]', { runs: { type: 'string' } });
  const runs = countOption(options.runs, 'runs', 7);
  const dir = mkdtempSync(join(tmpdir(), 'leash-startup-'));
  const policy = join(dir, 'policy.json');
  writeFileSync(
    policy,
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 'ec2:Describe*'], Resource: '*' }],
    }),
  );
  const empty = join(dir, 'empty.json');
  writeFileSync(
    empty,
    JSON.stringify({
      schemaVersion: 1,
      accountId: '111122223333',
      source: { kind: 'live', location: 'bench' },
      principals: [],
      managedPolicies: [],
      organizationPoliciesKnown: true,
    }),
  );
  // The catalog makes a service's actions on first use: `.actions` makes them all, as an audit does.
  const catalogScript = `require(${JSON.stringify(join(root, 'dist', 'lib', 'catalog'))}).loadCatalog().actions`;
  const cached = { ...process.env, LEASH_COMPILE_CACHE: undefined, LEASH_COMPILE_CACHE_DIR: join(dir, 'cache') };
  const audit = [leash, 'audit', '--input', empty, '--format', 'json', '--output', join(dir, 'out.json')];
  const cases: { name: string; target?: number; run: () => number }[] = [
    { name: 'node itself (node -e 0)', run: () => cpuSeconds(['-e', '0']) },
    { name: 'leash --help', target: 0.2, run: () => cpuSeconds([leash, '--help'], cached) },
    { name: 'leash validate (small policy)', target: 0.4, run: () => cpuSeconds([leash, 'validate', policy], cached) },
    { name: 'leash audit (empty account)', target: 0.4, run: () => cpuSeconds(audit, cached) },
    {
      name: 'leash audit (empty), no code cache',
      run: () => cpuSeconds(audit, { ...process.env, LEASH_COMPILE_CACHE: '0' }),
    },
    { name: 'loadCatalog().actions, precomputed', run: () => cpuSeconds(['-e', catalogScript]) },
    {
      name: 'loadCatalog().actions, built (LEASH_CATALOG=build)',
      run: () => cpuSeconds(['-e', catalogScript], { ...process.env, LEASH_CATALOG: 'build' }),
    },
  ];
  // Warm the code cache: the first run of each command writes it.
  for (const args of [[leash, '--help'], [leash, 'validate', policy], audit]) cpuSeconds(args, cached);
  const times = cases.map((): number[] => []);
  for (let r = 0; r < runs; r++) cases.forEach((c, k) => times[k].push(c.run()));
  console.log(
    `CPU seconds (user + system), median (range) of ${runs} interleaved runs; load average ${loadavg()[0].toFixed(1)}`,
  );
  cases.forEach((c, k) => {
    const sorted = [...times[k]].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const target = c.target === undefined ? '' : ` (target ${c.target} s: ${median <= c.target ? 'met' : 'NOT met'})`;
    console.log(
      `  ${c.name.padEnd(52)} ${median.toFixed(2)} (${sorted[0].toFixed(2)}-${sorted[sorted.length - 1].toFixed(2)})${target}`,
    );
  });
  rmSync(dir, { recursive: true, force: true });
}

main();
