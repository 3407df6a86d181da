// Instructions, not seconds: `leash audit --format json` on each input under valgrind (callgrind, every thread
// counted), for comparing two builds or two V8 settings on a busy or drifting machine, where CPU seconds move by
// 10-20% between identical runs. V8 runs --single-threaded so its compiler and garbage collector work at the same
// points of every run: repeated counts of one build agree within about 0.2% on an idle machine (the collector's
// heuristics read the clock, so a heavily loaded machine can move them by a few percent). Each tree is counted from
// a copy at a path of the same length, and the variants take turns, one count each per round. Each variant has its
// own code cache directory, warmed by one untimed run, because V8 rejects cached code made under other flags.
// Needs valgrind (Debian package `valgrind`); a run is 50-100x slower than a normal one. The CLI sets its own V8
// flags after the command line's (lib/cli/compiler-settings.ts): run with LEASH_V8_DEFAULTS=1 to count without them.
//   node dist/bench/instructions.js [--file authz.json ...] [--tree DIR ...] [--node-flags="--flag ..." ...] [--runs 1]
// (a value that starts with a dash is given with `=`, as above; `--node-flags=` alone is V8's defaults)
// Defaults: the example account, this checkout's build, no extra flags.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { auditArgs } from './audit-args';
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

/**
 * A copy of a tree's build at `dest`, with its package.json and a link to its node_modules: every tree is
 * counted from a path of the same length. Where a build lies changes its count by up to 3% on the example
 * account (module paths are text V8 reads, hashes and caches), which would pass for a difference between builds.
 */
function copyTree(tree: string, dest: string): string {
  mkdirSync(dest, { recursive: true });
  cpSync(join(tree, 'dist'), join(dest, 'dist'), { recursive: true });
  copyFileSync(join(tree, 'package.json'), join(dest, 'package.json'));
  const modules = existsSync(join(tree, 'node_modules')) ? join(tree, 'node_modules') : join(root, 'node_modules');
  symlinkSync(realpathSync(modules), join(dest, 'node_modules'), 'dir');
  return dest;
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
    for (const tree of trees) {
      if (!existsSync(join(tree, 'dist', 'bin', 'leash.js'))) throw new Error(`${tree}: no build (npm run build)`);
    }
    const copies = trees.map((tree, t) => copyTree(tree, join(work, `tree-${String(t).padStart(2, '0')}`)));
    // One code cache per tree and flags, kept across input files: the code is the same whatever the input.
    const variants = trees.flatMap((tree, t) =>
      nodeFlags.map((extra, f) => ({ tree, copy: copies[t], extra, cache: join(work, `cache-${t}-${f}`) })),
    );
    for (const file of files) {
      if (!existsSync(file)) throw new Error(`${file}: no such input`);
      console.log(file);
      const argsOf = (variant: (typeof variants)[number]) => [
        process.execPath,
        '--single-threaded',
        ...variant.extra.split(/\s+/).filter(Boolean),
        ...auditArgs(join(variant.copy, 'dist', 'bin', 'leash.js'), file, join(work, 'out.json')),
      ];
      const envOf = (variant: (typeof variants)[number]) => {
        mkdirSync(variant.cache, { recursive: true });
        return { ...process.env, LEASH_COMPILE_CACHE: undefined, LEASH_COMPILE_CACHE_DIR: variant.cache };
      };
      // Warms each code cache, then counts round by round, each variant once a round: a drift of the machine
      // (its load moves the collector's timing a little) falls on every variant alike.
      for (const variant of variants) spawnSync(process.execPath, argsOf(variant).slice(1), { env: envOf(variant) });
      const counts = variants.map((): number[] => []);
      for (let round = 0; round < runs; round++) {
        variants.forEach((variant, v) => counts[v].push(instructions(argsOf(variant), envOf(variant))));
      }
      variants.forEach((variant, v) => {
        const name = `${variant.tree}${variant.extra ? ` [${variant.extra}]` : ''}`;
        console.log(`  ${name}: ${counts[v].map((n) => `${n.toFixed(0)} M`).join(', ')} instructions`);
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
