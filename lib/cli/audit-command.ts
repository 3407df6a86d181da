// `leash audit`: who can delete or recreate production, who can escalate, which guardrails leak. Reads saved
// inputs (--input) or the live account / organization, runs the rule pack, prints or writes one report.
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { AuditResult } from '../audit/audit';
import { severityRank } from '../audit/report/common';
import { REPORT_FORMATS, type ReportFormat } from '../audit/report/types';
import { SEVERITIES, type Severity } from '../audit/rules/types';
import type { AuditInput } from '../audit/sources';
import type { Catalog } from '../catalog/types';
import type { LeashConfig } from '../config/schema';
import { InputError } from '../util/read-input';
import { EXIT_FINDINGS, EXIT_OK } from './exit-codes';
import { refuseOutputThatIsInput } from './atomic-file';
import type { CliContext } from './context';
import { refuseDuplicates, refuseFlags } from './usage';
import { describeInterruption, EXIT_INTERRUPTED, interruptOnSigint, progressBar } from './live-read';
import { toolVersion } from './version';
import { checkDestination, formatList, writeReports } from './report-outputs';
import { warnOfSarifLimit } from './write-report';
import { warnConfigDoubts } from './config-doubts';

export interface AuditCommandOptions {
  readonly input?: string[];
  readonly scp?: string[];
  readonly rcp?: string[];
  readonly org?: boolean;
  readonly profile?: string;
  readonly region?: string;
  readonly roleName?: string;
  readonly concurrency?: number;
  readonly config?: string;
  /** One format, or several with outputDir. */
  readonly format: ReportFormat | readonly ReportFormat[];
  readonly output?: string;
  readonly outputDir?: string;
  /** ASFF: region of the Security Hub the findings go to. @default AWS_REGION, then AWS_DEFAULT_REGION */
  readonly securityHubRegion?: string;
  readonly failOn: Severity | 'none';
  readonly summary?: boolean;
  /** Threads to audit a large account on (this one and threads - 1 workers). @default 1 */
  readonly threads?: number;
}

