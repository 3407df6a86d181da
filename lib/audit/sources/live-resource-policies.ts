// The resource policies of a live account that can grant its own principals production writes with no identity
// policy: KMS key policies (in every region the account has enabled) and S3 bucket policies, read-only. A kind is
// kept only when every one of its policies was read; any failure is a reported problem, and the report then
// says that kind was not read (never an empty list that would read as "grants nothing").
import { GetKeyPolicyCommand, KMSClient, paginateListKeys } from '@aws-sdk/client-kms';
import { GetBucketPolicyCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { type AwsClientSettings, clientConfig, errorCode, resolveRegion } from './aws-clients';
import type { ResourcePolicy } from './snapshot';

/** Key or bucket policies read at the same time in one region. */
const POLICY_CONCURRENCY = 8;

export const KEY_POLICIES = 'KMS key policies';
export const BUCKET_POLICIES = 'S3 bucket policies';

/** A policy as the service returns it: JSON text, kept as text when it is not JSON (then unreadable, never none). */
export function policyDocument(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
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
        const answer = await kms.send(new GetKeyPolicyCommand({ KeyId: key.id, PolicyName: 'default' }), {
          abortSignal: signal,
        });
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
          if (errorCode(err) === 'NoSuchBucketPolicy') return;
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
