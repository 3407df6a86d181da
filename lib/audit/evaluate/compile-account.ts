// compileAccount: parse and compile every policy of a snapshot once (managed policies and SCPs are shared by
// all principals that use them), then assemble each principal's layers. Of an invalid policy the statements
// that can be read are evaluated and the others recorded (the unreadable-policy rule fails the gate on them);
// missing policies are recorded; the rest of the account is still evaluated.
import { parsePolicy, salvagePolicy } from '../../policy';
import type { PolicyType } from '../../policy/types';
import type { Evidence } from '../findings';
import { snapshotParseCache, type AccountSnapshot, type Principal } from '../sources/snapshot';
import { compilePolicy, ServiceIndex, StatementIds, type CompiledStatement, type PolicySource } from './compile-policy';
import type { PrincipalFacts } from './context';
import {
  PrincipalEvaluator,
  SharedLayer,
  SharedAcrossPrincipals,
  type PrincipalLayers,
  type ScpLevel,
} from './evaluator';
import type {
  CompileAccount,
  CompiledAccount,
  CompiledPrincipal,
  DecisionLayer,
  OrganizationLayerState,
} from './types';

type InvalidPolicy = CompiledAccount['invalidPolicies'][number];

class AccountCompiler {
  readonly ids = new StatementIds();
  readonly invalidPolicies: InvalidPolicy[] = [];
  private readonly managedDocuments: Map<string, AccountSnapshot['managedPolicies'][number]>;
  private readonly managedCompiled = new Map<string, CompiledStatement[] | undefined>();
  private readonly missingReported = new Set<string>();

  constructor(readonly snapshot: AccountSnapshot) {
    this.managedDocuments = new Map(snapshot.managedPolicies.map((policy) => [policy.arn, policy]));
  }

  compileDocument(
    document: unknown,
    type: PolicyType,
    where: string,
    source: PolicySource,
  ): CompiledStatement[] | undefined {
    const parsed = parsePolicy(document, { type, where, cache: snapshotParseCache(this.snapshot) });
    if (parsed.ok) return compilePolicy(parsed.policy, source, parsed.document, this.ids);
    const salvaged = salvagePolicy(document, { type, cache: snapshotParseCache(this.snapshot) });
    const errors = salvaged.problems.filter((problem) => problem.severity !== 'warning');
    const skipped =
      salvaged.unreadable.length === 0
        ? 'every statement was still read'
        : salvaged.policy.statements.length === 0
          ? 'nothing of it could be read'
          : `the other ${salvaged.policy.statements.length} statement(s) were still read`;
    this.invalidPolicies.push({
      where,
      policy: source.policy,
      message: `${errors.map((problem) => `${problem.path || '(root)'}: ${problem.message}`).join('; ')} (${skipped})`,
    });
    // A boundary only limits: with a statement unread, what it lets through is unknown, not what the rest says.
    if (type === 'boundary' && salvaged.unreadable.length > 0) return undefined;
    return compilePolicy(salvaged.policy, source, salvaged.document, this.ids);
  }

  hasManaged(arn: string): boolean {
    return this.managedDocuments.has(arn);
  }

  /** A managed policy's statements for one use (identity or boundary), compiled once per account. */
  managed(arn: string, use: 'identity' | 'boundary', principalArn: string): CompiledStatement[] | undefined {
    const cacheKey = `${use}|${arn}`;
    if (this.managedCompiled.has(cacheKey)) return this.managedCompiled.get(cacheKey);
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
      compiled = this.compileDocument(
        policy.document,
        use === 'boundary' ? 'boundary' : 'identity',
        `managed policy ${arn}`,
        source,
      );
    }
    this.managedCompiled.set(cacheKey, compiled);
    return compiled;
  }

  inline(owner: Principal, name: string, document: unknown, kind: Evidence['policyKind']): CompiledStatement[] {
    const policy = kind === 'group-inline' ? `group:${owner.name}/inline:${name}` : `inline:${name}`;
    const source: PolicySource = { policy, policyKind: kind, layer: 'identity' };
    return this.compileDocument(document, 'identity', `${owner.arn}: inline policy ${name}`, source) ?? [];
  }

  /** Organization policies of one type: Allow statements per level, and all Deny statements. */
  organizationLevels(type: 'scp' | 'rcp'): {
    levels: { kind: ScpLevel['kind']; id: string; allows: CompiledStatement[] }[];
    denies: CompiledStatement[];
  } {
    const source = type === 'scp' ? this.snapshot.serviceControlPolicies : this.snapshot.resourceControlPolicies;
    const levels: { kind: ScpLevel['kind']; id: string; allows: CompiledStatement[] }[] = [];
    const denies: CompiledStatement[] = [];
    for (const level of source) {
      const allows: CompiledStatement[] = [];
      for (const policy of level.policies) {
        const id = policy.arn ?? policy.name;
        const label = type === 'scp' ? 'SCP' : 'RCP';
        const compiled =
          this.compileDocument(policy.document, type, `${label} ${policy.name} at ${level.kind} ${level.id}`, {
            policy: id,
            policyKind: type,
            layer: type as DecisionLayer,
            attachedAt: `${LEVEL_NAMES[level.kind]} ${level.name ? `${level.name} (${level.id})` : level.id}`,
          }) ?? [];
        for (const statement of compiled) (statement.effect === 'Allow' ? allows : denies).push(statement);
      }
      levels.push({ kind: level.kind, id: level.id, allows });
    }
    return { levels, denies };
  }
}

