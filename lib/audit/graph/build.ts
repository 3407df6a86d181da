// Builds the access graph of one account or a whole organization snapshot: every edge decided by the
// evaluator (identity ∩ boundary ∩ SCPs, minus denies) and, for roles, by the trust policy; escalation paths
// resolved against the roles, users, groups and policies that exist. Pure: no I/O.
import {
  dependsOnCallerPick,
  picksBeyondRegion,
  sendsTags,
  withCallerPick,
  withoutSourceIdentityPicks,
  type CallerPick,
} from '../evaluate/caller-picks';
import { principalOrgPathCandidates } from '../evaluate/org-paths';
import type { Catalog, CatalogAction } from '../../catalog/types';
import { compileAccount } from '../evaluate';
import { roleFromResourceKey } from '../../catalog/role-from-resource';
import type { ActionDecision, CompiledAccount, CompiledPrincipal, RequestContext } from '../evaluate/types';
import { MAYBE, NO, YES, type Tri } from '../evaluate/tri';
import { evidenceKey, type Evidence } from '../findings';
import { idOf, memoized } from '../../util/memo';
import { patternNames, patternNamesRoot } from '../../policy/principals';
import { partitionOf } from '../../policy/resource';
import type { NormalizedStatement } from '../../policy/types';
import type { AccountSnapshot, Principal } from '../sources/snapshot';
import { principalLookup } from '../sources/principal-lookup';
import { shareParseCache } from '../sources/parse-cache';
import { REWRITE_SAMPLE, type Rewrite, type SelfEscalation } from './escalation';
import { ESCALATION_PATHS, type EscalationPath } from './escalation-paths';
import { memberRootArn, rootPasswordTaskArn } from './member-root';
import { denyingGroups, denyingInlinePolicies, denyingManagedPolicies } from './deny-policies';
import { memberStackSetRoleArn, STACK_SETS_TRUSTED_ACCESS, stackSetsTrustedAccess } from './member-stack-set';
import {
  principalTagChoices,
  principalTagKeysRead,
  tagSpellings,
  withChosenTags,
  type ProductionTags,
} from './tag-choices';
import { sessionPickFor, type SessionPick } from './session-picks';
import type { PrincipalFacts } from '../evaluate/context';
import { combine, statementEvidence, union, type Combined } from './evidence';
import { AccessGraph, type HalfEdge } from './graph';
import {
  MODELLED_SERVICES,
  PATH_RESOLUTIONS,
  servicePrefixOf,
  UNMODELLED_RUN_PATH,
  UNMODELLED_SERVICE_PATH,
  type InventoryKind,
  type PathResolution,
  type RewriteTarget,
} from './resolutions';
import {
  resolveTargets,
  TargetIndex,
  withResource,
  type Resolved,
  type TargetClasses,
  type TargetGroup,
} from './targets';
import {
  answerConditions,
  callerFacts,
  partyIncludes,
  roleSamlTrusts,
  roleTrust,
  type SamlTrust,
  SESSION_VALUE_ACTIONS,
  sessionValueAction,
  sessionTagGrant,
  sessionTagsAllowed,
  sessionTrust,
  sessionValuesAsked,
  trustDenies,
  trustStatementEvidence,
  type Passed,
  type SessionAction,
  type SessionTrust,
  type SessionValues,
  UNREADABLE_TRUST,
  type ConditionFacts,
  type ParsedTrust,
  type TrustGrant,
} from './trust';
import { describePath, shortName, type EdgeKind } from './types';

export interface GraphAccount {
  readonly snapshot: AccountSnapshot;
  readonly account: CompiledAccount;
}

export interface GraphOptions {
  readonly catalog: Catalog;
  /** Date conditions are answered at this time. @default new Date() */
  readonly now?: Date;
  /** Organization id of an account, for aws:PrincipalOrgID in trust policies. @default unknown */
  readonly organizationOf?: (accountId: string) => string | undefined;
  /**
   * `actions` narrowed to those some identity Allow of the principal names (the rest are implicitly denied):
   * an exact shortcut the audit already has (AccountAnalysis.restrict). @default every action is asked
   */
  readonly restrict?: (principal: Principal, actions: readonly CatalogAction[]) => readonly CatalogAction[];
  /**
   * Caller picks worth asking an edge's actions with (AccountAnalysis.productionPicks): the caller picks the
   * request's region, where it calls from and how, so an edge that depends only on those (a region deny, a
   * network perimeter SCP) is taken with a pick that lets its every action through, and its evidence names
   * the pick. A pick of a source identity is not taken: a principal on a path is reached from a caller whose
   * session may carry one, which passes down the chain. @default none: such edges depend on the keys
   */
  readonly picksOf?: (principal: Principal) => readonly CallerPick[];
  /**
   * The tag sets the principal may send with a request that carries tags (AccountAnalysis.tagSends): an
   * escalation path whose actions depend on the request's tags (an ABAC grant to create a role or a function
   * tagged owner=me) is taken with a set that lets its every action through, named in its evidence.
   * @default none: such paths depend on the tags
   */
  readonly tagSendsOf?: (principal: Principal) => readonly CallerPick[];
  /**
   * What marks a production resource: a principal that may choose its tags (a tag write on itself, session tags)
   * and whose statements compare a resource's production tag with one of its own chooses the production value.
   * @default such comparisons are not weighed
   */
  readonly productionTags?: ProductionTags;
}

const ASSUME = 'sts:AssumeRole';
/**
 * The service a role whose trust cannot be read may trust: any. iam:PassRole to it is asked with no
 * iam:PassedToService (the service is unknown), and its general edge needs only iam:PassRole.
 */
const ANY_SERVICE = 'any service (the trust policy could not be read)';
const ASSUME_ROOT = 'sts:AssumeRoot';

/**
 * Decisions made with `pick`, with each Deny that stopped being a question so (it depended on a picked key in
 * `unknown`, the same actions' decisions with those keys unknown) as a note: an edge's evidence then says
 * which pick it is taken with and what that pick escapes.
 */
function withPickNotes(
  there: readonly ActionDecision[],
  unknown: readonly ActionDecision[],
  pick: CallerPick,
): ActionDecision[] {
  const sends = sendsTags(pick);
  return there.map((decision, i) => {
    const notes = unknown[i].deniedBy.filter(dependsOnPickOrTags).map((ref) => ({ ...ref, note: pickNote(pick) }));
    // A grant the tags sent meet (an ABAC grant on aws:RequestTag) says which tags.
    const met = sends ? new Set(unknown[i].allowedBy.filter(dependsOnRequestTags).map(evidenceKey)) : undefined;
    const note = `met by a request ${pick.label}, which the caller may pick`;
    const allowedBy =
      met && met.size > 0
        ? decision.allowedBy.map((ref) => (met.has(evidenceKey(ref)) ? { ...ref, note } : ref))
        : decision.allowedBy;
    return notes.length === 0 && allowedBy === decision.allowedBy
      ? decision
      : { ...decision, allowedBy: [...allowedBy, ...notes] };
  });
}

/** `make`'s value, made on the first call only. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/** What a Deny escaped by a caller pick says in an edge's evidence. */
function pickNote(pick: CallerPick): string {
  return !picksBeyondRegion(pick)
    ? `does not apply to a request to ${pick.region}, a region the caller may name (aws:RequestedRegion)`
    : `does not apply to a request made ${pick.label}, which the caller may pick`;
}

/** A condition key on the target's account or organization, which a resource perimeter SCP reads. */
function isResourceOwnerKey(key: string): boolean {
  const lower = key.toLowerCase();
  return lower === 'aws:resourceaccount' || lower === 'aws:resourceorgid';
}
/** Notes on an edge that needed no sts grant of the caller's own. */
const NAMES_CALLER = 'names the caller in its own account: no sts grant needed';
const NAMES_EVERYONE = 'names everyone ("*"), the caller included, in its own account: no sts grant needed';
const MAY_NAME_EVERYONE = 'could not be read: it may name everyone in its own account, where no sts grant is needed';
/** The identity Allow a caller named in a trust is probed with (see namedIdentity). */
/** Trusts decided caller by caller, in one account, from which a caller reaches their roles through hubs. */
const CALLER_TRUST_HUB_MIN = 16;

/**
 * The trusts decided caller by caller: of everyone in the caller's account (no sts grant of its own needed), of
 * its account with conditions on the caller or Denies, or of everyone in another account (its own grant needed).
 */
type CallerTrustKind = 'everyone' | 'per-caller' | 'everyone-elsewhere';

/** An account's trusts of one CallerTrustKind (GraphBuilder.callerTrusts). */
interface CallerTrustIndex {
  readonly grants: readonly TrustGrant[];
  readonly byRole: ReadonlyMap<string, readonly TrustGrant[]>;
  /** What each grant's trust says, apart from place and Sid (`own:` for one linked role by role). */
  readonly trustClass: ReadonlyMap<TrustGrant, string>;
  readonly trustNumber: ReadonlyMap<string, number>;
  /** The roles, with their tags. */
  readonly targets: TargetIndex;
  /** Made by trustBuckets, per set of classes of the roles. */
  readonly buckets: WeakMap<TargetClasses, readonly TrustClassBuckets[]>;
}

/** One class of roles a caller cannot tell apart: a grant to ask its own sts grant on, and the grants by trust. */
interface TrustClassBuckets {
  readonly first: TrustGrant;
  readonly buckets: readonly { readonly grants: readonly TrustGrant[]; readonly hub: string | undefined }[];
}

const ASSUME_GRANT = {
  name: 'leash-graph-named-in-trust',
  // With what a caller may pass beside (session tags, a source identity), which a trust naming it allows alike.
  document: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: [ASSUME, ...SESSION_VALUE_ACTIONS], Resource: '*' }],
  },
} as const;

/**
 * An IAM write on other principals' permissions, kept whole until every edge is made: the writer escalates when
 * it can also act as one of the principals the write raises (pathfinding.cloud iam-014 to iam-021: AttachRolePolicy
 * and sts:AssumeRole on one role, PutUserPolicy and CreateAccessKey on one user, CreatePolicyVersion of a policy a
 * role it can assume holds, ...).
 */
interface PendingRewrite {
  readonly rewrite: Rewrite;
  /** The write's other actions, decided for the writer. */
  readonly others: readonly ActionDecision[];
  /** The decision of the write on the target through which it raises principal `arn`; undefined: it does not. */
  readonly raises: (arn: string) => ActionDecision | undefined;
}

/** A caller's facts, and whether (how surely) it may set its own tags (see canTagItself). */
/** What a caller that passes session tags to a role gains: the tags its statements ask for, and the trust's grant. */
interface SessionTagTarget {
  readonly tags: string;
  /** The tags to pass, one set per spelling of their keys (tagSpellings). */
  readonly requestTags: readonly Readonly<Record<string, string>>[];
  readonly evidence: Evidence;
}

type Caller = ReturnType<typeof callerFacts> & {
  readonly tagging?: 'allowed' | 'depends';
  /**
   * It may surely remove its own tags (iam:UntagRole / iam:UntagUser allowed on itself), and these are the
   * principal tag keys its own policies read (they decide as they did without the tag only if not among them).
   */
  readonly untagging?: { readonly keysItReads: ReadonlySet<string> };
  /** Who picks the tags: the principal (a tag write on itself) or whoever assumes it (session tags). */
  readonly taggedBy?: 'itself' | 'session';
  /** The caller's own side of passing session values to the grant's role (its identity policies, SCPs). */
  readonly mayPass?: (action: SessionAction, grant: TrustGrant, via: SessionTrust['via'], passed: Passed) => Tri;
  /**
   * Answers about this caller that hold for every role whose trust says the same (keyed by the shared parsed
   * statements): an account of thousands of roles trusting it alike asks each once, not once per role.
   */
  readonly memo?: Map<string, unknown>;
};

/** How many of the functions, instances or tasks running as a role an edge names. */
const RUNS_ON_SAMPLE = 3;
const WRITE_LEVELS = new Set(['Write', 'Permissions management', 'Tagging']);

/**
 * The request context every graph question starts from: a session issued at the audit time (a caller can always
 * start a new one). aws:CurrentTime is answered by each compiled principal from the audit time on (audit-time.ts).
 */
export function auditTimeContext(now: Date): RequestContext {
  return { contextKeys: { 'aws:tokenissuetime': [now.toISOString()] } };
}

interface AccountIndex {
  readonly graph: GraphAccount;
  readonly accountId: string;
  readonly principals: readonly Principal[];
  readonly byArn: ReadonlyMap<string, Principal>;
  readonly groupsByName: ReadonlyMap<string, Principal>;
  readonly groupsByArn: ReadonlyMap<string, Principal>;
  /** Non service-linked roles by the service principals their trust names. */
  readonly serviceRoles: ReadonlyMap<string, { role: Principal; grant: TrustGrant }[]>;
  /** Roles whose trust could not be read: it may name any service (each edge depends on it). */
  readonly anyServiceRoles: readonly { role: Principal; grant: TrustGrant }[];
  /** The SAML providers some role's trust names, and those trusts by lower-cased provider ARN. */
  readonly samlProviders: TargetIndex;
  readonly samlTrusts: ReadonlyMap<string, readonly SamlTrust[]>;
  readonly roles: TargetIndex;
  readonly users: TargetIndex;
  readonly groups: TargetIndex;
  /** Customer managed policies of the account attached to someone, with their holders (users via groups too). */
  readonly policyHolders: ReadonlyMap<string, string[]>;
  /**
   * Customer managed policies used as a permissions boundary, with the roles and users that carry them: a new
   * version of one widens the boundary of each (it is no attachment, so not among policyHolders).
   */
  readonly boundaryUsers: ReadonlyMap<string, string[]>;
  readonly policies: TargetIndex;
  /** The customer managed policies each principal holds (directly or through its groups). */
  readonly heldPolicies: ReadonlyMap<string, string[]>;
  readonly rolesWithBoundary: TargetIndex;
  readonly usersWithBoundary: TargetIndex;
  /**
   * From the live compute inventory: for each list that was read completely, the compute running as each role
   * (by lower-cased role ARN). A kind that is absent is unknown: its hops stay unresolved.
   */
  readonly runningAs: Partial<Record<InventoryKind, ReadonlyMap<string, readonly string[]>>>;
}

/** A service principal no path models, as the general rules see it (see unmodelledServiceEdges). */
interface UnmodelledService {
  /** Its Write actions; undefined when the catalog does not know the service. */
  readonly writes?: readonly CatalogAction[];
  /** Its actions that run code or commands with a resource's role (the catalog's `execute` class). */
  readonly runs: readonly CatalogAction[];
  readonly paths: Map<string, EscalationPath>;
}

/** One service of a pass-role or run-code path in one account: the roles that trust it, the same for every caller. */
class ServiceHop {
  private byRole?: Map<string, { role: Principal; grant: TrustGrant }>;
  private readonly halves = new Map<string, HalfEdge | undefined>();

  constructor(
    readonly service: string,
    readonly hubName: string,
    readonly targets: readonly { role: Principal; grant: TrustGrant }[],
    private readonly targetHalf: (role: Principal, grant: TrustGrant) => HalfEdge | undefined,
    /** Pass-role only: the targets the caller's iam:PassRole is resolved against. */
    readonly passTargets?: TargetIndex,
  ) {}

  /** The target's side of an edge, made once; undefined when the trust's conditions never let the service in. */
  out(arn: string): HalfEdge | undefined {
    if (!this.halves.has(arn)) {
      // Each role is listed once per service (see serviceRoles).
      this.byRole ??= new Map(this.targets.map((t) => [t.role.arn, t]));
      const { role, grant } = this.byRole.get(arn)!;
      this.halves.set(arn, this.targetHalf(role, grant));
    }
    return this.halves.get(arn);
  }
}

/**
 * Each role's compute of one inventory list: `rolesOf` names the roles an item runs as (ARNs, any case), and the
 * item is named by `id`. Undefined when the list is not known.
 */
function byRole<T>(
  items: readonly T[] | undefined,
  rolesOf: (item: T) => readonly (string | undefined)[],
  id: (item: T) => string,
): Map<string, string[]> | undefined {
  if (!items) return undefined;
  const map = new Map<string, string[]>();
  for (const item of items) {
    for (const role of rolesOf(item)) if (role) push(map, role.toLowerCase(), id(item));
  }
  return map;
}

