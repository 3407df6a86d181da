// AWS SDK clients for the live audit, built one way so every call gets the same retries, timeouts and endpoints.
// Credentials come from the SDK's own chain (env, SSO, profiles, process, web identity, IMDS) as the AWS CLI does.
import { IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

/** Static or refreshing credentials, in the shape the SDK clients accept. */
export type AwsCredentials = NonNullable<IAMClientConfig['credentials']>;

/** Where to send requests instead of AWS (tests and benchmarks point these at a loopback server). */
export interface AwsEndpoints {
  iam?: string;
  sts?: string;
  organizations?: string;
  /** Regional services of the compute inventory; one endpoint serves every region (the signing region differs). */
  lambda?: string;
  ec2?: string;
  ecs?: string;
  cloudformation?: string;
  codebuild?: string;
  glue?: string;
  codepipeline?: string;
  states?: string;
  sagemaker?: string;
  batch?: string;
  /** Resource policies: KMS, SQS, SNS, Secrets Manager (regional) and S3 (path-style at this endpoint). */
  kms?: string;
  sqs?: string;
  sns?: string;
  secretsmanager?: string;
  s3?: string;
  /** The tags of the resources the policies name (Resource Groups Tagging API, regional). */
  tagging?: string;
}

export interface AwsClientSettings {
  /** Named profile from ~/.aws/config and ~/.aws/credentials. @default the SDK chain (AWS_PROFILE, then default) */
  profile?: string;
  /**
   * Region for STS and request signing. IAM and Organizations are global; their endpoints follow the partition.
   * @default AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1
   */
  region?: string;
  /** Attempts per request including the first; throttling and 5xx are retried with backoff. @default AWS_MAX_ATTEMPTS, else 8 */
  maxAttempts?: number;
  /** The SDK's retry mode; `adaptive` also slows the client down after throttling. @default AWS_RETRY_MODE, else 'adaptive' */
  retryMode?: 'adaptive' | 'standard';
  /** Milliseconds before a request without a complete answer is abandoned (and retried). @default 60000 */
  requestTimeoutMs?: number;
  endpoints?: AwsEndpoints;
  /** Explicit credentials instead of the default chain (tests; assumed-role sessions). */
  credentials?: AwsCredentials;
}

export interface AwsClients {
  iam: IAMClient;
  sts: STSClient;
  organizations: OrganizationsClient;
}

export const DEFAULT_MAX_ATTEMPTS = 8;
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export function resolveRegion(settings: Pick<AwsClientSettings, 'region'>): string {
  return settings.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

/** AWS_MAX_ATTEMPTS / AWS_RETRY_MODE, as the AWS CLI reads them, when the caller set nothing. */
function retrySettings(settings: AwsClientSettings): { maxAttempts: number; retryMode: string } {
  const fromEnv = Number(process.env.AWS_MAX_ATTEMPTS);
  const envMode = process.env.AWS_RETRY_MODE;
  return {
    maxAttempts: settings.maxAttempts ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_MAX_ATTEMPTS),
    retryMode: settings.retryMode ?? (envMode === 'standard' || envMode === 'adaptive' ? envMode : 'adaptive'),
  };
}

/** A regional client's endpoint when one is set (tests and benchmarks), else the SDK's own. */
export function customEndpoint(url: string | undefined): { endpoint?: string } {
  return url ? { endpoint: url } : {};
}

/** The configuration every SDK client of the audit shares; `region` overrides the settings' for regional services. */
export function clientConfig(settings: AwsClientSettings, region: string = resolveRegion(settings)) {
  return {
    region,
    ...retrySettings(settings),
    requestHandler: {
      // A request that takes longer fails with TimeoutError, which the retry strategy retries.
      requestTimeout: settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
      connectionTimeout: settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    },
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    // A profile only matters when the default chain picks the credentials.
    ...(settings.profile && !settings.credentials ? { profile: settings.profile } : {}),
  };
}

/** Only IAM: what a member account's audit session needs. */
export function createIamClient(settings: AwsClientSettings): IAMClient {
  const endpoint = settings.endpoints?.iam;
  return new IAMClient({ ...clientConfig(settings), ...(endpoint ? { endpoint } : {}) });
}

/** One set of clients sharing one credential source. */
export function createAwsClients(settings: AwsClientSettings): AwsClients {
  const common = clientConfig(settings);
  const endpoints = settings.endpoints ?? {};
  return {
    iam: createIamClient(settings),
    sts: new STSClient({ ...common, ...(endpoints.sts ? { endpoint: endpoints.sts } : {}) }),
    organizations: new OrganizationsClient({
      ...common,
      ...(endpoints.organizations ? { endpoint: endpoints.organizations } : {}),
    }),
  };
}

export function destroyAwsClients(clients: AwsClients): void {
  clients.iam.destroy();
  clients.sts.destroy();
  clients.organizations.destroy();
}

/** Refresh assumed-role credentials this long before they expire. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Credentials for a role in another account, assumed with `sts` and renewed shortly before they expire
 * (auditing a very large account can outlast one session).
 */
export function assumeRoleCredentials(
  sts: STSClient,
  roleArn: string,
  options: { sessionName: string; signal?: AbortSignal },
): () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }> {
  let current: Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }>;
  let expiresAt = 0;
  const fetchCredentials = async () => {
    const response = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: options.sessionName, DurationSeconds: 3600 }),
      { abortSignal: options.signal },
    );
    const credentials = response.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
      throw new Error(`sts:AssumeRole ${roleArn} returned no credentials`);
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: credentials.Expiration,
    };
  };
  return () => {
    if (!current || Date.now() > expiresAt - REFRESH_MARGIN_MS) {
      const pending = fetchCredentials();
      current = pending;
      // Until the call answers, share the pending promise; a failure is not cached.
      expiresAt = Number.POSITIVE_INFINITY;
      pending.then(
        (value) => {
          expiresAt = value.expiration ? value.expiration.getTime() : Date.now() + 3600_000;
        },
        () => {
          expiresAt = 0;
        },
      );
    }
    return current;
  };
}

// Also here for the live sources that build role ARNs in other accounts with it.
export { partitionOf } from '../../policy/resource';

/** An SDK error's code (`AccessDenied`, `ThrottlingException`, ...) or the JS error name. */
export function errorCode(err: unknown): string {
  if (err && typeof err === 'object') {
    const named = err as { name?: unknown; Code?: unknown; code?: unknown };
    if (typeof named.Code === 'string') return named.Code;
    if (typeof named.name === 'string' && named.name !== 'Error') return named.name;
    if (typeof named.code === 'string') return named.code;
  }
  return 'Error';
}

export function errorMessage(err: unknown): string {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return message && message !== code ? `${code}: ${message}` : code;
}

/** Access problems that make a read impossible without it being a fault of ours or of the network. */
export function isAccessDenied(err: unknown): boolean {
  return /^(AccessDenied|AccessDeniedException|UnauthorizedOperation|AuthorizationError|NotAuthorized)/.test(
    errorCode(err),
  );
}

export function isAbort(err: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  return errorCode(err) === 'AbortError';
}
