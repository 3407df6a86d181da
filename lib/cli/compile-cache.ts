// V8 code cache for the `leash` process: a command loads ~260 CommonJS modules (ours, commander, zod, ...) and
// compiling them is a fixed cost of every run (on Node 20 `module.enableCompileCache` does not exist yet). The
// first run saves V8's compiled code of each module to a per-user cache; later runs hand it back to V8 instead
// of compiling from scratch (about 0.09 s CPU less for `leash audit` of an empty account).
//
// Correctness never depends on the cache. A module's cache file is named by a hash of its path and its exact
// text (V8 itself only checks the source length), so an edited or upgraded module never meets old code;
// V8 rejects data of another V8 build or other flags and the module is compiled as usual. Any failure
// (no home directory, a read-only or foreign directory, a missing or unreadable file) means "no cache", and
// files are written whole (temporary file, then rename) so a concurrent run reads a complete file or none.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

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

/** The cache file of one module: its path and exact text decide, so no other text can ever reuse it. */
export function cacheKey(filename: string, content: string): string {
  return createHash('sha256').update(`${filename}\0${content}`).digest('hex');
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

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeCache(file: string, data: Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    // Full disk, read-only directory, a race with a cleaner: the next run compiles this module again.
    try {
      unlinkSync(temporary);
    } catch {
      // never written
    }
  }
}

let installed = false;

/**
 * Compile this process's CommonJS modules through the code cache from now on. Call it before loading
 * anything heavy; true when the cache is in use.
 */
export function installCompileCache(dir: string | undefined = compileCacheDir()): boolean {
  if (installed || dir === undefined) return false;
  const cacheDir = privateDirectory(dir);
  if (cacheDir === undefined) return false;
  installed = true;
  const loader = Module as unknown as LoaderInternals;
  const nodeCompile = loader.prototype._compile;
  // Scripts compiled without a cache (or whose cache V8 refused): their code is saved when the process ends,
  // which covers the functions that ran, not only those compiled eagerly.
  const unsaved: { file: string; script: Script }[] = [];

  loader.prototype._compile = function compile(this: Module, content: string, filename: string): unknown {
    // A real dynamic import() needs node's own loader callbacks (a vm.Script has none on every Node 20).
    if (content.includes('import(')) return nodeCompile.call(this, content, filename);
    const file = join(cacheDir, cacheKey(filename, content));
    const cachedData = readCache(file);
    // Node strips a `#!` line itself; inside the wrapper it would be a syntax error, as a comment it keeps
    // every line number.
    const source = content.startsWith('#!') ? `//${content}` : content;
    const script = new Script(loader.wrap(source), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) unsaved.push({ file, script });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, requireFor(this, loader), this, filename, dirname(filename));
  };

  process.once('exit', () => {
    for (const { file, script } of unsaved) writeCache(file, script.createCachedData());
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
