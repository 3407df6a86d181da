// The two-person rule for destructive changes: a suppression only lets a deletion or replacement through
// when it is unexpired, names the very change (its hash), and is approved by two distinct people, verified
// against the pull request's reviews when asked to. Every refusal says why, in the finding itself.
import { wildcardMatch } from '../policy/wildcard';
import { lookalikeSkeleton, revealed } from '../util/lookalike';
import type { Finding } from '../audit/rules/types';
import type { Suppression } from '../config/schema';
import { verifyApprovers, type ApprovalVerification } from './review-rules';

export const NOT_VERIFIED_NOTE =
  "approvedBy was not verified against the pull request's reviews (run with --verify-approvals github)";

/** Why a matching suppression does not apply to this finding, or undefined when it does. */
export function approvalProblem(
  suppression: Suppression,
  now: Date,
  finding?: Finding,
  verification?: ApprovalVerification,
  agentLogins: readonly string[] = [],
): string | undefined {
  return peopleProblem(suppression, now, finding, verification, agentLogins);
}

/** Whether `login` is one of the agent logins (wildcards, any case, with or without `@`). */
export function isAgentLogin(login: string, agentLogins: readonly string[]): boolean {
  const who = normaliseApprover(login);
  return agentLogins.some((pattern) => wildcardMatch(normaliseApprover(pattern), who));
}

function peopleProblem(
  suppression: Suppression,
  now: Date,
  finding: Finding | undefined,
  verification: ApprovalVerification | undefined,
  agentLogins: readonly string[],
): string | undefined {
  const today = now.toISOString().slice(0, 10);
  // `expires` is the last day the suppression holds (UTC), so it still applies on that date.
  if (suppression.expires < today) return `it expired on ${suppression.expires}`;
  const hash = typeof finding?.details?.changeHash === 'string' ? finding.details.changeHash : undefined;
  if (hash) {
    const approved = (suppression.changes ?? []).map((change) => change.toLowerCase());
    if (approved.length === 0) {
      return `it does not say which change it approves; add "changes": ["${hash}"] (the hash of this change)`;
    }
    if (!approved.includes(hash)) {
      return `it approves change ${approved.join(', ')}, not this change (${hash}): the resource's before or after differs from what was approved`;
    }
  }
  // An agent's approval never counts, whatever GitHub says of its account: set aside first, and said.
  const agentRefusals = suppression.approvedBy
    .filter((login) => isAgentLogin(login, agentLogins))
    .map((login) => `${login.trim()} is an agent (check.agentLogins): an agent's approval never counts`);
  const approvedBy = suppression.approvedBy.filter((login) => !isAgentLogin(login, agentLogins));
  const refused = (problem: string) => [...agentRefusals, problem].join('; ');
  if (verification) {
    const { people, refusals } = verifyApprovers(approvedBy, verification);
    if (people.length >= 2) return undefined;
    if (suppression.approvedBy.length === 0)
      return 'it has no approvers; a destructive change needs two distinct people';
    const counted = people.length === 1 ? `only ${people[0]} qualifies` : 'nobody qualifies';
    return refused(
      `${[...refusals, counted].join('; ')}; a destructive change needs two distinct people who approved the pull request`,
    );
  }
  const people = new Map<string, string>();
  for (const approver of approvedBy) {
    const identity = normaliseApprover(approver);
    if (identity && !people.has(identity)) people.set(identity, approver.trim());
  }
  if (people.size >= 2) return undefined;
  if (suppression.approvedBy.length === 0)
    return 'it has no approvers; a destructive change needs two distinct people in approvedBy';
  if (people.size === 1 && approvedBy.length > 1) {
    const written = [...new Set(approvedBy.map((approver) => approver.trim().replace(/^@/, '').toLowerCase()))];
    const who =
      written.length > 1
        ? `${written.map(revealed).join(' and ')} read as one name`
        : `${[...people.values()][0]} is listed ${approvedBy.length} times`;
    return refused(`${who}; a destructive change needs two distinct people in approvedBy`);
  }
  const only = people.size === 0 ? 'nobody else approved it' : `only ${[...people.values()].join(', ')} approved it`;
  return refused(`${only}; a destructive change needs two distinct people in approvedBy`);
}

/**
 * `Alice`, ` alice ` and `@alice` are one person, and so is `аlice` with a Cyrillic а (or an invisible character
 * inside): a name that reads as another is the same name to whoever reviews the config, and an agent's login
 * written so must not slip past check.agentLogins.
 */
