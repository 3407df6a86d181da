// `leash generate` replaces a whole set of policy files at once. The new set is written into a temporary
// directory beside the target first (a full disk fails there, before anything is replaced); then it takes
// the target's place. Files of an older, larger set that the new one has no more (scp-5.json) are removed;
// a file the tool does not own is never touched.
import {
  fsyncSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../util/read-input';
import { cannotWrite, refuseOutputThatIsInput, writeAll } from './atomic-file';

/** The file names `generate` owns in its output directory; nothing else there is ever changed. */
export const OWNED_FILE_NAMES = 'boundary.json, scp-<n>.json, rcp-<n>.json, placement.json, coverage.json, coverage.md';
const OWNED = /^(boundary\.json|(scp|rcp)-\d+\.json|placement\.json|coverage\.json|coverage\.md)$/;

export function isOwnedFileName(name: string): boolean {
  return OWNED.test(name);
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function writeWhole(path: string, text: string): void {
  const fd = openSync(path, 'wx', 0o666);
  try {
    writeAll(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replace the generated files in `out` by `files` (name → text); `inputs` may not be overwritten. */
export function replaceGeneratedSet(
  out: string,
  files: ReadonlyMap<string, string>,
  inputs: readonly (string | undefined)[],
): void {
  for (const name of files.keys()) {
    if (!isOwnedFileName(name)) throw new Error(`generate: ${name} is not a file name generate owns`);
    refuseOutputThatIsInput(join(out, name), inputs, '--out');
  }
  const parent = dirname(out);
  if (exists(out) && !statSync(out).isDirectory()) throw new InputError(`${out}: cannot write: not a directory`);
  let staging: string;
  try {
    if (!exists(parent)) mkdirSync(parent, { recursive: true });
    staging = mkdtempSync(join(parent, `.${basename(out)}.leash-`));
  } catch (err) {
    throw cannotWrite(out, err);
  }
  try {
    for (const [name, text] of files) writeWhole(join(staging, name), text);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw cannotWrite(out, err, exists(out) ? '; the previous files are unchanged' : '; nothing was written');
  }
  try {
    if (!exists(out)) {
      renameSync(staging, out);
      return;
    }
    // File by file: each rename is atomic, and files the tool does not own stay where they are.
    for (const name of files.keys()) renameSync(join(staging, name), join(out, name));
    for (const name of readdirSync(out)) {
      if (isOwnedFileName(name) && !files.has(name)) rmSync(join(out, name), { force: true });
    }
  } catch (err) {
    throw cannotWrite(out, err);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
