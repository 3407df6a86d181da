// The evaluator's bulk paths: many actions at once (decideMany, decisionKinds) and whole-catalog counts
// (countDecisions), one decision template per uniform service or per action class, never one per action.
import type { CatalogAction } from '../../catalog/types';
import type { ActionClasses } from './action-classes';
import type { Call } from './call';
import { plainDenialOf, type ActionList, type CatalogIndex } from './catalog-index';
import type { ServiceIndex } from './compile-policy';
import {
  DECISION_KIND,
  flaggedInService,
  materialize,
  type PlanTemplates,
  type ServicePlan,
  type Template,
} from './plan';
import type { ActionDecision, DecisionCounts, DecisionRuns, RequestContext } from './types';
import { innerStore, newWeakMap } from '../../util/memo';

/**
 * countService's answers, by flag array and the plan's templates (one context). Flag arrays first: they are
 * few and live long, PlanTemplates are thousands, and a weak map per PlanTemplates holding one or two
 * entries cost an ephemeron table each.
 */
const planCounts = new WeakMap<Uint8Array, WeakMap<PlanTemplates, DecisionCounts>>();

/** What the bulk paths need of a principal's evaluator (PrincipalEvaluator). */
export interface EvaluatorCore {
  readonly index: CatalogIndex;
  /** The principal's identity Allow statements by service (a service none can match is denied throughout). */
  readonly identityAllows: ServiceIndex;
  call(context: RequestContext): Call;
  plan(service: string): ServicePlan;
  classesOf(plan: ServicePlan, service: string): ActionClasses;
  template(
    call: Call,
    plan: ServicePlan,
    catalogAction: CatalogAction | undefined,
    action: string,
    position: number,
    global: number,
  ): Template;
}

export function decideMany(
  core: EvaluatorCore,
  actions: readonly CatalogAction[],
  context: RequestContext,
): ActionDecision[] {
  const list = core.index.list(actions);
  const out = new Array<ActionDecision>(actions.length);
  walk(core, actions, list, context, (template, from, to) => {
    if (template.plain) {
      const layer = template.blockedAt ?? 'identity';
      const table = core.index.plainTable(layer);
      for (let i = from; i < to; i++) {
        const global = list.globals[i];
        out[i] =
          global < 0
            ? plainDenialOf(actions[i].action, layer)
            : (table[global] ??= plainDenialOf(actions[i].action, layer));
      }
    } else {
      for (let i = from; i < to; i++) {
        out[i] = materialize(core.index, template, actions[i].action, actions[i], list.globals[i]);
      }
    }
  });
  return out;
}

/** decideMany by runs of actions that share a template (see DecisionRuns): one entry per run, not per action. */
export function decisionRuns(
  core: EvaluatorCore,
  actions: readonly CatalogAction[],
  context: RequestContext,
): DecisionRuns {
  const ends: number[] = [];
  const decisions: Template[] = [];
  walk(core, actions, core.index.list(actions), context, (template, _from, to) => {
    // Neighbouring runs of one template (classes split by statements other rules' lists meet) are one run.
    const last = decisions.length - 1;
    if (last >= 0 && decisions[last] === template) ends[last] = to;
    else {
      decisions.push(template);
      ends.push(to);
    }
  });
  return { ends, decisions };
}

export function decisionKinds(
  core: EvaluatorCore,
  actions: readonly CatalogAction[],
  context: RequestContext,
): Uint8Array {
  const out = new Uint8Array(actions.length);
  walk(core, actions, core.index.list(actions), context, (template, from, to) => {
    const kind = DECISION_KIND[template.decision];
    if (kind !== 0) out.fill(kind, from, to);
  });
  return out;
}

export function countDecisions(core: EvaluatorCore, flagged: Uint8Array, context: RequestContext): DecisionCounts {
  // Sums in locals, one result object at the end: fields of an object added to in place turn mutable in V8
  // after the code reading them is optimized, which throws that code away.
  let allowed = 0;
  let depends = 0;
  let flaggedAllowed = 0;
  let flaggedDepends = 0;
  const call = core.call(context);
  const byPlan = innerStore(planCounts, flagged, newWeakMap<PlanTemplates, DecisionCounts>);
  // A service no identity statement can match is denied throughout: nothing to count there.
  const named = core.identityAllows.services();
  const services = named === 'all' ? core.index.services() : named;
  for (let s = 0; s < services.length; s++) {
    const service = services[s];
    const actions = core.index.actionsOf(service);
    if (actions.length === 0) continue;
    const plan = core.plan(service);
    const classes = plan.uniform ? undefined : core.classesOf(plan, service);
    const planTemplates = call.templatesOf(plan, classes ? classes.count : 1);
    // A plan's counts for one context and flag array are the same for every principal that shares it: added
    // up over its classes once, then reused. (The second key looked up here: memoize2 would take a closure
    // per service.)
    let known = byPlan.get(planTemplates);
    if (!known) {
      known = countService(core, call, plan, planTemplates, classes, service, actions, flagged);
      byPlan.set(planTemplates, known);
    }
    allowed += known.allowed;
    depends += known.depends;
    flaggedAllowed += known.flaggedAllowed;
    flaggedDepends += known.flaggedDepends;
  }
  return { allowed, depends, flaggedAllowed, flaggedDepends };
}

