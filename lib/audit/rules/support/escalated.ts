// What a principal could do once it has used an IAM-write escalation that hands out any identity permission
// (AttachUserPolicy or PutRolePolicy on itself, CreatePolicyVersion of a policy it holds, a write on a principal it
// can act as, a new role of its own) or takes a Deny away (DeleteRolePolicy or DetachRolePolicy of a policy of its
// own that holds one): its identity policies then allow everything (or, a Deny taken away, what they allow without
// it), and only what the write cannot touch still stops it (its permissions boundary, the SCPs, the Deny statements it holds but in a policy the write overwrites
// or takes away). Asked by adding an `Allow *` statement to the principal (or, for AddUserToGroup, the group it
// joins), or dropping those policies, and deciding again, so the boundary and SCPs are weighed exactly as for any
// other question.
import type { Catalog, CatalogAction } from '../../../catalog/types';
import { salvagePolicy } from '../../../policy';
import { withWildcardsFilled } from '../../../policy/wildcard';
import { shareParseCache, snapshotParseCache } from '../../sources/parse-cache';
import { principalLookup } from '../../sources/principal-lookup';
import type { NormalizedCondition } from '../../../policy/types';
import { compileAccount, CompileCache } from '../../evaluate';
import { evaluateCondition } from '../../evaluate/condition';
import { present, UNKNOWN, type KeyValue } from '../../evaluate/key-value';
import { NO, YES } from '../../evaluate/tri';
import { SOURCE_IDENTITY, type CallerPick } from '../../evaluate/caller-picks';
import type { CompiledPrincipal, DecisionRuns, RequestContext } from '../../evaluate/types';
import { PATH_RESOLUTIONS, type AccessGraph, type SelfEscalation } from '../../graph';
import { resolveTargets, TargetIndex } from '../../graph/targets';
import { denyingGroups, denyingInlinePolicies, denyingManagedPolicies } from '../../graph/deny-policies';
import { principalTagChoices, tagSpellings, withChosenTags, type ProductionTags } from '../../graph/tag-choices';
import type { AccountSnapshot, Principal } from '../../sources/snapshot';

/**
 * What the path's write gives whoever ends up with it: any identity permission, or a group's (joining it);
 * undefined for the others (an older policy version grants what it grants, a boundary write adds nothing).
 */
function gain(pathId: string): 'anything' | 'group' | 'tags' | 'no-deny' | undefined {
  const resolution = PATH_RESOLUTIONS[pathId];
  if (resolution?.kind === 'new-role') return 'anything';
  if (resolution?.kind === 'self-tag') return 'tags';
  if (resolution?.kind === 'remove-deny') return 'no-deny';
  if (resolution?.kind !== 'rewrite') return undefined;
  if (resolution.target === 'group-membership') return 'group';
  return ['role', 'user', 'group', 'managed-policy'].includes(resolution.target) ? 'anything' : undefined;
}

export interface Escalated {
  /** The escalation used: certain ones first. */
  readonly self: SelfEscalation;
  /** Who holds the permissions afterwards: the principal itself, one it can act as, or a new role. */
  readonly holder: string;
  /** The groups it joins (AddUserToGroup), by name; empty for the other escalations. */
  readonly joined: readonly string[];
  readonly runs: DecisionRuns;
}

const ANYTHING = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/**
 * The decisions on `actions` in `request` of the principal after the first of its escalations that grant anything
 * (best first) under which one of them is not denied, else after its best one; undefined when it holds none.
 * `principal` must not be service-linked.
 */
export function escalatedDecisions(
  graph: AccessGraph,
  snapshot: AccountSnapshot,
  catalog: Catalog,
  principal: Principal,
  actions: readonly CatalogAction[],
  request: RequestContext,
): Escalated | undefined {
  let best: Escalated | undefined;
  for (const found of escalatedPrincipals(graph, snapshot, catalog, principal)) {
    const escalated = {
      self: found.self,
      holder: found.holder,
      joined: found.joined,
      runs: found.compiled.decisionRuns(actions, request),
    };
    if (escalated.runs.decisions.some((d) => d.decision !== 'denied')) return escalated;
    best ??= escalated;
  }
  return best;
}

export interface EscalatedPrincipal {
  readonly self: SelfEscalation;
  readonly holder: string;
  /** The groups it joins (AddUserToGroup), by name; empty for the other escalations. */
  readonly joined: readonly string[];
  /** The holder with what the write gives it, compiled: ask it as many questions as needed. */
  readonly compiled: CompiledPrincipal;
  /** That holder as compiled (a new role with the trust its creator writes): whose picks its requests may make. */
  readonly written: Principal;
}

