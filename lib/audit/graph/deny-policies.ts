// Which of a principal's own policies hold a Deny statement. A Deny stops the principal only while the policy that
// holds it is attached: deleting the inline policy (iam:DeleteRolePolicy, DeleteUserPolicy), detaching the managed
// one (DetachRolePolicy, DetachUserPolicy), overwriting an inline one by its name (PutRolePolicy, PutUserPolicy) or
// leaving the group that holds it (RemoveUserFromGroup) takes the Deny away. A statement that cannot be read might be a Deny: its policy counts (fail closed).
import { salvagePolicy } from '../../policy';
import { snapshotParseCache } from '../sources/parse-cache';
import { principalLookup } from '../sources/principal-lookup';
import type { AccountSnapshot, ManagedPolicy, Principal } from '../sources/snapshot';

const managedByArn = new WeakMap<AccountSnapshot, ReadonlyMap<string, ManagedPolicy>>();

function managedPolicy(snapshot: AccountSnapshot, arn: string): ManagedPolicy | undefined {
  let byArn = managedByArn.get(snapshot);
  if (!byArn) {
    byArn = new Map(snapshot.managedPolicies.map((p) => [p.arn, p]));
    managedByArn.set(snapshot, byArn);
  }
  return byArn.get(arn);
}

function holdsDeny(snapshot: AccountSnapshot, document: unknown): boolean {
  const salvaged = salvagePolicy(document, { type: 'identity', cache: snapshotParseCache(snapshot) });
  return salvaged.unreadable.length > 0 || salvaged.policy.statements.some((s) => s.effect === 'Deny');
}

/** Names of the principal's inline policies that hold a Deny (or a statement that cannot be read). */
export function denyingInlinePolicies(snapshot: AccountSnapshot, principal: Principal): string[] {
  return principal.inlinePolicies.filter((p) => holdsDeny(snapshot, p.document)).map((p) => p.name);
}

/**
 * ARNs of the managed policies attached to the principal itself (not through its groups) that hold a Deny; a
 * policy whose document the snapshot lacks counts too: it may hold one.
 */
export function denyingManagedPolicies(snapshot: AccountSnapshot, principal: Principal): string[] {
  return principal.managedPolicyArns.filter((arn) => {
    const policy = managedPolicy(snapshot, arn);
    return policy === undefined || holdsDeny(snapshot, policy.document);
  });
}

/**
 * Names of the user's groups whose policies hold a Deny: inline or attached managed ones, or only those of `kind`.
 */
export function denyingGroups(
  snapshot: AccountSnapshot,
  user: Principal,
  kind: 'any' | 'inline' | 'managed' = 'any',
): string[] {
  const lookup = principalLookup(snapshot);
  return user.groups.filter((name) => {
    const group = lookup.group(name);
    if (!group) return false;
    return (
      (kind !== 'managed' && denyingInlinePolicies(snapshot, group).length > 0) ||
      (kind !== 'inline' && denyingManagedPolicies(snapshot, group).length > 0)
    );
  });
}
