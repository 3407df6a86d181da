// `leash audit`: who can delete or recreate production, who can escalate, which guardrails leak. Reads saved
// inputs (--input) or the live account / organization, runs the rule pack, prints or writes one report.
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { AuditResult } from '../audit/audit';
import { severityRank } from '../audit/report/common';
import { REPORT_FORMATS, type ReportFormat } from '../audit/report/types';
import { SEVERITIES, type Severity } from '../audit/rules/types';
import type { AuditInput } from '../audit/sources';
import type { LeashConfig } from '../config/schema';
import { formatZodIssues, InputError, readJsonFile } from '../util/read-input';
import { EXIT_FINDINGS, EXIT_OK } from './exit-codes';
import type { CliContext } from './program';
import { describeInterruption, EXIT_INTERRUPTED, interruptOnSigint, progressBar } from './live-read';
import { warnOfSarifLimit, writeReportToFile, writeReportToStdout } from './write-report';

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
  readonly format: ReportFormat;
  readonly output?: string;
  readonly failOn: Severity | 'none';
}

/**
 * Read and validate leash.config.json; errors name the file and the JSON path. Asynchronous only so the
 * schema (zod) loads when a command runs, not when `leash --help` lists the commands.
 */
export async function loadConfigFile(file: string | undefined): Promise<LeashConfig> {
  const { LeashConfig } = await import('../config/schema');
  if (!file) return LeashConfig.parse({});
  const parsed = LeashConfig.safeParse(readJsonFile(file));
  if (!parsed.success) throw new InputError(formatZodIssues(file, parsed.error.issues));
  return parsed.data;
}

function toolVersion(): string {
  // dist/lib/cli → package.json two or three levels up, depending on whether we run from dist or sources.
  for (const candidate of [
    join(__dirname, '..', '..', 'package.json'),
    join(__dirname, '..', '..', '..', 'package.json'),
  ]) {
    try {
      const manifest = readJsonFile(candidate) as { name?: unknown; version?: unknown };
      if (manifest.name === 'agent-leash' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
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

export async function runAudit(options: AuditCommandOptions, context: CliContext): Promise<void> {
  const { io } = context;
  // Loaded here, not at the top: `leash --help` and the other commands never pay for the engine, nor an
  // audit of saved files for the AWS SDK.
  const [
    { auditAccountInParallel },
    { auditReportInput, reportChunks },
    { loadAuditInput },
    { loadCatalog },
    { CompileCache },
  ] = await Promise.all([
    import('../audit/parallel-audit'),
    import('../audit/report'),
    import('../audit/sources'),
    import('../catalog'),
    import('../audit/evaluate/compile-account'),
  ]);
  const config = await loadConfigFile(options.config);
  const progress = progressBar(io, 'accounts');
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
    const [{ LiveAuditInterrupted }, { errorMessage }] = await Promise.all([
      import('../audit/sources/live-input'),
      import('../audit/sources/aws-clients'),
    ]);
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
  const now = new Date();
  // One account at a time; a large one on every core (worker threads), with the single-threaded result.
  // Accounts of one organization share their AWS managed policies and SCP levels: compiled once per run.
  const compileCache = input.accounts.length > 1 ? new CompileCache(catalog) : undefined;
  const results: AuditResult[] = [];
  for (const snapshot of input.accounts) {
    results.push(await auditAccountInParallel(snapshot, { catalog, config, now, compileCache }));
  }
  const reportInput = auditReportInput(results, {
    tool: { name: 'leash audit', version: toolVersion() },
    notAudited: input.notAudited,
  });
  const report = reportChunks(reportInput, options.format);
  if (options.format === 'sarif') warnOfSarifLimit(io, 'audit', reportInput.findings);
  if (options.output) {
    writeReportToFile(options.output, report);
    const findings = results.reduce((n, r) => n + r.findings.filter((f) => !f.suppressed).length, 0);
    io.stderr(`leash audit: wrote ${options.output} (${options.format}): ${findings} finding(s)\n`);
  } else {
    writeReportToStdout(io, report);
  }
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
    .option('--config <file>', 'leash.config.json (production tags, exemptions, suppressions)')
    .addOption(new Option('--format <format>', 'report format').choices([...REPORT_FORMATS]).default('table'))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity')
        .choices([...SEVERITIES, 'none'])
        .default('high'),
    )
    .action(async (options: AuditCommandOptions) => {
      await runAudit(options, context);
    });
}
