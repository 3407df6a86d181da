// What a principal may do to production, counted from the evaluator's decision runs: shared by the rules that
// ask one class of actions on a production-tagged resource (can-delete-production, can-disarm-production).
import type { CatalogAction } from '../../../catalog/types';
import { isCallerPickKey, type CallerPick } from '../../evaluate/caller-picks';
import type { DecisionRuns, RequestContext } from '../../evaluate/types';
import type { ScpGap } from './production';

/** The first actions of each kind a finding lists (all the report shows). */
export const DETAIL_LIMIT = 200;

/**
 * Counts, and the first DETAIL_LIMIT actions of each kind: a principal can be allowed thousands of actions,
 * and no list of them all is made.
 */
export interface ProductionTally {
  allowedCount: number;
  dependsCount: number;
  /** Of dependsCount, the actions whose answer turns on a key the caller picks (a pick may let them through). */
  pickDependsCount: number;
  readonly allowed: string[];
  readonly depends: string[];
  readonly gaps: Record<ScpGap, number>;
  readonly tagConditionUnsupported: string[];
  readonly dependsOn: Set<string>;
}

/** Tally a run of actions sharing one decision at a time (runs are what the evaluator returns). */
export function tallyOf(
  runs: DecisionRuns,
  asked: readonly CatalogAction[],
  scpGap: (action: CatalogAction, serviceLinked: boolean) => ScpGap,
  serviceLinked: boolean,
): ProductionTally {
  const tally: ProductionTally = {
    allowedCount: 0,
    dependsCount: 0,
    pickDependsCount: 0,
    allowed: [],
    depends: [],
    gaps: {
      'management-account': 0,
      'service-linked-role': 0,
      'scps-unknown': 0,
      'tag-condition-unsupported': 0,
      'no-scp-deny': 0,
    },
    tagConditionUnsupported: [],
    dependsOn: new Set(),
  };
  const { gaps } = tally;
  const { ends, decisions } = runs;
  // A run at a time: its actions share one decision, so its dependsOn keys are added once.
  for (let k = 0; k < decisions.length; k++) {
    const decision = decisions[k];
    if (decision.decision === 'denied') continue;
    const from = k === 0 ? 0 : ends[k - 1];
    const to = ends[k];
    for (let d = 0; d < decision.dependsOn.length; d++) tally.dependsOn.add(decision.dependsOn[d]);
    const names = decision.decision === 'allowed' ? tally.allowed : tally.depends;
    for (let i = from; i < to; i++) {
      if (names.length < DETAIL_LIMIT) names.push(asked[i].action);
      const gap = scpGap(asked[i], serviceLinked);
      if (gap === 'tag-condition-unsupported' && gaps[gap] < DETAIL_LIMIT) {
        tally.tagConditionUnsupported.push(asked[i].action);
      }
      gaps[gap]++;
    }
    if (decision.decision === 'allowed') tally.allowedCount += to - from;
    else {
      tally.dependsCount += to - from;
      if (decision.dependsOn.some(isPickOrTagKey)) tally.pickDependsCount += to - from;
    }
  }
  return tally;
}

/**
 * Ask the same actions once per production tag key (a grant or an SCP may name one key and not the other) and
 * keep the key the principal can do most under: most allowed, then most depending. One key, one question.
 *
 * A question with a caller pick (a region, where it calls from) counts only where more is allowed so:
 * "depending on aws:RequestedRegion" is the other questions' answer, not more. A pick can change only the
 * answers that turned on a picked key with the keys unknown (those questions come first), so it re-asks just
 * those actions, and the chosen pick's answer is the unknown-keys answer with those replaced.
 */
