// Files the CLI writes appear whole or not at all: a report or a policy is written to a temporary file in
// the same directory, flushed to disk, then renamed over the target, so a full disk, a crash or Ctrl-C
// leaves the previous file (or none). An output that is one of the command's inputs is refused.
import {
  closeSync,
  fstatSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../util/read-input';

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Refuses `output` when it is the same file (same device and inode) as one of `inputs`. */
export function refuseOutputThatIsInput(output: string, inputs: readonly (string | undefined)[], flag: string): void {
  const target = statOrUndefined(output);
  if (!target) return;
  for (const input of inputs) {
    if (input === undefined) continue;
    const stat = statOrUndefined(input);
    if (stat && stat.dev === target.dev && stat.ino === target.ino) {
      throw new InputError(
        `${flag} ${output}: is the input ${input}; writing there would destroy it (choose another file)`,
      );
    }
  }
}

/** Bytes kept for encoding the text written: a piece of up to a third of it in characters always fits. */
const SCRATCH_BYTES = 4 << 20;
/** Encoded text is written out once this much has gathered (or the next piece might not fit). */
const FLUSH_BYTES = 1 << 20;
let scratch: Buffer | undefined;

/**
 * Writes all of `bytes`: writeSync may write only part of them (a disk filling up returns the bytes that fit,
 * and only the next call fails with ENOSPC), so a short write is continued until it fails or completes.
 */
function writeBytes(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

/** Writes all of `text`, encoded as UTF-8 (see writeBytes). */
export function writeAll(fd: number, text: string): void {
  writePieces(fd, [text]);
}

/**
 * Writes the pieces one after another, encoded as UTF-8 into one buffer kept for the purpose and written out
 * about a mebibyte at a time: pieces of any size (a report's small punctuation and its batches of findings)
 * cost neither a join into larger strings nor a write call each. A piece too large for the buffer is encoded
 * on its own. The bytes are those of the joined text: a surrogate pair split between two pieces is encoded
 * as the one character it is.
 */
export function writePieces(fd: number, pieces: Iterable<string>): void {
  scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES);
  let used = 0;
  let held = '';
  for (const piece of pieces) {
    let text = held + piece;
    held = '';
    if (isHighSurrogate(text.charCodeAt(text.length - 1))) {
      held = text.slice(-1);
      text = text.slice(0, -1);
    }
    // A character takes at most 3 bytes in UTF-8 (a surrogate pair, 2 characters, takes 4).
    const most = text.length * 3;
    if (used + most > SCRATCH_BYTES && used > 0) {
      writeBytes(fd, scratch.subarray(0, used));
      used = 0;
    }
    if (most > SCRATCH_BYTES) {
      writeBytes(fd, Buffer.from(text, 'utf8'));
      continue;
    }
    used += scratch.write(text, used, 'utf8');
    if (used >= FLUSH_BYTES) {
      writeBytes(fd, scratch.subarray(0, used));
      used = 0;
    }
  }
  if (held) used += scratch.write(held, used, 'utf8');
  if (used > 0) writeBytes(fd, scratch.subarray(0, used));
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** A system error as the user should read it: the file and what the system said. */
export function cannotWrite(file: string, err: unknown, suffix = ''): InputError {
  return new InputError(`${file}: cannot write: ${(err as Error).message}${suffix}`);
}

/**
 * A name for a temporary file beside `file`: hidden, and unique to this process and call. It needs to be
 * unique, not secret (the file is created with `wx`, which refuses any file already there), so Math.random
 * serves: node:crypto would cost every audit more than the rest of writing a small report.
 */
export function temporaryBeside(file: string): string {
  const unique = Math.floor(Math.random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0');
  return join(dirname(file), `.${basename(file)}.${process.pid}.${unique}.tmp`);
}

/**
 * Writes the pieces of text to `file` atomically. A device or pipe (`/dev/stdout`, a FIFO) cannot be renamed over
 * and is written in place. A system error (disk full, no permission) is an InputError naming the file; any
 * other error (a bug while rendering) keeps its stack. Either way the target is left as it was.
 */
export function writeFileAtomically(file: string, pieces: Iterable<string>): void {
  const existing = statOrUndefined(file);
  if (existing?.isDirectory()) throw new InputError(`${file}: cannot write: is a directory`);
  if (existing && !existing.isFile()) {
    writeInPlace(file, pieces);
    return;
  }
  const temporary = temporaryBeside(file);
  let fd: number;
  try {
    // The mode of the file it replaces, so a report kept private stays private.
    fd = openSync(temporary, 'wx', existing ? existing.mode & 0o777 : 0o666);
  } catch (err) {
    throw cannotWrite(file, err);
  }
  let failure: unknown;
  try {
    if (!fstatSync(fd).isFile()) throw new Error('not a regular file');
    writePieces(fd, pieces);
    fsyncSync(fd);
  } catch (err) {
    failure = err;
  } finally {
    closeSync(fd);
  }
  if (failure === undefined) {
    try {
      renameSync(temporary, file);
      return;
    } catch (err) {
      failure = err;
    }
  }
  rmSync(temporary, { force: true });
  if (!(failure as NodeJS.ErrnoException).code) throw failure;
  throw cannotWrite(file, failure, existing ? '; the previous file is unchanged' : '; nothing was written');
}

function writeInPlace(file: string, pieces: Iterable<string>): void {
  let fd: number;
  try {
    fd = openSync(file, 'w');
  } catch (err) {
    throw cannotWrite(file, err);
  }
  try {
    writePieces(fd, pieces);
  } catch (err) {
    if (!(err as NodeJS.ErrnoException).code) throw err;
    throw cannotWrite(file, err);
  } finally {
    closeSync(fd);
  }
}