const LEVEL_NAMES = { root: 'root', ou: 'OU', account: 'account' } as const;

function tagMap(tags: Readonly<Record<string, string>>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [key, value] of Object.entries(tags)) map.set(key.toLowerCase(), value);
  return map;
}

export const compileAccount: CompileAccount = (snapshot, catalog) => {
  const compiler = new AccountCompiler(snapshot);
  const organizationState: OrganizationLayerState = snapshot.isManagementAccount
    ? 'not-applicable'
    : snapshot.organizationPoliciesKnown
      ? 'applied'
      : 'unknown';
  const scp = organizationState === 'applied' ? compiler.organizationLevels('scp') : { levels: [], denies: [] };
  const rcp = organizationState === 'applied' ? compiler.organizationLevels('rcp') : { levels: [], denies: [] };
  const scpLevels: ScpLevel[] = scp.levels.map((level) => ({
    kind: level.kind,
    id: level.id,
    allows: new SharedLayer(new ServiceIndex(level.allows), catalog.rcpServices),
  }));
  // SCPs and RCPs apply together or not at all (management account, service-linked roles, unknown).
  const organizationDenies = new SharedLayer(new ServiceIndex([...scp.denies, ...rcp.denies]), catalog.rcpServices);
  const groups = new Map(snapshot.principals.filter((p) => p.kind === 'group').map((group) => [group.name, group]));
  const groupStatements = new Map<string, CompiledStatement[]>();

  const ownIdentity = (principal: Principal, inlineKind: Evidence['policyKind']): CompiledStatement[] => {
    const statements: CompiledStatement[] = [];
    for (const policy of principal.inlinePolicies)
      statements.push(...compiler.inline(principal, policy.name, policy.document, inlineKind));
    for (const arn of principal.managedPolicyArns)
      statements.push(...(compiler.managed(arn, 'identity', principal.arn) ?? []));
    return statements;
  };

  const principals: CompiledPrincipal[] = [];
  const templates = new SharedAcrossPrincipals();
  // Indexes principals can share: a boundary's Allow statements, and no statements at all.
  const boundaryIndexes = new Map<string, ServiceIndex>();
  const noStatements = new ServiceIndex([]);
  for (const principal of snapshot.principals) {
    const notes: string[] = [];
    const identity = ownIdentity(principal, 'inline');
    if (principal.kind === 'user') {
      for (const groupName of principal.groups) {
        const group = groups.get(groupName);
        if (!group) {
          notes.push(`group ${groupName} is not in the snapshot: its policies were not evaluated`);
          continue;
        }
        let statements = groupStatements.get(groupName);
        if (!statements) {
          statements = ownIdentity(group, 'group-inline');
          groupStatements.set(groupName, statements);
        }
        // A managed policy attached both to the user and to one of its groups counts once.
        for (const statement of statements) if (!identity.includes(statement)) identity.push(statement);
      }
    }
    if (principal.kind === 'group') notes.push('a group is evaluated as a member user with no policies of its own');

    let boundaryAllows: PrincipalLayers['boundaryAllows'];
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
      } else {
        boundaryAllows = 'missing';
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

    const denies = [
      ...identity.filter((statement) => statement.effect === 'Deny'),
      ...boundaryStatements.filter((statement) => statement.effect === 'Deny'),
    ];
    const facts: PrincipalFacts = {
      kind: principal.kind,
      arn: principal.arn,
      name: principal.name,
      accountId: snapshot.accountId,
      tags: tagMap(principal.tags),
    };
    const layers: PrincipalLayers = {
      facts,
      identityAllows: new ServiceIndex(identity.filter((statement) => statement.effect === 'Allow')),
      boundaryAllows,
      boundaryArn: principal.permissionsBoundaryArn,
      denies: denies.length > 0 ? new ServiceIndex(denies) : noStatements,
      organizationDenies: scpState === 'applied' ? organizationDenies : undefined,
      scp: scpState,
      scpLevels: scpState === 'applied' ? scpLevels : [],
      rcp: rcpState,
      notes,
    };
    principals.push(new PrincipalEvaluator(layers, catalog, templates));
  }

  const byArn = new Map(principals.map((principal) => [principal.arn, principal]));
  return {
    accountId: snapshot.accountId,
    principals,
    principal: (arn) => byArn.get(arn),
    invalidPolicies: compiler.invalidPolicies,
  };
};
