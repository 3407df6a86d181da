// What a principal may do to production, counted from the evaluator's decision runs: shared by the rules that
// ask one class of actions on a production-tagged resource (can-delete-production, can-disarm-production).
import type { CatalogAction } from '../../../catalog/types';
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
    else tally.dependsCount += to - from;
  }
  return tally;
}

/**
 * Ask the same actions once per production tag key (a grant or an SCP may name one key and not the other) and
 * keep the key the principal can do most under: most allowed, then most depending. One key, one question.
 */
export function worstProductionKey(
  compiled: { decisionRuns(actions: readonly CatalogAction[], context?: RequestContext): DecisionRuns },
  asked: readonly CatalogAction[],
  requests: readonly { readonly request: RequestContext; readonly tag: string; readonly region?: string }[],
  scpGap: (action: CatalogAction, serviceLinked: boolean) => ScpGap,
  serviceLinked: boolean,
): { runs: DecisionRuns; tally: ProductionTally; tag: string; region?: string } {
  let runs = compiled.decisionRuns(asked, requests[0].request);
  let tally = tallyOf(runs, asked, scpGap, serviceLinked);
  let chosen = requests[0];
  for (let q = 1; q < requests.length; q++) {
    // A question in a region the caller picks counts only where more is allowed there: "depending on
    // aws:RequestedRegion" is the other questions' answer, not more.
    const region = requests[q].region !== undefined;
    const next = compiled.decisionRuns(asked, requests[q].request);
    const nextTally = tallyOf(next, asked, scpGap, serviceLinked);
    const more =
      nextTally.allowedCount > tally.allowedCount ||
      (!region && nextTally.allowedCount === tally.allowedCount && nextTally.dependsCount > tally.dependsCount);
    if (more) [runs, tally, chosen] = [next, nextTally, requests[q]];
  }
  return { runs, tally, tag: chosen.tag, ...(chosen.region === undefined ? {} : { region: chosen.region }) };
}
