// String condition operators: exact (case-sensitive or not) and glob (`StringLike`) comparisons.
import type { ConditionOperator } from './operator';
import { globMatches } from './wildcard';

const equals = (requestValue: string, policyValue: string): boolean => requestValue === policyValue;
const equalsIgnoreCase = (requestValue: string, policyValue: string): boolean =>
  requestValue.toLowerCase() === policyValue.toLowerCase();

export const StringEquals: ConditionOperator = {
  name: 'StringEquals',
  negated: false,
  policyVariables: true,
  matches: equals,
};

export const StringNotEquals: ConditionOperator = { ...StringEquals, name: 'StringNotEquals', negated: true };

export const StringEqualsIgnoreCase: ConditionOperator = {
  name: 'StringEqualsIgnoreCase',
  negated: false,
  policyVariables: true,
  matches: equalsIgnoreCase,
};

export const StringNotEqualsIgnoreCase: ConditionOperator = {
  ...StringEqualsIgnoreCase,
  name: 'StringNotEqualsIgnoreCase',
  negated: true,
};

export const StringLike: ConditionOperator = {
  name: 'StringLike',
  negated: false,
  policyVariables: true,
  matches: (requestValue, policyValue, literal) => globMatches(requestValue, policyValue, false, literal),
};

export const StringNotLike: ConditionOperator = { ...StringLike, name: 'StringNotLike', negated: true };
