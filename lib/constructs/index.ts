// CDK constructs that deploy the guardrails: the agent boundary and roles, the organization's SCPs/RCPs,
// the StackSet that reaches every member account, and the Aspect that protects production stacks.
export {
  AgentPermissionsBoundary,
  referencedPolicyNames,
  type AgentPermissionsBoundaryProps,
} from './agent-permissions-boundary';
export { AgentRole, ReadOnlyBaseline, type AgentRoleProps } from './agent-role';
export {
  AgentTrust,
  GITHUB_OIDC_HOST,
  type AccountTrustProps,
  type BoundAgentTrust,
  type GitHubActionsTrustProps,
} from './agent-trust';
export {
  AgentAccountResources,
  type AgentAccountResourcesProps,
  type AgentGrant,
  type AgentRoleDefinition,
} from './agent-account-resources';
export {
  AgentBoundaryStackSet,
  StackSetCallAs,
  TEMPLATE_BODY_LIMIT,
  type AgentBoundaryStackSetProps,
} from './boundary-stack-set';
export { ProductionGuardrails, MAX_POLICIES_PER_TARGET, type ProductionGuardrailsProps } from './production-guardrails';
export { ProductionProtection, MissingBoundary, type ProductionProtectionProps } from './production-protection';
export { STATEFUL_RESOURCE_TYPES, isStatefulResourceType, statefulTypeNames } from './stateful-resource-types';
export {
  arnPatternsOverlap,
  globsOverlap,
  matchProductionResource,
  type ProductionResourceMatch,
} from './production-resources';
export {
  checkDestructiveGrant,
  describeRefusedGrant,
  REFUSED_CLASSES,
  type DestructiveGrant,
  type DestructiveGrantCheck,
} from './destructive-grants';
export {
  AgentAccountStack,
  OrganizationGuardrailsStack,
  type AgentAccountStackProps,
  type OrganizationGuardrailsStackProps,
} from './stacks';
export { defineLeashStacks, agentRoleDefinition, type LeashStacks, type LeashStacksOptions } from './leash-app';
