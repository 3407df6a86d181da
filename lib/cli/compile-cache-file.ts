// The file of the code cache (compile-cache.ts): one file for every module, read through an index so a run
// reads the entries of the modules it loads and nothing else. One file serves every command and every
// installation of leash this user runs (each `npx` version is one), so it holds many more modules than any one
// run loads: reading a 19 MB file whole cost 9 ms of CPU per run, against 2 ms for its index and the 149
// entries an audit loads. Each entry holds the module's path, its exact text and V8's code for it; an entry is
// used only for a module whose path and text are both equal, so no hash can collide.
//   "LEASHV8", format byte 2, uint32 LE length of the index, the index, then the data.
//   Index: per entry, uint32 LE lengths of path, text and code, then the path. Data: each entry's text and
//   code, in the index's order, ending exactly at the end of the file.

/** The layout below; compile-cache.ts names the file by it. */
export const CACHE_FORMAT = 2;
const MAGIC = Buffer.concat([Buffer.from('LEASHV8', 'latin1'), Buffer.of(CACHE_FORMAT)]);
const HEADER = MAGIC.length + 4;
const INDEX_ENTRY_HEADER = 12;

/** Reads `length` bytes at `position` of the cache file; throws when it cannot. */
export type ReadAt = (position: number, length: number) => Buffer;

/** A module's entry to write. */
export interface CacheEntry {
  readonly path: string;
  readonly source: string | Buffer;
  readonly code: Buffer;
}

/** One module's entry in a cache file that was read; its text and code are read when first asked for. */
export interface StoredEntry {
  /** V8's code when the entry was made from exactly this text, else undefined (also when it cannot be read). */
  codeFor(source: string): Buffer | undefined;
  /** The entry as it can be written again; undefined when it cannot be read. */
  load(): CacheEntry | undefined;
}

/**
 * The entries of a cache file of `size` bytes by module path, reading only its index; empty for anything that
 * is not a whole cache file (a damaged index, or data that does not end where the file does).
 */
export function readCacheIndex(read: ReadAt, size: number): Map<string, StoredEntry> {
  const entries = new Map<string, StoredEntry>();
  if (size < HEADER) return entries;
  const header = read(0, HEADER);
  if (!header.subarray(0, MAGIC.length).equals(MAGIC)) return entries;
  const indexEnd = HEADER + header.readUInt32LE(MAGIC.length);
  if (indexEnd > size) return entries;
  const index = read(HEADER, indexEnd - HEADER);
  let at = 0;
  let dataAt = indexEnd;
  while (at < index.length) {
    if (at + INDEX_ENTRY_HEADER > index.length) return new Map();
    const pathEnd = at + INDEX_ENTRY_HEADER + index.readUInt32LE(at);
    if (pathEnd > index.length) return new Map();
    const sourceLength = index.readUInt32LE(at + 4);
    const codeLength = index.readUInt32LE(at + 8);
    const path = index.toString('utf8', at + INDEX_ENTRY_HEADER, pathEnd);
    entries.set(path, storedEntry(read, path, dataAt, sourceLength, codeLength));
    dataAt += sourceLength + codeLength;
    at = pathEnd;
  }
  return dataAt === size ? entries : new Map();
}

function storedEntry(read: ReadAt, path: string, at: number, sourceLength: number, codeLength: number): StoredEntry {
  let bytes: Buffer | undefined;
  let unreadable = false;
  const data = (): Buffer | undefined => {
    if (bytes === undefined && !unreadable) {
      try {
        bytes = read(at, sourceLength + codeLength);
      } catch {
        unreadable = true;
      }
    }
    return bytes;
  };
  return {
    codeFor(source) {
      // UTF-8 takes at least a byte per UTF-16 unit: a shorter stored text cannot be this one (no read needed).
      if (sourceLength < source.length) return undefined;
      const stored = data();
      if (stored === undefined || stored.toString('utf8', 0, sourceLength) !== source) return undefined;
      return stored.subarray(sourceLength);
    },
    load() {
      const stored = data();
      if (stored === undefined) return undefined;
      return { path, source: stored.subarray(0, sourceLength), code: stored.subarray(sourceLength) };
    },
  };
}

/** The entries of a cache file held in memory (see readCacheIndex). */
export function parseCacheFile(file: Buffer): Map<string, StoredEntry> {
  return readCacheIndex((position, length) => {
    if (position + length > file.length) throw new RangeError('read past the end of the cache file');
    return file.subarray(position, position + length);
  }, file.length);
}

/** A cache file of these entries. */
export function cacheFile(entries: readonly CacheEntry[]): Buffer {
  const index: Buffer[] = [];
  const data: Buffer[] = [];
  for (const { path, source, code } of entries) {
    const pathBytes = Buffer.from(path, 'utf8');
    const sourceBytes = typeof source === 'string' ? Buffer.from(source, 'utf8') : source;
    const header = Buffer.alloc(INDEX_ENTRY_HEADER);
    header.writeUInt32LE(pathBytes.length, 0);
    header.writeUInt32LE(sourceBytes.length, 4);
    header.writeUInt32LE(code.length, 8);
    index.push(header, pathBytes);
    data.push(sourceBytes, code);
  }
  const indexBytes = Buffer.concat(index);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(indexBytes.length, 0);
  return Buffer.concat([MAGIC, length, indexBytes, ...data]);
}
