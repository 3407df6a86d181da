// `leash snapshot`: read a live account (or with --org the whole organization) and save it as a snapshot file
// that `leash audit --input` reads later, offline. Read-only; Ctrl-C stops cleanly with exit code 130.
import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_AUDIT_ROLE_NAME, DEFAULT_CONCURRENCY } from '../audit/sources/live-defaults';
import type { LiveInput } from '../audit/sources/live-input';
import type { AccountSnapshot, OrganizationSnapshot } from '../audit/sources/snapshot';
import { EXIT_FINDINGS } from './exit-codes';
import { describeInterruption, EXIT_INTERRUPTED, interruptOnSigint, progressBar } from './live-read';
import { writeFileAtomically } from './atomic-file';
import { note, type CliContext } from './context';

export interface SnapshotCommandOptions {
  readonly out: string;
  readonly org?: boolean;
  readonly profile?: string;
  readonly region?: string;
  readonly roleName: string;
  readonly concurrency: number;
  readonly maxAttempts?: number;
}

function positiveInteger(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) {
      throw new InvalidArgumentError(`${name} must be a whole number of at least 1, got ${JSON.stringify(value)}`);
    }
    return parsed;
  };
}

/** The file content: an OrganizationSnapshot with --org, else the one AccountSnapshot; validated before writing. */
export async function snapshotDocument(input: LiveInput): Promise<AccountSnapshot | OrganizationSnapshot> {
  const { AccountSnapshot, OrganizationSnapshot } = await import('../audit/sources/snapshot');
  if (input.organization) {
    return OrganizationSnapshot.parse({
      schemaVersion: 1,
      kind: 'organization',
      organizationId: input.organization.organizationId,
      managementAccountId: input.organization.managementAccountId,
      readAt: input.organization.readAt,
      accounts: input.accounts,
      notAudited: input.notAudited,
    });
  }
  if (input.accounts.length !== 1) throw new Error(`expected one account, read ${input.accounts.length}`);
  return AccountSnapshot.parse(input.accounts[0]);
}

export async function runSnapshot(options: SnapshotCommandOptions, context: CliContext): Promise<void> {
  const { io } = context;
  // Loaded when the command runs: `leash --help` and the offline commands never pay for the AWS SDK.
  const { LiveAuditInterrupted, loadLiveInput } = await import('../audit/sources/live-input');
  const progress = progressBar(io, 'accounts');
  const interrupt = interruptOnSigint(io, 'snapshot', () => progress.finish());
  let input: LiveInput;
  try {
    input = await loadLiveInput({
      profile: options.profile,
      region: options.region,
      org: options.org,
      roleName: options.roleName,
      concurrency: options.concurrency,
      maxAttempts: options.maxAttempts,
      onProgress: (done, total, label) => progress.update(done, total, label),
      signal: interrupt.signal,
    });
  } catch (err) {
    if (err instanceof LiveAuditInterrupted) {
      io.stderr(`leash snapshot: ${describeInterruption(err)}; ${options.out} not written\n`);
      context.exitCode = EXIT_INTERRUPTED;
      return;
    }
    // No credentials, the organization not readable and the like arrive as InputError: one line, exit 2.
    throw err;
  } finally {
    progress.finish();
    interrupt.dispose();
  }

  const document = await snapshotDocument(input);
  writeFileAtomically(options.out, [`${JSON.stringify(document, null, 2)}\n`]);
  const principals = input.accounts.reduce((sum, account) => sum + account.principals.length, 0);
  note(
    context,
    `leash snapshot: wrote ${options.out}: ${input.accounts.length} account(s), ${principals} principals` +
      (input.notAudited.length > 0 ? `, ${input.notAudited.length} not readable` : '') +
      '\n',
  );
  for (const missing of input.notAudited) {
    io.stderr(
      `  not audited: ${missing.accountId}${missing.accountName ? ` (${missing.accountName})` : ''}: ${missing.reason}\n`,
    );
  }
  for (const account of input.accounts) {
    let said: (typeof account.problems)[number] | undefined;
    if (!account.organizationPoliciesKnown) {
      said = account.problems.find((problem) => problem.where.startsWith('organizations:'));
      io.stderr(`  ${account.accountId}: SCPs and RCPs unknown${said ? `: ${said.message}` : ''}\n`);
    }
    // Everything else the snapshot could not read is said too (resource policies, tags, root sessions), each
    // with where and why: the file holds them, but whoever ran the command should not have to look.
    for (const problem of account.problems) {
      if (problem === said) continue;
      const what = /^(ec2|lambda|ecs):/.test(problem.where) ? 'compute inventory incomplete: ' : '';
      io.stderr(`  ${account.accountId}: ${what}${problem.where}: ${problem.message}\n`);
    }
  }
  // A partial snapshot is still written, but scripts must be able to tell.
  if (input.notAudited.length > 0) context.exitCode = EXIT_FINDINGS;
}

export function registerSnapshotCommand(program: Command, context: CliContext): void {
  program
    .command('snapshot')
    .description(
      'Read IAM (and the SCP/RCP chain) of the current AWS account, or of every account with --org, into a file for `leash audit --input`. Read-only.',
    )
    .requiredOption('--out <file>', 'where to write the snapshot JSON')
    .option('--org', 'read the whole organization (from the management or a delegated administrator account)')
    .option('--profile <name>', 'AWS profile (SSO, assume-role and credential_process profiles work as in the AWS CLI)')
    .option('--region <region>', 'region for STS (IAM and Organizations are global)')
    .option('--role-name <name>', 'read-only role assumed in each member account with --org', DEFAULT_AUDIT_ROLE_NAME)
    .option(
      '--concurrency <n>',
      'member accounts read at the same time',
      positiveInteger('--concurrency'),
      DEFAULT_CONCURRENCY,
    )
    .option(
      '--max-attempts <n>',
      'attempts per AWS request, throttling and 5xx retried with backoff (default 8)',
      positiveInteger('--max-attempts'),
    )
    .action(async (options: SnapshotCommandOptions) => {
      await runSnapshot(options, context);
    });
}
