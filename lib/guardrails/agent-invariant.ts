// The agent invariant as policy statements: anything not positively tagged non-production is read-only.
// Reads (per-service patterns proved against the catalog to reach only Read and List actions, sensitive
// reads left out) and the user's allowlist work everywhere; every other action of the agent services needs
// the resource tagged non-production or, for a new resource, the request tagging it non-production; an
// existing resource tagged with any other value stays read-only whatever the request carries; tag writes
// need the resource itself tagged non-production.
//
// The boundary says it with Allows (what is not allowed is denied, and a permissions boundary is only ever
// a ceiling); the SCPs, which sit beside FullAWSAccess, say the same with Denies. For one production tag
// key k and non-production values N (values compared ignoring case):
//
//   resource tag k   | request tag k | boundary allows           | SCP denies           | write?
//   -----------------+---------------+---------------------------+----------------------+-------
//   in N (dev)       | any           | AllowNonProduction        | nothing              | yes
//   other (prod, qa) | any           | nothing                   | ReadOnly..., Tagged  | no
//   absent           | in N          | AllowCreateNonProduction  | nothing (not tags)   | yes, not tag writes
//   absent           | absent/other  | nothing                   | ReadOnlyUnless...    | no
//
// "absent" is an untagged resource, a new one, or an action the service never sends aws:ResourceTag for.
import {
  checkCreatePatterns,
  CREATES_CHANGING_EXISTING,
  createLookalike,
  createPatternMayReach,
  isCreateAction,
  isTagOnCreate,
} from '../catalog/create-actions';
import { isReadLevel } from '../catalog/read-patterns';
import { roleFromResourceKey, roleInRequestOf } from '../catalog/role-from-resource';
import { targetsOutsideRequest } from '../catalog/targets-outside-request';
import type { Catalog, CatalogAction } from '../catalog/types';
import { compileActionMatcher, expandActionPattern } from '../policy';
import { ACT_AS_PRINCIPAL } from './agent-guards';
import { allOf, type ConditionBlock, resourceTagKey } from './conditions';
import type { StatementTemplate } from './packing';
import { compressActions } from './patterns';
import { agentReadPatterns } from './read-patterns';
import { servicesSet } from './select';
import type { GuardrailSpec } from './spec';

export interface AgentInvariantScope {
  /** How the layer recognises an agent (SCPs); undefined in the boundary, which only agents carry. */
  readonly principal?: ConditionBlock;
  readonly sidPrefix: string;
}

/** `ec2:CreateTags` as part of a create call (RunInstances, CreateVolume...) carries `ec2:CreateAction`. */
const EC2_CREATE_ACTION = 'ec2:CreateAction';

