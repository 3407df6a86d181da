// Allow + NotAction grants every action except the listed ones, including every action AWS adds later.
import type { RuleFinding, RuleContext, RuleMeta, Severity } from './types';
import { expandActionPatterns } from '../../policy';
import type { Principal } from '../sources/snapshot';
import { reachedPrincipals, statementEvidence } from './support/policies';
import { docsUrl } from './support/meta';

export const meta: RuleMeta = {
  id: 'allow-with-not-action',
  category: 'over-broad',
  severity: 'high',
  title: 'Allow with NotAction',
  help:
    'An Allow statement with NotAction grants every action of every service except those listed, including ' +
    'actions added in the future. Use Action with the actions needed; to exclude actions, add a Deny.',
  docsUrl: docsUrl('allow-with-not-action'),
};

export function check(context: RuleContext): RuleFinding[] {
  const { analysis, catalog, snapshot } = context;
  const findings: RuleFinding[] = [];
  for (const policy of analysis.policies) {
    if (policy.type !== 'identity') continue;
    // Who holds the policy, found only for a policy with a statement to report: most have none.
    let holders: Principal[] | undefined;
    for (const statement of policy.parsed()?.statements ?? []) {
      if (statement.effect !== 'Allow' || !statement.notActions) continue;
      const principals = (holders ??= reachedPrincipals(policy, snapshot).filter((p) => !p.serviceLinked));
      if (principals.length === 0) break;
      // Counted from the few actions the patterns name, not by asking a matcher about all 22,000.
      const excluded = new Set(expandActionPatterns(statement.notActions, catalog));
      const granted = catalog.actions.length - excluded.size;
      let destructive = 0;
      for (const action of catalog.destructive) if (!excluded.has(action)) destructive++;
      const unscoped = (statement.resources?.includes('*') ?? false) && statement.conditions.length === 0;
      const severity: Severity = unscoped ? 'high' : 'medium';
      const where = policy.owner ? `inline policy ${policy.name}` : `managed policy ${policy.name}`;
      findings.push({
        severity,
        message:
          `${where} statement ${statement.sid ?? statement.index} allows everything except ${statement.notActions.join(', ')}: ` +
          `${granted} actions today, ${destructive} of them destructive, and every action AWS adds later` +
          (unscoped ? ', on every resource.' : '.'),
        principalArn: policy.owner?.arn,
        location: policy.owner?.location,
        evidence: [statementEvidence(policy, statement, `Allow NotAction ${statement.notActions.join(', ')}`)],
        details: {
          key: `${statement.index}`,
          ...(policy.owner ? {} : { policyArn: policy.id }),
          notActions: statement.notActions,
          grantedActions: granted,
          destructiveActions: destructive,
          principals: principals.slice(0, 100).map((p) => p.arn),
          principalCount: principals.length,
        },
        remediation: 'Rewrite the statement with Action listing what is needed; express exclusions as a separate Deny.',
      });
    }
  }
  return findings;
}
