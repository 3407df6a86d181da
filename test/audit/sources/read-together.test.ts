import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readTogether } from '../../../lib/audit/sources/read-together';

/** A read that settles only when its signal aborts (with the signal's reason). */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
}

describe('readTogether', () => {
  it('gives every answer in order when all reads succeed', async () => {
    await expect(readTogether(undefined, () => [Promise.resolve(1), Promise.resolve('two')] as const)).resolves.toEqual(
      [1, 'two'],
    );
  });

  it('aborts the other reads when one fails, and rejects with that failure', async () => {
    let seen: AbortSignal | undefined;
    const failure = new Error('AccessDenied');
    const pending = readTogether(undefined, (signal) => {
      seen = signal;
      return [untilAborted(signal), Promise.reject(failure)] as const;
    });
    await expect(pending).rejects.toBe(failure);
    expect(seen?.aborted).toBe(true);
  });

  it('aborts the reads when the outer signal aborts, with its reason, and lets go of the outer signal', async () => {
    const outer = new AbortController();
    const added = jest.spyOn(outer.signal, 'addEventListener');
    const removed = jest.spyOn(outer.signal, 'removeEventListener');
    const pending = readTogether(outer.signal, (signal) => [untilAborted(signal)] as const);
    outer.abort(new Error('interrupted'));
    await expect(pending).rejects.toThrow('interrupted');
    expect(removed).toHaveBeenCalledWith('abort', added.mock.calls[0][1]);
  });

  it('starts the reads already aborted when the outer signal has aborted', async () => {
    const outer = new AbortController();
    outer.abort(new Error('stopped before'));
    let aborted: boolean | undefined;
    await readTogether(outer.signal, (signal) => {
      aborted = signal.aborted;
      return [Promise.resolve(0)] as const;
    });
    expect(aborted).toBe(true);
  });
});

describe('readTogether, many requests in flight', () => {
  // Four regions of three services already make twelve requests at once, each listening to the signal: with
  // Node's default limit of 10 the terminal would show a "possible EventTarget memory leak" warning. Run in a
  // process of its own (the built module, as the CLI runs it): Jest's sandbox does not see process warnings.
  it('lets twenty requests listen to its signal without a warning on stderr', () => {
    const built = join(__dirname, '..', '..', '..', 'dist', 'lib', 'audit', 'sources', 'read-together.js');
    const script =
      `require(${JSON.stringify(built)}).readTogether(undefined, (signal) => Array.from({ length: 20 }, () => ` +
      `new Promise((resolve) => { signal.addEventListener('abort', () => {}); setTimeout(resolve, 5); })))` +
      `.then(() => process.stdout.write('done'));`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.stdout).toBe('done');
    expect(run.stderr).toBe('');
  });
});