/** The pieces of the invariant every layer shares, computed once per spec. */
export interface AgentInvariantParts {
  /** Verified read patterns (sensitive reads left out) plus the allowlist: what works on production. */
  readonly readsAndAllowlist: readonly string[];
  /** Tag writes (Tagging access level) of the allowed services, as verified patterns. */
  readonly tagWrites: readonly string[];
  /** Reads no pattern reaches: usable on non-production only (listed in coverage). */
  readonly unreachedReads: readonly CatalogAction[];
  /**
   * Creates (and EC2 tag-on-create) of the allowed services as per-service patterns proved to reach no
   * write that carries request tags but is not a create: the only actions a request tag makes possible.
   */
  readonly creates: readonly string[];
  /**
   * Actions the create patterns also match that are not creates but carry request tags (named like one,
   * e.g. ec2:CreateNetworkInterfacePermission): the tag-write Deny names them too and keeps them to
   * resources tagged non-production, so patterns and list together are exact.
   */
  readonly createExceptions: readonly string[];
  /**
   * What the tag-write Deny names: the tag writes and the create lookalikes, compressed together. A pattern
   * here may also reach any other write that is not a create and not allowlisted: the Deny only says "not
   * unless the resource is tagged non-production", which every such write already needs. Never a read.
   */
  readonly tagWriteDeny: readonly string[];
  /**
   * Writes of the allowed services whose targets the request does not name (State Manager associations,
   * maintenance-window tasks), as patterns that reach nothing else: denied to agents on every resource,
   * non-production included, because no resource tag in the request says where they will run.
   */
  readonly unnamedTargets: readonly string[];
  /**
   * The agent guard's ways to act as a principal (ACT_AS_PRINCIPAL) as patterns that may also reach writes
   * agents are denied everywhere anyway (no aws:ResourceTag, not allowlisted) and other IAM writes on
   * something that already exists (kept to agent-tagged ones too), never a read.
   */
  readonly actAsPrincipal: readonly string[];
  /**
   * Writes of the allowed services that run with the role the resource already holds unless the request
   * names one (CloudFormation stack updates and deletions), per condition key that names it: denied to agents
   * when the key is absent, so they must name a role, which the PassRole guard keeps to agent roles.
   */
  readonly roleFromResource: readonly { readonly key: string; readonly patterns: readonly string[] }[];
  /** Creates no pattern reaches (none today; over-blocks if any), for the coverage report. */
  readonly missedCreates: readonly CatalogAction[];
  /**
   * Creates of the allowed services that also change an existing resource they name (CREATES_CHANGING_EXISTING),
   * and that resource's ARNs: denied where it is untagged, which the request tag would otherwise vouch for.
   */
  readonly changingExisting: { readonly actions: readonly string[]; readonly resources: readonly string[] };
}

/** Whether `action` is matched by one of the user's allowlist entries. */
export function allowlistMatcher(spec: GuardrailSpec, catalog: Catalog): (action: CatalogAction) => boolean {
  const allowed = new Set(spec.agents.productionWriteAllowlist.flatMap((p) => expandActionPattern(p, catalog)));
  return (action) => allowed.has(action);
}

export function agentInvariantParts(spec: GuardrailSpec, catalog: Catalog): AgentInvariantParts {
  const services = servicesSet(spec.agents.allowedServices);
  const sensitive = new Set(spec.agents.sensitiveReads.flatMap((p) => expandActionPattern(p, catalog)));
  const reads = agentReadPatterns(catalog, services, (a) => sensitive.has(a));
  const allowlisted = allowlistMatcher(spec, catalog);
  const scope = [...services].flatMap((s) => catalog.serviceActions(s));
  // sts:TagSession changes no resource's tags, but agents assume only roles tagged non-production anyway,
  // so denying it elsewhere costs nothing and keeps `sts:Tag*` one pattern.
  const tagging = scope.filter((a) => a.accessLevel === 'Tagging' && !allowlisted(a));
  const tagWrites = compressActions(tagging, (a) => a.accessLevel === 'Tagging' && !allowlisted(a), catalog).map(
    (p) => p.pattern,
  );
  const createRequired = scope.filter((a) => (isCreateAction(a) || isTagOnCreate(a)) && !allowlisted(a));
  const creates = compressActions(
    createRequired,
    (a) => !allowlisted(a) && (createPatternMayReach(a) || createLookalike(a)),
    catalog,
  ).map((p) => p.pattern);
  const matchesCreate = compileActionMatcher(creates);
  const createExceptions = scope
    .filter((a) => !createPatternMayReach(a) && matchesCreate(a.action))
    .map((a) => a.action)
    .sort();
  // Compressed together the lookalikes share patterns with the tag writes (`ec2:CreateTa*` beside
  // `ec2:CreateNetworkInterfacePermission`), which keeps the boundary within its 6,144 characters.
  const lookalikes = new Set(createExceptions);
  const tagWriteDeny = compressActions(
    [...tagging, ...scope.filter((a) => lookalikes.has(a.action))],
    (a) => !isReadLevel(a) && !isCreateAction(a) && !allowlisted(a),
    catalog,
  ).map((p) => p.pattern);
  const check = checkCreatePatterns(catalog, services, creates, createExceptions);
  if (check.wrong.length > 0) {
    const { pattern, action } = check.wrong[0];
    throw new Error(`internal: create pattern ${pattern} matches ${action.action} (${action.accessLevel})`);
  }
  return {
    readsAndAllowlist: [...reads.patterns, ...spec.agents.productionWriteAllowlist],
    tagWrites,
    unreachedReads: reads.unreached,
    creates,
    createExceptions,
    tagWriteDeny,
    // Patterns that reach these actions and nothing else of the catalog (`ssm:CreateAssociation*`).
    unnamedTargets: compressActions(scope.filter(targetsOutsideRequest), () => false, catalog).map((p) => p.pattern),
    actAsPrincipal: compressActions(
      ACT_AS_PRINCIPAL.map((name) => catalog.get(name)).filter((a): a is CatalogAction => a !== undefined),
      (a) => !isReadLevel(a) && !allowlisted(a) && (!a.tagAware || onExistingIamResource(a)),
      catalog,
    ).map((p) => p.pattern),
    roleFromResource: roleFromResourceGroups(scope, catalog),
    missedCreates: check.missed.filter((a) => !allowlisted(a)),
    changingExisting: changingExisting(services, catalog, allowlisted),
  };
}

