// A snapshot's principals by ARN and by name, made once per snapshot. Rules and the access graph look a
// principal up for every principal and every escalation it has: a scan of the whole list each time grew with the
// square of the account (about 0.3 s of CPU at 10,000 roles for one such lookup alone). The loader refuses a name
// or ARN given twice (unique-entries.ts), so the first listed is the only one.
import type { AccountSnapshot, Principal } from './snapshot';

export interface PrincipalLookup {
  /** The principal of any kind (user, role, group) with exactly this ARN, the first one listed. */
  withArn(arn: string): Principal | undefined;
  /** The user or role with exactly this ARN (the first one listed, as a scan would find it). */
  member(arn: string): Principal | undefined;
  /** The group with exactly this name. */
  group(name: string): Principal | undefined;
  /** The role with this name in any case: IAM names are unique regardless of case. */
  roleNamed(name: string): Principal | undefined;
  /** The groups, in the snapshot's order. */
  readonly groups: readonly Principal[];
}

const lookups = new WeakMap<AccountSnapshot, PrincipalLookup>();

function firstBy(
  principals: readonly Principal[],
  keyOf: (p: Principal) => string | undefined,
): Map<string, Principal> {
  const map = new Map<string, Principal>();
  for (const principal of principals) {
    const key = keyOf(principal);
    if (key !== undefined && !map.has(key)) map.set(key, principal);
  }
  return map;
}

/** The lookup of a loaded snapshot (its principals are not changed after loading). */
export function principalLookup(snapshot: AccountSnapshot): PrincipalLookup {
  let lookup = lookups.get(snapshot);
  if (lookup === undefined) {
    const all = firstBy(snapshot.principals, (p) => p.arn);
    const members = firstBy(snapshot.principals, (p) => (p.kind === 'group' ? undefined : p.arn));
    const groups = firstBy(snapshot.principals, (p) => (p.kind === 'group' ? p.name : undefined));
    const roles = firstBy(snapshot.principals, (p) => (p.kind === 'role' ? p.name.toLowerCase() : undefined));
    lookup = {
      withArn: (arn) => all.get(arn),
      member: (arn) => members.get(arn),
      group: (name) => groups.get(name),
      roleNamed: (name) => roles.get(name.toLowerCase()),
      groups: snapshot.principals.filter((p) => p.kind === 'group'),
    };
    lookups.set(snapshot, lookup);
  }
  return lookup;
}
