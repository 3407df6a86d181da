// What a principal can write on a resource tagged production or not tagged at all: the agent invariant's
// question. Asked of agents themselves, and of the principals an agent can act as, whose requests carry their
// own tags, not the agent's (the agent tag stays behind with the agent), so no agent layer holds them.
import { isReadLevel } from '../../../catalog/read-patterns';
import type { Catalog, CatalogAction } from '../../../catalog/types';
import type { GuardrailSpec } from '../../../guardrails/spec';
import { expandActionPattern } from '../../../policy';
import { catalogIndex, type CatalogIndex } from '../../evaluate/catalog-index';
import type { DecisionRuns, RequestContext } from '../../evaluate/types';
import type { AccountSnapshot } from '../../sources/snapshot';
import { memoize2, newWeakMap } from '../../../util/memo';
import { arnTemplateMatches, type ProductionTag } from './production';

export interface ResourceState {
  readonly name: string;
  readonly request: RequestContext;
}

// One list of states and one of writes per config (and catalog), whoever asks: the evaluator shares its work
// between questions by request object and action list, so the agent rule's two parts, and every principal, ask
// with the same ones.
const statesByConfig = new WeakMap<
  GuardrailSpec,
  WeakMap<readonly ProductionTag[], Map<string, readonly ResourceState[]>>
>();
const stateByName = new Map<string, ResourceState>();
const writesByConfig = new WeakMap<GuardrailSpec, WeakMap<Catalog, readonly CatalogAction[]>>();

/**
 * A resource with each production tag of `tags` (AccountAnalysis.productionTags), one whose production key
 * holds a value the config names neither production nor non-production (a misspelt `prodution`, a new
 * `qa`) where a condition reads that key (`comparedKeys`), and one without tags: anything not tagged non-production is protected. One list per config and tag
 * list, whoever asks.
 */
export function resourceStates(
  guardrails: GuardrailSpec,
  tags: readonly ProductionTag[],
  comparedKeys: readonly string[],
): readonly ResourceState[] {
  let byTags = statesByConfig.get(guardrails);
  if (!byTags) {
    byTags = new WeakMap();
    statesByConfig.set(guardrails, byTags);
  }
  let byKeys = byTags.get(tags);
  if (!byKeys) {
    byKeys = new Map();
    byTags.set(tags, byKeys);
  }
  const memoKey = comparedKeys.join('\u0000');
  let states = byKeys.get(memoKey);
  if (!states) {
    states = statesOf(guardrails, tags, comparedKeys);
    byKeys.set(memoKey, states);
  }
  return states;
}

/** A resource the input defines that is not positively non-production, asked by its ARN with its tags. */
export interface InputResourceState extends ResourceState {
  /** The writes whose resource types can have its ARN (by the reference's ARN templates). */
  readonly fits: ReadonlySet<CatalogAction>;
}

const inputStatesBySnapshot = new WeakMap<AccountSnapshot, WeakMap<GuardrailSpec, readonly InputResourceState[]>>();

/**
 * The resources an agent must not write that are known by ARN: the config's production ARNs
 * (`production.arns`, no tags) and the resources the input defines (AccountSnapshot.resources: a template's
 * tagged resources with a fixed ARN) whose production keys do not hold a non-production value. A grant on such
 * an ARN is then a write on it for certain, where the tag states can only say it depends on the resource.
 */
