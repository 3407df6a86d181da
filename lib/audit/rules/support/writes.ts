// What a principal can write on a resource tagged production or not tagged at all: the agent invariant's
// question. Asked of agents themselves, and of the principals an agent can act as, whose requests carry their
// own tags, not the agent's (the agent tag stays behind with the agent), so no agent layer holds them.
import { isReadLevel } from '../../../catalog/read-patterns';
import type { Catalog, CatalogAction } from '../../../catalog/types';
import type { GuardrailSpec } from '../../../guardrails/spec';
import { expandActionPattern } from '../../../policy';
import type { DecisionRuns, RequestContext } from '../../evaluate/types';

export interface ResourceState {
  readonly name: string;
  readonly request: RequestContext;
}

// One list of states and one of writes per config (and catalog), whoever asks: the evaluator shares its work
// between questions by request object and action list, so the agent rule's two parts, and every principal, ask
// with the same ones.
const statesByConfig = new WeakMap<GuardrailSpec, readonly ResourceState[]>();
const writesByConfig = new WeakMap<GuardrailSpec, WeakMap<Catalog, readonly CatalogAction[]>>();

/** A resource tagged production, and one without tags (anything not tagged non-production is protected). */
export function resourceStates(guardrails: GuardrailSpec): readonly ResourceState[] {
  let states = statesByConfig.get(guardrails);
  if (!states) {
    states = statesOf(guardrails);
    statesByConfig.set(guardrails, states);
  }
  return states;
}

/**
 * Production once per production tag key (a grant or a guardrail may name one key and not the other: a write
 * allowed only where `stage=prod` is a write to production all the same), then untagged.
 */
function statesOf(guardrails: GuardrailSpec): ResourceState[] {
  const { tagKeys, values } = guardrails.production;
  return [
    ...tagKeys.map((key) => ({
      name: `tagged ${key}=${values[0]}`,
      request: { resourceTags: { [key]: values[0] }, requestTags: {} },
    })),
    { name: 'untagged', request: { resourceTags: {}, requestTags: {} } },
  ];
}

/** Every action above Read and List, but those config allows agents on production. */
export function protectedWrites(catalog: Catalog, guardrails: GuardrailSpec): readonly CatalogAction[] {
  let byCatalog = writesByConfig.get(guardrails);
  if (!byCatalog) {
    byCatalog = new WeakMap();
    writesByConfig.set(guardrails, byCatalog);
  }
  let writes = byCatalog.get(catalog);
  if (!writes) {
    writes = writesOf(catalog, guardrails);
    byCatalog.set(catalog, writes);
  }
  return writes;
}

function writesOf(catalog: Catalog, guardrails: GuardrailSpec): CatalogAction[] {
  const allowlisted = new Set(
    guardrails.agents.productionWriteAllowlist.flatMap((p) => expandActionPattern(p, catalog)),
  );
  return catalog.actions.filter((a) => !isReadLevel(a) && !allowlisted.has(a));
}

/** Writes got through, over every resource state asked: allowed outright, or depending on a condition. */
export interface WriteTally {
  readonly allowed: Set<string>;
  readonly depends: Set<string>;
  readonly dependsOn: Set<string>;
  /** Names of the resource states where something got through. */
  readonly where: Set<string>;
}

export function emptyTally(): WriteTally {
  return { allowed: new Set(), depends: new Set(), dependsOn: new Set(), where: new Set() };
}

/** Adds one state's decisions on `asked` (in runs, see CompiledPrincipal.decisionRuns); allowed wins over depends. */
export function addRuns(tally: WriteTally, runs: DecisionRuns, asked: readonly CatalogAction[], state: string): void {
  const { ends, decisions } = runs;
  for (let k = 0; k < decisions.length; k++) {
    const decision = decisions[k];
    if (decision.decision === 'denied') continue;
    tally.where.add(state);
    for (const key of decision.dependsOn) tally.dependsOn.add(key);
    for (let i = k === 0 ? 0 : ends[k - 1]; i < ends[k]; i++) {
      const action = asked[i].action;
      if (decision.decision === 'allowed') {
        tally.allowed.add(action);
        tally.depends.delete(action);
      } else if (!tally.allowed.has(action)) tally.depends.add(action);
    }
  }
}

export function wroteAnything(tally: WriteTally): boolean {
  return tally.allowed.size + tally.depends.size > 0;
}