/** The compute each role runs on, per inventory list that is known (see AccountIndex.runningAs). */
function runningAsOf(snapshot: AccountSnapshot, roles: readonly Principal[]): AccountIndex['runningAs'] {
  const inventory = snapshot.inventory;
  if (!inventory) return {};
  const arn = (item: { readonly arn: string }) => item.arn;
  const roleArn = (item: { readonly roleArn?: string }) => [item.roleArn];
  // Glue gives a job's role by name or ARN; a job that pins its script runs no other.
  const byName = new Map(roles.map((role) => [role.name.toLowerCase(), role.arn]));
  const anyGlueRole = (job: NonNullable<typeof inventory.glueJobs>[number]) => [
    job.role?.startsWith('arn:') ? job.role : byName.get(job.role?.toLowerCase() ?? ''),
  ];
  const glueRole = (job: NonNullable<typeof inventory.glueJobs>[number]) => (job.scriptPinned ? [] : anyGlueRole(job));
  const lists: Partial<Record<InventoryKind, Map<string, string[]> | undefined>> = {
    'lambda-functions': byRole(inventory.lambdaFunctions, (fn) => [fn.role], arn),
    'notebook-instances': byRole(inventory.notebookInstances, roleArn, arn),
    'batch-job-definitions': byRole(inventory.jobDefinitions, (definition) => definition.roleArns, arn),
    'state-machines': byRole(inventory.stateMachines, roleArn, arn),
    'express-state-machines': byRole(inventory.stateMachines, (m) => (m.express ? [m.roleArn] : []), arn),
    codepipelines: byRole(inventory.codePipelines, roleArn, arn),
    'codebuild-projects': byRole(inventory.codeBuildProjects, roleArn, arn),
    'glue-jobs': byRole(inventory.glueJobs, glueRole, arn),
    'glue-job-roles': byRole(inventory.glueJobs, anyGlueRole, arn),
    'cloudformation-stacks': byRole(inventory.cloudFormationStacks, roleArn, arn),
    'ecs-exec-tasks': byRole(
      inventory.ecsTasks,
      (task) => (task.executeCommandEnabled ? [task.taskRoleArn] : []),
      (task) => task.taskArn,
    ),
  };
  const out: AccountIndex['runningAs'] = {};
  for (const [kind, map] of Object.entries(lists) as [InventoryKind, Map<string, string[]> | undefined][]) {
    if (map) out[kind] = map;
  }
  if (inventory.instanceProfileAssociations) {
    // Instance profile names are unique in an account; the profile ARN ends with its name.
    const byProfile = new Map<string, string[]>();
    for (const association of inventory.instanceProfileAssociations) {
      const name = association.instanceProfileArn.slice(association.instanceProfileArn.lastIndexOf('/') + 1);
      push(byProfile, name, `${association.region}/${association.instanceId}`);
    }
    out['instance-profiles'] = byRole(
      roles.flatMap((role) =>
        (role.instanceProfiles ?? []).flatMap((profile) =>
          (byProfile.get(profile) ?? []).map((instance) => ({ role, instance })),
        ),
      ),
      (entry) => [entry.role.arn],
      (entry) => entry.instance,
    );
  }
  return out;
}

function indexAccount(graph: GraphAccount): AccountIndex {
  const { snapshot } = graph;
  const principals = snapshot.principals.filter((p) => p.kind !== 'group');
  const groups = snapshot.principals.filter((p) => p.kind === 'group');
  const groupsByName = new Map(groups.map((g) => [g.name, g]));
  const serviceRoles = new Map<string, { role: Principal; grant: TrustGrant }[]>();
  const anyServiceRoles: { role: Principal; grant: TrustGrant }[] = [];
  for (const role of principals) {
    if (role.kind !== 'role' || role.serviceLinked) continue;
    for (const grant of roleTrust(snapshot, role).grants) {
      if (grant.unreadable) anyServiceRoles.push({ role, grant });
      if (grant.party.kind !== 'service') continue;
      // Roles are read one after the other: a role already listed for this service is the list's last entry.
      const list = serviceRoles.get(grant.party.service);
      if (!list) serviceRoles.set(grant.party.service, [{ role, grant }]);
      else if (list[list.length - 1].role !== role) list.push({ role, grant });
    }
  }
  const samlTrusts = new Map<string, SamlTrust[]>();
  const samlProviderArns: string[] = [];
  for (const role of principals) {
    if (role.kind !== 'role' || role.serviceLinked) continue;
    for (const trust of roleSamlTrusts(snapshot, role)) {
      const key = trust.provider.toLowerCase();
      if (!samlTrusts.has(key)) samlProviderArns.push(trust.provider);
      push(samlTrusts, key, trust);
    }
  }
  const awsManaged = new Set(snapshot.managedPolicies.filter((p) => p.awsManaged).map((p) => p.arn));
  const policyHolders = new Map<string, string[]>();
  // Told once per policy, not per holder: one policy may be attached to thousands of roles.
  const changeable = new Map<string, boolean>();
  const isChangeable = (policyArn: string) => {
    let mine = changeable.get(policyArn);
    if (mine === undefined) {
      // AWS managed policies cannot be changed by anyone in the account.
      mine = !awsManaged.has(policyArn) && !/^arn:aws[a-z-]*:iam::aws:policy\//.test(policyArn);
      changeable.set(policyArn, mine);
    }
    return mine;
  };
  const hold = (policyArn: string, holder: string) => {
    if (!isChangeable(policyArn)) return;
    // Holders are read one after the other: one already listed for this policy is the list's last entry (a
    // linear search would make a policy attached to thousands of roles quadratic).
    const list = policyHolders.get(policyArn);
    if (!list) policyHolders.set(policyArn, [holder]);
    else if (list[list.length - 1] !== holder) list.push(holder);
  };
  for (const principal of principals) {
    for (const arn of principal.managedPolicyArns) hold(arn, principal.arn);
    for (const name of principal.groups) {
      for (const arn of groupsByName.get(name)?.managedPolicyArns ?? []) hold(arn, principal.arn);
    }
  }
  const live = principals.filter((p) => !p.serviceLinked);
  // Conditions on a role's or user's own tags (aws:ResourceTag, iam:ResourceTag) are answered from the snapshot.
  const principalByArn = new Map(principals.map((p) => [p.arn, p]));
  const tagsOf = (arn: string) => principalByArn.get(arn)?.tags;
  const heldPolicies = new Map<string, string[]>();
  for (const [policy, holders] of policyHolders) for (const holder of holders) push(heldPolicies, holder, policy);
  const boundaryUsers = new Map<string, string[]>();
  for (const principal of live) {
    const boundary = principal.permissionsBoundaryArn;
    if (boundary && isChangeable(boundary)) push(boundaryUsers, boundary, principal.arn);
  }
  return {
    heldPolicies,
    boundaryUsers,
    graph,
    accountId: snapshot.accountId,
    principals,
    byArn: principalByArn,
    groupsByName,
    groupsByArn: new Map(groups.map((g) => [g.arn, g])),
    serviceRoles,
    anyServiceRoles,
    samlProviders: new TargetIndex(samlProviderArns),
    samlTrusts,
    roles: new TargetIndex(
      live.filter((p) => p.kind === 'role').map((p) => p.arn),
      tagsOf,
    ),
    users: new TargetIndex(
      live.filter((p) => p.kind === 'user').map((p) => p.arn),
      tagsOf,
    ),
    groups: new TargetIndex(groups.map((g) => g.arn)),
    policyHolders,
    policies: new TargetIndex(new Set([...policyHolders.keys(), ...boundaryUsers.keys()])),
    rolesWithBoundary: new TargetIndex(
      live.filter((p) => p.kind === 'role' && p.permissionsBoundaryArn).map((p) => p.arn),
      tagsOf,
    ),
    usersWithBoundary: new TargetIndex(
      live.filter((p) => p.kind === 'user' && p.permissionsBoundaryArn).map((p) => p.arn),
      tagsOf,
    ),
    runningAs: runningAsOf(
      snapshot,
      principals.filter((p) => p.kind === 'role'),
    ),
  };
}

/** What taking another principal's Deny away does, said of that principal (after "act as it, then"). */
const OTHERS_DENY_REMOVAL: Readonly<Record<DenyPolicies, string>> = {
  inline: 'delete its inline policy that holds a Deny statement',
  managed: 'detach its managed policy that holds a Deny statement',
  group: 'remove it from its group whose policies hold a Deny statement',
  'group-inline': 'delete an inline policy of its group that holds a Deny statement',
  'group-managed': 'detach a managed policy of its group that holds a Deny statement',
};

type DenyPolicies = Extract<PathResolution, { kind: 'remove-deny' }>['policies'];

/**
 * The roles or users (not service-linked) holding a Deny of one kind that a write may take away: `principals`,
 * in the snapshot's order; `targets`, what the write is decided on (the principals themselves, or for leaving a
 * group the groups holding one); `through(arn)`, the targets whose write takes a Deny away from `arn`.
 */
interface DenyHolders {
  readonly principals: readonly string[];
  readonly targets: TargetIndex;
  through(arn: string): readonly string[];
  /** The principals a write on `target` takes a Deny away from. */
  raisedBy(target: string): readonly string[];
}

const denyHoldersOf = new WeakMap<AccountIndex, Map<string, DenyHolders>>();

function denyHolders(index: AccountIndex, kind: 'role' | 'user', policies: DenyPolicies): DenyHolders {
  let byKind = denyHoldersOf.get(index);
  if (!byKind) denyHoldersOf.set(index, (byKind = new Map()));
  const key = `${kind}:${policies}`;
  let found = byKind.get(key);
  if (found) return found;
  const snapshot = index.graph.snapshot;
  const live = index.principals.filter((p) => p.kind === kind && !p.serviceLinked);
  if (policies === 'group' || policies === 'group-inline' || policies === 'group-managed') {
    const which = policies === 'group' ? 'any' : policies === 'group-inline' ? 'inline' : 'managed';
    const groupsOf = new Map<string, string[]>();
    for (const user of live) {
      const arns = denyingGroups(snapshot, user, which)
        .map((name) => index.groupsByName.get(name)?.arn)
        .filter((arn): arn is string => arn !== undefined);
      if (arns.length > 0) groupsOf.set(user.arn, arns);
    }
    const members = new Map<string, string[]>();
    for (const [user, arns] of groupsOf) for (const group of arns) push(members, group, user);
    found = {
      principals: [...groupsOf.keys()],
      targets: new TargetIndex(members.keys()),
      through: (arn) => groupsOf.get(arn) ?? [],
      raisedBy: (group) => members.get(group) ?? [],
    };
  } else {
    const denying = policies === 'inline' ? denyingInlinePolicies : denyingManagedPolicies;
    const arns = live.filter((p) => denying(snapshot, p).length > 0).map((p) => p.arn);
    const targets = new TargetIndex(arns, (arn) => index.byArn.get(arn)?.tags);
    const self = (arn: string) => (targets.has(arn) ? [arn] : []);
    found = { principals: arns, targets, through: self, raisedBy: self };
  }
  byKind.set(key, found);
  return found;
}

function half(kind: EdgeKind, actions: readonly string[], combined: Combined, extra: Partial<HalfEdge> = {}): HalfEdge {
  return {
    kind,
    actions,
    decision: combined.decision,
    dependsOn: combined.dependsOn,
    evidence: combined.evidence,
    ...extra,
  };
}

/** Builds the graph. See the module comment; `graph.edgeCount` grows with principals plus targets. */
export function buildAccessGraph(accounts: readonly GraphAccount[], options: GraphOptions): AccessGraph {
  return new GraphBuilder(accounts, options).build();
}

class GraphBuilder {
  private readonly graph: AccessGraph;
  private readonly indexes: AccountIndex[];
  private readonly byArn = new Map<string, { principal: Principal; index: AccountIndex }>();
  private readonly facts: ConditionFacts;
  private readonly time: RequestContext;
  /**
   * The audit time for questions whose target may be in any account (which roles, or which member accounts'
   * root users, a principal may reach): aws:ResourceAccount and aws:ResourceOrgID stay unknown there, where
   * `time` answers them with the principal's own account (RequestContext.resourceAccount).
   */
  private readonly anyAccount: RequestContext;
  private readonly pathActions: CatalogAction[];
  /** Where each action of pathActions is, by its catalog name. */
  private readonly pathSlotOf = new Map<string, number>();
  /** Each escalation path's actions as slots of pathActions (-1: not in the catalog), by path. */
  private readonly pathSlots: readonly (readonly number[])[];
  /** iam:PassRole's slot of pathActions (-1: not in the catalog): the general pass-role rule starts from it. */
  private readonly passRoleSlot: number;
  /** Trust grants naming one principal (or its role sessions), by the principal's ARN. */
  private readonly named = new Map<string, TrustGrant[]>();
  /** Trust grants of an account (root or id) without conditions on the caller, by trusted account. */
  private readonly accountGrants = new Map<string, TrustGrant[]>();
  /** Trusts of an account whose conditions read only session values besides what every caller shares. */
  private readonly sessionGrants = new Map<string, TrustGrant[]>();
  /** Each distinct set of session grants a caller passes alike, by its key: the group of its hub. */
  private readonly sessionGroups = new Map<string, string>();
  /** Trust grants decided per caller: conditions on the caller, or everyone. */
  private readonly perCaller = new Map<string, TrustGrant[]>();
  private readonly everyone: TrustGrant[] = [];
  /** Accounts with a role whose trust names everyone: each of their principals is probed (see namedIdentity). */
  private readonly everyoneAccounts = new Set<string>();
  /** Every write of the catalog, made on first use (making every catalog action is most of an empty account's graph). */
  private writeActionList?: CatalogAction[];
  private readonly hubTargets = new Map<string, TargetIndex>();
  /** Rewrites of others by writer ARN, weighed once the graph is whole (see PendingRewrite). */
  private readonly pendingRewrites = new Map<string, PendingRewrite[]>();
  /**
   * Deletions or detachments of others' Deny-holding policies by writer ARN, resolved only after the rewrites and
   * for a writer they may still raise (which principals hold a Deny is read from the snapshot on first need).
   */
  private readonly pendingDenyRemovals = new Map<string, (() => PendingRewrite | undefined)[]>();

  constructor(
    accounts: readonly GraphAccount[],
    private readonly options: GraphOptions,
  ) {
    const now = options.now ?? new Date();
    this.graph = new AccessGraph(now, options.productionTags);
    const orgPaths = new Map(
      accounts.map(({ snapshot }) => [
        snapshot.accountId,
        principalOrgPathCandidates(snapshot, options.organizationOf?.(snapshot.accountId)),
      ]),
    );
    this.facts = { now, organizationOf: options.organizationOf, orgPathsOf: (accountId) => orgPaths.get(accountId) };
    this.time = auditTimeContext(now);
    this.pathContext = this.time;
    this.anyAccount = { ...this.time, resourceAccount: 'any' };
    this.indexes = accounts.map(indexAccount);
    const names = new Set(ESCALATION_PATHS.flatMap((p) => p.actions));
    this.pathActions = [...names].map((n) => options.catalog.get(n)).filter((a): a is CatalogAction => !!a);
    // Decisions are held by slot, not by lower-cased name: a name lookup (and a string) per decision and path.
    const slotOfLower = new Map<string, number>();
    this.pathActions.forEach((action, slot) => {
      if (!slotOfLower.has(action.action.toLowerCase())) slotOfLower.set(action.action.toLowerCase(), slot);
      this.pathSlotOf.set(action.action, slotOfLower.get(action.action.toLowerCase())!);
    });
    this.pathSlots = LOWER_PATH_ACTIONS.map((actions) => actions.map((action) => slotOfLower.get(action) ?? -1));
    this.passRoleSlot = slotOfLower.get('iam:passrole') ?? -1;
  }

  private get writeActions(): CatalogAction[] {
    this.writeActionList ??= this.options.catalog.actions.filter((a) => WRITE_LEVELS.has(a.accessLevel));
    return this.writeActionList;
  }

  build(): AccessGraph {
    for (const index of this.indexes) {
      for (const principal of index.principals) {
        this.byArn.set(principal.arn, { principal, index });
        this.graph.node(principal.arn);
      }
    }
    this.indexTrust();
    for (const index of this.indexes) {
      for (const principal of index.principals) {
        if (principal.serviceLinked) continue;
        const compiled = index.graph.account.principal(principal.arn);
        if (!compiled) continue;
        this.assumeEdges(principal, compiled, index);
        this.pathEdges(principal, compiled, index);
      }
    }
    for (const [arn, pending] of this.pendingRewrites) this.rewriteThenAct(arn, pending);
    // After the rewrites: a write that gives anything is weighed first, and a Deny taken away never hides it.
    for (const [arn, deferred] of this.pendingDenyRemovals) {
      if (this.gainsNothingMore(arn)) continue;
      const pending = deferred.map((resolve) => resolve()).filter((p): p is PendingRewrite => p !== undefined);
      if (pending.length > 0) this.rewriteThenAct(arn, pending);
    }
    return this.graph;
  }

  /**
   * A writer that can act as a principal whose permissions it can rewrite raises its own: write, then act as
   * it. Added as a self-escalation on the writer, with the path to the principal, so the writer is a goal of
   * privilege-escalation like any other. A certain path is preferred over a shorter uncertain one.
   */
  /**
   * A certain write that gives the writer itself anything, with no boundary of its own to cap it: acting as
   * another principal it rewrites gives no more. Under a boundary that caps it, the other principal may not be.
   */
  private gainsNothingMore(arn: string): boolean {
    const writer = this.byArn.get(arn)?.principal;
    return (
      !writer?.permissionsBoundaryArn &&
      this.graph.selfEscalationsOf(arn).some((s) => s.decision === 'allowed' && !s.needs && grantsAnything(s))
    );
  }

