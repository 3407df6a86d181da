// Exemptions are matched by ARN: whoever may create a role with an exempt name, rewrite an exempt role's
// trust policy or pass it to code they control can step outside every guardrail. The same holds for the
// operator names of the escalation-and-execution opt-in. Also says, for each exempt role the account has,
// who its trust policy lets assume it.
import { exemptIdentities, type ExemptIdentity } from '../../guardrails/exemptions';
import { wildcardMatch } from '../../policy/wildcard';
import type { CatalogAction } from '../../catalog/types';
import { withCallerPick } from '../evaluate/caller-picks';
import { actionFacts } from '../evaluate/context';
import type { ActionDecision, RequestContext } from '../evaluate/types';
import type { RuleContext, RuleFinding, RuleMeta, Severity } from './types';
import { allowEvidence, docsUrl, listActions } from './support/meta';
import { pickedDecision } from './support/picked-decision';

/** Looks at principals one by one: safe to run over batches of principals. */
export const scope = 'principal' as const;

export const meta: RuleMeta = {
  id: 'exemption-claimable',
  category: 'privilege-escalation',
  severity: 'critical',
  title: 'Can claim a guardrail exemption',
  help:
    'Exempt principals (guardrails.exemptPrincipalArns) are outside the production SCPs, and they are ' +
    "matched by ARN. A principal that may create a role with an exempt name, rewrite an exempt role's trust " +
    'policy or pass it to a service can become exempt. The generated SCPs deny this (ProtectExemptRoles); ' +
    'attach them, or remove the IAM permissions. With guardrails.everyone.denyEscalationAndExecution on, ' +
    'operator role names (everyone.operatorPrincipalArns) are judged the same way (ProtectOperatorRoles).',
  docsUrl: docsUrl('exemption-claimable'),
};

/** Claiming: the role comes into being, trusts the caller, or runs the caller's code. */
const CLAIM_ACTIONS = ['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:PassRole'];
/** Changing what an exempt role may do, short of claiming it. */
const CHANGE_ACTIONS = [
  'iam:AttachRolePolicy',
  'iam:PutRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
  'iam:UntagRole',
  'iam:TagRole',
];

/** A concrete role ARN in `account` that the pattern matches (its wildcards filled in). */
function concreteArn(pattern: string, account: string): string {
  const parts = pattern.split(':');
  if (parts[4] === '*' || parts[4] === '') parts[4] = account;
  return parts.join(':').replace(/\*/g, 'leash-probe').replace(/\?/g, 'x');
}

/** Principals a trust policy names for sts:AssumeRole* (AWS, Federated and Service), as written. */
function trustedPrincipals(trust: unknown): string[] {
  const statements = (trust as { Statement?: unknown })?.Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  const out: string[] = [];
  for (const s of list as Record<string, unknown>[]) {
    if (s.Effect !== 'Allow') continue;
    const principal = s.Principal;
    if (principal === '*') out.push('*');
    else if (principal && typeof principal === 'object') {
      for (const value of Object.values(principal as Record<string, unknown>)) {
        out.push(...(Array.isArray(value) ? value.map(String) : [String(value)]));
      }
    }
  }
  return [...new Set(out)];
}

/** Names whose holders step outside guardrails, and who may manage them without claiming anything. */
interface ProtectedNames {
  /** How a finding names them ("a role an exemption names"). */
  readonly what: string;
  readonly patterns: readonly string[];
  readonly identities: readonly ExemptIdentity[];
  /** Principals the SCPs let manage these roles (they hold the power already). */
  readonly mayManage: (arn: string) => boolean;
  readonly remediation: string;
}

/** Exempt names always; operator names when the opt-in that gives operators their power is on. */
function protectedNames(context: RuleContext): ProtectedNames[] {
  const { analysis, guardrails } = context;
  const out: ProtectedNames[] = [];
  const roles = (patterns: readonly string[], field?: string) => {
    try {
      return exemptIdentities(patterns, field).filter((i) => i.kind === 'role');
    } catch {
      return undefined; // the config check reports patterns it cannot protect
    }
  };
  const exempt = roles(guardrails.exemptPrincipalArns);
  if (exempt && exempt.length > 0) {
    out.push({
      what: 'a role an exemption names',
      patterns: exempt.map((i) => i.pattern),
      identities: exempt,
      mayManage: (arn) => analysis.isExempt(arn),
      remediation:
        'Attach the generated SCPs (statement ProtectExemptRoles denies every IAM write on exempt-named roles to ' +
        'everyone but the exempt principals), or deny these IAM actions on the exempt role ARNs.',
    });
  }
  const everyone = guardrails.everyone;
  if (everyone.denyEscalationAndExecution) {
    const operators = roles(everyone.operatorPrincipalArns, 'everyone.operatorPrincipalArns');
    if (operators && operators.length > 0) {
      const isOperator = (arn: string) => everyone.operatorPrincipalArns.some((p) => wildcardMatch(p, arn));
      out.push({
        what: 'a role an operator pattern names (everyone.operatorPrincipalArns: it may escalate and execute on production)',
        patterns: operators.map((i) => i.pattern),
        identities: operators,
        mayManage: (arn) => analysis.isExempt(arn) || isOperator(arn),
        remediation:
          'Attach the generated SCPs (statement ProtectOperatorRoles denies every IAM write on operator-named ' +
          'roles to everyone but the exempt and operator principals), or deny these IAM actions on their ARNs.',
      });
    }
  }
  return out;
}

