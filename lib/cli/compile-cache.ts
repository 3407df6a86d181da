// V8 code cache for the `leash` process: a command loads ~260 CommonJS modules (ours, commander, zod, ...) and
// compiling them is a fixed cost of every run (on Node 20 `module.enableCompileCache` does not exist yet). The
// first run saves V8's compiled code of each module to a per-user cache file; later runs hand it back to V8
// instead of compiling from scratch.
//
// Correctness never depends on the cache. An entry is used only for a module whose path and exact text equal
// the entry's (V8 itself only checks the source length), so an edited or upgraded module never meets old
// code; V8 rejects code of another V8 build or other flags and the module is compiled as usual. Any failure
// (no home directory, a read-only or foreign directory, a damaged file) means "no cache", and the file is
// replaced whole (temporary file, then rename) so a concurrent run reads a complete file or the previous one.
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { CACHE_FORMAT, cacheFile, readCacheIndex, type CacheEntry, type StoredEntry } from './compile-cache-file';

/** The parts of node's CommonJS loader the cache replaces or calls: stable since Node 12, not in @types/node. */
interface LoaderInternals {
  prototype: { _compile(this: Module, content: string, filename: string): unknown };
  wrap(script: string): string;
  _resolveFilename(request: string, parent: Module, isMain: boolean, options?: { paths?: string[] }): string;
  _resolveLookupPaths(request: string, parent: Module): string[] | null;
  _extensions: NodeJS.RequireExtensions;
  _cache: NodeJS.Dict<NodeModule>;
}

/**
 * Named by its format and by the V8 flags of the run (compiler-settings.ts): V8 rejects code made under other
 * flags, so a short and a long run, or an installation of leash that writes another format, each keep their
 * own file instead of replacing each other's (and compiling every module afresh) on every run.
 */
export function compileCacheFileName(flags: readonly string[]): string {
  return `modules-${CACHE_FORMAT}-${fnv1a(flags.join(' '))}.v8cache`;
}

/** FNV-1a of a string's UTF-16 units, 8 hex digits: tells flag sets apart in a file name, nothing more. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** A cache file larger than this is started afresh (entries of old installations pile up otherwise). */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Where the cache lives: LEASH_COMPILE_CACHE_DIR, else `$XDG_CACHE_HOME/agent-leash`, else
 * `~/.cache/agent-leash`; one directory per Node version and architecture. LEASH_COMPILE_CACHE=0 turns it off.
 */
export function compileCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.LEASH_COMPILE_CACHE === '0') return undefined;
  let base = env.LEASH_COMPILE_CACHE_DIR;
  if (!base) {
    const cacheHome = env.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : '');
    if (!cacheHome) return undefined;
    base = join(cacheHome, 'agent-leash');
  }
  return join(base, `v8-${process.version}-${process.arch}`);
}

/**
 * A directory only this user can write, created when missing; undefined when that cannot be had. A cache
 * others could write would let them choose the code this process runs.
 */
function privateDirectory(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = statSync(dir);
    const uid = process.getuid?.();
    if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o022) !== 0) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** The cache file's entries (from its index only) and how to close it. */
interface OpenCache {
  readonly entries: Map<string, StoredEntry>;
  close(): void;
}

/**
 * Reads the cache file's index: an entry's text and code are read when its module loads. The file stays open
 * for that until the process ends (a run that replaces it renames a new file over it, so this run keeps
 * reading the file it opened).
 */
function openCache(file: string): OpenCache {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    if (size > MAX_CACHE_BYTES) throw new Error('too large: start afresh');
    const open = fd;
    const entries = readCacheIndex((position, length) => readExactly(open, position, length), size);
    if (entries.size === 0) throw new Error('no entries');
    return { entries, close: () => closeQuietly(open) };
  } catch {
    if (fd !== undefined) closeQuietly(fd);
    return { entries: new Map(), close: () => undefined };
  }
}

/** `length` bytes at `position`, or an error: a short read means the file is not what its index says. */
function readExactly(fd: number, position: number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const read = readSync(fd, bytes, done, length - done, position + done);
    if (read === 0) throw new Error('cache file shorter than its index');
    done += read;
  }
  return bytes;
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

function writeWhole(file: string, bytes: Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, bytes, { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    // Full disk, read-only directory, a race with a cleaner: the next run compiles these modules again.
    try {
      unlinkSync(temporary);
    } catch {
      // never written
    }
  }
}

let installed = false;

/**
 * Whether node's loader does nothing here that the cache's compile would skip: it registers source maps
 * (--enable-source-maps) and checks policy manifests (--experimental-policy) in the compile step it replaces.
 */
function plainLoader(): boolean {
  if (process.sourceMapsEnabled) return false;
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return !flags.some((flag) => flag.startsWith('--experimental-policy') || flag.startsWith('--policy-integrity'));
}

/**
 * Compile this process's CommonJS modules through the code cache from now on, with the V8 flags the process
 * set (applyCompilerSettings). Call it before loading anything heavy; true when the cache is in use.
 */
export function installCompileCache(flags: readonly string[], dir: string | undefined = compileCacheDir()): boolean {
  if (installed || dir === undefined || !plainLoader()) return false;
  const cacheDir = privateDirectory(dir);
  if (cacheDir === undefined) return false;
  installed = true;
  const file = join(cacheDir, compileCacheFileName(flags));
  const cache = openCache(file);
  const stored = cache.entries;
  const loader = Module as unknown as LoaderInternals;
  const nodeCompile = loader.prototype._compile;
  // Modules compiled without a usable entry: their code is saved when the process ends, which covers the
  // functions that ran, not only those compiled eagerly.
  const unsaved = new Map<string, { source: string; script: Script }>();

  loader.prototype._compile = function compile(this: Module, content: string, filename: string): unknown {
    // A real dynamic import() needs node's own loader callbacks (a vm.Script has none on every Node 20).
    if (content.includes('import(')) return nodeCompile.call(this, content, filename);
    const cachedData = stored.get(filename)?.codeFor(content);
    // Node strips a `#!` line itself; inside the wrapper it would be a syntax error, as a comment it keeps
    // every line number.
    const source = content.startsWith('#!') ? `//${content}` : content;
    const script = new Script(loader.wrap(source), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) unsaved.set(filename, { source: content, script });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, requireFor(this, loader), this, filename, dirname(filename));
  };

  /** Writes the file anew: the entries read (their bytes are read now) and those of the modules compiled. */
  const save = () => {
    // Entries of modules this run did not load stay (other commands load other modules), unless the module
    // is gone (an uninstalled or moved leash).
    const kept: CacheEntry[] = [];
    for (const [path, entry] of stored) {
      if (unsaved.has(path) || !existsSync(path)) continue;
      const loaded = entry.load();
      if (loaded) kept.push(loaded);
    }
    const added = [...unsaved].map(([path, { source, script }]) => ({ path, source, code: script.createCachedData() }));
    writeWhole(file, cacheFile([...kept, ...added]));
  };
  process.once('exit', () => {
    try {
      if (unsaved.size > 0) save();
    } finally {
      cache.close();
    }
  });
  return true;
}

/** The `require` a module sees, as node's own loader builds it. */
function requireFor(module: Module, loader: LoaderInternals): NodeJS.Require {
  const require = ((id: string) => module.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: { paths?: string[] }) =>
    loader._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => loader._resolveLookupPaths(request, module);
  require.resolve = resolve;
  require.main = process.mainModule; // as node sets it: the entry point of the process
  require.extensions = loader._extensions;
  require.cache = loader._cache;
  return require;
}
