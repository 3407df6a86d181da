// What one `AWS` principal value of a trust or resource policy names: one reading for the access graph's trusts,
// the audit's resource-policy grants, the templates' stand-ins and the CI gate. IAM names are unique regardless
// of case (a role `Admin` and a role `admin` cannot both exist), so callers compare names case-insensitively.

export type AwsPrincipal =
  /** `"*"`: every principal, of every account. */
  | { readonly kind: 'everyone' }
  /** The account (`<id>` or `arn:…:iam::<id>:root`): its principals, each through its own policies. */
  | { readonly kind: 'account'; readonly accountId: string }
  /** One IAM role or user, by ARN (with its path); `*` and `?` in it are as written (IAM allows no pattern here). */
  | {
      readonly kind: 'role' | 'user';
      readonly accountId: string;
      readonly arn: string;
      readonly path: string;
      readonly name: string;
    }
  /** Sessions of one role (`arn:…:sts::<id>:assumed-role/<name>/<session>`). */
  | { readonly kind: 'role-session'; readonly accountId: string; readonly roleName: string; readonly session: string }
  /** Anything else: a federated user, a unique id, a pattern, text that is no principal. */
  | { readonly kind: 'other' };

import { wildcardMatch, wildcardMatchesLonger } from './wildcard';

const ACCOUNT = /^\d{12}$/;
const ROOT = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;
const SESSION = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/;
const ENTITY = /^arn:aws[a-z-]*:iam::(\d{12}):(role|user)(\/(?:.*\/)?)([^/]+)$/;

export function awsPrincipal(value: string): AwsPrincipal {
  if (value === '*') return { kind: 'everyone' };
  if (ACCOUNT.test(value)) return { kind: 'account', accountId: value };
  const root = ROOT.exec(value);
  if (root) return { kind: 'account', accountId: root[1] };
  const session = SESSION.exec(value);
  if (session) return { kind: 'role-session', accountId: session[1], roleName: session[2], session: session[3] };
  const entity = ENTITY.exec(value);
  if (entity) {
    const [, accountId, kind, path, name] = entity;
    return { kind: kind as 'role' | 'user', accountId, arn: value, path, name };
  }
  return { kind: 'other' };
}

/** A user or role as a principal pattern is asked about: its ARN (with its partition), name and account. */
export interface PatternTarget {
  readonly kind: 'user' | 'role' | 'group';
  readonly arn: string;
  readonly name: string;
  readonly accountId: string;
}

/**
 * Whether a lower-cased principal pattern (an `AWS` value with wildcards, as a template's unresolved principal is
 * widened: IAM itself accepts none) may name the principal: its ARN, a session of it (a role: `sessions`, on by
 * default), or (`root`) the root of its account, which stands for each principal of the account.
 */
export function patternNames(
  pattern: string,
  principal: PatternTarget,
  options: { readonly root: boolean; readonly sessions?: boolean },
): boolean {
  const arn = principal.arn.toLowerCase();
  if (wildcardMatch(pattern, arn)) return true;
  const partition = arn.split(':')[1] ?? 'aws';
  if (options.root && patternNamesRoot(pattern, partition, principal.accountId)) return true;
  return (
    options.sessions !== false &&
    principal.kind === 'role' &&
    wildcardMatchesLonger(
      pattern,
      `arn:${partition}:sts::${principal.accountId}:assumed-role/${principal.name.toLowerCase()}/`,
    )
  );
}

/** Whether a lower-cased principal pattern may name the root of the account (`arn:<partition>:iam::<id>:root`). */
export function patternNamesRoot(pattern: string, partition: string, accountId: string): boolean {
  return wildcardMatch(pattern, `arn:${partition}:iam::${accountId}:root`);
}
