// Instructions, not seconds: `leash audit --format json` on each input under valgrind (callgrind, every thread
// counted), for comparing two builds or two V8 settings on a busy or drifting machine, where CPU seconds move by
// 10-20% between identical runs. V8 runs --single-threaded so its compiler and garbage collector work at the same
// points of every run: repeated counts of one build agree within about 0.2% on an idle machine (the collector's
// heuristics read the clock, so a heavily loaded machine can move them by a few percent). Each variant has its own
// code cache directory, warmed by one untimed run, because V8 rejects cached code made under other flags.
// Needs valgrind (Debian package `valgrind`); a run is 50-100x slower than a normal one. The CLI sets its own V8
// flags after the command line's (lib/cli/compiler-settings.ts): run with LEASH_V8_DEFAULTS=1 to count without them.
//   node dist/bench/instructions.js [--file authz.json ...] [--tree DIR ...] [--node-flags="--flag ..." ...] [--runs 1]
// (a value that starts with a dash is given with `=`, as above; `--node-flags=` alone is V8's defaults)
// Defaults: the example account, this checkout's build, no extra flags.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchOptions, countOption } from './options';

const root = resolve(__dirname, '..', '..');

const options = benchOptions(
  'node dist/bench/instructions.js [--file authz.json ...] [--tree DIR ...] [--node-flags="--flag ..." ...] [--runs 1]',
  {
    file: { type: 'string', multiple: true },
    tree: { type: 'string', multiple: true },
    'node-flags': { type: 'string', multiple: true },
    runs: { type: 'string' },
  },
);

/** Millions of instructions of one audit, or an error naming what valgrind printed. */
function instructions(args: readonly string[], env: NodeJS.ProcessEnv): number {
  const result = spawnSync(
    'valgrind',
    ['--tool=callgrind', '--callgrind-out-file=/dev/null', '--smc-check=all-non-file', '--dump-instr=no', ...args],
    { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 },
  );
  const line = result.stderr.split('\n').find((l) => /I\s+refs:/.test(l));
  if (!line || (result.status !== 0 && result.status !== 1)) {
    throw new Error(
      `valgrind ${args.join(' ')} exited ${result.status}: ${(result.error?.message ?? result.stderr).slice(-1000)}`,
    );
  }
  return Number(line.replace(/.*refs:\s*/, '').replace(/,/g, '')) / 1e6;
}

function main(): void {
  if (spawnSync('valgrind', ['--version']).status !== 0)
    throw new Error('valgrind is needed (apt-get install valgrind)');
  const example = join(root, '..', 'shared', 'data', 'cloudsplaining-example-authz.json');
  const files = options.file ?? [example];
  const trees = options.tree?.map((tree) => resolve(tree)) ?? [root];
  const nodeFlags = options['node-flags'] ?? [''];
  const runs = countOption(options.runs, 'runs', 1);
  const work = mkdtempSync(join(tmpdir(), 'leash-instructions-'));
  try {
    for (const file of files) {
      if (!existsSync(file)) throw new Error(`${file}: no such input`);
      console.log(file);
      for (const tree of trees) {
        for (const extra of nodeFlags) {
          const variant = createHash('sha256').update(`${tree}\0${extra}`).digest('hex').slice(0, 12);
          const cache = join(work, variant);
          // One cache per tree and flags, kept across input files: the code is the same whatever the input.
          mkdirSync(cache, { recursive: true });
          const env = { ...process.env, LEASH_COMPILE_CACHE: undefined, LEASH_COMPILE_CACHE_DIR: cache };
          const args = [
            process.execPath,
            '--single-threaded',
            ...extra.split(/\s+/).filter(Boolean),
            join(tree, 'dist', 'bin', 'leash.js'),
            'audit',
            '--input',
            file,
            '--format',
            'json',
            '--output',
            join(work, 'out.json'),
          ];
          spawnSync(args[0], args.slice(1), { env }); // warms the code cache for these flags
          const counts = Array.from({ length: runs }, () => instructions(args, env));
          console.log(
            `  ${tree}${extra ? ` [${extra}]` : ''}: ${counts.map((n) => `${n.toFixed(0)} M`).join(', ')} instructions`,
          );
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
