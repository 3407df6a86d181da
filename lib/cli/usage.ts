// Usage checks shared by commands: flags that do nothing in the mode chosen, and the same file given twice.
// Both are errors (exit 2): a flag silently ignored, or every finding counted twice, misleads.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../util/read-input';

/** Refuses flags that only apply to another mode, e.g. live-only flags with `--input`. */
export function refuseFlags(
  given: Readonly<Record<string, unknown>>,
  flags: readonly (readonly [key: string, flag: string])[],
  why: string,
): void {
  const used = flags.filter(([key]) => given[key] !== undefined && given[key] !== false).map(([, flag]) => flag);
  if (used.length > 0) throw new InputError(`${used.join(', ')}: ${why}`);
}

/** Refuses a file given twice, by the same path or another path to the same file (same device and inode). */
export function refuseDuplicates(files: readonly string[], flag: string): void {
  const seen = new Map<string, string>();
  for (const file of files) {
    let key: string;
    try {
      const stat = statSync(file);
      key = `${stat.dev}:${stat.ino}`;
    } catch {
      key = resolve(file);
    }
    const first = seen.get(key);
    if (first !== undefined) {
      throw new InputError(
        `${flag} ${file}: ${first === file ? 'given twice' : `the same file as ${first}`}: each input is read once`,
      );
    }
    seen.set(key, file);
  }
}
