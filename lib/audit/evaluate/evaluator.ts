// One principal's effective access, decided in AWS's policy evaluation order: explicit denies anywhere
// (identity, boundary, SCPs, RCPs), then every SCP level must allow, then an identity policy must allow,
// then the permissions boundary must allow. Each layer is three-valued; a definite answer is only given when
// no unknown could change it.
//
// Bulk path: actions are handled per service. For each service the candidate statements of every layer are
// looked up once, with a table of which actions of the service each statement matches. When every table is
// "all" or "none" and no statement's answer varies by action, one decision template serves the whole
// service; otherwise its actions are split into classes that meet the same statements with the same
// answers (action-classes.ts), one template per class. Principals that meet the same statements of a
// service with the same answers share its plan, classes and templates.
import type { Catalog, CatalogAction } from '../../catalog/types';
import { resourceMatches } from '../../policy';
import { actionClasses, classMembers, flaggedPerClass, shapeCode, type ActionClasses } from './action-classes';
import { catalogIndex, plainDenialOf, type ActionList, type CatalogIndex } from './catalog-index';
import { evaluateCondition } from './condition';
import type { CompiledStatement, MatchTable, ServiceIndex } from './compile-policy';
import { principalKeyValue, RequestKeys, UNKNOWN_ACTION_FACTS, type ActionFacts, type PrincipalFacts } from './context';
import { substitute } from './policy-variables';
import { MAYBE, NO, YES, type Tri } from './tri';
import type {
  ActionDecision,
  CompiledPrincipal,
  Decision,
  DecisionCounts,
  DecisionLayer,
  OrganizationLayerState,
  RequestContext,
  StatementRef,
} from './types';

