// One principal's effective access, decided in AWS's policy evaluation order: explicit denies anywhere
// (identity, boundary, SCPs, RCPs), then every SCP level must allow, then an identity policy must allow,
// then the permissions boundary must allow. Each layer is three-valued; a definite answer is only given when
// no unknown could change it.
import type { Catalog, CatalogAction } from '../../catalog/types';
import { resourceMatches } from '../../policy';
import { evaluateCondition } from './condition';
import type { CompiledStatement, ServiceIndex } from './compile-policy';
import {
  actionCarries,
  actionFacts,
  RequestKeys,
  UNKNOWN_ACTION_FACTS,
  type ActionFacts,
  type PrincipalFacts,
} from './context';
import { substitute } from './policy-variables';
import { MAYBE, NO, YES, type Tri } from './tri';
import type {
  ActionDecision,
  CompiledPrincipal,
  DecisionLayer,
  OrganizationLayerState,
  RequestContext,
  StatementRef,
} from './types';

/** A statement's answer for one request, with the reference to report (carrying `dependsOn` when MAYBE). */
interface Applies {
  readonly tri: Tri;
  readonly dependsOn: readonly string[];
  readonly ref: StatementRef;
}

export interface ScpLevel {
  readonly kind: 'root' | 'ou' | 'account';
  readonly id: string;
  readonly allows: ServiceIndex;
}

/** Everything that decides for one principal, assembled by compileAccount. */
export interface PrincipalLayers {
  readonly facts: PrincipalFacts;
  readonly identityAllows: ServiceIndex;
  /** Undefined without a boundary; `missing` when the boundary's document is not in the snapshot. */
  readonly boundaryAllows?: ServiceIndex | 'missing';
  readonly boundaryArn?: string;
  /** Deny statements of every layer that applies to the principal. */
  readonly denies: ServiceIndex;
  readonly scp: OrganizationLayerState;
  readonly scpLevels: readonly ScpLevel[];
  readonly rcp: OrganizationLayerState;
  readonly notes: readonly string[];
}

const EMPTY: readonly never[] = Object.freeze([]);
const UNEVALUATED_SCP: readonly ('scp' | 'rcp')[] = Object.freeze(['scp']);
const UNEVALUATED_RCP: readonly ('scp' | 'rcp')[] = Object.freeze(['rcp']);
const UNEVALUATED_BOTH: readonly ('scp' | 'rcp')[] = Object.freeze(['scp', 'rcp']);
const RESOURCE = 'resource';
const BOUNDARY_UNKNOWN = 'permissions-boundary';

/** Denials where nothing matched at all, shared by every principal: they carry no statements. */
const plainDenials = new WeakMap<CatalogAction, Partial<Record<DecisionLayer, ActionDecision>>>();

function plainDenial(action: string, layer: DecisionLayer, catalogAction?: CatalogAction): ActionDecision {
  const make = (): ActionDecision =>
    Object.freeze<ActionDecision>({
      action,
      decision: 'denied',
      allowedBy: EMPTY,
      deniedBy: EMPTY,
      blockedAt: layer,
      dependsOn: EMPTY,
    });
  if (!catalogAction) return make();
  let byLayer = plainDenials.get(catalogAction);
  if (!byLayer) {
    byLayer = {};
    plainDenials.set(catalogAction, byLayer);
  }
  return (byLayer[layer] ??= make());
}

function union(into: string[], from: readonly string[]): void {
  for (const item of from) if (!into.includes(item)) into.push(item);
}

/** The per-call state: request keys and remembered statement answers. */
class Call {
  readonly keys: RequestKeys;
  private readonly memo: (Applies | Map<string, Applies> | undefined)[];

  constructor(
    facts: PrincipalFacts,
    readonly context: RequestContext,
    statementCount: number,
  ) {
    this.keys = new RequestKeys(facts, context);
    this.memo = new Array(statementCount);
  }

  applies(statement: CompiledStatement, facts: ActionFacts, wildcardOnly: boolean): Applies {
    if (statement.unconditional) return { tri: YES, dependsOn: EMPTY, ref: statement.ref };
    const byShape = statement.resource.kind === 'patterns' || statement.actionDependentKeys.length > 0;
    if (!byShape) {
      const known = this.memo[statement.id] as Applies | undefined;
      if (known) return known;
      const computed = this.compute(statement, facts, wildcardOnly);
      this.memo[statement.id] = computed;
      return computed;
    }
    let shape = wildcardOnly ? 'w' : 'r';
    for (const key of statement.actionDependentKeys) shape += actionCarries(facts, key) ? '1' : '0';
    let map = this.memo[statement.id] as Map<string, Applies> | undefined;
    if (!map) {
      map = new Map();
      this.memo[statement.id] = map;
    }
    let known = map.get(shape);
    if (!known) {
      known = this.compute(statement, facts, wildcardOnly);
      map.set(shape, known);
    }
    return known;
  }

