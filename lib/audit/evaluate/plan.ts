// Service plans and decision templates of the evaluator: which statements of every layer can match a
// service (with their match tables), the templates one decision per action class is made from, and what
// principals of one compiled account share. evaluator.ts builds them; bulk.ts and evaluator.ts read them.
import type { CatalogAction } from '../../catalog/types';
import { plainDenialOf, type CatalogIndex } from './catalog-index';
import { EMPTY, type CompiledStatement, type MatchTable, type ServiceIndex } from './compile-policy';
import type { PrincipalFacts } from './context';
import type { Tri } from './tri';
import type {
  ActionDecision,
  Decision,
  DecisionLayer,
  OrganizationLayerState,
  RequestContext,
  StatementRef,
} from './types';

/** A statement's answer for one request shape, with the reference to report (carrying `dependsOn` if MAYBE). */
export interface Applies {
  /** Unique per interned answer (statement, tri, dependsOn): equal serials mean equal answers. */
  readonly serial: number;
  /** The statement belongs to a policy several principals can share (not a principal's own inline policy). */
  readonly shared: boolean;
  readonly tri: Tri;
  readonly dependsOn: readonly string[];
  readonly ref: StatementRef;
}

export interface ScpLevel {
  readonly kind: 'root' | 'ou' | 'account';
  readonly id: string;
  readonly allows: SharedLayer;
}

/** Everything that decides for one principal, assembled by compileAccount. */
export interface PrincipalLayers {
  readonly facts: PrincipalFacts;
  readonly identityAllows: ServiceIndex;
  /** Undefined without a boundary; `missing` when the boundary's document is not in the snapshot. */
  readonly boundaryAllows?: ServiceIndex | 'missing';
  readonly boundaryArn?: string;
  /** The principal's own Deny statements (identity policies, boundary). */
  readonly denies: ServiceIndex;
  /** Deny statements of the SCPs and RCPs, when they apply to the principal (shared by the account). */
  readonly organizationDenies?: SharedLayer;
  readonly scp: OrganizationLayerState;
  readonly scpLevels: readonly ScpLevel[];
  readonly rcp: OrganizationLayerState;
  readonly notes: readonly string[];
}

export type Unevaluated = readonly ('scp' | 'rcp')[];

export { EMPTY };
export const UNEVALUATED_SCP: Unevaluated = Object.freeze(['scp']);
export const UNEVALUATED_RCP: Unevaluated = Object.freeze(['rcp']);
export const UNEVALUATED_BOTH: Unevaluated = Object.freeze(['scp', 'rcp']);
export const RESOURCE = 'resource';
/** `decisionKinds` codes. */
export const DECISION_KIND: Readonly<Record<Decision, number>> = { denied: 0, allowed: 1, depends: 2 };
export const BOUNDARY_UNKNOWN = 'permissions-boundary';

/** How many actions of each service a flag array flags, counted once per array and service. */
const flaggedCounts = new WeakMap<Uint8Array, Map<string, number>>();

export function flaggedInService(service: string, globals: Int32Array, flagged: Uint8Array): number {
  let byService = flaggedCounts.get(flagged);
  if (!byService) {
    byService = new Map();
    flaggedCounts.set(flagged, byService);
  }
  let count = byService.get(service);
  if (count === undefined) {
    count = 0;
    for (let position = 0; position < globals.length; position++) count += flagged[globals[position]];
    byService.set(service, count);
  }
  return count;
}

/**
 * Decisions already made from one template, by catalog index. The map is made with the first decision: most
 * remembering templates only ever serve counts and kinds (the bulk paths), never a decision, and an empty
 * Map with its hash table costs ten times this holder. Its field is written after construction, so it lives
 * here rather than on Template, whose fields stay constant (see PlanTemplates).
 */
class DecisionMemo {
  byGlobal: Map<number, ActionDecision> | undefined = undefined;
}

/**
 * A decision without its action: shared by all actions whose matching statements are the same. A class, so
 * every template has one shape (absent parts are undefined): the bulk paths read millions of them.
 */
