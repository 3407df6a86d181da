// The rule ids a suppression may name: every rule of the audit pack, and the rules of `leash check`'s gate.
import { defaultRules } from '../audit/rules';

/**
 * The ids of `leash check`'s gate rules (lib/check: change gate, what a template cannot show, custom
 * resources that delete, data-destroying settings, production tag lookalikes), by value: lib/check loads the CloudFormation diff
 * engine, which `cdk synth` and the other commands should not pay for. A test keeps them equal.
 */
export const CHECK_RULE_IDS: readonly string[] = [
  'destructive-change',
  'change-not-visible',
  'custom-resource-deletes',
  'scheduled-deletion',
  'production-deny-removed',
  'production-open-to-anyone',
  'production-granted-directly',
  'data-destroying-setting',
  'production-tag-lookalike',
  'production-tag-not-evaluated',
];

let ids: string[] | undefined;

export function knownRuleIds(): readonly string[] {
  ids ??= [...defaultRules.map((rule) => rule.meta.id), ...CHECK_RULE_IDS];
  return ids;
}
