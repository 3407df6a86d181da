import { interruptOnSigint, progressBar } from '../../lib/cli/live-read';
import { memoryIo } from '../../lib/cli/program';

describe('live reads on the command line', () => {
  it('lets every concurrent request listen for Ctrl-C without a listener-leak warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const interrupt = interruptOnSigint(memoryIo(), 'audit');
    try {
      for (let i = 0; i < 40; i++) interrupt.signal.addEventListener('abort', () => undefined);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      interrupt.dispose();
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
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