  private rewriteThenAct(arn: string, pending: readonly PendingRewrite[]): void {
    const selves = this.graph.selfEscalationsOf(arn);
    if (this.gainsNothingMore(arn)) return;
    const raised = (to: string) => pending.some((p) => p.raises(to) !== undefined);
    // One without a boundary first: a write on it gives anything, where a bounded one may stay capped.
    const unbounded = (to: string) => raised(to) && !this.byArn.get(to)?.principal.permissionsBoundaryArn;
    const path =
      this.graph.shortestPath(arn, unbounded, { edges: 'certain' }) ??
      this.graph.shortestPath(arn, raised, { edges: 'certain' }) ??
      this.graph.shortestPath(arn, unbounded) ??
      this.graph.shortestPath(arn, raised);
    if (!path) return;
    const { rewrite, others, raises } = pending.find((p) => p.raises(path.to) !== undefined)!;
    const combined = combine([raises(path.to)!, ...others], false);
    const needs = [...new Set([rewrite.needs, ...path.hops.map((hop) => hop.needs)])].filter(
      (n): n is string => n !== undefined,
    );
    const account = /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1];
    this.graph.setSelfEscalations(arn, [
      ...selves,
      {
        pathId: rewrite.pathId,
        description: `act as it (${describePath(path, (a) => shortName(a, account))}), then ${rewrite.description}`,
        actions: rewrite.actions,
        target: path.to,
        decision:
          combined.decision === 'allowed' && path.hops.every((hop) => hop.decision === 'allowed')
            ? 'allowed'
            : 'depends',
        dependsOn: path.hops.reduce((keys, hop) => union(keys, hop.dependsOn), [...combined.dependsOn]),
        ...(needs.length ? { needs: needs.join('; ') } : {}),
        evidence: statementEvidence([...combined.evidence, ...path.hops.flatMap((hop) => hop.evidence)], 8),
      },
    ]);
  }

  private indexTrust(): void {
    for (const index of this.indexes) {
      for (const role of index.principals) {
        if (role.kind !== 'role' || role.serviceLinked) continue;
        const trust = roleTrust(index.graph.snapshot, role);
        if (!this.trustReadsPrincipalTags) {
          const statements = [...trust.grants.map((g) => g.statement), ...trust.denies];
          this.trustReadsPrincipalTags = statements.some((st) =>
            st.conditions.some((c) => c.key.toLowerCase().startsWith('aws:principaltag/')),
          );
        }
        for (const grant of trust.grants) {
          const party = grant.party;
          // IAM names are unique regardless of case: a trust naming `role/Admin` names the role `admin`.
          if (party.kind === 'principal') push(this.named, party.arn.toLowerCase(), grant);
          else if (party.kind === 'role-session') {
            const caller = this.roleNamed(party.accountId, party.roleName);
            if (caller) push(this.named, caller.toLowerCase(), grant);
          } else if (party.kind === 'account') {
            // A trust with Deny statements, or conditions on the caller, is decided caller by caller, and so is one
            // whose callers may gain by the session tags they pass.
            const perCaller =
              grant.callerConditions ||
              roleTrust(index.graph.snapshot, role).denies.length > 0 ||
              this.sessionTagTarget(role, index) !== undefined;
            // Conditions on session values alone: through hubs by what the caller may pass (assumeEdges).
            const through = perCaller
              ? this.perCaller
              : grant.sessionConditions
                ? this.sessionGrants
                : this.accountGrants;
            push(through, party.accountId, grant);
          } else if (party.kind === 'everyone') {
            this.everyone.push(grant);
            this.everyoneAccounts.add(grant.roleAccountId);
          } else if (party.kind === 'pattern') {
            this.indexPatternGrant(party.pattern, grant);
          }
        }
      }
    }
  }

  /**
   * A trust of a principal pattern (a template's unresolved principal, widened): as a trust naming each user,
   * role or role session of the input it may name, and as a trust of each account whose root it may name,
   * decided caller by caller.
   */
  private indexPatternGrant(pattern: string, grant: TrustGrant): void {
    for (const index of this.indexes) {
      for (const principal of index.principals) {
        if (principal.kind === 'group') continue;
        if (patternNames(pattern, { ...principal, accountId: index.accountId }, { root: false })) {
          push(this.named, principal.arn.toLowerCase(), grant);
        }
      }
      const partition = index.principals[0]?.arn.split(':')[1] ?? 'aws';
      if (patternNamesRoot(pattern, partition, index.accountId)) push(this.perCaller, index.accountId, grant);
    }
  }

  private roleNamed(accountId: string, name: string): string | undefined {
    const index = this.indexes.find((i) => i.accountId === accountId);
    return index === undefined ? undefined : principalLookup(index.graph.snapshot).roleNamed(name)?.arn;
  }

  // ---- sts:AssumeRole

  private assumeEdges(principal: Principal, compiled: CompiledPrincipal, index: AccountIndex): void {
    const memo = new Map<string, unknown>();
    const mayPass = (action: SessionAction, grant: TrustGrant, via: SessionTrust['via'], passed: Passed) =>
      this.callerMayPass(principal, compiled, index, action, grant, via, passed, memo);
    const facts = { ...callerFacts(principal, index.accountId), mayPass, memo };
    const tagging = this.canTagItself(principal, compiled);
    const sessionTagged = !tagging && this.sessionTagged(principal, index);
    const untagging = tagging === 'depends' ? this.canUntagItself(principal, compiled, index) : undefined;
    const caller: Caller = tagging
      ? { ...facts, tagsChosen: true, tagging, taggedBy: 'itself', ...(untagging ? { untagging } : {}) }
      : sessionTagged
        ? { ...facts, tagsChosen: true, tagging: 'depends', taggedBy: 'session' }
        : facts;
    const general = this.assumePickFor(principal, compiled, facts);
    // Trusts that name the caller: in its own account no sts grant of its own is needed.
    for (const grant of this.named.get(principal.arn.toLowerCase()) ?? []) {
      const sameAccount = grant.roleAccountId === index.accountId;
      const identity = sameAccount
        ? this.namedIdentity(principal, compiled, index, grant.role.arn, grant.party.kind === 'role-session')
        : general.decision === 'denied'
          ? undefined
          : compiled.decide(ASSUME, this.picked(this.onRole(grant, index.accountId)));
      this.assumeVia(principal.arn, caller, grant, identity, sameAccount ? NAMES_CALLER : undefined);
    }
    // A same-account trust of everyone matches the caller as directly as its ARN would (iam-simulate agrees):
    // no sts grant of its own is needed, and no boundary caps it (IAM caps only a trust naming a role's ARN),
    // while explicit denies and SCPs still apply.
    this.callerTrustEdges(principal, compiled, index, caller, 'everyone');
    if (general.decision === 'denied') return;
    // Trusts of the caller's account, decided alike for every caller of it: through one hub (but for a caller
    // that passes session values: whether it may pass them is the trust's call, role by role).
    const grants = this.accountGrants.get(index.accountId) ?? [];
    const sessionGrants = this.sessionGrants.get(index.accountId) ?? [];
    if (this.assumeSession) {
      for (const grant of [...grants, ...sessionGrants]) {
        const identity = compiled.decide(ASSUME, this.picked(this.onRole(grant, index.accountId)));
        this.assumeVia(principal.arn, caller, grant, identity);
      }
    } else {
      if (grants.length) this.assumeThroughHubs(index.accountId, principal.arn, caller, compiled, general, grants);
      if (sessionGrants.length)
        this.assumeThroughSessionHubs(index.accountId, principal.arn, caller, compiled, general);
    }
    // Trusts decided per caller; a trust of everyone in another account needs the caller's own sts grant.
    this.callerTrustEdges(principal, compiled, index, caller, 'per-caller');
    this.callerTrustEdges(principal, compiled, index, caller, 'everyone-elsewhere');
    this.assumePick = undefined;
    this.assumeSession = undefined;
  }

  /**
   * The trusts that are decided caller by caller, for one caller: those of everyone in its own account (no sts
   * grant of its own needed), those of its account with conditions on the caller or Deny statements
   * (`per-caller`), and those of everyone in other accounts (its own sts grant needed for both). Where there are
   * many, the roles its own policies cannot tell
   * apart (a class of their TargetIndex: Resource, tags, account) whose trusts say the same (apart from their
   * place and Sid) give it one answer: it links to a hub per such group, shared with the callers that reach the
   * same roles, and the hub to each role. A trust that reads session values, whose callers may gain by the
   * session tags they pass, or that names a principal pattern, is linked role by role, as every one is in a
   * smaller account and for a caller that passes session values of its own.
   */
  private callerTrustEdges(
    principal: Principal,
    compiled: CompiledPrincipal,
    index: AccountIndex,
    caller: Caller,
    kind: CallerTrustKind,
  ): void {
    const local = this.callerTrusts(index, kind);
    if (!local) return;
    const everyone = kind === 'everyone';
    const note = (grant: TrustGrant) =>
      everyone ? (grant.unreadable ? MAY_NAME_EVERYONE : NAMES_EVERYONE) : undefined;
    const identityOn = (grant: TrustGrant) =>
      everyone
        ? this.namedIdentity(principal, compiled, index, grant.role.arn, true)
        : compiled.decide(ASSUME, this.picked(this.onRole(grant, index.accountId)));
    const named = everyone ? [] : (this.named.get(principal.arn.toLowerCase()) ?? []);
    const direct = (grant: TrustGrant, identity?: ActionDecision) => {
      // A pattern that names the caller and its account's root: the caller came in as named.
      if (grant.role.arn === principal.arn || (grant.party.kind === 'pattern' && named.includes(grant))) return;
      this.assumeVia(principal.arn, caller, grant, identity ?? identityOn(grant), note(grant));
    };
    const grouped = local.grants.length > CALLER_TRUST_HUB_MIN && (everyone || !this.assumeSession);
    const tests = grouped ? compiled.resourceTestsOf?.('sts') : undefined;
    if (tests === undefined) {
      for (const grant of local.grants) direct(grant);
      return;
    }
    for (const { first, buckets } of this.trustBuckets(local, local.targets.classes(tests))) {
      const identity = identityOn(first);
      if (!identity || identity.decision === 'denied') continue;
      for (const { grants, hub } of buckets) {
        if (hub === undefined) for (const grant of grants) direct(grant, identity);
        else
          this.throughTrustHub(principal.arn, caller, identity, grants, {
            name: `hub:${kind}:${index.accountId}:${hub}`,
            note,
          });
      }
    }
  }

  /**
   * The grants of each class of roles, by what their trusts say, with the name of each bucket's hub (undefined
   * for one linked role by role): made once per set of classes, which the callers with the same Resource
   * lists share, so a caller's cost is its classes and buckets, not the roles in them.
   */
  private trustBuckets(local: CallerTrustIndex, classes: TargetClasses): readonly TrustClassBuckets[] {
    let found = local.buckets.get(classes);
    if (!found) {
      found = classes.classes.map(({ arns }) => {
        const byTrust = new Map<string, TrustGrant[]>();
        for (const arn of arns)
          for (const grant of local.byRole.get(arn)!) push(byTrust, local.trustClass.get(grant)!, grant);
        return {
          first: local.byRole.get(arns[0])![0],
          buckets: [...byTrust].map(([trustClass, grants]) => ({
            grants,
            hub:
              grants.length === 1 || trustClass.startsWith('own:')
                ? undefined
                : `${local.trustNumber.get(trustClass)}:${local.targets.keyOfSet(grants.map((g) => g.role.arn))}`,
          })),
        };
      });
      local.buckets.set(classes, found);
    }
    return found;
  }

  /** A caller's edge to a hub of roles whose trusts say the same, and (made once) the hub's edge to each role. */
  private throughTrustHub(
    from: string,
    caller: Caller,
    identity: ActionDecision,
    grants: readonly TrustGrant[],
    hub: { readonly name: string; readonly note: (grant: TrustGrant) => string | undefined },
  ): void {
    const first = grants[0];
    const trust = this.trustSide(caller, first);
    if (!trust) return;
    const picked = this.assumePick
      ? withPickNotes([identity], [this.assumePick.unknown], this.assumePick.pick)[0]
      : identity;
    // The trust's evidence on the hub's side, role by role; what it says of this caller on the caller's side.
    const combined = combine(
      [picked],
      false,
      trust.evidence.filter((evidence) => evidence !== first.evidence),
    );
    const dependsOn = union(combined.dependsOn, trust.dependsOn);
    if (!this.graph.hasHub(hub.name)) {
      const node = this.graph.node(hub.name, true);
      for (const grant of grants) {
        const note = hub.note(grant);
        this.graph.link(node, this.graph.node(grant.role.arn), {
          kind: 'assume-role',
          actions: [ASSUME],
          decision: 'allowed',
          dependsOn: [],
          evidence: note
            ? [grant.evidence, { policy: `${grant.role.arn} trust`, policyKind: 'trust', note }]
            : [grant.evidence],
        });
      }
    }
    this.graph.link(this.graph.node(from), this.graph.node(hub.name), {
      kind: 'assume-role',
      actions: [ASSUME],
      decision: combined.decision === 'allowed' && dependsOn.length === 0 ? 'allowed' : 'depends',
      dependsOn,
      evidence: combined.evidence,
    });
  }

  /** An account's trusts decided caller by caller, indexed for callerTrustEdges (made once); undefined when none. */
  private callerTrusts(index: AccountIndex, kind: CallerTrustKind): CallerTrustIndex | undefined {
    let byKind = this.callerTrustIndexes.get(index);
    if (!byKind) this.callerTrustIndexes.set(index, (byKind = new Map()));
    if (byKind.has(kind)) return byKind.get(kind);
    const grants =
      kind === 'everyone'
        ? this.everyone.filter((grant) => grant.roleAccountId === index.accountId)
        : kind === 'everyone-elsewhere'
          ? this.everyone.filter((grant) => grant.roleAccountId !== index.accountId)
          : (this.perCaller.get(index.accountId) ?? []);
    let found: CallerTrustIndex | undefined;
    if (grants.length > 0) {
      const byRole = new Map<string, TrustGrant[]>();
      const trustClass = new Map<TrustGrant, string>();
      const trustNumber = new Map<string, number>();
      const written = (statement: NormalizedStatement) => JSON.stringify({ ...statement, index: 0, sid: undefined });
      grants.forEach((grant, i) => {
        push(byRole, grant.role.arn, grant);
        // Read in the role's own account (a trust of everyone elsewhere is another account's).
        const own = this.byArn.get(grant.role.arn)!.index;
        const trust = roleTrust(own.graph.snapshot, grant.role);
        const byItself =
          trust.readsSessionValues ||
          this.sessionTagTarget(grant.role, own) !== undefined ||
          (grant.party.kind !== 'everyone' && grant.party.kind !== 'account');
        const key = byItself
          ? `own:${i}`
          : JSON.stringify([written(grant.statement), trust.denies.map(written), grant.unreadable === true]);
        trustClass.set(grant, key);
        if (!trustNumber.has(key)) trustNumber.set(key, trustNumber.size);
      });
      const targets = new TargetIndex(byRole.keys(), (arn) => this.byArn.get(arn)?.principal.tags);
      found = { grants, byRole, trustClass, trustNumber, targets, buckets: new WeakMap() };
    }
    byKind.set(kind, found);
    return found;
  }

  private readonly callerTrustIndexes = new Map<AccountIndex, Map<CallerTrustKind, CallerTrustIndex | undefined>>();

  /**
   * The caller's general sts:AssumeRole decision, and the pick its role assumptions are asked with: where that
   * decision depends on a key the caller picks (a network perimeter SCP that does not exempt sts), the first
   * pick of GraphOptions.picksOf that lets it through, so every edge of the caller is taken from there; where
   * it depends only on session values its own policies ask it to pass (a session tag, a source identity), the
   * pick that passes them (session-picks.ts), each edge then asking whether the trust lets it.
   */
  private assumePickFor(principal: Principal, compiled: CompiledPrincipal, facts: PrincipalFacts): ActionDecision {
    const general = compiled.decide(ASSUME, this.anyAccount);
    this.assumePick = undefined;
    this.assumeSession = undefined;
    const session = general.decision === 'depends' ? sessionPickFor(general, facts) : undefined;
    if (session) {
      const there = compiled.decide(ASSUME, withCallerPick(this.anyAccount, session.pick));
      if (there.decision !== 'denied' && !there.dependsOn.some((key) => sessionValueAction(key.toLowerCase()))) {
        this.assumePick = { pick: session.pick, unknown: general };
        this.assumeSession = session;
        return there;
      }
    }
    if (general.decision !== 'depends' || !dependsOnCallerPick(general) || !this.options.picksOf) return general;
    for (const pick of withoutSourceIdentityPicks(this.options.picksOf(principal))) {
      const there = compiled.decide(ASSUME, withCallerPick(this.anyAccount, pick));
      if (there.decision === 'denied' || dependsOnCallerPick(there)) continue;
      this.assumePick = { pick, unknown: general };
      return withPickNotes([there], [general], pick)[0];
    }
    return general;
  }

  /** The pick of the caller whose assume edges are being made (assumePickFor), with its decision unpicked. */
  private assumePick: { pick: CallerPick; unknown: ActionDecision } | undefined;
  /** When that pick passes session values: what it passes and the actions that must allow it. */
  private assumeSession: SessionPick | undefined;

  /** `context` with the assume pick, if there is one. */
  private picked(context: RequestContext): RequestContext {
    return this.assumePick ? withCallerPick(context, this.assumePick.pick) : context;
  }

  /**
   * Whether the principal may tag (or untag) itself: then a trust condition on its principal tags is met, or a
   * trust Deny on them escaped, by a tag write of its own first. Only worth asking when some trust reads them.
   */
  private canTagItself(principal: Principal, compiled: CompiledPrincipal): 'allowed' | 'depends' | undefined {
    if (!this.trustReadsPrincipalTags || principal.kind === 'group') return undefined;
    const kind = principal.kind === 'role' ? 'Role' : 'User';
    const context = withResource(this.time, principal.arn, principal.tags);
    const tag = compiled.decide(`iam:Tag${kind}`, context).decision;
    const untag = compiled.decide(`iam:Untag${kind}`, context).decision;
    // Setting a value meets a condition that asks for one and overwrites one a Deny asks for (removing the
    // tag alone, or a write that depends on a condition, may or may not do).
    if (tag === 'allowed') return 'allowed';
    return tag !== 'denied' || untag !== 'denied' ? 'depends' : undefined;
  }

  /**
   * Whether it may surely remove its own tags, with the principal tag keys its own policies read; undefined when
   * the removal is not surely allowed or what its policies read is unknown.
   */
  private canUntagItself(principal: Principal, compiled: CompiledPrincipal, index: AccountIndex): Caller['untagging'] {
    const kind = principal.kind === 'role' ? 'Role' : 'User';
    const context = withResource(this.time, principal.arn, principal.tags);
    if (compiled.decide(`iam:Untag${kind}`, context).decision !== 'allowed') return undefined;
    const keysItReads = principalTagKeysRead(principal, index.graph.snapshot);
    return keysItReads && { keysItReads };
  }

  /**
   * Whether a session of this role may carry principal tags its caller chose (its trust lets a caller pass
   * session tags): what such a session may assume then depends on how it was assumed.
   */
  private sessionTagged(principal: Principal, index: AccountIndex): boolean {
    if (!this.trustReadsPrincipalTags || principal.kind !== 'role') return false;
    return sessionTagsAllowed(roleTrust(index.graph.snapshot, principal));
  }

  /** Whether any trust policy of the graph has a condition on aws:PrincipalTag (set by indexTrust). */
  private trustReadsPrincipalTags = false;

  /** One edge from the caller to a role, when the trust and the caller's own side both let it through. */
  private assumeVia(
    from: string,
    caller: Caller,
    grant: TrustGrant,
    identity: ActionDecision | undefined,
    /** Why the caller needed no sts grant of its own (a same-account trust that matches it directly). */
    noGrantNeeded?: string,
  ): void {
    if (!identity || identity.decision === 'denied') return;
    // Session values its own policies ask it to pass, where it needs their grant: the trust must let it pass them.
    let passing: { dependsOn: string[]; note: Evidence } | undefined;
    if (this.assumeSession && !noGrantNeeded) {
      const allowed = this.sessionValues(caller, grant, this.passedByPick());
      const tris = this.assumeSession.actions.map((action) => allowed[action]);
      if (tris.includes(NO)) return;
      passing = {
        dependsOn: this.assumeSession.actions.filter((_, i) => tris[i] === MAYBE),
        note: {
          policy: caller.arn,
          policyKind: 'inline',
          note: `it assumes the role ${this.assumeSession.pick.label}, as its own policies ask`,
        },
      };
    }
    const trust = this.trustSide(caller, grant);
    if (!trust) return;
    const picked = this.assumePick
      ? withPickNotes([identity], [this.assumePick.unknown], this.assumePick.pick)[0]
      : identity;
    const combined = combine([picked], false, passing ? [...trust.evidence, passing.note] : trust.evidence);
    const dependsOn = union(union(combined.dependsOn, trust.dependsOn), passing?.dependsOn ?? []);
    const decision = combined.decision === 'allowed' && dependsOn.length === 0 ? 'allowed' : 'depends';
    const notes: Evidence[] = noGrantNeeded
      ? [{ policy: `${grant.role.arn} trust`, policyKind: 'trust', note: noGrantNeeded }]
      : [];
    this.sessionTagEscalation(caller, from, grant, combined, dependsOn);
    this.graph.link(this.graph.node(from), this.graph.node(grant.role.arn), {
      kind: 'assume-role',
      actions: [ASSUME],
      decision,
      dependsOn,
      evidence: [...combined.evidence, ...notes],
    });
  }

  /** The trust policy's answer for this caller: undefined when it never lets the caller in. */
  private trustSide(
    caller: Caller,
    grant: TrustGrant,
  ): { dependsOn: readonly string[]; evidence: readonly Evidence[] } | undefined {
    if (!partyIncludes(grant.party, caller)) return undefined;
    const trust = roleTrust(this.byArn.get(grant.role.arn)!.index.graph.snapshot, grant.role);
    const passed = trust.readsSessionValues
      ? memoized(caller.memo, `asked:${idOf(grant.statement)}:${idOf(trust.denies[0])}:${trust.denies.length}`, () =>
          sessionValuesAsked([grant.statement, ...trust.denies], caller),
        )
      : undefined;
    const session = passed ? this.sessionValues(caller, grant, { ...passed, ...this.passedByPick() }) : undefined;
    const sessionKey = session ? `${session['sts:TagSession']}${session['sts:SetSourceIdentity']}` : '';
    const { answer, denied } = memoized(
      trust.readsSessionValues ? caller.memo : undefined,
      `conditions:${idOf(grant.statement)}:${idOf(trust.denies[0])}:${trust.denies.length}:${grant.roleAccountId}:${sessionKey}`,
      () => ({
        answer: answerConditions(grant.statement, caller, this.facts, grant.roleAccountId, true, session),
        denied: trustDenies(trust, caller, this.facts, grant.roleAccountId, session),
      }),
    );
    if (answer.tri === NO) return undefined;
    if (denied.tri === YES) return undefined;
    // A caller that may surely set and remove its own tags meets every condition on them and escapes every
    // Deny on them: those keys are its choice (a tag write first), not something the path depends on.
    const tagging = caller.tagging;
    const chosen = (key: string) => tagging !== undefined && key.toLowerCase().startsWith('aws:principaltag/');
    const asked = [...answer.dependsOn, ...denied.dependsOn];
    const dependsOn = union(answer.dependsOn, denied.dependsOn).flatMap((key) =>
      !chosen(key)
        ? [key]
        : tagging === 'allowed'
          ? []
          : [
              `${key} (${caller.taggedBy === 'session' ? 'a session tag whoever assumes it may pass' : 'a tag it may set on itself'})`,
            ],
    );
    // What the path depends on besides the conditions' keys.
    const besides: string[] = [];
    if (grant.unreadable) besides.push(UNREADABLE_TRUST);
    if (
      grant.party.kind === 'role-session' ||
      (grant.party.kind === 'pattern' && !patternNames(grant.party.pattern, caller, { root: true, sessions: false }))
    ) {
      // Only a session of the caller fits the trust: which depends on the name its session was given.
      besides.push('role session name');
    }
    dependsOn.push(...besides);
    const removed = this.trustWithTagsRemoved(caller, grant, trust, asked.filter(chosen), besides);
    if (removed) return removed;
    if (!asked.some(chosen) || caller.taggedBy === 'session') return { dependsOn, evidence: [grant.evidence] };
    const write = `iam:Tag${caller.kind === 'user' ? 'User' : 'Role'}`;
    const note: Evidence = {
      policy: caller.arn,
      policyKind: 'inline',
      note: `it tags itself first (${write} on itself): the trust policy reads its principal tags`,
    };
    return { dependsOn, evidence: [grant.evidence, note] };
  }

  /**
   * A caller that may surely remove its own tags, where the trust's answer depends on its principal tags:
   * whether removing them lets it in for certain (`StringNotEquals aws:PrincipalTag/leash:agent true` in an
   * Allow, `StringEquals` in a Deny). Only tags its own policies do not read are removed, so its own grants
   * stay as decided. Undefined when removal does not settle the answer.
   */
  private trustWithTagsRemoved(
    caller: Caller,
    grant: TrustGrant,
    trust: ParsedTrust,
    askedTagKeys: readonly string[],
    /** What the path depends on besides the conditions' keys (an unreadable trust, the session name). */
    besides: readonly string[],
  ): { dependsOn: string[]; evidence: readonly Evidence[] } | undefined {
    const untagging = caller.untagging;
    if (!untagging || caller.tagging !== 'depends' || askedTagKeys.length === 0) return undefined;
    const keys = [...new Set(askedTagKeys.map((key) => key.toLowerCase().slice('aws:principaltag/'.length)))];
    if (keys.some((key) => untagging.keysItReads.has(key))) return undefined;
    const tags = new Map([...caller.tags].filter(([key]) => !keys.includes(key)));
    const without: Caller = { ...caller, tags, tagsChosen: false };
    const answer = answerConditions(grant.statement, without, this.facts, grant.roleAccountId, true);
    const denied = trustDenies(trust, without, this.facts, grant.roleAccountId);
    // Met for certain without the tags: no key of the conditions is left to depend on.
    if (answer.tri !== YES || denied.tri !== NO) return undefined;
    const present = keys.filter((key) => caller.tags.has(key));
    const write = `iam:Untag${caller.kind === 'user' ? 'User' : 'Role'}`;
    const note: Evidence = {
      policy: caller.arn,
      policyKind: 'inline',
      note:
        present.length === 0
          ? `the trust policy reads principal tags it does not carry (${keys.join(', ')})`
          : `it removes its tag${present.length === 1 ? '' : 's'} ${present.join(', ')} first (${write} on itself): the trust policy reads its principal tags`,
    };
    return { dependsOn: [...besides], evidence: [grant.evidence, note] };
  }

  /**
   * Whether the caller may pass session tags and a source identity to the grant's role: both the trust and the
   * caller's own side must allow it (sts:TagSession, sts:SetSourceIdentity), as for sts:AssumeRole itself.
   */
  private sessionValues(caller: Caller, grant: TrustGrant, passed: Passed): SessionValues {
    const trust = roleTrust(this.byArn.get(grant.role.arn)!.index.graph.snapshot, grant.role);
    const one = (action: SessionAction): Tri => {
      const statements = trust.sessionStatements;
      const trusted = memoized(
        caller.memo,
        `trust:${action}:${idOf(statements[0])}:${statements.length}:${grant.roleAccountId}`,
        () => sessionTrust(trust, action, caller, this.facts, grant.roleAccountId),
      );
      if (trusted.tri === NO) return NO;
      const own = caller.mayPass?.(action, grant, trusted.via, passed) ?? MAYBE;
      // A role's session may carry a source identity from an earlier hop, which it passes on: not known here.
      if (own === NO) return action === 'sts:SetSourceIdentity' && caller.kind === 'role' ? MAYBE : NO;
      return own === YES && trusted.tri === YES ? YES : MAYBE;
    };
    return { 'sts:TagSession': one('sts:TagSession'), 'sts:SetSourceIdentity': one('sts:SetSourceIdentity') };
  }

  /** The session values the caller's own policies ask it to pass (assumeSession), which it passes whatever the trust asks. */
  private passedByPick(): Passed {
    if (!this.assumeSession) return {};
    const { pick } = this.assumeSession;
    const sourceIdentity = pick.keys['sts:sourceidentity']?.[0];
    return {
      ...(pick.requestTags ? { requestTags: pick.requestTags } : {}),
      ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
    };
  }

  /** The caller's identity side of `action` on the grant's role (named in its own account: no grant needed). */
  private callerMayPass(
    principal: Principal,
    compiled: CompiledPrincipal,
    index: AccountIndex,
    action: SessionAction,
    grant: TrustGrant,
    via: SessionTrust['via'],
    passed: Passed,
    memo: Map<string, unknown>,
  ): Tri {
    // Asked with what it passes: an SCP that denies sts:TagSession for some tag keys (the leash agent tag) does not
    // stop one that passes others.
    const carrying = (context: RequestContext): RequestContext =>
      action === 'sts:TagSession'
        ? passed.requestTags
          ? { ...context, requestTags: passed.requestTags }
          : context
        : passed.sourceIdentity !== undefined
          ? { ...context, contextKeys: { ...context.contextKeys, 'sts:sourceidentity': [passed.sourceIdentity] } }
          : context;
    const decide = (carry: (context: RequestContext) => RequestContext) =>
      via !== 'account' && grant.roleAccountId === index.accountId
        ? this.namedIdentity(principal, compiled, index, grant.role.arn, via === 'direct', action, carry)
        : compiled.decide(action, carry(this.picked(this.onRole(grant, index.accountId))));
    // Through its account (or another's): first asked of any role there, which answers for all of them unless
    // its policies name roles.
    const named = via !== 'account' && grant.roleAccountId === index.accountId;
    if (named) this.askedPerRole = true;
    else {
      const key = `may:${action}:${grant.roleAccountId}:${JSON.stringify(passed)}`;
      const general = memoized(memo, key, () =>
        compiled.decide(action, carrying(this.picked(this.inAccount(grant.roleAccountId, index.accountId)))),
      );
      // A decision that depends on nothing holds for every role there; one that depends (on the role, its
      // tags) is asked role by role.
      if (general.decision === 'allowed') return YES;
      if (general.decision === 'denied') {
        // Refused with those values: another value, which its policies may allow, is unknown.
        const otherwise = memoized(memo, `${key}:unknown`, (): Tri | undefined => {
          const unknown = compiled.decide(action, this.picked(this.inAccount(grant.roleAccountId, index.accountId)));
          return unknown.decision === 'denied' ? NO : unknown.decision === 'allowed' ? MAYBE : undefined;
        });
        if (otherwise !== undefined) return otherwise;
      }
    }
    return this.perRoleMayPass(decide, carrying);
  }

  /** Asked on the role itself: with the values passed, then (refused so) with values unknown. */
  private perRoleMayPass(
    decide: (carry: (context: RequestContext) => RequestContext) => ActionDecision | undefined,
    carrying: (context: RequestContext) => RequestContext,
  ): Tri {
    this.askedPerRole = true;
    const decision = decide(carrying);
    if (decision?.decision === 'allowed') return YES;
    if (decision?.decision === 'depends') return MAYBE;
    // Refused with those values: another value, which its policies may allow, is unknown.
    const unknown = decide((context) => context);
    return unknown && unknown.decision !== 'denied' ? MAYBE : NO;
  }

  /**
   * A caller that a same-account trust names: its identity policies need not allow sts:AssumeRole, but
   * explicit denies and SCPs still apply, and a role's boundary still does when the trust names the role's
   * ARN (IAM User Guide, policy evaluation: a resource policy naming a user ARN, or a role's session, is not
   * limited by the boundary's implicit deny; naming a role ARN is; naming everyone is not, as iam-simulate
   * reads it). Decided on the caller with an added identity Allow.
   */
  private readonly withAssumeGrant = new Map<string, CompiledPrincipal | undefined>();

  private namedIdentity(
    principal: Principal,
    compiled: CompiledPrincipal,
    index: AccountIndex,
    roleArn: string,
    /** The trust names the role's session or everyone, not the role's ARN: its boundary does not cap it. */
    boundaryUncapped: boolean,
    action: string = ASSUME,
    /** What the request carries beside (session values passed with it). */
    carrying: (context: RequestContext) => RequestContext = (context) => context,
  ): ActionDecision | undefined {
    const tags = this.byArn.get(roleArn)?.principal.tags;
    const own = compiled.decide(action, carrying(this.picked(withResource(this.time, roleArn, tags))));
    if (own.decision !== 'denied') return own;
    // Stopped only for want of an identity grant, with no SCP, boundary or possible Deny to weigh: let in.
    if (
      own.blockedAt === 'identity' &&
      own.deniedBy.length === 0 &&
      compiled.serviceControlPolicies !== 'applied' &&
      !compiled.hasPermissionsBoundary
    ) {
      return { ...own, decision: 'allowed', blockedAt: undefined };
    }
    if (!this.withAssumeGrant.has(principal.arn)) {
      const snapshot = index.graph.snapshot;
      const withGrant = (p: Principal): Principal => ({ ...p, inlinePolicies: [...p.inlinePolicies, ASSUME_GRANT] });
      if (this.everyoneAccounts.has(index.accountId)) {
        // A trust of everyone asks this of every principal of the account: one compile for them all, not one
        // each (which cost 0.5 s over 1,000 roles under SCPs).
        const probes = snapshot.principals.map((p) => (p.kind === 'group' ? p : withGrant(p)));
        const compiled = compileAccount(
          { ...snapshot, principals: probes },
          this.options.catalog,
          undefined,
          this.graph.auditTime,
        );
        for (const p of probes) if (p.kind !== 'group') this.withAssumeGrant.set(p.arn, compiled.principal(p.arn));
      } else {
        const groups = principal.groups.map((name) => index.groupsByName.get(name)).filter((g): g is Principal => !!g);
        const alone = { ...snapshot, principals: [withGrant(principal), ...groups] };
        shareParseCache(snapshot, alone);
        const compiled = compileAccount(alone, this.options.catalog, undefined, this.graph.auditTime, principal.arn);
        this.withAssumeGrant.set(principal.arn, compiled.principal(principal.arn));
      }
    }
    const probe = this.withAssumeGrant.get(principal.arn);
    if (!probe) return undefined;
    const decision = probe.decide(action, carrying(this.picked(withResource(this.time, roleArn, tags))));
    if (
      decision.decision === 'denied' &&
      decision.blockedAt === 'boundary' &&
      (principal.kind === 'user' || boundaryUncapped)
    ) {
      return { ...decision, decision: 'allowed', blockedAt: undefined, allowedBy: [] };
    }
    // The added statement is not evidence: the trust policy is.
    return {
      ...decision,
      allowedBy: decision.allowedBy.filter((ref) => ref.policy !== `inline:${ASSUME_GRANT.name}`),
    };
  }

  /**
   * The trusts of the caller's account through one hub, or, when the caller's own sts grant turns on where the
   * role is (an SCP resource perimeter on aws:ResourceAccount or aws:ResourceOrgID), through one hub per
   * account of the trusting roles, each decided in that account.
   */
  private assumeThroughHubs(
    callerAccount: string,
    from: string,
    caller: Caller,
    compiled: CompiledPrincipal,
    general: ActionDecision,
    grants: readonly TrustGrant[],
    /** A set of session grants passed alike (assumeThroughSessionHubs): its key and what the caller passes. */
    group?: { readonly key: string; readonly session: SessionValues },
  ): void {
    const suffix = group ? `:session:${group.key}` : '';
    if (!general.dependsOn.some(isResourceOwnerKey)) {
      this.assumeThroughHub(`hub:assume:${callerAccount}${suffix}`, from, caller, compiled, general, grants, {
        session: group?.session,
      });
      return;
    }
    for (const [roleAccount, some] of this.grantsByRoleAccount(`${callerAccount}${suffix}`, grants)) {
      const context = this.picked(this.inAccount(roleAccount, callerAccount));
      const decision = compiled.decide(ASSUME, context);
      if (decision.decision === 'denied') continue;
      this.assumeThroughHub(
        `hub:assume:${callerAccount}:${roleAccount}${suffix}`,
        from,
        caller,
        compiled,
        decision,
        some,
        { context, session: group?.session },
      );
    }
  }

  /**
   * Trusts of the caller's account whose conditions read session values: grouped by what the caller may pass to
   * each (its side and the trust's), each group through a hub its callers share, so an account of thousands of
   * roles that ask alike for a session tag costs an edge per caller, not one per caller and role.
   */
  private assumeThroughSessionHubs(
    callerAccount: string,
    from: string,
    caller: Caller,
    compiled: CompiledPrincipal,
    general: ActionDecision,
  ): void {
    const byValues = new Map<string, { session: SessionValues; grants: TrustGrant[] }>();
    const add = (session: SessionValues, some: readonly TrustGrant[]) => {
      const key = `${session['sts:TagSession']}${session['sts:SetSourceIdentity']}`;
      let bucket = byValues.get(key);
      if (!bucket) byValues.set(key, (bucket = { session, grants: [] }));
      bucket.grants.push(...some);
    };
    // Roles whose trusts say the same are answered once, unless the caller's own side was asked role by role.
    for (const alike of this.sessionGrantsAlike(callerAccount)) {
      const first = alike[0];
      const trust = roleTrust(this.byArn.get(first.role.arn)!.index.graph.snapshot, first.role);
      const passed = memoized(caller.memo, `asked:${idOf(first.statement)}:0:0`, () =>
        sessionValuesAsked([first.statement, ...trust.denies], caller),
      );
      this.askedPerRole = false;
      const session = this.sessionValues(caller, first, passed);
      if (!this.askedPerRole) {
        add(session, alike);
        continue;
      }
      add(session, [first]);
      for (const grant of alike.slice(1)) add(this.sessionValues(caller, grant, passed), [grant]);
    }
    for (const [values, bucket] of byValues) {
      if (bucket.grants.length === 0) continue;
      // The group's name: its values and which grants it holds (callers that pass alike share it).
      const members = bucket.grants.map((grant) => this.sessionGrantOrdinal(grant)).join(',');
      const signature = `${values}:${members}`;
      let key = this.sessionGroups.get(signature);
      if (key === undefined) this.sessionGroups.set(signature, (key = String(this.sessionGroups.size)));
      this.assumeThroughHubs(callerAccount, from, caller, compiled, general, bucket.grants, {
        key,
        session: bucket.session,
      });
    }
  }

  /**
   * An account's session grants in groups whose trusts say the same (the same parsed statements, so the same
   * answers for a caller): made once per account.
   */
  private sessionGrantsAlike(account: string): readonly (readonly TrustGrant[])[] {
    let groups = this.alikeSessionGrants.get(account);
    if (!groups) {
      const byTrust = new Map<string, TrustGrant[]>();
      for (const grant of this.sessionGrants.get(account) ?? []) {
        const trust = roleTrust(this.byArn.get(grant.role.arn)!.index.graph.snapshot, grant.role);
        const statements = trust.sessionStatements;
        push(
          byTrust,
          `${idOf(grant.statement)}:${idOf(statements[0])}:${statements.length}:${grant.roleAccountId}`,
          grant,
        );
      }
      groups = [...byTrust.values()];
      this.alikeSessionGrants.set(account, groups);
    }
    return groups;
  }

  private readonly alikeSessionGrants = new Map<string, readonly (readonly TrustGrant[])[]>();
  /** Set when callerMayPass asked a role itself (its answer may not hold for another role). */
  private askedPerRole = false;

  /** A session grant's place among its account's (made on first use). */
  private sessionGrantOrdinal(grant: TrustGrant): number {
    let ordinal = this.sessionOrdinals.get(grant);
    if (ordinal === undefined) this.sessionOrdinals.set(grant, (ordinal = this.sessionOrdinals.size));
    return ordinal;
  }

  private readonly sessionOrdinals = new Map<TrustGrant, number>();

  /** The grants of a caller account's trusts by the account of the trusting role (made once per caller account). */
  private grantsByRoleAccount(callerAccount: string, grants: readonly TrustGrant[]): Map<string, TrustGrant[]> {
    let byAccount = this.trustsByRoleAccount.get(callerAccount);
    if (!byAccount) {
      byAccount = new Map();
      for (const grant of grants) push(byAccount, grant.roleAccountId, grant);
      this.trustsByRoleAccount.set(callerAccount, byAccount);
    }
    return byAccount;
  }

  private readonly trustsByRoleAccount = new Map<string, Map<string, TrustGrant[]>>();

  /**
   * The audit time for a resource in `accountId`, with that account's organization where the input knows it
   * (aws:ResourceOrgID of a role there), one object per account; the caller's own account is `time`'s default.
   */
  private inAccount(accountId: string, callerAccount: string): RequestContext {
    if (accountId === callerAccount) return this.time;
    let context = this.accountContexts.get(accountId);
    if (!context) {
      const organization =
        this.indexes.find((i) => i.accountId === accountId)?.graph.snapshot.organizationId ??
        this.options.organizationOf?.(accountId);
      context = {
        ...this.time,
        resourceAccount: accountId,
        ...(organization === undefined ? {} : { resourceOrganizationId: organization }),
      };
      this.accountContexts.set(accountId, context);
    }
    return context;
  }

  private readonly accountContexts = new Map<string, RequestContext>();

  /** sts:AssumeRole on the grant's role: in its account, whose organization a perimeter may ask about. */
  private onRole(grant: TrustGrant, callerAccount: string): RequestContext {
    return withResource(this.inAccount(grant.roleAccountId, callerAccount), grant.role.arn, grant.role.tags);
  }

  private assumeThroughHub(
    hubName: string,
    from: string,
    caller: Caller,
    compiled: CompiledPrincipal,
    general: ActionDecision,
    grants: readonly TrustGrant[],
    options: { readonly context?: RequestContext; readonly session?: SessionValues } = {},
  ): void {
    const context = options.context ?? this.picked(this.time);
    const ensureHub = () => {
      const fresh = !this.graph.hasHub(hubName);
      const hub = this.graph.node(hubName, true);
      if (fresh) for (const grant of grants) this.linkHubGrant(hub, grant, options.session);
      return hub;
    };
    const resolved = resolveTargets(
      compiled,
      ASSUME,
      context,
      this.targetsOf(hubName, () => grants.map((g) => g.role.arn)),
      general,
    );
    if (resolved.scope === 'any') {
      // Trust denies that name this caller are rare: those roles are decided on their own instead.
      const decision = this.assumePick
        ? withPickNotes([resolved.decision], [this.assumePick.unknown], this.assumePick.pick)[0]
        : resolved.decision;
      this.graph.link(this.graph.node(from), ensureHub(), half('assume-role', [ASSUME], combine([decision])));
      return;
    }
    if (resolved.scope === 'some') {
      // The hub's grants by role, made once per hub: callers of a large account are thousands.
      let byRole = this.hubGrantsByRole.get(hubName);
      if (!byRole) {
        byRole = new Map();
        for (const grant of grants) push(byRole, grant.role.arn, grant);
        this.hubGrantsByRole.set(hubName, byRole);
      }
      if (resolved.groups) {
        // Roles in groups that share the caller's answer (granted by tag, or by a name pattern, as ABAC does): a
        // hub per group, shared by the callers that reach the same roles, so an account whose thousands of callers
        // may each assume thousands of roles costs edges per caller and group, not per caller and role. These
        // trusts never read the caller, as for the hub above. A group of one role is linked directly.
        for (const group of resolved.groups) {
          const { decision } = group;
          if (group.arns.length === 1) {
            for (const grant of byRole.get(group.arns[0]) ?? []) this.assumeVia(from, caller, grant, decision);
            continue;
          }
          const name = `${hubName}:${group.key}`;
          if (!this.graph.hasHub(name)) {
            const hub = this.graph.node(name, true);
            for (const arn of group.arns)
              for (const grant of byRole.get(arn) ?? []) this.linkHubGrant(hub, grant, options.session);
          }
          const picked = this.assumePick
            ? withPickNotes([decision], [this.assumePick.unknown], this.assumePick.pick)[0]
            : decision;
          this.graph.link(
            this.graph.node(from),
            this.graph.node(name),
            half('assume-role', [ASSUME], combine([picked])),
          );
        }
        return;
      }
      for (const target of resolved.targets) {
        for (const grant of byRole.get(target.arn) ?? []) this.assumeVia(from, caller, grant, target.decision);
      }
    }
  }

  private readonly hubGrantsByRole = new Map<string, Map<string, TrustGrant[]>>();

  /** A hub's edge to a grant's role: its conditions never read the caller, so answered once for any IAM caller. */
  private linkHubGrant(hub: number, grant: TrustGrant, session: SessionValues | undefined): void {
    const answer = answerConditions(grant.statement, undefined, this.facts, grant.roleAccountId, true, session);
    if (answer.tri === NO) return;
    this.graph.link(hub, this.graph.node(grant.role.arn), {
      kind: 'assume-role',
      actions: [ASSUME],
      decision: answer.tri === YES ? 'allowed' : 'depends',
      dependsOn: answer.dependsOn,
      evidence: [grant.evidence],
    });
  }

  /** The sorted targets of a hub, made once (callers share them). */
  private targetsOf(hubName: string, arns: () => readonly string[]): TargetIndex {
    let targets = this.hubTargets.get(hubName);
    if (!targets) {
      targets = new TargetIndex(arns(), (arn) => this.byArn.get(arn)?.principal.tags);
      this.hubTargets.set(hubName, targets);
    }
    return targets;
  }

  // ---- escalation paths

  private pathEdges(principal: Principal, compiled: CompiledPrincipal, index: AccountIndex): void {
    const decisions = this.heldPathDecisions(principal, compiled);
    this.unmodelledServiceEdges(principal, compiled, index, decisions);
    const sessionTags = this.sessionTagSelves.get(principal.arn) ?? [];
    if (!decisions) {
      if (sessionTags.length > 0) this.graph.setSelfEscalations(principal.arn, sessionTags);
      return;
    }
    const picked = this.pickedPathDecisions(principal, compiled, decisions);
    const selves: SelfEscalation[] = [...sessionTags];
    const rewrites: Rewrite[] = [];
    for (let p = 0; p < ESCALATION_PATHS.length; p++) {
      // Taken on the caller's assume edges, not by holding the actions (sessionTagEscalation).
      if (p === SESSION_TAGS_PATH) continue;
      let heldDecisions = heldOf(decisions, this.pathSlots[p]);
      if (!heldDecisions) continue;
      this.pathContext = this.time;
      this.pathPick = undefined;
      if (picked.length > 0 && heldDecisions.some(dependsOnPickOrTags)) {
        for (const lazily of picked) {
          const { pick, context, decisions: there } = lazily();
          const withPick = heldOf(there, this.pathSlots[p]);
          if (!withPick || withPick.some(dependsOnPickOrTags)) continue;
          heldDecisions = withPickNotes(withPick, heldDecisions, pick);
          this.pathContext = context;
          this.pathPick = pick;
          break;
        }
      }
      this.pathEdge(principal, compiled, index, p, heldDecisions, selves, rewrites);
    }
    this.pathContext = this.time;
    this.pathPick = undefined;
    this.graph.setSelfEscalations(principal.arn, selves);
    this.graph.setRewrites(principal.arn, rewrites);
  }

  /**
   * The context a path's own further questions are asked in (its targets, the role a request names): the audit
   * time, or the caller pick a path is taken with (pathEdges).
   */
  private pathContext: RequestContext;
  /** The caller pick of pathContext, if any. */
  private pathPick: CallerPick | undefined;

  /**
   * The path actions' decisions with each pick of GraphOptions.picksOf, when some held decision depends on a
   * key the caller picks (none otherwise: asking again costs a decision per action), each made when first
   * asked for: most paths are taken with the first pick. sts:AssumeRoot keeps its own question (any account,
   * see heldPathDecisions).
   */
  private pickedPathDecisions(
    principal: Principal,
    compiled: CompiledPrincipal,
    decisions: readonly (ActionDecision | undefined)[],
  ): (() => { pick: CallerPick; context: RequestContext; decisions: (ActionDecision | undefined)[] })[] {
    const onPick = decisions.some((d) => d !== undefined && dependsOnCallerPick(d));
    const onTags = decisions.some((d) => d !== undefined && dependsOnRequestTags(d));
    const picks = [
      ...(onPick && this.options.picksOf ? withoutSourceIdentityPicks(this.options.picksOf(principal)) : []),
      ...(onTags && this.options.tagSendsOf ? this.options.tagSendsOf(principal) : []),
    ];
    if (picks.length === 0) return [];
    const asked = this.options.restrict ? this.options.restrict(principal, this.pathActions) : this.pathActions;
    return picks.map((pick) =>
      once(() => {
        const context = withCallerPick(this.time, pick);
        const there = new Array<ActionDecision | undefined>(this.pathActions.length);
        for (const decision of compiled.decideMany(asked, context)) {
          if (decision.decision === 'denied' || decision.action === ASSUME_ROOT) continue;
          there[this.pathSlotOf.get(decision.action)!] = decision;
        }
        const rootSlot = this.pathSlotOf.get(ASSUME_ROOT);
        if (rootSlot !== undefined) there[rootSlot] = decisions[rootSlot];
        return { pick, context, decisions: there };
      }),
    );
  }

  /** The principal's decisions on the escalation paths' actions that are not denied, by slot; undefined: none. */
  private heldPathDecisions(
    principal: Principal,
    compiled: CompiledPrincipal,
  ): (ActionDecision | undefined)[] | undefined {
    const asked = this.options.restrict ? this.options.restrict(principal, this.pathActions) : this.pathActions;
    if (asked.length === 0) return undefined;
    const decisions = new Array<ActionDecision | undefined>(this.pathActions.length);
    let held = 0;
    for (const own of compiled.decideMany(asked, this.time)) {
      // A root session is taken in another account: asked of a resource in any account, not the caller's own.
      const decision = own.action === ASSUME_ROOT ? compiled.decide(ASSUME_ROOT, this.anyAccount) : own;
      if (decision.decision === 'denied') continue;
      decisions[this.pathSlotOf.get(decision.action)!] = decision;
      held++;
    }
    return held === 0 ? undefined : decisions;
  }

  /**
   * The edges (or self-escalations, rewrites) of path `p`, whose every action the principal holds. Apart from
   * pathEdges' loop: V8 compiles the small loop that runs per path cheaply, and this dispatch on its own.
   */
  private pathEdge(
    principal: Principal,
    compiled: CompiledPrincipal,
    index: AccountIndex,
    p: number,
    heldDecisions: ActionDecision[],
    selves: SelfEscalation[],
    rewrites: Rewrite[],
  ): void {
    const path = ESCALATION_PATHS[p];
    const lower = LOWER_PATH_ACTIONS[p];
    const resolution = RESOLUTION_OF_PATH[p];
    if (!resolution) {
      selves.push(
        this.self(path, 'itself (path not resolved against targets)', heldDecisions, true, { unresolved: true }),
      );
      return;
    }
    switch (resolution.kind) {
      case 'pass-role':
      case 'run-code':
        this.serviceEdges(principal, compiled, index, path, resolution, heldDecisions, lower);
        break;
      case 'credentials':
        this.targetEdges(principal, compiled, index, path, 'credentials', index.users, heldDecisions, lower);
        break;
      case 'trust-rewrite':
        this.targetEdges(principal, compiled, index, path, 'trust-rewrite', index.roles, heldDecisions, lower);
        break;
      case 'saml-provider':
        this.samlProviderEdges(principal, compiled, index, path, heldDecisions[0], resolution.needs, selves);
        break;
      case 'new-role':
        selves.push(this.self(path, resolution.user ? 'a new user' : 'a new role', heldDecisions, true));
        break;
      case 'self-tag':
        this.selfTag(principal, compiled, index, path, resolution, heldDecisions, selves);
        break;
      case 'identity-center':
        selves.push(this.self(path, 'an Identity Center identity', heldDecisions, true, { needs: resolution.needs }));
        break;
      case 'member-root': {
        // Where the account's own answer is known, the path is certain (the decision alone) or cannot start here.
        const rootSessions = index.graph.snapshot.rootSessions;
        if (rootSessions === false) break;
        const needs = rootSessions ? {} : { needs: resolution.needs };
        // Asked again with the task the path takes (sts:TaskPolicyArn), on whichever member it chooses.
        const task = this.rootTaskContext(partitionOf(principal.arn));
        const decision = compiled.decide(path.actions[0], task);
        if (decision.decision === 'denied') break;
        selves.push(this.self(path, "a member account's root user", [decision], true, needs));
        this.rootSessionEdges(principal, compiled, index, path, task, needs);
        break;
      }
      case 'member-stack-set': {
        // Service-managed stack sets deploy from the management account and from the delegated administrator for
        // StackSets (a live organization read names it; where the input does not say, from no other account).
        // Trusted access shows as the management account's service-linked role (a delegated administrator can
        // only be registered with it on); where that is missing, the path needs it.
        const snapshot = index.graph.snapshot;
        const delegated = !snapshot.isManagementAccount && snapshot.stackSetsAdministrator === true;
        if (!snapshot.isManagementAccount && !delegated) break;
        const needs = [
          ...(resolution.existing ? [resolution.existing] : []),
          ...(delegated || stackSetsTrustedAccess(snapshot) ? [] : [STACK_SETS_TRUSTED_ACCESS]),
        ];
        const extra = needs.length > 0 ? { needs: needs.join('; ') } : {};
        selves.push(this.self(path, 'member accounts (a service-managed stack set)', heldDecisions, true, extra));
        this.stackSetEdges(principal, path, heldDecisions, extra);
        break;
      }
      case 'rewrite':
        this.rewrite(principal, compiled, index, path, resolution.target, heldDecisions, selves, rewrites);
        break;
      case 'remove-deny': {
        // Another principal's Deny it takes away, then acts as that principal (weighed once the graph is whole).
        // Resolved later, in the request context of this path (a caller pick sets it path by path).
        const context = this.pathContext;
        push(this.pendingDenyRemovals, principal.arn, () =>
          this.denyRemovalsOfOthers(principal, compiled, index, path, resolution, heldDecisions[0], context),
        );
        // A Deny of its own that the write takes away: the policies that hold one, on itself.
        if (principal.kind !== resolution.principal) break;
        const snapshot = index.graph.snapshot;
        if (resolution.policies !== 'inline' && resolution.policies !== 'managed') {
          // Leaving a group, or a write on a group's policies, is decided on the group: the first group holding a
          // Deny it may take away (a group's own policy is named as the target, leaving as itself).
          const kind =
            resolution.policies === 'group' ? 'any' : resolution.policies === 'group-inline' ? 'inline' : 'managed';
          for (const name of denyingGroups(snapshot, principal, kind)) {
            const group = index.groupsByName.get(name);
            if (!group) continue;
            const decision = compiled.decide(path.actions[0], withResource(this.pathContext, group.arn, group.tags));
            if (decision.decision === 'denied') continue;
            selves.push(this.self(path, resolution.policies === 'group' ? 'itself' : group.arn, [decision], false));
            break;
          }
          break;
        }
        const denying =
          resolution.policies === 'inline'
            ? denyingInlinePolicies(snapshot, principal)
            : denyingManagedPolicies(snapshot, principal);
        if (denying.length === 0) break;
        const decision = compiled.decide(
          path.actions[0],
          withResource(this.pathContext, principal.arn, principal.tags),
        );
        if (decision.decision === 'denied') break;
        selves.push(this.self(path, 'itself', [decision], false));
        break;
      }
    }
  }

  /**
   * sts:AssumeRoot into each other account of the graph but the management account (a root session is only for
   * members): an edge to its root user, decided on that root's ARN, so a grant scoped to some accounts reaches
   * only those. An organization's graph then leads from the principal to what each member's root user can do.
   * Only from an account known to start root sessions, or the management account while that is unknown: any
   * other account is one of its members, from which root sessions start only if it is the delegated
   * administrator, which only its own answer (a live read) tells. Drawing those edges from every account of
   * an input that does not say would cost accounts² edges and a root user's checks per account (200 generated
   * accounts: +34,000 edges, +9 s CPU) for paths that are almost all absent; the self-escalation still names it.
   */
  /** The audit time with the root session's task (see rootPasswordTaskArn), one object per partition. */
  private rootTaskContext(partition: string): RequestContext {
    let context = this.rootTasks.get(partition);
    if (!context) {
      context = {
        ...this.time,
        contextKeys: { ...this.time.contextKeys, 'sts:taskpolicyarn': [rootPasswordTaskArn(partition)] },
      };
      this.rootTasks.set(partition, context);
    }
    return context;
  }

  private readonly rootTasks = new Map<string, RequestContext>();

  private rootSessionEdges(
    principal: Principal,
    compiled: CompiledPrincipal,
    index: AccountIndex,
    path: EscalationPath,
    task: RequestContext,
    extra: { needs?: string },
  ): void {
    const from = index.graph.snapshot;
    if (from.rootSessions !== true && !from.isManagementAccount) return;
    const partition = partitionOf(principal.arn);
    for (const target of this.indexes) {
      if (target.accountId === index.accountId || target.graph.snapshot.isManagementAccount) continue;
      const rootArn = memberRootArn(partition, target.accountId);
      const decision = compiled.decide(path.actions[0], withResource(task, rootArn, undefined));
      if (decision.decision === 'denied') continue;
      this.graph.link(
        this.graph.node(principal.arn),
        this.graph.node(rootArn),
        half('root-session', path.actions, combine([decision], false), { pathId: path.id, ...extra }),
      );
    }
  }

  /**
   * A service-managed stack set from the management account or the StackSets delegated administrator into each
   * member account of the graph: an edge to its StackSets execution role (graph/member-stack-set.ts). Which
   * accounts a stack set deploys to is the caller's pick (its target OUs), so the decision is the one held.
   */
  private stackSetEdges(
    principal: Principal,
    path: EscalationPath,
    held: readonly ActionDecision[],
    extra: { needs?: string },
  ): void {
    const partition = partitionOf(principal.arn);
    for (const target of this.indexes) {
      // Never into the management account; a delegated administrator's own account is a member like any other.
      if (target.graph.snapshot.isManagementAccount) continue;
      this.graph.link(
        this.graph.node(principal.arn),
        this.graph.node(memberStackSetRoleArn(partition, target.accountId)),
        half('stack-set', path.actions, combine(held, true), { pathId: path.id, ...extra }),
      );
    }
  }

  /**
   * A tag write on itself, when its own Allow statements ask for principal tags it does not carry: it sets them
   * and gains those statements (support/escalated.ts weighs what they then allow).
   */
  private selfTag(
    principal: Principal,
    compiled: CompiledPrincipal,
    index: AccountIndex,
    path: EscalationPath,
    resolution: Extract<PathResolution, { kind: 'self-tag' }>,
    held: readonly ActionDecision[],
    selves: SelfEscalation[],
  ): void {
    if (principal.kind !== resolution.principal) return;
    const snapshot = index.graph.snapshot;
    const choices = principalTagChoices(principal, snapshot, this.options.productionTags);
    if (choices.size === 0) return;
    // The tag write is on itself; a federation token is for a federated user it names (its own name here).
    const on = resolution.federated
      ? withResource(this.time, `arn:aws:sts::${snapshot.accountId}:federated-user/${principal.name}`, undefined)
      : withResource(this.time, principal.arn, principal.tags);
    // Asked with the tags it writes: a guard on which tags may be written (aws:TagKeys, aws:RequestTag) decides,
    // for the spelling of their keys it lets through.
    let decision: ActionDecision | undefined;
    for (const requestTags of tagSpellings(choices)) {
      decision = compiled.decide(path.actions[0], { ...on, requestTags });
      if (decision.decision !== 'denied') break;
    }
    if (decision === undefined || decision.decision === 'denied') return;
    // Worth it only when the tagged principal may write something it may not now (as joining a group).
    if (!this.tagsGainWrites(principal, compiled, index, choices)) return;
    const tags = [...choices].map(([key, value]) => `${key}=${value}`).join(', ');
    selves.push({
      ...this.self(path, 'itself', [decision, ...held.slice(1)], false),
      description: `${path.description}: ${tags}`,
    });
  }

  /** Whether the principal with the chosen tags may write something it may not now (as joining a group). */
  private tagsGainWrites(
    principal: Principal,
    compiled: CompiledPrincipal,
    index: AccountIndex,
    choices: ReadonlyMap<string, string>,
  ): boolean {
    const snapshot = index.graph.snapshot;
    const probe = withChosenTags(principal, choices);
    const groups = principal.groups.map((name) => index.groupsByName.get(name)).filter((g): g is Principal => !!g);
    const alone = { ...snapshot, principals: [probe, ...groups] };
    shareParseCache(snapshot, alone);
    const tagged = compileAccount(alone, this.options.catalog, undefined, this.graph.auditTime, probe.arn).principal(
      probe.arn,
    );
    if (!tagged) return false;
    const { marks, mark } = this.markWrites(principal, compiled);
    const { kinds, slots } = this.writeKinds(probe, tagged);
    for (let i = 0; i < kinds.length; i++) if (kinds[i] !== 0 && marks[slots[i]] !== mark) return true;
    // A write decided on the resource's production tag compared with its own: asked on a production resource.
    const production = this.productionResource();
    if (!production) return false;
    const asked = this.options.restrict ? this.options.restrict(principal, this.writeActions) : this.writeActions;
    const before = compiled.decisionKinds(asked, production);
    const after = tagged.decisionKinds(asked, production);
    for (let i = 0; i < asked.length; i++) if (before[i] === 0 && after[i] !== 0) return true;
    return false;
  }

  /** A request on a resource with the first production tag, when the options say what production is. */
  private productionResource(): RequestContext | undefined {
    const tags = this.options.productionTags;
    if (!tags || tags.keys.length === 0 || tags.values.length === 0) return undefined;
    return (this.productionRequest ??= {
      ...this.time,
      resourceTags: { [tags.keys[0]]: tags.values[0] },
      resourceTagKeysKnown: tags.keys,
    });
  }

  private productionRequest?: RequestContext;

  /**
   * A role whose trust lets callers pass session tags, and whose own Allow statements ask for principal tags it
   * does not carry, which would let it write more: its session has the tags its caller passes. Undefined for
   * other roles. Made once per role.
   */
  private sessionTagTarget(role: Principal, index: AccountIndex): SessionTagTarget | undefined {
    if (this.sessionTagTargets.has(role.arn)) return this.sessionTagTargets.get(role.arn);
    let target: SessionTagTarget | undefined;
    const grant =
      role.kind === 'role' && !role.serviceLinked ? sessionTagGrant(roleTrust(index.graph.snapshot, role)) : undefined;
    const tagged = grant && this.tagsTarget(role);
    if (grant && tagged) {
      target = { ...tagged, evidence: trustStatementEvidence(role, grant) };
    }
    this.sessionTagTargets.set(role.arn, target);
    return target;
  }

  /**
   * The principal tags a role's own Allow statements ask for that it does not carry, when carrying them would let
   * it write more: what a session of it gains by the tags its caller (or a SAML assertion) sets. Made once.
   */
  private tagsTarget(role: Principal): Omit<SessionTagTarget, 'evidence'> | undefined {
    if (this.tagsTargets.has(role.arn)) return this.tagsTargets.get(role.arn);
    let target: Omit<SessionTagTarget, 'evidence'> | undefined;
    const index = this.byArn.get(role.arn)?.index;
    const compiled = index?.graph.account.principal(role.arn);
    if (index && compiled && role.kind === 'role' && !role.serviceLinked) {
      const choices = principalTagChoices(role, index.graph.snapshot, this.options.productionTags);
      if (choices.size > 0 && this.tagsGainWrites(role, compiled, index, choices)) {
        target = {
          tags: [...choices].map(([key, value]) => `${key}=${value}`).join(', '),
          requestTags: tagSpellings(choices),
        };
      }
    }
    this.tagsTargets.set(role.arn, target);
    return target;
  }

  private readonly tagsTargets = new Map<string, Omit<SessionTagTarget, 'evidence'> | undefined>();

  private readonly sessionTagTargets = new Map<string, SessionTagTarget | undefined>();

  /**
   * A caller's assume edge to a role with a session-tag target: when the caller may pass session tags to it, it
   * gains what the role's statements allow with the tags they ask for (support/escalated.ts weighs it as a tag
   * write landing on the role). Kept until the caller's paths are made (pathEdges).
   */
  private sessionTagEscalation(caller: Caller, from: string, grant: TrustGrant, edge: Combined, dependsOn: string[]) {
    const target = this.sessionTagTarget(grant.role, this.byArn.get(grant.role.arn)!.index);
    if (!target) return;
    // In the spelling of the keys the trust and the caller's policies let through, the surest.
    let tagging: Tri = NO;
    for (const requestTags of target.requestTags) {
      const passing = this.sessionValues(caller, grant, { requestTags })['sts:TagSession'];
      if (passing === YES || (passing === MAYBE && tagging === NO)) tagging = passing;
      if (tagging === YES) break;
    }
    if (tagging === NO) return;
    const path = ESCALATION_PATHS[SESSION_TAGS_PATH];
    const certain = edge.decision === 'allowed' && dependsOn.length === 0 && tagging === YES;
    push(this.sessionTagSelves, from, {
      pathId: path.id,
      description: `${path.description}: ${target.tags}`,
      actions: path.actions,
      target: grant.role.arn,
      decision: certain ? 'allowed' : 'depends',
      dependsOn: union(dependsOn, tagging === YES ? [] : [`sts:TagSession (to pass ${target.tags})`]),
      evidence: [...edge.evidence, target.evidence],
    });
  }

  /** The session-tag escalations of each caller (sessionTagEscalation), by its ARN. */
  private readonly sessionTagSelves = new Map<string, SelfEscalation[]>();

  private self(
    path: EscalationPath,
    target: string,
    decisions: readonly ActionDecision[],
    chosenResource: boolean,
    extra: { unresolved?: boolean; needs?: string } = {},
  ): SelfEscalation {
    const combined = combine(decisions, chosenResource);
    return {
      pathId: path.id,
      description: path.description,
      actions: path.actions,
      target,
      decision: combined.decision,
      dependsOn: combined.dependsOn,
      evidence: combined.evidence,
      ...extra,
    };
  }

  /** Per service principal no path models: its action prefix, Write and execute actions, and general paths. */
  private readonly unmodelled = new Map<string, UnmodelledService>();

  private unmodelledService(service: string): UnmodelledService {
    let known = this.unmodelled.get(service);
    if (!known) {
      const catalog = this.options.catalog;
      const prefix = servicePrefixOf(service, (name) => catalog.hasService(name));
      const actions = prefix ? catalog.serviceActions(prefix) : undefined;
      known = {
        writes: actions?.filter((a) => a.accessLevel === 'Write'),
        runs: actions?.filter((a) => a.classes.includes('execute')) ?? [],
        paths: new Map(),
      };
      this.unmodelled.set(service, known);
    }
    return known;
  }

  /** Whether the caller holds every action of some modelled pass-role path to `service`. */
  private holdsPassPathTo(service: string, decisions: readonly (ActionDecision | undefined)[]): boolean {
    for (let p = 0; p < ESCALATION_PATHS.length; p++) {
      const resolution = PATH_RESOLUTIONS[ESCALATION_PATHS[p].id];
      if (resolution?.kind !== 'pass-role' || !resolution.services.includes(service)) continue;
      const held = heldOf(decisions, this.pathSlots[p]);
      if (held && held.every((d) => d.decision !== 'denied')) return true;
    }
    return false;
  }

  /** The first of `actions` the principal is not denied, if any. */
  private firstHeld(
    principal: Principal,
    compiled: CompiledPrincipal,
    actions: readonly CatalogAction[],
  ): ActionDecision | undefined {
    const asked = this.options.restrict ? this.options.restrict(principal, actions) : actions;
    return asked.length === 0 ? undefined : compiled.decideMany(asked, this.time).find((d) => d.decision !== 'denied');
  }

  /**
   * The general rules, for every service a role of the account trusts that no path above models (a list of
   * paths always misses one). Pass-role: a caller that may pass the role to the service, and holds a Write
   * action of that service (any, when the catalog does not know the service), may have the service act with
   * the role. Run-code: a caller holding an action of that service the catalog classes as running code or
   * commands with a resource's role (`execute`) may do so with a resource that runs as the role. What the
   * service does with the role, and which resources run as it, is not modelled: each edge needs that, and
   * says so.
   */
  private unmodelledServiceEdges(
    principal: Principal,
    compiled: CompiledPrincipal,
    index: AccountIndex,
    decisions: readonly (ActionDecision | undefined)[] | undefined,
  ): void {
    const passRole = decisions?.[this.passRoleSlot];
    for (const service of index.serviceRoles.keys()) {
      // A service some path models still gets the general pass-role rule when the caller holds none of those
      // paths whole: the paths list the known ways (a document of its own for SSM Automation), and a caller may
      // use another (an Automation runbook already in the account).
      const modelled = MODELLED_SERVICES.has(service);
      if (modelled && !passRole) continue;
      const known = this.unmodelledService(service);
      if (modelled && (known.runs.length === 0 || this.holdsPassPathTo(service, decisions!))) continue;
      const run = !modelled && known.runs.length > 0 ? this.firstHeld(principal, compiled, known.runs) : undefined;
      if (run) {
        const needs = `a resource of ${service} that runs as the role and does what ${run.action} asks (leash models no path through this service)`;
        const path = this.generalPath(known, UNMODELLED_RUN_PATH, service, [run.action]);
        const resolution: PathResolution = { kind: 'run-code', services: [service], needs };
        this.serviceEdges(principal, compiled, index, path, resolution, [run], [run.action.toLowerCase()]);
      }
      if (!passRole) continue;
      // For a modelled service, only an action that runs work with a role (the catalog's `execute` class, as
      // ssm:StartAutomationExecution) hands it one outside the listed paths; for the others, any Write.
      const use = known.writes ? this.firstHeld(principal, compiled, modelled ? known.runs : known.writes) : undefined;
      if (known.writes && !use) continue;
      const path = this.generalPath(
        known,
        UNMODELLED_SERVICE_PATH,
        service,
        use ? ['iam:PassRole', use.action] : ['iam:PassRole'],
      );
      const needs = use
        ? `${service} to act with the role when called with ${use.action} (${modelled ? 'a way leash does not model: it holds no modelled path through this service whole' : 'leash models no path through this service'})`
        : `${service} to act with the role (a service the action catalog does not know)`;
      const held = use ? [passRole, use] : [passRole];
      const lower = use ? ['iam:passrole', use.action.toLowerCase()] : ['iam:passrole'];
      this.serviceEdges(
        principal,
        compiled,
        index,
        path,
        { kind: 'pass-role', services: [service], needs },
        held,
        lower,
      );
    }
    // A role whose trust cannot be read may trust a service no role above names: any caller that may pass it
    // may hand it to such a service (which one, and what it does with the role, is unknown).
    if (passRole && index.anyServiceRoles.length > 0) {
      const known = this.unmodelledService(ANY_SERVICE);
      const path = this.generalPath(known, UNMODELLED_SERVICE_PATH, ANY_SERVICE, ['iam:PassRole']);
      const needs =
        'a service the role trusts to act with it (its trust policy could not be read, so which is unknown)';
      this.serviceEdges(
        principal,
        compiled,
        index,
        path,
        { kind: 'pass-role', services: [ANY_SERVICE], needs },
        [passRole],
        ['iam:passrole'],
      );
    }
  }

  /** One general path per service, id and actions (hops are made once per path: see serviceHops). */
  private generalPath(known: UnmodelledService, id: string, service: string, actions: string[]): EscalationPath {
    const key = `${id}|${actions.join('|')}`;
    let path = known.paths.get(key);
    if (!path) {
      const description =
        id === UNMODELLED_RUN_PATH
          ? `run code or commands with a resource of ${service} that runs as the role, in ways leash does not model`
          : `pass a role to ${service}, which acts with it in ways leash does not model`;
      path = { id, actions, description };
      known.paths.set(key, path);
    }
    return path;
  }

  /** PassRole to a service, or code run on its existing compute: edges to the roles that trust the service. */
  private serviceEdges(
    principal: Principal,
    compiled: CompiledPrincipal,
    index: AccountIndex,
    path: EscalationPath,
    resolution: Extract<PathResolution, { kind: 'pass-role' | 'run-code' }>,
    held: readonly ActionDecision[],
    lowerActions: readonly string[],
  ): void {
    let others: readonly ActionDecision[] = held.filter((_, i) => lowerActions[i] !== 'iam:passrole');
    if (resolution.kind === 'run-code') {
      const asRequested = this.withoutNamedRole(compiled, others);
      if (!asRequested) return;
      others = asRequested;
    }
    const callerSide = (extra: ActionDecision | undefined): HalfEdge => {
      const combined = combine(extra ? [...others, extra] : others, true);
      return half(resolution.kind, path.actions, combined, { pathId: path.id });
    };
    for (const hop of this.serviceHops(index, path, resolution)) {
      let resolved: Resolved;
      if (resolution.kind === 'pass-role') {
        resolved = resolveTargets(compiled, 'iam:PassRole', this.passedTo(hop.service), hop.passTargets!);
      } else {
        // Which function, stack or instance is the caller's to pick among those that exist: not a condition.
        resolved = { scope: 'any', decision: others[0] };
      }
      if (resolved.scope === 'none') continue;
      if (resolved.scope === 'any') {
        this.throughServiceHub(
          hop,
          hop.hubName,
          () => hop.targets.map((target) => target.role.arn),
          principal.arn,
          callerSide(resolution.kind === 'pass-role' ? resolved.decision : undefined),
        );
        continue;
      }
      // Roles in groups that share the caller's answer (passed by tag or name pattern): a hub per group, shared
      // by the callers that reach the same roles; a group of one is linked directly.
      const single = resolved.groups
        ? this.throughGroupHubs(hop, principal.arn, resolved.groups, callerSide)
        : undefined;
      for (const target of single ?? resolved.targets) {
        const out = hop.out(target.arn);
        if (!out) continue;
        const caller = callerSide(target.decision);
        this.graph.link(this.graph.node(principal.arn), this.graph.node(target.arn), {
          ...out,
          decision: caller.decision === 'allowed' && out.decision === 'allowed' ? 'allowed' : 'depends',
          dependsOn: union(caller.dependsOn, out.dependsOn),
          evidence: [...caller.evidence, ...out.evidence],
        });
      }
    }
  }

  /**
   * Links the caller to a hub per group of more than one role, each hub to its roles (their sides are the same
   * for every caller); gives back the roles of groups of one, to link directly.
   */
  private throughGroupHubs(
    hop: ServiceHop,
    from: string,
    groups: readonly TargetGroup[],
    callerSide: (decision: ActionDecision) => HalfEdge,
  ): { arn: string; decision: ActionDecision }[] {
    const single: { arn: string; decision: ActionDecision }[] = [];
    for (const group of groups) {
      if (group.arns.length === 1) {
        single.push({ arn: group.arns[0], decision: group.decision });
        continue;
      }
      this.throughServiceHub(hop, `${hop.hubName}:${group.key}`, () => group.arns, from, callerSide(group.decision));
    }
    return single;
  }

  /** The caller's edge to a hub of a service hop's roles, and (made once) the hub's edge to each role. */
  private throughServiceHub(
    hop: ServiceHop,
    hubName: string,
    arns: () => readonly string[],
    from: string,
    side: HalfEdge,
  ): void {
    if (!this.graph.hasHub(hubName)) {
      const hub = this.graph.node(hubName, true);
      for (const arn of arns()) {
        const out = hop.out(arn);
        if (out) this.graph.link(hub, this.graph.node(arn), out);
      }
    }
    this.graph.link(this.graph.node(from), this.graph.node(hubName), side);
  }

  /**
   * Code run with a role the resource already holds (a stack's service role) means a request that names no
   * role: an action that could name one (cloudformation:RoleArn) is decided again with the key absent, so a
   * guard that requires it (the agent boundary) is weighed instead of left as "depends". Undefined when
   * that denies one of them.
   */
  private withoutNamedRole(
    compiled: CompiledPrincipal,
    decisions: readonly ActionDecision[],
  ): readonly ActionDecision[] | undefined {
    let out: ActionDecision[] | undefined;
    for (let i = 0; i < decisions.length; i++) {
      const action = this.options.catalog.get(decisions[i].action);
      const key = action && roleFromResourceKey(action);
      if (!action || !key) continue;
      const context: RequestContext = {
        contextKeys: { ...this.pathContext.contextKeys, [key.toLowerCase()]: [] },
      };
      const again = compiled.decideMany([action], context)[0];
      if (again.decision === 'denied') return undefined;
      (out ??= [...decisions])[i] = again;
    }
    return out ?? decisions;
  }

  private readonly serviceHopLists = new Map<AccountIndex, Map<EscalationPath, ServiceHop[]>>();

  /**
   * The hops of a service path in an account, one per service with targets: nothing in them depends on the
   * caller, so they are made once and every caller shares them.
   */
  private serviceHops(
    index: AccountIndex,
    path: EscalationPath,
    resolution: Extract<PathResolution, { kind: 'pass-role' | 'run-code' }>,
  ): readonly ServiceHop[] {
    let byPath = this.serviceHopLists.get(index);
    if (!byPath) {
      byPath = new Map();
      this.serviceHopLists.set(index, byPath);
    }
    let hops = byPath.get(path);
    if (hops) return hops;
    hops = [];
    byPath.set(path, hops);
    // With the inventory list this path needs, only roles some compute runs as are targets (and those need
    // nothing more); without it, or for a role whose instance profiles are unknown, the hop stays unresolved.
    // A list that only narrows (code planted where the compute reads it) drops roles nothing runs as and
    // leaves the rest needing where the compute reads its code from.
    const kind = resolution.kind === 'run-code' ? (resolution.inventory ?? resolution.narrowedBy) : undefined;
    const resolves = resolution.kind === 'run-code' && resolution.inventory !== undefined;
    const running = kind ? index.runningAs[kind] : undefined;
    const computeOf = (role: Principal): readonly string[] | undefined => {
      if (!running || (kind === 'instance-profiles' && role.instanceProfiles === undefined)) return undefined;
      return running.get(role.arn.toLowerCase()) ?? [];
    };
    const needsOf = (role: Principal): string | undefined => {
      if (resolves && computeOf(role) !== undefined) return undefined;
      const needs: string[] = [];
      if (resolution.needs) needs.push(resolution.needs);
      if (resolution.instanceProfile && role.instanceProfiles === undefined)
        needs.push('an instance profile that holds the role');
      return needs.length ? needs.join('; ') : undefined;
    };
    const targetHalf = (role: Principal, grant: TrustGrant): HalfEdge | undefined => {
      const answer = answerConditions(grant.statement, undefined, this.facts, grant.roleAccountId);
      if (answer.tri === NO) return undefined;
      const needs = needsOf(role);
      const compute = computeOf(role);
      return {
        kind: resolution.kind,
        actions: path.actions,
        pathId: path.id,
        decision: answer.tri === YES && !grant.unreadable ? 'allowed' : 'depends',
        dependsOn: grant.unreadable ? [...answer.dependsOn, UNREADABLE_TRUST] : answer.dependsOn,
        ...(needs ? { needs } : {}),
        ...(compute?.length ? { runsOn: compute.slice(0, RUNS_ON_SAMPLE) } : {}),
        evidence: [grant.evidence],
      };
    };
    for (const service of resolution.services) {
      const targets = this.serviceTargets(index, service, resolution.instanceProfile === true, kind, computeOf);
      if (targets.length === 0) continue;
      const hubName = `hub:${path.id}:${service}:${index.accountId}`;
      const passTargets =
        resolution.kind === 'pass-role' ? this.targetsOf(hubName, () => targets.map((t) => t.role.arn)) : undefined;
      hops.push(new ServiceHop(service, hubName, targets, targetHalf, passTargets));
    }
    return hops;
  }

  private readonly passContexts = new Map<string, RequestContext>();

  /**
   * The audit-time request that passes a role to `service`, one object for every caller (see withResource),
   * with the caller pick the path is taken with.
   */
  private passedTo(service: string): RequestContext {
    let context = this.passContexts.get(service);
    if (!context) {
      context =
        service === ANY_SERVICE
          ? this.time
          : { contextKeys: { ...this.time.contextKeys, 'iam:passedtoservice': [service] } };
      this.passContexts.set(service, context);
    }
    return this.pathPick ? withCallerPick(context, this.pathPick) : context;
  }

  private readonly serviceTargetLists = new Map<string, { role: Principal; grant: TrustGrant }[]>();

  /**
   * Roles of the account that trust the service (in an instance profile, or not known to be in none); with a
   * known inventory list `kind`, only those some compute runs as, or whose compute cannot be told (`computeOf`
   * undefined).
   */
  private serviceTargets(
    index: AccountIndex,
    service: string,
    instanceProfile: boolean,
    kind: InventoryKind | undefined,
    computeOf: (role: Principal) => readonly string[] | undefined,
  ) {
    const key = `${index.accountId}|${service}|${instanceProfile}|${kind && index.runningAs[kind] ? kind : ''}`;
    let list = this.serviceTargetLists.get(key);
    if (!list) {
      list = [...(index.serviceRoles.get(service) ?? []), ...index.anyServiceRoles].filter(
        ({ role }) =>
          (!instanceProfile || role.instanceProfiles === undefined || role.instanceProfiles.length > 0) &&
          computeOf(role)?.length !== 0,
      );
      this.serviceTargetLists.set(key, list);
    }
    return list;
  }

  /** Edges to other users (credentials) or roles (trust rewrite) that an IAM write on them hands over. */
  /**
   * The roles whose trust names a SAML provider the principal may write (iam:UpdateSAMLProvider, or
   * CreateSAMLProvider of one the account lacks): it makes the provider vouch for a signer of its own and signs in
   * as each, with assertions that say whatever the trust's `SAML:*` conditions ask. Decided on each provider's ARN.
   */
  private samlProviderEdges(
    principal: Principal,
    compiled: CompiledPrincipal,
    index: AccountIndex,
    path: EscalationPath,
    held: ActionDecision,
    needs: string | undefined,
    selves: SelfEscalation[],
  ): void {
    if (index.samlProviders.size === 0) return;
    const resolved = resolveTargets(compiled, path.actions[0], this.pathContext, index.samlProviders, held);
    if (resolved.scope === 'none') return;
    const providers =
      resolved.scope === 'any'
        ? index.samlProviders.all().map((arn) => ({ arn, decision: resolved.decision }))
        : resolved.targets;
    const from = this.graph.node(principal.arn);
    for (const { arn, decision } of providers) {
      for (const trust of index.samlTrusts.get(arn.toLowerCase()) ?? []) {
        if (trust.role.arn === principal.arn) continue;
        const combined = combine([decision], true, [trust.evidence]);
        const dependsOn = union(combined.dependsOn, trust.dependsOn);
        // Its assertions may carry session tags: the tags the role's own statements ask for are the signer's.
        const target = trust.sessionTags ? this.tagsTarget(trust.role) : undefined;
        if (target) {
          selves.push({
            pathId: ESCALATION_PATHS[SESSION_TAGS_PATH].id,
            description: `sign in as a role through a SAML provider it rewrites, its assertion carrying the session tags its statements ask for or an SCP exempts: ${target.tags}`,
            actions: path.actions,
            target: trust.role.arn,
            decision: dependsOn.length > 0 ? 'depends' : combined.decision,
            dependsOn,
            ...(needs ? { needs } : {}),
            evidence: combined.evidence,
          });
        }
        this.graph.link(
          from,
          this.graph.node(trust.role.arn),
          half('trust-rewrite', path.actions, combined, {
            pathId: path.id,
            decision: dependsOn.length > 0 ? 'depends' : combined.decision,
            dependsOn,
            ...(needs ? { needs } : {}),
          }),
        );
      }
    }
  }

  private targetEdges(
    principal: Principal,
    compiled: CompiledPrincipal,
    index: AccountIndex,
    path: EscalationPath,
    kind: EdgeKind,
    targets: TargetIndex,
    held: readonly ActionDecision[],
    lowerActions: readonly string[],
  ): void {
    const iamAction = path.actions[0];
    const others = held.filter((_, i) => lowerActions[i] !== lowerActions[0]);
    const resolved = resolveTargets(compiled, iamAction, this.pathContext, targets, held[0]);
    if (resolved.scope === 'none') return;
    const from = this.graph.node(principal.arn);
    // Targets that share the caller's answer, through one hub (made once; callers share it): the caller's side
    // carries the answer, the hub's side nothing more (an IAM write reaches its target as it is).
    const throughHub = (hubName: string, arns: readonly string[], decision: ActionDecision) => {
      if (!this.graph.hasHub(hubName)) {
        const hub = this.graph.node(hubName, true);
        for (const arn of arns) {
          this.graph.link(hub, this.graph.node(arn), {
            kind,
            actions: path.actions,
            decision: 'allowed',
            dependsOn: [],
            evidence: [],
          });
        }
      }
      this.graph.link(
        from,
        this.graph.node(hubName),
        half(kind, path.actions, combine([decision, ...others], true), { pathId: path.id }),
      );
    };
    if (resolved.scope === 'any') {
      throughHub(`hub:${path.id}:${index.accountId}`, targets.all(), resolved.decision);
      return;
    }
    // Targets in groups that share the answer (by tag or name pattern): a hub per group of more than one.
    const single: { arn: string; decision: ActionDecision }[] = [];
    for (const group of resolved.groups ?? []) {
      if (group.arns.length === 1) single.push({ arn: group.arns[0], decision: group.decision });
      else throughHub(`hub:${path.id}:${index.accountId}:${group.key}`, group.arns, group.decision);
    }
    for (const target of resolved.groups ? single : resolved.targets) {
      if (target.arn === principal.arn) continue;
      this.graph.link(
        from,
        this.graph.node(target.arn),
        half(kind, path.actions, combine([target.decision, ...others], true), { pathId: path.id }),
      );
    }
  }

  // ---- IAM writes on permissions

  /**
   * A write that takes away another role's or user's Deny (its Deny-holding inline policy deleted, managed policy
   * detached, or the user removed from a group whose policies hold one), kept until the graph is whole: the writer
   * escalates when it can act as one of those principals (rewriteThenAct). Decided on the principal's ARN, or for
   * RemoveUserFromGroup and a write on a group's policies (DeleteGroupPolicy, DetachGroupPolicy) on the group's.
   */
  private denyRemovalsOfOthers(
    principal: Principal,
    compiled: CompiledPrincipal,
    index: AccountIndex,
    path: EscalationPath,
    resolution: Extract<PathResolution, { kind: 'remove-deny' }>,
    held: ActionDecision,
    context: RequestContext,
  ): PendingRewrite | undefined {
    const holders = denyHolders(index, resolution.principal, resolution.policies);
    if (holders.targets.size === 0) return undefined;
    const resolved = resolveTargets(compiled, path.actions[0], context, holders.targets, held);
    if (resolved.scope === 'none') return undefined;
    const on = (arn: string): ActionDecision | undefined =>
      resolved.scope === 'any' ? resolved.decision : resolved.decisionOf(arn);
    const raises = (arn: string): ActionDecision | undefined => {
      if (arn === principal.arn) return undefined;
      const through = holders.through(arn);
      for (const target of through) {
        const decision = on(target);
        if (decision) return decision;
      }
      return undefined;
    };
    // The principals it raises, counted without asking about each when the write is allowed on every target.
    let count: number;
    const sample: string[] = [];
    if (resolved.scope === 'any') {
      count = holders.principals.length - (holders.through(principal.arn).length > 0 ? 1 : 0);
      for (const arn of holders.principals) {
        if (sample.length >= REWRITE_SAMPLE) break;
        if (arn !== principal.arn) sample.push(arn);
      }
    } else {
      const raised = new Set<string>();
      for (const target of resolved.targets) {
        for (const arn of holders.raisedBy(target.arn)) if (arn !== principal.arn) raised.add(arn);
      }
      count = raised.size;
      for (const arn of raised) {
        if (sample.length >= REWRITE_SAMPLE) break;
        sample.push(arn);
      }
    }
    if (count === 0) return undefined;
    const combined = combine([raises(sample[0])!], false);
    const written: Rewrite = {
      pathId: path.id,
      description: OTHERS_DENY_REMOVAL[resolution.policies],
      actions: path.actions,
      targets: sample,
      count,
      decision: combined.decision,
      dependsOn: combined.dependsOn,
      evidence: combined.evidence,
    };
    return { rewrite: written, others: [], raises };
  }

  private rewrite(
    principal: Principal,
    compiled: CompiledPrincipal,
    index: AccountIndex,
    path: EscalationPath,
    target: RewriteTarget,
    held: readonly ActionDecision[],
    selves: SelfEscalation[],
    rewrites: Rewrite[],
  ): void {
    const action = path.actions[0];
    const others = held.slice(1);
    const ownGroups = principal.groups.map((n) => index.groupsByName.get(n)?.arn).filter((a): a is string => !!a);
    const needs = target === 'policy-version' ? 'an older version of the policy that grants more' : undefined;
    let targets: TargetIndex;
    let own: string[];
    switch (target) {
      case 'role':
        targets = index.roles;
        own = principal.kind === 'role' ? [principal.arn] : [];
        break;
      case 'user':
        targets = index.users;
        own = principal.kind === 'user' ? [principal.arn] : [];
        break;
      case 'group':
        targets = index.groups;
        own = ownGroups;
        break;
      case 'managed-policy':
      case 'policy-version':
        targets = index.policies;
        own = index.heldPolicies.get(principal.arn) ?? [];
        break;
      case 'group-membership':
        targets = index.groups;
        // Found below, once the write is known to be allowed on some group: it decides every write action.
        own = [];
        break;
      case 'role-boundary':
        targets = index.rolesWithBoundary;
        own = principal.kind === 'role' && principal.permissionsBoundaryArn ? [principal.arn] : [];
        break;
      case 'user-boundary':
        targets = index.usersWithBoundary;
        own = principal.kind === 'user' && principal.permissionsBoundaryArn ? [principal.arn] : [];
        break;
    }
    const resolved = resolveTargets(compiled, action, this.pathContext, targets, held[0]);
    if (resolved.scope === 'none') return;
    if (target === 'group-membership' && principal.kind === 'user') {
      // Joining a group gains something when it allows a write-level action the user cannot do. The user's
      // own writes are decided once, and only when some group may write at all.
      let marks: Int32Array | undefined;
      let mark = 0;
      own = index.groups.all().filter((arn) => {
        if (ownGroups.includes(arn)) return false;
        const granted = this.groupWritesOf(index, arn);
        if (granted.length === 0) return false;
        if (!marks) ({ marks, mark } = this.markWrites(principal, compiled));
        for (let i = 0; i < granted.length; i++) if (marks[granted[i]] !== mark) return true;
        return false;
      });
    }
    const decisionFor = (arn: string): ActionDecision | undefined =>
      resolved.scope === 'any' ? resolved.decision : resolved.decisionOf(arn);
    // In place: the first of its own targets the write is allowed on.
    let best: SelfEscalation | undefined;
    for (const arn of own) {
      const decision = decisionFor(arn);
      if (!decision) continue;
      const candidate = this.self(
        path,
        arn === principal.arn ? 'itself' : arn,
        [decision, ...others],
        false,
        needs ? { needs } : {},
      );
      if (!best || (best.decision !== 'allowed' && candidate.decision === 'allowed')) best = candidate;
    }
    if (best) selves.push(best);
    // A new version of the policy that is its own permissions boundary widens that boundary: an escalation of
    // its own, apart from the identity policies it holds (support/escalated.ts weighs the two together).
    const boundary =
      (target === 'managed-policy' || target === 'policy-version') && principal.permissionsBoundaryArn
        ? principal.permissionsBoundaryArn
        : undefined;
    const onBoundary = boundary && index.boundaryUsers.has(boundary) ? decisionFor(boundary) : undefined;
    if (boundary && onBoundary) {
      selves.push({
        ...this.self(path, boundary, [onBoundary, ...others], false, needs ? { needs } : {}),
        description:
          target === 'managed-policy'
            ? 'write a new default version of its own permissions boundary policy, allowing anything'
            : 'switch its own permissions boundary policy to an older, broader version',
      });
    }
    // On others: the principals (or the policies, groups) whose permissions it can change.
    const mine = new Set([principal.arn, ...own, ...(onBoundary ? [boundary!] : [])]);
    let count = 0;
    const sample: string[] = [];
    const consider = (arn: string) => {
      if (mine.has(arn)) return;
      count++;
      if (sample.length < REWRITE_SAMPLE) sample.push(arn);
    };
    if (resolved.scope === 'any') {
      // Every target alike: count them without listing them all.
      for (const arn of targets.all()) {
        if (sample.length >= REWRITE_SAMPLE) break;
        consider(arn);
      }
      count = targets.size - [...mine].filter((arn) => targets.has(arn)).length;
      if (count <= 0) return;
    } else {
      for (const target of resolved.targets) consider(target.arn);
      if (count === 0) return;
    }
    const otherTargets = sample;
    const combined = combine([decisionFor(sample[0])!, ...others], false);
    const written: Rewrite = {
      pathId: path.id,
      description: path.description,
      actions: path.actions,
      targets: otherTargets,
      count,
      decision: combined.decision,
      dependsOn: combined.dependsOn,
      ...(needs ? { needs } : {}),
      evidence: combined.evidence,
    };
    rewrites.push(written);
    const raises = this.raisedBy(index, target, resolved, mine);
    if (raises) push(this.pendingRewrites, principal.arn, { rewrite: written, others, raises });
  }

  /**
   * Which principals a write on `resolved` targets raises, with the decision on the target that raises each:
   * the role or user itself, the members of a group, the holders of a customer managed policy. Undefined for
   * group membership (the write picks the group, not whom it raises).
   */
  private raisedBy(
    index: AccountIndex,
    target: RewriteTarget,
    resolved: Exclude<Resolved, { scope: 'none' }>,
    mine: ReadonlySet<string>,
  ): PendingRewrite['raises'] | undefined {
    const on = (arn: string): ActionDecision | undefined => {
      if (mine.has(arn)) return undefined;
      return resolved.scope === 'any' ? resolved.decision : resolved.decisionOf(arn);
    };
    const firstOf = (arns: readonly string[]) => {
      for (const arn of arns) {
        const decision = on(arn);
        if (decision) return decision;
      }
      return undefined;
    };
    switch (target) {
      case 'role':
        return (arn) => (index.roles.has(arn) ? on(arn) : undefined);
      case 'user':
        return (arn) => (index.users.has(arn) ? on(arn) : undefined);
      case 'role-boundary':
        return (arn) => (index.rolesWithBoundary.has(arn) ? on(arn) : undefined);
      case 'user-boundary':
        return (arn) => (index.usersWithBoundary.has(arn) ? on(arn) : undefined);
      case 'group':
        return (arn) => {
          const groups = index.byArn.get(arn)?.groups ?? [];
          return firstOf(groups.map((name) => index.groupsByName.get(name)?.arn).filter((a): a is string => !!a));
        };
      case 'managed-policy':
      case 'policy-version':
        return (arn) => {
          const boundary = index.byArn.get(arn)?.permissionsBoundaryArn;
          const own = index.heldPolicies.get(arn) ?? [];
          return firstOf(boundary && index.boundaryUsers.has(boundary) ? [...own, boundary] : own);
        };
      case 'group-membership':
        return undefined;
    }
  }

  /** The write actions a group is allowed or may be, as slots of writeActions, by group ARN (every member user asks). */
  private readonly groupWrites = new Map<string, Int32Array>();

  private groupWritesOf(index: AccountIndex, groupArn: string): Int32Array {
    let granted = this.groupWrites.get(groupArn);
    if (granted) return granted;
    const group = index.graph.account.principal(groupArn);
    granted = NO_SLOTS;
    if (group) {
      const { asked, kinds, slots } = this.writeKinds(index.groupsByArn.get(groupArn), group);
      let count = 0;
      for (let i = 0; i < kinds.length; i++) if (kinds[i] !== 0) count++;
      granted = new Int32Array(count);
      for (let i = 0, k = 0; i < asked.length; i++) if (kinds[i] !== 0) granted[k++] = slots[i];
    }
    this.groupWrites.set(groupArn, granted);
    return granted;
  }

  /** Marks by slot of writeActions, one mark per user asked (see markWrites). */
  private writeMarks?: Int32Array;
  private lastMark = 0;

  /**
   * The write actions the principal is allowed or may be, marked in `marks` with a fresh `mark`: a user's
   * writes are compared with every group's, and a set of thousands of actions per user cost more than
   * deciding them.
   */
  private markWrites(principal: Principal, compiled: CompiledPrincipal): { marks: Int32Array; mark: number } {
    const { kinds, slots } = this.writeKinds(principal, compiled);
    const marks = (this.writeMarks ??= new Int32Array(this.writeActions.length));
    const mark = ++this.lastMark;
    for (let i = 0; i < kinds.length; i++) if (kinds[i] !== 0) marks[slots[i]] = mark;
    return { marks, mark };
  }

  /** The decisionKinds of the write actions the principal's Allows name (undefined principal: every write). */
  private writeKinds(
    principal: Principal | undefined,
    compiled: CompiledPrincipal,
  ): { asked: readonly CatalogAction[]; kinds: Uint8Array; slots: Int32Array } {
    // Only the write actions some identity Allow of the principal names can be allowed to it (decisions do not
    // depend on the list asked).
    const asked =
      principal && this.options.restrict ? this.options.restrict(principal, this.writeActions) : this.writeActions;
    const kinds = asked.length === 0 ? NO_KINDS : compiled.decisionKinds(asked, this.time);
    return { asked, kinds, slots: this.writeSlotsOf(asked) };
  }

  /** Where each write action is in writeActions, by action (made on first use). */
  private writeSlot?: Map<CatalogAction, number>;
  /** Each asked list's actions as slots of writeActions: restricted lists are shared by principals alike. */
  private readonly writeSlotLists = new WeakMap<readonly CatalogAction[], Int32Array>();

  private writeSlotsOf(actions: readonly CatalogAction[]): Int32Array {
    let slots = this.writeSlotLists.get(actions);
    if (!slots) {
      const writes = this.writeActions;
      if (!this.writeSlot) {
        this.writeSlot = new Map();
        for (let i = 0; i < writes.length; i++) this.writeSlot.set(writes[i], i);
      }
      slots = new Int32Array(actions.length);
      for (let i = 0; i < actions.length; i++) slots[i] = this.writeSlot.get(actions[i])!;
      this.writeSlotLists.set(actions, slots);
    }
    return slots;
  }
}

