// The tags of the resources an account's policies name by ARN (named-resources.ts), read live with
// tag:GetResources, read-only. A resource it returns is known with all its tags (`AccountSnapshot.resources`): a
// grant on its ARN is then a certain write or deletion where it is production, not one that depends on the
// resource. GetResources does not return a resource that never had a tag, nor one of a type it does not cover:
// those stay unknown, as does every resource of a call that fails (a reported problem).
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { type AwsClientSettings, clientConfig, customEndpoint, errorCode, errorMessage, isAbort } from './aws-clients';
import type { ComputeInventoryRead } from './live-inventory';
import { namedResources, type NamedResources } from './named-resources';
import type { AccountSnapshot, ResourcePolicy, SnapshotProblem } from './snapshot';
import { firstFew } from '../../util/count-text';
import { compareText } from '../../util/text-order';

/** The most ARNs tag:GetResources takes in one call. */
const ARNS_PER_CALL = 100;

type KnownResource = NonNullable<AccountSnapshot['resources']>[number];

export interface ResourceTagsRead {
  /** The resources GetResources returned, with their tags, sorted by ARN. */
  readonly resources: KnownResource[];
  readonly problems: SnapshotProblem[];
}

/** Ask each region for the tags of the resources named there; never throws for AWS errors (they become problems). */
export async function readNamedResourceTags(
  settings: AwsClientSettings,
  accountId: string,
  named: NamedResources,
  signal?: AbortSignal,
): Promise<ResourceTagsRead> {
  const resources: KnownResource[] = [];
  const problems: SnapshotProblem[] = [];
  if (named.leftOut > 0) {
    problems.push({
      where: `tag:GetResources (${accountId})`,
      message:
        `the policies name more than ${named.limit} resources by ARN, the most read for an account of this ` +
        `size (each is asked for every principal); the tags of ${named.leftOut} were not read, so a grant on ` +
        'one of them stays one that depends on the resource',
    });
  }
  await Promise.all(
    [...named.byRegion].map(async ([region, arns]) => {
      const client = new ResourceGroupsTaggingAPIClient({
        ...clientConfig(settings, region),
        ...customEndpoint(settings.endpoints?.tagging),
      });
      /**
       * One call for `batch`. A batch the service refuses as a bad parameter (an ARN it does not take) is asked
       * again in halves, so one such ARN leaves only itself unknown, not the hundred asked with it.
       */
      const ask = async (batch: readonly string[]): Promise<void> => {
        try {
          const answer = await client.send(new GetResourcesCommand({ ResourceARNList: [...batch] }), {
            abortSignal: signal,
          });
          const asked = new Set(batch);
          for (const mapping of answer.ResourceTagMappingList ?? []) {
            // Only what was asked: an answer about another ARN says nothing of the ones named.
            if (!mapping.ResourceARN || !asked.has(mapping.ResourceARN)) continue;
            const tags: Record<string, string> = {};
            for (const tag of mapping.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
            resources.push({ arn: mapping.ResourceARN, tags });
          }
        } catch (err) {
          if (isAbort(err, signal)) throw err;
          if (errorCode(err) === 'InvalidParameterException' && batch.length > 1) {
            const half = Math.ceil(batch.length / 2);
            await ask(batch.slice(0, half));
            await ask(batch.slice(half));
            return;
          }
          problems.push({
            where: `tag:GetResources (${accountId}, ${region})`,
            message:
              `${errorMessage(err)}; the tags of ${batch.length} resource(s) the policies name are unknown ` +
              `(${firstFew(batch, 3)}), so a grant on one of them ` +
              'stays one that depends on the resource',
          });
        }
      };
      try {
        for (let start = 0; start < arns.length; start += ARNS_PER_CALL)
          await ask(arns.slice(start, start + ARNS_PER_CALL));
      } finally {
        client.destroy();
      }
    }),
  );
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
  resources.sort((a, b) => compareText(a.arn, b.arn));
  problems.sort((a, b) => compareText(a.where, b.where));
  return { resources, problems };
}

/**
 * The snapshot fields a live read of one account gains from the tags of the resources its policies name: the
 * resources known by ARN, and the problems of the read.
 */
export async function liveResourceTags(
  settings: AwsClientSettings,
  snapshot: Pick<AccountSnapshot, 'accountId' | 'principals' | 'managedPolicies'>,
  compute: ComputeInventoryRead,
  resourcePolicies: readonly ResourcePolicy[],
  signal?: AbortSignal,
): Promise<{ resources?: KnownResource[]; problems: SnapshotProblem[] }> {
  const named = namedResources(snapshot, resourcePolicies, compute.inventory.regions, compute.bucketRegions);
  if (named.byRegion.size === 0 && named.leftOut === 0) return { problems: [] };
  const read = await readNamedResourceTags(settings, snapshot.accountId, named, signal);
  return { ...(read.resources.length > 0 ? { resources: read.resources } : {}), problems: read.problems };
}