/** `--format` as a list, whether commander parsed it or a caller passed one format. */
export function formatsOf(format: ReportFormat | readonly ReportFormat[]): readonly ReportFormat[] {
  return typeof format === 'string' ? [format] : format;
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new InvalidArgumentError(`expected a whole number of at least 1, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

/** Exit code: 1 when an unsuppressed finding is at or above the threshold, or when the audit is partial. */
export function auditExitCode(results: readonly AuditResult[], input: AuditInput, failOn: Severity | 'none'): number {
  if (input.notAudited.length > 0) return EXIT_FINDINGS;
  if (failOn === 'none') return EXIT_OK;
  const threshold = severityRank(failOn);
  const failing = results.some((r) => r.findings.some((f) => !f.suppressed && severityRank(f.severity) <= threshold));
  return failing ? EXIT_FINDINGS : EXIT_OK;
}

/** Usage errors (exit 2) before any work: flags that would be silently ignored, an input given twice. */
export function checkAuditUsage(options: AuditCommandOptions): void {
  if (options.input && options.input.length > 0) {
    refuseFlags(
      options as unknown as Record<string, unknown>,
      [
        ['org', '--org'],
        ['profile', '--profile'],
        ['region', '--region'],
        ['roleName', '--role-name'],
        ['concurrency', '--concurrency'],
      ],
      'only for a live audit; with --input the files are audited (leave these out, or drop --input)',
    );
    refuseDuplicates(options.input, '--input');
  } else if (options.roleName !== undefined && !options.org) {
    throw new InputError('--role-name: only with --org (the role assumed in each member account)');
  } else if (options.concurrency !== undefined && !options.org) {
    throw new InputError('--concurrency: only with --org (member accounts read at the same time)');
  }
  refuseDuplicates(options.scp ?? [], '--scp');
  refuseDuplicates(options.rcp ?? [], '--rcp');
  const formats = formatsOf(options.format);
  if (options.summary && (formats.length > 1 || formats[0] !== 'table' || options.outputDir)) {
    throw new InputError(
      `--summary: only with --format table (a ${formats.join(', ')} report is for tools; it is always whole)`,
    );
  }
}

/**
 * What `leash generate` would refuse in the config's guardrails (an ARN pattern the proof cannot check, an
 * exemption that names one session): the audit still reads them as AWS would (a single-session exemption
 * matches nobody), and says so on stderr and in every report, so a config that cannot be deployed is never
 * audited in silence.
 */
async function guardrailConfigCaveats(config: LeashConfig, file: string, catalog: Catalog): Promise<string[]> {
  const { checkGuardrailSpec } = await import('../guardrails');
  return checkGuardrailSpec(config.guardrails, catalog).map(
    (problem) =>
      `${file}: guardrails: ${problem} (leash generate refuses this config; the audit read it as written, as AWS would)`,
  );
}

export async function runAudit(options: AuditCommandOptions, context: CliContext): Promise<void> {
  const { io } = context;
  const formats = formatsOf(options.format);
  const securityHubRegion = options.securityHubRegion ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  // Usage errors before the (possibly long) audit.
  checkDestination('leash audit', { formats, output: options.output, outputDir: options.outputDir });
  checkAuditUsage(options);
  // Loaded here, not at the top: `leash --help` and the other commands never pay for the engine, nor an
  // audit of saved files for the AWS SDK (aws-clients and live-input load it only when a live read runs).
  const [
    { auditAccountInParallel },
    { reportChunks },
    { auditReportInput },
    { AsffError, checkAsffInput },
    { summaryChunks },
    { loadAuditInput },
    { loadCatalog },
    { CompileCache },
    { loadConfigFile },
    { organizationAuditContext },
  ] = await Promise.all([
    import('../audit/parallel-audit'),
    import('../audit/report/render'),
    import('../audit/report/input'),
    import('../audit/report/asff'),
    import('../audit/report/summary'),
    import('../audit/sources'),
    import('../catalog'),
    import('../audit/evaluate/compile-account'),
    import('../config/load'),
    import('../audit/organization-audit'),
  ]);
  const config = loadConfigFile(options.config);
  warnConfigDoubts(config, options.config, context);
  if (options.output) {
    refuseOutputThatIsInput(
      options.output,
      [...(options.input ?? []), ...(options.scp ?? []), ...(options.rcp ?? []), options.config],
      '--output',
    );
  }
  const progress = progressBar(context.quiet ? { ...io, interactive: false } : io, 'accounts');
  const live = !options.input || options.input.length === 0;
  const interrupt = live ? interruptOnSigint(io, 'audit', () => progress.finish()) : undefined;
  let input: AuditInput;
  try {
    input = await loadAuditInput({
      input: options.input,
      scp: options.scp,
      rcp: options.rcp,
      org: options.org,
      profile: options.profile,
      region: options.region,
      roleName: options.roleName,
      concurrency: options.concurrency,
      onProgress: (done, total) => progress.update(done, total),
      signal: interrupt?.signal,
    });
  } catch (err) {
    if (err instanceof InputError || !live) throw err;
    const { LiveAuditInterrupted } = await import('../audit/sources/live-input');
    const { errorMessage } = await import('../audit/sources/aws-clients');
    if (err instanceof LiveAuditInterrupted) {
      io.stderr(`leash audit: ${describeInterruption(err)}\n`);
      context.exitCode = EXIT_INTERRUPTED;
      return;
    }
    // No credentials, no permission to read the organization, and the like: say what AWS said.
    throw new InputError(`audit: ${errorMessage(err)}`);
  } finally {
    progress.finish();
    interrupt?.dispose();
  }
  if (input.accounts.length === 0 && input.notAudited.length === 0) {
    throw new InputError('audit: nothing to audit: the input holds no account');
  }
  const catalog = loadCatalog();
  const configCaveats = options.config ? await guardrailConfigCaveats(config, options.config, catalog) : [];
  for (const caveat of configCaveats) io.stderr(`leash audit: ${caveat}\n`);
  const now = new Date();
  // Progress while analysing too (on a terminal): by account, and by rule within an account.
  const analysing = progressBar(context.quiet ? { ...io, interactive: false } : io, 'analysing');
  // One account at a time; a large one on several threads when asked (--threads), with the single-threaded result.
  // Accounts of one organization share their AWS managed policies and SCP levels: compiled once per run.
  const compileCache = input.accounts.length > 1 ? new CompileCache(catalog) : undefined;
  // Several accounts (an organization, or files audited together) share one access graph: paths cross
  // accounts, and an account's transitive findings may end at a principal of another one.
  const organization =
    input.accounts.length > 1
      ? organizationAuditContext(input.accounts, {
          catalog,
          config,
          now,
          compileCache,
          organizationOf: (accountId) => input.organizationIds?.[accountId],
        })
      : undefined;
  const results: AuditResult[] = [];
  for (const [index, snapshot] of input.accounts.entries()) {
    results.push(
      await auditAccountInParallel(snapshot, {
        catalog,
        config,
        now,
        compileCache,
        workers: (options.threads ?? 1) - 1,
        ...(organization
          ? {
              graph: organization.graph,
              organizationGoals: organization.organizationGoals,
              prepared: organization.preparedFor(snapshot),
            }
          : {}),
        onProgress: (done, total, rule) =>
          analysing.update(index * total + done, input.accounts.length * total, `${snapshot.accountId} ${rule}`),
      }),
    );
  }
  analysing.finish();
  const reportInput = auditReportInput(
    configCaveats.length > 0 ? results.map((r) => ({ ...r, caveats: [...r.caveats, ...configCaveats] })) : results,
    {
      tool: { name: 'leash audit', version: toolVersion() },
      notAudited: input.notAudited,
    },
  );
  let asff: { region: string; now: Date } | undefined;
  if (formats.includes('asff')) {
    try {
      asff = { region: checkAsffInput(reportInput, securityHubRegion), now };
    } catch (err) {
      if (err instanceof AsffError) throw new InputError(`audit: ${err.message}`);
      throw err;
    }
  }
  if (formats.includes('sarif')) warnOfSarifLimit(io, 'audit', reportInput.findings);
  writeReports(
    io,
    'audit',
    reportInput,
    {
      formats,
      output: options.output,
      outputDir: options.outputDir,
      inputs: [...(options.input ?? []), ...(options.scp ?? []), ...(options.rcp ?? []), options.config],
      quiet: context.quiet,
    },
    (format) => (options.summary ? summaryChunks(reportInput) : reportChunks(reportInput, format, { asff })),
  );
  context.exitCode = auditExitCode(results, input, options.failOn);
}

export function registerAuditCommand(program: Command, context: CliContext): void {
  program
    .command('audit')
    .description(
      'Audit who can delete or recreate production resources, escalate privileges or tamper with guardrails, from saved `get-account-authorization-details` / snapshot files (--input) or the live account. Read-only.',
    )
    .option(
      '--input <file...>',
      'authorization details, account snapshot or organization snapshot files (default: read the live account)',
    )
    .option(
      '--scp <file...>',
      'SCP chain: policy documents, or one JSON array of levels from the root down (see docs/audit.md)',
    )
    .option('--rcp <file...>', 'RCP chain, same format as --scp')
    .option('--org', 'live: audit every account of the organization')
    .option('--profile <name>', 'live: AWS profile')
    .option('--region <region>', 'live: region for STS')
    .option('--role-name <name>', 'live --org: read-only role assumed in each member account')
    .option('--concurrency <n>', 'live --org: member accounts read at the same time', positiveInteger)
    .option(
      '--threads <n>',
      'threads to audit a large account on (1,000 users and roles or more; same findings; pays only with more than two cores, see docs/audit.md)',
      positiveInteger,
    )
    .option('--config <file>', 'leash.config.json (production tags, exemptions, suppressions)')
    .addOption(
      new Option(
        '--format <formats>',
        `report format, or several comma-separated with --output-dir: ${REPORT_FORMATS.join(', ')}`,
      )
        .argParser(formatList(REPORT_FORMATS))
        .default(['table'], 'table'),
    )
    .option('--output <file>', 'write the report to a file instead of stdout (atomically; never over an input)')
    .option('--output-dir <dir>', 'write one report per format there (leash-audit.<ext>); the terminal shows a summary')
    .option(
      '--security-hub-region <region>',
      'asff: region of the Security Hub the findings are imported into (default: AWS_REGION)',
    )
    .option('--summary', 'table format: counts by severity and rule and the worst principals, not every finding')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity')
        .choices([...SEVERITIES, 'none'])
        .default('high'),
    )
    .action(async (options: AuditCommandOptions) => {
      await runAudit(options, context);
    });
}