/**
 * The picks of a role's sessions that `maker` can make when it assumes the role: a source identity only where it
 * may set that one (sts:SetSourceIdentity with sts:SourceIdentity: its own policies, boundary and SCPs decide, as
 * AWS asks on sts:AssumeRole); a session name, or no source identity, needs nothing more. One that depends on a
 * condition or on the role stays (the worst case).
 */
export function makersPicks(maker: CompiledPrincipal, picks: readonly CallerPick[]): readonly CallerPick[] {
  const settable = new Map<string, boolean>();
  const may = (value: string) => {
    let known = settable.get(value);
    if (known === undefined) {
      // On no role in particular: a new role's name is the maker's to choose, so only a refusal whatever the
      // role (an SCP on the value) takes the pick away.
      const request: RequestContext = { contextKeys: { [SET_SOURCE_IDENTITY_KEY]: [value] } };
      known = maker.decide(SET_SOURCE_IDENTITY, request).decision !== 'denied';
      settable.set(value, known);
    }
    return known;
  };
  const kept = picks.filter((pick) => {
    const values = pick.keys[SOURCE_IDENTITY];
    return values === undefined || values.length === 0 || may(values[0]);
  });
  return kept.length === picks.length ? picks : kept;
}

const SET_SOURCE_IDENTITY = 'sts:SetSourceIdentity';
/** The source identity a request to set one asks for. */
const SET_SOURCE_IDENTITY_KEY = 'sts:sourceidentity';

/** The principal after its best escalation that grants anything, compiled once; undefined when it holds none. */
export function escalatedPrincipal(
  graph: AccessGraph,
  snapshot: AccountSnapshot,
  catalog: Catalog,
  principal: Principal,
): EscalatedPrincipal | undefined {
  return escalatedPrincipals(graph, snapshot, catalog, principal).next().value ?? undefined;
}

/**
 * The principal after each of its escalations that grant anything, best first (escalatedPrincipal's first), each
 * compiled only when asked for: a caller looking for what an escalation gives goes on to the next when the best
 * one gives nothing of it (a sure write its boundary still caps, before a less sure role of its own).
 * `onlyEscapes`: only those that leave what holds it now, its boundary, SCPs keyed on its name or tags, or its
 * Deny statements (a new role or user, a tag, a Deny taken away, its boundary freed, another principal), not an
 * identity write that stays under all of them.
 */
export function* escalatedPrincipals(
  graph: AccessGraph,
  snapshot: AccountSnapshot,
  catalog: Catalog,
  principal: Principal,
  onlyEscapes = false,
): Generator<EscalatedPrincipal> {
  const all = graph.selfEscalationsOf(principal.arn).filter((s) => !s.unresolved);
  const at = graph.auditTime;
  // Under a boundary, a role or user of its own (which need not carry it), or another principal it rewrites and
  // acts as, before a write its boundary still caps.
  const others = new Set(
    all
      .filter((s) => s.target !== principal.arn && principalLookup(snapshot).member(s.target) !== undefined)
      .map((s) => s.target),
  );
  const capped = (self: SelfEscalation) =>
    principal.permissionsBoundaryArn && PATH_RESOLUTIONS[self.pathId]?.kind !== 'new-role' && !others.has(self.target)
      ? 1
      : 0;
  const selves = all
    .filter((s) => (gain(s.pathId) !== undefined || freesAnothersBoundary(s, others)) && !freesBoundary(s, principal))
    .sort((a, b) => rank(a) - rank(b) || capped(a) - capped(b));
  const unbinding = all.filter((s) => freesBoundary(s, principal)).sort((a, b) => rank(a) - rank(b))[0];
  // Free of its boundary, it keeps its identity policies. With an identity write on itself as sure as that, it
  // is free of both (nothing stops it making the two writes); a surer boundary write is weighed on its own.
  let unboundDone = false;
  const escapes = (self: SelfEscalation): boolean => {
    const kind = PATH_RESOLUTIONS[self.pathId]?.kind;
    if (kind === 'new-role' || kind === 'self-tag' || kind === 'remove-deny' || others.has(self.target)) return true;
    // Made as surely as its boundary is freed, the write is free of that boundary too (see afterWrite).
    return unbinding !== undefined && rank(unbinding) <= rank(self);
  };
  for (const identity of selves) {
    if (unbinding && !unboundDone && rank(unbinding) < rank(identity)) {
      unboundDone = true;
      const found = unbound(snapshot, catalog, at, principal, unbinding);
      if (found) yield found;
    }
    if (onlyEscapes && !escapes(identity)) continue;
    const found = afterWrite(snapshot, catalog, at, principal, identity, unbinding, graph.productionTags);
    if (found) yield found;
  }
  if (unbinding && !unboundDone) {
    const found = unbound(snapshot, catalog, at, principal, unbinding);
    if (found) yield found;
  }
}

