// `leash paths`: registration only; the command's work (the access graph and everything it needs) is in
// paths-run.ts and loads when the command runs, so `leash --help` and the other commands never pay for it.
import type { Command } from 'commander';
import type { CliContext } from './context';
import { PATH_FORMATS, type PathsCommandOptions } from './paths-options';

export function registerPathsCommand(program: Command, context: CliContext): void {
  program
    .command('paths')
    .description(
      'The shortest way a principal gets to act as one that can delete production, change the production tag, raise its own permissions, or as one named principal: each hop (assume role, pass role to a service, run code on compute, take credentials, rewrite a trust) with the statements behind it. Exits 1 when a path exists.',
    )
    .argument('<principal>', 'ARN of the role or user to start from, or its name when no other principal has it')
    .requiredOption('--input <file...>', 'authorization details, account snapshot or organization snapshot files')
    .option('--scp <file...>', 'SCP chain: policy documents, or one JSON array of levels from the root down')
    .option('--rcp <file...>', 'RCP chain, same format as --scp')
    .option('--config <file>', 'leash.config.json (what counts as production)')
    .option(
      '--to <goal>',
      'production-destruction, tag-change, disarm, admin, or a principal (ARN, or a name no other principal has)',
      'production-destruction',
    )
    .option('--format <format>', `output format: ${PATH_FORMATS.join(', ')}`, 'text')
    .option('--certain', 'only hops that are allowed for certain (no conditions, nothing the snapshot cannot show)')
    .action(async (principalArn: string, options: PathsCommandOptions) => {
      const { runPaths } = await import('./paths-run');
      await runPaths(principalArn, options, context);
    });
}
