// Reading user files for the CLI and sources: every failure names the file and, for JSON, line and column.
import { readFileSync } from 'node:fs';
import { scanJson } from './json-scan';

/** A problem with user input (file, JSON, config): the CLI prints the message and exits 2, no stack trace. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export function readTextFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(err);
    throw new InputError(`${file}: cannot read: ${why}`);
  }
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

/** JSON.parse with an error that says where: `file:line:column: invalid JSON: ...`. */
export function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    // Node 20's messages carry no position, so find the first bad character ourselves.
    const message = (err as Error).message.replace(/ in JSON at position \d+.*$/, '').split('\n')[0];
    const offset = scanJson(text).errorOffset;
    if (offset !== undefined) {
      const { line, column } = lineColumn(text, offset);
      throw new InputError(`${where}:${line}:${column}: invalid JSON: ${message}`);
    }
    throw new InputError(`${where}: invalid JSON: ${message}`);
  }
}

export function readJsonFile(file: string): unknown {
  return parseJsonText(readTextFile(file), file);
}

/** Format zod issues as `where: path: message` lines, one per problem. */
export function formatZodIssues(
  where: string,
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): string {
  return issues.map((issue) => `${where}: ${jsonPath(issue.path) || '(root)'}: ${issue.message}`).join('\n');
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