/**
 * What a role or user the principal creates holds (a 'new-role' path): anything, under the boundary its creation
 * must carry (its own, where the creator's policies require it) and the account's SCPs; undefined for other paths.
 */
export function createdBy(
  graph: AccessGraph,
  snapshot: AccountSnapshot,
  catalog: Catalog,
  principal: Principal,
  self: SelfEscalation,
): CompiledPrincipal | undefined {
  if (PATH_RESOLUTIONS[self.pathId]?.kind !== 'new-role') return undefined;
  return afterWrite(snapshot, catalog, graph.auditTime, principal, self, undefined, graph.productionTags)?.compiled;
}

/** The principal free of its boundary, its identity policies as they are. */
function unbound(
  snapshot: AccountSnapshot,
  catalog: Catalog,
  at: Date,
  principal: Principal,
  unbinding: SelfEscalation,
): EscalatedPrincipal | undefined {
  const free: Principal = { ...principal, permissionsBoundaryArn: undefined };
  const compiled = compiledAlone(snapshot, catalog, at, free);
  return compiled && { self: unbinding, holder: principal.arn, joined: [], compiled, written: free };
}

/** Whoever holds the permissions after an identity write (and, as surely, its boundary freed too). */
function afterWrite(
  snapshot: AccountSnapshot,
  catalog: Catalog,
  at: Date,
  principal: Principal,
  self: SelfEscalation,
  unbinding: SelfEscalation | undefined,
  productionTags: ProductionTags | undefined,
): EscalatedPrincipal | undefined {
  const byArn = (arn: string) => principalLookup(snapshot).member(arn);
  let holder: Principal;
  const resolution = PATH_RESOLUTIONS[self.pathId];
  if (resolution?.kind === 'new-role') {
    // A role (or user) it creates: no boundary and no tags unless it sets them, so only the SCPs of its account
    // stop it, and an SCP that keys on a tag its creator carries does not (the worst case the creator can choose).
    // Its name is the creator's choice too: one an SCP or RCP sets apart by aws:PrincipalArn, where it may.
    const kind = resolution.user ? 'user' : 'role';
    const created = (name: string, path = '/'): Principal => ({
      ...principal,
      kind,
      arn: `arn:aws:iam::${snapshot.accountId}:${kind}${path}${name}`,
      name,
      path,
      tags: {},
      // The trust its creator writes: it lets the creator's account in, naming the session and setting a source
      // identity as it likes (what an SCP may set apart by aws:userid or aws:SourceIdentity).
      trustPolicy: kind === 'role' ? creatorsTrust(snapshot.accountId) : undefined,
      instanceProfiles: [],
      inlinePolicies: [],
      managedPolicyArns: [],
      permissionsBoundaryArn: boundaryOfCreated(snapshot, catalog, at, principal, self),
      groups: [],
      serviceLinked: false,
      // Its own unique id, which AWS gives it: none an existing principal has (nothing of the creator's).
      uniqueId: kind === 'role' ? NEW_ROLE_ID : NEW_USER_ID,
      definedElsewhere: undefined,
      unknownTagKeys: undefined,
    });
    holder = withCreationTags(
      snapshot,
      catalog,
      at,
      principal,
      worstNamed(snapshot, catalog, at, principal, kind, created),
    );
  } else {
    // A write on a principal it can act as lands on that principal; otherwise on itself (its own groups or
    // policies included).
    holder = byArn(self.target) ?? principal;
  }
  const joined = gain(self.pathId) === 'group' ? groupsToJoin(snapshot, catalog, at, holder, self) : undefined;
  const onAnother =
    holder.arn !== principal.arn ? anothersWrite(snapshot, catalog, at, principal, holder, self) : undefined;
  // Another principal's groups: only those the writer may take it out of, or whose policies it may take away.
  const groups =
    holder.arn !== principal.arn ? anothersGroups(snapshot, catalog, at, principal, holder, self) : undefined;
  const written: Principal = joined
    ? { ...holder, groups: [...holder.groups, ...joined] }
    : gain(self.pathId) === 'tags'
      ? withChosenTags(holder, principalTagChoices(holder, snapshot, productionTags))
      : gain(self.pathId) === 'no-deny'
        ? withoutDenies(snapshot, holder, self.pathId, groups)
        : {
            ...withoutReplaced(holder, self),
            inlinePolicies:
              onAnother && !onAnother.anything
                ? holder.inlinePolicies
                : [
                    ...(overwritesInline(self.pathId) ? withoutDenies(snapshot, holder, self.pathId) : holder)
                      .inlinePolicies,
                    { name: 'leash-escalated-anything', document: ANYTHING },
                  ],
            ...(onAnother?.unbound ? { permissionsBoundaryArn: undefined } : {}),
          };
  // The identity write lands on the principal itself (or its policies, groups): then it can free its boundary too.
  const both = unbinding !== undefined && holder.arn === principal.arn && rank(unbinding) <= rank(self);
  const probe: Principal = both ? { ...written, permissionsBoundaryArn: undefined } : written;
  const compile = () => compiledAlone(withoutGroupDenies(snapshot, self, groups), catalog, at, probe);
  // A new role or user is the same whoever creates it, but for its name, boundary and tags: made once for each.
  const compiled = resolution?.kind === 'new-role' ? createdOnce(snapshot, catalog, at, probe, compile) : compile();
  if (!compiled) return undefined;
  return { self, holder: holder.arn, joined: joined ?? [], compiled, written: probe };
}

