// Writes a report made in pieces (reportChunks) to a file or to stdout, about 1 MiB a write: a report of tens
// of thousands of findings never exists as one string, and a write is not paid per line. Files are written
// atomically (their pieces encoded straight into one buffer, lib/cli/atomic-file.ts) and never over one of
// the command's inputs.
import { SARIF_MAX_RESULTS, sarifResultsLeftOut } from '../audit/report/sarif';
import type { Finding } from '../audit/rules/types';
import { refuseOutputThatIsInput, writeFileAtomically } from './atomic-file';
import type { CliIo } from './context';

const BLOCK_CHARS = 1 << 20;
/**
 * A piece this long (a batch of findings' JSON is about 32 Ki characters) is written as it is. Joining it only
 * copied it once more, and a piece with one character beyond Latin-1 (the reports' arrows) made the whole
 * megabyte block two bytes a character: 10,000 roles' 104 MB JSON report took 0.8 s less CPU to stdout without it.
 */
const PASS_THROUGH_CHARS = 1 << 14;

/**
 * Joins small pieces into blocks of at least `size` characters (the last may be shorter). A piece of
 * `passThrough` characters or more is passed on as it is, after the pieces gathered before it.
 */
export function* inBlocks(
  chunks: Iterable<string>,
  size = BLOCK_CHARS,
  passThrough = Math.min(PASS_THROUGH_CHARS, size / 4),
): Generator<string> {
  let parts: string[] = [];
  let length = 0;
  for (const chunk of chunks) {
    if (chunk.length >= passThrough) {
      if (length > 0) yield parts.join('');
      parts = [];
      length = 0;
      yield chunk;
      continue;
    }
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
 * Writes a report to `file` atomically (lib/cli/atomic-file.ts): whole or not at all, the previous file kept
 * when anything fails. `inputs` are the command's input files: an output that is one of them is refused
 * before anything is written. Devices and pipes (`/dev/stdout`) are written in place.
 */
export function writeReportToFile(
  file: string,
  chunks: Iterable<string>,
  options: { readonly inputs?: readonly (string | undefined)[]; readonly flag?: string } = {},
): void {
  refuseOutputThatIsInput(file, options.inputs ?? [], options.flag ?? '--output');
  writeFileAtomically(file, chunks);
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