/** CREATES_CHANGING_EXISTING within `services`, with their existing resources' ARN templates as patterns. */
function changingExisting(
  services: ReadonlySet<string>,
  catalog: Catalog,
  allowlisted: (action: CatalogAction) => boolean,
): AgentInvariantParts['changingExisting'] {
  const actions: string[] = [];
  const resources = new Set<string>();
  for (const entry of CREATES_CHANGING_EXISTING) {
    const action = catalog.get(entry.action);
    if (!action || !services.has(action.service) || allowlisted(action)) continue;
    const types = action.resourceTypes.filter((r) => entry.existing.includes(r.name) && r.arnTemplate);
    // A resource type (or its ARN) the reference data no longer lists would leave the resource uncovered.
    if (types.length !== entry.existing.length) {
      throw new Error(`internal: ${entry.action} no longer lists resource types ${entry.existing.join(', ')}`);
    }
    actions.push(action.action);
    for (const type of types) resources.add((type.arnTemplate ?? '').replace(/\$\{[^}]*\}/g, '*'));
  }
  return { actions, resources: [...resources].sort() };
}

/**
 * Creates that change an existing resource they name, denied where that resource has none of the production
 * keys. Not mandatory: with two production keys the boundary has no room for it, and the coverage report
 * lists it as dropped.
 */
export function changingExistingDeny(
  spec: GuardrailSpec,
  parts: AgentInvariantParts,
  scope: AgentInvariantScope,
): StatementTemplate[] {
  const { actions, resources } = parts.changingExisting;
  if (actions.length === 0) return [];
  return [
    {
      sid: `${scope.sidPrefix}UntaggedChangedByCreate`,
      role: 'agent-fail-closed',
      effect: 'Deny',
      action: single(actions),
      resource: single(resources),
      condition: allOf(scope.principal, {
        Null: Object.fromEntries(spec.production.tagKeys.map((k) => [resourceTagKey(k), 'true'])),
      }),
      mandatory: false,
      tier: 0,
    },
  ];
}

/**
 * An IAM write on something that already exists (not a Create*): the act-as guard may reach it too, keeping
 * it to IAM roles, users, policies and providers that carry the agent tag, which is where agents manage IAM
 * anyway. A developer's role tagged non-production is not the agent's to rename, delete or re-describe
 * either, and the short patterns keep the boundary within 6,144 characters with two production tag keys.
 */
function onExistingIamResource(action: CatalogAction): boolean {
  return action.service === 'iam' && !action.name.startsWith('Create');
}

