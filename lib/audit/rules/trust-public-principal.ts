// A trust policy with Principal "*" lets any AWS identity in any account assume the role unless a condition
// pins the caller down.
import type { RuleFinding, RuleContext, RuleMeta, Severity } from './types';
import { docsUrl } from './support/meta';
import { CALLER_RESTRICTING_KEYS, trustStatements } from './support/trust';

export const meta: RuleMeta = {
  id: 'trust-public-principal',
  category: 'trust',
  severity: 'critical',
  title: 'Role can be assumed by anyone',
  help:
    'The trust policy allows Principal "*" (any AWS account) without a condition that restricts the caller ' +
    '(aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount/SourceArn). Name the ' +
    'trusted principals, or add aws:PrincipalOrgID.',
  docsUrl: docsUrl('trust-public-principal'),
};

export function check(context: RuleContext): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const trust of trustStatements(context.snapshot)) {
    const aws = trust.statement.principals?.AWS ?? [];
    if (!aws.includes('*')) continue;
    if (CALLER_RESTRICTING_KEYS.some((key) => trust.conditionKeys.has(key))) continue;
    const externalIdOnly = trust.conditionKeys.has('sts:externalid');
    const severity: Severity = trust.conditionKeys.size === 0 ? 'critical' : 'high';
    findings.push({
      severity,
      message:
        'trust policy allows Principal "*" to assume the role' +
        (trust.conditionKeys.size === 0
          ? ' with no condition at all: any AWS identity in any account.'
          : ` with only ${[...trust.conditionKeys].join(', ')} as condition${externalIdOnly ? ' (an external id is a shared secret, not an identity check)' : ''}.`),
      principalArn: trust.role.arn,
      location: trust.role.location,
      evidence: [trust.evidence],
      details: { key: `${trust.statement.index}`, conditionKeys: [...trust.conditionKeys] },
      remediation:
        'Replace "*" with the account or role ARNs that need access, or add an aws:PrincipalOrgID condition.',
    });
  }
  return findings;
}
