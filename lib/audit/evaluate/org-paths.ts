// aws:PrincipalOrgPaths, answered from what an organization input knows: the organization id and the chain of
// levels (root, OUs) the account's SCPs hang from. The key's value is the principal's place in the organization,
// `o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-ab12-22222222/`; AWS writes the entity path of an account itself with
// the account id at the end instead, and a condition is answered only where both forms give the same answer
// (answerCondition), so a policy written for either form is never judged on a guess. Used wherever the key is
// read: a caller's own policies, its boundary, SCPs and RCPs (evaluator), and trust policies (graph).
import type { NormalizedCondition } from '../../policy/types';
import { LEVEL_ID } from '../sources/chain-order';
import { ORGANIZATION_ID } from '../sources/organization-id';
import type { AccountSnapshot } from '../sources/snapshot';
import { evaluateCondition, type ConditionResult } from './condition';
import { present, type KeyLookup } from './key-value';
import { isUserIdKey, roleSessionIdCondition, USER_ID_KEY } from './role-session-id';
import { MAYBE } from './tri';

export const ORG_PATHS_KEY = 'aws:principalorgpaths';

/**
 * The values aws:PrincipalOrgPaths may have for a principal of the account: the path down to its OU, and the
 * same with the account id; undefined unless the organization id and a chain of real root and OU ids are known
 * (a chain made up from `--scp` policy files has no real root id).
 */
export function principalOrgPathCandidates(
  snapshot: AccountSnapshot,
  organizationId: string | undefined,
): readonly string[] | undefined {
  if (!organizationId || !ORGANIZATION_ID.test(organizationId) || !snapshot.organizationPoliciesKnown) return undefined;
  const levels = snapshot.serviceControlPolicies;
  const root = levels[0];
  const account = levels[levels.length - 1];
  if (levels.length < 2 || root.kind !== 'root' || !LEVEL_ID.root.test(root.id)) return undefined;
  if (account.kind !== 'account' || account.id !== snapshot.accountId) return undefined;
  const units = levels.slice(1, -1);
  if (!units.every((level) => level.kind === 'ou' && LEVEL_ID.ou.test(level.id))) return undefined;
  const path = [organizationId, root.id, ...units.map((level) => level.id)].join('/');
  return [`${path}/`, `${path}/${snapshot.accountId}`];
}

/**
 * A condition answered with `lookup`, except that one on aws:PrincipalOrgPaths the lookup does not know is asked
 * with each value in `orgPaths` (principalOrgPathCandidates): the answer they all give, or "depends" on the key
 * where they differ. Likewise one on aws:userid for a session of the role whose unique id is `roleId`, asked
 * with each session name it tells apart (role-session-id.ts).
 */
export function answerCondition(
  condition: NormalizedCondition,
  lookup: KeyLookup,
  orgPaths: readonly string[] | undefined,
  roleId?: string,
): ConditionResult {
  if (roleId !== undefined && isUserIdKey(condition.key) && lookup(USER_ID_KEY).state === 'unknown') {
    return roleSessionIdCondition(condition, lookup, roleId);
  }
  if (orgPaths === undefined || orgPaths.length === 0 || condition.key.toLowerCase() !== ORG_PATHS_KEY) {
    return evaluateCondition(condition, lookup);
  }
  if (lookup(ORG_PATHS_KEY).state !== 'unknown') return evaluateCondition(condition, lookup);
  const first = evaluateCondition(condition, withOrgPath(lookup, orgPaths[0]));
  if (first.tri !== MAYBE) {
    let agree = true;
    for (let i = 1; i < orgPaths.length && agree; i++) {
      agree = evaluateCondition(condition, withOrgPath(lookup, orgPaths[i])).tri === first.tri;
    }
    if (agree) return first;
  }
  return { tri: MAYBE, dependsOn: [condition.key] };
}

function withOrgPath(lookup: KeyLookup, path: string): KeyLookup {
  const value = present([path]);
  return (lowerKey) => (lowerKey === ORG_PATHS_KEY ? value : lookup(lowerKey));
}
