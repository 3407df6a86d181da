// Web identity federation (GitHub Actions, GitLab, EKS, Cognito) without `aud` and `sub` conditions: every
// token the provider issues to anyone (any GitHub repository in the world) can assume the role.
import type { RuleFinding, RuleContext, RuleMeta, Severity } from './types';
import { docsUrl } from './support/meta';
import { GITHUB_OIDC_HOST, oidcProviderHost, trustStatements } from './support/trust';
import { present } from '../evaluate/key-value';
import { refusesEach } from '../evaluate/stranger';

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

/** The subject of a stranger's token: for GitHub Actions, a workflow in a repository of its own. */
function strangerSubject(host: string): string {
  return host === GITHUB_OIDC_HOST ? 'repo:leash-stranger/leash-stranger:ref:refs/heads/main' : STRANGER_CLAIM;
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
        refusesEach(trust.statement, `${host}:sub`, [present([strangerSubject(host)])]) ||
        refusesEach(trust.statement, `${host}:amr`, [present([STRANGER_CLAIM])]);
      const hasAud = refusesEach(trust.statement, `${host}:aud`, [present([STRANGER_CLAIM])]);
      if (hasSub && hasAud) continue;
      const github = host === GITHUB_OIDC_HOST;
      const severity: Severity = !hasSub ? (github ? 'critical' : 'high') : 'medium';
      const missing = [!hasAud ? `${host}:aud` : '', !hasSub ? `${host}:sub` : ''].filter(Boolean);
      findings.push({
        severity,
        message:
          `trust policy accepts tokens from ${host} without a condition on ${missing.join(' or ')} that refuses ` +
          'a token the provider issues to someone else' +
          (!hasSub && github ? ': any GitHub Actions workflow, in any repository, can assume the role.' : '.'),
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