/** countDecisions over one service's catalog actions, one template per class (or one for a uniform service). */
function countService(
  core: EvaluatorCore,
  call: Call,
  plan: ServicePlan,
  planTemplates: PlanTemplates,
  classes: ActionClasses | undefined,
  service: string,
  actions: readonly CatalogAction[],
  flagged: Uint8Array,
): DecisionCounts {
  const globals = core.index.globalsOf(service);
  const templates = planTemplates;
  if (!classes) {
    const decision = (templates[0] ??= core.template(call, plan, actions[0], actions[0].action, 0, globals[0]))
      .decision;
    const size = actions.length;
    const flaggedSize = flaggedInService(service, globals, flagged);
    return {
      allowed: decision === 'allowed' ? size : 0,
      depends: decision === 'depends' ? size : 0,
      flaggedAllowed: decision === 'allowed' ? flaggedSize : 0,
      flaggedDepends: decision === 'depends' ? flaggedSize : 0,
    };
  }
  // One pass over the service's actions, each class's template made at its first action. A plan is counted
  // once per context and flag array (see countDecisions), about once per plan: tables per class (sizes,
  // first members, flagged sizes) built for it would cost more passes and allocations than they save.
  let allowed = 0;
  let depends = 0;
  let flaggedAllowed = 0;
  let flaggedDepends = 0;
  const of = classes.of;
  for (let position = 0; position < of.length; position++) {
    const id = of[position];
    let template = templates[id];
    if (!template) {
      const action = actions[position];
      template = templates[id] = core.template(call, plan, action, action.action, position, globals[position]);
    }
    const decision = template.decision;
    if (decision === 'allowed') {
      allowed++;
      if (flagged[globals[position]] === 1) flaggedAllowed++;
    } else if (decision === 'depends') {
      depends++;
      if (flagged[globals[position]] === 1) flaggedDepends++;
    }
  }
  return { allowed, depends, flaggedAllowed, flaggedDepends };
}

/** Find the template of every action, visiting runs `[from, to)` of actions that share one. */
function walk(
  core: EvaluatorCore,
  actions: readonly CatalogAction[],
  list: ActionList,
  context: RequestContext,
  visit: (template: Template, from: number, to: number) => void,
): void {
  const call = core.call(context);
  const runs = list.runs;
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r];
    const plan = core.plan(run.service);
    let start = run.start;
    if (!plan.uniform) {
      walkClasses(core, call, plan, run, actions, list, visit);
      continue;
    }
    // Catalog actions of a uniform service share one template; stragglers from elsewhere go below.
    let end = start;
    while (end < run.end && list.positions[end] >= 0) end++;
    if (end > start) {
      const first = actions[start];
      const template = (call.templatesOf(plan, 1)[0] ??= core.template(
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
      visit(core.template(call, plan, action, action.action, list.positions[i], list.globals[i]), i, i + 1);
    }
  }
}

/** A run of a non-uniform service: one template per class of actions (see action-classes.ts). */
function walkClasses(
  core: EvaluatorCore,
  call: Call,
  plan: ServicePlan,
  run: ActionList['runs'][number],
  actions: readonly CatalogAction[],
  list: ActionList,
  visit: (template: Template, from: number, to: number) => void,
): void {
  const classes = core.classesOf(plan, run.service);
  const templates = call.templatesOf(plan, classes.count);
  const positions = list.positions;
  let i = run.start;
  while (i < run.end) {
    const position = positions[i];
    const action = actions[i];
    if (position < 0) {
      // Not from the catalog: decided on its own, by its name.
      visit(core.template(call, plan, action, action.action, position, list.globals[i]), i, i + 1);
      i++;
      continue;
    }
    const id = classes.of[position];
    let end = i + 1;
    while (end < run.end && positions[end] >= 0 && classes.of[positions[end]] === id) end++;
    const template = (templates[id] ??= core.template(call, plan, action, action.action, position, list.globals[i]));
    visit(template, i, end);
    i = end;
  }
}