export class Template {
  /**
   * Decisions already made from this template: kept (`remember`) for templates built only from shared
   * statements, whose decisions principals with the same policies can reuse. Set here, never later (see
   * PlanTemplates).
   */
  readonly decisions: DecisionMemo | undefined;

  constructor(
    readonly decision: Decision,
    readonly allowedBy: readonly StatementRef[],
    readonly deniedBy: readonly StatementRef[],
    readonly blockedAt: DecisionLayer | undefined,
    readonly dependsOn: readonly string[],
    readonly unevaluated: Unevaluated | undefined,
    /** Denied with no statement at all: served from shared, frozen per-action objects. */
    readonly plain: boolean,
    remember: boolean,
  ) {
    // Keyed by catalog index, holding only decisions actually made: memory follows use, not the catalog.
    this.decisions = remember && !plain ? new DecisionMemo() : undefined;
  }
}

/**
 * What principals of one compiled account share: templates built only from shared statements, service
 * plans by statement signature (see PrincipalEvaluator.planNode), so principals that meet the same
 * statements of a service with the same answers reuse one plan, and the templates of those plans per
 * request context.
 */
export class SharedAcrossPrincipals {
  /** Templates built only from shared statements, by template key. */
  readonly templates = new KeyNode<Template>();
  /** Shared plans by service, then by the numbers of their key (see PrincipalEvaluator.planNode). */
  readonly plans = new Map<string, KeyNode<ServicePlan>>();
  readonly planTemplates = new WeakMap<RequestContext, Map<ServicePlan, PlanTemplates>>();
  /** Plan keys name statement lists by number: by list content, and by array for lists any principal reads alike. */
  readonly listsByContent = new Map<string, number>();
  readonly listNumbers = new WeakMap<readonly CompiledStatement[], number>();
}

/** The request context of calls that name none: one object, so their templates can be shared. */
export const NO_CONTEXT: RequestContext = Object.freeze({});
export const TRI_CODE = ['n', 'y', 'm'];

export function materialize(
  index: CatalogIndex,
  template: Template,
  action: string,
  catalogAction: CatalogAction | undefined,
  global: number,
): ActionDecision {
  if (template.plain) {
    const layer = template.blockedAt ?? 'identity';
    return catalogAction ? index.plainDenial(catalogAction, global, layer) : plainDenialOf(action, layer);
  }
  const memo = global >= 0 ? template.decisions : undefined;
  const cached = memo?.byGlobal?.get(global);
  if (cached) return cached;
  const decision: {
    action: string;
    decision: Decision;
    allowedBy: readonly StatementRef[];
    deniedBy: readonly StatementRef[];
    blockedAt?: DecisionLayer;
    dependsOn: readonly string[];
    unevaluated?: Unevaluated;
  } = {
    action,
    decision: template.decision,
    allowedBy: template.allowedBy,
    deniedBy: template.deniedBy,
    dependsOn: template.dependsOn,
  };
  if (template.blockedAt) decision.blockedAt = template.blockedAt;
  if (template.unevaluated) decision.unevaluated = template.unevaluated;
  if (memo) (memo.byGlobal ??= new Map()).set(global, decision);
  return decision;
}

export function union(into: string[], from: readonly string[]): void {
  for (let i = 0; i < from.length; i++) if (!into.includes(from[i])) into.push(from[i]);
}

/** The statements of one layer that may match a service, with their match tables. */
export interface LayerPlan {
  readonly statements: readonly CompiledStatement[];
  readonly tables: readonly MatchTable[];
}

/** What decides a service for a principal, whatever the request context (a class: one shape for all). */
export class ServicePlan {
  constructor(
    readonly denies: LayerPlan,
    readonly organizationDenies: LayerPlan,
    readonly scp: readonly LayerPlan[],
    readonly identity: LayerPlan,
    readonly boundary: LayerPlan | 'missing' | undefined,
    readonly unevaluated: Unevaluated | undefined,
    /** One template serves every catalog action of the service. */
    readonly uniform: boolean,
    /** Principals with the same key share the plan (see planNode); false for a principal's own plan. */
    readonly shared: boolean,
    /**
     * Every statement is unconditional (Resource `*`, no Condition): its answers, and so its templates, are
     * the same in every request context (see Call.templatesOf).
     */
    readonly contextFree: boolean,
  ) {}
}

