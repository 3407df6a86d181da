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
