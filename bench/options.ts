// Command-line options of the bench and proof scripts, declared per script and parsed strictly (Node.js's
// util.parseArgs). A mistyped option (`--runs` where the script reads `--rounds`), an option without its value,
// or a count that is not a whole number stops the script with its usage line: otherwise it would measure the
// defaults, or nothing at all (a NaN count runs no round), and still print numbers that look like an answer.
import { parseArgs } from 'node:util';

interface OptionKind {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
}
type OptionSpec = Readonly<Record<string, OptionKind>>;
type OptionValue<K extends OptionKind> = K['type'] extends 'string'
  ? K['multiple'] extends true
    ? string[]
    : string
  : K['multiple'] extends true
    ? boolean[]
    : boolean;
/** What parseArgs gives for `spec` in strict mode: each option absent or of its declared type. */
export type OptionValues<O extends OptionSpec> = { [N in keyof O]?: OptionValue<O[N]> };

/** A command line the script cannot read: the message says what and how to call it. */
export class UsageError extends Error {}

/** The values of `spec`'s options in `args`; throws UsageError on anything else. */
export function parseOptions<const O extends OptionSpec>(
  usage: string,
  spec: O,
  args: readonly string[],
): OptionValues<O> {
  try {
    // Strict mode throws on an undeclared option or a value of the wrong kind, so the values match the spec.
    return parseArgs({ args: [...args], options: spec, strict: true, allowPositionals: false })
      .values as OptionValues<O>;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nusage: ${usage}`);
  }
}

/** A whole number of at least `min` given as `--name value`, or `fallback` when it was not given. */
export function parseCount(value: string | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new UsageError(`--${name} ${JSON.stringify(value)}: expected a whole number of at least ${min}`);
  }
  return Number(value);
}

/** A comma-separated list of counts (`--roles 300,1000`), each as parseCount reads it. */
export function parseCounts(value: string | undefined, name: string, fallback: readonly number[]): number[] {
  if (value === undefined) return [...fallback];
  return value.split(',').map((part) => parseCount(part.trim(), name, 0));
}

/** parseOptions on this process's command line: a usage error ends the process (exit code 2) with its message. */
export function benchOptions<const O extends OptionSpec>(usage: string, spec: O): OptionValues<O> {
  return orExit(() => parseOptions(usage, spec, process.argv.slice(2)));
}

/** parseCount, ending the process on a usage error as benchOptions does. */
export function countOption(value: string | undefined, name: string, fallback: number, min = 1): number {
  return orExit(() => parseCount(value, name, fallback, min));
}

/** parseCounts, ending the process on a usage error as benchOptions does. */
export function countsOption(value: string | undefined, name: string, fallback: readonly number[]): number[] {
  return orExit(() => parseCounts(value, name, fallback));
}

/** `read()`, ending the process with its message (exit code 2) on a usage error. */
export function orExit<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}
