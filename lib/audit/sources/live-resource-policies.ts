// The resource policies of a live account that can grant its own principals production writes with no identity
// policy: KMS key, SQS queue, SNS topic and Secrets Manager secret policies (in every region the account has
// enabled) and S3 bucket policies, read-only. A list that fails leaves its whole kind unknown; a policy that
// fails on its own (a key policy that shuts the auditor out) is named as not read, and the others are kept.
// Either way the report says what was not read, never an empty list that would read as "grants nothing".
import { GetKeyPolicyCommand, KMSClient, paginateListKeys } from '@aws-sdk/client-kms';
import { GetBucketPolicyCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetResourcePolicyCommand, paginateListSecrets, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetTopicAttributesCommand, paginateListTopics, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, paginateListQueues, SQSClient } from '@aws-sdk/client-sqs';
import {
  type AwsClientSettings,
  clientConfig,
  customEndpoint,
  errorCode,
  errorMessage,
  isAbort,
  resolveRegion,
} from './aws-clients';
import { KEY_POLICIES, QUEUE_POLICIES, SECRET_POLICIES, TOPIC_POLICIES } from './resource-policy-kinds';
import type { ResourcePolicy } from './snapshot';

/** Policies read at the same time in one region. */
const POLICY_CONCURRENCY = 8;

/** A resource whose policy could not be read, and why. */
export interface UnreadPolicy {
  readonly resource: string;
  readonly reason: string;
}

/** The policies of one kind read in one place, and the resources whose policy could not be read. */
export interface PoliciesRead {
  readonly policies: ResourcePolicy[];
  readonly unread: UnreadPolicy[];
}

