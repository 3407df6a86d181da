// The `leash` command line: each command lives in its own module and registers itself here.
import { Command, CommanderError } from 'commander';
import { InputError } from '../util/read-input';
import { EXIT_INPUT } from './exit-codes';
import { processIo, type CliContext, type CliIo } from './context';
import { toolVersion } from './version';
import { commandWord } from './command-word';
import { terminalText } from '../audit/report/terminal-text';

export { memoryIo, processIo, type CliContext, type CliIo } from './context';

type RegisterCommand = (program: Command, context: CliContext) => void;

/**
 * Every command by name, in the order help lists them. Each module is loaded only when needed: a run of one
 * command registers that command alone (its module and what it imports at the top, not the other eight's),
 * anything else (help, the version, no or an unknown command) registers them all.
 */
const COMMANDS: readonly (readonly [name: string, load: () => Promise<RegisterCommand>])[] = [
  ['catalog', async () => (await import('./catalog-command')).registerCatalogCommand],
  ['validate', async () => (await import('./validate-command')).registerValidateCommand],
  ['snapshot', async () => (await import('./snapshot-command')).registerSnapshotCommand],
  ['audit', async () => (await import('./audit-command')).registerAuditCommand],
  ['check', async () => (await import('./check-command')).registerCheckCommand],
  ['generate', async () => (await import('./generate-command')).registerGenerateCommand],
  ['stack-policy', async () => (await import('./stack-policy-command')).registerStackPolicyCommand],
  ['explain', async () => (await import('./explain-command')).registerExplainCommand],
  ['paths', async () => (await import('./paths-command')).registerPathsCommand],
];

/** The commands `argv` needs: the one it names (command-word.ts), or all. */
export function commandsFor(argv: readonly string[]): readonly string[] {
  const word = commandWord(argv);
  const named = COMMANDS.find(([name]) => name === word);
  return named ? [named[0]] : COMMANDS.map(([name]) => name);
}

/** The program with the named commands (default: all). */
export async function buildProgram(
  context: CliContext,
  names: readonly string[] = COMMANDS.map(([name]) => name),
): Promise<Command> {
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
  const registers = await Promise.all(COMMANDS.filter(([name]) => names.includes(name)).map(([, load]) => load()));
  for (const register of registers) register(program, context);
  return program;
}

/** Run the CLI; resolves to the exit code. Input problems print one clear message, never a stack trace. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const context: CliContext = { io, exitCode: 0 };
  const program = await buildProgram(context, commandsFor(argv));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return context.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : EXIT_INPUT;
    }
    if (err instanceof InputError) {
      // An input error quotes names from the input (a principal, a file): shown, never run, by the terminal.
      io.stderr(`leash: ${err.message.split('\n').map(terminalText).join('\n')}\n`);
      return EXIT_INPUT;
    }
    throw err;
  }
}