  private compute(statement: CompiledStatement, facts: ActionFacts, wildcardOnly: boolean): Applies {
    const dependsOn: string[] = [];
    let tri: Tri = this.resourceTri(statement, facts, wildcardOnly, dependsOn);
    if (tri !== NO) {
      const lookup = this.keys.lookupFor(facts);
      for (const condition of statement.conditions) {
        const result = evaluateCondition(condition, lookup);
        if (result.tri === NO) {
          tri = NO;
          break;
        }
        if (result.tri === MAYBE) {
          tri = MAYBE;
          union(dependsOn, result.dependsOn);
        }
      }
    }
    if (tri === MAYBE) return { tri, dependsOn, ref: { ...statement.ref, dependsOn } };
    return { tri, dependsOn: EMPTY, ref: statement.ref };
  }

  private resourceTri(
    statement: CompiledStatement,
    facts: ActionFacts,
    wildcardOnly: boolean,
    dependsOn: string[],
  ): Tri {
    const test = statement.resource;
    if (test.kind === 'all') return YES;
    if (test.kind === 'nothing') return NO;
    // Actions that only support `Resource: "*"` are authorized against `*` itself.
    const target = wildcardOnly ? '*' : this.context.resourceArn;
    if (target === undefined) {
      dependsOn.push(RESOURCE);
      return MAYBE;
    }
    let matched: Tri = NO;
    if (test.matcher) {
      matched = test.matcher(target) ? YES : NO;
    } else {
      const lookup = this.keys.lookupFor(facts);
      for (const pattern of test.patterns) {
        const resolved = substitute(pattern, lookup);
        if (resolved === 'dropped') continue;
        if ('unknown' in resolved) {
          matched = MAYBE;
          union(dependsOn, resolved.unknown);
          continue;
        }
        if (resourceMatches(resolved.text, target)) {
          matched = YES;
          break;
        }
      }
      if (matched !== MAYBE) dependsOn.length = 0;
    }
    if (matched === MAYBE) return MAYBE;
    return (matched === YES) !== test.negated ? YES : NO;
  }
}

export class PrincipalEvaluator implements CompiledPrincipal {
  readonly arn: string;
  readonly kind: 'role' | 'user' | 'group';
  readonly hasPermissionsBoundary: boolean;
  readonly serviceControlPolicies: OrganizationLayerState;
  readonly resourceControlPolicies: OrganizationLayerState;
  readonly notes: readonly string[];

  constructor(
    private readonly layers: PrincipalLayers,
    private readonly catalog: Catalog,
    /** Statement ids are allocated account-wide while principals are compiled: read the final count. */
    private readonly statementCount: () => number,
  ) {
    this.arn = layers.facts.arn;
    this.kind = layers.facts.kind;
    this.hasPermissionsBoundary = layers.boundaryAllows !== undefined;
    this.serviceControlPolicies = layers.scp;
    this.resourceControlPolicies = layers.rcp;
    this.notes = layers.notes;
  }

  decide(action: string, context: RequestContext = {}): ActionDecision {
    const call = new Call(this.layers.facts, context, this.statementCount());
    const known = this.catalog.get(action);
    if (known) return this.evaluate(call, known.action, known.service, actionFacts(known), known.isWildcardOnly, known);
    const colon = action.indexOf(':');
    const service = (colon > 0 ? action.slice(0, colon) : action).toLowerCase();
    return this.evaluate(call, action, service, UNKNOWN_ACTION_FACTS, false, undefined);
  }

  decideMany(actions: readonly CatalogAction[], context: RequestContext = {}): ActionDecision[] {
    const call = new Call(this.layers.facts, context, this.statementCount());
    const out = new Array<ActionDecision>(actions.length);
    for (let i = 0; i < actions.length; i++) {
      const action = actions[i];
      out[i] = this.evaluate(call, action.action, action.service, actionFacts(action), action.isWildcardOnly, action);
    }
    return out;
  }

  private unevaluatedFor(service: string): readonly ('scp' | 'rcp')[] | undefined {
    const scp = this.layers.scp === 'unknown';
    const rcp = this.layers.rcp === 'unknown' && this.catalog.rcpServices.has(service);
    return scp ? (rcp ? UNEVALUATED_BOTH : UNEVALUATED_SCP) : rcp ? UNEVALUATED_RCP : undefined;
  }

