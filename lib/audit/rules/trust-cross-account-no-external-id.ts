// Another account is trusted without sts:ExternalId (the confused-deputy guard for third parties) or an
// organization condition: anyone that account lets assume roles can come in.
import type { RuleFinding, RuleContext, RuleMeta, Severity } from './types';
import { docsUrl } from './support/meta';
import { principalAccount, trustStatements } from './support/trust';
import { refusesEach, STRANGER_ORG, STRANGER_ORG_PATH } from '../evaluate/stranger';
import type { NormalizedStatement } from '../../policy/types';
import { ABSENT, present } from '../evaluate/key-value';

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

/**
 * Whether the statement holds a guard that works: an external id the deputy's other customers cannot send (a
 * value of theirs or none), or an organization a principal outside it does not meet (in no organization, or in
 * one of its own). A condition on those keys that such a caller meets (StringNotEquals, ...IfExists, "*") is none.
 */
function guarded(statement: NormalizedStatement): boolean {
  return (
    refusesEach(statement, 'sts:externalid', [present(['leash-other-customer']), ABSENT]) ||
    refusesEach(statement, 'aws:principalorgid', [ABSENT, present([STRANGER_ORG])]) ||
    refusesEach(statement, 'aws:principalorgpaths', [ABSENT, present([STRANGER_ORG_PATH])])
  );
}

/** MFA that is required: a session without it (an assumed role sends no key, a user's key says false) is refused. */
function mfaRequired(statement: NormalizedStatement): boolean {
  return refusesEach(statement, 'aws:multifactorauthpresent', [ABSENT, present(['false'])]);
}

/**
 * A principal ARN whose account is a pattern: a template's account that only deployment decides, widened (AWS
 * accepts no wildcard there, so a deployed policy never has one). It may be any account, this one or another.
 */
function accountUndecided(value: string): boolean {
  const account = /^arn:[^:]*:(?:iam|sts)::([^:]*):/.exec(value)?.[1];
  return account !== undefined && /[*?]/.test(account);
}

export function check(context: RuleContext): RuleFinding[] {
  const { snapshot } = context;
  const findings: RuleFinding[] = [];
  for (const trust of trustStatements(snapshot)) {
    const aws = trust.statement.principals?.AWS ?? [];
    const foreign = aws.filter((value) => {
      const account = principalAccount(value);
      return (account !== undefined && account !== snapshot.accountId) || accountUndecided(value);
    });
    if (foreign.length === 0) continue;
    const undecided = foreign.filter(accountUndecided);
    if (guarded(trust.statement)) continue;
    const wholeAccount = foreign.some((value) => /^\d{12}$/.test(value) || value.endsWith(':root'));
    const mfa = mfaRequired(trust.statement);
    const severity: Severity = mfa ? 'medium' : 'high';
    findings.push({
      severity,
      message:
        `trust policy lets ${foreign.join(', ')} assume the role without an sts:ExternalId or aws:PrincipalOrgID ` +
        'condition that keeps others out' +
        (wholeAccount ? '; it trusts the whole account, so any identity there that may assume roles can.' : '.') +
        (undecided.length > 0
          ? ` The account of ${undecided.join(', ')} is left to deployment (a parameter or a value the template ` +
            'does not give): it may be any account.'
          : '') +
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