export function normaliseApprover(approver: string): string {
  return lookalikeSkeleton(approver.trim().replace(/^@/, ''));
}

/**
 * Matched as `leash audit` matches suppressions (rule id or `*`, logical id with `*`/`?` wildcards); the
 * logical id may also name its stack, `Stack/LogicalId`, when the same id occurs in several stacks, and a
 * finding about a whole stack is named by the stack alone.
 */
export function coversChange(suppression: Suppression, finding: Finding): boolean {
  if (suppression.ruleId !== finding.ruleId && suppression.ruleId !== '*') return false;
  if (!suppression.logicalId || suppression.principalArn !== undefined) return false;
  const logicalId = finding.location?.logicalId;
  const stack = typeof finding.details?.stack === 'string' ? finding.details.stack : undefined;
  // A finding about a whole stack (its tags, its unknown template) is named by the stack.
  if (!logicalId) return stack !== undefined && wildcardMatch(suppression.logicalId, stack);
  return (
    wildcardMatch(suppression.logicalId, logicalId) ||
    (stack !== undefined && wildcardMatch(suppression.logicalId, `${stack}/${logicalId}`))
  );
}

/**
 * Marks destructive-change findings that an approved suppression covers. A matching suppression that
 * fails the two-person rule leaves the finding failing and adds the reason to its message.
 */
export function applyChangeSuppressions(
  findings: readonly Finding[],
  suppressions: readonly Suppression[],
  now: Date,
  verification?: ApprovalVerification,
  agentLogins: readonly string[] = [],
): Finding[] {
  return findings.map((finding) => {
    const candidates = suppressions
      .map((suppression, index) => ({ suppression, index }))
      .filter(({ suppression }) => coversChange(suppression, finding));
    if (candidates.length === 0) return finding;
    const refusals: string[] = [];
    for (const { suppression, index } of candidates) {
      const problem = approvalProblem(suppression, now, finding, verification, agentLogins);
      if (!problem) {
        return {
          ...finding,
          message: verification ? finding.message : `${finding.message} Suppressed, but ${NOT_VERIFIED_NOTE}.`,
          suppressed: { reason: suppression.reason, expires: suppression.expires },
          details: { ...finding.details, approvedBy: suppression.approvedBy, approvalsVerified: Boolean(verification) },
        };
      }
      refusals.push(`suppressions[${index}] does not apply: ${problem}`);
    }
    return {
      ...finding,
      message: `${finding.message} ${refusals.join('. ')}.`,
      details: { ...finding.details, suppressionRefused: refusals },
    };
  });
}

/** A suppression as written, for telling one the base branch holds from one a pull request adds or edits. */
function suppressionText(suppression: Suppression): string {
  const { ruleId, principalArn, logicalId, reason, expires, approvedBy, changes } = suppression;
  return JSON.stringify([ruleId, principalArn, logicalId, reason, expires, [...approvedBy].sort(), changes]);
}

/**
 * The suppressions that may silence the rules' findings on the templates (not destructive changes, which
 * applyChangeSuppressions judges) when the base branch's config is known: those the base branch already
 * holds, as written, and new or edited ones that two people who approved the pull request approve, as a
 * destructive change needs. Otherwise a pull request that makes an agent role able to write production
 * could silence the finding in the same pull request. The others are returned with why they do not apply.
 */
export function auditSuppressionsOf(
  suppressions: readonly Suppression[],
  baseSuppressions: readonly Suppression[],
  now: Date,
  verification?: ApprovalVerification,
  agentLogins: readonly string[] = [],
): {
  readonly kept: Suppression[];
  readonly refused: { readonly index: number; readonly problem: string }[];
  /** New ones kept on names taken as written (no verification). */
  readonly unverified: number;
} {
  const base = new Set(baseSuppressions.map(suppressionText));
  const kept: Suppression[] = [];
  const refused: { index: number; problem: string }[] = [];
  let unverified = 0;
  suppressions.forEach((suppression, index) => {
    if (base.has(suppressionText(suppression))) {
      kept.push(suppression);
      return;
    }
    const problem = approvalProblem(suppression, now, undefined, verification, agentLogins);
    if (problem === undefined) {
      kept.push(suppression);
      if (!verification) unverified++;
    } else
      refused.push({ index, problem: `it is not in the base branch's config (--baseline-config), and ${problem}` });
  });
  return { kept, refused, unverified };
}