export function worstProductionKey(
  compiled: { decisionRuns(actions: readonly CatalogAction[], context?: RequestContext): DecisionRuns },
  asked: readonly CatalogAction[],
  requests: readonly { readonly request: RequestContext; readonly tag: string; readonly pick?: CallerPick }[],
  scpGap: (action: CatalogAction, serviceLinked: boolean) => ScpGap,
  serviceLinked: boolean,
): { runs: DecisionRuns; tally: ProductionTally; tag: string; pick?: CallerPick } {
  let runs = compiled.decisionRuns(asked, requests[0].request);
  let tally = tallyOf(runs, asked, scpGap, serviceLinked);
  let chosen = requests[0];
  // Per tag, the answer with the keys unknown (which actions turn on a picked key is read from it when a pick
  // is asked).
  const unpicked = new Map<string, { tally: ProductionTally; runs: DecisionRuns }>();
  const remember = (tag: string, found: DecisionRuns, counted: ProductionTally) => {
    if (!unpicked.has(tag)) unpicked.set(tag, { tally: counted, runs: found });
  };
  remember(chosen.tag, runs, tally);
  // Per tag, the picks asked, as the keys the re-asked answers turn on see them.
  const projections = new Map<string, Set<string>>();
  // The chosen pick's re-asked actions, to merge into its tag's answer at the end.
  let picked: { base: DecisionRuns; open: readonly CatalogAction[]; part: DecisionRuns } | undefined;
  // What any pick can let through at most: allowed, or depending on a picked key, with the keys unknown.
  let ceiling = tally.allowedCount + tally.pickDependsCount;
  let best = {
    allowedCount: tally.allowedCount,
    dependsCount: tally.dependsCount,
    pickKeys: hasPickKey(tally.dependsOn),
  };
  for (let q = 1; q < requests.length; q++) {
    const { pick, tag, request } = requests[q];
    if (pick === undefined) {
      const next = compiled.decisionRuns(asked, request);
      const nextTally = tallyOf(next, asked, scpGap, serviceLinked);
      remember(tag, next, nextTally);
      ceiling = Math.max(ceiling, nextTally.allowedCount + nextTally.pickDependsCount);
      const more =
        nextTally.allowedCount > best.allowedCount ||
        (nextTally.allowedCount === best.allowedCount && nextTally.dependsCount > best.dependsCount);
      if (more) {
        [runs, tally, chosen] = [next, nextTally, requests[q]];
        best = {
          allowedCount: tally.allowedCount,
          dependsCount: tally.dependsCount,
          pickKeys: hasPickKey(tally.dependsOn),
        };
      }
      continue;
    }
    if (best.allowedCount >= ceiling) break;
    const base = unpicked.get(tag);
    const found = base && base.tally.pickDependsCount > 0 ? pickDependent(base.runs, asked) : undefined;
    if (!base || !found || found.actions.length === 0) continue;
    // Picks that differ only in keys none of these answers turns on answer them alike: asked once.
    const projection = found.keys.map((key) => `${key}=${pickValue(pick, key)}`).join('|');
    let seen = projections.get(tag);
    if (!seen) projections.set(tag, (seen = new Set()));
    if (seen.has(projection)) continue;
    seen.add(projection);
    const open = found.actions;
    const partRuns = compiled.decisionRuns(open, request);
    const part = tallyOf(partRuns, open, scpGap, serviceLinked);
    const allowedCount = base.tally.allowedCount + part.allowedCount;
    const dependsCount = base.tally.dependsCount - open.length + part.dependsCount;
    const pickKeys = hasPickKey(part.dependsOn);
    const more =
      allowedCount > best.allowedCount ||
      // As much, but what still depends no longer turns on the caller's pick: the plainer answer.
      (allowedCount === best.allowedCount && dependsCount === best.dependsCount && best.pickKeys && !pickKeys);
    if (more) {
      best = { allowedCount, dependsCount, pickKeys };
      chosen = requests[q];
      picked = { base: base.runs, open, part: partRuns };
    }
  }
  if (chosen.pick !== undefined && picked) {
    runs = mergedRuns(picked.base, asked, picked.open, picked.part);
    tally = tallyOf(runs, asked, scpGap, serviceLinked);
  }
  return { runs, tally, tag: chosen.tag, ...(chosen.pick === undefined ? {} : { pick: chosen.pick }) };
}

/**
 * `base` (the answer over `asked`) with the actions of `open` (a subsequence of `asked`, in its order) answered
 * by `part` instead, as runs over `asked`.
 */
export function mergedRuns(
  base: DecisionRuns,
  asked: readonly CatalogAction[],
  open: readonly CatalogAction[],
  part: DecisionRuns,
): DecisionRuns {
  const ends: number[] = [];
  const decisions: DecisionRuns['decisions'][number][] = [];
  let k = 0;
  let p = 0;
  let o = 0;
  for (let i = 0; i < asked.length; i++) {
    while (base.ends[k] <= i) k++;
    let decision = base.decisions[k];
    if (o < open.length && open[o] === asked[i]) {
      while (part.ends[p] <= o) p++;
      decision = part.decisions[p];
      o++;
    }
    const last = decisions.length - 1;
    if (last >= 0 && decisions[last] === decision) ends[last] = i + 1;
    else {
      decisions.push(decision);
      ends.push(i + 1);
    }
  }
  return { ends, decisions };
}

function hasPickKey(keys: Iterable<string>): boolean {
  for (const key of keys) if (isPickOrTagKey(key)) return true;
  return false;
}

/** The asked actions whose answer turns on a picked key, and those keys (lower-cased, sorted). */
interface PickDependent {
  readonly actions: CatalogAction[];
  readonly keys: readonly string[];
}

const openByRuns = new WeakMap<DecisionRuns, PickDependent>();

/**
 * PickDependent of an answer. Kept by runs: principals with the same policies share runs, and so share this
 * list, which lets the evaluator share their answers to it too.
 */
/**
 * A key the caller picks (caller-picks.ts), or a tag the request sends (aws:RequestTag/<key>): the caller sends
 * the tags a grant asks for (support/tag-sends.ts), so an answer that turns on one is asked again with those.
 */
function isPickOrTagKey(key: string): boolean {
  return isCallerPickKey(key) || key.toLowerCase().startsWith(REQUEST_TAG);
}

const REQUEST_TAG = 'aws:requesttag/';

/** What a pick sets `key` (lower-cased) to, as a projection names it: `?` where it leaves the key unknown. */
function pickValue(pick: CallerPick, key: string): string {
  if (key.startsWith(REQUEST_TAG)) {
    const tag = key.slice(REQUEST_TAG.length);
    if (pick.requestTags === undefined) return '?';
    const found = Object.entries(pick.requestTags).find(([name]) => name.toLowerCase() === tag);
    return found ? `=${found[1]}` : '(absent)';
  }
  return pick.keys[key]?.join(',') ?? '?';
}

function pickDependent(runs: DecisionRuns, asked: readonly CatalogAction[]): PickDependent {
  let found = openByRuns.get(runs);
  if (found) return found;
  const actions: CatalogAction[] = [];
  const keys = new Set<string>();
  const { ends, decisions } = runs;
  for (let k = 0; k < decisions.length; k++) {
    const decision = decisions[k];
    if (decision.decision !== 'depends' || !decision.dependsOn.some(isPickOrTagKey)) continue;
    for (const key of decision.dependsOn) if (isPickOrTagKey(key)) keys.add(key.toLowerCase());
    for (let i = k === 0 ? 0 : ends[k - 1]; i < ends[k]; i++) actions.push(asked[i]);
  }
  found = { actions, keys: [...keys].sort() };
  openByRuns.set(runs, found);
  return found;
}