/**
 * One step of a key made of small numbers (a plan key, see PrincipalEvaluator.planNode; a template key, see
 * PrincipalEvaluator.template): a value is found by following numbers through maps, without building and
 * hashing a key string per lookup.
 */
export class KeyNode<T> {
  /** The first child inline, the others in a map made for the second: most nodes have one child. */
  private firstPart = -1;
  private first: KeyNode<T> | undefined = undefined;
  private more: Map<number, KeyNode<T>> | undefined = undefined;
  /** The value of the key that ends here, once made. */
  value: T | undefined = undefined;

  /** The node after `part` (a number >= 0), made on first use. */
  child(part: number): KeyNode<T> {
    if (part === this.firstPart) return this.first!;
    if (this.first === undefined) {
      this.firstPart = part;
      return (this.first = new KeyNode<T>());
    }
    this.more ??= new Map();
    let node = this.more.get(part);
    if (!node) {
      node = new KeyNode<T>();
      this.more.set(part, node);
    }
    return node;
  }
}

/**
 * The templates of one plan for one request context, one per action class (a uniform plan's one template is
 * class 0), made on first use. A bare array filled by element, not an object holding one: an account keeps
 * about 10,000 of them, and a field of a class written after construction would turn from constant to
 * mutable in V8, which throws away every optimized function that read it.
 */
export type PlanTemplates = (Template | undefined)[];

export function newPlanTemplates(classCount: number): PlanTemplates {
  return new Array<Template | undefined>(classCount);
}

export const NO_LAYER: LayerPlan = { statements: EMPTY, tables: EMPTY };

export function layerPlan(
  candidates: readonly CompiledStatement[],
  service: string,
  actions: readonly CatalogAction[],
): LayerPlan {
  if (candidates.length === 0) return NO_LAYER;
  const tables: MatchTable[] = [];
  // The candidates list itself while every candidate matches (the usual case), so no copy of it is made;
  // a list of the matching ones from the first that matches none.
  let statements: CompiledStatement[] | undefined;
  for (let i = 0; i < candidates.length; i++) {
    const statement = candidates[i];
    const table = statement.matchTable(service, actions);
    if (table === 'none') {
      statements ??= candidates.slice(0, i);
      continue;
    }
    statements?.push(statement);
    tables.push(table);
  }
  if (tables.length === 0) return NO_LAYER;
  // Kept for the plan's life: exact-length copies. An array grown by push from empty holds 16 slots, and an
  // account keeps thousands of these lists of one or two entries.
  return { statements: statements ? statements.slice() : candidates, tables: tables.slice() };
}

export function layerIsUniform(plan: LayerPlan): boolean {
  for (let i = 0; i < plan.statements.length; i++) {
    if (plan.tables[i] !== 'all' || plan.statements[i].shapeDependent) return false;
  }
  return true;
}

export function layerIsContextFree(plan: LayerPlan): boolean {
  for (let i = 0; i < plan.statements.length; i++) if (!plan.statements[i].unconditional) return false;
  return true;
}

/**
 * Statements many principals share (an SCP level's Allows, the organization's Denies), with their plans per
 * service computed once for all of them. RCP statements only count for services that support RCPs.
 */
export class SharedLayer {
  private readonly plans = new Map<string, LayerPlan>();

  constructor(
    private readonly index: ServiceIndex,
    private readonly rcpServices: ReadonlySet<string>,
  ) {}

  plan(service: string, actions: readonly CatalogAction[]): LayerPlan {
    let plan = this.plans.get(service);
    if (!plan) {
      const rcpService = this.rcpServices.has(service);
      const candidates = this.index
        .candidates(service)
        .filter((statement) => statement.ref.layer !== 'rcp' || rcpService);
      plan = layerPlan(candidates, service, actions);
      this.plans.set(service, plan);
    }
    return plan;
  }
}
