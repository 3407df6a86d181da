// Another account is trusted without sts:ExternalId (the confused-deputy guard for third parties) or an
// organization condition: anyone that account lets assume roles can come in.
import type { RuleFinding, RuleContext, RuleMeta, Severity } from './types';
import { docsUrl } from './support/meta';
import { principalAccount, trustStatements } from './support/trust';

export const meta: RuleMeta = {
  id: 'trust-cross-account-no-external-id',
  category: 'trust',
  severity: 'high',
  title: 'Cross-account trust without ExternalId or organization condition',
  help:
    'The trust policy lets another AWS account assume the role with no sts:ExternalId condition (for third ' +
    'parties) and no aws:PrincipalOrgID / aws:PrincipalOrgPaths condition (for your own accounts). Add the ' +
    'condition that fits, and trust a specific role ARN rather than the whole account.',
  docsUrl: docsUrl('trust-cross-account-no-external-id'),
};

const GUARD_KEYS = ['sts:externalid', 'aws:principalorgid', 'aws:principalorgpaths'];

export function check(context: RuleContext): RuleFinding[] {
  const { snapshot } = context;
  const findings: RuleFinding[] = [];
  for (const trust of trustStatements(snapshot)) {
    const aws = trust.statement.principals?.AWS ?? [];
    const foreign = aws.filter((value) => {
      const account = principalAccount(value);
      return account !== undefined && account !== snapshot.accountId;
    });
    if (foreign.length === 0) continue;
    if (GUARD_KEYS.some((key) => trust.conditionKeys.has(key))) continue;
    const wholeAccount = foreign.some((value) => /^\d{12}$/.test(value) || value.endsWith(':root'));
    const mfa = trust.conditionKeys.has('aws:multifactorauthpresent');
    const severity: Severity = mfa ? 'medium' : 'high';
    findings.push({
      severity,
      message:
        `trust policy lets ${foreign.join(', ')} assume the role without sts:ExternalId or aws:PrincipalOrgID` +
        (wholeAccount ? '; it trusts the whole account, so any identity there that may assume roles can.' : '.') +
        (mfa ? ' (MFA is required, which lowers the risk.)' : ''),
      principalArn: trust.role.arn,
      location: trust.role.location,
      evidence: [trust.evidence],
      details: { key: `${trust.statement.index}`, trustedPrincipals: foreign, wholeAccount },
      remediation:
        'For a third party add "Condition": {"StringEquals": {"sts:ExternalId": "<secret>"}}; for your own organization add aws:PrincipalOrgID; trust the specific role ARN instead of :root.',
    });
  }
  return findings;
}