export function inputResourceStates(
  guardrails: GuardrailSpec,
  snapshot: AccountSnapshot,
  writes: readonly CatalogAction[],
): readonly InputResourceState[] {
  if (!snapshot.resources?.length && guardrails.production.arns.length === 0) return [];
  return memoize2(
    inputStatesBySnapshot,
    snapshot,
    guardrails,
    newWeakMap<GuardrailSpec, readonly InputResourceState[]>,
    () => {
      const { tagKeys, nonProductionValues } = guardrails.production;
      const keys = new Set(tagKeys.map((key) => key.toLowerCase()));
      const safe = new Set(nonProductionValues.map((value) => value.toLowerCase()));
      const made: InputResourceState[] = [];
      const known = [
        ...guardrails.production.arns.map((arn) => ({ arn, tags: {} as Readonly<Record<string, string>> })),
        ...(snapshot.resources ?? []),
      ];
      for (const { arn, tags } of known) {
        const nonProduction = Object.entries(tags).some(
          ([key, value]) => keys.has(key.toLowerCase()) && safe.has(value.toLowerCase()),
        );
        if (nonProduction) continue;
        const fits = new Set(
          writes.filter((action) => action.resourceTypes.some((type) => arnTemplateMatches(type.arnTemplate, arn))),
        );
        if (fits.size === 0) continue;
        const request: RequestContext = {
          resourceArn: arn,
          resourceTags: tags,
          resourceTagKeysKnown: [...tagKeys, ...Object.keys(tags)],
          requestTags: {},
        };
        made.push({ name: arn, request, fits });
      }
      return made;
    },
  );
}

/** The name of the state whose production key holds a value the config does not list. */
export const OTHER_VALUE = '(any other value)';

/**
 * Production once per production tag (a grant or a guardrail may name one key and not the other, or one value
 * and not another: a write allowed only where `stage=prod` is a write to production all the same), then each
 * key with an unlisted value, then untagged. The request of a state is made once, shared by every list that
 * holds it (the evaluator shares its work by request object).
 */