/** The actions of `scope` that run with the resource's role unless named, as patterns per naming key. */
function roleFromResourceGroups(
  scope: readonly CatalogAction[],
  catalog: Catalog,
): AgentInvariantParts['roleFromResource'] {
  const byKey = new Map<string, CatalogAction[]>();
  for (const action of scope) {
    const key = roleFromResourceKey(action);
    if (key) byKey.set(key, [...(byKey.get(key) ?? []), action]);
  }
  // Patterns that reach these actions and nothing else but the ones the Deny is right for anyway: a Deny on
  // the key's absence always applies to a write that never carries the key.
  const mayAlsoDeny = (a: CatalogAction) => roleInRequestOf(a)?.mayAlsoDeny.test(a.name) === true;
  return [...byKey].map(([key, actions]) => ({
    key,
    patterns: compressActions(actions, mayAlsoDeny, catalog).map((p) => p.pattern),
  }));
}

/** Writes that run with the resource's role unless the request names one: denied when it names none. */
export function roleFromResourceDeny(parts: AgentInvariantParts, scope: AgentInvariantScope): StatementTemplate[] {
  return parts.roleFromResource.map(({ key, patterns }, i) => ({
    sid: `${scope.sidPrefix}NameTheRole${parts.roleFromResource.length > 1 ? i + 1 : ''}`,
    role: 'agent-guard',
    effect: 'Deny',
    action: single(patterns),
    resource: '*',
    condition: allOf(scope.principal, { Null: { [key]: 'true' } }),
    mandatory: true,
  }));
}

/** Tag writes of the agent services as patterns (for tests and reports). */
export function tagWriteMatcher(parts: AgentInvariantParts): (action: string) => boolean {
  return compileActionMatcher(parts.tagWrites);
}

function single(list: readonly string[]): string | readonly string[] {
  return list.length === 1 ? list[0] : list;
}

/** `aws:ResourceTag/<k>` (or RequestTag) for each key, mapped to the non-production values. */
function nonProduction(spec: GuardrailSpec, prefix: 'ResourceTag' | 'RequestTag', keys = spec.production.tagKeys) {
  const values = single(spec.production.nonProductionValues);
  return Object.fromEntries(
    keys.map((k) => [prefix === 'ResourceTag' ? resourceTagKey(k) : `aws:RequestTag/${k}`, values]),
  );
}

/** A letters-and-digits rendering of a tag key for statement ids. */
function sidOf(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((w) => w[0].toUpperCase() + w.slice(1)).join('') || 'Key';
}

/**
 * Tag writes and create lookalikes: only on resources already tagged non-production (EC2 tag-on-create
 * aside).
 */
function tagWritesOnlyNonProduction(
  spec: GuardrailSpec,
  parts: AgentInvariantParts,
  scope: AgentInvariantScope,
): StatementTemplate[] {
  // The create lookalikes (ec2:CreateNetworkInterfacePermission...) share the condition: they never carry
  // ec2:CreateAction, so for them it says "only on a resource tagged non-production".
  const actions = parts.tagWriteDeny;
  if (actions.length === 0) return [];
  // Tagging an existing untagged resource looks exactly like tagging a new one after its create call, so
  // tag writes need the resource already tagged non-production. With several keys, a resource tagged
  // k1=dev and k2=production passes this statement, but ReadOnlyTagged (SCPs) or the Allows (boundary)
  // already keep it read-only.
  return [
    {
      sid: `${scope.sidPrefix}TagOnlyNonProduction`,
      role: 'agent-tagging',
      effect: 'Deny',
      action: single(actions),
      resource: '*',
      condition: allOf(scope.principal, {
        StringNotEqualsIgnoreCase: nonProduction(spec, 'ResourceTag'),
        Null: { [EC2_CREATE_ACTION]: 'true' },
      }),
      mandatory: true,
    },
  ];
}

/**
 * Writes whose targets the request does not name, denied on every resource, for an SCP layer without the
 * agent guards (which otherwise carry them: agentGuardTemplates). The allowlist cannot hold them (they are
 * execute actions).
 */
export function unnamedTargetsDeny(parts: AgentInvariantParts, scope: AgentInvariantScope): StatementTemplate[] {
  if (parts.unnamedTargets.length === 0) return [];
  return [
    {
      sid: `${scope.sidPrefix}UnnamedTargets`,
      role: 'agent-fail-closed',
      effect: 'Deny',
      action: single(parts.unnamedTargets),
      resource: '*',
      condition: allOf(scope.principal),
      mandatory: true,
    },
  ];
}

