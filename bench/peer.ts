// leash audit side by side with Cloudsplaining (run from source by ../shared/tools/cloudsplaining/run-peer.sh)
// on the same authorization-details files: each run a fresh process, the two tools interleaved (the order
// alternates by round), CPU time (user + system, from GNU time) and peak memory; prints medians, ranges and
// the ratio of medians. Outside npm test: Cloudsplaining takes 10-30 s per run on a busy 2-core machine.
//
// --v8-defaults also times leash with V8's default compiler settings (LEASH_V8_DEFAULTS=1, see
// lib/cli/compiler-settings.ts), interleaved with the others. --without-extra-ca also times leash without
// NODE_EXTRA_CA_CERTS when the machine sets it: node then reads that CA bundle at start, before any of leash's
// code runs (0.04-0.08 s per process here), a cost of the machine's set-up that Cloudsplaining does not pay.
//
//   node dist/bench/peer.js [--rounds 3] [--roles 1000] [--file authz.json ...] [--no-generated] [--v8-defaults]
//                           [--without-extra-ca] [--peer path/run-peer.sh]
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadCatalog } from '../lib/catalog';
import { generateAccount } from './generate-account';
import { benchOptions, countOption, countsOption } from './options';
import { auditArgs } from './audit-args';
import { median, requireGnuTime, timed, type Run } from './gnu-time';

const root = resolve(__dirname, '..', '..');

const options = benchOptions(
  'node dist/bench/peer.js [--rounds 3] [--roles 1000] [--file authz.json ...] [--no-generated] [--v8-defaults] ' +
    '[--without-extra-ca] [--peer path/run-peer.sh]',
  {
    rounds: { type: 'string' },
    roles: { type: 'string' },
    file: { type: 'string', multiple: true },
    'no-generated': { type: 'boolean' },
    'v8-defaults': { type: 'boolean' },
    'without-extra-ca': { type: 'boolean' },
    peer: { type: 'string' },
  },
);

function describe(runs: readonly Run[]): string {
  const cpu = runs.map((r) => r.cpu);
  return (
    `${median(cpu).toFixed(2)} s (${Math.min(...cpu).toFixed(2)}-${Math.max(...cpu).toFixed(2)}), ` +
    `wall ${median(runs.map((r) => r.wall)).toFixed(2)} s, peak ${median(runs.map((r) => r.rssMib)).toFixed(0)} MiB`
  );
}

function main(): void {
  requireGnuTime();
  const peer = options.peer ?? join(root, '..', 'shared', 'tools', 'cloudsplaining', 'run-peer.sh');
  if (!existsSync(peer)) throw new Error(`${peer}: Cloudsplaining runner not found (pass --peer)`);
  const leash = join(root, 'dist', 'bin', 'leash.js');
  const rounds = countOption(options.rounds, 'rounds', 3);
  // Extra leash variants, each timed in every round beside the default run.
  const variants: { name: string; env: NodeJS.ProcessEnv }[] = [];
  if (options['v8-defaults']) {
    variants.push({ name: 'leash, V8 defaults', env: { ...process.env, LEASH_V8_DEFAULTS: '1' } });
  }
  if (options['without-extra-ca']) {
    if (process.env.NODE_EXTRA_CA_CERTS === undefined) {
      console.log('--without-extra-ca: NODE_EXTRA_CA_CERTS is not set here, so there is nothing to compare');
    } else {
      const env = { ...process.env };
      delete env.NODE_EXTRA_CA_CERTS;
      variants.push({ name: 'leash, no NODE_EXTRA_CA_CERTS', env });
    }
  }
  const work = mkdtempSync(join(tmpdir(), 'leash-peer-bench-'));

  const inputs: { name: string; file: string }[] = (options.file ?? []).map((file) => ({ name: file, file }));
  if (inputs.length === 0) {
    const example = join(root, '..', 'shared', 'data', 'cloudsplaining-example-authz.json');
    if (existsSync(example)) inputs.push({ name: 'example account (Cloudsplaining example.json)', file: example });
  }
  if (!options['no-generated']) {
    for (const roles of countsOption(options.roles, 'roles', [1000])) {
      const file = join(work, `generated-${roles}.json`);
      writeFileSync(file, JSON.stringify(generateAccount(loadCatalog(), { roles })));
      inputs.push({ name: `generated, ${roles} roles (bench/generate-account.ts defaults)`, file });
    }
  }

  console.log(`machine: ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} at start; ${rounds} rounds`);
  const rows: string[] = [];
  for (const input of inputs) {
    const principals = (() => {
      const details = JSON.parse(readFileSync(input.file, 'utf8')) as Record<string, unknown[] | undefined>;
      return ['RoleDetailList', 'UserDetailList', 'GroupDetailList'].reduce(
        (n, key) => n + (details[key]?.length ?? 0),
        0,
      );
    })();
    const leashRuns: Run[] = [];
    const variantRuns: Run[][] = variants.map(() => []);
    const peerRuns: Run[] = [];
    for (let round = 0; round < rounds; round++) {
      const leashArgs = auditArgs(leash, input.file, join(work, 'leash.json'));
      const runLeash = () => {
        leashRuns.push(timed(process.execPath, leashArgs, [0, 1]));
        variants.forEach((variant, i) => variantRuns[i].push(timed(process.execPath, leashArgs, [0, 1], variant.env)));
      };
      const runPeer = () => {
        const out = join(work, `peer-${round}`);
        peerRuns.push(timed(peer, [input.file, out], [0]));
        rmSync(out, { recursive: true, force: true });
      };
      // Interleaved, the first tool alternating, so a load spike on the shared machine hits both alike.
      if (round % 2 === 0) {
        runLeash();
        runPeer();
      } else {
        runPeer();
        runLeash();
      }
      const last = (runs: Run[]) => runs[runs.length - 1].cpu.toFixed(2);
      console.log(
        `  ${input.name}, round ${round + 1}: leash ${last(leashRuns)} s, Cloudsplaining ${last(peerRuns)} s CPU (load ${loadavg()[0].toFixed(1)})`,
      );
    }
    const ratio = median(peerRuns.map((r) => r.cpu)) / median(leashRuns.map((r) => r.cpu));
    const variantRows = variants
      .map(
        (variant, i) =>
          `  ${variant.name}: ${describe(variantRuns[i])}, ratio ` +
          `${(median(peerRuns.map((r) => r.cpu)) / median(variantRuns[i].map((r) => r.cpu))).toFixed(1)}x\n`,
      )
      .join('');
    rows.push(
      `${input.name} (${principals} principals)\n  leash:          ${describe(leashRuns)}\n` +
        variantRows +
        `  Cloudsplaining: ${describe(peerRuns)}\n  ratio of median CPU: ${ratio.toFixed(1)}x`,
    );
  }
  console.log(
    `\nCPU time (user + system), median (range) of ${rounds} interleaved runs; load average now ${loadavg()[0].toFixed(1)}`,
  );
  for (const row of rows) console.log(row);
  console.log(`tools: ${leash} (leash audit --format json), ${peer} (cloudsplaining scan)`);
  rmSync(work, { recursive: true, force: true });
}

main();
