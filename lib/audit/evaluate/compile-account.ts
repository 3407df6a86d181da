// compileAccount: parse and compile every policy of a snapshot once (managed policies and SCPs are shared by
// all principals that use them), then assemble each principal's layers. Of an invalid policy the statements
// that can be read are evaluated and the others recorded (the unreadable-policy rule fails the gate on them);
// missing policies are recorded; the rest of the account is still evaluated.
import { parsePolicy, salvagePolicy, statementCoversAction, type SalvagedPolicy } from '../../policy';
import type { NormalizedPolicy, NormalizedStatement } from '../../policy/types';
import type { Catalog } from '../../catalog/types';
import type { PolicyType } from '../../policy/types';
import type { Evidence } from '../findings';
import { snapshotParseCache } from '../sources/parse-cache';
import type { AccountSnapshot, Principal } from '../sources/snapshot';
import { compilePolicy, ServiceIndex, StatementIds, type CompiledStatement, type PolicySource } from './compile-policy';
import type { PrincipalFacts } from './context';
import { principalOrgPathCandidates } from './org-paths';
import {
  PrincipalEvaluator,
  SharedLayer,
  SharedAcrossPrincipals,
  type PrincipalLayers,
  type ScpLevel,
} from './evaluator';
import { twinKey, Twins } from './twins';
import { resourcePolicyGrants } from './resource-policy-grants';
import type { CompiledAccount, CompiledPrincipal, DecisionLayer, OrganizationLayerState } from './types';

type InvalidPolicy = CompiledAccount['invalidPolicies'][number];

/** A compiled document, or why it could not be compiled (reported again by every account that uses it). */
/** A compiled document: its statements (none for a boundary with a statement unread) and the problem, if any. */
interface CompiledOrInvalid {
  readonly statements: CompiledStatement[] | undefined;
  readonly invalid?: InvalidPolicy;
}

/**
 * The readable statements plus, for each unread statement not plainly written as a Deny, `Allow * on *` in its
 * place (same index, so evidence shows the statement as written).
 */
function withUnreadAllowsAsAll(policy: NormalizedPolicy, salvaged: SalvagedPolicy): NormalizedPolicy {
  const statements = (salvaged.document as { Statement?: unknown } | undefined)?.Statement;
  const raw = (index: number | undefined): unknown =>
    index === undefined ? undefined : Array.isArray(statements) ? statements[index] : statements;
  const allows: NormalizedStatement[] = salvaged.unreadable
    .filter(({ index }) => (raw(index) as { Effect?: unknown } | undefined)?.Effect !== 'Deny')
    .map(({ index }) => ({ index: index ?? 0, effect: 'Allow', actions: ['*'], resources: ['*'], conditions: [] }));
  return allows.length === 0 ? policy : { ...policy, statements: [...policy.statements, ...allows] };
}

/** One organization policy level compiled: its Allow and Deny statements and the policies that failed. */
interface CompiledLevel {
  readonly allows: CompiledStatement[];
  readonly denies: CompiledStatement[];
  readonly invalid: readonly InvalidPolicy[];
  /** Built on first use: the level's Allow statements as the layer every principal under it reads. */
  layer?: SharedLayer;
}

/**
 * What the accounts of one audit run (an organization) share, keyed by content, never by account: statement
 * ids and the action-match tables behind them, AWS managed policies (same ARN and same document, same
 * statements), and organization policy levels (same level, same policies) with their layers. Bound to one
 * catalog. A compiled statement is never changed once made, so sharing it is safe; ids stay unique across
 * every account that uses the cache.
 */