/**
 * Creates: denied unless the resource, or the request for a new one, is tagged non-production. With several
 * production keys, a request that tags the new resource non-production under one key and anything else under
 * another (environment=dev, stage=production) is denied too, one statement per key: a Deny cannot say "some
 * key present with another value" in one condition block.
 */
function createDeny(spec: GuardrailSpec, parts: AgentInvariantParts, scope: AgentInvariantScope): StatementTemplate[] {
  if (parts.creates.length === 0) return [];
  const keys = spec.production.tagKeys;
  const out: StatementTemplate[] = [
    {
      sid: `${scope.sidPrefix}CreateUnlessNonProduction`,
      role: 'agent-fail-closed',
      effect: 'Deny',
      action: single(parts.creates),
      resource: '*',
      condition: allOf(scope.principal, {
        StringNotEqualsIgnoreCase: { ...nonProduction(spec, 'ResourceTag'), ...nonProduction(spec, 'RequestTag') },
      }),
      mandatory: true,
    },
  ];
  if (keys.length < 2) return out;
  for (const tagKey of keys) {
    out.push({
      sid: `${scope.sidPrefix}CreateTaggedOther${sidOf(tagKey)}`,
      role: 'agent-fail-closed',
      effect: 'Deny',
      action: single(parts.creates),
      resource: '*',
      condition: allOf(scope.principal, {
        StringNotEqualsIgnoreCase: nonProduction(spec, 'RequestTag', [tagKey]),
        Null: { [`aws:RequestTag/${tagKey}`]: 'false' },
      }),
      mandatory: true,
      tagKey,
    });
  }
  return out;
}

/**
 * The SCP form: Denies for one agent layer. `ReadOnlyUnlessNonProduction` covers untagged, production,
 * other values and tag-less actions (a new resource passes when the request tags it non-production);
 * `ReadOnlyTagged` keeps an existing resource tagged any other value read-only whatever the request tags
 * say (retagging production to dev, a create inside a production-tagged parent, k1=dev with k2=production).
 */
export function agentInvariantTemplates(
  spec: GuardrailSpec,
  parts: AgentInvariantParts,
  scope: AgentInvariantScope,
): StatementTemplate[] {
  const p = scope.sidPrefix;
  const keys = spec.production.tagKeys;
  const out: StatementTemplate[] = [
    {
      // Every write but a create: the request's tags do not count, only the resource's own.
      sid: `${p}ReadOnlyUnlessNonProduction`,
      role: 'agent-fail-closed',
      effect: 'Deny',
      notAction: [...parts.readsAndAllowlist, ...parts.creates],
      resource: '*',
      condition: allOf(scope.principal, {
        StringNotEqualsIgnoreCase: nonProduction(spec, 'ResourceTag'),
      }),
      mandatory: true,
    },
    ...createDeny(spec, parts, scope),
  ];
  for (const tagKey of keys) {
    out.push({
      sid: `${p}ReadOnlyTagged${keys.length > 1 ? sidOf(tagKey) : ''}`,
      role: 'agent-production-tag',
      effect: 'Deny',
      notAction: parts.readsAndAllowlist,
      resource: '*',
      condition: allOf(scope.principal, {
        StringNotEqualsIgnoreCase: nonProduction(spec, 'ResourceTag', [tagKey]),
        Null: { [resourceTagKey(tagKey)]: 'false' },
      }),
      mandatory: true,
      tagKey,
    });
  }
  out.push(...tagWritesOnlyNonProduction(spec, parts, scope));
  out.push(...roleFromResourceDeny(parts, scope));
  return out;
}

/**
 * The boundary form: the allow ceiling itself holds the invariant. Reads and the allowlist are allowed on
 * any resource; the rest of the agent services only where one production key is non-production and every
 * other key present is too, or where the resource has none of the keys and the request tags it
 * non-production. Sensitive reads are not among the reads, so they get the same treatment as writes;
 * tag writes get the SCP's deny on top.
 */
