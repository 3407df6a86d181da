// `leash check`: the CI gate on what `cdk synth` produces. Runs the audit rules on the IAM in the templates
// and, with --baseline, fails on deletions or replacements of stateful or production resources.
import { type Command, Option } from 'commander';
import { REPORT_FORMATS, type ReportFormat } from '../audit/report/types';
import { SEVERITIES, type Severity } from '../audit/rules/types';
import type { GitHubEnvironment } from '../check/github-reviews';
import type { ApprovalVerification } from '../check/review-rules';
import type { DeployedAccount } from '../audit/sources/templates';
import { EXIT_FINDINGS, EXIT_OK } from './exit-codes';
import { refuseOutputThatIsInput } from './atomic-file';
import type { CliContext } from './context';
import { refuseDuplicates } from './usage';
import { InputError } from '../util/read-input';
import { formatsOf } from './audit-command';
import { checkDestination, formatList, writeReports } from './report-outputs';
import { toolVersion } from './version';
import { warnOfSarifLimit } from './write-report';
import { warnConfigDoubts } from './config-doubts';

/** ASFF needs an AWS account per finding; template findings have none, so check does not offer it. */
const CHECK_FORMATS = REPORT_FORMATS.filter((format) => format !== 'asff');

export interface CheckCommandOptions {
  readonly baseline?: string[];
  readonly config?: string;
  /** The base branch's leash.config.json: the gate judges by the production definition of both. */
  readonly baselineConfig?: string;
  /** One format, or several with outputDir. */
  readonly format: ReportFormat | readonly ReportFormat[];
  readonly output?: string;
  readonly outputDir?: string;
  readonly failOn: Severity | 'none';
  readonly verifyApprovals?: 'github';
  readonly changeSet?: string[];
  readonly summary?: boolean;
  /** The deployed account's IAM (get-account-authorization-details or an account snapshot). */
  readonly account?: string;
}

