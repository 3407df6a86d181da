// Which actions create a new resource: the only writes the agent invariant lets a request tag make
// possible. Everything else (UpdateStack, PutObject, TagResource...) needs the resource itself tagged
// non-production, whatever tags the request carries, because an existing untagged resource sends no
// aws:ResourceTag and would otherwise look exactly like a new one.
//
// The rule is deliberately narrow (a missed create is only an over-block, a non-create taken for a create
// is a hole): a Write-level action for which the Service Authorization Reference lists
// aws:RequestTag/${TagKey} (on its own row or, as EC2 does, on one of its resource types), and whose name
// begins with a verb that makes something new:
//   Create    CreateTable, CreateStack, CreateBucket...
//   Run       ec2:RunInstances, ecs:RunTask (a new instance or task; the parent subnet or cluster is
//             still checked through its own aws:ResourceTag)
//   Allocate  ec2:AllocateAddress, ec2:AllocateHosts
//   Copy      ec2:CopyImage, ec2:CopySnapshot, rds:CopyDBSnapshot (a new copy; the source is not changed)
//   Import    ec2:ImportKeyPair, ec2:ImportImage, acm:ImportCertificate...
//   Restore...From / Restore...To  rds:RestoreDBInstanceFromDBSnapshot, dynamodb:RestoreTableFromBackup,
//             rds:RestoreDBClusterToPointInTime (each makes a new resource from a backup; only where the
//             action's own row lists aws:RequestTag, which leaves out EC2's Restore...FromRecycleBin)
// A Create* that adds an entry to an existing parent (ec2:CreateRoute, CreateNetworkAclEntry) counts as a
// create of the entry; such calls take no tags, so AWS sends no aws:RequestTag and the create exception
// cannot apply to them, and a production-tagged parent blocks them anyway.
// Left out on purpose: Put*, Register*, Start*, Associate*, Attach*, Update*, Modify*, and every other
// verb, even where some of their actions do create (they also cover in-place writes). Creates that the rule
// misses are listed in the coverage report as "creates agents cannot do even tagged non-production".
// Left out too: a create that the classification also files as delete, recreate, escalate or tamper
// (ec2:CreateReplaceRootVolumeTask, ec2:CreateLaunchTemplateVersion, dlm:CreateLifecyclePolicy). Those
// classes name damage to something that already exists (the instance whose root volume is replaced, the
// template that gets new user data); when that existing resource is untagged it sends no aws:ResourceTag,
// exactly like the new one, and the request tag on the new resource would vouch for it.
import type { Catalog, CatalogAction, DestructiveClass } from './types';
import { servicePatternMatches } from './read-patterns';

export const CREATE_VERBS = ['Create', 'Run', 'Allocate', 'Copy', 'Import'];

/**
 * Classes that describe what happens to a resource that already exists. `execute` is not among them: the
 * code it runs gets its permissions from a role the caller passes (iam:PassRole, which the agent guards
 * keep to agent roles) or from the caller itself.
 */
const EXISTING_RESOURCE_CLASSES: readonly DestructiveClass[] = ['delete', 'recreate', 'escalate', 'tamper'];

function listsRequestTag(keys: readonly string[]): boolean {
  return keys.some((k) => k.toLowerCase().startsWith('aws:requesttag/'));
}

/** Whether the action's row or one of its resource types lists aws:RequestTag (anywhere it may be sent). */
export function mayCarryRequestTag(action: CatalogAction): boolean {
  return listsRequestTag(action.conditionKeys) || action.resourceTypes.some((r) => listsRequestTag(r.conditionKeys));
}

function startsWithVerb(name: string, verb: string): boolean {
  return name.startsWith(verb) && !/[a-z]/.test(name.charAt(verb.length));
}

/**
 * A Write-level action that makes a new resource, can tag it in the same request, and changes nothing that
 * already exists (see above).
 */
export function isCreateAction(action: CatalogAction): boolean {
  if (action.accessLevel !== 'Write') return false;
  if (action.classes.some((c) => EXISTING_RESOURCE_CLASSES.includes(c))) return false;
  const { name } = action;
  if (CREATE_VERBS.some((verb) => startsWithVerb(name, verb))) return mayCarryRequestTag(action);
  // Restore only where the call itself takes tags for the new resource (its own row lists the key): EC2's
  // RestoreVolumeFromRecycleBin brings back an existing volume and is not a create.
  return (
    startsWithVerb(name, 'Restore') &&
    /^Restore[A-Za-z0-9]*(From|To)[A-Z]/.test(name) &&
    listsRequestTag(action.conditionKeys)
  );
}

