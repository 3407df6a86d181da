// A member account's StackSets execution role as the access graph knows it: the node a service-managed stack set
// (graph edge `stack-set`) leads to, and the principal the goal questions ask about. With trusted access between
// CloudFormation StackSets and Organizations turned on, the management account's service-linked role
// AWSServiceRoleForCloudFormationStackSetsOrgAdmin assumes `stacksets-exec-*` in each member, a role StackSets
// makes there with administrator access; it deploys whatever template the stack set holds. Unlike a service-linked
// role it is an ordinary role of the member, so the member's SCPs and RCPs limit it (and an SCP that exempts
// `role/stacksets-exec-*` exempts it).
import type { AccountSnapshot, Principal } from '../sources/snapshot';
import { reachedMemberNode } from './member-root';

/** The role name StackSets gives the execution role: `stacksets-exec-` and a hash leash cannot know. */
const EXECUTION_ROLE_NAME = 'stacksets-exec-00000000000000000000000000000000';

/** The service-linked role trusted access makes in the management account. */
export const STACK_SETS_ORG_ADMIN_ROLE = 'AWSServiceRoleForCloudFormationStackSetsOrgAdmin';

/** What a path through a stack set needs where the management account's snapshot does not show trusted access. */
export const STACK_SETS_TRUSTED_ACCESS =
  `trusted access between CloudFormation StackSets and the organization (its service-linked role ` +
  `${STACK_SETS_ORG_ADMIN_ROLE} is not among the management account’s roles)`;

/** The execution role of `accountId`, as a graph node and as the principal its account compiles. */
export function memberStackSetRoleArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:role/${EXECUTION_ROLE_NAME}`;
}

/** Whether an ARN is such a node (memberStackSetRoleArn). */
export function isMemberStackSetRole(arn: string): boolean {
  return arn.endsWith(`:role/${EXECUTION_ROLE_NAME}`);
}

const EVERY_ACTION = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** The execution role `arn` (memberStackSetRoleArn) as a principal of its account: AdministratorAccess. */
export function memberStackSetRole(arn: string): Principal {
  return {
    kind: 'role',
    arn,
    name: EXECUTION_ROLE_NAME,
    path: '/',
    tags: {},
    inlinePolicies: [{ name: 'StackSets execution role (administrator access)', document: EVERY_ACTION }],
    managedPolicyArns: [],
    groups: [],
    serviceLinked: false,
  };
}

/** The execution role node of `accountId` the graph holds (a stack set leads to it), in any partition. */
export function reachedMemberStackSetRole(
  graph: { has(arn: string): boolean },
  accountId: string,
  partitions: Iterable<string>,
): string | undefined {
  return reachedMemberNode(graph, accountId, partitions, memberStackSetRoleArn);
}

/**
 * Whether trusted access for StackSets is on, as the management account's snapshot shows it: its service-linked
 * role is among the account's roles (authorization details list service-linked roles too).
 */
export function stackSetsTrustedAccess(snapshot: AccountSnapshot): boolean {
  return snapshot.principals.some((p) => p.kind === 'role' && p.name === STACK_SETS_ORG_ADMIN_ROLE);
}
