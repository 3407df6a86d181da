// The `leash` command line: each command lives in its own module and registers itself here.
import { Command, CommanderError } from 'commander';
import { InputError } from '../util/read-input';
import { registerAuditCommand } from './audit-command';
import { registerCatalogCommand } from './catalog-command';
import { registerCheckCommand } from './check-command';
import { registerExplainCommand } from './explain-command';
import { registerGenerateCommand } from './generate-command';
import { registerPathsCommand } from './paths-command';
import { EXIT_INPUT } from './exit-codes';
import { registerSnapshotCommand } from './snapshot-command';
import { registerStackPolicyCommand } from './stack-policy-command';
import { registerValidateCommand } from './validate-command';
import { processIo, type CliContext, type CliIo } from './context';
import { toolVersion } from './version';

export { memoryIo, processIo, type CliContext, type CliIo } from './context';

export function buildProgram(context: CliContext): Command {
  const program = new Command('leash')
    .description('Keep AI agents, pipelines and people from deleting or recreating production AWS resources.')
    .version(toolVersion(), '--version', 'print the version of leash')
    .option('--quiet', 'no notes on stderr (what was written, progress); errors are still printed')
    .hook('preAction', (command) => {
      if (command.opts().quiet) context.quiet = true;
    })
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
  registerPathsCommand(program, context);
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
