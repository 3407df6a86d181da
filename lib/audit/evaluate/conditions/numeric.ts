// Numeric condition operators. A value that is not a number never matches (AWS treats it as no match).
import { orderedOperator, type ConditionOperator } from './operator';

/** Parse an IAM numeric value: decimal integers or floats, optional sign; anything else is not a number. */
export function parseNumeric(text: string): number | undefined {
  if (!/^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(text)) return undefined;
  return Number(text);
}

function numeric(
  name: string,
  negated: boolean,
  compare: (request: number, policy: number) => boolean,
): ConditionOperator {
  return orderedOperator(name, negated, parseNumeric, compare);
}

export const NumericEquals = numeric('NumericEquals', false, (r, p) => r === p);
export const NumericNotEquals = numeric('NumericNotEquals', true, (r, p) => r === p);
export const NumericLessThan = numeric('NumericLessThan', false, (r, p) => r < p);
export const NumericLessThanEquals = numeric('NumericLessThanEquals', false, (r, p) => r <= p);
export const NumericGreaterThan = numeric('NumericGreaterThan', false, (r, p) => r > p);
export const NumericGreaterThanEquals = numeric('NumericGreaterThanEquals', false, (r, p) => r >= p);
