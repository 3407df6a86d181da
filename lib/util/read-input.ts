// Reading user files for the CLI and sources: every failure names the file and, for JSON, line and column.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { decodeText } from './text-encoding';
import { hasDuplicateKeys, jsonNestingProblem, MAX_JSON_DEPTH, scanJson } from './json-scan';

/** A problem with user input (file, JSON, config): the CLI prints the message and exits 2, no stack trace. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** The largest input file read (500 MiB): beyond it a JavaScript string cannot hold the text anyway. */
export const MAX_INPUT_BYTES = 500 * 1024 * 1024;

function systemReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (err as Error).message ?? String(err);
}

/**
 * The bytes of a user's file: a regular file, or a pipe (`<(...)`, /dev/stdin). Devices, sockets and
 * directories are refused, and no more than `limit` bytes are read, so `/dev/zero` or a huge file ends in a
 * clear error instead of a hang or an out-of-memory crash. Files of /proc report size 0 and are read in blocks.
 */
export function readInputBytes(file: string, limit = MAX_INPUT_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new InputError(`${file}: cannot read: ${systemReason(err)}`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new InputError(`${file}: cannot read: is a directory`);
    if (!stat.isFile() && !stat.isFIFO()) {
      throw new InputError(`${file}: cannot read: not a regular file (a device or socket); give a file`);
    }
    if (stat.size > limit) {
      throw new InputError(`${file}: cannot read: ${stat.size} bytes is more than the limit of ${limit} bytes`);
    }
    const blocks: Buffer[] = [];
    let total = 0;
    // A regular file is read into one block of its size and a byte more (to see it end, or grow), so its
    // bytes need no second copy; pipes and /proc files, whose size is unknown, in blocks of 1 MiB.
    let blockSize = stat.isFile() && stat.size > 0 ? stat.size + 1 : 1 << 20;
    for (;;) {
      const block = Buffer.allocUnsafe(Math.min(blockSize, limit + 1 - total));
      blockSize = 1 << 20;
      const read = readSync(fd, block, 0, block.length, null);
      if (read === 0) break;
      blocks.push(read === block.length ? block : block.subarray(0, read));
      total += read;
      if (total > limit) {
        throw new InputError(`${file}: cannot read: more than the limit of ${limit} bytes`);
      }
    }
    return blocks.length === 1 ? blocks[0] : Buffer.concat(blocks, total);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${file}: cannot read: ${systemReason(err)}`);
  } finally {
    closeSync(fd);
  }
}

/** A user's text file: UTF-8 (a byte-order mark is dropped) or UTF-16 with its mark; anything else is named. */
export function readTextFile(file: string): string {
  const decoded = decodeText(readInputBytes(file));
  if (!decoded.ok) throw new InputError(`${file}: cannot read: ${decoded.problem}`);
  return decoded.text;
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * JSON.parse with an error that says where: `file:line:column: invalid JSON: ...`, and no value nested more
 * than MAX_JSON_DEPTH levels deep (a nesting problem is named before a syntax error).
 */
export function parseJsonText(text: string, where: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    refuseDeepNesting(text, where);
    // Node 20's messages carry no position, so find the first bad character ourselves.
    const message = (err as Error).message.replace(/ in JSON at position \d+.*$/, '').split('\n')[0] + yamlHint(text);
    const offset = scanJson(text).errorOffset;
    if (offset !== undefined) {
      const { line, column } = lineColumn(text, offset);
      throw new InputError(`${where}:${line}:${column}: invalid JSON: ${message}`);
    }
    throw new InputError(`${where}: invalid JSON: ${message}`);
  }
  // V8's JSON.parse does not recurse, so any depth parses; the parsed value's depth is the text's. Walking
  // the value's containers costs about a third of scanning the text's characters for brackets, which is
  // left for finding where the text goes too deep.
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
    refuseDeepNesting(text, where);
    throw new InputError(`${where}: JSON nested more than ${MAX_JSON_DEPTH} levels deep`);
  }
  return value;
}

/**
 * A hint for text that is YAML, not JSON: the AWS CLI writes YAML where a profile sets `output = yaml`, and
 * `Key: value` on the first line is no JSON at all.
 */
function yamlHint(text: string): string {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  return /^(---\s|[A-Za-z][\w.-]*:(\s|$))/.test(start)
    ? " (this looks like YAML: save it as JSON, with the AWS CLI's --output json)"
    : '';
}

function refuseDeepNesting(text: string, where: string): void {
  const nesting = jsonNestingProblem(text);
  if (nesting) {
    const { line, column } = lineColumn(text, nesting.offset);
    throw new InputError(`${where}:${line}:${column}: JSON nested more than ${MAX_JSON_DEPTH} levels deep`);
  }
}

/** Whether a parsed JSON value holds more than `limit` arrays and objects one inside another. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  return isContainer(value) && containerDeeperThan(value, limit);
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** Only containers are visited: most of a policy file's values are strings. */
function containerDeeperThan(value: object, limit: number): boolean {
  if (limit === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (isContainer(item) && containerDeeperThan(item, limit - 1)) return true;
    }
    return false;
  }
  // JSON.parse makes plain objects of own, enumerable keys: for…in reads them without making an array of them.
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (isContainer(item) && containerDeeperThan(item, limit - 1)) return true;
  }
  return false;
}

/**
 * JSON.parse keeps the last of two equal keys; an input that decides a verdict (a template, a change set, the
 * config) refuses them instead, as YAML and CloudFormation's own linter do: two `"Orders"` resources or two
 * `"DeletionPolicy"` keys leave it unclear which one deploys.
 */
export function parseJsonTextUnique(text: string, where: string): unknown {
  const value = parseJsonText(text, where);
  if (!hasDuplicateKeys(text, value)) return value;
  const duplicates = scanJson(text).duplicateKeys;
  if (duplicates.length > 0) {
    throw new InputError(
      duplicates
        .map(
          ({ path, key }) => `${where}: ${jsonPath([...path, key])}: given more than once; only the last would count`,
        )
        .join('\n'),
    );
  }
  return value;
}

export function readJsonFile(file: string): unknown {
  return parseJsonText(readTextFile(file), file);
}

/** readJsonFile() for an input that decides a verdict: a key given twice is refused (parseJsonTextUnique). */
export function readJsonFileUnique(file: string): unknown {
  return parseJsonTextUnique(readTextFile(file), file);
}

/** Format zod issues as `where: path: message` lines, one per problem. */
export function formatZodIssues(where: string, issues: readonly ZodIssueLike[]): string {
  const lines: string[] = [];
  for (const issue of issues) {
    // An unknown key is named in the path itself (`guardrails.production.tagKey`), one line per key.
    if (issue.code === 'unrecognized_keys' && issue.keys && issue.keys.length > 0) {
      const messages = issue.message.split('\n');
      issue.keys.forEach((key, index) => {
        const message = messages.length === issue.keys!.length ? messages[index] : issue.message;
        lines.push(`${where}: ${jsonPath([...issue.path, key])}: ${message}`);
      });
      continue;
    }
    // zod says a missing required key in its own words ("expected nonoptional, received undefined").
    const expected = /expected (\w+), received undefined$/.exec(issue.message)?.[1];
    const message =
      expected === undefined
        ? (plainZodMessage(issue) ?? issue.message)
        : `is required but missing${expected === 'nonoptional' ? '' : ` (expected ${expected})`}`;
    lines.push(`${where}: ${jsonPath(issue.path) || '(root)'}: ${message}`);
  }
  return lines.join('\n');
}

/** The parts of a zod issue the messages are made from. */
interface ZodIssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly keys?: readonly string[];
  readonly origin?: string;
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
  readonly inclusive?: boolean;
  readonly values?: readonly unknown[];
}

/**
 * zod's own wording of a bound or a choice ("Too small: expected array to have >=1 items") said as the rest of
 * leash's errors say things; a message a schema wrote itself is kept (undefined here).
 */
function plainZodMessage(issue: ZodIssueLike): string | undefined {
  if (!/^(Too small|Too big|Invalid option|Invalid input): /.test(issue.message)) return undefined;
  const small = issue.code === 'too_small';
  const bound = small ? issue.minimum : issue.maximum;
  if ((small || issue.code === 'too_big') && bound !== undefined) {
    const n = Number(bound);
    if (issue.origin === 'array' || issue.origin === 'set') {
      if (small && n === 1) return 'expected at least one item, found an empty list';
      return `expected ${small ? 'at least' : 'at most'} ${n} item${n === 1 ? '' : 's'}`;
    }
    if (issue.origin === 'string') {
      if (small && n === 1) return 'expected a non-empty string';
      return `expected ${small ? 'at least' : 'at most'} ${n} character${n === 1 ? '' : 's'}`;
    }
    if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
      if (issue.inclusive === false) return `expected a number ${small ? 'greater' : 'less'} than ${n}`;
      return `expected a number ${small ? 'of at least' : 'of at most'} ${n}`;
    }
    return undefined;
  }
  if (issue.code === 'invalid_value' && issue.values && issue.values.length > 0) {
    const choices = issue.values.map((value) => JSON.stringify(value));
    return choices.length === 1 ? `expected ${choices[0]}` : `expected one of ${choices.join(', ')}`;
  }
  return undefined;
}

/** `['Statement', 2, 'Effect']` → `Statement[2].Effect`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
