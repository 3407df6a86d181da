// Timing a child process with GNU time, for the bench scripts that compare whole runs (peer.ts,
// account-shapes.ts): CPU time (user + system), wall time and peak memory, as the kernel counts them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const TIME = '/usr/bin/time';

/** One run of one command: CPU seconds, wall seconds, peak RSS in MiB. */
export interface Run {
  readonly cpu: number;
  readonly wall: number;
  readonly rssMib: number;
}

/** Throws when GNU time is missing: without it no child's CPU time can be measured. */
export function requireGnuTime(): void {
  if (!existsSync(TIME)) throw new Error(`${TIME} (GNU time) is needed to measure CPU time of child processes`);
}

/** Run a command under GNU time; throws with its stderr when it fails (a run that failed measures nothing). */
export function timed(command: string, args: readonly string[], okCodes: readonly number[], env = process.env): Run {
  const result = spawnSync(TIME, ['-f', 'LEASH-TIME %U %S %e %M', command, ...args], {
    encoding: 'utf8',
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = result.stderr.split('\n').find((l) => l.startsWith('LEASH-TIME '));
  if (!line || !okCodes.includes(result.status ?? -1)) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr.slice(-2000)}`);
  }
  const [user, system, wall, rssKb] = line.split(' ').slice(1).map(Number);
  return { cpu: user + system, wall, rssMib: rssKb / 1024 };
}

/** The median (the mean of the middle two of an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