const createdCompiled = new WeakMap<Catalog, WeakMap<AccountSnapshot, Map<string, CompiledPrincipal | undefined>>>();

/** A new role or user compiled once per snapshot for the audit time and its kind, ARN, boundary and tags (see afterWrite). */
function createdOnce(
  snapshot: AccountSnapshot,
  catalog: Catalog,
  at: Date,
  created: Principal,
  compile: () => CompiledPrincipal | undefined,
): CompiledPrincipal | undefined {
  let bySnapshot = createdCompiled.get(catalog);
  if (!bySnapshot) createdCompiled.set(catalog, (bySnapshot = new WeakMap()));
  let byKey = bySnapshot.get(snapshot);
  if (!byKey) bySnapshot.set(snapshot, (byKey = new Map()));
  // The audit time too: a library caller may audit one snapshot at two times (aws:CurrentTime conditions).
  const key = JSON.stringify([at.getTime(), created.kind, created.arn, created.permissionsBoundaryArn, created.tags]);
  if (!byKey.has(key)) byKey.set(key, compile());
  return byKey.get(key);
}

/**
 * A new default version of a managed policy it holds (CreatePolicyVersion) replaces that policy's whole document:
 * its Deny statements go with the old version.
 */
function withoutReplaced(holder: Principal, self: SelfEscalation): Principal {
  const resolution = PATH_RESOLUTIONS[self.pathId];
  if (resolution?.kind !== 'rewrite' || resolution.target !== 'managed-policy') return holder;
  if (!holder.managedPolicyArns.includes(self.target)) return holder;
  return { ...holder, managedPolicyArns: holder.managedPolicyArns.filter((arn) => arn !== self.target) };
}

/** What still stops the principal after the escalation, for a message: a Deny it takes away no longer does. */
export function whatTheWriteLeaves(self: SelfEscalation): string {
  return PATH_RESOLUTIONS[self.pathId]?.kind === 'remove-deny'
    ? 'permissions boundary, SCPs, the Deny statements it keeps'
    : 'permissions boundary, SCPs, its Deny statements';
}

/**
 * The groups of another principal (`holder`, which the writer acts as) that hold a Deny the writer may take away:
 * by removing the holder from the group (RemoveUserFromGroup), or by deleting or detaching the group's policy
 * (DeleteGroupPolicy, DetachGroupPolicy); each decided on the group's ARN.
 */
function anothersGroups(
  snapshot: AccountSnapshot,
  catalog: Catalog,
  at: Date,
  writer: Principal,
  holder: Principal,
  self: SelfEscalation,
): ReadonlySet<string> | undefined {
  const resolution = PATH_RESOLUTIONS[self.pathId];
  if (resolution?.kind !== 'remove-deny' || !resolution.policies.startsWith('group')) return undefined;
  const compiled = compiledAlone(snapshot, catalog, at, writer);
  if (!compiled) return new Set();
  const kind = resolution.policies === 'group' ? 'any' : resolution.policies === 'group-inline' ? 'inline' : 'managed';
  const denying = new Set(denyingGroups(snapshot, holder, kind));
  const arns = groupsOf(snapshot, holder)
    .filter((group) => denying.has(group.name) && writerMay(compiled, self.actions[0], group.arn, self))
    .map((group) => group.arn);
  return new Set(arns);
}

/**
 * Whether the writer may make `action` on `resourceArn`: allowed, or depending on something while the escalation
 * itself is only as sure (a write decided on the resource, not on the principal it lands on).
 */
function writerMay(compiled: CompiledPrincipal, action: string, resourceArn: string, self: SelfEscalation): boolean {
  const { decision } = compiled.decide(action, { resourceArn });
  return decision === 'allowed' || (decision === 'depends' && self.decision !== 'allowed');
}

