// One principal's effective access, decided in AWS's policy evaluation order: explicit denies anywhere
// (identity, boundary, SCPs, RCPs), then every SCP level must allow, then an identity policy must allow,
// then the permissions boundary must allow. Each layer is three-valued; a definite answer is only given when
// no unknown could change it.
//
// Actions are handled per service. For each service the candidate statements of every layer are looked up
// once, with a table of which actions of the service each statement matches (plan.ts). When every table is
// "all" or "none" and no statement's answer varies by action, one decision template serves the whole
// service; otherwise its actions are split into classes that meet the same statements with the same
// answers (action-classes.ts), one template per class. Principals that meet the same statements of a
// service with the same answers share its plan, classes and templates. This file builds plans and
// templates and decides single actions; bulk.ts walks many actions over them; call.ts answers statements.
import type { Catalog, CatalogAction } from '../../catalog/types';
import { actionClasses, type ActionClasses } from './action-classes';
import { countDecisions, decideMany, decisionKinds, decisionRuns, type EvaluatorCore } from './bulk';
import { Call, KEY_PART, SCRATCH, SERIAL_PART, unevaluatedPart, type Scratch } from './call';
import { catalogIndex, type CatalogIndex } from './catalog-index';
import type { CompiledStatement, ServiceIndex } from './compile-policy';
import { UNKNOWN_ACTION_FACTS, type ActionFacts } from './context';
import { memoize2, newMap } from '../../util/memo';
import {
  BOUNDARY_UNKNOWN,
  EMPTY,
  layerIsContextFree,
  layerIsUniform,
  layerPlan,
  materialize,
  NO_CONTEXT,
  NO_LAYER,
  KeyNode,
  ServicePlan,
  SharedAcrossPrincipals,
  Template,
  UNEVALUATED_BOTH,
  UNEVALUATED_RCP,
  UNEVALUATED_SCP,
  union,
  type Applies,
  type LayerPlan,
  type PrincipalLayers,
} from './plan';
import { MAYBE, NO, YES, type Tri } from './tri';
import { principalAnswerCode, type Twins } from './twins';
import type {
  ActionDecision,
  CompiledPrincipal,
  DecisionCounts,
  DecisionLayer,
  DecisionRuns,
  OrganizationLayerState,
  RequestContext,
  ResourceTestOf,
  StatementRef,
} from './types';

export { SharedAcrossPrincipals, SharedLayer, type PrincipalLayers, type ScpLevel } from './plan';

/** Each non-uniform plan's action classes, found on first use (a side table: see PlanTemplates). */
const planClasses = new WeakMap<ServicePlan, ActionClasses>();

/** Organization layer states, numbered in plan keys. */
const ORGANIZATION_STATES: readonly OrganizationLayerState[] = ['applied', 'not-applicable', 'unknown'];

export class PrincipalEvaluator implements CompiledPrincipal, EvaluatorCore {
  readonly arn: string;
  readonly kind: 'role' | 'user' | 'group';
  readonly hasPermissionsBoundary: boolean;
  readonly serviceControlPolicies: OrganizationLayerState;
  readonly resourceControlPolicies: OrganizationLayerState;
  readonly notes: readonly string[];
  /** @internal read by bulk.ts */
  readonly index: CatalogIndex;
  /** This principal's plan of each service asked about: shared with other principals or its own. */
  private readonly plans: Map<string, ServicePlan>;
  /** Answers of principal conditions by statement id, coded (see principalAnswers). */
  private principalCodes?: Map<number, string>;
  /** Numbers of this principal's own statement lists, by array (see ownListNumber). */
  private ownListNumbers?: Map<readonly CompiledStatement[], number>;

  constructor(
    private readonly layers: PrincipalLayers,
    private readonly catalog: Catalog,
    private readonly shared: SharedAcrossPrincipals = new SharedAcrossPrincipals(),
    /** What this principal shares with its twins (twins.ts), if it has any. */
    private readonly twins?: Twins,
  ) {
    this.plans = twins ? twins.plans : new Map();
    this.arn = layers.facts.arn;
    this.kind = layers.facts.kind;
    this.hasPermissionsBoundary = layers.boundaryAllows !== undefined;
    this.serviceControlPolicies = layers.scp;
    this.resourceControlPolicies = layers.rcp;
    this.notes = layers.notes;
    this.index = catalogIndex(catalog);
  }

