// The configuration an audit without --config runs with, LeashConfig.parse({}), by value: the schema loads
// zod and builds every schema of leash.config.json (the guardrail spec, the deployment settings), about a
// fifth of what `leash audit` costs on a small account before its first rule. A test keeps this equal to the
// schema's defaults, so the schema stays the single source of truth.
import { DEFAULT_AGENT_SERVICES, DEFAULT_SENSITIVE_READS } from '../guardrails/spec-defaults';
import type { LeashConfig } from './schema';

/** LeashConfig.parse({}), a new object each call (as a parse returns). */
/** The name leash gives the agent permissions boundary policy unless the config names another. */
export const DEFAULT_BOUNDARY_NAME = 'leash-agent-boundary';

export function defaultConfig(): LeashConfig {
  return {
    guardrails: {
      production: {
        tagKeys: ['environment'],
        values: ['production', 'prod'],
        nonProductionValues: ['dev', 'development', 'test', 'sandbox', 'staging'],
        arnPatterns: [],
        arns: [],
      },
      exemptPrincipalArns: ['arn:aws:iam::*:role/leash-break-glass', 'arn:aws:iam::*:role/leash-deployment-pipeline'],
      agents: {
        principalTag: {
          key: 'leash:agent',
          value: 'true',
        },
        allowedServices: [...DEFAULT_AGENT_SERVICES],
        boundaryPolicyName: DEFAULT_BOUNDARY_NAME,
        productionWriteAllowlist: [],
        sensitiveReads: [...DEFAULT_SENSITIVE_READS],
        sourceIdentityPatterns: [],
        mcp: {
          treatAsAgent: true,
          includeExemptPrincipals: true,
        },
      },
      everyone: {
        denyEscalationAndExecution: false,
        operatorPrincipalArns: [],
      },
      placement: {
        serviceControlPolicies: {
          root: 4,
          organizationalUnit: 4,
          account: 4,
        },
        resourceControlPolicies: {
          root: 4,
          organizationalUnit: 4,
          account: 4,
        },
      },
    },
    suppressions: [],
    check: { agentLogins: [] },
    deployment: {
      organization: {
        enabled: true,
        stackName: 'leash-organization',
        region: 'us-east-1',
        targetOuIds: [],
        accountIds: [],
        callAs: 'SELF',
        resourceControlPolicies: true,
        existingServiceControlPoliciesPerTarget: 1,
        existingResourceControlPoliciesPerTarget: 1,
        boundaryStackSet: {
          enabled: true,
          stackSetName: 'leash-agent-boundary',
          includeAgentRoles: false,
          createGitHubOidcProvider: false,
          retainStacksOnAccountRemoval: true,
        },
      },
      agentStack: {
        enabled: true,
        stackName: 'leash-agents',
        accountIds: [],
        createGitHubOidcProvider: false,
      },
      agentRoles: [],
    },
  };
}

/** A plain value is the same data as `expected`: same keys (no more, no fewer), same primitives, arrays as arrays. */
function sameData(value: unknown, expected: unknown): boolean {
  if (typeof expected !== 'object' || expected === null) return value === expected;
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(expected)) {
    if (!Array.isArray(value) || value.length !== expected.length) return false;
    for (let i = 0; i < expected.length; i++) if (!sameData(value[i], expected[i])) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (Array.isArray(value) || (proto !== Object.prototype && proto !== null)) return false;
  const keys = Object.keys(expected);
  if (Object.keys(value).length !== keys.length) return false;
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) return false;
    if (!sameData((value as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/**
 * Whether `value` is exactly the default configuration (the CLI hands the audit the config it read, and the
 * audit checks it again): then the schema would return defaultConfig(), and parseConfig need not load it.
 */
export function isDefaultConfig(value: unknown): boolean {
  return sameData(value, defaultConfig());
}
