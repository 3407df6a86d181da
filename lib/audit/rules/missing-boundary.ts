// Roles that can change things but carry no permissions boundary: nothing caps what their policies (or a
// later, broader policy) grant. Agent roles without one are how the incident happened.
import type { RuleFinding, RuleContext, RuleMeta, Severity } from './types';
import { docsUrl } from './support/meta';
import { revealed } from '../../util/lookalike';

/** Looks at principals one by one: safe to run over batches of principals. */
export const scope = 'principal' as const;

export const meta: RuleMeta = {
  id: 'missing-boundary',
  category: 'boundary',
  severity: 'medium',
  title: 'Role can write without a permissions boundary',
  help:
    'The role is allowed write actions and has no permissions boundary, so nothing caps what its policies ' +
    'grant now or later. Attach the leash agent boundary to agent roles (required) and a boundary to every ' +
    'role that automation can modify.',
  docsUrl: docsUrl('missing-boundary'),
};

export function check(context: RuleContext): RuleFinding[] {
  const { analysis, guardrails } = context;
  const findings: RuleFinding[] = [];
  for (const principal of analysis.principals) {
    // A role the templates only attach policies to may have a boundary where it is defined: not known here.
    if (principal.kind !== 'role' || principal.serviceLinked || principal.permissionsBoundaryArn) continue;
    if (principal.definedElsewhere) continue;
    const summary = analysis.summary(principal.arn);
    if (!summary || summary.writeAllowed + summary.writeDepends === 0) continue;
    const agent = analysis.isAgent(principal.arn);
    const exempt = analysis.isExempt(principal.arn);
    const severity: Severity = exempt ? 'info' : agent ? 'high' : 'medium';
    const tag = guardrails.agents.principalTag;
    const lookalike = analysis.agentTagLookalike(principal.arn);
    const who = !agent
      ? 'is a role'
      : analysis.agentTagUnknown(principal.arn)
        ? `may be an agent role (its ${tag.key} tag has a value only deployment knows)`
        : lookalike
          ? `looks like an agent role (its tag ${revealed(lookalike.key)}=${revealed(lookalike.value)} reads as ` +
            `${tag.key}=${tag.value}, but IAM does not match it, so no agent guardrail holds it)`
          : `is an agent role (tag ${tag.key}=${tag.value})`;
    findings.push({
      severity,
      message:
        `${who} with no permissions boundary and ${summary.writeAllowed} write action(s) allowed` +
        (summary.writeDepends > 0 ? ` (${summary.writeDepends} more depending on conditions).` : '.'),
      principalArn: principal.arn,
      location: principal.location,
      evidence: [],
      details: {
        agent,
        exempt,
        writeAllowed: summary.writeAllowed,
        writeDepends: summary.writeDepends,
        expectedBoundary: guardrails.agents.boundaryPolicyName,
      },
      remediation: agent
        ? `Attach the ${guardrails.agents.boundaryPolicyName} managed policy as the role's permissions boundary (AgentRole in CDK does this).`
        : 'Attach a permissions boundary that denies destructive actions on production and IAM changes to itself.',
    });
  }
  return findings;
}