  /** @internal read by bulk.ts */
  call(context: RequestContext): Call {
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

  // Twins ask once: the bulk answers are kept for the others (copies of the arrays a caller may write to).
  decideMany(actions: readonly CatalogAction[], context: RequestContext = NO_CONTEXT): ActionDecision[] {
    const twins = this.twins;
    if (!twins) return decideMany(this, actions, context);
    return memoize2<readonly CatalogAction[], RequestContext, ActionDecision[]>(
      twins.many,
      actions,
      context,
      newMap,
      () => decideMany(this, actions, context),
    ).slice();
  }

  decisionKinds(actions: readonly CatalogAction[], context: RequestContext = NO_CONTEXT): Uint8Array {
    const twins = this.twins;
    if (!twins) return decisionKinds(this, actions, context);
    return memoize2<readonly CatalogAction[], RequestContext, Uint8Array>(twins.kinds, actions, context, newMap, () =>
      decisionKinds(this, actions, context),
    ).slice();
  }

  countDecisions(flagged: Uint8Array, context: RequestContext = NO_CONTEXT): DecisionCounts {
    const twins = this.twins;
    if (!twins) return countDecisions(this, flagged, context);
    return memoize2<Uint8Array, RequestContext, DecisionCounts>(twins.counts, flagged, context, newMap, () =>
      countDecisions(this, flagged, context),
    );
  }

  decisionRuns(actions: readonly CatalogAction[], context: RequestContext = NO_CONTEXT): DecisionRuns {
    const twins = this.twins;
    if (!twins) return decisionRuns(this, actions, context);
    return memoize2<readonly CatalogAction[], RequestContext, DecisionRuns>(twins.runs, actions, context, newMap, () =>
      decisionRuns(this, actions, context),
    );
  }

  /** A shared plan: its templates, and so its decisions, serve every principal that has it (call.ts). */
  decidesAlikeAs(service: string): object | undefined {
    const plan = this.plan(service.toLowerCase());
    return plan.shared ? plan : undefined;
  }

  resourceTestsOf(service: string): readonly ResourceTestOf[] | undefined {
    const plan = this.plan(service.toLowerCase());
    const layers = [plan.denies, plan.organizationDenies, ...plan.scp, plan.identity];
    if (plan.boundary && plan.boundary !== 'missing') layers.push(plan.boundary);
    const found = new Map<string, (arn: string) => boolean>();
    for (const layer of layers) {
      for (const statement of layer.statements) {
        const test = statement.resource;
        if (test.kind !== 'patterns') continue;
        if (!test.matcher) return undefined;
        const key = test.written.join('\u0000');
        if (!found.has(key)) found.set(key, test.matcher);
      }
    }
    return [...found].map(([key, matches]) => ({ key, matches }));
  }

  get identityAllows(): ServiceIndex {
    return this.layers.identityAllows;
  }

  /** @internal read by bulk.ts */
  classesOf(plan: ServicePlan, service: string): ActionClasses {
    let classes = planClasses.get(plan);
    if (!classes) {
      const actions = this.index.actionsOf(service);
      const layers = [plan.denies, plan.organizationDenies, ...plan.scp, plan.identity];
      if (plan.boundary && plan.boundary !== 'missing') layers.push(plan.boundary);
      // By catalog index, known per service: not looked up by action object for every position.
      const globals = this.index.globalsOf(service);
      classes = actionClasses(layers, actions, (position) => this.index.factsOf(actions[position], globals[position]));
      planClasses.set(plan, classes);
    }
    return classes;
  }

  /**
   * Where principals share a service plan: the node of its key, a path of numbers naming the service's
   * organization states, then the statements of every layer that may match the service (the principal's
   * Denies, the organization's Denies, the count of SCP levels and each level, identity, boundary), with the
   * answers of principal conditions where a statement has them. Undefined when a statement reads the
   * principal through a policy variable (the plan is then this principal's own). It depends on the
   * principal's own facts, never on the request context.
   */
  private planNode(
    service: string,
    denies: readonly CompiledStatement[],
    organizationDenies: LayerPlan,
    scp: readonly LayerPlan[],
    identity: readonly CompiledStatement[],
    boundary: 'missing' | undefined | readonly CompiledStatement[],
  ): KeyNode<ServicePlan> | undefined {
    // Each statement list is named by a number (see listNumber). The principal's own Deny and identity lists
    // are numbered through its own memo; the others are arrays every principal under them shares, numbered
    // once per array.
    const deny = this.ownListNumber(denies);
    const organization = this.listNumber(organizationDenies.statements, true);
    const identityNumber = this.ownListNumber(identity);
    const boundaryNumber = this.listNumber(Array.isArray(boundary) ? boundary : EMPTY, true);
    if (deny === undefined || organization === undefined || identityNumber === undefined) return undefined;
    if (boundaryNumber === undefined) return undefined;
    let root = this.shared.plans.get(service);
    if (!root) {
      root = new KeyNode<ServicePlan>();
      this.shared.plans.set(service, root);
    }
    const states =
      ORGANIZATION_STATES.indexOf(this.layers.scp) * 9 +
      ORGANIZATION_STATES.indexOf(this.layers.rcp) * 3 +
      (boundary === undefined ? 0 : boundary === 'missing' ? 1 : 2);
    let node = root.child(states).child(deny).child(organization).child(scp.length);
    for (let level = 0; level < scp.length; level++) {
      const number = this.listNumber(scp[level].statements, true);
      if (number === undefined) return undefined;
      node = node.child(number);
    }
    return node.child(identityNumber).child(boundaryNumber);
  }

  /**
   * listNumber of one of this principal's own lists, remembered by array for this principal only: the same
   * array comes back for every service none of its statements names (its any-service statements, or EMPTY).
   */
  private ownListNumber(statements: readonly CompiledStatement[]): number | undefined {
    this.ownListNumbers ??= new Map();
    let number = this.ownListNumbers.get(statements);
    if (number === undefined) {
      // -1: a statement reads the principal through policy variables (no number).
      number = this.listNumber(statements, false) ?? -1;
      this.ownListNumbers.set(statements, number);
    }
    return number < 0 ? undefined : number;
  }

  /**
   * A number for a statement list, equal for lists with the same statements (and, where a statement reads
   * principal conditions, the same answers for this principal). The organization's and the boundary's lists
   * are arrays every principal under them shares: with `remember`, a list without principal conditions is
   * numbered once per array. Undefined when a statement reads the principal through policy variables.
   */
  private listNumber(statements: readonly CompiledStatement[], remember: boolean): number | undefined {
    const numbers = this.shared.listNumbers;
    const known = remember ? numbers.get(statements) : undefined;
    if (known !== undefined && known >= 0) return known;
    // Parts joined once at the end: a key grown with `+=` is a rope every map lookup must flatten first.
    const parts: (string | number)[] = [];
    let dependent = false;
    for (let k = 0; k < statements.length; k++) {
      const statement = statements[k];
      parts.push(statement.id);
      if (statement.principalDependent) {
        const answers = this.principalAnswers(statement);
        if (answers === undefined) return undefined;
        parts.push(`=${answers}`);
        dependent = true;
      }
    }
    const content = parts.join(',');
    let number = this.shared.listsByContent.get(content);
    if (number === undefined) {
      number = this.shared.listsByContent.size;
      this.shared.listsByContent.set(content, number);
    }
    // -1: the list's number depends on the principal asking.
    if (remember && known === undefined) numbers.set(statements, dependent ? -1 : number);
    return number;
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
      code = principalAnswerCode(statement, this.layers.facts);
      this.principalCodes.set(statement.id, code);
    }
    return code;
  }

