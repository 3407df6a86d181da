// BinaryEquals: base64-encoded values compared byte for byte (whitespace in the encoding is not significant).
import type { ConditionOperator } from './operator';

function decode(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined;
  return Buffer.from(compact, 'base64').toString('hex');
}

export const BinaryEquals: ConditionOperator = {
  name: 'BinaryEquals',
  negated: false,
  policyVariables: false,
  matches(requestValue, policyValue) {
    const request = decode(requestValue);
    return request !== undefined && request === decode(policyValue);
  },
};
