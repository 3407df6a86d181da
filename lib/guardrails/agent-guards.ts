// Agent guard statements shared by the boundary and every SCP agent layer: agents keep their boundary,
// create only bounded agent principals, and pass or assume only agent roles.
import {
  allOf,
  boundaryPolicyArnInCallerAccount,
  type ConditionBlock,
  requestTagNotIn,
  resourceTagKey,
} from './conditions';
import type { StatementTemplate } from './packing';
import type { GuardrailSpec } from './spec';

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
    {
      // IAM has no condition key for the boundary of the role being passed or assumed; the agent tag stands
      // in for it, because agents can only create roles that carry both the tag and this boundary, nobody
      // who is not exempt can remove the tag, and the SCP agent layer binds every role that carries it.
      sid: `${p}OnlyAgentRoles`,
      role: 'agent-guard',
      effect: 'Deny',
      action: ['iam:PassRole', 'sts:AssumeRole'],
      resource: '*',
      condition: allOf(when, { StringNotEqualsIgnoreCase: { [resourceTagKey(key)]: value } }),
      mandatory: true,
    },
  ];
}
