// Web identity federation (GitHub Actions, GitLab, HCP Terraform, Buildkite, EKS, Cognito) without `aud` and
// `sub` conditions that refuse someone else's token: every token the provider issues to anyone (any GitHub
// repository in the world, or a `sub` pattern such as `project_path:*` that any project meets) can assume the role.
import type { RuleFinding, RuleContext, RuleMeta, Severity } from './types';
import { docsUrl } from './support/meta';
import { GITHUB_OIDC_HOST, oidcProviderHost, trustStatements } from './support/trust';
import { evaluateCondition } from '../evaluate/condition';
import { present, type KeyValue } from '../evaluate/key-value';
import { refusesEach } from '../evaluate/stranger';
import { YES } from '../evaluate/tri';
import type { NormalizedStatement } from '../../policy/types';

export const meta: RuleMeta = {
  id: 'trust-oidc-unconstrained',
  category: 'trust',
  severity: 'critical',
  title: 'OIDC federation without audience or subject condition',
  help:
    'The trust policy accepts web identity tokens from an OIDC provider without a condition on the ' +
    "`<provider>:sub` claim (who) or the `<provider>:aud` claim (for whom). For GitHub Actions, anyone's " +
    'workflow could assume the role. Add StringEquals on aud and on sub (e.g. "repo:org/repo:environment:prod").',
  docsUrl: docsUrl('trust-oidc-unconstrained'),
};

/** A claim value of a token the provider issues to someone else: an identity, or an audience, of its own. */
const STRANGER_CLAIM = 'leash-stranger';

/**
 * Issuers any customer of a CI service shares, with the subject a stranger's job there gets and who that stranger
 * is. Every subject starts with `shape` and then its owner (a GitHub account, a GitLab group, an organization),
 * which ends at `ownerEnd`: the owner is what a stranger cannot be, the rest of a subject (repository, pipeline,
 * branch) a stranger names as they like in their own. Self-hosted GitLab and GitHub Enterprise issuers write the
 * same claims, so a trust's `sub` values of one of these shapes are read so whatever the host.
 */
const SHARED_ISSUERS: readonly { host: string; shape: string; ownerEnd: string; stranger: string; who: string }[] = [
  {
    host: GITHUB_OIDC_HOST,
    shape: 'repo:',
    ownerEnd: '/',
    stranger: 'repo:leash-stranger/leash-stranger:ref:refs/heads/main',
    who: 'any GitHub Actions workflow, in any repository',
  },
  {
    host: 'gitlab.com',
    shape: 'project_path:',
    ownerEnd: '/',
    stranger: 'project_path:leash-stranger/leash-stranger:ref_type:branch:ref:main',
    who: 'any GitLab CI job, in any project',
  },
  {
    host: 'app.terraform.io',
    shape: 'organization:',
    ownerEnd: ':',
    stranger: 'organization:leash-stranger:project:leash-stranger:workspace:leash-stranger:run_phase:apply',
    who: 'any HCP Terraform run, in any organization',
  },
  {
    host: 'agent.buildkite.com',
    shape: 'organization:',
    ownerEnd: ':',
    stranger: 'organization:leash-stranger:pipeline:leash-stranger:ref:refs/heads/main:commit:0000000:step:deploy',
    who: 'any Buildkite pipeline, in any organization',
  },
];

/**
 * The subjects of tokens the provider issues to someone else: a plain one, the host's stranger, and for each `sub`
 * pattern of the trust whose owner part has a wildcard (`project_path:*`, `organization:acme*:...`), the subject it
 * matches with its wildcards filled: an owner name a stranger may register, with the rest as the pattern asks.
 */
function strangerSubjects(host: string, statement: NormalizedStatement): string[] {
  const patterns = statement.conditions
    .filter((condition) => condition.key.toLowerCase() === `${host}:sub` && condition.baseOperator === 'StringLike')
    .flatMap((condition) => condition.values);
  const subjects = [STRANGER_CLAIM];
  for (const issuer of SHARED_ISSUERS) {
    if (issuer.host === host) subjects.push(issuer.stranger);
    for (const pattern of patterns.filter((p) => p.startsWith(issuer.shape))) {
      const rest = pattern.slice(issuer.shape.length);
      const end = rest.indexOf(issuer.ownerEnd);
      const owner = end < 0 ? rest : rest.slice(0, end);
      if (/[*?]/.test(owner)) subjects.push(pattern.replace(/[*?]/g, 'x'));
    }
  }
  return [...new Set(subjects)];
}