export class CompileCache {
  readonly ids = new StatementIds();
  readonly managed = new Map<string, CompiledOrInvalid>();
  readonly levels = new Map<string, CompiledLevel>();
  readonly denyLayers = new Map<string, SharedLayer>();
  /**
   * Documents compiled, by document object, then by how they are read (type and source; see compileCached): an
   * account made from another that holds the same document objects (a principal alone with its groups, asked
   * about once per principal: rules/support/escalated.ts) compiles each of them once, not once per account. A
   * compiled document depends on nothing else (the catalog is the cache's own).
   */
  readonly documents = new WeakMap<object, Map<string, CompiledOrInvalid>>();
  /**
   * With `oneAccount`, the evaluator's plans and templates too, shared by the principals of every snapshot
   * compiled with this cache, as the principals of one snapshot share them: only for snapshots of one account
   * (a template may turn on whether a resource is in the principal's account), such as its principals each
   * compiled alone with what a write would give them.
   */
  readonly acrossPrincipals?: SharedAcrossPrincipals;
  /** With `oneAccount`, each group's compiled statements, by group (the same object in each snapshot). */
  readonly groups?: WeakMap<Principal, { statements: CompiledStatement[]; invalid: readonly InvalidPolicy[] }>;
  constructor(
    readonly catalog: Catalog,
    options: { readonly oneAccount?: boolean } = {},
  ) {
    if (options.oneAccount) {
      this.acrossPrincipals = new SharedAcrossPrincipals();
      this.groups = new WeakMap();
    }
  }
}

class AccountCompiler {
  readonly ids: StatementIds;
  readonly invalidPolicies: InvalidPolicy[] = [];
  private readonly managedDocuments: Map<string, AccountSnapshot['managedPolicies'][number]>;
  /** Compiled managed policies by use, then ARN. */
  private readonly managedCompiled = {
    identity: new Map<string, CompiledStatement[] | undefined>(),
    boundary: new Map<string, CompiledStatement[] | undefined>(),
  };
  private readonly missingReported = new Set<string>();

  constructor(
    readonly snapshot: AccountSnapshot,
    readonly cache?: CompileCache,
  ) {
    this.ids = cache?.ids ?? new StatementIds();
    this.managedDocuments = new Map(snapshot.managedPolicies.map((policy) => [policy.arn, policy]));
  }

  compileDocument(
    document: unknown,
    type: PolicyType,
    where: string,
    source: PolicySource,
  ): CompiledStatement[] | undefined {
    const result = this.compileCached(document, type, where, source);
    if (result.invalid) this.invalidPolicies.push(result.invalid);
    return result.statements;
  }

  /** compileOrInvalid() through the cache's documents (CompileCache.documents), when there is a cache. */
  private compileCached(document: unknown, type: PolicyType, where: string, source: PolicySource): CompiledOrInvalid {
    if (!this.cache || typeof document !== 'object' || document === null)
      return this.compileOrInvalid(document, type, where, source);
    let byUse = this.cache.documents.get(document);
    if (!byUse) this.cache.documents.set(document, (byUse = new Map()));
    // Not keyed by `where`, which only names the document in what is reported of it: one document given to many
    // principals (escalated.ts gives each an `Allow *` of one document) is one set of statements, whose plans
    // they share. A document that cannot be read in full is compiled again for each place, to say where.
    const key = `${type}\n${source.policy}\n${source.policyKind}\n${source.layer}\n${source.attachedAt ?? ''}`;
    const known = byUse.get(key);
    if (known && (known.invalid === undefined || known.invalid.where === where)) return known;
    const result = this.compileOrInvalid(document, type, where, source);
    if (!known) byUse.set(key, result);
    return result;
  }

