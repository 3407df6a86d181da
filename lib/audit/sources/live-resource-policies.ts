// The resource policies of a live account that can grant its own principals production writes with no identity
// policy: KMS key, SQS queue, SNS topic and Secrets Manager secret policies (in every region the account has
// enabled) and S3 bucket policies, read-only. A kind is kept only when every one of its policies was read; any
// failure is a reported problem, and the report then says that kind was not read (never an empty list that
// would read as "grants nothing").
import { GetKeyPolicyCommand, KMSClient, paginateListKeys } from '@aws-sdk/client-kms';
import { GetBucketPolicyCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetResourcePolicyCommand, paginateListSecrets, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetTopicAttributesCommand, paginateListTopics, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, paginateListQueues, SQSClient } from '@aws-sdk/client-sqs';
import { type AwsClientSettings, clientConfig, errorCode, resolveRegion } from './aws-clients';
import type { ResourcePolicy } from './snapshot';

/** Policies read at the same time in one region. */
const POLICY_CONCURRENCY = 8;

export const KEY_POLICIES = 'KMS key policies';
export const BUCKET_POLICIES = 'S3 bucket policies';
export const QUEUE_POLICIES = 'SQS queue policies';
export const TOPIC_POLICIES = 'SNS topic policies';
export const SECRET_POLICIES = 'Secrets Manager secret policies';

/** One kind of regional resource policy: how to read all of it in one region, and what to call it in problems. */
export interface RegionalPolicyRead {
  readonly kind: string;
  /** The operations, as a problem names them. */
  readonly operations: string;
  readonly read: (settings: AwsClientSettings, region: string, signal?: AbortSignal) => Promise<ResourcePolicy[]>;
}

export const REGIONAL_POLICY_READS: readonly RegionalPolicyRead[] = [
  { kind: KEY_POLICIES, operations: 'kms:ListKeys/GetKeyPolicy', read: readKeyPolicies },
  { kind: QUEUE_POLICIES, operations: 'sqs:ListQueues/GetQueueAttributes', read: readQueuePolicies },
  { kind: TOPIC_POLICIES, operations: 'sns:ListTopics/GetTopicAttributes', read: readTopicPolicies },
  { kind: SECRET_POLICIES, operations: 'secretsmanager:ListSecrets/GetResourcePolicy', read: readSecretPolicies },
];

/** A policy as the service returns it: JSON text, kept as text when it is not JSON (then unreadable, never none). */
export function policyDocument(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Whether an error says the resource is gone: deleted between the list and the read, it has no policy to
 * grant anything (as a task that stopped between two ECS calls no longer runs).
 */
function gone(err: unknown): boolean {
  return GONE.has(errorCode(err));
}
const GONE = new Set([
  'NoSuchBucket',
  'NotFoundException',
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
  'NotFound',
  'ResourceNotFoundException',
]);

/** A read's failure: undefined when the resource is gone, else the failure again. */
function ifGone(err: unknown): undefined {
  if (gone(err)) return undefined;
  throw err;
}

/** Runs `read` over `items`, a few at a time; rejects with the first failure. */
async function eachLimited<T>(items: readonly T[], read: (item: T) => Promise<void>, signal?: AbortSignal) {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) await read(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(POLICY_CONCURRENCY, items.length) }, worker));
}

/**
 * The key policy of every key of one region (ListKeys lists AWS managed keys too: their policies name the
 * account and leave the decision to IAM, so they grant nothing of their own).
 */
export async function readKeyPolicies(
  settings: AwsClientSettings,
  region: string,
  signal?: AbortSignal,
): Promise<ResourcePolicy[]> {
  const kms = new KMSClient({ ...clientConfig(settings, region), ...endpoint(settings.endpoints?.kms) });
  try {
    const keys: { id: string; arn: string }[] = [];
    for await (const page of paginateListKeys({ client: kms, pageSize: 1000 }, {}, { abortSignal: signal })) {
      for (const key of page.Keys ?? []) if (key.KeyId && key.KeyArn) keys.push({ id: key.KeyId, arn: key.KeyArn });
    }
    const out: ResourcePolicy[] = [];
    await eachLimited(
      keys,
      async (key) => {
        // A key has exactly one policy, named `default`.
        const answer = await kms
          .send(new GetKeyPolicyCommand({ KeyId: key.id, PolicyName: 'default' }), { abortSignal: signal })
          .catch(ifGone);
        if (answer === undefined) return;
        if (answer.Policy === undefined) throw new Error(`kms:GetKeyPolicy ${key.arn} returned no policy`);
        out.push({
          name: `key policy of ${key.arn}`,
          resourceArns: [key.arn],
          document: policyDocument(answer.Policy),
        });
      },
      signal,
    );
    return out;
  } finally {
    kms.destroy();
  }
}

/** The policy of every queue of one region that has one (the `Policy` attribute is absent otherwise). */
export async function readQueuePolicies(
  settings: AwsClientSettings,
  region: string,
  signal?: AbortSignal,
): Promise<ResourcePolicy[]> {
  const sqs = new SQSClient({ ...clientConfig(settings, region), ...endpoint(settings.endpoints?.sqs) });
  try {
    const urls: string[] = [];
    for await (const page of paginateListQueues({ client: sqs, pageSize: 1000 }, {}, { abortSignal: signal })) {
      urls.push(...(page.QueueUrls ?? []));
    }
    const out: ResourcePolicy[] = [];
    await eachLimited(
      urls,
      async (url) => {
        const answer = await sqs
          .send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy', 'QueueArn'] }), {
            abortSignal: signal,
          })
          .catch(ifGone);
        if (answer === undefined) return;
        const attributes = answer.Attributes ?? {};
        const arn = attributes.QueueArn;
        if (!arn) throw new Error(`sqs:GetQueueAttributes ${url} returned no QueueArn`);
        if (attributes.Policy === undefined) return;
        out.push({ name: `queue policy of ${arn}`, resourceArns: [arn], document: policyDocument(attributes.Policy) });
      },
      signal,
    );
    return out;
  } finally {
    sqs.destroy();
  }
}

