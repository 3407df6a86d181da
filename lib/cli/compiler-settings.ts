// V8 settings for the `leash` process. Most runs last a few seconds, and on a 1,000-role account about a
// third of its CPU went to V8's optimising compiler (TurboFan) building code that then ran for a second or two:
// each hot function was compiled with its callees inlined, and recompiled after every deoptimisation. Without
// inlining a compile is several times cheaper and the code it makes is nearly as fast for this workload
// (`npm run bench:peer -- --v8-defaults` times both; LEASH_V8_DEFAULTS=1 leaves V8's settings alone).
// Incremental marking is off too: it spreads the old generation's marking over many small steps (with write
// barriers marking as the program runs) to keep pauses short, which a batch run does not need; one whole
// mark-compact when the heap asks for it cost about a tenth less CPU on the example account.
//
// Only the CLI's own process: a library user's process (cdk synth with the validation plugin) keeps its settings.
// Correctness never depends on this: inlining and garbage collection change how fast code runs, never what it
// computes.
import { setFlagsFromString } from 'node:v8';

/** The Node.js majors whose V8 has the flags (an unknown flag prints an error on stderr); measured on Node.js 20. */
const FIRST_MAJOR = 20;
const LAST_MAJOR = 24;

export const V8_DEFAULTS_VARIABLE = 'LEASH_V8_DEFAULTS';

/** The flags leash sets on this Node.js, none when LEASH_V8_DEFAULTS=1 or on a Node.js it has not been tried on. */
export function compilerFlags(env: NodeJS.ProcessEnv = process.env, nodeVersion = process.versions.node): string[] {
  if (env[V8_DEFAULTS_VARIABLE] === '1') return [];
  const major = Number(nodeVersion.split('.')[0]);
  return major >= FIRST_MAJOR && major <= LAST_MAJOR ? ['--no-turbo-inlining', '--no-incremental-marking'] : [];
}

/**
 * Apply compilerFlags(). Call it first, before any module is compiled: V8's code cache is keyed by the flags,
 * so every run must set the same ones before the cache is used.
 */
export function applyCompilerSettings(): readonly string[] {
  const flags = compilerFlags();
  for (const flag of flags) setFlagsFromString(flag);
  return flags;
}
