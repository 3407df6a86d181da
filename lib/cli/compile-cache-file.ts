// The file of the code cache (compile-cache.ts): one file for every module, so a run reads the cache with one
// read instead of one per module. Each entry holds the module's path, its exact text and V8's code for it; an
// entry is used only for a module whose path and text are both equal, so no hash can collide. Pure: bytes in,
// bytes out.
//   "LEASHV8", format byte, then entries to the end: uint32 LE lengths of path, text and code, then the three.

const MAGIC = Buffer.from('LEASHV8\u0001', 'latin1');
const ENTRY_HEADER = 12;

/** One module's entry in a cache file that was read: its code, and its bytes to copy into the next file. */
export interface StoredEntry {
  /** True when the entry was made from exactly this text. */
  matches(source: string): boolean;
  readonly code: Buffer;
  readonly bytes: Buffer;
}

/** The entries of a cache file by module path; empty for anything that is not a whole cache file. */
export function parseCacheFile(file: Buffer): Map<string, StoredEntry> {
  const entries = new Map<string, StoredEntry>();
  if (file.length < MAGIC.length || !file.subarray(0, MAGIC.length).equals(MAGIC)) return entries;
  let at = MAGIC.length;
  while (at < file.length) {
    if (at + ENTRY_HEADER > file.length) return new Map();
    const pathEnd = at + ENTRY_HEADER + file.readUInt32LE(at);
    const sourceEnd = pathEnd + file.readUInt32LE(at + 4);
    const codeEnd = sourceEnd + file.readUInt32LE(at + 8);
    if (codeEnd > file.length) return new Map();
    entries.set(file.toString('utf8', at + ENTRY_HEADER, pathEnd), {
      matches: (source) => file.toString('utf8', pathEnd, sourceEnd) === source,
      code: file.subarray(sourceEnd, codeEnd),
      bytes: file.subarray(at, codeEnd),
    });
    at = codeEnd;
  }
  return entries;
}

/** One entry's bytes. */
export function cacheEntry(path: string, source: string, code: Buffer): Buffer {
  const pathBytes = Buffer.from(path, 'utf8');
  const sourceBytes = Buffer.from(source, 'utf8');
  const header = Buffer.alloc(ENTRY_HEADER);
  header.writeUInt32LE(pathBytes.length, 0);
  header.writeUInt32LE(sourceBytes.length, 4);
  header.writeUInt32LE(code.length, 8);
  return Buffer.concat([header, pathBytes, sourceBytes, code]);
}

/** A cache file of these entries (from cacheEntry() or StoredEntry.bytes). */
export function cacheFile(entries: readonly Buffer[]): Buffer {
  return Buffer.concat([MAGIC, ...entries]);
}
