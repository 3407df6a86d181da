// Resource policies read as grants to the principals of the account they name. Within one account an Allow
// in a resource policy is enough on its own: no identity policy is needed, while explicit denies, SCPs and
// RCPs still apply. A permissions boundary caps such a grant only when the policy names the role by its ARN;
// it does not cap a grant to a user's ARN or to a role's session (IAM User Guide, policy evaluation within a
// single account). A grant to everyone ("*") is taken as uncapped too, the worst case. A statement naming the
// account itself leaves the decision to identity policies, so it grants nothing here; other accounts,
// services and federated principals are not principals of the snapshot and are only counted.
import { awsPrincipal, patternNames } from '../../policy/principals';
import type { AccountSnapshot, Principal, ResourcePolicy } from '../sources/snapshot';

/** One resource policy's Allow statements that name one principal, as an identity-style document. */
export interface ResourceGrant {
  /** The resource policy's name (`AWS::S3::BucketPolicy DataPolicy`). */
  readonly name: string;
  readonly document: { readonly Version: string; readonly Statement: Record<string, unknown>[] };
  /** Its permissions boundary does not cap this grant (a user, a session or everyone was named). */
  readonly uncapped: boolean;
}

export interface ResourceGrants {
  /** By principal ARN. */
  readonly byPrincipal: ReadonlyMap<string, readonly ResourceGrant[]>;
  /** Allow statements that name a principal of another account, a service or a federated identity. */
  readonly outside: number;
  /** Allow statements that reach at least one principal of the snapshot. */
  readonly reaching: number;
}

const NONE: ResourceGrants = { byPrincipal: new Map(), outside: 0, reaching: 0 };

/** Who one Allow statement names: everyone, principals of the snapshot (capped or not), or others. */
interface Named {
  everyone: boolean;
  capped: Principal[];
  uncapped: Principal[];
  outside: boolean;
}

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function namedBy(statement: Record<string, unknown>, snapshot: AccountSnapshot, actors: readonly Principal[]): Named {
  const named: Named = { everyone: false, capped: [], uncapped: [], outside: false };
  // An Allow with NotPrincipal names everyone but a few: read as everyone.
  if (statement.NotPrincipal !== undefined || statement.Principal === '*') {
    named.everyone = true;
    return named;
  }
  const principal = statement.Principal;
  if (!principal || typeof principal !== 'object' || Array.isArray(principal)) {
    // No principal at all (or one that is not an object): not a resource policy statement IAM would accept;
    // read as everyone so that it is never a grant to no one.
    named.everyone = true;
    return named;
  }
  for (const [kind, values] of Object.entries(principal as Record<string, unknown>)) {
    if (kind !== 'AWS') {
      named.outside = true;
      continue;
    }
    for (const value of asList(values)) {
      // YAML reads an unquoted account id as a number; anything else that is not text cannot be told apart
      // from any principal: everyone, the worst case.
      if (typeof value === 'number') name(String(value), snapshot, actors, named);
      else if (typeof value === 'string') name(value.trim(), snapshot, actors, named);
      else named.everyone = true;
    }
  }
  return named;
}

/** What one `AWS` value names, by awsPrincipal; a pattern (an unresolved template value) by matching. */
function name(value: string, snapshot: AccountSnapshot, actors: readonly Principal[], named: Named): void {
  const principal = awsPrincipal(value);
  const own = (accountId: string) => accountId === snapshot.accountId;
  const lower = (text: string) => text.toLowerCase();
  let found: Principal[] = [];
  let capped = false;
  switch (principal.kind) {
    case 'everyone':
      named.everyone = true;
      return;
    case 'account':
      // The account itself leaves the decision to identity policies; another account is outside.
      if (!own(principal.accountId)) named.outside = true;
      return;
    case 'role':
    case 'user':
      if (own(principal.accountId)) {
        found = actors.filter((p) => p.kind === principal.kind && lower(p.arn) === lower(principal.arn));
        // An unresolved template value widened to a pattern: every role or user it may name.
        if (found.length === 0) found = patternMatches(value, snapshot, actors);
        capped = principal.kind === 'role';
      }
      break;
    case 'role-session':
      if (own(principal.accountId)) {
        found = actors.filter((p) => p.kind === 'role' && lower(p.name) === lower(principal.roleName));
      }
      break;
    case 'other':
      found = patternMatches(value, snapshot, actors);
      capped = found.length > 0 && /:role\//.test(value);
      break;
  }
  if (found.length === 0) named.outside = true;
  (capped ? named.capped : named.uncapped).push(...found);
}

/**
 * A value with wildcards, as a template's unresolved principal is read (`arn:aws:iam::*:role/*`): every role or
 * user of the account it may name; a session pattern names the sessions of the roles whose name it may be.
 */
function patternMatches(value: string, snapshot: AccountSnapshot, actors: readonly Principal[]): Principal[] {
  if (!/[*?]/.test(value)) return [];
  const pattern = value.toLowerCase();
  // The account's root stands for identity policies here, not for a principal the statement grants.
  return actors.filter((p) => patternNames(pattern, { ...p, accountId: snapshot.accountId }, { root: false }));
}

