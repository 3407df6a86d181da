// GitHub Actions OIDC trust whose `sub` condition wildcards the repository (`repo:org/*`, `repo:*`): every
// repository matched, including ones anyone in the org can create, can assume the role.
import type { RuleFinding, RuleContext, RuleMeta } from './types';
import { docsUrl } from './support/meta';
import { GITHUB_OIDC_HOST, trustStatements } from './support/trust';

export const meta: RuleMeta = {
  id: 'trust-github-wildcard-repo',
  category: 'trust',
  severity: 'high',
  title: 'GitHub OIDC trust with a wildcard repository',
  help:
    'The trust policy matches the GitHub Actions `sub` claim with a wildcard in the repository part ' +
    '("repo:my-org/*"), so any matching repository\'s workflows (a fork, a new repo, a pull request) can ' +
    'assume the role. Pin the repository, and the branch or environment: "repo:my-org/app:environment:production".',
  docsUrl: docsUrl('trust-github-wildcard-repo'),
};

const SUB_KEY = `${GITHUB_OIDC_HOST}:sub`;

/** The repository part of a `sub` pattern has a wildcard (or the pattern is not repository-shaped at all). */
export function repositoryIsWildcarded(pattern: string): boolean {
  if (!pattern.startsWith('repo:')) return /[*?]/.test(pattern);
  const repository = pattern.slice('repo:'.length).split(':')[0];
  return /[*?]/.test(repository) || !repository.includes('/');
}

export function check(context: RuleContext): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const trust of trustStatements(context.snapshot)) {
    const federated = trust.statement.principals?.Federated ?? [];
    if (!federated.some((f) => f.toLowerCase().endsWith(`oidc-provider/${GITHUB_OIDC_HOST}`))) continue;
    const wildcarded = trust.statement.conditions
      .filter((c) => c.key.toLowerCase() === SUB_KEY && /^String(Not)?Like$/.test(c.baseOperator))
      .filter((c) => !c.baseOperator.startsWith('StringNot'))
      .flatMap((c) => c.values.filter(repositoryIsWildcarded));
    if (wildcarded.length === 0) continue;
    findings.push({
      severity: meta.severity,
      message: `GitHub Actions may assume the role from any repository matching ${wildcarded.map((v) => JSON.stringify(v)).join(', ')}.`,
      principalArn: trust.role.arn,
      location: trust.role.location,
      evidence: [trust.evidence],
      details: { key: `${trust.statement.index}`, subPatterns: wildcarded },
      remediation:
        'Use StringEquals on token.actions.githubusercontent.com:sub with the exact repository and environment, e.g. "repo:my-org/app:environment:production".',
    });
  }
  return findings;
}