/**
 * Tag writes that AWS authorizes as part of a create call and marks so (`ec2:CreateTags` with
 * `ec2:CreateAction`): the create statements must reach them or tag-on-create fails.
 */
export function isTagOnCreate(action: CatalogAction): boolean {
  return action.accessLevel === 'Tagging' && createActionKey(action) !== undefined;
}

/** The `<service>:CreateAction` key (lower-cased) an action or its resource types list, if any. */
export function createActionKey(action: CatalogAction): string | undefined {
  for (const keys of [action.conditionKeys, ...action.resourceTypes.map((r) => r.conditionKeys)]) {
    for (const key of keys) if (key.toLowerCase().endsWith(':createaction')) return key.toLowerCase();
  }
  return undefined;
}

/**
 * What a create statement (conditioned on aws:RequestTag) may safely reach: creates, tag-on-create (a
 * separate deny keeps other uses of it to non-production resources), and writes that never carry
 * aws:RequestTag (the condition can never hold for them); never a Read or List action.
 */
export function createPatternMayReach(action: CatalogAction): boolean {
  // Never a read: the SCP form is a Deny over the same patterns, and reads must stay open on production.
  if (action.accessLevel === 'Read' || action.accessLevel === 'List') return false;
  return isCreateAction(action) || isTagOnCreate(action) || !mayCarryRequestTag(action);
}

/**
 * What a compact create pattern may also match when a companion statement names the action exactly and
 * keeps it to non-production resources: other actions named like a create (`ec2:CreateNetworkInterface
 * Permission`, `iam:CreatePolicy`, filed under Permissions management). Lets `ec2:Create*` stand for 150
 * EC2 creates at the price of a short exact list.
 */
export function createLookalike(action: CatalogAction): boolean {
  return action.accessLevel !== 'Read' && action.accessLevel !== 'List' && startsWithVerb(action.name, 'Create');
}

export interface CreatePatternCheck {
  /** Actions in scope a pattern matches that it must not (writes carrying request tags, not creates). */
  readonly wrong: readonly { readonly pattern: string; readonly action: CatalogAction }[];
  /** Creates in scope the patterns reach, and those they miss (over-blocks). */
  readonly reached: readonly CatalogAction[];
  readonly missed: readonly CatalogAction[];
}

/**
 * Checks create `patterns` against every action of `services`; `exceptions` are the lookalikes a companion
 * statement denies by exact name (they must not be counted as wrong, and nothing else may be).
 */
export function checkCreatePatterns(
  catalog: Catalog,
  services: Iterable<string>,
  patterns: readonly string[],
  exceptions: readonly string[] = [],
): CreatePatternCheck {
  const excepted = new Set(exceptions.map((e) => e.toLowerCase()));
  const scope = [...new Set([...services].map((s) => s.toLowerCase()))].flatMap((s) => catalog.serviceActions(s));
  const wrong: { pattern: string; action: CatalogAction }[] = [];
  const reached: CatalogAction[] = [];
  const missed: CatalogAction[] = [];
  for (const action of scope) {
    const pattern = patterns.find((p) => servicePatternMatches(p, action));
    if (pattern && !createPatternMayReach(action) && !excepted.has(action.action.toLowerCase()))
      wrong.push({ pattern, action });
    if (isCreateAction(action)) (pattern ? reached : missed).push(action);
  }
  return { wrong, reached, missed };
}

/**
 * Creates whose request also names an existing resource that the call changes: the new resource's request
 * tag vouches for it when it is untagged (it sends no aws:ResourceTag, exactly like the new one), so the
 * agent layers deny them on an untagged resource of these types. Not classed delete, recreate, escalate or
 * tamper (which would take them out of the creates altogether and deny them for everyone on production):
 * with the existing resource tagged they are ordinary, useful creates.
 */
export const CREATES_CHANGING_EXISTING: readonly {
  readonly action: string;
  /** Resource types (Service Authorization Reference names) of the existing resources the call changes. */
  readonly existing: readonly string[];
  readonly why: string;
}[] = [
  { action: 'ec2:CreateImage', existing: ['instance'], why: 'reboots the instance unless the request sets NoReboot' },
  {
    action: 'rds:CreateBlueGreenDeployment',
    existing: ['db', 'cluster'],
    why: 'a switchover of the deployment, authorized on the deployment alone, replaces the source database',
  },
  {
    action: 'ec2:CreateVpcEndpoint',
    existing: ['route-table'],
    why: "a gateway endpoint adds routes to the route tables it names, and its policy then limits the VPC's traffic",
  },
];
