// Writes a report made in pieces (reportChunks) to a file or to stdout, in blocks of about 1 MiB: a report of
// tens of thousands of findings never exists as one string, and a write is not paid per line.
import { closeSync, fstatSync, openSync, rmSync, writeSync } from 'node:fs';
import { SARIF_MAX_RESULTS, sarifResultsLeftOut } from '../audit/report';
import type { Finding } from '../audit/rules/types';
import { InputError } from '../util/read-input';
import type { CliIo } from './context';

const BLOCK_CHARS = 1 << 20;

/** Joins small pieces into blocks of at least `size` characters (the last may be shorter). */
export function* inBlocks(chunks: Iterable<string>, size = BLOCK_CHARS): Generator<string> {
  let parts: string[] = [];
  let length = 0;
  for (const chunk of chunks) {
    parts.push(chunk);
    length += chunk.length;
    if (length >= size) {
      yield parts.join('');
      parts = [];
      length = 0;
    }
  }
  if (length > 0) yield parts.join('');
}

export function writeReportToStdout(io: CliIo, chunks: Iterable<string>): void {
  for (const block of inBlocks(chunks)) io.stdout(block);
}

/**
 * Creates or truncates `file`; a failure names the file and what the system said. A regular file left half
 * written (disk full, a rendering error) is removed, so no truncated report passes for a whole one; a device
 * or pipe (`/dev/stdout`) is never removed.
 */
export function writeReportToFile(file: string, chunks: Iterable<string>): void {
  let fd: number;
  try {
    fd = openSync(file, 'w');
  } catch (err) {
    throw new InputError(`${file}: cannot write: ${(err as Error).message}`);
  }
  const regular = fstatSync(fd).isFile();
  let failure: unknown;
  try {
    for (const block of inBlocks(chunks)) writeSync(fd, block);
  } catch (err) {
    failure = err;
  } finally {
    closeSync(fd);
  }
  if (failure === undefined) return;
  if (regular) rmSync(file, { force: true });
  // A system error (disk full, I/O) is the user's to fix; anything else is a bug and keeps its stack.
  if (!(failure as NodeJS.ErrnoException).code) throw failure;
  const removed = regular ? '; the partial file was removed' : '';
  throw new InputError(`${file}: cannot write: ${(failure as Error).message}${removed}`);
}

/** Says so on stderr when a SARIF report had to leave findings out (GitHub's limit of results per run). */
export function warnOfSarifLimit(io: CliIo, command: string, findings: readonly Finding[]): void {
  const leftOut = sarifResultsLeftOut(findings);
  if (leftOut === 0) return;
  io.stderr(
    `leash ${command}: the SARIF report holds the ${SARIF_MAX_RESULTS} most severe of ${findings.length} findings ` +
      `(GitHub code scanning rejects a run of more); ${leftOut} left out are in --format json\n`,
  );
}
