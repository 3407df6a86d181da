// What the live commands (audit, snapshot) share: a progress bar on terminals, and Ctrl-C that stops cleanly.
import { setMaxListeners } from 'node:events';
import type { LiveAuditInterrupted } from '../audit/sources/live-input';
import type { CliIo } from './context';

/** Exit code after Ctrl-C, as shells report a process ended by SIGINT. */
export const EXIT_INTERRUPTED = 130;

/**
 * A one-line progress bar on stderr, drawn only on a terminal (never in CI logs or piped output).
 * `update` redraws; `finish` clears the line so the next message starts clean.
 */
export function progressBar(io: CliIo, what: string) {
  const width = 24;
  let drawn = false;
  return {
    update(done: number, total: number, label?: string) {
      if (!io.interactive || total <= 0) return;
      const filled = Math.round((Math.min(done, total) / total) * width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      const tail = label ? ` ${label}` : '';
      io.stderr(`\r\x1b[2K${what} ${bar} ${done}/${total}${tail}`.slice(0, 200));
      drawn = true;
    },
    finish() {
      if (drawn) io.stderr('\r\x1b[2K');
      drawn = false;
    },
  };
}

/**
 * Ctrl-C aborts the returned signal (the SDK cancels requests in flight); a second Ctrl-C falls through to
 * Node's default and ends the process at once. Call `dispose` when the read is over.
 */
export function interruptOnSigint(
  io: CliIo,
  command: string,
  beforeMessage?: () => void,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  // One signal is shared by every request in flight (concurrency × retries), each adding a listener.
  setMaxListeners(0, controller.signal);
  const onSigint = () => {
    beforeMessage?.();
    io.stderr(`leash ${command}: interrupted, stopping (Ctrl-C again to quit at once)\n`);
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.removeListener('SIGINT', onSigint) };
}

/** The line printed after an interrupted live read. */
export function describeInterruption(err: LiveAuditInterrupted): string {
  const { accounts, notAudited, total } = err.partial;
  return total > 0
    ? `interrupted after reading ${accounts.length} and failing ${notAudited.length} of ${total} accounts`
    : 'interrupted before any account was read';
}
