// Bool: `true`/`false`, compared case-insensitively; any other value matches nothing.
import type { ConditionOperator } from './operator';

function booleanValue(text: string): boolean | undefined {
  const lower = text.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

export const Bool: ConditionOperator = {
  name: 'Bool',
  negated: false,
  policyVariables: true,
  matches(requestValue, policyValue) {
    const request = booleanValue(requestValue);
    return request !== undefined && request === booleanValue(policyValue);
  },
};
