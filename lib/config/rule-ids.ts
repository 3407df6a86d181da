// The rule ids a suppression may name: every rule of the audit pack, and the change gate of `leash check`.
import { defaultRules } from '../audit/rules';

/** The id of `leash check`'s change gate (lib/check/change-gate.ts, kept out of here for start-up cost). */
export const CHANGE_GATE_RULE_ID = 'destructive-change';

let ids: string[] | undefined;

export function knownRuleIds(): readonly string[] {
  ids ??= [...defaultRules.map((rule) => rule.meta.id), CHANGE_GATE_RULE_ID];
  return ids;
}