export async function runCheckCommand(
  inputs: readonly string[],
  options: CheckCommandOptions,
  context: CliContext,
  env: GitHubEnvironment = process.env,
): Promise<void> {
  const formats = formatsOf(options.format);
  checkDestination('leash check', { formats, output: options.output, outputDir: options.outputDir });
  refuseDuplicates(inputs, 'template');
  refuseDuplicates(options.baseline ?? [], '--baseline');
  refuseDuplicates(options.changeSet ?? [], '--change-set');
  if (options.summary && (formats.length > 1 || formats[0] !== 'table' || options.outputDir)) {
    throw new InputError(
      `--summary: only with --format table (a ${formats.join(', ')} report is for tools; it is always whole)`,
    );
  }
  // Loaded when the command runs: `leash --help` and the other commands never pay for YAML, the template
  // diff, the config schema or the engine.
  const [
    { reportChunks },
    { summaryChunks },
    { loadCatalog },
    { checkReportInput, failsAt, runCheck },
    { checkSarifChunks },
    { loadConfigFile },
    { gateConfig, weakenedSince, widenedSince },
    deployed,
  ] = await Promise.all([
    import('../audit/report/render'),
    import('../audit/report/summary'),
    import('../catalog'),
    import('../check/check'),
    import('../check/sarif-regions'),
    import('../config/load'),
    import('../check/baseline-config'),
    options.account === undefined ? undefined : deployedAccount(options.account),
  ]);
  const head = loadConfigFile(options.config);
  const base = options.baselineConfig ? loadConfigFile(options.baselineConfig) : undefined;
  warnConfigDoubts(head, options.config, context);
  const config = base ? gateConfig(base, head) : head;
  const weakened = base ? weakenedSince(base, head) : [];
  for (const line of weakened) {
    context.io.stderr(
      `leash check: the pull request's config drops from the base branch's ${line}; judged with both\n`,
    );
  }
  const widened = base ? widenedSince(base, head) : [];
  for (const line of widened) {
    context.io.stderr(
      `leash check: the pull request's config adds to the base branch's ${line}; judged without it until merged\n`,
    );
  }
  // Every file the command reads: no report may be written over one.
  const givenFiles = [
    ...inputs,
    ...(options.baseline ?? []),
    ...(options.changeSet ?? []),
    options.config,
    options.baselineConfig,
    options.account,
  ];
  if (options.output) {
    refuseOutputThatIsInput(options.output, givenFiles, '--output');
  }
  let verification: ApprovalVerification | undefined;
  if (options.verifyApprovals === 'github') {
    const { verifyWithGitHub } = await import('../check/github-reviews');
    const approvers = config.suppressions.flatMap((suppression) => suppression.approvedBy);
    verification = await verifyWithGitHub(approvers, env);
    if ('error' in verification) {
      context.io.stderr(`leash check: approvals could not be verified, so none counts: ${verification.error}\n`);
    }
  } else if (config.suppressions.some((suppression) => suppression.approvedBy.length > 0)) {
    const { unverifiedPullRequestRun } = await import('../check/review-rules');
    verification = unverifiedPullRequestRun(env);
    if (verification && 'error' in verification) {
      context.io.stderr(`leash check: approvals are not taken as written, so none counts: ${verification.error}\n`);
    }
  }
  const catalog = loadCatalog();
  // What `leash generate` would refuse in the guardrails (as the audit does): said, never read in silence.
  const { checkGuardrailSpec } = await import('../guardrails');
  const configProblems = checkGuardrailSpec(config.guardrails, catalog).map(
    (problem) =>
      `${options.config ?? 'the default config'}: guardrails: ${problem} (leash generate refuses this config; the gate read it as written)`,
  );
  for (const line of configProblems) context.io.stderr(`leash check: ${line}\n`);
  const checked = runCheck(
    inputs,
    options.baseline,
    {
      config,
      catalog,
      now: new Date(),
      verification,
      agentBoundaryNames: base ? [base.guardrails.agents.boundaryPolicyName] : [],
      ...(base ? { baseSuppressions: base.suppressions } : {}),
      ...(deployed ? { deployed } : {}),
    },
    options.changeSet ?? [],
  );
  const extraCaveats = [
    ...configProblems,
    ...weakened.map(
      (line) =>
        `The pull request's config drops from the base branch's ${line}: the gate judged with both, so what either calls production is production.`,
    ),
    ...widened.map(
      (line) =>
        `The pull request's config adds to the base branch's ${line}: the gate judged without it, since a pull request cannot loosen the guardrails it is judged by.`,
    ),
  ];
  const result = extraCaveats.length > 0 ? { ...checked, caveats: [...checked.caveats, ...extraCaveats] } : checked;
  const input = checkReportInput(result, { name: 'leash check', version: toolVersion() });
  if (formats.includes('sarif')) warnOfSarifLimit(context.io, 'check', input.findings);
  writeReports(
    context.io,
    'check',
    input,
    {
      formats,
      output: options.output,
      outputDir: options.outputDir,
      inputs: givenFiles,
      quiet: context.quiet,
    },
    (format) =>
      format === 'sarif'
        ? checkSarifChunks(input, result.stacks)
        : options.summary
          ? summaryChunks(input)
          : reportChunks(input, format),
  );
  context.exitCode = options.failOn !== 'none' && failsAt(result.findings, options.failOn) ? EXIT_FINDINGS : EXIT_OK;
}

/** `--account`: one account's IAM as saved, for the customer managed policies the templates only name. */
async function deployedAccount(file: string): Promise<DeployedAccount> {
  const { loadInputFile } = await import('../audit/sources');
  let accounts;
  try {
    ({ accounts } = loadInputFile(file));
  } catch (err) {
    // Said as the option's problem: the generic message would suggest `leash check` for a template.
    if (err instanceof InputError) throw new InputError(`--account: ${err.message.replace(/; this is a .*$/s, '')}`);
    throw err;
  }
  if (accounts.length !== 1) {
    throw new InputError(`--account ${file}: expected one account (authorization details or an account snapshot)`);
  }
  const [account] = accounts;
  return {
    file,
    accountId: account.accountId,
    policies: account.managedPolicies,
    principals: account.principals,
    problems: account.problems,
  };
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
    .option(
      '--account <file>',
      "the deployed account's IAM (`aws iam get-account-authorization-details` output or a leash snapshot): customer managed policies, roles and users the templates only name are judged as deployed there",
    )
    .option(
      '--baseline-config <file>',
      "the base branch's leash.config.json: production tags and agent logins of both configs count, agents are recognised by its agent tag, and a suppression the pull request adds needs two approvers, so a pull request cannot loosen the gate for its own change",
    )
    .addOption(
      new Option(
        '--format <formats>',
        `report format, or several comma-separated with --output-dir: ${CHECK_FORMATS.join(', ')}`,
      )
        .argParser(formatList(CHECK_FORMATS))
        .default(['table'], 'table'),
    )
    .option('--output <file>', 'write the report to a file instead of stdout (atomically; never over an input)')
    .option('--output-dir <dir>', 'write one report per format there (leash-check.<ext>); the terminal shows a summary')
    .option('--summary', 'table format: counts by severity and rule and the worst resources, not every finding')
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
