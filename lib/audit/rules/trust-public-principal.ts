// A trust policy with Principal "*" lets any AWS identity in any account assume the role unless its conditions
// keep a stranger out. Each statement is asked as a stranger would meet it (support/stranger.ts), whatever its
// condition keys and operators, not by which keys it names.
import type { RuleFinding, RuleContext, RuleMeta, Severity } from './types';
import { docsUrl } from './support/meta';
import { strangerAlwaysMeets, strangerMeets, type StrangerAnswer } from '../evaluate/stranger';
import type { NormalizedStatement } from '../../policy/types';
import { trustStatements } from './support/trust';
import { NO, YES } from '../evaluate/tri';

export const meta: RuleMeta = {
  id: 'trust-public-principal',
  category: 'trust',
  severity: 'critical',
  title: 'Role can be assumed by anyone',
  help:
    'The trust policy allows Principal "*" (any AWS account) and its conditions do not keep out a role or user ' +
    'of another account that picks its own names, tags, session and request (a negated or ...IfExists ' +
    'organization condition, a wildcard account in aws:PrincipalArn and an external id all let it in). Name the ' +
    'trusted principals, or require aws:PrincipalOrgID.',
  docsUrl: docsUrl('trust-public-principal'),
};

/** What the stranger sends, for the message: `aws:PrincipalArn arn:aws:iam::000000000000:role/ci-x`. */
function shown(answer: StrangerAnswer): string {
  const sent = Object.entries(answer.sent).map(([key, value]) =>
    value === null
      ? `no ${key} (${key.toLowerCase().startsWith('aws:principalorg') ? 'in no organization' : 'not sent'})`
      : `${key} ${JSON.stringify(value)}`,
  );
  return sent.length > 0 ? ` (for example with ${sent.join(', ')})` : '';
}

/** A Deny whose principal is everyone (`"*"`); one naming principals does not stop a stranger. */
function deniesEveryone(deny: NormalizedStatement): boolean {
  return (deny.principals?.AWS ?? []).includes('*') && (deny.resources ?? ['*']).includes('*');
}

export function check(context: RuleContext): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const trust of trustStatements(context.snapshot)) {
    const aws = trust.statement.principals?.AWS ?? [];
    if (!aws.includes('*')) continue;
    // A Deny of the same trust that stops every stranger, whatever it picks (StringNotEquals aws:PrincipalOrgID).
    if (trust.denies.some((deny) => deniesEveryone(deny) && strangerAlwaysMeets(deny))) continue;
    const conditionKeys = [...new Set(trust.statement.conditions.map((c) => c.key))];
    const stranger = strangerMeets(trust.statement, context.now);
    // A condition that cannot be decided (a policy variable no value is known for) may let a stranger in.
    const fromNetwork =
      stranger.tri === NO ? strangerMeets(trust.statement, context.now, { network: true }) : undefined;
    if (stranger.tri === NO && fromNetwork?.tri === NO) continue;
    const certain = stranger.tri === YES;
    const severity: Severity = conditionKeys.length === 0 ? 'critical' : certain ? 'high' : 'medium';
    const externalIdOnly = conditionKeys.length === 1 && conditionKeys[0].toLowerCase() === 'sts:externalid';
    const keys = conditionKeys.join(', ');
    findings.push({
      severity,
      message:
        'trust policy allows Principal "*" to assume the role' +
        (conditionKeys.length === 0
          ? ' with no condition at all: any AWS identity in any account.'
          : certain
            ? ` and a role or user of any other account meets its conditions on ${keys}` +
              `${shown(stranger)}${externalIdOnly ? ': an external id is a shared secret, not an identity check' : ''}.`
            : fromNetwork === undefined
              ? ` and a role or user of any other account may meet its conditions on ${keys}: some could not be ` +
                'decided (a policy variable whose value is not known), so they are taken as met.'
              : ` and any AWS identity that calls from the network its conditions name meets them` +
                `${shown(fromNetwork)}: the network is the only thing keeping other accounts out.`),
      principalArn: trust.role.arn,
      location: trust.role.location,
      evidence: [trust.evidence],
      details: { key: `${trust.statement.index}`, conditionKeys: conditionKeys.map((k) => k.toLowerCase()) },
      remediation:
        'Replace "*" with the account or role ARNs that need access, or add an aws:PrincipalOrgID condition.',
    });
  }
  return findings;
}