/** The policy of every topic of one region (every topic has one; a new topic's names the account). */
export async function readTopicPolicies(
  settings: AwsClientSettings,
  region: string,
  signal?: AbortSignal,
): Promise<ResourcePolicy[]> {
  const sns = new SNSClient({ ...clientConfig(settings, region), ...endpoint(settings.endpoints?.sns) });
  try {
    const arns: string[] = [];
    for await (const page of paginateListTopics({ client: sns }, {}, { abortSignal: signal })) {
      for (const topic of page.Topics ?? []) if (topic.TopicArn) arns.push(topic.TopicArn);
    }
    const out: ResourcePolicy[] = [];
    await eachLimited(
      arns,
      async (arn) => {
        const answer = await sns
          .send(new GetTopicAttributesCommand({ TopicArn: arn }), { abortSignal: signal })
          .catch(ifGone);
        if (answer === undefined) return;
        const attributes = answer.Attributes ?? {};
        if (attributes.Policy === undefined) return;
        out.push({ name: `topic policy of ${arn}`, resourceArns: [arn], document: policyDocument(attributes.Policy) });
      },
      signal,
    );
    return out;
  } finally {
    sns.destroy();
  }
}

/** The resource policy of every secret of one region that has one. */
export async function readSecretPolicies(
  settings: AwsClientSettings,
  region: string,
  signal?: AbortSignal,
): Promise<ResourcePolicy[]> {
  const secrets = new SecretsManagerClient({
    ...clientConfig(settings, region),
    ...endpoint(settings.endpoints?.secretsmanager),
  });
  try {
    const arns: string[] = [];
    for await (const page of paginateListSecrets({ client: secrets, pageSize: 100 }, {}, { abortSignal: signal })) {
      for (const secret of page.SecretList ?? []) if (secret.ARN) arns.push(secret.ARN);
    }
    const out: ResourcePolicy[] = [];
    await eachLimited(
      arns,
      async (arn) => {
        const answer = await secrets
          .send(new GetResourcePolicyCommand({ SecretId: arn }), { abortSignal: signal })
          .catch(ifGone);
        if (answer?.ResourcePolicy === undefined) return;
        out.push({
          name: `secret policy of ${arn}`,
          resourceArns: [arn],
          document: policyDocument(answer.ResourcePolicy),
        });
      },
      signal,
    );
    return out;
  } finally {
    secrets.destroy();
  }
}

/**
 * The policy of every bucket the account owns (ListBuckets lists them all, from any region); each is read in
 * its own region. A bucket without a policy answers NoSuchBucketPolicy.
 */
export async function readBucketPolicies(settings: AwsClientSettings, signal?: AbortSignal): Promise<ResourcePolicy[]> {
  const home = resolveRegion(settings);
  const partition = partitionOfRegion(home);
  const clients = new Map<string, S3Client>();
  const clientFor = (region: string) => {
    let client = clients.get(region);
    if (!client) {
      client = new S3Client({
        ...clientConfig(settings, region),
        // A bucket whose region ListBuckets did not say is found by following S3's redirect.
        followRegionRedirects: true,
        ...(settings.endpoints?.s3 ? { endpoint: settings.endpoints.s3, forcePathStyle: true } : {}),
      });
      clients.set(region, client);
    }
    return client;
  };
  try {
    const buckets: { name: string; region: string }[] = [];
    let token: string | undefined;
    do {
      const page = await clientFor(home).send(new ListBucketsCommand({ MaxBuckets: 1000, ContinuationToken: token }), {
        abortSignal: signal,
      });
      for (const bucket of page.Buckets ?? []) {
        if (bucket.Name) buckets.push({ name: bucket.Name, region: bucket.BucketRegion || home });
      }
      token = page.ContinuationToken || undefined;
    } while (token && !signal?.aborted);
    const out: ResourcePolicy[] = [];
    await eachLimited(
      buckets,
      async (bucket) => {
        let text: string | undefined;
        try {
          text = (
            await clientFor(bucket.region).send(new GetBucketPolicyCommand({ Bucket: bucket.name }), {
              abortSignal: signal,
            })
          ).Policy;
        } catch (err) {
          if (errorCode(err) === 'NoSuchBucketPolicy' || gone(err)) return;
          throw err;
        }
        if (text === undefined) return;
        const arn = `arn:${partition}:s3:::${bucket.name}`;
        out.push({ name: `bucket policy of ${arn}`, resourceArns: [arn, `${arn}/*`], document: policyDocument(text) });
      },
      signal,
    );
    return out;
  } finally {
    for (const client of clients.values()) client.destroy();
  }
}

/** The partition a region belongs to, for the ARNs of buckets (whose list gives names only). */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

function endpoint(url: string | undefined): { endpoint?: string } {
  return url ? { endpoint: url } : {};
}
