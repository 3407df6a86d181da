// ARN operators. ArnEquals and ArnLike behave the same in IAM: each of the six colon-separated parts is
// matched on its own, case-sensitively, with `*` and `?` wildcards that never cross a colon.
import type { ConditionOperator, LiteralRange } from './operator';
import { globMatches } from './wildcard';

/** Split an ARN into its six parts (the last keeps any further colons); fewer than six: undefined. */
export function arnParts(arn: string): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const colon = arn.indexOf(':', start);
    if (colon < 0) return undefined;
    parts.push(arn.slice(start, colon));
    start = colon + 1;
  }
  parts.push(arn.slice(start));
  return parts;
}

function shiftRanges(literal: readonly LiteralRange[] | undefined, from: number, to: number): LiteralRange[] {
  const out: LiteralRange[] = [];
  for (const [start, end] of literal ?? []) {
    const s = Math.max(start, from);
    const e = Math.min(end, to);
    if (s < e) out.push([s - from, e - from]);
  }
  return out;
}

export function arnMatches(requestArn: string, policyArn: string, literal?: readonly LiteralRange[]): boolean {
  const request = arnParts(requestArn);
  const policy = arnParts(policyArn);
  if (!policy) {
    // A lone `*` (or another non-ARN pattern) is compared as a whole string.
    return globMatches(requestArn, policyArn, false, literal);
  }
  if (!request) return false;
  let offset = 0;
  for (let i = 0; i < 6; i++) {
    const end = offset + policy[i].length;
    if (!globMatches(request[i], policy[i], false, shiftRanges(literal, offset, end))) return false;
    offset = end + 1;
  }
  return true;
}

export const ArnEquals: ConditionOperator = {
  name: 'ArnEquals',
  negated: false,
  policyVariables: true,
  matches: arnMatches,
};
export const ArnLike: ConditionOperator = { ...ArnEquals, name: 'ArnLike' };
export const ArnNotEquals: ConditionOperator = { ...ArnEquals, name: 'ArnNotEquals', negated: true };
export const ArnNotLike: ConditionOperator = { ...ArnEquals, name: 'ArnNotLike', negated: true };
