import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { progressBar } from '../../lib/cli/live-read';
import { memoryIo } from '../../lib/cli/program';

describe('live reads on the command line', () => {
  it('lets every concurrent request listen for Ctrl-C without a listener-leak warning', () => {
    // Node warns past 10 listeners on one signal, and every request in flight (and each retry) adds one. Jest
    // sandboxes `process`, so the warning is only visible in a real Node process running the build.
    const built = join(__dirname, '..', '..', 'dist', 'lib', 'cli', 'live-read.js');
    expect(existsSync(built)).toBe(true); // `npm test` builds first
    const script = `
      const { interruptOnSigint } = require(${JSON.stringify(built)});
      const interrupt = interruptOnSigint({ stdout() {}, stderr() {}, interactive: false }, 'audit');
      for (let i = 0; i < 40; i++) interrupt.signal.addEventListener('abort', () => {});
      setImmediate(() => interrupt.dispose());`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain('MaxListenersExceededWarning');
  });

  it('draws progress only on a terminal, never into CI logs', () => {
    const ci = memoryIo();
    const quiet = progressBar(ci, 'accounts');
    quiet.update(3, 10);
    quiet.finish();
    expect(ci.err).toBe('');

    const terminal = { ...memoryIo(), interactive: true };
    let drawn = '';
    terminal.stderr = (text: string) => {
      drawn += text;
    };
    const bar = progressBar(terminal, 'accounts');
    bar.update(5, 10, '111122223333');
    expect(drawn).toContain('5/10');
    expect(drawn).toContain('111122223333');
  });
});
