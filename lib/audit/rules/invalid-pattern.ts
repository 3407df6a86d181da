// Policies that do less than they say: a Deny on `*:Delete*` or on a misspelt action denies nothing, and a
// policy AWS would reject may not be in force at all. Decided by the policy validator against the catalog.
import { validatePolicy } from '../../policy';
import type { RuleFinding, RuleContext, RuleMeta, Severity } from './types';
import { snapshotParseCache } from '../sources/parse-cache';
import type { Principal } from '../sources/snapshot';
import { reachedPrincipals } from './support/policies';
import { docsUrl, rawStatement } from './support/meta';

export const meta: RuleMeta = {
  id: 'invalid-pattern',
  category: 'invalid-policy',
  severity: 'high',
  title: 'Policy pattern that matches nothing or is invalid',
  help:
    'A policy names an action pattern AWS rejects (a wildcard in the service prefix such as "*:Delete*") or ' +
    'that matches no action in the AWS catalog (a typo, a retired action), or a condition key AWS never sends ' +
    '(a misspelt global key, a service key the reference does not list), or an Allow whose ForAllValues test of ' +
    'a single-valued key holds wherever the key is missing. In a Deny, SCP or boundary the protection silently ' +
    'does nothing. Name each service ("ec2:Delete*", "rds:Delete*"), check spelling, and keep set operators ' +
    'for multivalued keys (aws:TagKeys).',
  docsUrl: docsUrl('invalid-pattern'),
};

/** Which statement a problem path such as `Statement[2].Action[0]` points into. */
function statementIndex(path: string): number | undefined {
  const match = /^Statement(?:\[(\d+)\])?(?:\.|$)/.exec(path);
  if (!match) return undefined;
  return match[1] === undefined ? 0 : Number(match[1]);
}

export function check(context: RuleContext): RuleFinding[] {
  const { analysis, catalog, snapshot } = context;
  const findings: RuleFinding[] = [];
  for (const policy of analysis.policies) {
    // AWS validates its own managed policies; they may name actions newer than the catalog data.
    if (policy.awsManaged) continue;
    // Who the policy reaches, found only for a policy with a problem: most have none.
    let reached: Principal[] | undefined;
    const principalsOf = () =>
      (reached ??= policy.kind === 'scp' || policy.kind === 'rcp' ? [] : reachedPrincipals(policy, snapshot));
    const problems = validatePolicy(policy.document, policy.type, catalog, {
      sizeKind: false,
      where: policy.id,
      cache: snapshotParseCache(snapshot),
    });
    for (const problem of problems) {
      const matchesNothing =
        /matches no action|unknown service prefix|wildcard in the service prefix|is not a condition key of/.test(
          problem.message,
        );
      // ForAllValues on a single-valued key: the Allow holds wherever the key is missing.
      const holdsWithoutKey = /a key a request carries at most once/.test(problem.message);
      if (problem.severity === 'warning' && !matchesNothing && !holdsWithoutKey) continue;
      const index = statementIndex(problem.path);
      const statement = index === undefined ? undefined : rawStatement(policy.document, index);
      const effect = (statement as { Effect?: unknown } | undefined)?.Effect;
      const protective =
        effect === 'Deny' || policy.kind === 'scp' || policy.kind === 'rcp' || policy.kind === 'boundary';
      // A condition key AWS never sends makes its test pass for every request (a negated or IfExists test)
      // or for none: a Deny then applies to everything it names, an Allow holds without what it was to require.
      const alwaysTrue = / test is always true/.test(problem.message) || holdsWithoutKey;
      const severity: Severity = protective ? 'high' : problem.severity === 'warning' && !alwaysTrue ? 'low' : 'medium';
      const consequence =
        effect === 'Deny'
          ? alwaysTrue
            ? 'this Deny applies to every request it names, whatever its condition was to set apart'
            : 'this Deny does not protect what it names'
          : protective
            ? `this ${policy.kind === 'boundary' ? 'boundary' : policy.kind.toUpperCase()} statement does not do what it says`
            : holdsWithoutKey
              ? 'the Allow grants more than its condition says'
              : alwaysTrue
                ? 'the Allow holds whatever its condition was to require'
                : 'the statement grants less than it says (or AWS rejects the policy)';
      findings.push({
        severity,
        message: `${policy.kind} policy ${policy.name}${problem.path ? ` at ${problem.path}` : ''}: ${problem.message}; ${consequence}.`,
        principalArn: policy.owner?.arn,
        location: policy.owner?.location,
        evidence: [
          {
            policy: policy.evidencePolicy,
            policyKind: policy.kind,
            ...(index !== undefined ? { statementIndex: index } : {}),
            ...(statement !== undefined ? { statement } : {}),
            note: problem.message,
          },
        ],
        details: {
          key: `${policy.id}|${problem.path}`,
          ...(policy.owner ? {} : { policyArn: policy.evidencePolicy }),
          path: problem.path,
          effect: typeof effect === 'string' ? effect : undefined,
          principals: principalsOf()
            .slice(0, 100)
            .map((p) => p.arn),
        },
        remediation:
          'Use a literal service prefix with a wildcard only in the action name (e.g. "ec2:Delete*"), fix misspelt actions, and re-run leash audit to confirm the deny now matches.',
      });
    }
  }
  return findings;
}
