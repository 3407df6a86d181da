// The CLI's V8 settings (lib/cli/compiler-settings.ts) change how much CPU a run spends compiling, never what a
// command prints: the same report with and without them, and no word from V8 on stderr.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { compilerFlags, V8_DEFAULTS_VARIABLE } from '../../lib/cli/compiler-settings';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'bin', 'leash.js');
const example = join(root, 'examples', 'example-account', 'authorization-details.json');

const TUNED = ['--no-turbo-inlining', '--interrupt-budget=270336', '--no-incremental-marking'];

describe('which flags', () => {
  it('turns inlining and incremental marking off and raises the tier-up budget on the Node.js majors whose V8 has the flags', () => {
    expect(compilerFlags({}, '20.20.2')).toEqual(TUNED);
    expect(compilerFlags({}, '24.1.0')).toEqual(TUNED);
  });

  it('sets nothing on a Node.js whose V8 may not know the flag (it would print an error)', () => {
    expect(compilerFlags({}, '18.19.0')).toEqual([]);
    expect(compilerFlags({}, '25.0.0')).toEqual([]);
    expect(compilerFlags({}, 'not-a-version')).toEqual([]);
  });

  it(`sets nothing with ${V8_DEFAULTS_VARIABLE}=1, and only "1" means that`, () => {
    expect(compilerFlags({ [V8_DEFAULTS_VARIABLE]: '1' }, '20.20.2')).toEqual([]);
    expect(compilerFlags({ [V8_DEFAULTS_VARIABLE]: '0' }, '20.20.2')).toEqual(TUNED);
  });
});

describe('the leash process', () => {
  const audit = (env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, [cli, 'audit', '--input', example, '--format', 'json'], {
      encoding: 'utf8',
      env: { ...process.env, LEASH_COMPILE_CACHE: '0', ...env },
      maxBuffer: 64 * 1024 * 1024,
    });

  it('prints the same report with its settings as with V8 defaults, and nothing on stderr', () => {
    const tuned = audit({});
    const defaults = audit({ [V8_DEFAULTS_VARIABLE]: '1' });
    expect(tuned.stderr).toBe('');
    expect(tuned.status).toBe(defaults.status);
    expect(tuned.stdout.length).toBeGreaterThan(1000);
    expect(tuned.stdout).toBe(defaults.stdout);
  });
});
