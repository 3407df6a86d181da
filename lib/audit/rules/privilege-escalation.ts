// Principals that hold every action of a known IAM privilege-escalation path (see support/escalation-paths.ts):
// whatever their policies say today, they can give themselves more, including the right to delete production.
import type { CatalogAction } from '../../catalog/types';
import type { ActionDecision } from '../evaluate/types';
import type { RuleFinding, RuleContext, RuleMeta, Severity } from './types';
import { ESCALATION_PATHS } from './support/escalation-paths';
import { docsUrl, uniqueEvidence } from './support/meta';

/** Looks at principals one by one: safe to run over batches of principals. */
export const scope = 'principal' as const;

export const meta: RuleMeta = {
  id: 'privilege-escalation',
  category: 'privilege-escalation',
  severity: 'high',
  title: 'Can escalate its own privileges',
  help:
    'The principal holds every action of a known IAM privilege-escalation path (CreatePolicyVersion, ' +
    'PassRole with a compute service, AttachRolePolicy, UpdateAssumeRolePolicy, ...). Remove the actions, or ' +
    'scope them to resources that cannot lead back to more power (e.g. iam:PassRole to one named role, IAM ' +
    'writes behind a permissions boundary condition).',
  docsUrl: docsUrl('privilege-escalation'),
};

export function check(context: RuleContext): RuleFinding[] {
  const { analysis, account, snapshot, catalog } = context;
  const otherUser = `arn:aws:iam::${snapshot.accountId}:user/leash-audit-other-user`;
  // One bulk question per principal (and one more for paths aimed at another user), never one per action.
  const pathActions = [...new Set(ESCALATION_PATHS.flatMap((p) => p.actions))]
    .map((name) => catalog.get(name))
    .filter((a): a is CatalogAction => a !== undefined);
  const otherUserActions = [...new Set(ESCALATION_PATHS.filter((p) => p.targetsOtherUser).flatMap((p) => p.actions))]
    .map((name) => catalog.get(name))
    .filter((a): a is CatalogAction => a !== undefined);
  // Each path's actions as the decision maps key them, worked out once for every principal.
  const paths = ESCALATION_PATHS.map((path) => ({ path, keys: path.actions.map((action) => action.toLowerCase()) }));
  const findings: RuleFinding[] = [];
  for (const principal of analysis.principals) {
    if (principal.serviceLinked) continue;
    const compiled = account.principal(principal.arn);
    if (!compiled) continue;
    const asked = analysis.restrict(principal, pathActions);
    if (asked.length === 0) continue;
    const decisions = new Map<string, ActionDecision>();
    for (const decision of compiled.decideMany(asked)) decisions.set(decision.action.toLowerCase(), decision);
    const towardsOther = new Map<string, ActionDecision>();
    if (principal.kind === 'user') {
      const askedOther = analysis.restrict(principal, otherUserActions);
      if (askedOther.length > 0) {
        for (const decision of compiled.decideMany(askedOther, { resourceArn: otherUser })) {
          towardsOther.set(decision.action.toLowerCase(), decision);
        }
      }
    }
    const open: { id: string; description: string; certain: boolean; decisions: ActionDecision[] }[] = [];
    for (const { path, keys } of paths) {
      const asKnown = path.targetsOtherUser === true && principal.kind === 'user' ? towardsOther : decisions;
      // An action the principal was not asked about (no candidate statement) is denied: the path is closed.
      const held: ActionDecision[] = [];
      for (const key of keys) {
        const decision = asKnown.get(key);
        if (!decision || decision.decision === 'denied') break;
        held.push(decision);
      }
      if (held.length < keys.length) continue;
      open.push({
        id: path.id,
        description: path.description,
        certain: held.every((d) => d.decision === 'allowed'),
        decisions: held,
      });
    }
    if (open.length === 0) continue;
    const certain = open.filter((p) => p.certain);
    const severity: Severity = analysis.isExempt(principal.arn) ? 'info' : certain.length > 0 ? 'high' : 'medium';
    const shown = (certain.length > 0 ? certain : open).slice(0, 4);
    const dependsOn = [...new Set(open.flatMap((p) => p.decisions.flatMap((d) => d.dependsOn)))];
    findings.push({
      severity,
      message:
        `has ${open.length} privilege-escalation path(s)` +
        (certain.length < open.length
          ? ` (${open.length - certain.length} depending on ${dependsOn.slice(0, 3).join(', ') || 'conditions'})`
          : '') +
        `: ${shown.map((p) => `${p.id} (${p.description})`).join('; ')}` +
        (open.length > shown.length ? `; and ${open.length - shown.length} more.` : '.'),
      principalArn: principal.arn,
      location: principal.location,
      evidence: uniqueEvidence(open.flatMap((p) => p.decisions.flatMap((d) => d.allowedBy))),
      details: {
        paths: open.map((p) => ({
          id: p.id,
          actions: p.decisions.map((d) => d.action),
          decision: p.certain ? 'allowed' : 'depends',
          dependsOn: [...new Set(p.decisions.flatMap((d) => d.dependsOn))],
        })),
      },
      remediation:
        'Remove the IAM write and iam:PassRole grants the principal does not need; scope iam:PassRole to named roles with iam:PassedToService, and require the permissions boundary (iam:PermissionsBoundary condition) on any role or user it may create.',
    });
  }
  return findings;
}