  private evaluate(
    call: Call,
    action: string,
    service: string,
    facts: ActionFacts,
    wildcardOnly: boolean,
    catalogAction: CatalogAction | undefined,
  ): ActionDecision {
    const layers = this.layers;
    const denyCandidates = layers.denies.candidates(service);
    const identityCandidates = layers.identityAllows.candidates(service);
    const scpApplied = layers.scp === 'applied';

    // Fast path: nothing denies and nothing grants anything of this service.
    if (denyCandidates.length === 0 && identityCandidates.length === 0) {
      const scpEmpty = scpApplied && layers.scpLevels.some((level) => level.allows.candidates(service).length === 0);
      if (scpEmpty || !scpApplied || layers.scpLevels.length === 0) {
        return plainDenial(action, scpEmpty ? 'scp' : 'identity', catalogAction);
      }
    }

    // 1. Explicit denies, in every layer.
    let deniedBy: StatementRef[] | undefined;
    let denyTri: Tri = NO;
    const rcpService = this.catalog.rcpServices.has(service);
    for (const statement of denyCandidates) {
      if (statement.ref.layer === 'rcp' && !rcpService) continue;
      if (!statement.matchesAction(action)) continue;
      const applies = call.applies(statement, facts, wildcardOnly);
      if (applies.tri === NO) continue;
      (deniedBy ??= []).push(applies.ref);
      if (applies.tri === YES) denyTri = YES;
      else if (denyTri === NO) denyTri = MAYBE;
    }
    if (denyTri === YES) {
      // Only the statements that deny for certain are decisive.
      const decisive = (deniedBy ?? []).filter((ref) => ref.dependsOn === undefined);
      return {
        action,
        decision: 'denied',
        allowedBy: EMPTY,
        deniedBy: decisive,
        blockedAt: 'explicit-deny',
        dependsOn: EMPTY,
      };
    }

    const allowedBy: StatementRef[] = [];
    const dependsOn: string[] = [];
    if (deniedBy) for (const ref of deniedBy) union(dependsOn, ref.dependsOn ?? EMPTY);
    const denied = (layer: DecisionLayer): ActionDecision => ({
      action,
      decision: 'denied',
      allowedBy,
      deniedBy: deniedBy ?? EMPTY,
      blockedAt: layer,
      dependsOn: EMPTY,
    });
    let allowTri: Tri = YES;

    // 2. Every SCP level must allow (RCPs only ever deny: RCPFullAWSAccess is attached everywhere).
    if (scpApplied) {
      for (const level of layers.scpLevels) {
        const tri = this.anyAllow(
          call,
          level.allows.candidates(service),
          action,
          facts,
          wildcardOnly,
          allowedBy,
          dependsOn,
        );
        if (tri === NO) return denied('scp');
        if (tri === MAYBE) allowTri = MAYBE;
      }
    }

    // 3. Identity policies must allow.
    const identityTri = this.anyAllow(call, identityCandidates, action, facts, wildcardOnly, allowedBy, dependsOn);
    if (identityTri === NO) return denied('identity');
    if (identityTri === MAYBE) allowTri = MAYBE;

    // 4. The permissions boundary must allow.
    const boundary = layers.boundaryAllows;
    if (boundary === 'missing') {
      allowTri = MAYBE;
      union(dependsOn, [BOUNDARY_UNKNOWN]);
    } else if (boundary) {
      const tri = this.anyAllow(call, boundary.candidates(service), action, facts, wildcardOnly, allowedBy, dependsOn);
      if (tri === NO) return denied('boundary');
      if (tri === MAYBE) allowTri = MAYBE;
    }

    const unevaluated = this.unevaluatedFor(service);
    if (denyTri === NO && allowTri === YES) {
      return {
        action,
        decision: 'allowed',
        allowedBy,
        deniedBy: EMPTY,
        dependsOn: EMPTY,
        ...(unevaluated && { unevaluated }),
      };
    }
    return {
      action,
      decision: 'depends',
      allowedBy,
      deniedBy: deniedBy ?? EMPTY,
      dependsOn,
      ...(unevaluated && { unevaluated }),
    };
  }

  /**
   * OR over a layer's Allow statements. Collects the statements that apply; when the layer is only MAYBE,
   * what it turns on goes into `dependsOn` (a layer that is YES contributes nothing to it).
   */
  private anyAllow(
    call: Call,
    candidates: readonly CompiledStatement[],
    action: string,
    facts: ActionFacts,
    wildcardOnly: boolean,
    allowedBy: StatementRef[],
    dependsOn: string[],
  ): Tri {
    let tri: Tri = NO;
    let pending: string[] | undefined;
    for (const statement of candidates) {
      if (!statement.matchesAction(action)) continue;
      const applies = call.applies(statement, facts, wildcardOnly);
      if (applies.tri === NO) continue;
      allowedBy.push(applies.ref);
      if (applies.tri === YES) tri = YES;
      else {
        if (tri === NO) tri = MAYBE;
        (pending ??= []).push(...applies.dependsOn);
      }
    }
    if (tri === MAYBE && pending) union(dependsOn, pending);
    return tri;
  }
}
