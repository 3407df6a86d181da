// The SCP agent layer: the agent invariant for every request an agent makes, whether or not its role still
// carries the boundary. An agent is recognised three ways, and because IAM ANDs the keys of one statement,
// each way gets its own copy of the layer: the agent principal tag, an agent source identity
// (aws:SourceIdentity survives role chaining), and a request through an AWS managed MCP server
// (aws:ViaAWSMCPService), whoever the principal is.
import type { Catalog } from '../catalog/types';
import {
  agentInvariantParts,
  agentInvariantTemplates,
  changingExistingDeny,
  unnamedTargetsDeny,
} from './agent-invariant';
import { agentPrincipal, allOf, type ConditionBlock, notExempt } from './conditions';
import type { StatementTemplate } from './packing';
import { TIER } from './priority';
import { actAsPrincipalGuard, agentGuardTemplates } from './agent-guards';
import { servicesSet } from './select';
import type { GuardrailSpec } from './spec';

export interface AgentRecognition {
  /** Sid prefix of the layer's statements. */
  readonly sidPrefix: string;
  readonly condition: ConditionBlock;
  /** For reports: how the layer recognises an agent. */
  readonly describe: string;
  /**
   * Whether the layer needs the guards against unbounded roles. A request through an MCP server is bound
   * only while it comes through the server; a role it creates escapes nothing the caller's own credentials
   * outside the server do not already have, so the MCP layer leaves those guards out. It keeps the one on
   * acting as a principal: credentials minted through the server (an assumed role's, a new access key) are
   * handed to the agent, which need not hold the caller's own.
   */
  readonly guards: boolean;
}

/** How the SCPs recognise an agent, from the spec (the principal tag always; the others when configured). */
export function agentRecognitions(spec: GuardrailSpec): AgentRecognition[] {
  const { key, value } = spec.agents.principalTag;
  const out: AgentRecognition[] = [
    { sidPrefix: 'Agent', condition: agentPrincipal(spec), describe: `principal tag ${key}=${value}`, guards: true },
  ];
  const patterns = spec.agents.sourceIdentityPatterns;
  if (patterns.length > 0) {
    out.push({
      sidPrefix: 'AgentSession',
      condition: { StringLike: { 'aws:SourceIdentity': patterns.length === 1 ? patterns[0] : patterns } },
      describe: `source identity ${patterns.join(', ')}`,
      guards: true,
    });
  }
  if (spec.agents.mcp.treatAsAgent) {
    out.push({
      sidPrefix: 'Mcp',
      condition: allOf(
        { Bool: { 'aws:ViaAWSMCPService': 'true' } },
        spec.agents.mcp.includeExemptPrincipals ? undefined : notExempt(spec.exemptPrincipalArns),
      ),
      describe: 'requests through an AWS managed MCP server (aws:ViaAWSMCPService)',
      guards: false,
    });
  }
  return out;
}

/**
 * Ceiling, guards and invariant for each way an agent is recognised. The principal-tag layer's ceiling and
 * guards are mandatory (they keep agent roles bounded); the invariant statements of every layer are packed
 * at the agent-layer tier, after the stateful deletes of the everyone tier, and a statement that does not
 * fit is dropped whole and reported (the coverage report's per-layer counts then show what it opens).
 */
export function agentLayerTemplates(spec: GuardrailSpec, catalog: Catalog): StatementTemplate[] {
  const parts = agentInvariantParts(spec, catalog);
  const allowed = servicesSet(spec.agents.allowedServices);
  return agentRecognitions(spec).flatMap((recognition, index) => {
    const mandatory = index === 0;
    const tiered = (t: StatementTemplate): StatementTemplate =>
      mandatory && t.role === 'agent-guard' ? t : { ...t, mandatory: false, tier: TIER.agentLayer };
    return [
      {
        sid: `${recognition.sidPrefix}OnlyAllowedServices`,
        role: 'agent-ceiling' as const,
        effect: 'Deny' as const,
        notAction: [...allowed].sort().map((s) => `${s}:*`),
        resource: '*',
        condition: recognition.condition,
        mandatory,
        ...(mandatory ? {} : { tier: TIER.agentLayer }),
      },
      // Writes whose targets the request does not name ride on the guards' boundary statement where the
      // layer has guards (one statement fewer per layer), and get their own statement where it has none
      // (the MCP layer), placed after everything else and reported when it does not fit.
      ...(recognition.guards
        ? agentGuardTemplates(spec, {
            principal: recognition.condition,
            sidPrefix: recognition.sidPrefix,
            unnamedTargets: parts.unnamedTargets,
            principalActions: parts.actAsPrincipal,
          }).map(tiered)
        : [
            ...unnamedTargetsDeny(parts, { principal: recognition.condition, sidPrefix: recognition.sidPrefix }),
            actAsPrincipalGuard(spec, {
              principal: recognition.condition,
              sidPrefix: recognition.sidPrefix,
              principalActions: parts.actAsPrincipal,
            }),
          ].map((t) => ({ ...t, mandatory: false, tier: TIER.mcpUnnamedTargets }))),
      ...agentInvariantTemplates(spec, parts, {
        principal: recognition.condition,
        sidPrefix: recognition.sidPrefix,
      }).map(tiered),
      // Creates that change an untagged resource they name: for the layers that keep a role bounded without
      // its boundary. The MCP layer goes without, which keeps the default SCPs at the root to three.
      ...(recognition.guards
        ? changingExistingDeny(spec, parts, { principal: recognition.condition, sidPrefix: recognition.sidPrefix })
        : []
      ).map(tiered),
    ];
  });
}
