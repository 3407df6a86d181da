// GitHub Actions OIDC trust whose `sub` condition wildcards the repository (`repo:org/*`, `repo:*`): every
// repository matched, including ones anyone in the org can create, can assume the role. A pinned repository
// whose `sub` still matches a branch, tag, environment or pull request a pusher chooses (`repo:org/app:*`) is
// reported at medium: whoever may push there, a coding agent with write access included, runs a workflow as the role.
import type { RuleFinding, RuleContext, RuleMeta } from './types';
import { docsUrl } from './support/meta';
import { openCiSubject } from './support/ci-subjects';
import { GITHUB_OIDC_HOST, oidcProviderHost, trustStatements, type TrustStatement } from './support/trust';

export const meta: RuleMeta = {
  id: 'trust-github-wildcard-repo',
  category: 'trust',
  severity: 'high',
  title: 'CI OIDC trust with a wildcard repository or branch (GitHub, GitLab, HCP Terraform, Buildkite)',
  help:
    'The trust policy matches the GitHub Actions `sub` claim with a wildcard in the repository part ' +
    '("repo:my-org/*"), so any matching repository\'s workflows (a fork, a new repo, a pull request) can ' +
    'assume the role (high); or it pins the repository but matches any branch or pull request ("repo:my-org/app:*"), ' +
    'so whoever may push a branch there, an agent with write access included, runs a workflow as the role (medium). ' +
    'Pin the repository, and the protected branch or an environment with required reviewers: ' +
    '"repo:my-org/app:environment:production". The same for GitLab projects, HCP Terraform workspaces (and ' +
    'plans, which pull requests start) and Buildkite pipelines.',
  docsUrl: docsUrl('trust-github-wildcard-repo'),
};

/** The repository part of a `sub` pattern has a wildcard (or the pattern is not repository-shaped at all). */
export function repositoryIsWildcarded(pattern: string): boolean {
  if (!pattern.startsWith('repo:')) return /[*?]/.test(pattern);
  const repository = pattern.slice('repo:'.length).split(':')[0];
  return /[*?]/.test(repository) || !repository.includes('/');
}

/**
 * Whether a `sub` value with a pinned repository still lets in a workflow whose claim a pusher chooses: a
 * wildcard after the repository (`repo:org/app:*`, `...:ref:refs/heads/feature-*`, `...:environment:*`) matches a
 * branch or tag they may push, or an environment a workflow creates by naming it (GitHub makes a missing one,
 * unprotected); `repo:org/app:pull_request` is any pull request's workflow.
 */
export function branchIsOpen(value: string, like: boolean): boolean {
  if (!value.startsWith('repo:') || repositoryIsWildcarded(value)) return false;
  const rest = value.slice('repo:'.length).split(':').slice(1).join(':');
  return (like && /[*?]/.test(rest)) || rest.toLowerCase() === 'pull_request';
}

/** GitLab, HCP Terraform and Buildkite trusts: a project, workspace or pipeline, or a run, someone there chooses. */
function otherCiFindings(trust: TrustStatement): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const host of (trust.statement.principals?.Federated ?? []).map(oidcProviderHost)) {
    if (host === undefined || host === GITHUB_OIDC_HOST) continue;
    const open = trust.statement.conditions
      .filter((c) => c.key.toLowerCase() === `${host}:sub` && /^String(Equals|Like)(IgnoreCase)?$/.test(c.baseOperator))
      .flatMap((c) =>
        c.values.flatMap((value) => {
          const subject = openCiSubject(value, c.baseOperator === 'StringLike', host);
          return subject ? [{ value, subject }] : [];
        }),
      );
    for (const kind of ['unit', 'run'] as const) {
      const found = open.filter(({ subject }) => subject.kind === kind);
      if (found.length === 0) continue;
      const { service, where, what } = found[0].subject;
      findings.push({
        severity: kind === 'unit' ? 'high' : 'medium',
        message:
          `${service} may assume the role from ${what} (${where}: ${found.map(({ value }) => JSON.stringify(value)).join(', ')})` +
          (kind === 'unit'
            ? ': whoever may create one there gets the role.'
            : ': an agent with write access, for one, runs a job as the role.'),
        principalArn: trust.role.arn,
        location: trust.role.location,
        evidence: [trust.evidence],
        details: { key: `${trust.statement.index}:${host}:${kind}`, subPatterns: found.map(({ value }) => value) },
        remediation: `Pin the ${kind === 'unit' ? 'project, workspace or pipeline' : 'protected branch, or the apply phase'} with StringEquals on ${host}:sub.`,
      });
    }
  }
  return findings;
}

export function check(context: RuleContext): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const trust of trustStatements(context.snapshot)) {
    findings.push(...otherCiFindings(trust));
    for (const host of new Set((trust.statement.principals?.Federated ?? []).map(oidcProviderHost))) {
      if (host !== undefined) findings.push(...gitHubFindings(trust, host));
    }
  }
  return findings;
}

/**
 * GitHub Actions trusts of the public issuer, or of another whose subjects are GitHub's (`repo:`): a GitHub
 * Enterprise Cloud issuer (`token.actions.githubusercontent.com/<enterprise>`) or a GitHub Enterprise Server.
 */
function gitHubFindings(trust: TrustStatement, host: string): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const publicIssuer = host === GITHUB_OIDC_HOST;
  const subTests = trust.statement.conditions
    .filter((c) => c.key.toLowerCase() === `${host}:sub` && /^String(Equals|Like)(IgnoreCase)?$/.test(c.baseOperator))
    .map((c) => (publicIssuer ? c : { ...c, values: c.values.filter((value) => value.startsWith('repo:')) }));
  if (!publicIssuer && !subTests.some((c) => c.values.length > 0)) return findings;
  const keySuffix = publicIssuer ? '' : `:${host}`;
  const wildcarded = subTests
    .filter((c) => c.baseOperator === 'StringLike')
    .flatMap((c) => c.values.filter(repositoryIsWildcarded));
  const openBranches = subTests.flatMap((c) =>
    c.values.filter((value) => branchIsOpen(value, c.baseOperator === 'StringLike')),
  );
  if (wildcarded.length === 0 && openBranches.length > 0) {
    const repositories = [...new Set(openBranches.map((value) => value.slice('repo:'.length).split(':')[0]))];
    findings.push({
      severity: 'medium',
      message:
        `GitHub Actions may assume the role from a branch, tag, environment or pull request of ${repositories.join(', ')} ` +
        `that whoever may push there chooses (${openBranches.map((v) => JSON.stringify(v)).join(', ')}): an agent ` +
        'with write access, for one, runs a workflow as the role.',
      principalArn: trust.role.arn,
      location: trust.role.location,
      evidence: [trust.evidence],
      details: { key: `${trust.statement.index}:branch${keySuffix}`, subPatterns: openBranches },
      remediation:
        'Pin the branch or environment with StringEquals: "repo:my-org/app:ref:refs/heads/main" (a protected branch) or ' +
        '"repo:my-org/app:environment:production" (an environment with required reviewers).',
    });
  }
  if (wildcarded.length === 0) return findings;
  findings.push({
    severity: meta.severity,
    message: `GitHub Actions may assume the role from any repository matching ${wildcarded.map((v) => JSON.stringify(v)).join(', ')}.`,
    principalArn: trust.role.arn,
    location: trust.role.location,
    evidence: [trust.evidence],
    details: { key: `${trust.statement.index}${keySuffix}`, subPatterns: wildcarded },
    remediation: `Use StringEquals on ${host}:sub with the exact repository and environment, e.g. "repo:my-org/app:environment:production".`,
  });
  return findings;
}