/** The statement as an identity grant: no principal, and `*` resources narrowed to the governed resources. */
function grantStatement(statement: Record<string, unknown>, policy: ResourcePolicy): Record<string, unknown> {
  const { Principal: _principal, NotPrincipal: _notPrincipal, ...rest } = statement;
  const everything =
    rest.NotResource === undefined && (rest.Resource === undefined || asList(rest.Resource).includes('*'));
  if (!everything) return rest;
  return { ...rest, Resource: policy.resourceArns.length > 0 ? [...policy.resourceArns] : '*' };
}

const bySnapshot = new WeakMap<AccountSnapshot, ResourceGrants>();

/** What the snapshot's resource policies grant each of its principals (made once per snapshot). */
export function resourcePolicyGrants(snapshot: AccountSnapshot): ResourceGrants {
  const policies = snapshot.resourcePolicies;
  if (!policies || policies.length === 0) return NONE;
  let grants = bySnapshot.get(snapshot);
  if (!grants) bySnapshot.set(snapshot, (grants = grantsOf(snapshot, policies)));
  return grants;
}

function grantsOf(snapshot: AccountSnapshot, policies: readonly ResourcePolicy[]): ResourceGrants {
  const actors = snapshot.principals.filter((p) => p.kind !== 'group');
  const collected: Collected = new Map();
  let outside = 0;
  let reaching = 0;
  for (const policy of policies) {
    const document = policy.document as { Statement?: unknown } | null;
    const readable = !!document && typeof document === 'object' && !!document.Statement;
    for (const raw of readable ? asList(document.Statement) : [document]) {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
        // Who it names cannot be told: everyone gets it as written, so that compiling it reports it
        // unreadable for each of them (fail closed), never a grant to no one said nowhere.
        reaching++;
        for (const actor of actors) add(collected, actor, policy, raw, true);
        continue;
      }
      const statement = raw as Record<string, unknown>;
      // A Deny narrows access; leaving it out only ever shows more than AWS allows.
      if (statement.Effect === 'Deny') continue;
      const named = namedBy(statement, snapshot, actors);
      if (named.outside) outside++;
      const grant = grantStatement(statement, policy);
      const reached = new Map<Principal, boolean>();
      for (const p of named.capped) reached.set(p, reached.get(p) ?? false);
      for (const p of named.everyone ? actors : named.uncapped) reached.set(p, true);
      if (reached.size > 0) reaching++;
      for (const [principal, uncapped] of reached) add(collected, principal, policy, grant, uncapped);
    }
  }
  // Principals reached by the same statements of a policy share one grant (one document, compiled once): a
  // statement to everyone is one grant for the whole account, not one per principal.
  const statementIds = new Map<unknown, number>();
  for (const entries of collected.values()) {
    for (const { capped, uncapped } of entries) {
      for (const statement of [...capped, ...uncapped]) {
        if (!statementIds.has(statement)) statementIds.set(statement, statementIds.size);
      }
    }
  }
  const policyIds = new Map(policies.map((policy, index) => [policy, index]));
  const shared = new Map<string, ResourceGrant>();
  const grantFor = (policy: ResourcePolicy, statements: unknown[], uncapped: boolean) => {
    const key = `${policyIds.get(policy)}|${uncapped}|${statements.map((s) => statementIds.get(s)).join(',')}`;
    let grant = shared.get(key);
    if (!grant) shared.set(key, (grant = grantOf(policy, statements, uncapped)));
    return grant;
  };
  const byPrincipal = new Map<string, ResourceGrant[]>();
  for (const [arn, entries] of collected) {
    const grants: ResourceGrant[] = [];
    for (const { policy, capped, uncapped } of entries) {
      if (capped.length > 0) grants.push(grantFor(policy, capped, false));
      if (uncapped.length > 0) grants.push(grantFor(policy, uncapped, true));
    }
    byPrincipal.set(arn, grants);
  }
  return { byPrincipal, outside, reaching };
}

type Collected = Map<string, { policy: ResourcePolicy; capped: unknown[]; uncapped: unknown[] }[]>;

function add(collected: Collected, principal: Principal, policy: ResourcePolicy, grant: unknown, uncapped: boolean) {
  let list = collected.get(principal.arn);
  if (!list) collected.set(principal.arn, (list = []));
  let entry = list.find((item) => item.policy === policy);
  if (!entry) list.push((entry = { policy, capped: [], uncapped: [] }));
  (uncapped ? entry.uncapped : entry.capped).push(grant);
}

function grantOf(policy: ResourcePolicy, statements: unknown[], uncapped: boolean): ResourceGrant {
  return {
    name: policy.name,
    document: { Version: '2012-10-17', Statement: statements as Record<string, unknown>[] },
    uncapped,
  };
}

/** The resource policies that name the principal in a way its permissions boundary does not cap. */
export function uncappedGrantNames(snapshot: AccountSnapshot, principalArn: string): string[] {
  const grants = resourcePolicyGrants(snapshot).byPrincipal.get(principalArn) ?? [];
  return grants.filter((grant) => grant.uncapped).map((grant) => grant.name);
}
