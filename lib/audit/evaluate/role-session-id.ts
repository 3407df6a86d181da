// aws:userid of a role session: the role's unique id (RoleId, `AROA…`), `:`, and the session name, which whoever
// makes the session picks (sts:RoleSessionName; a service writes its own). A condition on the key is asked with
// each session name its values tell apart: the answer they all give, or "depends" on the key where they differ.
// A user's aws:userid is its own unique id, a plain fact (context.ts).
import type { NormalizedCondition } from '../../policy/types';
import { withWildcardsFilled } from '../../policy/wildcard';
import { evaluateCondition, type ConditionResult } from './condition';
import type { PrincipalFacts } from './context';
import { present, type KeyLookup } from './key-value';
import { MAYBE } from './tri';

export const USER_ID_KEY = 'aws:userid';

/** The role's unique id when the principal is a role whose id is known: its sessions' aws:userid starts with it. */
export function roleSessionId(principal: PrincipalFacts | undefined): string | undefined {
  return principal?.kind === 'role' ? principal.uniqueId : undefined;
}

export function isUserIdKey(key: string): boolean {
  return key.length === USER_ID_KEY.length && key.toLowerCase() === USER_ID_KEY;
}

/** A session name none of the values names, and the one each names after its `:` (wildcards filled). */
function sessionNames(condition: NormalizedCondition): string[] {
  const names = new Set(['leash-session']);
  for (const value of condition.values) {
    const colon = value.indexOf(':');
    if (colon >= 0) names.add(withWildcardsFilled(value.slice(colon + 1)));
  }
  return [...names];
}

/** The condition on aws:userid for a session of the role `roleId`, whatever its name: see the top of the file. */
export function roleSessionIdCondition(
  condition: NormalizedCondition,
  lookup: KeyLookup,
  roleId: string,
): ConditionResult {
  let first: ConditionResult | undefined;
  for (const name of sessionNames(condition)) {
    const value = present([`${roleId}:${name}`]);
    const result = evaluateCondition(condition, (lowerKey) => (lowerKey === USER_ID_KEY ? value : lookup(lowerKey)));
    if (result.tri === MAYBE) return result;
    if (first !== undefined && result.tri !== first.tri) return { tri: MAYBE, dependsOn: [condition.key] };
    first ??= result;
  }
  return first as ConditionResult;
}