/**
 * The snapshot with the target group's policies that hold a Deny gone, for a write that deletes or detaches them:
 * the group the escalation names, or (a write on another principal's groups) those in `groups`.
 */
function withoutGroupDenies(
  snapshot: AccountSnapshot,
  self: SelfEscalation,
  groups?: ReadonlySet<string>,
): AccountSnapshot {
  const resolution = PATH_RESOLUTIONS[self.pathId];
  if (resolution?.kind !== 'remove-deny') return snapshot;
  if (resolution.policies !== 'group-inline' && resolution.policies !== 'group-managed') return snapshot;
  const inline = resolution.policies === 'group-inline';
  const without: AccountSnapshot = {
    ...snapshot,
    principals: snapshot.principals.map((group) => {
      if (group.kind !== 'group' || !(groups ? groups.has(group.arn) : group.arn === self.target)) return group;
      if (inline) {
        const gone = new Set(denyingInlinePolicies(snapshot, group));
        return { ...group, inlinePolicies: group.inlinePolicies.filter((p) => !gone.has(p.name)) };
      }
      const gone = new Set(denyingManagedPolicies(snapshot, group));
      return { ...group, managedPolicyArns: group.managedPolicyArns.filter((arn) => !gone.has(arn)) };
    }),
  };
  shareParseCache(snapshot, without);
  return without;
}

/** Put{Role,User}Policy writes an inline policy by name: one that holds a Deny is overwritten, the Deny gone. */
function overwritesInline(pathId: string): boolean {
  const resolution = PATH_RESOLUTIONS[pathId];
  return resolution?.kind === 'rewrite' && pathId.startsWith('put-') && ['role', 'user'].includes(resolution.target);
}

/**
 * The principal without its policies that hold a Deny: inline ones where the path deletes or overwrites inline
 * policies, attached managed ones where it detaches them, the groups that hold one where it leaves them (and what
 * those groups allow with them; graph/deny-policies.ts).
 */
function withoutDenies(
  snapshot: AccountSnapshot,
  holder: Principal,
  pathId: string,
  /** Leaving groups: only these (by ARN), where the write lands on another principal. */
  groups?: ReadonlySet<string>,
): Principal {
  const resolution = PATH_RESOLUTIONS[pathId];
  // A group's own policies change in the snapshot (withoutGroupDenies), not on the principal.
  if (resolution?.kind === 'remove-deny' && resolution.policies.startsWith('group-')) return holder;
  if (resolution?.kind === 'remove-deny' && resolution.policies === 'group') {
    const left =
      groups &&
      new Set(
        groupsOf(snapshot, holder)
          .filter((g) => groups.has(g.arn))
          .map((g) => g.name),
      );
    const gone = new Set(denyingGroups(snapshot, holder).filter((name) => !left || left.has(name)));
    return { ...holder, groups: holder.groups.filter((name) => !gone.has(name)) };
  }
  if (resolution?.kind === 'remove-deny' && resolution.policies === 'managed') {
    const gone = new Set(denyingManagedPolicies(snapshot, holder));
    return { ...holder, managedPolicyArns: holder.managedPolicyArns.filter((arn) => !gone.has(arn)) };
  }
  const gone = new Set(denyingInlinePolicies(snapshot, holder));
  return { ...holder, inlinePolicies: holder.inlinePolicies.filter((p) => !gone.has(p.name)) };
}

/** At most this many names an organization policy singles out are tried for a created principal. */
const NAME_CANDIDATES = 8;

/**
 * The account's SCP and RCP statements that read aws:PrincipalArn (those conditions only), as the evaluator
 * parses them; a statement that cannot be read sets no name apart (the unreadable-policy rule reports it).
 */
function principalArnStatements(snapshot: AccountSnapshot): { effect: string; conditions: NormalizedCondition[] }[] {
  if (!snapshot.organizationPoliciesKnown) return [];
  const out: { effect: string; conditions: NormalizedCondition[] }[] = [];
  const cache = snapshotParseCache(snapshot);
  const levels = [
    ...snapshot.serviceControlPolicies.map((level) => ({ level, type: 'scp' as const })),
    ...snapshot.resourceControlPolicies.map((level) => ({ level, type: 'rcp' as const })),
  ];
  for (const { level, type } of levels) {
    for (const { document } of level.policies) {
      for (const statement of salvagePolicy(document, { type, cache }).policy.statements) {
        const onArn = statement.conditions.filter((c) => c.key.toLowerCase() === 'aws:principalarn');
        if (onArn.length > 0) out.push({ effect: statement.effect, conditions: onArn });
      }
    }
  }
  return out;
}

