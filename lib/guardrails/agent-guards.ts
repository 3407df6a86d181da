// Agent guard statements shared by the boundary and every SCP agent layer: agents keep their boundary,
// create only bounded agent principals, and pass, assume, get credentials for or tag only agent principals.
import {
  allOf,
  boundaryPolicyArnInCallerAccount,
  type ConditionBlock,
  requestTagNotIn,
  resourceTagKey,
} from './conditions';
import type { StatementTemplate } from './packing';
import type { GuardrailSpec } from './spec';

/**
 * Every way to act as, make an agent of, or change the permissions or trust of the IAM principal a request
 * names: the guard allows them only on principals (and managed policies and identity providers) that carry
 * the agent tag.
 */
export const ACT_AS_PRINCIPAL = [
  'iam:PassRole',
  'sts:AssumeRole',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:CreateServiceSpecificCredential',
  'iam:ResetServiceSpecificCredential',
  'iam:TagRole',
  'iam:TagUser',
  // A role or user tagged non-production but not an agent has no boundary: AdministratorAccess attached to
  // it, an inline Deny removed from it, or a trust policy naming an account the agent's operator holds makes
  // it a way to write production (through code that already runs as it, or by assuming it from outside).
  'iam:AttachRolePolicy',
  'iam:PutRolePolicy',
  'iam:DetachRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:UpdateAssumeRolePolicy',
  'iam:AttachUserPolicy',
  'iam:PutUserPolicy',
  'iam:DetachUserPolicy',
  'iam:DeleteUserPolicy',
  // A managed policy tagged non-production may be attached to any principal: a new default version widens
  // them all. Tagging a policy is kept to agent policies too, or the agent tag would open its versions.
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:TagPolicy',
  // An identity provider is trusted by every role that names its ARN, production roles included: new SAML
  // metadata, or the provider deleted and made again under the same name, lets sts:AssumeRoleWithSAML (which
  // no boundary or SCP sees) into all of them; new audiences widen an OIDC provider the same way.
  'iam:UpdateSAMLProvider',
  'iam:DeleteSAMLProvider',
  'iam:TagSAMLProvider',
  'iam:AddClientIDToOpenIDConnectProvider',
  'iam:UpdateOpenIDConnectProviderThumbprint',
  'iam:DeleteOpenIDConnectProvider',
  'iam:TagOpenIDConnectProvider',
] as const;

/** Agent statements shared by the SCP agent layer (with the principal-tag condition) and the boundary. */
export function agentGuardTemplates(
  spec: GuardrailSpec,
  scope: {
    readonly principal?: ConditionBlock;
    readonly sidPrefix: string;
    /**
     * Patterns of the writes whose targets the request does not name (AgentInvariantParts.unnamedTargets):
     * escapes like an unbounded role, denied on every resource, so they share the boundary guard's statement.
     */
    readonly unnamedTargets?: readonly string[];
    /** ACT_AS_PRINCIPAL as catalog-checked patterns (AgentInvariantParts.actAsPrincipal). */
    readonly principalActions?: readonly string[];
  },
): StatementTemplate[] {
  const { key, value } = spec.agents.principalTag;
  const when = scope.principal;
  const p = scope.sidPrefix;
  const unnamed = scope.unnamedTargets ?? [];
  return [
    {
      sid: unnamed.length > 0 ? `${p}KeepBoundaryAndTargets` : `${p}KeepBoundaryOnPrincipals`,
      role: 'agent-guard',
      effect: 'Deny',
      action: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary', ...unnamed],
      resource: '*',
      condition: allOf(when),
      mandatory: true,
    },
    {
      sid: `${p}RequireBoundaryOnNewPrincipals`,
      role: 'agent-guard',
      effect: 'Deny',
      action: ['iam:CreateRole', 'iam:CreateUser', 'iam:PutRolePermissionsBoundary', 'iam:PutUserPermissionsBoundary'],
      resource: '*',
      // StringNotEquals as in the IAM User Guide's boundary examples; the ARN holds a policy variable.
      condition: allOf(when, {
        StringNotEquals: { 'iam:PermissionsBoundary': boundaryPolicyArnInCallerAccount(spec) },
      }),
      mandatory: true,
    },
    {
      sid: `${p}RequireAgentTagOnNewPrincipals`,
      role: 'agent-guard',
      effect: 'Deny',
      action: ['iam:CreateRole', 'iam:CreateUser'],
      resource: '*',
      condition: allOf(when, requestTagNotIn(key, [value])),
      mandatory: true,
    },
    actAsPrincipalGuard(spec, scope),
  ];
}

/**
 * The guard on every way to act as, or make an agent of, the principal a request names (ACT_AS_PRINCIPAL):
 * only principals that carry the agent tag. Also the MCP layer's: credentials minted through an MCP server
 * (an assumed role's, a new access key) are returned to the agent and work outside the server.
 */
export function actAsPrincipalGuard(
  spec: GuardrailSpec,
  scope: {
    readonly principal?: ConditionBlock;
    readonly sidPrefix: string;
    readonly principalActions?: readonly string[];
  },
): StatementTemplate {
  const { key, value } = spec.agents.principalTag;
  const when = scope.principal;
  const p = scope.sidPrefix;
  return {
    // IAM has no condition key for the boundary of the role being passed or assumed; the agent tag stands
    // in for it, because agents can only create roles that carry both the tag and this boundary, nobody
    // who is not exempt can remove the tag, and the SCP agent layer binds every role that carries it.
    // The same holds for every other way to act as a principal: its credentials (access keys, a console
    // password, service-specific credentials) are made only for agent users, and the tag itself is put
    // only on principals that already carry it, so a non-production user or role without the boundary
    // (a developer's, tagged environment=dev) never becomes the agent's way out.
    sid: `${p}OnlyAgents`,
    role: 'agent-guard',
    effect: 'Deny',
    action: scope.principalActions ?? [...ACT_AS_PRINCIPAL],
    resource: '*',
    condition: allOf(when, { StringNotEqualsIgnoreCase: { [resourceTagKey(key)]: value } }),
    mandatory: true,
  };
}