  /**
   * Parse and compile one document. Of an invalid one the statements that can be read are still compiled and
   * the problem recorded; a boundary with a statement unread compiles to nothing (what it lets through is unknown).
   */
  private compileOrInvalid(
    document: unknown,
    type: PolicyType,
    where: string,
    source: PolicySource,
  ): CompiledOrInvalid {
    const parsed = parsePolicy(document, { type, where, cache: snapshotParseCache(this.snapshot) });
    if (parsed.ok) return { statements: compilePolicy(parsed.policy, source, parsed.document, this.ids) };
    const salvaged = salvagePolicy(document, { type, cache: snapshotParseCache(this.snapshot) });
    const errors = salvaged.problems.filter((problem) => problem.severity !== 'warning');
    const skipped =
      salvaged.unreadable.length === 0
        ? 'every statement was still read'
        : salvaged.policy.statements.length === 0
          ? 'nothing of it could be read'
          : `the other ${salvaged.policy.statements.length} statement(s) were still read`;
    const invalid: InvalidPolicy = {
      where,
      policy: source.policy,
      message: `${errors.map((problem) => `${problem.path || '(root)'}: ${problem.message}`).join('; ')} (${skipped})`,
    };
    // A boundary only limits: with a statement unread, what it lets through is unknown, not what the rest says.
    if (type === 'boundary' && salvaged.unreadable.length > 0) return { statements: undefined, invalid };
    // An SCP or RCP level allows only what one of its policies allows: an unread statement that may be an Allow
    // is taken as allowing everything (its worst case for who can act). An unread Deny is left out, its worst case.
    const policy =
      type === 'scp' || type === 'rcp' ? withUnreadAllowsAsAll(salvaged.policy, salvaged) : salvaged.policy;
    return { statements: compilePolicy(policy, source, salvaged.document, this.ids), invalid };
  }

  /** compileDocument(), shared through `cache` under `key` (which must name everything the result depends on). */
  private compileShared(
    cache: CompileCache,
    key: string,
    document: unknown,
    type: PolicyType,
    where: string,
    source: PolicySource,
  ): CompiledStatement[] | undefined {
    let result = cache.managed.get(key);
    if (!result) {
      result = this.compileOrInvalid(document, type, where, source);
      cache.managed.set(key, result);
    }
    if (result.invalid) this.invalidPolicies.push(result.invalid);
    return result.statements;
  }

  hasManaged(arn: string): boolean {
    return this.managedDocuments.has(arn);
  }

  /** A managed policy's statements for one use (identity or boundary), compiled once per account. */
  managed(arn: string, use: 'identity' | 'boundary', principalArn: string): CompiledStatement[] | undefined {
    const compiledForUse = this.managedCompiled[use];
    if (compiledForUse.has(arn)) return compiledForUse.get(arn);
    const policy = this.managedDocuments.get(arn);
    let compiled: CompiledStatement[] | undefined;
    if (!policy) {
      if (!this.missingReported.has(arn)) {
        this.missingReported.add(arn);
        this.invalidPolicies.push({
          where: principalArn,
          policy: arn,
          message: `managed policy ${arn} is attached but its document is not in the snapshot; it was not evaluated`,
        });
      }
    } else {
      const source: PolicySource =
        use === 'boundary'
          ? { policy: arn, policyKind: 'boundary', layer: 'boundary' }
          : { policy: arn, policyKind: 'managed', layer: 'identity' };
      const type = use === 'boundary' ? 'boundary' : 'identity';
      // An AWS managed policy reads the same in every account: with a cache, each distinct one (ARN and
      // document) is parsed and compiled once per audit run rather than once per account.
      compiled =
        policy.awsManaged && this.cache
          ? this.compileShared(
              this.cache,
              `${use}\n${arn}\n${JSON.stringify(policy.document)}`,
              policy.document,
              type,
              `managed policy ${arn}`,
              source,
            )
          : this.compileDocument(policy.document, type, `managed policy ${arn}`, source);
    }
    compiledForUse.set(arn, compiled);
    return compiled;
  }

  inline(owner: Principal, name: string, document: unknown, kind: Evidence['policyKind']): CompiledStatement[] {
    const policy = kind === 'group-inline' ? `group:${owner.name}/inline:${name}` : `inline:${name}`;
    const source: PolicySource = { policy, policyKind: kind, layer: 'identity' };
    return this.compileDocument(document, 'identity', `${owner.arn}: inline policy ${name}`, source) ?? [];
  }