export function boundaryInvariantTemplates(
  spec: GuardrailSpec,
  parts: AgentInvariantParts,
  options: { readonly controlTowerForm?: boolean } = {},
): StatementTemplate[] {
  const allowed = [...servicesSet(spec.agents.allowedServices)].sort();
  const services = allowed.map((s) => `${s}:*`);
  // The conditional Allows name the agent services as `s3:?*`, which matches exactly what `s3:*` matches
  // (every action name has a first character); with DenyOtherServices they mean what Action "*" would. AWS
  // Control Tower's proactive controls CT.IAM.PR.2 / PR.3 reject a customer managed policy with an Allow of
  // "*" or `service:*` whatever its conditions, and as a CloudFormation hook they cannot be suppressed.
  // Where the list does not fit in 6,144 characters (one such Allow per production key, beside the create
  // patterns), the caller asks for the compact form "*": the same meaning, and the coverage report's caveats
  // say that Control Tower would reject that boundary.
  const keys = spec.production.tagKeys;
  const anyActionOfTheServices: string | string[] =
    (options.controlTowerForm ?? true) ? allowed.map((s) => `${s}:?*`) : '*';
  const out: StatementTemplate[] = [
    {
      // The service ceiling as one Deny, so the conditional Allows below can say "*" once per key instead
      // of listing every service again.
      sid: 'DenyOtherServices',
      role: 'agent-ceiling',
      effect: 'Deny',
      notAction: services,
      resource: '*',
      mandatory: true,
    },
    {
      sid: 'AllowReadsAnywhere',
      role: 'agent-read',
      effect: 'Allow',
      action: parts.readsAndAllowlist,
      resource: '*',
      mandatory: true,
    },
  ];
  for (const tagKey of keys) {
    const others = keys.filter((k) => k !== tagKey);
    out.push({
      sid: `AllowNonProduction${keys.length > 1 ? sidOf(tagKey) : ''}`,
      role: 'agent-ceiling',
      effect: 'Allow',
      action: anyActionOfTheServices,
      resource: '*',
      condition: allOf(
        { StringEqualsIgnoreCase: nonProduction(spec, 'ResourceTag', [tagKey]) },
        others.length > 0 ? { StringEqualsIgnoreCaseIfExists: nonProduction(spec, 'ResourceTag', others) } : undefined,
      ),
      mandatory: true,
      tagKey,
    });
  }
  if (parts.creates.length > 0) {
    // Creates only (patterns proved against the catalog), on a resource with none of the production keys,
    // when the request tags the new resource non-production under the first key, and under every other key
    // it names. One statement, not one per key, because the pattern list is long; the first key is required
    // rather than "any key" because only aws:RequestTag itself proves the tag is on the request (a service
    // may send aws:TagKeys without it).
    const [first, ...others] = keys;
    const requestTags: ConditionBlock = allOf(
      { StringEqualsIgnoreCase: nonProduction(spec, 'RequestTag', [first]) },
      others.length > 0 ? { StringEqualsIgnoreCaseIfExists: nonProduction(spec, 'RequestTag', others) } : undefined,
    );
    out.push({
      sid: 'AllowCreateNonProduction',
      role: 'agent-ceiling',
      effect: 'Allow',
      action: single(parts.creates),
      resource: '*',
      condition: {
        Null: Object.fromEntries(keys.map((k) => [resourceTagKey(k), 'true'])),
        ...requestTags,
      },
      mandatory: true,
    });
  }
  out.push(...tagWritesOnlyNonProduction(spec, parts, { sidPrefix: 'Deny' }));
  return out;
}

/** Writes (every access level but Read and List) of the allowed services: what the invariant is about. */
export function agentWrites(spec: GuardrailSpec, catalog: Catalog): CatalogAction[] {
  const services = servicesSet(spec.agents.allowedServices);
  return [...services].flatMap((s) => catalog.serviceActions(s)).filter((a) => !isReadLevel(a));
}
