// The code cache of the built CLI (lib/cli/compile-cache.ts) changes how fast modules load, never what a
// command does: with a fresh, a warm, a damaged or an unusable cache the output is the same as without one.
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheFile, parseCacheFile, readCacheIndex } from '../../lib/cli/compile-cache-file';
import { compileCacheDir, compileCacheFileName } from '../../lib/cli/compile-cache';
import { compilerFlags } from '../../lib/cli/compiler-settings';

const cli = join(__dirname, '..', '..', 'dist', 'bin', 'leash.js');
const example = join(__dirname, '..', '..', 'examples', 'example-account', 'authorization-details.json');
/** The cache file of a short run (`leash validate`, `leash catalog`) under this test's environment. */
const COMPILE_CACHE_FILE = compileCacheFileName(compilerFlags(process.env, process.versions.node, 'short'));

describe('the cache file and its place', () => {
  it("an entry serves only its module's exact text (V8 itself only checks the length)", () => {
    const code = Buffer.from([1, 2, 3]);
    const file = cacheFile([
      { path: '/a/m.js', source: 'exports.x = 1;', code },
      { path: '/a/é.js', source: 'ü', code: Buffer.alloc(0) },
    ]);
    const entries = parseCacheFile(file);
    expect([...entries.keys()]).toEqual(['/a/m.js', '/a/é.js']);
    const entry = entries.get('/a/m.js')!;
    expect(entry.codeFor('exports.x = 1;')).toEqual(code);
    expect(entry.codeFor('exports.x = 2;')).toBeUndefined();
    expect(entry.codeFor('exports.x = 1;;')).toBeUndefined();
    expect(
      parseCacheFile(cacheFile([entry.load()!]))
        .get('/a/m.js')!
        .codeFor('exports.x = 1;'),
    ).toEqual(code);
    expect(entries.get('/a/é.js')!.codeFor('ü')).toEqual(Buffer.alloc(0));
  });

  it('anything but a whole cache file has no entries', () => {
    const file = cacheFile([{ path: '/a/m.js', source: 'exports.x = 1;', code: Buffer.from([1, 2, 3]) }]);
    expect(parseCacheFile(file).size).toBe(1);
    expect(parseCacheFile(file.subarray(0, file.length - 1)).size).toBe(0);
    expect(parseCacheFile(Buffer.concat([file, Buffer.from([0])])).size).toBe(0);
    // An index longer than the file, and a path running past the index.
    const longIndex = Buffer.from(file);
    longIndex.writeUInt32LE(file.length, 8);
    expect(parseCacheFile(longIndex).size).toBe(0);
    const longPath = Buffer.from(file);
    longPath.writeUInt32LE(1000, 12);
    expect(parseCacheFile(longPath).size).toBe(0);
    expect(parseCacheFile(Buffer.from('not a cache file')).size).toBe(0);
    expect(parseCacheFile(Buffer.alloc(0)).size).toBe(0);
  });

  it('reads the index, then only the entries asked for, each once: not the code of modules a run never loads', () => {
    const big = Buffer.alloc(1 << 20, 7);
    const file = cacheFile([
      { path: '/a/big.js', source: 'exports.big = 1;', code: big },
      { path: '/a/m.js', source: 'exports.x = 1;', code: Buffer.from([1, 2, 3]) },
    ]);
    const reads: number[] = [];
    const entries = readCacheIndex((position, length) => {
      reads.push(length);
      return file.subarray(position, position + length);
    }, file.length);
    expect(entries.size).toBe(2);
    expect(reads.reduce((a, b) => a + b, 0)).toBeLessThan(100);
    expect(entries.get('/a/m.js')!.codeFor('exports.x = 1;')).toEqual(Buffer.from([1, 2, 3]));
    expect(entries.get('/a/m.js')!.codeFor('exports.x = 1;')).toEqual(Buffer.from([1, 2, 3]));
    expect(reads.reduce((a, b) => a + b, 0)).toBeLessThan(200);
    // An entry that cannot be read serves nothing, and is not written again.
    const failing = readCacheIndex((position, length) => {
      if (position > 100) throw new Error('EIO');
      return file.subarray(position, position + length);
    }, file.length);
    expect(failing.get('/a/m.js')!.codeFor('exports.x = 1;')).toBeUndefined();
    expect(failing.get('/a/m.js')!.load()).toBeUndefined();
  });

  it('is per user and per Node version, and can be turned off', () => {
    const dir = compileCacheDir({ XDG_CACHE_HOME: '/home/u/.cache' });
    expect(dir).toBe(join('/home/u/.cache', 'agent-leash', `v8-${process.version}-${process.arch}`));
    expect(compileCacheDir({ LEASH_COMPILE_CACHE_DIR: '/x' })).toBe(
      join('/x', `v8-${process.version}-${process.arch}`),
    );
    expect(compileCacheDir({ LEASH_COMPILE_CACHE: '0', LEASH_COMPILE_CACHE_DIR: '/x' })).toBeUndefined();
  });
});

