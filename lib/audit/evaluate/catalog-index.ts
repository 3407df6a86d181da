// Dense numbering of a catalog's actions, grouped by service, so statements can remember which actions of
// a service they match as a byte table and the bulk path reads tables instead of matching strings.
import type { Catalog, CatalogAction } from '../../catalog/types';
import { actionFacts, type ActionFacts } from './context';
import type { ActionDecision, DecisionLayer } from './types';

const NONE: readonly never[] = Object.freeze([]);

export function plainDenialOf(action: string, layer: DecisionLayer): ActionDecision {
  return Object.freeze<ActionDecision>({
    action,
    decision: 'denied',
    allowedBy: NONE,
    deniedBy: NONE,
    blockedAt: layer,
    dependsOn: NONE,
  });
}

/** A `decideMany` input list, prepared once: positions within services and runs of one service. */
export interface ActionList {
  /** Position of each action within its service's list; -1 for an action object not from this catalog. */
  readonly positions: Int32Array;
  /** Dense catalog index of each action; -1 when not from this catalog. */
  readonly globals: Int32Array;
  /** Consecutive actions of one service: `[start, end)`. */
  readonly runs: readonly { readonly service: string; readonly start: number; readonly end: number }[];
}

export class CatalogIndex {
  private readonly byService = new Map<string, CatalogAction[]>();
  private readonly global = new Map<CatalogAction, number>();
  private readonly facts: (ActionFacts | undefined)[];
  /** By catalog index: position within the service's list, and the lower-cased service. */
  private readonly positionByGlobal: Int32Array;
  private readonly serviceByGlobal: string[];
  private readonly lists = new WeakMap<readonly CatalogAction[], ActionList>();
  private readonly serviceGlobals = new Map<string, Int32Array>();
  /** services(), listed once: countDecisions asks for every principal that may match any service. */
  private readonly serviceList: readonly string[];

  constructor(readonly catalog: Catalog) {
    const actions = catalog.actions;
    this.positionByGlobal = new Int32Array(actions.length);
    this.serviceByGlobal = new Array<string>(actions.length);
    // A plain loop, one map write per action (the position is read from positionByGlobal); the catalog lists a
    // service's actions together, so the service's list is looked up again only when the service changes.
    let rawService: string | undefined;
    let service = '';
    let list: CatalogAction[] = [];
    for (let index = 0; index < actions.length; index++) {
      const action = actions[index];
      if (action.service !== rawService) {
        rawService = action.service;
        service = rawService.toLowerCase();
        let known = this.byService.get(service);
        if (!known) {
          known = [];
          this.byService.set(service, known);
        }
        list = known;
      }
      this.global.set(action, index);
      this.positionByGlobal[index] = list.length;
      this.serviceByGlobal[index] = service;
      list.push(action);
    }
    this.facts = new Array(actions.length);
    this.serviceList = [...this.byService.keys()];
  }

  /** The lower-cased services of the catalog. */
  services(): readonly string[] {
    return this.serviceList;
  }

  /** Catalog index of each action of a service, by position. */
  globalsOf(service: string): Int32Array {
    let globals = this.serviceGlobals.get(service);
    if (!globals) {
      // A plain loop: Int32Array.from(list, map) walks the list through its iterator (see list()).
      const actions = this.actionsOf(service);
      globals = new Int32Array(actions.length);
      for (let i = 0; i < actions.length; i++) globals[i] = this.global.get(actions[i])!;
      this.serviceGlobals.set(service, globals);
    }
    return globals;
  }

  /** The catalog's actions of a service (lower case), in a fixed order. */
  actionsOf(service: string): readonly CatalogAction[] {
    return this.byService.get(service) ?? [];
  }

  /** Position of an action within its service's list, or -1 for an action object not from this catalog. */
  positionOf(action: CatalogAction): number {
    const global = this.globalOf(action);
    return global < 0 ? -1 : this.positionByGlobal[global];
  }

  globalOf(action: CatalogAction): number {
    return this.global.get(action) ?? -1;
  }

  /**
   * The catalog's actions at the given catalog indices (any order), with their prepared list already
   * known: callers that select actions by index skip looking each action up again.
   */
  select(indices: ArrayLike<number>): readonly CatalogAction[] {
    const globals = Int32Array.from(indices);
    const all = this.catalog.actions;
    // Filled by push, not preallocated: a packed array like the callers' own lists, so the list readers do not
    // meet a holey array's second shape (and deopt on it).
    const actions: CatalogAction[] = [];
    for (let i = 0; i < globals.length; i++) actions.push(all[globals[i]]);
    this.lists.set(actions, this.prepare(actions, globals));
    return actions;
  }

  /** Prepared form of a list of actions (cached per list object: callers reuse the same list). */
  list(actions: readonly CatalogAction[]): ActionList {
    let list = this.lists.get(actions);
    if (!list) {
      // A plain loop: Int32Array.from(actions, map) walks the array through its iterator and calls the map
      // function generically, several times slower for the short lists rules ask about.
      const globals = new Int32Array(actions.length);
      for (let i = 0; i < actions.length; i++) globals[i] = this.globalOf(actions[i]);
      list = this.prepare(actions, globals);
      this.lists.set(actions, list);
    }
    return list;
  }

  /** Positions within services and runs of one service, from each action's catalog index (-1: not ours). */
  private prepare(actions: readonly CatalogAction[], globals: Int32Array): ActionList {
    const positions = new Int32Array(actions.length);
    const runs: { service: string; start: number; end: number }[] = [];
    for (let i = 0; i < actions.length; i++) {
      const global = globals[i];
      positions[i] = global < 0 ? -1 : this.positionByGlobal[global];
      const service = global < 0 ? actions[i].service.toLowerCase() : this.serviceByGlobal[global];
      const last = runs[runs.length - 1];
      if (last && last.service === service) last.end = i + 1;
      else runs.push({ service, start: i, end: i + 1 });
    }
    return { positions, globals, runs };
  }

  /** Shared, frozen decisions for "denied at `layer`, no statement involved", one per action and layer. */
  private readonly plain = new Map<string, (ActionDecision | undefined)[]>();

  /** The table of plain denials at `layer`, by catalog index (filled lazily by callers). */
  plainTable(layer: DecisionLayer): (ActionDecision | undefined)[] {
    let byAction = this.plain.get(layer);
    if (!byAction) {
      byAction = new Array(this.catalog.actions.length);
      this.plain.set(layer, byAction);
    }
    return byAction;
  }

  plainDenial(action: CatalogAction, global: number, layer: DecisionLayer): ActionDecision {
    if (global < 0) return plainDenialOf(action.action, layer);
    return (this.plainTable(layer)[global] ??= plainDenialOf(action.action, layer));
  }

  factsOf(action: CatalogAction, global = this.globalOf(action)): ActionFacts {
    if (global < 0) return actionFacts(action);
    return (this.facts[global] ??= actionFacts(action));
  }
}

const indexes = new WeakMap<Catalog, CatalogIndex>();

export function catalogIndex(catalog: Catalog): CatalogIndex {
  let index = indexes.get(catalog);
  if (!index) {
    index = new CatalogIndex(catalog);
    indexes.set(catalog, index);
  }
  return index;
}
