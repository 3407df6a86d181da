#!/usr/bin/env node
// Entry point of the `leash` CLI.
import { installCompileCache } from '../lib/cli/compile-cache';
import { applyCompilerSettings } from '../lib/cli/compiler-settings';
import { EXIT_PIPE_CLOSED } from '../lib/cli/exit-codes';
import { workloadOf } from '../lib/cli/workload';

// First the compiler settings for the run the arguments ask for (V8's code cache is keyed by them), then the
// cache of those settings, so every module the command loads after this comes from V8's code cache when it can.
installCompileCache(applyCompilerSettings(workloadOf(process.argv.slice(2))));

// `leash audit | head`: once the reader is gone there is nobody to tell, so stop quietly with the status a
// process ended by SIGPIPE has (128 + 13), as `yes | head` does, instead of a stack trace and exit 1.
const onStreamError = (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(EXIT_PIPE_CLOSED);
  throw err;
};
process.stdout.on('error', onStreamError);
process.stderr.on('error', onStreamError);

import('../lib/cli/program')
  .then(({ runCli }) => runCli(process.argv.slice(2)))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      if ((err as NodeJS.ErrnoException)?.code === 'EPIPE') process.exit(EXIT_PIPE_CLOSED);
      process.stderr.write(
        `leash: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = 70;
    },
  );