/**
 * The created principal under the name its creator would choose: of the names the organization's policies single
 * out by aws:PrincipalArn (`role/admin-*` in an `ArnNotLike` that exempts from a Deny), wildcards filled, one the
 * creator may create and that escapes the most of those Deny statements (and meets the most of those Allow
 * statements); the default name when none is set apart, or none escapes more.
 */
/** The name of a new role or user no policy sets apart by name: any name will do. */
const FALLBACK_NAME = 'leash-escalated-new-';

/**
 * Paths CreateRole refuses ("Path prefix '/aws-service-role/' can only be used for AWS Service linked Roles").
 * IAM Identity Center's /aws-reserved/ is not in it: whether a caller may create a role there is not known, so
 * it is taken as possible.
 */
const RESERVED_PATHS = ['/aws-service-role/'];

function worstNamed(
  snapshot: AccountSnapshot,
  catalog: Catalog,
  at: Date,
  creator: Principal,
  kind: 'role' | 'user',
  created: (name: string, path?: string) => Principal,
): Principal {
  const fallback = created(`${FALLBACK_NAME}${kind}`);
  const statements = principalArnStatements(snapshot);
  if (statements.length === 0) return fallback;
  // Each ARN a condition names, as a path and a name (`role/breakglass/*`: the path /breakglass/), wildcards
  // filled; the path IAM keeps for service-linked roles is not the creator's to use.
  const names = new Map<string, { name: string; path: string }>();
  for (const { conditions } of statements) {
    for (const value of conditions.flatMap((c) => c.values)) {
      const match = /^arn:[^:]*:iam::[^:]*:(role|user)(\/(?:.*\/)?)([^/]+)$/.exec(value);
      if (!match || match[1] !== kind) continue;
      const path = withWildcardsFilled(match[2]);
      if (RESERVED_PATHS.some((reserved) => path.toLowerCase().startsWith(reserved))) continue;
      const name = withWildcardsFilled(match[3]);
      names.set(`${path}${name}`, { name, path });
    }
  }
  const score = (arn: string): number => {
    const lookup = (key: string): KeyValue => (key === 'aws:principalarn' ? present([arn]) : UNKNOWN);
    let escaped = 0;
    for (const { effect, conditions } of statements) {
      const answers = conditions.map((c) => evaluateCondition(c, lookup).tri);
      if (effect === 'Deny' ? answers.includes(NO) : answers.every((tri) => tri === YES)) escaped++;
    }
    return escaped;
  };
  const own = compiledAlone(snapshot, catalog, at, creator);
  const create = kind === 'role' ? 'iam:CreateRole' : 'iam:CreateUser';
  let best = fallback;
  let most = score(fallback.arn);
  for (const { name, path } of [...names.values()].slice(0, NAME_CANDIDATES)) {
    const candidate = created(name, path);
    if (!own || own.decide(create, { resourceArn: candidate.arn }).decision === 'denied') continue;
    const count = score(candidate.arn);
    if (count > most) {
      best = candidate;
      most = count;
    }
  }
  return best;
}

/**
 * A new role or user with the tags its creator may give it on creation (iam:CreateRole and iam:TagRole, or the
 * user's, both allowed with those request tags): those its own and its account's policies ask for, or that escape
 * an SCP keyed on a principal tag (graph/tag-choices.ts). Untagged where the creator may not tag it.
 */
function withCreationTags(
  snapshot: AccountSnapshot,
  catalog: Catalog,
  at: Date,
  creator: Principal,
  created: Principal,
): Principal {
  const choices = principalTagChoices(created, snapshot);
  if (choices.size === 0) return created;
  const own = compiledAlone(snapshot, catalog, at, creator);
  if (!own) return created;
  const actions = created.kind === 'user' ? ['iam:CreateUser', 'iam:TagUser'] : ['iam:CreateRole', 'iam:TagRole'];
  // In whichever spelling of the keys its policies let it write (graph/tag-choices.ts tagSpellings).
  const tags = tagSpellings(choices).some((requestTags) => {
    const request: RequestContext = { resourceArn: created.arn, requestTags };
    return actions.every((action) => own.decide(action, request).decision !== 'denied');
  });
  return tags ? withChosenTags(created, choices) : created;
}

/**
 * A write that lands on another principal it can act as, by what it changes there: its boundary freed (Delete
 * or Put of the boundary: a boundary of the writer's choosing), and anything granted (a policy the principal
 * holds rewritten). A new default version of a customer managed policy may be of one the principal holds, of
 * its boundary, or both: each as the writer may write it (its own policies decided on that policy).
 */
