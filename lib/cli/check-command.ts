// `leash check`: the CI gate on what `cdk synth` produces. Runs the audit rules on the IAM in the templates
// and, with --baseline, fails on deletions or replacements of stateful or production resources.
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { REPORT_FORMATS, type ReportFormat } from '../audit/report/types';
import { SEVERITIES, type Severity } from '../audit/rules/types';
import type { GitHubEnvironment } from '../check/github-reviews';
import type { ApprovalVerification } from '../check/review-rules';
import { readJsonFile } from '../util/read-input';
import { loadConfigFile } from './audit-command';
import { EXIT_FINDINGS, EXIT_OK } from './exit-codes';
import type { CliContext } from './program';
import { warnOfSarifLimit, writeReportToFile, writeReportToStdout } from './write-report';

export interface CheckCommandOptions {
  readonly baseline?: string[];
  readonly config?: string;
  readonly format: ReportFormat;
  readonly output?: string;
  readonly failOn: Severity | 'none';
  readonly verifyApprovals?: 'github';
  readonly changeSet?: string[];
}

export async function runCheckCommand(
  inputs: readonly string[],
  options: CheckCommandOptions,
  context: CliContext,
  env: GitHubEnvironment = process.env,
): Promise<void> {
  // Loaded when the command runs: `leash --help` and the other commands never pay for YAML, the template
  // diff or the engine.
  const [{ reportChunks }, { loadCatalog }, { checkReportInput, failsAt, runCheck }, { checkSarifChunks }] =
    await Promise.all([
      import('../audit/report'),
      import('../catalog'),
      import('../check/check'),
      import('../check/sarif-regions'),
    ]);
  const config = await loadConfigFile(options.config);
  let verification: ApprovalVerification | undefined;
  if (options.verifyApprovals === 'github') {
    const { verifyWithGitHub } = await import('../check/github-reviews');
    const approvers = config.suppressions.flatMap((suppression) => suppression.approvedBy);
    verification = await verifyWithGitHub(approvers, env);
    if ('error' in verification) {
      context.io.stderr(`leash check: approvals could not be verified, so none counts: ${verification.error}\n`);
    }
  }
  const result = runCheck(
    inputs,
    options.baseline,
    { config, catalog: loadCatalog(), now: new Date(), verification },
    options.changeSet ?? [],
  );
  const input = checkReportInput(result, { name: 'leash check', version: packageVersion() });
  const report =
    options.format === 'sarif' ? checkSarifChunks(input, result.stacks) : reportChunks(input, options.format);
  if (options.format === 'sarif') warnOfSarifLimit(context.io, 'check', input.findings);
  if (options.output) {
    writeReportToFile(options.output, report);
    const open = result.findings.filter((finding) => !finding.suppressed).length;
    context.io.stderr(
      `leash check: wrote ${options.output} (${options.format}): ${result.stacks.length} template(s), ${open} finding(s)\n`,
    );
  } else {
    writeReportToStdout(context.io, report);
  }
  context.exitCode = options.failOn !== 'none' && failsAt(result.findings, options.failOn) ? EXIT_FINDINGS : EXIT_OK;
}

function packageVersion(): string {
  // Sources run from lib/cli, the build from dist/lib/cli: package.json is two or three levels up.
  for (const file of [join(__dirname, '..', '..', 'package.json'), join(__dirname, '..', '..', '..', 'package.json')]) {
    try {
      const manifest = readJsonFile(file) as { name?: unknown; version?: unknown };
      if (manifest.name === 'agent-leash' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // not here; try the next
    }
  }
  return '0.0.0';
}

export function registerCheckCommand(program: Command, context: CliContext): void {
  program
    .command('check')
    .description(
      'Check what `cdk synth` produced before it is deployed: the audit rules on the IAM in the templates, and with --baseline the deletions and replacements of stateful or production resources. Offline.',
    )
    .argument(
      '[templates...]',
      'a cdk.out directory (stacks, nested stacks, stages), template directories, or template files (JSON or YAML)',
    )
    .option(
      '--baseline <paths...>',
      'what is deployed now: a previous cdk.out, or templates saved with `aws cloudformation get-template` (file name = stack name)',
    )
    .option(
      '--change-set <files...>',
      'the JSON of `aws cloudformation describe-change-set` (every page, and the nested change sets): gates Remove and Replacement True|Conditional of stateful or production resources',
    )
    .option('--config <file>', 'leash.config.json (production tags, suppressions with approvers)')
    .addOption(new Option('--format <format>', 'report format').choices([...REPORT_FORMATS]).default('table'))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity')
        .choices([...SEVERITIES, 'none'])
        .default('high'),
    )
    .addOption(
      new Option(
        '--verify-approvals <source>',
        "count a name in a suppression's approvedBy only if that person approved the pull request's current head (GitHub Actions: GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_TOKEN)",
      ).choices(['github']),
    )
    .action(async (templates: string[], options: CheckCommandOptions) => {
      await runCheckCommand(templates, options, context);
    });
}
