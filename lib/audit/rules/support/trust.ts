// Role trust policies, parsed: the statements that let someone assume the role, and their conditions.
import { salvagePolicy, type NormalizedStatement } from '../../../policy';
import { snapshotParseCache } from '../../sources/parse-cache';
import type { AccountSnapshot, Principal } from '../../sources/snapshot';
import type { Evidence } from '../types';
import { rawStatement } from './meta';

export interface TrustStatement {
  readonly role: Principal;
  readonly statement: NormalizedStatement;
  readonly evidence: Evidence;
  /** Lower-cased condition keys on the statement. */
  readonly conditionKeys: ReadonlySet<string>;
  /** The Deny statements of the same trust policy that apply to assuming the role (sts:AssumeRole*, *). */
  readonly denies: readonly NormalizedStatement[];
}

/** Found once per snapshot: the four trust rules read the same statements. */
const found = new WeakMap<AccountSnapshot, readonly TrustStatement[]>();

/** Allow statements of every (non service-linked) role's trust policy that grant an sts:AssumeRole* action. */
export function trustStatements(snapshot: AccountSnapshot): readonly TrustStatement[] {
  let statements = found.get(snapshot);
  if (!statements) {
    statements = findTrustStatements(snapshot);
    found.set(snapshot, statements);
  }
  return statements;
}

function findTrustStatements(snapshot: AccountSnapshot): TrustStatement[] {
  const out: TrustStatement[] = [];
  for (const role of snapshot.principals) {
    if (role.kind !== 'role' || role.serviceLinked || role.trustPolicy === undefined) continue;
    // The whole policy when it parses; of a trust policy that does not, the statements that do are still
    // judged (the unreadable-policy rule reports the others, from the same salvage).
    const { policy, document } = salvagePolicy(role.trustPolicy, {
      type: 'trust',
      cache: snapshotParseCache(snapshot),
    });
    const assumes = (statement: NormalizedStatement) =>
      (statement.actions ?? []).some((a) => /^(sts:assumerole.*|sts:\*|\*)$/i.test(a));
    const denies = policy.statements.filter((statement) => statement.effect === 'Deny' && assumes(statement));
    for (const statement of policy.statements) {
      if (statement.effect !== 'Allow' || !assumes(statement)) continue;
      out.push({
        role,
        statement,
        conditionKeys: new Set(statement.conditions.map((c) => c.key.toLowerCase())),
        denies,
        evidence: {
          policy: 'trust',
          policyKind: 'trust',
          statementIndex: statement.index,
          ...(statement.sid ? { sid: statement.sid } : {}),
          statement: rawStatement(document, statement.index),
        },
      });
    }
  }
  return out;
}

/** Account id of an AWS principal (`123456789012`, `arn:aws:iam::123456789012:root`, a role ARN), if any. */
export function principalAccount(value: string): string | undefined {
  if (/^\d{12}$/.test(value)) return value;
  // Any partition, a pattern too: a template's unresolved partition is read as `arn:*:`.
  return /^arn:[^:]*:(?:iam|sts)::(\d{12}):/.exec(value)?.[1];
}

/** The OIDC provider host of a federated principal ARN: `arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com`. */
export function oidcProviderHost(federated: string): string | undefined {
  const match = /:oidc-provider\/(.+)$/.exec(federated);
  if (match) return match[1].toLowerCase();
  // Cognito identity pools and the well-known web identity providers appear without an ARN.
  if (
    /^(cognito-identity\.amazonaws\.com|accounts\.google\.com|graph\.facebook\.com|www\.amazon\.com)$/i.test(federated)
  ) {
    return federated.toLowerCase();
  }
  return undefined;
}

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
