// The agent invariant, checked on real principals: an agent (principal tag), or anyone whose request comes
// through an AWS managed MCP server or carries an agent source identity, must not be able to write to a
// production-tagged or untagged resource beyond agents.productionWriteAllowlist. Names the layer that lets
// the write through: no boundary, a boundary that is not the leash agent boundary, or SCPs that lack (or
// were not read for) the agent layer.
import { isReadLevel } from '../../catalog/read-patterns';
import type { CatalogAction } from '../../catalog/types';
import { expandActionPattern } from '../../policy';
import type { ActionDecision, RequestContext } from '../evaluate/types';
import type { Principal } from '../sources/snapshot';
import { allowEvidence, docsUrl, listActions } from './support/meta';
import { productionTagText } from './support/production';
import type { Finding, RuleContext, RuleMeta } from './types';

/** Looks at principals one by one: safe to run over batches of principals. */
export const scope = 'principal' as const;

export const meta: RuleMeta = {
  id: 'agent-can-write-production',
  category: 'production-destruction',
  severity: 'critical',
  title: 'Agent can write to production or untagged resources',
  help:
    'Production and anything not positively tagged non-production must be read-only for agents: only Read ' +
    'and List actions, plus agents.productionWriteAllowlist. The agent (by principal tag), or a request through ' +
    'an AWS managed MCP server or with an agent source identity, can still write there. Give agent roles the ' +
    'leash agent boundary and attach the leash SCPs, whose agent layers hold the invariant without the boundary.',
  docsUrl: docsUrl('agent-can-write-production'),
};

const DETAIL_LIMIT = 200;

interface Recognition {
  readonly how: string;
  readonly contextKeys: Readonly<Record<string, readonly string[]>>;
}

/** How a request of this principal can be an agent's: its tag, or (for anyone) MCP and source identity. */
function recognitions(context: RuleContext, principal: Principal): Recognition[] {
  const { guardrails, analysis } = context;
  const out: Recognition[] = [];
  if (analysis.isAgent(principal.arn)) out.push({ how: 'agent principal tag', contextKeys: {} });
  // MCP and source-identity agents are held by the SCP agent layers only: judged where the SCPs were read
  // (or cannot apply, in the management account); without them every writer would be reported.
  const scpsJudged = context.snapshot.organizationPoliciesKnown || context.snapshot.isManagementAccount;
  if (principal.kind === 'role' && !analysis.isAgent(principal.arn) && scpsJudged) {
    if (
      guardrails.agents.mcp.treatAsAgent &&
      (guardrails.agents.mcp.includeExemptPrincipals || !analysis.isExempt(principal.arn))
    ) {
      out.push({
        how: 'request through an AWS managed MCP server',
        contextKeys: { 'aws:viaawsmcpservice': ['true'], 'aws:calledviaawsmcp': ['aws-mcp.amazonaws.com'] },
      });
    }
    const pattern = guardrails.agents.sourceIdentityPatterns[0];
    if (pattern) {
      out.push({
        how: `agent source identity (${pattern})`,
        contextKeys: { 'aws:sourceidentity': [pattern.replace(/\*/g, 'x').replace(/\?/g, 'y')] },
      });
    }
  }
  return out;
}

function layerText(context: RuleContext, principal: Principal, how: string): string[] {
  const { snapshot, guardrails } = context;
  const out: string[] = [];
  const boundaryName = guardrails.agents.boundaryPolicyName;
  const boundary = principal.permissionsBoundaryArn;
  if (how === 'agent principal tag') {
    if (!boundary) out.push('no permissions boundary');
    else if (!boundary.endsWith(`:policy/${boundaryName}`)) {
      out.push(`a permissions boundary other than ${boundaryName} (${boundary.split('/').pop()})`);
    } else out.push(`its boundary ${boundaryName} lets them through (an older version?)`);
  }
  if (snapshot.isManagementAccount) out.push('SCPs never apply to the management account');
  else if (!snapshot.organizationPoliciesKnown)
    out.push('the SCPs were not read (pass --scp), so the SCP agent layer is unknown');
  else out.push(`no SCP agent layer denies them for a ${how}`);
  return out;
}

