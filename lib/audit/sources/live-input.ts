// The live source of `leash audit` and `leash snapshot`: the caller's own account, or with `org` the whole
// organization through a read-only role in each member. Only read operations are ever called.
import { InputError } from '../../util/read-input';
import { type AwsCredentials, type AwsEndpoints, errorCode, errorMessage, isAccessDenied } from './aws-clients';
import { readLiveAccount } from './live-account';
import { LiveAuditInterrupted, type NotAuditedAccount, readOrganization } from './organization';
import type { AccountSnapshot } from './snapshot';

export { LiveAuditInterrupted } from './organization';
export { DEFAULT_AUDIT_ROLE_NAME, DEFAULT_CONCURRENCY } from './organization';

export interface LiveInputOptions {
  /** Named AWS profile (SSO, assume-role and credential-process profiles work as in the AWS CLI). */
  profile?: string;
  /** @default AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1 */
  region?: string;
  /** Audit every ACTIVE account of the organization (run from the management or a delegated admin account). */
  org?: boolean;
  /** With `org`: the read-only role assumed in each member account. @default 'leash-audit' */
  roleName?: string;
  /** With `org`: accounts read at the same time. @default 4 */
  concurrency?: number;
  /** Attempts per request including the first (throttling and 5xx are retried with backoff). @default 8 */
  maxAttempts?: number;
  /** @default 'adaptive' */
  retryMode?: 'adaptive' | 'standard';
  /** Milliseconds before an unanswered request is abandoned and retried. @default 60000 */
  requestTimeoutMs?: number;
  /** Called as work completes: accounts with `org`, steps otherwise. */
  onProgress?: (done: number, total: number, label?: string) => void;
  /** Aborting stops all requests; the promise rejects with `LiveAuditInterrupted` carrying what was read. */
  signal?: AbortSignal;
  /** Tests and benchmarks: send requests here instead of AWS. */
  endpoints?: AwsEndpoints;
  /** Tests and benchmarks: these credentials instead of the default chain. */
  credentials?: AwsCredentials;
}

export interface LiveInput {
  accounts: AccountSnapshot[];
  notAudited: NotAuditedAccount[];
  /** With `org`: what `leash snapshot` needs to write an OrganizationSnapshot. */
  organization?: { organizationId: string; managementAccountId: string; readAt: string };
}

/**
 * Read the live account or organization. Rejects with `LiveAuditInterrupted` when `signal` aborts, and with an
 * InputError (one line, exit 2 in the CLI) when the audit cannot start: no credentials, the organization not
 * readable from this account. Individual member accounts that cannot be read go to `notAudited` instead.
 */
export async function loadLiveInput(options: LiveInputOptions): Promise<LiveInput> {
  try {
    return await readLive(options);
  } catch (err) {
    if (err instanceof LiveAuditInterrupted) throw err;
    if (options.signal?.aborted) throw new LiveAuditInterrupted({ accounts: [], notAudited: [], total: 0 });
    if (!fromAwsOrNetwork(err)) throw err;
    throw new InputError(`live audit: ${errorMessage(err)}${hint(err, options)}`);
  }
}

/** Errors AWS, the credential chain or the network produced; anything else is a bug and keeps its stack. */
function fromAwsOrNetwork(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const candidate = err as { $metadata?: unknown; $fault?: unknown; code?: unknown };
  if (candidate.$metadata !== undefined || candidate.$fault !== undefined) return true;
  if (/^(CredentialsProviderError|TokenProviderError|TimeoutError)$/.test(errorCode(err))) return true;
  return typeof candidate.code === 'string' && /^E[A-Z]+$/.test(candidate.code);
}

function hint(err: unknown, options: LiveInputOptions): string {
  if (errorCode(err) === 'CredentialsProviderError') {
    return ' (no AWS credentials: use --profile, AWS_PROFILE, `aws sso login` or AWS_ACCESS_KEY_ID)';
  }
  if (options.org && isAccessDenied(err)) {
    return ' (--org must run in the management account or a delegated administrator; see templates/iam/auditor-policy.json)';
  }
  if (isAccessDenied(err)) return ' (see templates/iam/auditor-policy.json for the permissions needed)';
  return '';
}

async function readLive(options: LiveInputOptions): Promise<LiveInput> {
  const settings = {
    profile: options.profile,
    region: options.region,
    maxAttempts: options.maxAttempts,
    retryMode: options.retryMode,
    requestTimeoutMs: options.requestTimeoutMs,
    endpoints: options.endpoints,
    credentials: options.credentials,
  };
  if (options.org) {
    const result = await readOrganization({
      ...settings,
      roleName: options.roleName,
      concurrency: options.concurrency,
      onProgress: options.onProgress,
      signal: options.signal,
    });
    return {
      accounts: result.accounts,
      notAudited: result.notAudited,
      organization: {
        organizationId: result.organizationId,
        managementAccountId: result.managementAccountId,
        readAt: result.readAt,
      },
    };
  }
  try {
    const account = await readLiveAccount({ ...settings, onProgress: options.onProgress, signal: options.signal });
    return { accounts: [account], notAudited: [] };
  } catch (err) {
    if (options.signal?.aborted) throw new LiveAuditInterrupted({ accounts: [], notAudited: [], total: 1 });
    throw err;
  }
}
