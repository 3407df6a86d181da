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

/** Split at the first `count - 1` colons (the last part keeps the rest). */
function splitParts(value: string): string[] {
  const parts: string[] = [];
  let start = 0;
  while (parts.length < 5) {
    const colon = value.indexOf(':', start);
    if (colon < 0) break;
    parts.push(value.slice(start, colon));
    start = colon + 1;
  }
  parts.push(value.slice(start));
  return parts;
}

export function arnMatches(requestArn: string, policyArn: string, literal?: readonly LiteralRange[]): boolean {
  const request = arnParts(requestArn);
  const policy = splitParts(policyArn);
  if (!request || (policy.length < 6 && policyArn === '*')) {
    // A lone `*`, or a request value that is not an ARN: compared as whole strings.
    return globMatches(requestArn, policyArn, false, literal);
  }
  const last = policy.length - 1;
  // A short pattern only covers an ARN when its last part ends in `*`, which then absorbs the rest.
  if (policy.length < 6 && !policy[last].endsWith('*')) return false;
  let offset = 0;
  for (let i = 0; i <= last; i++) {
    const end = offset + policy[i].length;
    const requestPart = i === last ? request.slice(i).join(':') : request[i];
    if (!globMatches(requestPart, policy[i], false, shiftRanges(literal, offset, end))) return false;
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