export function check(context: RuleContext): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const trust of trustStatements(context.snapshot)) {
    const actions = trust.statement.actions ?? [];
    if (!actions.some((a) => /^(sts:assumerolewithwebidentity|sts:\*|\*)$/i.test(a))) continue;
    for (const federated of trust.statement.principals?.Federated ?? []) {
      const host = oidcProviderHost(federated);
      if (!host) continue;
      // Tokens always carry sub and aud: the stranger's own values of them.
      const hasSub =
        refusesEach(
          trust.statement,
          `${host}:sub`,
          strangerSubjects(host, trust.statement).map((subject) => present([subject])),
        ) || refusesEach(trust.statement, `${host}:amr`, [present([STRANGER_CLAIM])]);
      const hasAud = refusesEach(trust.statement, `${host}:aud`, [present([STRANGER_CLAIM])]);
      if (hasSub && hasAud) {
        const guests = host === COGNITO_HOST ? guestFinding(trust.statement, trust.denies) : undefined;
        if (guests) {
          findings.push({
            ...guests,
            principalArn: trust.role.arn,
            location: trust.role.location,
            evidence: [trust.evidence],
            details: { key: `${trust.statement.index}:${host}:guests`, provider: host, guests: true },
          });
        }
        continue;
      }
      const github = host === GITHUB_OIDC_HOST;
      const shared = SHARED_ISSUERS.find((issuer) => issuer.host === host);
      const severity: Severity = !hasSub ? (shared ? 'critical' : 'high') : 'medium';
      const missing = [!hasAud ? `${host}:aud` : '', !hasSub ? `${host}:sub` : ''].filter(Boolean);
      findings.push({
        severity,
        message:
          `trust policy accepts tokens from ${host} without a condition on ${missing.join(' or ')} that refuses ` +
          'a token the provider issues to someone else' +
          (!hasSub && shared ? `: ${shared.who}, can assume the role.` : '.'),
        principalArn: trust.role.arn,
        location: trust.role.location,
        evidence: [trust.evidence],
        details: { key: `${trust.statement.index}:${host}`, provider: host, missingConditions: missing },
        remediation: github
          ? 'Add "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": "repo:<org>/<repo>:environment:<env>"}.'
          : `Add StringEquals conditions on ${host}:aud (your client id) and ${host}:sub (the identity that may assume the role).`,
      });
    }
  }
  return findings;
}

const COGNITO_HOST = 'cognito-identity.amazonaws.com';

/**
 * A Cognito identity pool that allows unauthenticated (guest) identities hands a token to anyone who asks, no
 * sign-in needed: its `amr` claim is `["unauthenticated"]` and its `sub` a fresh identity id of the pool's
 * region. A trust that keeps out other pools' tokens but lets such a token in makes the role anyone's on the
 * internet, if the pool allows guests (a setting of the pool, not in IAM). Deny statements of the same trust
 * that a guest's token meets keep guests out.
 */
function guestFinding(
  statement: NormalizedStatement,
  denies: readonly NormalizedStatement[],
): Pick<RuleFinding, 'severity' | 'message' | 'remediation'> | undefined {
  const guest = guestClaims(statement);
  const refused = Object.entries(guest).some(([key, value]) => refusesEach(statement, key, [value]));
  if (refused) return undefined;
  const lookup = (lowerKey: string): KeyValue => guest[lowerKey] ?? { state: 'unknown' };
  const deniedToGuests = denies.some(
    (deny) =>
      ((deny.principals?.Federated ?? []).some((f) => f.toLowerCase() === COGNITO_HOST) ||
        (deny.principals?.AWS ?? []).includes('*')) &&
      deny.conditions.every((condition) => evaluateCondition(condition, lookup).tri === YES),
  );
  if (deniedToGuests) return undefined;
  return {
    severity: 'high',
    message:
      `trust policy accepts guest (unauthenticated) identities of a Cognito identity pool: ` +
      `${COGNITO_HOST}:amr "unauthenticated" meets its conditions, so anyone on the internet can take the role's ` +
      'credentials, without signing in, if the pool allows unauthenticated identities (a setting of the pool).',
    remediation:
      `Require authenticated identities ("ForAnyValue:StringLike": {"${COGNITO_HOST}:amr": "authenticated"}), ` +
      "or keep the pool's guest role to what anyone on the internet may do.",
  };
}

/** The claims of a guest's token of the pool the trust names (its `aud`), by lower-cased key. */
function guestClaims(statement: NormalizedStatement): Record<string, KeyValue> {
  const audience = statement.conditions
    .filter((c) => c.key.toLowerCase() === `${COGNITO_HOST}:aud`)
    .flatMap((c) => c.values)
    .find((value) => /^[a-z]{2}(-[a-z]+)+-\d:/.test(value));
  const region = audience ? audience.slice(0, audience.indexOf(':')) : 'us-east-1';
  return {
    [`${COGNITO_HOST}:amr`]: present(['unauthenticated']),
    [`${COGNITO_HOST}:sub`]: present([`${region}:0e1ea5e0-0000-4000-8000-00000000a11e`]),
    ...(audience ? { [`${COGNITO_HOST}:aud`]: present([audience]) } : {}),
  };
}
