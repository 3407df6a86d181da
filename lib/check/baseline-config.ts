// The config a pull request brings can itself be the attack: drop `prod` from the production values, add a
// tag key nobody uses, take an agent's login out of check.agentLogins, and the gate no longer sees what the
// same pull request deletes. With the base branch's config at hand, the gate judges by the union of both:
// whatever either calls production is production, whoever either calls an agent is an agent. What a pull
// request adds to the lists that loosen the guardrails (exempt principals, operators, writes agents may make
// on production, non-production values) counts only once it is on the base branch. Who is an agent is decided
// as the base branch decides it, and more: its agent tag, and the source identities and MCP requests either
// config takes as agents'. The pull request's suppressions (what it asks to approve) are the ones that count:
// a destructive change's need two approvers, and so does one of the rules' findings the base branch lacks.
import type { LeashConfig } from '../config/schema';

function union(first: readonly string[], second: readonly string[], fold = (text: string) => text): string[] {
  const seen = new Set(first.map(fold));
  return [...first, ...second.filter((item) => !seen.has(fold(item)))];
}

/** What `head` leaves out of `base`'s production definition and agent logins, for the report. */
export function weakenedSince(base: LeashConfig, head: LeashConfig): string[] {
  const lost = (what: string, before: readonly string[], after: readonly string[], fold = (t: string) => t) => {
    const kept = new Set(after.map(fold));
    const gone = before.filter((item) => !kept.has(fold(item)));
    return gone.length > 0 ? [`${what}: ${gone.map((item) => JSON.stringify(item)).join(', ')}`] : [];
  };
  const lower = (text: string) => text.toLowerCase();
  return [
    ...lost('guardrails.production.tagKeys', base.guardrails.production.tagKeys, head.guardrails.production.tagKeys),
    ...lost(
      'guardrails.production.values',
      base.guardrails.production.values,
      head.guardrails.production.values,
      lower,
    ),
    ...lost('guardrails.production.arns', base.guardrails.production.arns, head.guardrails.production.arns),
    ...lost(
      'guardrails.production.arnPatterns',
      base.guardrails.production.arnPatterns,
      head.guardrails.production.arnPatterns,
    ),
    ...lost('check.agentLogins', base.check.agentLogins, head.check.agentLogins, lower),
    ...lost(
      'guardrails.agents.boundaryPolicyName',
      [base.guardrails.agents.boundaryPolicyName],
      [head.guardrails.agents.boundaryPolicyName],
    ),
    ...lost('guardrails.agents.principalTag', [agentTagText(base)], [agentTagText(head)], lower).map(
      (line) => `${line} (the one read: agents are recognised by the base branch's tag)`,
    ),
    ...lost(
      'guardrails.agents.sourceIdentityPatterns',
      base.guardrails.agents.sourceIdentityPatterns,
      head.guardrails.agents.sourceIdentityPatterns,
    ),
    ...(['treatAsAgent', 'includeExemptPrincipals'] as const).flatMap((flag) =>
      base.guardrails.agents.mcp[flag] && !head.guardrails.agents.mcp[flag]
        ? [`guardrails.agents.mcp.${flag}: true`]
        : [],
    ),
  ];
}

/** The agent tag as `key=value`. */
function agentTagText(config: LeashConfig): string {
  const { key, value } = config.guardrails.agents.principalTag;
  return `${key}=${value}`;
}

/** The loosening lists of the guardrails: what `head` adds to them counts only once merged. */
function loosening(config: LeashConfig): Record<string, readonly string[]> {
  const { guardrails } = config;
  return {
    'guardrails.exemptPrincipalArns': guardrails.exemptPrincipalArns,
    'guardrails.everyone.operatorPrincipalArns': guardrails.everyone.operatorPrincipalArns,
    'guardrails.agents.productionWriteAllowlist': guardrails.agents.productionWriteAllowlist,
    'guardrails.production.nonProductionValues': guardrails.production.nonProductionValues.map((v) => v.toLowerCase()),
  };
}

/** What `head` adds to `base`'s exemptions, operators, agent allowlist and non-production values, for the report. */
export function widenedSince(base: LeashConfig, head: LeashConfig): string[] {
  const before = loosening(base);
  const after = loosening(head);
  return Object.keys(after).flatMap((field) => {
    const had = new Set(before[field]);
    const added = after[field].filter((item) => !had.has(item));
    return added.length > 0 ? [`${field}: ${added.map((item) => JSON.stringify(item)).join(', ')}`] : [];
  });
}

/**
 * `head` with the production definition and agent logins of both configs, and only the exemptions, operators,
 * allowlisted writes and non-production values both hold.
 */
export function gateConfig(base: LeashConfig, head: LeashConfig): LeashConfig {
  const lower = (text: string) => text.toLowerCase();
  const both = (items: readonly string[], other: readonly string[], fold = (text: string) => text) => {
    const kept = new Set(other.map(fold));
    return items.filter((item) => kept.has(fold(item)));
  };
  const production = head.guardrails.production;
  const values = union(production.values, base.guardrails.production.values, lower);
  const productionValues = new Set(values.map(lower));
  return {
    ...head,
    guardrails: {
      ...head.guardrails,
      exemptPrincipalArns: both(head.guardrails.exemptPrincipalArns, base.guardrails.exemptPrincipalArns),
      everyone: {
        ...head.guardrails.everyone,
        operatorPrincipalArns: both(
          head.guardrails.everyone.operatorPrincipalArns,
          base.guardrails.everyone.operatorPrincipalArns,
        ),
      },
      agents: {
        ...head.guardrails.agents,
        productionWriteAllowlist: both(
          head.guardrails.agents.productionWriteAllowlist,
          base.guardrails.agents.productionWriteAllowlist,
        ),
        // One agent tag is read: the base branch's, so a pull request cannot rename its agents out of the rules.
        principalTag: base.guardrails.agents.principalTag,
        sourceIdentityPatterns: union(
          head.guardrails.agents.sourceIdentityPatterns,
          base.guardrails.agents.sourceIdentityPatterns,
        ),
        mcp: {
          treatAsAgent: head.guardrails.agents.mcp.treatAsAgent || base.guardrails.agents.mcp.treatAsAgent,
          includeExemptPrincipals:
            head.guardrails.agents.mcp.includeExemptPrincipals || base.guardrails.agents.mcp.includeExemptPrincipals,
        },
      },
      production: {
        ...production,
        tagKeys: union(production.tagKeys, base.guardrails.production.tagKeys),
        values,
        // A value either side calls production is not also non-production (unless nothing would be left).
        nonProductionValues: nonEmptyOr(
          both(production.nonProductionValues, base.guardrails.production.nonProductionValues, lower).filter(
            (value) => !productionValues.has(lower(value)),
          ),
          base.guardrails.production.nonProductionValues,
        ),
        arns: union(production.arns, base.guardrails.production.arns),
        arnPatterns: union(production.arnPatterns, base.guardrails.production.arnPatterns),
      },
    },
    check: { ...head.check, agentLogins: union(head.check.agentLogins, base.check.agentLogins, lower) },
  };
}

function nonEmptyOr(list: string[], fallback: string[]): string[] {
  return list.length > 0 ? list : fallback;
}
