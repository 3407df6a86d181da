// Which source identities nobody may set on a role's sessions, whoever makes them: an organization that exempts
// break-glass sessions by source identity (`aws:SourceIdentity` like `breakglass-*`) usually also denies setting
// that value (`Deny sts:SetSourceIdentity where sts:SourceIdentity is breakglass-*`), and then no session carries
// it. Only a refusal that holds for every caller the trust admits counts: an RCP Deny (it holds on the role for any
// caller), or an SCP Deny where every such caller is a principal of the role's account (the SCPs hold them all).
// A Deny that reads anything but the value (the caller's ARN, a tag) may let someone through: it refuses nothing.
import { resourceMatches, statementCoversAction } from '../../../policy';
import type { NormalizedStatement } from '../../../policy/types';
import { evaluateCondition } from '../../evaluate/condition';
import { present, UNKNOWN } from '../../evaluate/key-value';
import { YES } from '../../evaluate/tri';
import type { SessionChoices } from '../../graph/trust';
import type { AccountSnapshot, Principal } from '../../sources/snapshot';
import type { PolicyInUse } from './policies';

const SET_SOURCE_IDENTITY = 'sts:SetSourceIdentity';
const VALUE_KEY = 'sts:sourceidentity';

/**
 * A test of the source identities no caller may set on `role`'s sessions; undefined when the organization's
 * policies refuse none for sure (or do not hold here: the management account).
 */
export function sourceIdentityRefusals(
  snapshot: AccountSnapshot,
  policies: readonly PolicyInUse[],
  role: Principal,
  choices: SessionChoices,
): ((value: string) => boolean) | undefined {
  if (snapshot.isManagementAccount || !snapshot.organizationPoliciesKnown) return undefined;
  const denies: NormalizedStatement[] = [];
  for (const policy of policies) {
    const holds = policy.type === 'rcp' || (policy.type === 'scp' && choices.sourceIdentitySetInAccount === true);
    if (!holds) continue;
    for (const statement of policy.parsed()?.statements ?? []) {
      if (refusesOnRole(statement, role.arn)) denies.push(statement);
    }
  }
  if (denies.length === 0) return undefined;
  const refused = new Map<string, boolean>();
  return (value) => {
    let known = refused.get(value);
    if (known === undefined) {
      const lookup = (lowerKey: string) => (lowerKey === VALUE_KEY ? present([value]) : UNKNOWN);
      known = denies.some((statement) =>
        statement.conditions.every((condition) => evaluateCondition(condition, lookup).tri === YES),
      );
      refused.set(value, known);
    }
    return known;
  };
}

/** A Deny of sts:SetSourceIdentity on the role, for every principal. */
function refusesOnRole(statement: NormalizedStatement, roleArn: string): boolean {
  if (statement.effect !== 'Deny' || statement.notPrincipals !== undefined) return false;
  const principals = statement.principals;
  if (principals !== undefined && !(Object.keys(principals).length === 1 && principals.AWS?.includes('*')))
    return false;
  if (!statementCoversAction(statement, SET_SOURCE_IDENTITY)) return false;
  if (statement.resources) return statement.resources.some((pattern) => resourceMatches(pattern, roleArn));
  if (statement.notResources) return !statement.notResources.some((pattern) => resourceMatches(pattern, roleArn));
  return true;
}
