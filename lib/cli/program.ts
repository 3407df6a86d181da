// The `leash` command line: each command lives in its own module and registers itself here.
import { Command, CommanderError } from 'commander';
import { InputError } from '../util/read-input';
import { registerAuditCommand } from './audit-command';
import { registerCatalogCommand } from './catalog-command';
import { registerCheckCommand } from './check-command';
import { registerExplainCommand } from './explain-command';
import { registerGenerateCommand } from './generate-command';
import { EXIT_INPUT } from './exit-codes';
import { registerSnapshotCommand } from './snapshot-command';
import { registerStackPolicyCommand } from './stack-policy-command';
import { registerValidateCommand } from './validate-command';

/** What a command may touch of the terminal; tests pass their own to capture output. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is a terminal (progress bars only then). */
  readonly interactive: boolean;
}

/** Handed to every command's `register` function; a command sets `exitCode` instead of calling exit. */
export interface CliContext {
  readonly io: CliIo;
  exitCode: number;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
};

export function buildProgram(context: CliContext): Command {
  const program = new Command('leash')
    .description('Keep AI agents, pipelines and people from deleting or recreating production AWS resources.')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.io.stdout(text),
      writeErr: (text) => context.io.stderr(text),
    });
  // Commands register here, one line each.
  registerCatalogCommand(program, context);
  registerValidateCommand(program, context);
  registerSnapshotCommand(program, context);
  registerAuditCommand(program, context);
  registerCheckCommand(program, context);
  registerGenerateCommand(program, context);
  registerStackPolicyCommand(program, context);
  registerExplainCommand(program, context);
  void program;
  return program;
}

/** Run the CLI; resolves to the exit code. Input problems print one clear message, never a stack trace. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const context: CliContext = { io, exitCode: 0 };
  const program = buildProgram(context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return context.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : EXIT_INPUT;
    }
    if (err instanceof InputError) {
      io.stderr(`leash: ${err.message}\n`);
      return EXIT_INPUT;
    }
    throw err;
  }
}

/** Collects output in memory, for tests. */
export function memoryIo(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    interactive: false,
    stdout(text: string) {
      io.out += text;
    },
    stderr(text: string) {
      io.err += text;
    },
  };
  return io;
}