  /** Resource grants compiled, by document: principals a statement reaches alike share one (and its ids). */
  private readonly resourceGrants = new Map<unknown, CompiledStatement[]>();

  /** A resource policy's statements that name `owner`, compiled as its identity grants. */
  resourceGrant(owner: Principal, name: string, document: unknown): CompiledStatement[] {
    let compiled = this.resourceGrants.get(document);
    if (!compiled) {
      const source: PolicySource = { policy: `resource:${name}`, policyKind: 'resource', layer: 'identity' };
      compiled = this.compileDocument(document, 'identity', `${owner.arn}: resource policy ${name}`, source) ?? [];
      this.resourceGrants.set(document, compiled);
    }
    return compiled;
  }

  /** Organization policies of one type: Allow statements per level, and all Deny statements. */
  organizationLevels(type: 'scp' | 'rcp'): {
    levels: { kind: ScpLevel['kind']; id: string; level: CompiledLevel }[];
    denies: CompiledStatement[];
  } {
    const source = type === 'scp' ? this.snapshot.serviceControlPolicies : this.snapshot.resourceControlPolicies;
    const levels: { kind: ScpLevel['kind']; id: string; level: CompiledLevel }[] = [];
    const denies: CompiledStatement[] = [];
    for (const level of source) {
      // Accounts under one OU read the same root and OU levels: with a cache, each is compiled once per run.
      const key = this.cache ? `${type}\n${JSON.stringify(level)}` : undefined;
      let compiled = key === undefined ? undefined : this.cache!.levels.get(key);
      if (!compiled) {
        compiled = this.compileLevel(type, level);
        if (key !== undefined) this.cache!.levels.set(key, compiled);
      }
      this.invalidPolicies.push(...compiled.invalid);
      denies.push(...compiled.denies);
      levels.push({ kind: level.kind, id: level.id, level: compiled });
    }
    return { levels, denies };
  }

  private compileLevel(type: 'scp' | 'rcp', level: AccountSnapshot['serviceControlPolicies'][number]): CompiledLevel {
    const allows: CompiledStatement[] = [];
    const denies: CompiledStatement[] = [];
    const invalid: InvalidPolicy[] = [];
    for (const policy of level.policies) {
      const id = policy.arn ?? policy.name;
      const label = type === 'scp' ? 'SCP' : 'RCP';
      const result = this.compileOrInvalid(
        policy.document,
        type,
        `${label} ${policy.name} at ${level.kind} ${level.id}`,
        {
          policy: id,
          policyKind: type,
          layer: type as DecisionLayer,
          attachedAt: `${LEVEL_NAMES[level.kind]} ${level.name ? `${level.name} (${level.id})` : level.id}`,
        },
      );
      if (result.invalid) {
        // A policy of a --scp / --rcp file is named by that file and its JSON path there, not the account's input.
        const { location } = policy;
        invalid.push(
          location
            ? {
                ...result.invalid,
                file: location.file,
                where: location.jsonPath ? `${location.jsonPath} (${result.invalid.where})` : result.invalid.where,
              }
            : result.invalid,
        );
      }
      for (const statement of result.statements ?? []) (statement.effect === 'Allow' ? allows : denies).push(statement);
    }
    return { allows, denies, invalid };
  }
}

const LEVEL_NAMES = { root: 'root', ou: 'OU', account: 'account' } as const;

function tagMap(tags: Readonly<Record<string, string>>): Map<string, string> {
  const map = new Map<string, string>();
  const keys = Object.keys(tags);
  for (let i = 0; i < keys.length; i++) map.set(keys[i].toLowerCase(), tags[keys[i]]);
  return map;
}

/**
 * Compile one account; `cache` shares work with the other accounts of the same audit run (an organization).
 * `auditTime` is when the audit asks: date conditions on aws:CurrentTime are answered from then on; without
 * it they depend on the key. Its first two parameters are the CompileAccount signature. `only`: compile just the
 * principal with this ARN (the others are still read as its groups); the result then holds that one alone.
 */
