// Null: tests whether a key is absent (`true`) or present (`false`) in the request, not its value. It is
// not a value comparison, so it is evaluated directly by ../condition.ts; this module holds its rule.
import { MAYBE, NO, YES, type Tri } from '../tri';

/** `state` of the key in the request; policy values are `true`/`false` (any other value matches nothing). */
export function evaluateNull(state: 'present' | 'absent' | 'unknown', policyValues: readonly string[]): Tri {
  const wantsAbsent = policyValues.some((value) => value.trim().toLowerCase() === 'true');
  const wantsPresent = policyValues.some((value) => value.trim().toLowerCase() === 'false');
  if (wantsAbsent && wantsPresent) return YES;
  if (!wantsAbsent && !wantsPresent) return NO;
  if (state === 'unknown') return MAYBE;
  return (state === 'absent') === wantsAbsent ? YES : NO;
}
