// A member account's root user as the access graph knows it: the node a root session (sts:AssumeRoot, graph edge
// `root-session`) leads to, and the principal the goal questions ask about. No identity policy or boundary limits
// a root user, so it is a principal allowed everything, which only its account's SCPs and RCPs narrow.
import type { Principal } from '../sources/snapshot';

/** The root user of an account, as a graph node and as the resource sts:AssumeRoot names. */
export function memberRootArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

/**
 * The task policy of the root session the path uses: IAMCreateRootUserPassword, which gives the root user a
 * password to sign in with. sts:AssumeRoot names it in sts:TaskPolicyArn, so a grant (or a Deny, an SCP) that
 * conditions on that key is decided for this task: a grant for S3UnlockBucketPolicy alone opens no such path.
 */
export function rootPasswordTaskArn(partition: string): string {
  return `arn:${partition}:iam::aws:policy/root-task/IAMCreateRootUserPassword`;
}

const EVERY_ACTION = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** The root user `arn` (memberRootArn) as a principal of its account, to compile with that account's snapshot. */
export function memberRootUser(arn: string): Principal {
  return {
    kind: 'user',
    arn,
    name: 'root',
    path: '/',
    tags: {},
    inlinePolicies: [{ name: 'root user (every action; only SCPs and RCPs limit it)', document: EVERY_ACTION }],
    managedPolicyArns: [],
    groups: [],
    serviceLinked: false,
  };
}

/** The root node of `accountId` the graph holds (a root session leads to it), in any partition; else undefined. */
export function reachedMemberRoot(
  graph: { has(arn: string): boolean },
  accountId: string,
  partitions: Iterable<string>,
): string | undefined {
  return reachedMemberNode(graph, accountId, partitions, memberRootArn);
}

/**
 * The node of a member account the graph holds, named by `arnOf` in one of `partitions` (or `aws`): an
 * organization does not span partitions, but the node is made in the caller's.
 */
export function reachedMemberNode(
  graph: { has(arn: string): boolean },
  accountId: string,
  partitions: Iterable<string>,
  arnOf: (partition: string, accountId: string) => string,
): string | undefined {
  for (const partition of new Set([...partitions, 'aws'])) {
    const arn = arnOf(partition, accountId);
    if (graph.has(arn)) return arn;
  }
  return undefined;
}
