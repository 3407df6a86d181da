// One condition (operator, key, values) decided three-valued against what is known of a request, following
// the IAM User Guide: values of one key are ORed (NORed for negated operators); a missing key makes a
// condition false, except negated operators (true), ...IfExists (true), ForAllValues (true) and Null.
import type { NormalizedCondition } from '../../policy/types';
import { conditionOperator, evaluateNull, type ConditionOperator } from './conditions';
import type { KeyLookup } from './key-value';
import { NO_LITERAL, parsePolicyValue, substitute, type ResolvedValue } from './policy-variables';
import { MAYBE, NO, YES, type Tri } from './tri';

export interface ConditionResult {
  readonly tri: Tri;
  /** Keys the answer turns on when MAYBE (the condition key, and unknown policy variables). */
  readonly dependsOn: readonly string[];
}

const YES_RESULT: ConditionResult = { tri: YES, dependsOn: [] };
const NO_RESULT: ConditionResult = { tri: NO, dependsOn: [] };

function fromBoolean(value: boolean): ConditionResult {
  return value ? YES_RESULT : NO_RESULT;
}

/** Whether one request value satisfies the operator against the policy values (NOR for negated ones). */
function singleValue(
  operator: ConditionOperator,
  requestValue: string,
  policyValues: readonly ResolvedValue[],
): boolean {
  let matched = false;
  for (let i = 0; i < policyValues.length; i++) {
    const policyValue = policyValues[i];
    if (
      operator.matches(requestValue, policyValue.text, policyValue.literal.length ? policyValue.literal : undefined)
    ) {
      matched = true;
      break;
    }
  }
  return operator.negated ? !matched : matched;
}

export function evaluateCondition(condition: NormalizedCondition, lookup: KeyLookup): ConditionResult {
  const lowerKey = condition.key.toLowerCase();
  const found = lookup(lowerKey);
  const base = condition.baseOperator.toLowerCase();
  if (base === 'null') {
    const tri = evaluateNull(found.state, condition.values);
    return tri === MAYBE ? { tri, dependsOn: [condition.key] } : fromBoolean(tri === YES);
  }
  const operator = conditionOperator(condition.baseOperator);
  if (!operator) {
    // An operator IAM would have rejected: we cannot say what it does, so never claim either way.
    return { tri: MAYBE, dependsOn: [`${condition.key} (unsupported operator ${condition.operator})`] };
  }
  if (found.state === 'unknown') return { tri: MAYBE, dependsOn: [condition.key] };
  if (found.state === 'absent') {
    if (condition.setOperator === 'ForAllValues') return YES_RESULT;
    if (condition.setOperator === 'ForAnyValue') return NO_RESULT;
    if (condition.ifExists) return YES_RESULT;
    return fromBoolean(operator.negated);
  }

  const policyValues: ResolvedValue[] = [];
  const unknownVariables: string[] = [];
  for (let i = 0; i < condition.values.length; i++) {
    const raw = condition.values[i];
    // Parsed only where a variable can be: most values are plain text.
    const parsed = operator.policyVariables && raw.includes('${') ? parsePolicyValue(raw) : undefined;
    if (!parsed || !parsed.hasVariables) {
      policyValues.push({ text: raw, literal: NO_LITERAL });
      continue;
    }
    const resolved = substitute(parsed, lookup);
    if (resolved === 'dropped') continue;
    if ('unknown' in resolved) unknownVariables.push(...resolved.unknown);
    else policyValues.push(resolved);
  }
  if (unknownVariables.length > 0) return { tri: MAYBE, dependsOn: [...new Set(unknownVariables)] };

  const values = found.values;
  if (condition.setOperator === 'ForAllValues') {
    return fromBoolean(values.every((value) => singleValue(operator, value, policyValues)));
  }
  if (condition.setOperator === 'ForAnyValue') {
    return fromBoolean(values.some((value) => singleValue(operator, value, policyValues)));
  }
  if (values.length === 1) return fromBoolean(singleValue(operator, values[0], policyValues));
  // A single-valued operator on a multi-valued key: the docs do not pin this down, so answer only when
  // "every value" and "some value" agree.
  const every = values.every((value) => singleValue(operator, value, policyValues));
  const some = values.some((value) => singleValue(operator, value, policyValues));
  return every === some ? fromBoolean(every) : { tri: MAYBE, dependsOn: [condition.key] };
}