/** A statement's answer for one request shape, with the reference to report (carrying `dependsOn` if MAYBE). */
interface Applies {
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

type Unevaluated = readonly ('scp' | 'rcp')[];

const EMPTY: readonly never[] = Object.freeze([]);
const UNEVALUATED_SCP: Unevaluated = Object.freeze(['scp']);
const UNEVALUATED_RCP: Unevaluated = Object.freeze(['rcp']);
const UNEVALUATED_BOTH: Unevaluated = Object.freeze(['scp', 'rcp']);
const RESOURCE = 'resource';
/** `decisionKinds` codes. */
const DECISION_KIND: Readonly<Record<Decision, number>> = { denied: 0, allowed: 1, depends: 2 };
const BOUNDARY_UNKNOWN = 'permissions-boundary';

/** How many actions of each service a flag array flags, counted once per array and service. */
const flaggedCounts = new WeakMap<Uint8Array, Map<string, number>>();

function flaggedInService(service: string, globals: Int32Array, flagged: Uint8Array): number {
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

/** A decision without its action: shared by all actions whose matching statements are the same. */
interface Template {
  readonly decision: Decision;
  readonly allowedBy: readonly StatementRef[];
  readonly deniedBy: readonly StatementRef[];
  readonly blockedAt?: DecisionLayer;
  readonly dependsOn: readonly string[];
  readonly unevaluated?: Unevaluated;
  /** Denied with no statement at all: served from shared, frozen per-action objects. */
  readonly plain: boolean;
  /**
   * Decisions already made from this template, by catalog index: set on templates built only from shared
   * statements, whose decisions principals with the same policies can reuse.
   */
  decisions?: Map<number, ActionDecision>;
}

/**
 * What principals of one compiled account share: templates built only from shared statements, service
 * plans by statement signature (see PrincipalEvaluator.planKey), so principals that meet the same
 * statements of a service with the same answers reuse one plan, and the templates of those plans per
 * request context.
 */
export class SharedAcrossPrincipals {
  readonly templates = new Map<string, Template>();
  readonly plans = new Map<string, ServicePlan>();
  readonly planTemplates = new WeakMap<RequestContext, Map<ServicePlan, PlanTemplates>>();
}

/** The request context of calls that name none: one object, so their templates can be shared. */
const NO_CONTEXT: RequestContext = Object.freeze({});
const TRI_CODE = ['n', 'y', 'm'];

function materialize(
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
  const cached = template.decisions && global >= 0 ? template.decisions.get(global) : undefined;
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
  if (template.decisions && global >= 0) template.decisions.set(global, decision);
  return decision;
}

function union(into: string[], from: readonly string[]): void {
  for (const item of from) if (!into.includes(item)) into.push(item);
}

/** The statements of one layer that may match a service, with their match tables. */
interface LayerPlan {
  readonly statements: readonly CompiledStatement[];
  readonly tables: readonly MatchTable[];
}

/** What decides a service for a principal, whatever the request context. */
interface ServicePlan {
  readonly denies: LayerPlan;
  readonly organizationDenies: LayerPlan;
  readonly scp: readonly LayerPlan[];
  readonly identity: LayerPlan;
  readonly boundary?: LayerPlan | 'missing';
  readonly unevaluated?: Unevaluated;
  /** One template serves every catalog action of the service. */
  readonly uniform: boolean;
  /** The key principals share the plan under (see planKey); undefined for a principal's own plan. */
  readonly key?: string;
  /** For a service that is not uniform: its actions' classes, found on first use. */
  classes?: ActionClasses;
}

/** The templates of one plan for one request context: the uniform one, or one per action class. */
interface PlanTemplates {
  uniform?: Template;
  byClass?: (Template | undefined)[];
}

const NO_LAYER: LayerPlan = { statements: EMPTY, tables: EMPTY };

function layerPlan(
  candidates: readonly CompiledStatement[],
  service: string,
  actions: readonly CatalogAction[],
): LayerPlan {
  if (candidates.length === 0) return NO_LAYER;
  const statements: CompiledStatement[] = [];
  const tables: MatchTable[] = [];
  for (const statement of candidates) {
    const table = statement.matchTable(service, actions);
    if (table === 'none') continue;
    statements.push(statement);
    tables.push(table);
  }
  return statements.length ? { statements, tables } : NO_LAYER;
}

/** The statement lists a plan key names, in evaluation order (the boundary is added by the key). */
function scpLayersAround(
  denies: readonly CompiledStatement[],
  organizationDenies: LayerPlan,
  scp: readonly LayerPlan[],
  identity: readonly CompiledStatement[],
): (readonly CompiledStatement[])[] {
  const lists: (readonly CompiledStatement[])[] = [denies, organizationDenies.statements];
  for (let level = 0; level < scp.length; level++) lists.push(scp[level].statements);
  lists.push(identity);
  return lists;
}

function layerIsUniform(plan: LayerPlan): boolean {
  for (let i = 0; i < plan.statements.length; i++) {
    if (plan.tables[i] !== 'all' || plan.statements[i].shapeDependent) return false;
  }
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

/** Statement answers collected for one action, per layer (reused between actions). */
class Scratch {
  readonly denies: Applies[] = [];
  readonly scp: Applies[][] = [];
  readonly identity: Applies[] = [];
  readonly boundary: Applies[] = [];
  /**
   * The parts of the template key (layer markers and answer serials), joined once: a key grown with `+=`
   * is a deep rope that every map lookup must flatten first, many times slower.
   */
  readonly key: (string | number)[] = [];
  /** Every collected answer comes from a shared statement. */
  shared = true;
}

/**
 * One scratch for every call: template() fills it and reads it back before returning, never re-entering
 * itself, and what it keeps (the template) is built from copies.
 */
const SCRATCH = new Scratch();

/** Answers are interned per statement, so equal answers (across principals and calls) share one object. */
const interned = new WeakMap<CompiledStatement, Map<string, Applies>>();
let nextSerial = 0;

function intern(statement: CompiledStatement, tri: Tri, dependsOn: readonly string[]): Applies {
  let byAnswer = interned.get(statement);
  if (!byAnswer) {
    byAnswer = new Map();
    interned.set(statement, byAnswer);
  }
  const key = tri === MAYBE ? `${tri}|${dependsOn.join('\u0000')}` : String(tri);
  let applies = byAnswer.get(key);
  if (!applies) {
    applies = {
      serial: nextSerial++,
      shared: statement.ref.policyKind !== 'inline',
      tri,
      dependsOn,
      ref: tri === MAYBE ? { ...statement.ref, dependsOn } : statement.ref,
    };
    byAnswer.set(key, applies);
  }
  return applies;
}

/** The per-call state: request keys, remembered statement answers, plans and templates. */
class Call {
  readonly keys: RequestKeys;
  /**
   * Answers remembered by statement id (per action shape code for shape-dependent statements). A map, not
   * an array indexed by id: ids are account-wide, and an array sized by the account's statement count made
   * every call cost as much as the whole account.
   */
  private readonly memo = new Map<number, Applies | Map<number, Applies>>();
  // The rest is made on first use: most calls are short (a probe of a few actions) and never need them.
  /** Templates built from statements of this principal's own (inline) policies. */
  private ownTemplates?: Map<string, Template>;
  /** Templates of the principal's own (unshared) plans in this call. */
  private ownPlanTemplates?: Map<ServicePlan, PlanTemplates>;

  constructor(
    facts: PrincipalFacts,
    readonly context: RequestContext,
    /** Templates of shared plans for this context, for every principal of the account. */
    private readonly sharedPlanTemplates: Map<ServicePlan, PlanTemplates>,
  ) {
    this.keys = new RequestKeys(facts, context);
  }

  get templates(): Map<string, Template> {
    return (this.ownTemplates ??= new Map());
  }

  templatesOf(plan: ServicePlan): PlanTemplates {
    const table = plan.key === undefined ? (this.ownPlanTemplates ??= new Map()) : this.sharedPlanTemplates;
    let templates = table.get(plan);
    if (!templates) {
      templates = {};
      table.set(plan, templates);
    }
    return templates;
  }

  applies(statement: CompiledStatement, facts: ActionFacts, wildcardOnly: boolean): Applies {
    if (!statement.shapeDependent) {
      let known = this.memo.get(statement.id) as Applies | undefined;
      if (!known) {
        known = this.compute(statement, facts, wildcardOnly);
        this.memo.set(statement.id, known);
      }
      return known;
    }
    const shape = shapeCode(statement, facts, wildcardOnly);
    if (shape < 0) return this.compute(statement, facts, wildcardOnly);
    let map = this.memo.get(statement.id) as Map<number, Applies> | undefined;
    if (!map) {
      map = new Map();
      this.memo.set(statement.id, map);
    }
    let known = map.get(shape);
    if (!known) {
      known = this.compute(statement, facts, wildcardOnly);
      map.set(shape, known);
    }
    return known;
  }

  private compute(statement: CompiledStatement, facts: ActionFacts, wildcardOnly: boolean): Applies {
    if (statement.unconditional) return intern(statement, YES, EMPTY);
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
    return intern(statement, tri, tri === MAYBE ? dependsOn : EMPTY);
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
      const unknown: string[] = [];
      for (const pattern of test.patterns) {
        const resolved = substitute(pattern, lookup);
        if (resolved === 'dropped') continue;
        if ('unknown' in resolved) {
          matched = MAYBE;
          union(unknown, resolved.unknown);
          continue;
        }
        if (resourceMatches(resolved.text, target)) {
          matched = YES;
          break;
        }
      }
      if (matched === MAYBE) union(dependsOn, unknown);
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
  private readonly index: CatalogIndex;
  /** This principal's plan of each service asked about: shared with other principals or its own. */
  private readonly plans = new Map<string, ServicePlan>();
  /** Answers of principal conditions by statement id, coded (see principalAnswers). */
  private principalCodes?: Map<number, string>;

  constructor(
    private readonly layers: PrincipalLayers,
    private readonly catalog: Catalog,
    private readonly shared: SharedAcrossPrincipals = new SharedAcrossPrincipals(),
  ) {
    this.arn = layers.facts.arn;
    this.kind = layers.facts.kind;
    this.hasPermissionsBoundary = layers.boundaryAllows !== undefined;
    this.serviceControlPolicies = layers.scp;
    this.resourceControlPolicies = layers.rcp;
    this.notes = layers.notes;
    this.index = catalogIndex(catalog);
  }

  private call(context: RequestContext): Call {
    let templates = this.shared.planTemplates.get(context);
    if (!templates) {
      templates = new Map();
      this.shared.planTemplates.set(context, templates);
    }
    return new Call(this.layers.facts, context, templates);
  }

  decide(action: string, context: RequestContext = NO_CONTEXT): ActionDecision {
    const call = this.call(context);
    const known = this.catalog.get(action);
    if (known) {
      return this.evaluate(call, known, known.action, known.service.toLowerCase(), this.index.positionOf(known));
    }
    const colon = action.indexOf(':');
    const service = (colon > 0 ? action.slice(0, colon) : action).toLowerCase();
    return this.evaluate(call, undefined, action, service, -1);
  }

  decideMany(actions: readonly CatalogAction[], context: RequestContext = NO_CONTEXT): ActionDecision[] {
    const list = this.index.list(actions);
    const out = new Array<ActionDecision>(actions.length);
    this.walk(actions, list, context, (template, from, to) => {
      if (template.plain) {
        const layer = template.blockedAt ?? 'identity';
        const table = this.index.plainTable(layer);
        for (let i = from; i < to; i++) {
          const global = list.globals[i];
          out[i] =
            global < 0
              ? plainDenialOf(actions[i].action, layer)
              : (table[global] ??= plainDenialOf(actions[i].action, layer));
        }
      } else {
        for (let i = from; i < to; i++) {
          out[i] = materialize(this.index, template, actions[i].action, actions[i], list.globals[i]);
        }
      }
    });
    return out;
  }

  decisionKinds(actions: readonly CatalogAction[], context: RequestContext = NO_CONTEXT): Uint8Array {
    const out = new Uint8Array(actions.length);
    this.walk(actions, this.index.list(actions), context, (template, from, to) => {
      const kind = DECISION_KIND[template.decision];
      if (kind !== 0) out.fill(kind, from, to);
    });
    return out;
  }

  countDecisions(flagged: Uint8Array, context: RequestContext = NO_CONTEXT): DecisionCounts {
    const counts = { allowed: 0, depends: 0, flaggedAllowed: 0, flaggedDepends: 0 };
    const add = (template: Template, size: number, flaggedSize: number) => {
      if (template.decision === 'allowed') {
        counts.allowed += size;
        counts.flaggedAllowed += flaggedSize;
      } else if (template.decision === 'depends') {
        counts.depends += size;
        counts.flaggedDepends += flaggedSize;
      }
    };
    const call = this.call(context);
    // A service no identity statement can match is denied throughout: nothing to count there.
    const named = this.layers.identityAllows.services();
    for (const service of named === 'all' ? this.index.services() : named) {
      const actions = this.index.actionsOf(service);
      if (actions.length === 0) continue;
      const plan = this.plan(service);
      const globals = this.index.globalsOf(service);
      if (plan.uniform) {
        const planTemplates = call.templatesOf(plan);
        planTemplates.uniform ??= this.template(call, plan, actions[0], actions[0].action, 0, globals[0]);
        add(planTemplates.uniform, actions.length, flaggedInService(service, globals, flagged));
        continue;
      }
      const classes = this.classesOf(plan, service);
      const members = classMembers(classes);
      const flaggedSizes = flaggedPerClass(classes, globals, flagged);
      const templates = (call.templatesOf(plan).byClass ??= new Array<Template | undefined>(classes.count));
      for (let id = 0; id < classes.count; id++) {
        const position = members.first[id];
        if (position < 0) continue;
        const action = actions[position];
        const template = (templates[id] ??= this.template(
          call,
          plan,
          action,
          action.action,
          position,
          globals[position],
        ));
        add(template, members.size[id], flaggedSizes[id]);
      }
    }
    return counts;
  }

  /** Find the template of every action, visiting runs `[from, to)` of actions that share one. */
  private walk(
    actions: readonly CatalogAction[],
    list: ActionList,
    context: RequestContext,
    visit: (template: Template, from: number, to: number) => void,
  ): void {
    const call = this.call(context);
    for (const run of list.runs) {
      const plan = this.plan(run.service);
      let start = run.start;
      if (!plan.uniform) {
        this.walkClasses(call, plan, run, actions, list, visit);
        continue;
      }
      // Catalog actions of a uniform service share one template; stragglers from elsewhere go below.
      let end = start;
      while (end < run.end && list.positions[end] >= 0) end++;
      if (end > start) {
        const first = actions[start];
        const template = (call.templatesOf(plan).uniform ??= this.template(
          call,
          plan,
          first,
          first.action,
          list.positions[start],
          list.globals[start],
        ));
        visit(template, start, end);
      }
      start = end;
      for (let i = start; i < run.end; i++) {
        const action = actions[i];
        visit(this.template(call, plan, action, action.action, list.positions[i], list.globals[i]), i, i + 1);
      }
    }
  }

  /** A run of a non-uniform service: one template per class of actions (see action-classes.ts). */
  private walkClasses(
    call: Call,
    plan: ServicePlan,
    run: ActionList['runs'][number],
    actions: readonly CatalogAction[],
    list: ActionList,
    visit: (template: Template, from: number, to: number) => void,
  ): void {
    const classes = this.classesOf(plan, run.service);
    const planTemplates = call.templatesOf(plan);
    const templates = (planTemplates.byClass ??= new Array<Template | undefined>(classes.count));
    const positions = list.positions;
    let i = run.start;
    while (i < run.end) {
      const position = positions[i];
      const action = actions[i];
      if (position < 0) {
        // Not from the catalog: decided on its own, by its name.
        visit(this.template(call, plan, action, action.action, position, list.globals[i]), i, i + 1);
        i++;
        continue;
      }
      const id = classes.of[position];
      let end = i + 1;
      while (end < run.end && positions[end] >= 0 && classes.of[positions[end]] === id) end++;
      const template = (templates[id] ??= this.template(call, plan, action, action.action, position, list.globals[i]));
      visit(template, i, end);
      i = end;
    }
  }

  private classesOf(plan: ServicePlan, service: string): ActionClasses {
    if (!plan.classes) {
      const actions = this.index.actionsOf(service);
      const layers = [plan.denies, plan.organizationDenies, ...plan.scp, plan.identity];
      if (plan.boundary && plan.boundary !== 'missing') layers.push(plan.boundary);
      plan.classes = actionClasses(layers, actions, (position) => this.index.factsOf(actions[position]));
    }
    return plan.classes;
  }

  /**
   * A key under which principals share a service plan: the statements of every layer that may match the
   * service, with the answers of principal conditions where a statement has them. Undefined when a
   * statement reads the principal through a policy variable (the plan is then this principal's own).
   * It depends on the principal's own facts, never on the request context.
   */
  private planKey(
    service: string,
    layers: readonly (readonly CompiledStatement[])[],
    boundary: 'missing' | undefined | readonly CompiledStatement[],
  ): string | undefined {
    // Parts joined once at the end: see Scratch.key.
    const parts: (string | number)[] = [
      service,
      this.layers.scp,
      this.layers.rcp,
      boundary === undefined ? '-' : boundary === 'missing' ? '?' : 'b',
    ];
    for (let layer = 0; layer <= layers.length; layer++) {
      const statements = layer < layers.length ? layers[layer] : Array.isArray(boundary) ? boundary : EMPTY;
      parts.push('/');
      for (let k = 0; k < statements.length; k++) {
        const statement = statements[k];
        parts.push(statement.id);
        if (statement.principalDependent) {
          const answers = this.principalAnswers(statement);
          if (answers === undefined) return undefined;
          parts.push(`=${answers}`);
        }
      }
    }
    return parts.join(',');
  }

  /**
   * The answers of a statement's principal conditions for this principal's own facts, coded: principals
   * with equal codes get equal answers from the statement under any request context (a context that gives
   * a principal key's value gives it to every principal alike). Undefined when the statement reads the
   * principal through policy variables, which no code captures.
   */
  private principalAnswers(statement: CompiledStatement): string | undefined {
    if (statement.usesVariables) return undefined;
    // Organization statements recur in every service's key: each is answered once per principal.
    this.principalCodes ??= new Map();
    let code = this.principalCodes.get(statement.id);
    if (code === undefined) {
      const facts = this.layers.facts;
      const lookup = (lowerKey: string) => principalKeyValue(facts, lowerKey);
      code = '';
      for (const condition of statement.principalConditions) {
        const result = evaluateCondition(condition, lookup);
        code += TRI_CODE[result.tri] + (result.tri === MAYBE ? result.dependsOn.join('\u0000') : '');
      }
      this.principalCodes.set(statement.id, code);
    }
    return code;
  }

  /** The service's plan, found once per principal whatever the request context. */
  private plan(service: string): ServicePlan {
    let plan = this.plans.get(service);
    if (!plan) {
      plan = this.servicePlan(service);
      this.plans.set(service, plan);
    }
    return plan;
  }

  /** The service's plan: one another principal with the same key made, or a new one. */
  private servicePlan(service: string): ServicePlan {
    const layers = this.layers;
    const actions = this.index.actionsOf(service);
    const rcpService = this.catalog.rcpServices.has(service);
    const organizationDenies = layers.organizationDenies?.plan(service, actions) ?? NO_LAYER;
    const scp = layers.scp === 'applied' ? layers.scpLevels.map((level) => level.allows.plan(service, actions)) : [];
    const denyCandidates = layers.denies.candidates(service);
    const identityCandidates = layers.identityAllows.candidates(service);
    const boundarySource = layers.boundaryAllows;
    const boundaryCandidates =
      boundarySource === 'missing' || boundarySource === undefined
        ? boundarySource
        : boundarySource.candidates(service);
    const key = this.planKey(
      service,
      scpLayersAround(denyCandidates, organizationDenies, scp, identityCandidates),
      boundaryCandidates,
    );
    if (key !== undefined) {
      const known = this.shared.plans.get(key);
      if (known) return known;
    }
    const denies = layerPlan(denyCandidates, service, actions);
    const identity = layerPlan(identityCandidates, service, actions);
    const boundary =
      boundaryCandidates === 'missing' || boundaryCandidates === undefined
        ? boundaryCandidates
        : layerPlan(boundaryCandidates, service, actions);
    const scpUnknown = layers.scp === 'unknown';
    const rcpUnknown = layers.rcp === 'unknown' && rcpService;
    const unevaluated = scpUnknown
      ? rcpUnknown
        ? UNEVALUATED_BOTH
        : UNEVALUATED_SCP
      : rcpUnknown
        ? UNEVALUATED_RCP
        : undefined;
    const uniform =
      layerIsUniform(denies) &&
      layerIsUniform(organizationDenies) &&
      scp.every(layerIsUniform) &&
      layerIsUniform(identity) &&
      (boundary === undefined || boundary === 'missing' || layerIsUniform(boundary));
    const plan: ServicePlan = { denies, organizationDenies, scp, identity, boundary, unevaluated, uniform, key };
    if (key !== undefined) this.shared.plans.set(key, plan);
    return plan;
  }

  private evaluate(
    call: Call,
    catalogAction: CatalogAction | undefined,
    action: string,
    service: string,
    position: number,
  ): ActionDecision {
    const plan = this.plan(service);
    const global = catalogAction ? this.index.globalOf(catalogAction) : -1;
    if (plan.uniform && position >= 0) {
      const planTemplates = call.templatesOf(plan);
      planTemplates.uniform ??= this.template(call, plan, catalogAction, action, position, global);
      return materialize(this.index, planTemplates.uniform, action, catalogAction, global);
    }
    if (position >= 0) {
      const classes = this.classesOf(plan, service);
      const planTemplates = call.templatesOf(plan);
      const templates = (planTemplates.byClass ??= new Array<Template | undefined>(classes.count));
      const template = (templates[classes.of[position]] ??= this.template(
        call,
        plan,
        catalogAction,
        action,
        position,
        global,
      ));
      return materialize(this.index, template, action, catalogAction, global);
    }
    return materialize(
      this.index,
      this.template(call, plan, catalogAction, action, position, global),
      action,
      catalogAction,
      global,
    );
  }

  /** Collect the answers of the statements that match this action, then find or build its template. */
  private template(
    call: Call,
    plan: ServicePlan,
    catalogAction: CatalogAction | undefined,
    action: string,
    position: number,
    global: number,
  ): Template {
    const facts = catalogAction ? this.index.factsOf(catalogAction, global) : UNKNOWN_ACTION_FACTS;
    const wildcardOnly = catalogAction?.isWildcardOnly ?? false;
    const scratch = SCRATCH;
    scratch.key.length = 0;
    if (plan.unevaluated) scratch.key.push(plan.unevaluated.join('+'));
    scratch.shared = true;
    this.collect(call, plan.denies, scratch.denies, 'D', action, facts, wildcardOnly, position);
    this.collect(call, plan.organizationDenies, scratch.denies, 'O', action, facts, wildcardOnly, position, true);
    while (scratch.scp.length < plan.scp.length) scratch.scp.push([]);
    for (let level = 0; level < plan.scp.length; level++) {
      this.collect(call, plan.scp[level], scratch.scp[level], 'S', action, facts, wildcardOnly, position);
    }
    this.collect(call, plan.identity, scratch.identity, 'I', action, facts, wildcardOnly, position);
    if (plan.boundary === 'missing') scratch.key.push('B?');
    else if (plan.boundary)
      this.collect(call, plan.boundary, scratch.boundary, 'B', action, facts, wildcardOnly, position);
    const table = scratch.shared ? this.shared.templates : call.templates;
    const key = scratch.key.join(',');
    let template = table.get(key);
    if (!template) {
      template = this.decideFrom(scratch, plan);
      // Keyed by catalog index, holding only decisions actually made: memory follows use, not the catalog.
      if (scratch.shared && !template.plain) template.decisions = new Map();
      table.set(key, template);
    }
    return template;
  }

  /** The answers of a layer's statements that match the action and apply (YES or MAYBE), into `into`. */
  private collect(
    call: Call,
    layer: LayerPlan,
    into: Applies[],
    marker: string,
    action: string,
    facts: ActionFacts,
    wildcardOnly: boolean,
    position: number,
    append = false,
  ): void {
    if (!append && into.length) into.length = 0;
    const key = SCRATCH.key;
    key.push(marker);
    for (let i = 0; i < layer.statements.length; i++) {
      const table = layer.tables[i];
      const statement = layer.statements[i];
      const matches =
        position < 0 ? statement.matchesAction(action) : table === 'all' || (table !== 'none' && table[position] === 1);
      if (!matches) continue;
      const applies = call.applies(statement, facts, wildcardOnly);
      if (applies.tri === NO) continue;
      into.push(applies);
      if (!applies.shared) SCRATCH.shared = false;
      key.push(applies.serial);
    }
  }

  /** The policy evaluation logic over the statements that apply (YES or MAYBE) in each layer. */
  private decideFrom(scratch: Scratch, plan: ServicePlan): Template {
    // 1. Explicit denies, in every layer.
    const denyApplies = scratch.denies;
    if (denyApplies.some((applies) => applies.tri === YES)) {
      // Only the statements that deny for certain are decisive.
      const deniedBy = denyApplies.filter((applies) => applies.tri === YES).map((applies) => applies.ref);
      return {
        decision: 'denied',
        allowedBy: EMPTY,
        deniedBy,
        blockedAt: 'explicit-deny',
        dependsOn: EMPTY,
        plain: false,
      };
    }
    const deniedBy = denyApplies.length ? denyApplies.map((applies) => applies.ref) : EMPTY;
    const allowedBy: StatementRef[] = [];
    const dependsOn: string[] = [];
    for (const applies of denyApplies) union(dependsOn, applies.dependsOn);
    let allowTri: Tri = YES;
    const denied = (layer: DecisionLayer): Template => ({
      decision: 'denied',
      allowedBy: allowedBy.length ? allowedBy : EMPTY,
      deniedBy,
      blockedAt: layer,
      dependsOn: EMPTY,
      plain: allowedBy.length === 0 && deniedBy.length === 0,
    });
    // OR over a layer's Allow statements; a layer that is only MAYBE contributes what it turns on.
    const layerTri = (applied: readonly Applies[]): Tri => {
      let tri: Tri = NO;
      for (const applies of applied) {
        allowedBy.push(applies.ref);
        if (applies.tri === YES) tri = YES;
        else if (tri === NO) tri = MAYBE;
      }
      if (tri === MAYBE) for (const applies of applied) union(dependsOn, applies.dependsOn);
      return tri;
    };

    // 2. Every SCP level must allow (RCPs only ever deny: RCPFullAWSAccess is attached everywhere).
    for (let level = 0; level < plan.scp.length; level++) {
      const tri = layerTri(scratch.scp[level]);
      if (tri === NO) return denied('scp');
      if (tri === MAYBE) allowTri = MAYBE;
    }
    // 3. Identity policies must allow.
    const identityTri = layerTri(scratch.identity);
    if (identityTri === NO) return denied('identity');
    if (identityTri === MAYBE) allowTri = MAYBE;
    // 4. The permissions boundary must allow.
    if (plan.boundary === 'missing') {
      allowTri = MAYBE;
      union(dependsOn, [BOUNDARY_UNKNOWN]);
    } else if (plan.boundary) {
      const tri = layerTri(scratch.boundary);
      if (tri === NO) return denied('boundary');
      if (tri === MAYBE) allowTri = MAYBE;
    }
    const unevaluated = plan.unevaluated;
    if (deniedBy.length === 0 && allowTri === YES) {
      return { decision: 'allowed', allowedBy, deniedBy: EMPTY, dependsOn: EMPTY, unevaluated, plain: false };
    }
    return { decision: 'depends', allowedBy, deniedBy, dependsOn, unevaluated, plain: false };
  }
}