const NO_SLOTS = new Int32Array(0);
const NO_KINDS = new Uint8Array(0);

/** Each escalation path's actions in lower case, by path: every principal looks its decisions up by them. */
const LOWER_PATH_ACTIONS: readonly (readonly string[])[] = ESCALATION_PATHS.map((path) =>
  path.actions.map((action) => action.toLowerCase()),
);

/** Whether a self-escalation hands its holder any identity permission (not a group's, not tagged statements'). */
function grantsAnything(self: SelfEscalation): boolean {
  const resolution = PATH_RESOLUTIONS[self.pathId];
  if (resolution?.kind === 'new-role') return true;
  return resolution?.kind === 'rewrite' && ['role', 'user', 'group', 'managed-policy'].includes(resolution.target);
}

/** Each path's resolution, by path (PATH_RESOLUTIONS is by path id). */
/** The path taken on a caller's assume edge, not by holding its actions (sessionTagEscalation). */
const SESSION_TAGS_PATH = ESCALATION_PATHS.findIndex((path) => path.id === 'assume-with-session-tags');

const RESOLUTION_OF_PATH: readonly (PathResolution | undefined)[] = ESCALATION_PATHS.map(
  (path) => PATH_RESOLUTIONS[path.id] as PathResolution | undefined,
);

/** The decisions of every action of a path (by slot), in its order; undefined when one of them is denied. */
function heldOf(
  decisions: readonly (ActionDecision | undefined)[],
  slots: readonly number[],
): ActionDecision[] | undefined {
  for (let i = 0; i < slots.length; i++) if (slots[i] < 0 || decisions[slots[i]] === undefined) return undefined;
  const held = new Array<ActionDecision>(slots.length);
  for (let i = 0; i < slots.length; i++) held[i] = decisions[slots[i]]!;
  return held;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export { statementEvidence };

/** Whether an answer turns on the tags the request sends (aws:RequestTag/<key>, aws:TagKeys): the caller's choice. */
function dependsOnRequestTags(answer: { readonly dependsOn?: readonly string[] }): boolean {
  return (
    answer.dependsOn?.some((key) => {
      const lower = key.toLowerCase();
      return lower.startsWith('aws:requesttag/') || lower === 'aws:tagkeys';
    }) ?? false
  );
}

/** Whether an answer turns on a caller pick or on the tags the request sends. */
function dependsOnPickOrTags(answer: { readonly dependsOn?: readonly string[] }): boolean {
  return dependsOnCallerPick(answer) || dependsOnRequestTags(answer);
}
