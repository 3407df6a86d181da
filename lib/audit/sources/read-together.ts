// Reads of one account started side by side (its IAM, its SCP chain, its compute inventory). Once one fails,
// the others' answers are not wanted: they are aborted, instead of going on (and retrying against clients
// already destroyed) behind the reported error, where they would keep the CLI's process alive for seconds.
import { setMaxListeners } from 'node:events';

/**
 * `Promise.all` over the reads `start` begins with the signal it is given. That signal aborts when `outer`
 * does, and when any read fails: the first failure is what rejects, the others' abort errors are dropped.
 */
export async function readTogether<T extends readonly unknown[]>(
  outer: AbortSignal | undefined,
  start: (signal: AbortSignal) => { [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const controller = new AbortController();
  // Every request in flight listens to it (regions × services × pages, parents × concurrency): no limit, so no
  // "possible memory leak" warning on the terminal of a large account; each request removes its listener.
  setMaxListeners(0, controller.signal);
  const forward = () => controller.abort(outer?.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener('abort', forward, { once: true });
  try {
    return (await Promise.all(start(controller.signal))) as T;
  } catch (err) {
    controller.abort();
    throw err;
  } finally {
    outer?.removeEventListener('abort', forward);
  }
}
