// V8 settings for the `leash` process. Most runs last a few seconds, and on a 1,000-role account about a
// third of its CPU went to V8's optimising compiler (TurboFan) building code that then ran for a second or two:
// each hot function was compiled with its callees inlined, and recompiled after every deoptimisation. Without
// inlining a compile is several times cheaper and the code it makes is nearly as fast for this workload
// (`npm run bench:peer -- --v8-defaults` times both; LEASH_V8_DEFAULTS=1 leaves V8's settings alone).
// TurboFan also starts later: a function must run four times as much bytecode as by default (the interrupt
// budget) before it is compiled, so fewer functions that barely run again get compiled. Counted in
// instructions on Node.js 20 (valgrind, every thread, generated accounts): 300 roles -6.5%, 1,000 roles
// -12.6%, 3,000 roles -4.1%, the example account unchanged (-1% to +0.3%); twice the budget saved 3-4%,
// sixteen times cost 4% on the example account. Loop peeling is off as well: TurboFan copies the first
// iteration of every loop it compiles, which makes each compile larger and saved less than it cost here
// (2026-12-04, instructions: 1,000 roles -1.8%, the example account -1.7%; escape analysis, load and store
// elimination, jump threading, node splitting and the other passes tried the same way changed under 0.4%).
// Nor does TurboFan inline the array builtins (map, filter, some, ...) into the functions that call them,
// for the same reason: 1,000 roles -0.35%, the example -0.9%, 10,000 roles -2.0%. And the baseline compiler
// (Sparkplug) compiles each function when it has earned it instead of waiting to compile a batch of them:
// 1,000 roles -0.9%, the example -1.1%, 10,000 roles -0.7%.
//
// A short run (every command but an audit of a large or live account, see workload.ts) keeps V8's young
// generation at its first size instead of letting it double up to 16 MiB a semi-space, and scavenges it on
// the main thread alone. On this 2-core VM a page of memory first touched costs about 10 us of kernel time,
// and a grown young generation touches some 30 MB of fresh pages: about 7,000 page faults on the example
// account, a tenth of its CPU; and a parallel scavenge of a young generation this small costs more in handing
// work to a helper thread than it saves. The example account: CPU 0.81 s -> 0.66 s, wall 0.66 s -> 0.55 s
// (median of 6 interleaved runs, 2026-12-06). On larger accounts more scavenges promote more and one core
// scavenges alone: at 1,000 roles 6% less CPU but 7% more wall time, so a long run keeps V8's settings.
// Node.js 20 only: the only one measured.
//
// A long run of one account lets V8's old generation grow five times what a full collection leaves live before
// the next one (--heap-growing-percent=400; V8 otherwise picks 1.1 to 4 times from its speed): an audit builds
// what it keeps until it writes its report, so a full collection in the middle finds most of the heap alive.
// Counted in instructions (valgrind, 2026-12-07): 1,000 roles -7.4% (8,881 M -> 8,221 M), the example account
// unchanged (no second full collection there); CPU seconds on 1,000 roles -4% (median of 5 interleaved runs);
// 10,000 roles within noise, its peak memory unchanged (about 610 MB). Not for an organization audit, whose
// heap is freed account by account: there a larger limit would only hold more garbage.
//
// Incremental marking is off too: it spreads the old generation's marking over many small steps (with write
// barriers marking as the program runs) to keep pauses short, which a batch run does not need; one whole
// mark-compact when the heap asks for it cost about a tenth less CPU on the example account.
//
// Only the CLI's own process: a library user's process (cdk synth with the validation plugin) keeps its settings.
// Correctness never depends on this: compiling and garbage collection change how fast code runs, never what it
// computes.
import { setFlagsFromString } from 'node:v8';
import type { Workload } from './workload';

/** The Node.js majors whose V8 has the flags (an unknown flag prints an error on stderr); measured on Node.js 20. */
const FIRST_MAJOR = 20;
const LAST_MAJOR = 24;

export const V8_DEFAULTS_VARIABLE = 'LEASH_V8_DEFAULTS';

/** Node.js 20's V8 starts TurboFan after 66 KiB of bytecode run (--interrupt-budget=67584); leash waits 4x that. */
const TUNED_FLAGS = [
  '--no-turbo-inlining',
  '--no-turbo-loop-peeling',
  '--no-turbo-inline-array-builtins',
  '--no-baseline-batch-compilation',
  '--interrupt-budget=270336',
  '--no-incremental-marking',
] as const;

/** The young generation of a short run: its first size, scavenged on the main thread. */
const SHORT_RUN_FLAGS = ['--semi-space-growth-factor=1', '--no-parallel-scavenge'] as const;
const SHORT_RUN_MAJOR = 20;
/** The old generation of a long run of one account: five times what lives before the next full collection. */
const LONG_RUN_FLAGS = ['--heap-growing-percent=400'] as const;

/**
 * The flags leash sets on this Node.js for a run of this workload, none when LEASH_V8_DEFAULTS=1 or on a
 * Node.js it has not been tried on.
 */
export function compilerFlags(
  env: NodeJS.ProcessEnv = process.env,
  nodeVersion = process.versions.node,
  workload: Workload = 'long',
): string[] {
  if (env[V8_DEFAULTS_VARIABLE] === '1') return [];
  const major = Number(nodeVersion.split('.')[0]);
  if (!(major >= FIRST_MAJOR && major <= LAST_MAJOR)) return [];
  if (major !== SHORT_RUN_MAJOR || workload === 'organization') return [...TUNED_FLAGS];
  return [...TUNED_FLAGS, ...(workload === 'short' ? SHORT_RUN_FLAGS : LONG_RUN_FLAGS)];
}

/**
 * Apply compilerFlags() for the workload. Call it first, before any module is compiled: V8's code cache is
 * keyed by the flags, so the cache of the run is chosen by the flags returned (compile-cache.ts), and they
 * never change after.
 */
export function applyCompilerSettings(workload: Workload): readonly string[] {
  const flags = compilerFlags(process.env, process.versions.node, workload);
  for (const flag of flags) setFlagsFromString(flag);
  return flags;
}
