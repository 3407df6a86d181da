// `leash generate`: write the agent boundary, the SCPs, the RCPs and the coverage report for a guardrail
// spec (leash.config.json `guardrails`, or the documented defaults) into a directory.
import { Option, type Command } from 'commander';
import type { CoverageFormat, GeneratedGuardrails } from '../guardrails';
import { renderCoverage } from '../guardrails/coverage-render';
import { InputError } from '../util/read-input';
import type { CliContext } from './context';
import { OWNED_FILE_NAMES, replaceGeneratedSet } from './generated-set';
import { toolVersion } from './version';
import { warnConfigDoubts } from './config-doubts';

export interface GenerateCommandOptions {
  readonly config?: string;
  readonly out: string;
  /** `html`: the coverage report as one self-contained page on stdout. */
  readonly format: CoverageFormat | 'html';
}

/** The files `generate` writes, by name, with their exact contents. */
export function guardrailFiles(generated: GeneratedGuardrails): Map<string, string> {
  const files = new Map<string, string>();
  // Minified and without a trailing newline: AWS Organizations counts every character of an SCP/RCP, and the
  // reported sizes are those of these exact bytes (`--content file://scp-1.json`).
  files.set('boundary.json', JSON.stringify(generated.boundary.document));
  generated.serviceControlPolicies.forEach((p, i) => files.set(`scp-${i + 1}.json`, JSON.stringify(p.document)));
  generated.resourceControlPolicies.forEach((p, i) => files.set(`rcp-${i + 1}.json`, JSON.stringify(p.document)));
  files.set('placement.json', `${JSON.stringify(placementFile(generated), null, 2)}\n`);
  files.set('coverage.json', renderCoverage(generated.coverage, 'json'));
  files.set('coverage.md', renderCoverage(generated.coverage, 'markdown'));
  return files;
}

/** Which file is attached where: the plan docs/deploy.md explains, and what the CDK app attaches itself. */
export function placementFile(generated: GeneratedGuardrails): Record<string, unknown> {
  const file = (prefix: 'scp' | 'rcp', policies: readonly { name: string }[], name: string): string =>
    `${prefix}-${policies.findIndex((p) => p.name === name) + 1}.json`;
  return {
    levels: generated.placement.levels.map((level) => ({
      level: level.level,
      attachTo:
        level.level === 'root'
          ? 'the organization root'
          : level.level === 'organizational-unit'
            ? 'every production OU'
            : 'every production account, one by one',
      freeServiceControlPolicySlots: level.freeServiceControlPolicySlots,
      freeResourceControlPolicySlots: level.freeResourceControlPolicySlots,
      serviceControlPolicies: level.serviceControlPolicies.map((n) => file('scp', generated.serviceControlPolicies, n)),
      resourceControlPolicies: level.resourceControlPolicies.map((n) =>
        file('rcp', generated.resourceControlPolicies, n),
      ),
    })),
    note:
      'The guardrails are complete only for an account under every level that has files: the root, one of the ' +
      'production OUs, and (when the account level has files) the account itself.',
  };
}

export async function runGenerate(options: GenerateCommandOptions, context: CliContext): Promise<void> {
  // Loaded when the command runs, so `leash --help` does not pay for the generators or the config schema.
  const [{ generateGuardrails, GuardrailSizeError, GuardrailSpecError }, { loadConfigFile }] = await Promise.all([
    import('../guardrails'),
    import('../config/load'),
  ]);
  const config = loadConfigFile(options.config);
  warnConfigDoubts(config, options.config, context);
  let generated: GeneratedGuardrails;
  try {
    generated = generateGuardrails(config.guardrails);
  } catch (err) {
    if (err instanceof GuardrailSpecError || err instanceof GuardrailSizeError) {
      const where = options.config ? `${options.config}: guardrails` : 'default guardrail spec';
      throw new InputError(`${where}: ${err.message.split('\n').join(`\n${where}: `)}`);
    }
    throw err;
  }
  const files = guardrailFiles(generated);
  replaceGeneratedSet(options.out, files, [options.config]);
  const [{ allowlistedDeletions }, { loadCatalog }] = await Promise.all([
    import('../guardrails/agent-config'),
    import('../catalog'),
  ]);
  const deletions = allowlistedDeletions(config.guardrails, loadCatalog());
  if (deletions.length > 0) {
    context.io.stderr(
      `leash generate: agents.productionWriteAllowlist lets agents delete or recreate production resources with ` +
        `${deletions.length} action(s): ${deletions.slice(0, 10).join(', ')}${deletions.length > 10 ? ', ...' : ''}\n`,
    );
  }
  if (options.format === 'html') {
    const { renderCoverageHtml } = await import('../audit/report/html');
    context.io.stdout(renderCoverageHtml(generated.coverage, { name: 'leash generate', version: toolVersion() }));
  } else {
    context.io.stdout(renderCoverage(generated.coverage, options.format));
  }
  if (options.format === 'table') {
    context.io.stdout(`Wrote ${[...files.keys()].join(', ')} to ${options.out}\n`);
  }
}

export function registerGenerateCommand(program: Command, context: CliContext): void {
  program
    .command('generate')
    .description(
      'Generate the agent permissions boundary, the production SCPs and RCPs and a coverage report from the guardrail spec (leash.config.json "guardrails", or the defaults: production = tag environment in production/prod).',
    )
    .option('--config <file>', 'leash.config.json (default: the documented defaults)')
    .option(
      '--out <dir>',
      `directory of the generated files; generate owns only ${OWNED_FILE_NAMES} there: it replaces them as a set (stale scp-<n>/rcp-<n> of a larger set are removed) and never touches other files`,
      'leash-guardrails',
    )
    .addOption(
      new Option('--format <format>', 'coverage report printed to stdout (html: one page to save and open)')
        .choices(['table', 'json', 'markdown', 'html'])
        .default('table'),
    )
    .action(async (options: GenerateCommandOptions) => {
      await runGenerate(options, context);
    });
}