function anothersWrite(
  snapshot: AccountSnapshot,
  catalog: Catalog,
  at: Date,
  writer: Principal,
  holder: Principal,
  self: SelfEscalation,
): { anything: boolean; unbound: boolean } | undefined {
  const resolution = PATH_RESOLUTIONS[self.pathId];
  if (resolution?.kind !== 'rewrite') return undefined;
  if (resolution.target === 'role-boundary' || resolution.target === 'user-boundary')
    return { anything: false, unbound: true };
  if (resolution.target !== 'managed-policy') return undefined;
  const compiled = compiledAlone(snapshot, catalog, at, writer);
  if (!compiled) return undefined;
  const writes = self.actions.filter((action) => /^iam:/i.test(action));
  const writable = (policyArn: string) => writes.every((action) => writerMay(compiled, action, policyArn, self));
  const held = [holder, ...groupsOf(snapshot, holder)].flatMap((p) => p.managedPolicyArns);
  const boundary = holder.permissionsBoundaryArn;
  return { anything: held.some(writable), unbound: boundary !== undefined && writable(boundary) };
}

/** A Delete or Put of the boundary of another principal it can act as (rewrite, then act as it). */
function freesAnothersBoundary(self: SelfEscalation, others: ReadonlySet<string>): boolean {
  const resolution = PATH_RESOLUTIONS[self.pathId];
  return (
    resolution?.kind === 'rewrite' &&
    (resolution.target === 'role-boundary' || resolution.target === 'user-boundary') &&
    others.has(self.target)
  );
}

function groupsOf(snapshot: AccountSnapshot, principal: Principal): Principal[] {
  return principal.groups.map((name) => principalLookup(snapshot).group(name)).filter((g): g is Principal => !!g);
}

/**
 * `principal` compiled alone with its groups, in its account, at the audit time: with only the managed policies
 * it and its groups use, and the account's SCP and RCP levels compiled once for every principal asked about
 * (a compile cache per snapshot), so that asking many principals costs what their own policies cost.
 */
function compiledAlone(
  snapshot: AccountSnapshot,
  catalog: Catalog,
  at: Date,
  principal: Principal,
): CompiledPrincipal | undefined {
  const groups = groupsOf(snapshot, principal);
  const { managedByArn, cache } = aloneOf(snapshot, catalog);
  const used = new Set([...principal.managedPolicyArns, ...groups.flatMap((group) => group.managedPolicyArns)]);
  if (principal.permissionsBoundaryArn) used.add(principal.permissionsBoundaryArn);
  const managedPolicies = [...used].flatMap((arn) => managedByArn.get(arn) ?? []);
  const alone: AccountSnapshot = { ...snapshot, principals: [principal, ...groups], managedPolicies };
  shareParseCache(snapshot, alone);
  return compileAccount(alone, catalog, cache, at, principal.arn).principal(principal.arn);
}

/** What compiledAlone shares between the principals of one snapshot. */
interface AloneShared {
  readonly managedByArn: ReadonlyMap<string, AccountSnapshot['managedPolicies'][number]>;
  readonly cache: CompileCache;
}

const aloneShared = new WeakMap<AccountSnapshot, AloneShared>();

function aloneOf(snapshot: AccountSnapshot, catalog: Catalog): AloneShared {
  let shared = aloneShared.get(snapshot);
  if (!shared || shared.cache.catalog !== catalog) {
    shared = {
      managedByArn: new Map(snapshot.managedPolicies.map((policy) => [policy.arn, policy])),
      cache: new CompileCache(catalog, { oneAccount: true }),
    };
    aloneShared.set(snapshot, shared);
  }
  return shared;
}

/**
 * The permissions boundary a role or user it creates must carry: its own, when its creation may be allowed with
 * that boundary (iam:PermissionsBoundary) and is denied without one and with another (the agent boundary requires
 * this of agents); undefined otherwise, the worst case (no boundary).
 */
function boundaryOfCreated(
  snapshot: AccountSnapshot,
  catalog: Catalog,
  at: Date,
  principal: Principal,
  self: SelfEscalation,
): string | undefined {
  const own = principal.permissionsBoundaryArn;
  const creates = self.actions.filter((action) => /^iam:create(role|user)$/i.test(action));
  if (!own || creates.length === 0 || !self.dependsOn.some((key) => key.toLowerCase() === 'iam:permissionsboundary'))
    return undefined;
  const compiled = compiledAlone(snapshot, catalog, at, principal);
  if (!compiled) return undefined;
  const with_ = (values: string[]) => ({ contextKeys: { 'iam:permissionsboundary': values } });
  const another = `arn:aws:iam::${snapshot.accountId}:policy/leash-probe-another-boundary`;
  const onlyOwn = creates.every(
    (action) =>
      compiled.decide(action, with_([own])).decision !== 'denied' &&
      compiled.decide(action, with_([])).decision === 'denied' &&
      compiled.decide(action, with_([another])).decision === 'denied',
  );
  return onlyOwn ? own : undefined;
}

