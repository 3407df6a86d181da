// One condition of a policy as the audit's question-picking reads it: how it compares a request value with
// its policy values. Which production tag values to ask (production-values.ts) and which caller picks to ask
// (caller-pick-candidates.ts) both group candidate values by what every such test answers for them.
import type { ConditionOperator } from '../../evaluate/conditions/operator';
import { ABSENT, present, UNKNOWN, type KeyLookup } from '../../evaluate/key-value';
import { substitute, type ParsedValue } from '../../evaluate/policy-variables';
import type { Principal } from '../../sources/snapshot';

/** One condition on a key: its operator and values. */
export interface ValueTest {
  readonly operator: ConditionOperator;
  readonly values: readonly ParsedValue[];
  /** A policy variable in a value (`${aws:PrincipalTag/environment}`): what it compares with is the principal's. */
  readonly variable: boolean;
}

/** A policy value read as written, with no variables. */
export function literalValue(raw: string): ParsedValue {
  return { raw, parts: [], hasVariables: false, variableKeys: [] };
}

/** How one policy value answers a candidate: 1 matches, 0 does not, or the candidate itself when unknown. */
export function answer(operator: ConditionOperator, candidate: string, value: ParsedValue, lookup?: KeyLookup): string {
  if (!value.hasVariables) return operator.matches(candidate, value.raw) ? '1' : '0';
  if (!lookup) return `\u0002${candidate}\u0002`;
  const resolved = substitute(value, lookup);
  if (resolved === 'dropped') return '-';
  if ('unknown' in resolved) return `\u0002${candidate}\u0002`;
  return operator.matches(candidate, resolved.text, resolved.literal.length ? resolved.literal : undefined) ? '1' : '0';
}

/** The principal's own tags (aws:PrincipalTag/<key>); every other key is unknown. */
export function principalTagLookup(principal: Principal): KeyLookup {
  const tags = new Map(Object.entries(principal.tags).map(([k, v]) => [k.toLowerCase(), v]));
  return (lowerKey) => {
    if (!lowerKey.startsWith('aws:principaltag/')) return UNKNOWN;
    const value = tags.get(lowerKey.slice('aws:principaltag/'.length));
    return value === undefined ? ABSENT : present([value]);
  };
}

/**
 * How one test answers a candidate value of a single-valued key (one tag's value, one Region). IAM compares such
 * a key with a condition's values as with a set: whatever the operator and its qualifiers, the answer turns only
 * on whether the candidate matches none, some or all of them. So two candidates that match different values of
 * one list (`dev` and `test` of a list of non-production values) are answered alike, and one is asked for both.
 * An answer that stays unknown (a policy variable) tells the candidate apart from every other.
 */
export function valueSignature(test: ValueTest, candidate: string, lookup: KeyLookup | undefined): string {
  let some = false;
  let all = true;
  let unknown = '';
  for (const value of test.values) {
    const one = answer(test.operator, candidate, value, lookup);
    if (one === '1') some = true;
    else if (one === '0') all = false;
    else unknown += one;
  }
  return `${some ? 1 : 0}${all ? 1 : 0}${unknown}`;
}
