// The two stacks `cdk deploy` creates: the organization stack (SCPs, RCPs, boundary StackSet) for the
// management or delegated-admin account, and the agent stack for each account where agents run.
import { Annotations, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Catalog } from '../catalog/types';
import type { GuardrailSpec } from '../guardrails/spec';
import type { GeneratedGuardrails, GeneratedPolicy } from '../guardrails/types';
import { AgentAccountResources, type AgentRoleDefinition } from './agent-account-resources';
import { AgentBoundaryStackSet, type AgentBoundaryStackSetProps } from './boundary-stack-set';
import { MissingBoundary, ProductionProtection } from './production-protection';
import { ProductionGuardrails, type ProductionGuardrailsProps } from './production-guardrails';

export interface OrganizationGuardrailsStackProps extends StackProps {
  readonly spec: GuardrailSpec;
  /** `generateGuardrails(spec)`. */
  readonly guardrails: GeneratedGuardrails;
  /**
   * Roots, OUs and accounts that get the policies which name no level (hand-made ones).
   *
   * @default - none
   */
  readonly policyTargetIds?: readonly string[];

  /**
   * Targets per organization level for the generated policies (each names its level): the root id, the
   * production OU ids and the production account ids.
   *
   * @default - none
   */
  readonly levelTargetIds?: ProductionGuardrailsProps['levelTargetIds'];

  /**
   * Deploy the generated RCPs too.
   *
   * @default true
   */
  readonly resourceControlPolicies?: boolean;

  /**
   * SCPs already attached to each target (FullAWSAccess).
   *
   * @default 1
   */
  readonly existingServiceControlPoliciesPerTarget?: number;

  /**
   * RCPs already attached to each target (RCPFullAWSAccess).
   *
   * @default 1
   */
  readonly existingResourceControlPoliciesPerTarget?: number;

  /**
   * The boundary StackSet; undefined leaves it out.
   *
   * @default - no StackSet
   */
  readonly boundaryStackSet?: Omit<AgentBoundaryStackSetProps, 'spec' | 'boundary' | 'catalog'>;

  /**
   * Action catalog for the agent role grant checks.
   *
   * @default loadCatalog()
   */
  readonly catalog?: Catalog;
}

/** SCPs, RCPs and the boundary StackSet, for the management (or delegated administrator) account. */
export class OrganizationGuardrailsStack extends Stack {
  public readonly guardrails: ProductionGuardrails;
  public readonly boundaryStackSet?: AgentBoundaryStackSet;

  constructor(scope: Construct, id: string, props: OrganizationGuardrailsStackProps) {
    super(scope, id, {
      description: 'agent-leash: production guardrails (SCPs, RCPs) and the agent boundary StackSet',
      ...props,
    });
    const generated = props.guardrails;
    this.guardrails = new ProductionGuardrails(this, 'Guardrails', {
      serviceControlPolicies: generated.serviceControlPolicies,
      resourceControlPolicies: (props.resourceControlPolicies ?? true) ? generated.resourceControlPolicies : [],
      targetIds: props.policyTargetIds,
      levelTargetIds: props.levelTargetIds,
      existingServiceControlPoliciesPerTarget: props.existingServiceControlPoliciesPerTarget,
      existingResourceControlPoliciesPerTarget: props.existingResourceControlPoliciesPerTarget,
    });
    if (props.boundaryStackSet) {
      this.boundaryStackSet = new AgentBoundaryStackSet(this, 'BoundaryStackSet', {
        ...props.boundaryStackSet,
        spec: props.spec,
        boundary: generated.boundary,
        catalog: props.catalog,
      });
    }
    // What the deployed guardrails cover, next to them in the template, for reviewers of the change set.
    this.templateOptions.metadata = {
      'agent-leash': {
        dataVersion: generated.coverage.dataVersion,
        totals: generated.coverage.totals,
        policySizes: generated.coverage.policySizes,
        placement: generated.placement,
        caveats: generated.coverage.caveats,
      },
    };
    for (const caveat of generated.coverage.caveats) Annotations.of(this).addInfo(caveat);
    ProductionProtection.protect(this, {
      boundaryPolicyName: props.spec.agents.boundaryPolicyName,
      missingBoundary: MissingBoundary.ERROR,
    });
  }
}

export interface AgentAccountStackProps extends StackProps {
  readonly spec: GuardrailSpec;

  /**
   * Create this boundary in the account; undefined references the one the StackSet deployed.
   *
   * @default - reference the existing boundary by `spec.agents.boundaryPolicyName`
   */
  readonly boundary?: GeneratedPolicy;

  /**
   * Agent roles to create.
   *
   * @default - none
   */
  readonly agentRoles?: readonly AgentRoleDefinition[];

  /**
   * Create the GitHub Actions OIDC provider in the account.
   *
   * @default false
   */
  readonly createGitHubOidcProvider?: boolean;

  /**
   * Action catalog for the grant checks.
   *
   * @default loadCatalog()
   */
  readonly catalog?: Catalog;
}

/** The boundary (or a reference to it) and the agent roles of one account. */
export class AgentAccountStack extends Stack {
  public readonly resources: AgentAccountResources;

  constructor(scope: Construct, id: string, props: AgentAccountStackProps) {
    super(scope, id, { description: 'agent-leash: agent permissions boundary and agent roles', ...props });
    this.resources = new AgentAccountResources(this, 'Agents', {
      spec: props.spec,
      boundary: props.boundary,
      agentRoles: props.agentRoles,
      createGitHubOidcProvider: props.createGitHubOidcProvider,
      catalog: props.catalog,
    });
    // Every role here is an agent role and must carry the boundary: a role without it is a bug, not a fix-up.
    ProductionProtection.protect(this, {
      boundaryPolicyName: props.spec.agents.boundaryPolicyName,
      missingBoundary: MissingBoundary.ERROR,
    });
  }
}
