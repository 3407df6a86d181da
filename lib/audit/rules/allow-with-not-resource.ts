// Allow + NotResource grants the actions on every resource except the listed ones, in every account.
import type { RuleFinding, RuleContext, RuleMeta } from './types';
import type { Principal } from '../sources/snapshot';
import { reachedPrincipals, statementEvidence } from './support/policies';
import { docsUrl } from './support/meta';

export const meta: RuleMeta = {
  id: 'allow-with-not-resource',
  category: 'over-broad',
  severity: 'medium',
  title: 'Allow with NotResource',
  help:
    'An Allow statement with NotResource grants its actions on every resource except those listed, ' +
    'including resources in other accounts and resources created later. Use Resource with the resources needed.',
  docsUrl: docsUrl('allow-with-not-resource'),
};

export function check(context: RuleContext): RuleFinding[] {
  const { analysis, snapshot } = context;
  const findings: RuleFinding[] = [];
  for (const policy of analysis.policies) {
    if (policy.type !== 'identity') continue;
    // Who holds the policy, found only for a policy with a statement to report: most have none.
    let holders: Principal[] | undefined;
    for (const statement of policy.parsed()?.statements ?? []) {
      if (statement.effect !== 'Allow' || !statement.notResources) continue;
      const principals = (holders ??= reachedPrincipals(policy, snapshot).filter((p) => !p.serviceLinked));
      if (principals.length === 0) break;
      const actions = statement.actions ?? statement.notActions?.map((a) => `not ${a}`) ?? [];
      const where = policy.owner ? `inline policy ${policy.name}` : `managed policy ${policy.name}`;
      findings.push({
        severity: meta.severity,
        message:
          `${where} statement ${statement.sid ?? statement.index} allows ${actions.join(', ')} on every resource ` +
          `except ${statement.notResources.join(', ')}.`,
        principalArn: policy.owner?.arn,
        location: policy.owner?.location,
        evidence: [statementEvidence(policy, statement, `Allow NotResource ${statement.notResources.join(', ')}`)],
        details: {
          key: `${statement.index}`,
          ...(policy.owner ? {} : { policyArn: policy.id }),
          notResources: statement.notResources,
          principals: principals.slice(0, 100).map((p) => p.arn),
          principalCount: principals.length,
        },
        remediation: 'List the resources the statement is for under Resource.',
      });
    }
  }
  return findings;
}