export function check(context: RuleContext): RuleFinding[] {
  const { analysis, snapshot } = context;
  const findings: RuleFinding[] = [];
  for (const principal of analysis.principals) {
    if (principal.serviceLinked || principal.kind !== 'role' || !analysis.isExempt(principal.arn)) continue;
    findings.push({
      severity: 'info',
      title: 'Exempt role and who may assume it',
      message: `is exempt from the production guardrails; its trust policy lets ${listActions(trustedPrincipals(principal.trustPolicy)) || 'nobody'} assume it.`,
      principalArn: principal.arn,
      location: principal.location,
      evidence: [{ policy: 'trust', policyKind: 'trust', statement: principal.trustPolicy }],
      details: { exempt: true, trustedPrincipals: trustedPrincipals(principal.trustPolicy) },
    });
  }
  for (const names of protectedNames(context)) {
    const targets = [
      ...new Set(names.identities.flatMap((i) => i.resources.map((r) => concreteArn(r, snapshot.accountId)))),
    ];
    findings.push(...claims(context, names, targets));
  }
  return findings;
}

/** Principals that may create, re-trust, pass or re-policy a role these names protect. */
function claims(context: RuleContext, names: ProtectedNames, targets: readonly string[]): RuleFinding[] {
  const { analysis, account, catalog } = context;
  const findings: RuleFinding[] = [];
  const claim = CLAIM_ACTIONS.map((a) => catalog.get(a)).filter((a) => a !== undefined);
  const change = CHANGE_ACTIONS.map((a) => catalog.get(a)).filter((a) => a !== undefined);
  // One request object per target for every principal: the evaluator shares templates by request object.
  const requests = targets.map((resourceArn): RequestContext => ({ resourceArn, resourceTags: {}, requestTags: {} }));
  for (const principal of analysis.principals) {
    if (principal.serviceLinked || names.mayManage(principal.arn)) continue;
    const compiled = account.principal(principal.arn);
    if (!compiled) continue;
    // The same lists for every target; most principals hold none of these actions and need no question.
    const claimAsked = analysis.restrict(principal, claim);
    const changeAsked = analysis.restrict(principal, change);
    if (claimAsked.length + changeAsked.length === 0) continue;
    const claimed: ActionDecision[] = [];
    const changed: ActionDecision[] = [];
    // A claim that depends on where or how the caller calls (a network perimeter) is made from where it passes.
    const picks = analysis.productionPicks(principal);
    const picksUsed = new Set<string>();
    const picked = (d: ActionDecision, request: RequestContext): ActionDecision => {
      const found = pickedDecision(compiled, d, request, picks);
      if (found.pick) picksUsed.add(found.pick.label);
      return found.decision;
    };
    // A create or a change that carries tags is made with the tags a grant asks for (support/tag-sends.ts):
    // iam:CreateRole allowed only with aws:RequestTag/owner claims the name as surely.
    const sends = analysis.tagSends(principal);
    const sentWith = (asked: readonly CatalogAction[], request: RequestContext, found: ActionDecision[]) => {
      const seen = new Set(found.map((d) => d.action));
      for (const send of sends) {
        const rest = asked.filter((a) => !seen.has(a.action) && actionFacts(a).tagKeys);
        if (rest.length === 0) break;
        for (const d of compiled.decideMany(rest, withCallerPick(request, send))) {
          if (d.decision === 'denied') continue;
          found.push(d);
          seen.add(d.action);
          picksUsed.add(send.label);
        }
      }
    };
    for (const request of requests) {
      for (const d of compiled.decideMany(claimAsked, request)) {
        if (d.decision !== 'denied') claimed.push(picked(d, request));
      }
      for (const d of compiled.decideMany(changeAsked, request)) {
        if (d.decision !== 'denied') changed.push(picked(d, request));
      }
      if (sends.length > 0) {
        sentWith(claimAsked, request, claimed);
        sentWith(changeAsked, request, changed);
      }
    }
    if (claimed.length + changed.length === 0) continue;
    const allowed = [...claimed, ...changed].some((d) => d.decision === 'allowed');
    const severity: Severity = claimed.some((d) => d.decision === 'allowed')
      ? 'critical'
      : claimed.length > 0 || allowed
        ? 'high'
        : 'medium';
    const actions = [...new Set([...claimed, ...changed].map((d) => d.action))];
    findings.push({
      severity,
      message:
        `may ${claimed.length > 0 ? 'claim' : 'change'} ${names.what} ` +
        `(${names.patterns.join(', ')}): ${listActions(actions)}` +
        ([...claimed, ...changed].some((d) => d.decision === 'depends') ? ' (some depending on conditions)' : '') +
        (picksUsed.size > 0 ? ` (a request made ${[...picksUsed].join('; ')}, the caller's pick)` : '') +
        '.',
      principalArn: principal.arn,
      location: principal.location,
      evidence: allowEvidence([...claimed, ...changed]),
      details: {
        exemptPatterns: names.patterns,
        claim: [...new Set(claimed.map((d) => d.action))],
        change: [...new Set(changed.map((d) => d.action))],
        ...(picksUsed.size > 0 ? { callerPicks: [...picksUsed] } : {}),
      },
      remediation: names.remediation,
    });
  }
  return findings;
}
