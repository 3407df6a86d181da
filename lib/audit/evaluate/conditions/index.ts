// The registry of condition operators, by base name (case-insensitive, as IAM reads them).
import { ArnEquals, ArnLike, ArnNotEquals, ArnNotLike } from './arn';
import { BinaryEquals } from './binary';
import { Bool } from './bool';
import {
  DateEquals,
  DateGreaterThan,
  DateGreaterThanEquals,
  DateLessThan,
  DateLessThanEquals,
  DateNotEquals,
} from './date';
import { IpAddress, NotIpAddress } from './ip-address';
import {
  NumericEquals,
  NumericGreaterThan,
  NumericGreaterThanEquals,
  NumericLessThan,
  NumericLessThanEquals,
  NumericNotEquals,
} from './numeric';
import type { ConditionOperator } from './operator';
import {
  StringEquals,
  StringEqualsIgnoreCase,
  StringLike,
  StringNotEquals,
  StringNotEqualsIgnoreCase,
  StringNotLike,
} from './string';

export type { ConditionOperator, LiteralRange } from './operator';
export { evaluateNull } from './null';

const OPERATORS: readonly ConditionOperator[] = [
  StringEquals,
  StringNotEquals,
  StringEqualsIgnoreCase,
  StringNotEqualsIgnoreCase,
  StringLike,
  StringNotLike,
  NumericEquals,
  NumericNotEquals,
  NumericLessThan,
  NumericLessThanEquals,
  NumericGreaterThan,
  NumericGreaterThanEquals,
  DateEquals,
  DateNotEquals,
  DateLessThan,
  DateLessThanEquals,
  DateGreaterThan,
  DateGreaterThanEquals,
  Bool,
  BinaryEquals,
  IpAddress,
  NotIpAddress,
  ArnEquals,
  ArnLike,
  ArnNotEquals,
  ArnNotLike,
];

const BY_NAME = new Map(OPERATORS.map((operator) => [operator.name.toLowerCase(), operator]));

/** The operator for a base name such as `StringLike`; undefined for `Null` and unknown names. */
export function conditionOperator(baseName: string): ConditionOperator | undefined {
  return BY_NAME.get(baseName.toLowerCase());
}

/** All value-comparing operators, for tests and documentation. */
export const CONDITION_OPERATORS = OPERATORS;