function statesOf(
  guardrails: GuardrailSpec,
  tags: readonly ProductionTag[],
  comparedKeys: readonly string[],
): ResourceState[] {
  const { tagKeys, values, nonProductionValues } = guardrails.production;
  // The production keys are known (the one named, the others absent); any other tag (team, owner) is unknown.
  const state = (name: string, key: string | undefined, value: string): ResourceState => {
    const memoKey = `${name}\u0000${value}\u0000${tagKeys.join('\u0000')}`;
    let made = stateByName.get(memoKey);
    if (!made) {
      const resourceTags = key === undefined ? {} : { [key]: value };
      made = { name, request: { resourceTags, resourceTagKeysKnown: tagKeys, requestTags: {} } };
      stateByName.set(memoKey, made);
    }
    return made;
  };
  const listed = new Set([...values, ...nonProductionValues].map((v) => v.toLowerCase()));
  let unlisted = 'unlisted';
  for (let n = 2; listed.has(unlisted); n++) unlisted = `unlisted-${n}`;
  return [
    ...tags.map((tag) => state(`tagged ${tag.text}`, tag.key, tag.value)),
    // Only where a condition reads the key: elsewhere an unlisted value is answered as no tag at all.
    ...tagKeys
      .filter((key) => comparedKeys.includes(key))
      .map((key) => state(`tagged ${key}=${OTHER_VALUE}`, key, unlisted)),
    state('untagged', undefined, ''),
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

/**
 * Writes got through, over every resource state asked: allowed outright, or depending on a condition. Held by
 * catalog index (a byte per action and two lists in the order first seen), not as sets of names: a principal
 * that writes everywhere is tallied over some 16,000 writes and several states, and an agent's search asks
 * this of every principal it reaches. The lists keep the order a set of names would have (allowed: as each
 * got through; depending: as first seen, less those allowed since).
 */
export class WriteTally {
  private readonly index: CatalogIndex;
  /** By catalog index: NONE, DEPENDS or ALLOWED. */
  private readonly state: Uint8Array;
  private readonly allowedOrder: number[] = [];
  private readonly dependsOrder: number[] = [];
  private dependsSize = 0;
  readonly dependsOn = new Set<string>();
  /** Names of the resource states where something got through. */
  readonly where = new Set<string>();

  constructor(catalog: Catalog) {
    this.index = catalogIndex(catalog);
    this.state = new Uint8Array(catalog.actions.length);
  }

  get allowedCount(): number {
    return this.allowedOrder.length;
  }

  get dependsCount(): number {
    return this.dependsSize;
  }

  /** Allowed actions (`service:Action`), in the order they got through. */
  allowed(): string[] {
    return this.names(this.allowedOrder, ALLOWED);
  }

  /** Actions depending on a condition, in the order first seen. */
  depends(): string[] {
    return this.names(this.dependsOrder, DEPENDS);
  }

  /**
   * Whether an action got through here (allowed; or depending, unless `certainOnly`) that `other` does not
   * allow: plain loops, as an agent's search asks this of every principal it reaches.
   */
  holdsBeyond(other: WriteTally, certainOnly: boolean): boolean {
    const theirs = other.state;
    for (const global of this.allowedOrder) if (theirs[global] !== ALLOWED) return true;
    if (certainOnly) return false;
    for (const global of this.dependsOrder) {
      if (this.state[global] === DEPENDS && theirs[global] !== ALLOWED) return true;
    }
    return false;
  }

  /** Up to `count` actions got through here that `other` does not allow (all when no other): allowed ones first. */
  sampleBeyond(other: WriteTally | undefined, count: number): string[] {
    const actions = this.index.catalog.actions;
    const out: string[] = [];
    for (const global of this.allowedOrder) {
      if (out.length === count) return out;
      if (other?.state[global] !== ALLOWED) out.push(actions[global].action);
    }
    for (const global of this.dependsOrder) {
      if (out.length === count) return out;
      if (this.state[global] === DEPENDS && other?.state[global] !== ALLOWED) out.push(actions[global].action);
    }
    return out;
  }

  /** Adds one state's decisions on `asked` (in runs, see CompiledPrincipal.decisionRuns); allowed wins over depends. */
  addRuns(runs: DecisionRuns, asked: readonly CatalogAction[], state: string): void {
    const { ends, decisions } = runs;
    let globals: Int32Array | undefined;
    for (let k = 0; k < decisions.length; k++) {
      const decision = decisions[k];
      if (decision.decision === 'denied') continue;
      this.where.add(state);
      for (const key of decision.dependsOn) this.dependsOn.add(key);
      globals ??= this.index.list(asked).globals;
      const allowed = decision.decision === 'allowed';
      for (let i = k === 0 ? 0 : ends[k - 1]; i < ends[k]; i++) {
        const global = globals[i];
        // An action object from no catalog cannot be held by index; asked lists come from the catalog.
        if (global < 0) throw new Error(`${asked[i].action}: not an action of the catalog`);
        const was = this.state[global];
        if (was === ALLOWED) continue;
        if (allowed) {
          this.state[global] = ALLOWED;
          this.allowedOrder.push(global);
          if (was === DEPENDS) this.dependsSize--;
        } else if (was === NONE) {
          this.state[global] = DEPENDS;
          this.dependsOrder.push(global);
          this.dependsSize++;
        }
      }
    }
  }

  private names(order: readonly number[], wanted: number): string[] {
    const actions = this.index.catalog.actions;
    const out: string[] = [];
    for (const global of order) if (this.state[global] === wanted) out.push(actions[global].action);
    return out;
  }
}

const NONE = 0;
const DEPENDS = 1;
const ALLOWED = 2;

export function wroteAnything(tally: WriteTally): boolean {
  return tally.allowedCount + tally.dependsCount > 0;
}

/**
 * The resource states something got through on, for a message: the values of one key together
 * (`tagged environment=production, prod or PRODUCTION and untagged`).
 */
export function statesText(where: Iterable<string>): string {
  const byKey = new Map<string, string[]>();
  const rest: string[] = [];
  for (const name of where) {
    const match = /^tagged ([^=]*)=(.*)$/s.exec(name);
    if (!match) {
      rest.push(name);
      continue;
    }
    const values = byKey.get(match[1]);
    if (values) values.push(match[2]);
    else byKey.set(match[1], [match[2]]);
  }
  const tagged = [...byKey].map(([key, values]) => {
    const last = values.length > 1 ? ` or ${values.pop()}` : '';
    return `tagged ${key}=${values.join(', ')}${last}`;
  });
  return [...tagged, ...rest].join(' and ');
}