/**
 * Whether the write frees the principal of its permissions boundary: Delete/Put of its own boundary, or a new
 * (or older default) version of the customer managed policy that is its boundary.
 */
function freesBoundary(self: SelfEscalation, principal: Principal): boolean {
  const resolution = PATH_RESOLUTIONS[self.pathId];
  if (!principal.permissionsBoundaryArn || resolution?.kind !== 'rewrite') return false;
  if (resolution.target === 'role-boundary' || resolution.target === 'user-boundary') return self.target === 'itself';
  return (
    (resolution.target === 'managed-policy' || resolution.target === 'policy-version') &&
    self.target === principal.permissionsBoundaryArn
  );
}

/**
 * Certain escalations first, then those that depend on conditions, then those that need a missing fact; at each,
 * those that grant anything before joining a group.
 */
function rank(self: SelfEscalation): number {
  const certainty = self.needs ? 2 : self.decision === 'allowed' ? 0 : 1;
  // Writes that grant anything before those that grant a group's or tagged statements' share.
  return certainty * 2 + (gain(self.pathId) === 'group' || gain(self.pathId) === 'tags' ? 1 : 0);
}

/**
 * The groups a user joins with iam:AddUserToGroup: every group it may add itself to as surely as to the one the
 * graph names, at once (nothing stops it joining them all). The graph names one group per way, the first it finds,
 * and that one may grant writes while a later one grants what is asked.
 */
function groupsToJoin(
  snapshot: AccountSnapshot,
  catalog: Catalog,
  at: Date,
  user: Principal,
  self: SelfEscalation,
): string[] {
  const named = principalLookup(snapshot).withArn(self.target);
  const names = named ? [named.name] : [];
  const compiled = compiledAlone(snapshot, catalog, at, user);
  if (!compiled) return names;
  // Asked through the account's groups as the graph asks about targets (graph/targets.ts): groups that every
  // Resource list of the user's policies matches alike get one answer, so a user that may join its team's
  // groups by a name pattern is not asked once per group of the account.
  const { index, groups } = accountGroups(snapshot);
  const resolved = resolveTargets(compiled, 'iam:AddUserToGroup', NO_REQUEST, index);
  if (resolved.scope === 'none') return names;
  const skip = new Set([...names, ...user.groups]);
  for (const group of groups) {
    if (skip.has(group.name)) continue;
    const decision =
      resolved.scope === 'any' ? resolved.decision.decision : (resolved.decisionOf(group.arn)?.decision ?? 'denied');
    if (decision === 'allowed' || (decision === 'depends' && self.decision === 'depends')) {
      names.push(group.name);
      skip.add(group.name);
    }
  }
  return names;
}

/** The request of a question on a group with nothing else known: one object, so answers are shared by it. */
const NO_REQUEST: RequestContext = {};

const groupIndexes = new WeakMap<AccountSnapshot, TargetIndex>();

/** The account's groups, in the snapshot's order, and as targets (groups carry no tags). */
function accountGroups(snapshot: AccountSnapshot): { index: TargetIndex; groups: readonly Principal[] } {
  const { groups } = principalLookup(snapshot);
  let index = groupIndexes.get(snapshot);
  if (!index) groupIndexes.set(snapshot, (index = new TargetIndex(groups.map((group) => group.arn))));
  return { index, groups };
}

/** What the write lands on, for messages: itself, the groups it joins, or the principal or policy written. */
export function escalationTargetText(self: SelfEscalation, joined: readonly string[], holder?: string): string {
  if (joined.length > 0) return joined.map((name) => `group/${name}`).join(', ');
  // A new role or user named as a policy sets it apart (worstNamed): the name is the point.
  if (holder !== undefined && PATH_RESOLUTIONS[self.pathId]?.kind === 'new-role' && !holder.includes(FALLBACK_NAME))
    return `${self.target} named ${holder.replace(/^arn:[^:]+:iam::\d{12}:/, '')}`;
  return self.target === 'itself' ? 'itself' : self.target.replace(/^arn:[^:]+:iam::\d{12}:/, '');
}

/** Unique ids in AWS's shape (a prefix and 17 characters) that stand for a new role's or user's own. */
const NEW_ROLE_ID = 'AROALEASHNEWROLE00001';
const NEW_USER_ID = 'AIDALEASHNEWUSER00001';

function creatorsTrust(accountId: string): unknown {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
      },
    ],
  };
}
