import { gateConfig, weakenedSince, widenedSince } from '../../lib/check/baseline-config';
import { LeashConfig } from '../../lib/config/schema';

const base = LeashConfig.parse({
  guardrails: { production: { tagKeys: ['environment', 'stage'], values: ['production', 'prod'] } },
  check: { agentLogins: ['acme-claude-*'] },
});

describe("the gate's config with the base branch's", () => {
  it('keeps what either side calls production, and every agent login of either', () => {
    const head = LeashConfig.parse({
      guardrails: {
        production: { tagKeys: ['environment'], values: ['Production'], nonProductionValues: ['prod', 'dev'] },
      },
      check: { agentLogins: [] },
    });
    const merged = gateConfig(base, head);
    expect(merged.guardrails.production.tagKeys).toEqual(['environment', 'stage']);
    expect(merged.guardrails.production.values).toEqual(['Production', 'prod']);
    // "prod" is production on the base branch, so it is no longer non-production either.
    expect(merged.guardrails.production.nonProductionValues).toEqual(['dev']);
    expect(merged.check.agentLogins).toEqual(['acme-claude-*']);
    expect(weakenedSince(base, head)).toEqual([
      'guardrails.production.tagKeys: "stage"',
      'guardrails.production.values: "prod"',
      'check.agentLogins: "acme-claude-*"',
    ]);
  });

  it('says when the pull request renames the agent boundary (the gate knows it by both names)', () => {
    const renamedBase = LeashConfig.parse({ guardrails: { agents: { boundaryPolicyName: 'acme-agent-cap' } } });
    const head = LeashConfig.parse({ guardrails: { agents: { boundaryPolicyName: 'acme-agent-cap-v2' } } });
    expect(weakenedSince(renamedBase, head)).toEqual(['guardrails.agents.boundaryPolicyName: "acme-agent-cap"']);
  });

  it('recognises agents as the base branch does, and as either config does by source identity and MCP', () => {
    const agentBase = LeashConfig.parse({
      guardrails: { agents: { sourceIdentityPatterns: ['agent-*'], mcp: { treatAsAgent: true } } },
    });
    const head = LeashConfig.parse({
      guardrails: {
        agents: {
          principalTag: { key: 'team', value: 'ai' },
          sourceIdentityPatterns: [],
          mcp: { treatAsAgent: false, includeExemptPrincipals: false },
        },
      },
    });
    const merged = gateConfig(agentBase, head).guardrails.agents;
    expect(merged.principalTag).toEqual({ key: 'leash:agent', value: 'true' });
    expect(merged.sourceIdentityPatterns).toEqual(['agent-*']);
    expect(merged.mcp).toEqual({ treatAsAgent: true, includeExemptPrincipals: true });
    expect(weakenedSince(agentBase, head)).toEqual([
      'guardrails.agents.principalTag: "leash:agent=true" (the one read: agents are recognised by the base branch\'s tag)',
      'guardrails.agents.sourceIdentityPatterns: "agent-*"',
      'guardrails.agents.mcp.treatAsAgent: true',
      'guardrails.agents.mcp.includeExemptPrincipals: true',
    ]);
  });

  it('says nothing when the pull request only adds', () => {
    const head = LeashConfig.parse({
      guardrails: { production: { tagKeys: ['environment', 'stage', 'env'], values: ['production', 'prod', 'live'] } },
      check: { agentLogins: ['acme-claude-*', 'copilot-worker'] },
    });
    expect(weakenedSince(base, head)).toEqual([]);
    expect(gateConfig(base, head).guardrails.production.values).toEqual(['production', 'prod', 'live']);
  });

  it('counts what the pull request adds to exemptions, operators, the agent allowlist and non-production values only once merged', () => {
    const head = LeashConfig.parse({
      guardrails: {
        exemptPrincipalArns: ['arn:aws:iam::*:role/leash-break-glass', 'arn:aws:iam::*:role/agent-ops'],
        agents: { productionWriteAllowlist: ['dynamodb:PutItem'] },
        production: { nonProductionValues: ['dev', 'live'] },
      },
    });
    const merged = gateConfig(base, head);
    expect(merged.guardrails.exemptPrincipalArns).toEqual(['arn:aws:iam::*:role/leash-break-glass']);
    expect(merged.guardrails.agents.productionWriteAllowlist).toEqual([]);
    expect(merged.guardrails.production.nonProductionValues).toEqual(['dev']);
    expect(widenedSince(base, head)).toEqual([
      'guardrails.exemptPrincipalArns: "arn:aws:iam::*:role/agent-ops"',
      'guardrails.agents.productionWriteAllowlist: "dynamodb:PutItem"',
      'guardrails.production.nonProductionValues: "live"',
    ]);
    expect(widenedSince(base, base)).toEqual([]);
  });
});