/** One kind of regional resource policy: how to read all of it in one region, and what to call it in problems. */
export interface RegionalPolicyRead {
  readonly kind: string;
  /** The operations, as a problem names them. */
  readonly operations: string;
  readonly read: (settings: AwsClientSettings, region: string, signal?: AbortSignal) => Promise<PoliciesRead>;
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

/** The policy `text` of the resource `arn`, governing `resourceArns` (by default the resource alone). */
function policyOf(label: string, arn: string, text: string, resourceArns: string[] = [arn]): ResourcePolicy {
  return { name: `${label} of ${arn}`, resourceArns, document: policyDocument(text) };
}

/**
 * The policy of each listed resource (named by `name`), read a few at a time. A read that fails with one of
 * `absent` (the service's codes for a resource without a policy, or deleted between the list and the read, as
 * a task that stopped between two ECS calls no longer runs) gives none; any other failure names the resource
 * as not read and the rest are still read. Rejects only when aborted.
 */
export async function policiesOf<T>(
  items: readonly T[],
  read: (item: T) => Promise<ResourcePolicy | undefined>,
  absent: ReadonlySet<string>,
  name: (item: T) => string,
  signal?: AbortSignal,
): Promise<PoliciesRead> {
  const policies: ResourcePolicy[] = [];
  const unread: UnreadPolicy[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const item = items[next++];
      try {
        const policy = await read(item);
        if (policy) policies.push(policy);
      } catch (err) {
        if (isAbort(err, signal)) throw err;
        if (!absent.has(errorCode(err))) unread.push({ resource: name(item), reason: errorMessage(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(POLICY_CONCURRENCY, items.length) }, worker));
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
  return { policies, unread };
}

/** Runs `use` with `client`, then releases its sockets whatever happened. */
async function using<C extends { destroy(): void }, R>(client: C, use: (client: C) => Promise<R>): Promise<R> {
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

/**
 * The key policy of every key of one region (ListKeys lists AWS managed keys too: their policies name the
 * account and leave the decision to IAM, so they grant nothing of their own).
 */
export function readKeyPolicies(
  settings: AwsClientSettings,
  region: string,
  signal?: AbortSignal,
): Promise<PoliciesRead> {
  const kms = new KMSClient({ ...clientConfig(settings, region), ...customEndpoint(settings.endpoints?.kms) });
  return using(kms, async () => {
    const keys: { id: string; arn: string }[] = [];
    for await (const page of paginateListKeys({ client: kms, pageSize: 1000 }, {}, { abortSignal: signal })) {
      for (const key of page.Keys ?? []) if (key.KeyId && key.KeyArn) keys.push({ id: key.KeyId, arn: key.KeyArn });
    }
    const read = async (key: { id: string; arn: string }) => {
      // A key has exactly one policy, named `default`.
      const answer = await kms.send(new GetKeyPolicyCommand({ KeyId: key.id, PolicyName: 'default' }), {
        abortSignal: signal,
      });
      if (answer.Policy === undefined) throw new Error(`kms:GetKeyPolicy ${key.arn} returned no policy`);
      return policyOf('key policy', key.arn, answer.Policy);
    };
    return policiesOf(keys, read, new Set(['NotFoundException']), (key) => key.arn, signal);
  });
}

/** The policy of every queue of one region that has one (the `Policy` attribute is absent otherwise). */
export function readQueuePolicies(
  settings: AwsClientSettings,
  region: string,
  signal?: AbortSignal,
): Promise<PoliciesRead> {
  // useQueueUrlAsEndpoint off: the SDK would otherwise send each GetQueueAttributes to the host of the queue
  // URL whenever it differs from the endpoint in use (AWS_ENDPOINT_URL, a VPC or FIPS endpoint), bypassing the
  // endpoint the user chose and printing a warning of its own in the middle of the report. Queues are listed
  // per region, so the region's endpoint serves every URL it lists.
  const sqs = new SQSClient({
    ...clientConfig(settings, region),
    ...customEndpoint(settings.endpoints?.sqs),
    useQueueUrlAsEndpoint: false,
  });
  return using(sqs, async () => {
    const urls: string[] = [];
    for await (const page of paginateListQueues({ client: sqs, pageSize: 1000 }, {}, { abortSignal: signal })) {
      urls.push(...(page.QueueUrls ?? []));
    }
    const read = async (url: string) => {
      const { Attributes: attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy', 'QueueArn'] }),
        { abortSignal: signal },
      );
      if (!attributes.QueueArn) throw new Error(`sqs:GetQueueAttributes ${url} returned no QueueArn`);
      return attributes.Policy === undefined
        ? undefined
        : policyOf('queue policy', attributes.QueueArn, attributes.Policy);
    };
    return policiesOf(
      urls,
      read,
      new Set(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']),
      (url) => url,
      signal,
    );
  });
}

/** The policy of every topic of one region (every topic has one; a new topic's names the account). */
export function readTopicPolicies(
  settings: AwsClientSettings,
  region: string,
  signal?: AbortSignal,
): Promise<PoliciesRead> {
  const sns = new SNSClient({ ...clientConfig(settings, region), ...customEndpoint(settings.endpoints?.sns) });
  return using(sns, async () => {
    const arns: string[] = [];
    for await (const page of paginateListTopics({ client: sns }, {}, { abortSignal: signal })) {
      for (const topic of page.Topics ?? []) if (topic.TopicArn) arns.push(topic.TopicArn);
    }
    const read = async (arn: string) => {
      const { Attributes: attributes = {} } = await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }), {
        abortSignal: signal,
      });
      return attributes.Policy === undefined ? undefined : policyOf('topic policy', arn, attributes.Policy);
    };
    return policiesOf(arns, read, new Set(['NotFound', 'NotFoundException']), (arn) => arn, signal);
  });
}

/**
 * The resource policy of every secret of one region that has one, those scheduled for deletion included: until
 * then a DeleteSecret that skips the recovery window destroys it for good.
 */
export function readSecretPolicies(
  settings: AwsClientSettings,
  region: string,
  signal?: AbortSignal,
): Promise<PoliciesRead> {
  const secrets = new SecretsManagerClient({
    ...clientConfig(settings, region),
    ...customEndpoint(settings.endpoints?.secretsmanager),
  });
  return using(secrets, async () => {
    const arns: string[] = [];
    for await (const page of paginateListSecrets(
      { client: secrets, pageSize: 100 },
      { IncludePlannedDeletion: true },
      { abortSignal: signal },
    )) {
      for (const secret of page.SecretList ?? []) if (secret.ARN) arns.push(secret.ARN);
    }
    const read = async (arn: string) => {
      const { ResourcePolicy: text } = await secrets.send(new GetResourcePolicyCommand({ SecretId: arn }), {
        abortSignal: signal,
      });
      return text === undefined ? undefined : policyOf('secret policy', arn, text);
    };
    return policiesOf(arns, read, new Set(['ResourceNotFoundException']), (arn) => arn, signal);
  });
}

/**
 * The policy of every bucket the account owns (ListBuckets lists them all, from any region); each is read in
 * its own region. A bucket without a policy answers NoSuchBucketPolicy.
 */
export async function readBucketPolicies(
  settings: AwsClientSettings,
  signal?: AbortSignal,
): Promise<PoliciesRead & { readonly bucketRegions: Record<string, string> }> {
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
    const readOne = async (bucket: { name: string; region: string }) => {
      const { Policy: text } = await clientFor(bucket.region).send(
        new GetBucketPolicyCommand({ Bucket: bucket.name }),
        {
          abortSignal: signal,
        },
      );
      const arn = `arn:${partition}:s3:::${bucket.name}`;
      return text === undefined ? undefined : policyOf('bucket policy', arn, text, [arn, `${arn}/*`]);
    };
    const arnOf = (bucket: { name: string }) => `arn:${partition}:s3:::${bucket.name}`;
    const read = await policiesOf(buckets, readOne, new Set(['NoSuchBucketPolicy', 'NoSuchBucket']), arnOf, signal);
    // Where each bucket is: a bucket ARN has no region, and its tags are asked in the bucket's own.
    return { ...read, bucketRegions: Object.fromEntries(buckets.map((bucket) => [arnOf(bucket), bucket.region])) };
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