export function check(context: RuleContext): Finding[] {
  const { catalog, account, analysis, guardrails } = context;
  // The writes to ask about, made when the first principal needs them: making every action of the catalog
  // is most of what this rule costs on an account with nobody in it.
  let asking: { writes: readonly CatalogAction[]; agentServiceWrites: readonly CatalogAction[] } | undefined;
  const writesToAsk = () => {
    if (asking) return asking;
    const allowlisted = new Set(
      guardrails.agents.productionWriteAllowlist.flatMap((p) => expandActionPattern(p, catalog)),
    );
    const writes = catalog.actions.filter((a) => !isReadLevel(a) && !allowlisted.has(a));
    // Requests through MCP or with an agent source identity are checked on the agent services' writes: the SCP
    // agent layers deny every other service to them, and asking about 16,000 writes per role would not scale.
    const agentServices = new Set(guardrails.agents.allowedServices.map((s) => s.toLowerCase()));
    asking = { writes, agentServiceWrites: writes.filter((a) => agentServices.has(a.service)) };
    return asking;
  };
  const { tagKeys, values } = guardrails.production;
  const states: { name: string; request: RequestContext }[] = [
    {
      name: `tagged ${productionTagText(guardrails)}`,
      request: { resourceTags: { [tagKeys[0]]: values[0] }, requestTags: {} },
    },
    { name: 'untagged', request: { resourceTags: {}, requestTags: {} } },
  ];
  // One request object per resource state and way of being recognised, whoever asks: the evaluator shares
  // decision templates between principals by request object, so a fresh one per principal would rebuild them.
  const requests = new Map<string, RequestContext>();
  const requestFor = (state: number, recognition: Recognition): RequestContext => {
    const key = `${state}\u0000${recognition.how}`;
    let request = requests.get(key);
    if (!request) {
      request = { ...states[state].request, contextKeys: recognition.contextKeys };
      requests.set(key, request);
    }
    return request;
  };
  const findings: Finding[] = [];
  for (const principal of analysis.principals) {
    if (principal.serviceLinked) continue;
    const compiled = account.principal(principal.arn);
    if (!compiled) continue;
    const summary = analysis.summary(principal.arn);
    const writesNothing = summary !== undefined && summary.writeAllowed + summary.writeDepends === 0;
    for (const recognition of recognitions(context, principal)) {
      if (writesNothing) continue;
      const { writes, agentServiceWrites } = writesToAsk();
      const asked: readonly CatalogAction[] = analysis.restrict(
        principal,
        recognition.how === 'agent principal tag' ? writes : agentServiceWrites,
      );
      if (asked.length === 0) continue;
      // A write that depends on the resource (a grant on named ARNs: the production table, the bucket's objects)
      // or on a condition the request may meet (a region) breaks the invariant as surely for the resources it
      // names: reported too, one step lower, naming what it depends on.
      const allowed = new Map<string, ActionDecision>();
      const depends = new Map<string, ActionDecision>();
      const dependsOn = new Set<string>();
      const where = new Set<string>();
      for (let k = 0; k < states.length; k++) {
        const state = states[k];
        const decisions = compiled.decideMany(asked, requestFor(k, recognition));
        for (const decision of decisions) {
          if (decision.decision === 'denied') continue;
          if (decision.decision === 'allowed') {
            allowed.set(decision.action, decision);
            depends.delete(decision.action);
          } else if (!allowed.has(decision.action)) {
            depends.set(decision.action, decision);
            for (const key of decision.dependsOn) dependsOn.add(key);
          }
          where.add(state.name);
        }
      }
      if (allowed.size === 0 && depends.size === 0) continue;
      const actions = [...allowed.keys()];
      const dependent = [...depends.keys()];
      const layers = layerText(context, principal, recognition.how);
      const agent = analysis.isAgent(principal.arn);
      const counts = [
        actions.length ? `${actions.length} action(s) (${listActions(actions)})` : '',
        dependent.length
          ? `${actions.length ? 'and ' : ''}${dependent.length} action(s) depending on ${listActions([...dependsOn], 4)} (${listActions(dependent)})`
          : '',
      ];
      findings.push({
        ruleId: meta.id,
        category: meta.category,
        severity: actions.length ? (agent ? 'critical' : 'high') : agent ? 'high' : 'medium',
        title: meta.title,
        message:
          `as an agent (${recognition.how}) it can write to resources ${[...where].join(' and ')}: ` +
          `${counts.filter(Boolean).join(' ')}. Let through by: ${layers.join('; ')}.`,
        principalArn: principal.arn,
        location: principal.location,
        evidence: allowEvidence([...allowed.values(), ...depends.values()]),
        details: {
          recognisedBy: recognition.how,
          allowedCount: actions.length,
          allowed: actions.slice(0, DETAIL_LIMIT),
          dependsCount: dependent.length,
          depends: dependent.slice(0, DETAIL_LIMIT),
          dependsOn: [...dependsOn],
          resourceStates: [...where],
          layers,
          permissionsBoundaryArn: principal.permissionsBoundaryArn ?? null,
        },
        remediation:
          'Attach the leash agent boundary (leash generate) to agent roles and the leash SCPs to their accounts; ' +
          'declare writes that are safe on production in agents.productionWriteAllowlist instead of granting them.',
        docsUrl: meta.docsUrl,
      });
    }
  }
  return findings;
}