  /** The service's plan, found once per principal whatever the request context. */
  /** @internal read by bulk.ts */
  plan(service: string): ServicePlan {
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
    const scp = layers.scp === 'applied' ? layers.scpLevels.map((level) => level.allows.plan(service, actions)) : EMPTY;
    const denyCandidates = layers.denies.candidates(service);
    const identityCandidates = layers.identityAllows.candidates(service);
    const boundarySource = layers.boundaryAllows;
    const boundaryCandidates =
      boundarySource === 'missing' || boundarySource === undefined
        ? boundarySource
        : boundarySource.candidates(service);
    const node = this.planNode(
      service,
      denyCandidates,
      organizationDenies,
      scp,
      identityCandidates,
      boundaryCandidates,
    );
    if (node?.value) return node.value;
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
    const contextFree =
      layerIsContextFree(denies) &&
      layerIsContextFree(organizationDenies) &&
      scp.every(layerIsContextFree) &&
      layerIsContextFree(identity) &&
      (boundary === undefined || boundary === 'missing' || layerIsContextFree(boundary));
    const plan = new ServicePlan(
      denies,
      organizationDenies,
      scp,
      identity,
      boundary,
      unevaluated,
      uniform,
      !!node,
      contextFree,
    );
    if (node) node.value = plan;
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
      const templates = call.templatesOf(plan, 1);
      templates[0] ??= this.template(call, plan, catalogAction, action, position, global);
      return materialize(this.index, templates[0], action, catalogAction, global);
    }
    if (position >= 0) {
      const classes = this.classesOf(plan, service);
      const templates = call.templatesOf(plan, classes.count);
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
  /** @internal read by bulk.ts */
  template(
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
    scratch.keyLength = 0;
    const unevaluated = plan.unevaluated;
    if (unevaluated) scratch.addKeyPart(unevaluatedPart(unevaluated));
    scratch.shared = true;
    this.collect(call, plan.denies, scratch.denies, KEY_PART.denies, action, facts, wildcardOnly, position);
    this.collect(
      call,
      plan.organizationDenies,
      scratch.denies,
      KEY_PART.organizationDenies,
      action,
      facts,
      wildcardOnly,
      position,
      true,
    );
    while (scratch.scp.length < plan.scp.length) scratch.scp.push([]);
    for (let level = 0; level < plan.scp.length; level++) {
      this.collect(call, plan.scp[level], scratch.scp[level], KEY_PART.scp, action, facts, wildcardOnly, position);
    }
    this.collect(call, plan.identity, scratch.identity, KEY_PART.identity, action, facts, wildcardOnly, position);
    if (plan.boundary === 'missing') scratch.addKeyPart(KEY_PART.boundaryMissing);
    else if (plan.boundary)
      this.collect(call, plan.boundary, scratch.boundary, KEY_PART.boundary, action, facts, wildcardOnly, position);
    let node = scratch.shared ? this.shared.templates : call.templates;
    for (let i = 0; i < scratch.keyLength; i++) node = node.child(scratch.key[i]);
    let template = node.value;
    if (!template) {
      template = this.decideFrom(scratch, plan);
      node.value = template;
    }
    return template;
  }

  /** The answers of a layer's statements that match the action and apply (YES or MAYBE), into `into`. */
  private collect(
    call: Call,
    layer: LayerPlan,
    into: Applies[],
    marker: number,
    action: string,
    facts: ActionFacts,
    wildcardOnly: boolean,
    position: number,
    append = false,
  ): void {
    if (!append && into.length) into.length = 0;
    SCRATCH.addKeyPart(marker);
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
      SCRATCH.addKeyPart(applies.serial + SERIAL_PART);
    }
  }

