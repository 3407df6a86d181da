// What every condition operator is: a comparison of one request value with one policy value. Negation,
// IfExists, multiple values and the ForAllValues/ForAnyValue qualifiers are applied on top, in one place
// (../condition.ts), so each operator file stays a small pure comparison.

export interface ConditionOperator {
  /** The operator's base name as AWS spells it, e.g. `StringNotLike`. */
  readonly name: string;
  /**
   * Negated operators (StringNotEquals, NotIpAddress, ...): `matches` is the positive comparison, the
   * policy's values are combined with NOR, and a missing key makes the condition true.
   */
  readonly negated: boolean;
  /** Whether `${...}` policy variables in the policy values are substituted (String*, Arn*, Bool). */
  readonly policyVariables: boolean;
  /**
   * The positive comparison of one request value with one policy value (already variable-substituted).
   * `literal` marks character ranges of the policy value that came from a substituted variable: wildcard
   * operators must not treat `*` or `?` inside them as wildcards.
   */
  matches(requestValue: string, policyValue: string, literal?: readonly LiteralRange[]): boolean;
}

/** `[start, end)` of a policy value that must be compared literally (a substituted policy variable). */
export type LiteralRange = readonly [number, number];

/**
 * An ordered comparison (Numeric*, Date*): both values go through `parse`, and a value that does not parse
 * never matches, as in AWS.
 */
export function orderedOperator(
  name: string,
  negated: boolean,
  parse: (text: string) => number | undefined,
  compare: (request: number, policy: number) => boolean,
): ConditionOperator {
  return {
    name,
    negated,
    policyVariables: false,
    matches(requestValue, policyValue) {
      const request = parse(requestValue);
      const policy = parse(policyValue);
      return request !== undefined && policy !== undefined && compare(request, policy);
    },
  };
}
