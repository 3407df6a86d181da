// How long a `leash` command will run, guessed from its arguments before anything is loaded, so the V8 heap
// can be set for it (compiler-settings.ts). A guess only ever changes how fast a run is, never what it does:
// a wrong one costs a tenth of the time at most, either way.
import { statSync } from 'node:fs';
import { commandWord } from './command-word';

/**
 * `short`: a run of about a second or less (every command but a large audit), where setting up memory is a
 * large part of the cost; `long`: an audit of a large or unknown account, where the heap holds much for long;
 * `organization`: an audit of an organization's accounts one after another, whose heap is freed account by account.
 */
export type Workload = 'short' | 'long' | 'organization';

/**
 * Saved audit input up to this size is a short run. Measured on generated accounts (bench/generate-account.ts;
 * a file carries the bodies of the AWS managed policies its principals use): 300 roles, 3.9 MB, took 8% less
 * CPU with the short-run settings and the same wall time; 1,000 roles, 4.7 MB, 6% less CPU but 7% more wall
 * time (the second core no longer helps scavenge), so it is a long run.
 */
export const SHORT_AUDIT_INPUT_BYTES = 4 * 1024 * 1024;

/** Size of a file in bytes; undefined when it cannot be read (the command itself says why). */
export type SizeOf = (file: string) => number | undefined;

const sizeOfFile: SizeOf = (file) => {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
};

/** The values of `--input` in `args`: the words after it up to the next option, and `--input=file`. */
function inputFiles(args: readonly string[]): string[] {
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('--input=')) files.push(arg.slice('--input='.length));
    else if (arg === '--input') {
      while (i + 1 < args.length && !args[i + 1].startsWith('-')) files.push(args[++i]);
    }
  }
  return files;
}

/**
 * The workload of `leash <args>`: organization for an audit of an organization (`--org`); long for an audit of
 * the live account (its size is not known yet), an audit asked to use several threads, or saved input over
 * SHORT_AUDIT_INPUT_BYTES in all; short otherwise. The command is read as the program reads it (command-word.ts).
 */
export function workloadOf(args: readonly string[], sizeOf: SizeOf = sizeOfFile): Workload {
  if (commandWord(args) !== 'audit') return 'short';
  if (args.includes('--org')) return 'organization';
  if (args.some((arg) => arg === '--threads' || arg.startsWith('--threads='))) return 'long';
  const files = inputFiles(args);
  if (files.length === 0) return 'long';
  let bytes = 0;
  for (const file of files) bytes += sizeOf(file) ?? 0;
  return bytes > SHORT_AUDIT_INPUT_BYTES ? 'long' : 'short';
}