  /** The policy evaluation logic over the statements that apply (YES or MAYBE) in each layer. */
  private decideFrom(scratch: Scratch, plan: ServicePlan): Template {
    // Only templates built from shared statements keep their decisions for other principals.
    const shared = scratch.shared;
    // 1. Explicit denies, in every layer.
    const denyApplies = scratch.denies;
    if (denyApplies.some((applies) => applies.tri === YES)) {
      // Only the statements that deny for certain are decisive.
      const deniedBy = denyApplies.filter((applies) => applies.tri === YES).map((applies) => applies.ref);
      return new Template('denied', EMPTY, deniedBy, 'explicit-deny', EMPTY, undefined, false, shared);
    }
    const deniedBy = denyApplies.length ? denyApplies.map((applies) => applies.ref) : EMPTY;
    const allowedBy: StatementRef[] = [];
    const dependsOn: string[] = [];
    for (let i = 0; i < denyApplies.length; i++) union(dependsOn, denyApplies[i].dependsOn);
    let allowTri: Tri = YES;
    // Templates are kept for the whole run: their lists are exact-length copies (see layerPlan).
    const denied = (layer: DecisionLayer): Template =>
      new Template(
        'denied',
        allowedBy.length ? allowedBy.slice() : EMPTY,
        deniedBy,
        layer,
        EMPTY,
        undefined,
        allowedBy.length === 0 && deniedBy.length === 0,
        shared,
      );
    // OR over a layer's Allow statements; a layer that is only MAYBE contributes what it turns on.
    const layerTri = (applied: readonly Applies[]): Tri => {
      let tri: Tri = NO;
      for (let i = 0; i < applied.length; i++) {
        const applies = applied[i];
        allowedBy.push(applies.ref);
        if (applies.tri === YES) tri = YES;
        else if (tri === NO) tri = MAYBE;
      }
      if (tri === MAYBE) for (let i = 0; i < applied.length; i++) union(dependsOn, applied[i].dependsOn);
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
    // denyApplies, not deniedBy: one array shape here (deniedBy may be the frozen EMPTY), so no deopt.
    if (denyApplies.length === 0 && allowTri === YES) {
      return new Template('allowed', allowedBy.slice(), EMPTY, undefined, EMPTY, unevaluated, false, shared);
    }
    return new Template(
      'depends',
      allowedBy.slice(),
      deniedBy,
      undefined,
      dependsOn.slice(),
      unevaluated,
      false,
      shared,
    );
  }
}