(existsSync(cli) ? describe : describe.skip)('the built CLI with a code cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leash-compile-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const policy = join(dir, 'policy.json');
  writeFileSync(
    policy,
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObjekt', Resource: '*' }] }),
  );

  function validate(env: NodeJS.ProcessEnv) {
    const result = spawnSync(process.execPath, [cli, 'validate', policy], {
      encoding: 'utf8',
      env: { ...process.env, LEASH_COMPILE_CACHE: undefined, LEASH_COMPILE_CACHE_DIR: undefined, ...env },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }
  const versioned = (base: string) => join(base, `v8-${process.version}-${process.arch}`);
  const cacheFiles = (base: string) => (existsSync(versioned(base)) ? readdirSync(versioned(base)) : []);
  const entries = (base: string) => parseCacheFile(readFileSync(join(versioned(base), COMPILE_CACHE_FILE)));

  const expected = validate({ LEASH_COMPILE_CACHE: '0' });

  it('runs the same with a fresh and with a warm cache, which holds every module the command loaded', () => {
    expect(expected.status).toBe(1);
    expect(expected.stdout).toContain('s3:GetObjekt');
    const base = join(dir, 'fresh');
    expect(validate({ LEASH_COMPILE_CACHE_DIR: base })).toEqual(expected);
    expect(cacheFiles(base)).toEqual([COMPILE_CACHE_FILE]);
    const modules = [...entries(base).keys()];
    expect(modules.length).toBeGreaterThan(20);
    expect(modules).toContain(require.resolve('commander'));
    // A warm run finds every module's code in the file, so it has nothing to add and leaves the file alone.
    const written = statSync(join(versioned(base), COMPILE_CACHE_FILE));
    expect(validate({ LEASH_COMPILE_CACHE_DIR: base })).toEqual(expected);
    const after = statSync(join(versioned(base), COMPILE_CACHE_FILE));
    expect([after.ino, after.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
    // The file of another format (an older leash beside this one) is neither read nor replaced.
    const older = join(versioned(base), 'modules.v8cache');
    writeFileSync(older, 'LEASHV8\u0001 an older format');
    expect(validate({ LEASH_COMPILE_CACHE_DIR: base })).toEqual(expected);
    expect(readFileSync(older, 'utf8')).toBe('LEASHV8\u0001 an older format');
    expect(statSync(join(versioned(base), COMPILE_CACHE_FILE)).ino).toBe(written.ino);
    rmSync(older);
    // A run with other V8 flags (an audit asked for threads is a long run) keeps a file of its own: V8 would
    // refuse the short run's code, and the two would replace each other's file on every run.
    const audit = spawnSync(
      process.execPath,
      [cli, 'audit', '--input', example, '--threads', '1', '--format', 'json'],
      {
        encoding: 'utf8',
        env: { ...process.env, LEASH_COMPILE_CACHE: undefined, LEASH_COMPILE_CACHE_DIR: base },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    expect(audit.stderr).toBe('');
    const longFile = compileCacheFileName(compilerFlags(process.env, process.versions.node, 'long'));
    expect(longFile).not.toBe(COMPILE_CACHE_FILE);
    expect(cacheFiles(base).sort()).toEqual([COMPILE_CACHE_FILE, longFile].sort());
    expect(validate({ LEASH_COMPILE_CACHE_DIR: base })).toEqual(expected);
    expect(statSync(join(versioned(base), COMPILE_CACHE_FILE)).ino).toBe(written.ino);
    const longWritten = statSync(join(versioned(base), longFile));
    spawnSync(process.execPath, [cli, 'audit', '--input', example, '--threads', '1', '--format', 'json'], {
      env: { ...process.env, LEASH_COMPILE_CACHE: undefined, LEASH_COMPILE_CACHE_DIR: base },
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(statSync(join(versioned(base), longFile)).mtimeMs).toBe(longWritten.mtimeMs);
    rmSync(join(versioned(base), longFile));
    // A command that loads other modules adds theirs and keeps those of the first.
    spawnSync(process.execPath, [cli, 'catalog', '--service', 's3'], {
      env: { ...process.env, LEASH_COMPILE_CACHE: undefined, LEASH_COMPILE_CACHE_DIR: base },
    });
    expect([...entries(base).keys()]).toEqual(expect.arrayContaining(modules));
  });

  it('is safe to share: runs at the same time on a fresh cache all run right and leave one whole file', async () => {
    const base = join(dir, 'concurrent');
    const run = () =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [cli, 'validate', policy], {
          env: { ...process.env, LEASH_COMPILE_CACHE: undefined, LEASH_COMPILE_CACHE_DIR: base },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk) => (stdout += chunk));
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    for (const result of await Promise.all([run(), run(), run(), run()])) expect(result).toEqual(expected);
    expect(cacheFiles(base)).toEqual([COMPILE_CACHE_FILE]);
    expect(entries(base).size).toBeGreaterThan(20);
    expect(validate({ LEASH_COMPILE_CACHE_DIR: base })).toEqual(expected);
  });

  it('fails open: damaged cache files are compiled afresh, an unusable directory means no cache', () => {
    const base = join(dir, 'damaged');
    validate({ LEASH_COMPILE_CACHE_DIR: base });
    // Entries whose code is not V8's: refused by V8, compiled afresh.
    const damaged = [...entries(base).keys()].map((path) => ({
      path,
      source: readFileSync(path, 'utf8'),
      code: Buffer.from('not V8 code at all'),
    }));
    expect(damaged.length).toBeGreaterThan(20);
    writeFileSync(join(versioned(base), COMPILE_CACHE_FILE), cacheFile(damaged));
    const served = [...entries(base)].filter(
      ([path, entry]) => entry.codeFor(readFileSync(path, 'utf8')) !== undefined,
    );
    expect(served.length).toBe(damaged.length);
    expect(validate({ LEASH_COMPILE_CACHE_DIR: base })).toEqual(expected);
    writeFileSync(join(versioned(base), COMPILE_CACHE_FILE), Buffer.from('not a cache file'));
    expect(validate({ LEASH_COMPILE_CACHE_DIR: base })).toEqual(expected);

    const notADirectory = join(dir, 'file');
    writeFileSync(notADirectory, '');
    expect(validate({ LEASH_COMPILE_CACHE_DIR: notADirectory })).toEqual(expected);

    // With source maps on, node's own compile registers them: no cache then.
    const maps = join(dir, 'maps');
    expect(validate({ LEASH_COMPILE_CACHE_DIR: maps, NODE_OPTIONS: '--enable-source-maps' })).toEqual(expected);
    expect(cacheFiles(maps)).toEqual([]);

    // A directory others may write is never used: they could choose the code leash runs.
    const shared = join(dir, 'shared');
    mkdirSync(versioned(shared), { recursive: true });
    chmodSync(versioned(shared), 0o777);
    expect(validate({ LEASH_COMPILE_CACHE_DIR: shared })).toEqual(expected);
    expect(cacheFiles(shared)).toEqual([]);
  });
});
