// The CLI's V8 settings (lib/cli/compiler-settings.ts) change how much CPU a run spends compiling, never what a
// command prints: the same report with and without them, and no word from V8 on stderr.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilerFlags, V8_DEFAULTS_VARIABLE } from '../../lib/cli/compiler-settings';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'bin', 'leash.js');
const example = join(root, 'examples', 'example-account', 'authorization-details.json');

const TUNED = [
  '--no-turbo-inlining',
  '--no-turbo-loop-peeling',
  '--no-turbo-inline-array-builtins',
  '--no-baseline-batch-compilation',
  '--interrupt-budget=270336',
  '--no-incremental-marking',
];

describe('which flags', () => {
  it('turns inlining and incremental marking off and raises the tier-up budget on the Node.js majors whose V8 has the flags', () => {
    expect(compilerFlags({}, '20.20.2', 'organization')).toEqual(TUNED);
    expect(compilerFlags({}, '24.1.0')).toEqual(TUNED);
  });

  it('keeps the young generation small and scavenges it on one thread for a short run, on Node.js 20 only', () => {
    const short = [...TUNED, '--semi-space-growth-factor=1', '--no-parallel-scavenge'];
    expect(compilerFlags({}, '20.20.2', 'short')).toEqual(short);
    // A long run of one account lets the old generation grow further between full collections (Node.js 20 too).
    expect(compilerFlags({}, '20.20.2', 'long')).toEqual([...TUNED, '--heap-growing-percent=400']);
    expect(compilerFlags({}, '20.20.2')).toEqual([...TUNED, '--heap-growing-percent=400']);
    expect(compilerFlags({}, '22.1.0', 'long')).toEqual(TUNED);
    expect(compilerFlags({}, '22.1.0', 'short')).toEqual(TUNED);
    expect(compilerFlags({ [V8_DEFAULTS_VARIABLE]: '1' }, '20.20.2', 'short')).toEqual([]);
  });

  it('sets nothing on a Node.js whose V8 may not know the flag (it would print an error)', () => {
    expect(compilerFlags({}, '18.19.0')).toEqual([]);
    expect(compilerFlags({}, '25.0.0')).toEqual([]);
    expect(compilerFlags({}, 'not-a-version')).toEqual([]);
  });

  it(`sets nothing with ${V8_DEFAULTS_VARIABLE}=1, and only "1" means that`, () => {
    expect(compilerFlags({ [V8_DEFAULTS_VARIABLE]: '1' }, '20.20.2')).toEqual([]);
    expect(compilerFlags({ [V8_DEFAULTS_VARIABLE]: '0' }, '20.20.2', 'organization')).toEqual(TUNED);
  });
});

describe('the leash process', () => {
  const audit = (env: NodeJS.ProcessEnv, extra: readonly string[] = []) =>
    spawnSync(process.execPath, [cli, 'audit', '--input', example, '--format', 'json', ...extra], {
      encoding: 'utf8',
      env: { ...process.env, LEASH_COMPILE_CACHE: '0', ...env },
      maxBuffer: 64 * 1024 * 1024,
    });

  it('prints the same report with its settings, short run and long, as with V8 defaults, and nothing on stderr', () => {
    const tuned = audit({});
    const long = audit({}, ['--threads', '1']);
    const defaults = audit({ [V8_DEFAULTS_VARIABLE]: '1' });
    expect(tuned.stderr).toBe('');
    expect(long.stderr).toBe('');
    expect(tuned.status).toBe(defaults.status);
    expect(long.status).toBe(defaults.status);
    expect(tuned.stdout.length).toBeGreaterThan(1000);
    expect(tuned.stdout).toBe(defaults.stdout);
    expect(long.stdout).toBe(defaults.stdout);
  });

  // What V8 does with a flag cannot be read back, so this watches leash hand them to V8: a preloaded probe
  // wraps v8.setFlagsFromString and notes, for each call, which of leash's modules were loaded by then.
  it('hands V8 its flags at start, before any command module is loaded', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leash-v8-flags-'));
    try {
      const probe = join(dir, 'probe.js');
      const out = join(dir, 'calls.json');
      writeFileSync(
        probe,
        `const v8 = require('node:v8');
const original = v8.setFlagsFromString;
const calls = [];
v8.setFlagsFromString = (flag) => {
  const loaded = Object.keys(require.cache).filter((file) => file.includes('/dist/lib/'));
  calls.push({ flag, loaded });
  return original(flag);
};
process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(calls)));
`,
      );
      const run = (env: NodeJS.ProcessEnv) => {
        const result = spawnSync(
          process.execPath,
          ['-r', probe, cli, 'audit', '--input', example, '--format', 'json'],
          {
            encoding: 'utf8',
            env: { ...process.env, LEASH_COMPILE_CACHE: '0', ...env },
            maxBuffer: 64 * 1024 * 1024,
          },
        );
        expect(result.stderr).toBe('');
        return JSON.parse(readFileSync(out, 'utf8')) as { flag: string; loaded: string[] }[];
      };
      const calls = run({});
      // The example account is a short run (lib/cli/workload.ts).
      expect(calls.map((call) => call.flag)).toEqual(compilerFlags(process.env, process.versions.node, 'short'));
      // Only bin/leash's own small imports may be loaded by then: no command, no catalog, nothing of the audit.
      const binImports = [
        'command-word',
        'compile-cache',
        'compile-cache-file',
        'compiler-settings',
        'exit-codes',
        'workload',
      ].map((name) => `/dist/lib/cli/${name}.js`);
      for (const call of calls) {
        const loaded = call.loaded.map((file) => file.slice(file.indexOf('/dist/lib/')));
        expect(loaded).toContain('/dist/lib/cli/compiler-settings.js');
        expect(loaded.filter((file) => !binImports.includes(file))).toEqual([]);
      }
      expect(run({ [V8_DEFAULTS_VARIABLE]: '1' })).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
