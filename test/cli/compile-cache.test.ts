// The code cache of the built CLI (lib/cli/compile-cache.ts) changes how fast modules load, never what a
// command does: with a fresh, a warm, a damaged or an unusable cache the output is the same as without one.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheKey, compileCacheDir } from '../../lib/cli/compile-cache';

const cli = join(__dirname, '..', '..', 'dist', 'bin', 'leash.js');

describe('cache keys and places', () => {
  it('a module edited without changing its length gets another key (V8 only checks the length)', () => {
    expect(cacheKey('/a/m.js', 'exports.x = 1;')).not.toBe(cacheKey('/a/m.js', 'exports.x = 2;'));
    expect(cacheKey('/a/m.js', 'exports.x = 1;')).not.toBe(cacheKey('/b/m.js', 'exports.x = 1;'));
    expect(cacheKey('/a/m.js', 'exports.x = 1;')).toBe(cacheKey('/a/m.js', 'exports.x = 1;'));
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
  const cacheFiles = (base: string) => {
    const versioned = join(base, `v8-${process.version}-${process.arch}`);
    return existsSync(versioned) ? readdirSync(versioned).map((name) => join(versioned, name)) : [];
  };

  const expected = validate({ LEASH_COMPILE_CACHE: '0' });

  it('runs the same with a fresh and with a warm cache, which holds one file per module', () => {
    expect(expected.status).toBe(1);
    expect(expected.stdout).toContain('s3:GetObjekt');
    const base = join(dir, 'fresh');
    expect(validate({ LEASH_COMPILE_CACHE_DIR: base })).toEqual(expected);
    const files = cacheFiles(base);
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((file) => file.endsWith('.tmp'))).toEqual([]);
    expect(validate({ LEASH_COMPILE_CACHE_DIR: base })).toEqual(expected);
  });

  it('fails open: damaged cache files are compiled afresh, an unusable directory means no cache', () => {
    const base = join(dir, 'damaged');
    validate({ LEASH_COMPILE_CACHE_DIR: base });
    for (const file of cacheFiles(base)) writeFileSync(file, Buffer.from('not V8 code at all'));
    expect(validate({ LEASH_COMPILE_CACHE_DIR: base })).toEqual(expected);

    const notADirectory = join(dir, 'file');
    writeFileSync(notADirectory, '');
    expect(validate({ LEASH_COMPILE_CACHE_DIR: notADirectory })).toEqual(expected);

    // A directory others may write is never used: they could choose the code leash runs.
    const shared = join(dir, 'shared');
    const versioned = join(shared, `v8-${process.version}-${process.arch}`);
    mkdirSync(versioned, { recursive: true });
    chmodSync(versioned, 0o777);
    expect(validate({ LEASH_COMPILE_CACHE_DIR: shared })).toEqual(expected);
    expect(cacheFiles(shared)).toEqual([]);
  });
});
