// aws:CurrentTime and aws:EpochTime, answered from the audit time on. The audit asks who can act today and
// who will be able to: an Allow that ran out, or a Deny already in force for good, is resolved; an Allow in
// force today counts today. A date condition whose answer would later open access (a grant that starts next
// month, a Deny that lapses) depends on the key, so neither a scheduled grant nor an expiring guard is hidden.
import type { NormalizedCondition } from '../../policy/types';
import { evaluateCondition, type ConditionResult } from './condition';
import { parseDate } from './conditions/date';
import { present, type KeyLookup } from './key-value';
import { MAYBE, NO, YES, type Tri } from './tri';

const CURRENT_TIME = 'aws:currenttime';
const EPOCH_TIME = 'aws:epochtime';
const DAY_MS = 86_400_000;

export function isAuditTimeKey(lowerKey: string): boolean {
  return lowerKey === CURRENT_TIME || lowerKey === EPOCH_TIME;
}

/** The key's value at `ms`, written as AWS sends it: ISO 8601 for aws:CurrentTime, epoch seconds otherwise. */
function timeValue(lowerKey: string, ms: number): string {
  return lowerKey === CURRENT_TIME ? new Date(ms).toISOString() : String(ms / 1000);
}

/**
 * Instants from `auditTime` on at which a date comparison against the policy's values can answer otherwise
 * than just before: each value itself, a point between each two, and one after the last. Between two of them
 * every operator answers alike, so these and the audit time show every answer the condition will ever give.
 */
function laterInstants(policyValues: readonly string[], auditTime: number): number[] {
  const edges = [...new Set(policyValues.map(parseDate).filter((ms): ms is number => ms !== undefined))]
    // A value at the audit time itself counts: the answer may change just after it.
    .filter((ms) => ms >= auditTime)
    .sort((a, b) => a - b);
  const instants: number[] = [];
  for (let i = 0; i < edges.length; i++) {
    instants.push(edges[i]);
    const next = i + 1 < edges.length ? edges[i + 1] : edges[i] + 2 * DAY_MS;
    instants.push(Math.floor((edges[i] + next) / 2));
  }
  return instants;
}

/**
 * A condition on aws:CurrentTime or aws:EpochTime of a statement with `effect`, answered for every time from
 * `auditTime` (ms since the epoch) on: for an Allow, yes when it holds now and no when it never will; for a
 * Deny, no when it does not hold now and yes when it always will; otherwise it depends on the key. Other keys
 * (a policy variable in a value) come from `lookup`.
 */
export function answerFromAuditTime(
  condition: NormalizedCondition,
  effect: 'Allow' | 'Deny',
  auditTime: number,
  lookup: KeyLookup,
): ConditionResult {
  const lowerKey = condition.key.toLowerCase();
  const at = (ms: number): ConditionResult => {
    const value = present([timeValue(lowerKey, ms)]);
    return evaluateCondition(condition, (key) => (key === lowerKey ? value : lookup(key)));
  };
  const now = at(auditTime);
  if (now.tri === MAYBE) return now;
  // What opens access: the Allow's condition holding, the Deny's failing.
  const opens: Tri = effect === 'Allow' ? YES : NO;
  if (now.tri === opens) return now;
  for (const instant of laterInstants(condition.values, auditTime)) {
    if (at(instant).tri !== now.tri) return { tri: MAYBE, dependsOn: [condition.key] };
  }
  return now;
}