export function compileAccount(
  snapshot: AccountSnapshot,
  catalog: Catalog,
  cache?: CompileCache,
  auditTime?: Date,
  only?: string,
): CompiledAccount {
  if (cache && cache.catalog !== catalog)
    throw new Error('compileAccount: the compile cache belongs to another catalog');
  const compiler = new AccountCompiler(snapshot, cache);
  const organizationState: OrganizationLayerState = snapshot.isManagementAccount
    ? 'not-applicable'
    : snapshot.organizationPoliciesKnown
      ? 'applied'
      : 'unknown';
  const scp = organizationState === 'applied' ? compiler.organizationLevels('scp') : { levels: [], denies: [] };
  const rcp = organizationState === 'applied' ? compiler.organizationLevels('rcp') : { levels: [], denies: [] };
  const scpLevels: ScpLevel[] = scp.levels.map(({ kind, id, level }) => ({
    kind,
    id,
    allows: (level.layer ??= new SharedLayer(new ServiceIndex(level.allows), catalog.rcpServices)),
  }));
  // SCPs and RCPs apply together or not at all (management account, service-linked roles, unknown).
  const organizationDenyStatements = [...scp.denies, ...rcp.denies];
  const denyKey = cache ? organizationDenyStatements.map((statement) => statement.id).join(',') : undefined;
  let organizationDenies = denyKey === undefined ? undefined : cache!.denyLayers.get(denyKey);
  if (!organizationDenies) {
    organizationDenies = new SharedLayer(new ServiceIndex(organizationDenyStatements), catalog.rcpServices);
    if (denyKey !== undefined) cache!.denyLayers.set(denyKey, organizationDenies);
  }
  const groups = new Map(snapshot.principals.filter((p) => p.kind === 'group').map((group) => [group.name, group]));
  // Every principal of the account sits at the account's place in the organization.
  const orgPaths = principalOrgPathCandidates(snapshot, snapshot.organizationId);
  const groupStatements = new Map<string, CompiledStatement[]>();
  // A group's statements, and what of its policies could not be read, are the same in every snapshot of the
  // account that holds the same group (CompileCache.groups).
  const groupIdentity = (group: Principal): CompiledStatement[] => {
    const known = cache?.groups?.get(group);
    if (known) {
      compiler.invalidPolicies.push(...known.invalid);
      return known.statements;
    }
    const before = compiler.invalidPolicies.length;
    const statements = ownIdentity(group, 'group-inline');
    cache?.groups?.set(group, { statements, invalid: compiler.invalidPolicies.slice(before) });
    return statements;
  };

  const ownIdentity = (principal: Principal, inlineKind: Evidence['policyKind']): CompiledStatement[] => {
    const statements: CompiledStatement[] = [];
    // Indexed loops: for-of allocates an iterator result per element until its function is optimized.
    const { inlinePolicies, managedPolicyArns } = principal;
    for (let i = 0; i < inlinePolicies.length; i++) {
      const policy = inlinePolicies[i];
      statements.push(...compiler.inline(principal, policy.name, policy.document, inlineKind));
    }
    for (let i = 0; i < managedPolicyArns.length; i++) {
      statements.push(...(compiler.managed(managedPolicyArns[i], 'identity', principal.arn) ?? []));
    }
    return statements;
  };

  const compiled: { layers: PrincipalLayers; twinKey: string | undefined }[] = [];
  const templates = cache?.acrossPrincipals ?? new SharedAcrossPrincipals();
  // The organization's statements, for twin keys of the principals they apply to.
  const organizationStatements = [...scp.levels.flatMap(({ level }) => level.allows), ...organizationDenyStatements];
  // Indexes principals can share: a boundary's Allow statements, and no statements at all.
  const boundaryIndexes = new Map<string, ServiceIndex>();
  const noStatements = new ServiceIndex([]);
  const resourceGrants = resourcePolicyGrants(snapshot).byPrincipal;
  for (const principal of snapshot.principals) {
    if (only !== undefined && principal.arn !== only) continue;
    const notes: string[] = [];
    const identity = ownIdentity(principal, 'inline');
    // What resource policies grant it counts as its own grant; what its boundary does not cap is added to
    // the boundary's Allows for it alone, so identity ∧ boundary gives (policies ∧ boundary) ∨ that grant.
    const uncapped: CompiledStatement[] = [];
    const grants = resourceGrants.get(principal.arn);
    if (grants) {
      for (const grant of grants) {
        const statements = compiler.resourceGrant(principal, grant.name, grant.document);
        identity.push(...statements);
        if (grant.uncapped) uncapped.push(...statements.filter((statement) => statement.effect === 'Allow'));
      }
    }
    if (principal.kind === 'user' && principal.groups.length > 0) {
      // A managed policy attached both to the user and to one of its groups (or to two groups) counts once.
      const held = new Set(identity);
      for (const groupName of principal.groups) {
        const group = groups.get(groupName);
        if (!group) {
          notes.push(`group ${groupName} is not in the snapshot: its policies were not evaluated`);
          continue;
        }
        let statements = groupStatements.get(groupName);
        if (!statements) {
          statements = groupIdentity(group);
          groupStatements.set(groupName, statements);
        }
        for (let i = 0; i < statements.length; i++) {
          if (held.has(statements[i])) continue;
          held.add(statements[i]);
          identity.push(statements[i]);
        }
      }
    }
    if (principal.kind === 'group') notes.push('a group is evaluated as a member user with no policies of its own');

    let boundaryAllows: PrincipalLayers['boundaryAllows'];
    let boundaryName = '-';
    const boundaryStatements: CompiledStatement[] = [];
    if (principal.permissionsBoundaryArn && principal.kind !== 'group') {
      const compiled = compiler.managed(principal.permissionsBoundaryArn, 'boundary', principal.arn);
      if (compiled) {
        boundaryStatements.push(...compiled);
        let index = boundaryIndexes.get(principal.permissionsBoundaryArn);
        if (!index) {
          index = new ServiceIndex(compiled.filter((statement) => statement.effect === 'Allow'));
          boundaryIndexes.set(principal.permissionsBoundaryArn, index);
        }
        boundaryAllows = index;
        boundaryName = principal.permissionsBoundaryArn;
        if (uncapped.length > 0) {
          boundaryAllows = new ServiceIndex([...compiled.filter((s) => s.effect === 'Allow'), ...uncapped]);
          boundaryName += `+${uncapped.map((statement) => statement.id).join(',')}`;
          boundaryStatements.push(...uncapped);
        }
      } else {
        boundaryAllows = 'missing';
        boundaryName = '?';
        notes.push(
          compiler.hasManaged(principal.permissionsBoundaryArn)
            ? `permissions boundary ${principal.permissionsBoundaryArn} cannot be read in full: answers depend on it`
            : `permissions boundary ${principal.permissionsBoundaryArn} is not in the snapshot: answers depend on it`,
        );
      }
    }

    let scpState = organizationState;
    let rcpState = organizationState;
    if (snapshot.isManagementAccount) {
      notes.push('SCPs and RCPs do not apply: this is the management account');
    } else if (principal.serviceLinked) {
      scpState = 'not-applicable';
      rcpState = 'not-applicable';
      notes.push('SCPs and RCPs do not restrict service-linked roles');
    } else if (organizationState === 'unknown') {
      notes.push(
        'organization policies (SCPs, RCPs) are not in the snapshot: answers cover the account’s own policies only',
      );
    }

    const allows: CompiledStatement[] = [];
    const denies: CompiledStatement[] = [];
    // Indexed loops, like every per-principal loop here: for-of allocates until its function is optimized.
    for (let i = 0; i < identity.length; i++) (identity[i].effect === 'Allow' ? allows : denies).push(identity[i]);
    for (let i = 0; i < boundaryStatements.length; i++) {
      if (boundaryStatements[i].effect === 'Deny') denies.push(boundaryStatements[i]);
    }
    const facts: PrincipalFacts = {
      kind: principal.kind,
      arn: principal.arn,
      name: principal.name,
      ...(principal.uniqueId === undefined ? {} : { uniqueId: principal.uniqueId }),
      accountId: snapshot.accountId,
      ...(snapshot.organizationId === undefined ? {} : { organizationId: snapshot.organizationId }),
      ...(orgPaths === undefined ? {} : { orgPaths }),
      ...(snapshot.accountIdIsPlaceholder ? { accountIdIsPlaceholder: true } : {}),
      tags: tagMap(principal.tags),
      ...(auditTime === undefined ? {} : { auditTime: auditTime.getTime() }),
      ...(setsNoSourceIdentity(snapshot, principal) ? { noSourceIdentity: true } : {}),
    };
    const layers: PrincipalLayers = {
      facts,
      identityAllows: new ServiceIndex(allows),
      boundaryAllows,
      boundaryArn: principal.permissionsBoundaryArn,
      denies: denies.length > 0 ? new ServiceIndex(denies) : noStatements,
      organizationDenies: scpState === 'applied' ? organizationDenies : undefined,
      scp: scpState,
      scpLevels: scpState === 'applied' ? scpLevels : [],
      rcp: rcpState,
      // Kept with the principal: an exact-length copy (a list grown by push from empty holds 16 slots).
      notes: notes.length > 0 ? notes.slice() : notes,
    };
    const twinKeyOf = twinKey({
      facts,
      scp: scpState,
      rcp: rcpState,
      boundary: boundaryName,
      allows,
      denies,
      boundaryStatements,
      organization: scpState === 'applied' ? organizationStatements : [],
    });
    compiled.push({ layers, twinKey: twinKeyOf });
  }

  // Twins (twins.ts) share plans and bulk answers: only principals that have one are given the shared part.
  const twinCounts = new Map<string, number>();
  for (let i = 0; i < compiled.length; i++) {
    const key = compiled[i].twinKey;
    if (key !== undefined) twinCounts.set(key, (twinCounts.get(key) ?? 0) + 1);
  }
  const twinsByKey = new Map<string, Twins>();
  const principals: CompiledPrincipal[] = compiled.map(({ layers, twinKey: key }) => {
    let twins: Twins | undefined;
    if (key !== undefined && twinCounts.get(key)! > 1) {
      twins = twinsByKey.get(key);
      if (!twins) {
        twins = new Twins();
        twinsByKey.set(key, twins);
      }
    }
    return new PrincipalEvaluator(layers, catalog, templates, twins);
  });

  const byArn = new Map(principals.map((principal) => [principal.arn, principal]));
  return {
    accountId: snapshot.accountId,
    principals,
    principal: (arn) => byArn.get(arn),
    invalidPolicies: compiler.invalidPolicies,
  };
}

/**
 * Whether no session of the role can carry a source identity: its trust policy (read) allows sts:SetSourceIdentity
 * to no one, which setting one needs, and so does assuming the role from a session that already has one.
 */
export function setsNoSourceIdentity(snapshot: AccountSnapshot, principal: Principal): boolean {
  if (principal.kind !== 'role' || principal.trustPolicy === undefined) return false;
  const parsed = parsePolicy(principal.trustPolicy, {
    type: 'trust',
    where: `${principal.arn} trust policy`,
    cache: snapshotParseCache(snapshot),
  });
  if (!parsed.ok) return false;
  return !parsed.policy.statements.some(
    (statement) => statement.effect === 'Allow' && statementCoversAction(statement, SET_SOURCE_IDENTITY),
  );
}

const SET_SOURCE_IDENTITY = 'sts:SetSourceIdentity';
