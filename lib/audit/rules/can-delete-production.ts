// Who can delete or recreate a production-tagged resource, and which guardrail fails to stop each action.
import type { ActionDecision } from '../evaluate/types';
import type { RuleFinding, RuleContext, RuleMeta, Severity } from './types';
import { docsUrl, listActions, allowEvidence } from './support/meta';
import { productionContext, productionTagText, SCP_GAP_TEXT, scpGapFinder, type ScpGap } from './support/production';

/** Looks at principals one by one: safe to run over batches of principals. */
export const scope = 'principal' as const;

export const meta: RuleMeta = {
  id: 'can-delete-production',
  category: 'production-destruction',
  severity: 'critical',
  title: 'Can delete or recreate production resources',
  help:
    'The principal is allowed (or allowed depending on a condition) to delete, replace or restore-over a ' +
    'resource tagged as production. Put a permissions boundary on it (agents: the leash agent boundary) and ' +
    'attach the production-protection SCPs; for actions without aws:ResourceTag support, protect by ARN pattern.',
  docsUrl: docsUrl('can-delete-production'),
};

const DETAIL_LIMIT = 200;

export function check(context: RuleContext): RuleFinding[] {
  const { catalog, account, analysis, snapshot, guardrails } = context;
  const actions = catalog.destructive.filter((a) => a.classes.includes('delete') || a.classes.includes('recreate'));
  const request = productionContext(guardrails);
  const scpGap = scpGapFinder(snapshot, analysis.policies);
  const findings: RuleFinding[] = [];

  for (const principal of analysis.principals) {
    if (principal.serviceLinked) continue;
    const compiled = account.principal(principal.arn);
    if (!compiled) continue;
    const asked = analysis.restrict(principal, actions);
    if (asked.length === 0) continue;
    const decisions = compiled.decideMany(asked, request);
    const allowed: ActionDecision[] = [];
    const depends: ActionDecision[] = [];
    const gaps: Record<ScpGap, string[]> = {
      'management-account': [],
      'service-linked-role': [],
      'scps-unknown': [],
      'tag-condition-unsupported': [],
      'no-scp-deny': [],
    };
    const dependsOn = new Set<string>();
    decisions.forEach((decision, i) => {
      if (decision.decision === 'denied') return;
      (decision.decision === 'allowed' ? allowed : depends).push(decision);
      for (const key of decision.dependsOn) dependsOn.add(key);
      gaps[scpGap(asked[i], principal.serviceLinked)].push(decision.action);
    });
    if (allowed.length === 0 && depends.length === 0) continue;

    const exempt = analysis.isExempt(principal.arn);
    const severity: Severity = exempt ? 'info' : allowed.length > 0 ? 'critical' : 'high';
    const missing: string[] = [];
    const boundaryArn = principal.permissionsBoundaryArn;
    if (boundaryArn === undefined) missing.push('no permissions boundary');
    else if (!snapshot.managedPolicies.some((p) => p.arn === boundaryArn)) {
      // Not "allows": nothing is known of a boundary the input does not hold.
      missing.push(`its permissions boundary ${boundaryArn} is not in the input, so it could not be evaluated`);
    } else missing.push('its permissions boundary allows them');
    for (const gap of Object.keys(gaps) as ScpGap[]) {
      if (gaps[gap].length === 0) continue;
      const which = gap === 'tag-condition-unsupported' ? ` (${listActions(gaps[gap], 4)})` : '';
      missing.push(`${gaps[gap].length} action(s): ${SCP_GAP_TEXT[gap]}${which}`);
    }
    const sample = [...allowed, ...depends].map((d) => d.action);
    const parts = [
      `can delete or recreate resources tagged ${productionTagText(guardrails)}:`,
      `${allowed.length} action(s) allowed`,
      depends.length > 0 ? `and ${depends.length} depending on ${listActions([...dependsOn], 4)}` : '',
      `(${listActions(sample)}).`,
      `Missing guardrails: ${missing.join('; ')}.`,
      exempt ? 'The principal is exempt in the config (break-glass or pipeline).' : '',
    ];
    findings.push({
      severity,
      message: parts.filter(Boolean).join(' '),
      principalArn: principal.arn,
      location: principal.location,
      evidence: allowEvidence(allowed.concat(depends)),
      details: {
        productionTag: productionTagText(guardrails),
        allowedCount: allowed.length,
        dependsCount: depends.length,
        allowed: allowed.slice(0, DETAIL_LIMIT).map((d) => d.action),
        depends: depends.slice(0, DETAIL_LIMIT).map((d) => d.action),
        dependsOn: [...dependsOn],
        hasPermissionsBoundary: compiled.hasPermissionsBoundary,
        scpGaps: Object.fromEntries(
          (Object.keys(gaps) as ScpGap[]).filter((g) => gaps[g].length > 0).map((g) => [g, gaps[g].length]),
        ),
        tagConditionUnsupported: gaps['tag-condition-unsupported'].slice(0, DETAIL_LIMIT),
        exempt,
      },
      remediation: compiled.hasPermissionsBoundary
        ? 'Tighten the boundary to deny destructive actions on production, and attach the production-protection SCPs (leash generate).'
        : 'Attach the agent permissions boundary (leash generate) and the production-protection SCPs; scope the identity policy to the resources the principal works on.',
    });
  }
  return findings;
}
