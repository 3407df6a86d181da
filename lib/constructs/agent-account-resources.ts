// What every account that runs agents holds: the boundary (or a reference to it), the GitHub OIDC
// provider when asked, and the agent roles. Shared by the per-account stack and the StackSet template.
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { Catalog } from '../catalog/types';
import type { GuardrailSpec } from '../guardrails/spec';
import type { GeneratedPolicy } from '../guardrails/types';
import { AgentPermissionsBoundary } from './agent-permissions-boundary';
import { AgentRole, type AgentRoleProps } from './agent-role';
import { GITHUB_OIDC_HOST } from './agent-trust';

/** One grant on an agent role; checked like `AgentRole.grantActions`. */
export interface AgentGrant {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/** An agent role to create, without the parts the account resources supply (spec, boundary, catalog). */
export interface AgentRoleDefinition extends Omit<AgentRoleProps, 'spec' | 'boundary' | 'catalog'> {
  /** Construct id of the role. */
  readonly id: string;
  /**
   * Grants to add with `grantActions`.
   *
   * @default - none
   */
  readonly grants?: readonly AgentGrant[];
}

export interface AgentAccountResourcesProps {
  readonly spec: GuardrailSpec;

  /**
   * The boundary to create in the account. When undefined, the boundary is expected to exist already
   * (put there by the boundary StackSet) and is referenced by `spec.agents.boundaryPolicyName`.
   *
   * @default - reference the existing boundary
   */
  readonly boundary?: GeneratedPolicy;

  /**
   * Agent roles to create.
   *
   * @default - none
   */
  readonly agentRoles?: readonly AgentRoleDefinition[];

  /**
   * Create the IAM OIDC provider for GitHub Actions (`token.actions.githubusercontent.com`). An account
   * holds one provider per URL, so leave this off where it already exists.
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

/** The boundary, the optional GitHub OIDC provider and the agent roles of one account. */
export class AgentAccountResources extends Construct {
  public readonly boundary: iam.IManagedPolicy;
  public readonly agentRoles: readonly AgentRole[];
  public readonly gitHubOidcProvider?: iam.OidcProviderNative;

  constructor(scope: Construct, id: string, props: AgentAccountResourcesProps) {
    super(scope, id);
    const name = props.spec.agents.boundaryPolicyName;
    this.boundary = props.boundary
      ? new AgentPermissionsBoundary(this, 'Boundary', { policy: props.boundary, managedPolicyName: name })
      : AgentPermissionsBoundary.fromBoundaryName(this, 'Boundary', name);

    if (props.createGitHubOidcProvider) {
      this.gitHubOidcProvider = new iam.OidcProviderNative(this, 'GitHubOidcProvider', {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIds: ['sts.amazonaws.com'],
      });
    }

    const ids = new Set<string>();
    this.agentRoles = (props.agentRoles ?? []).map((definition) => {
      if (ids.has(definition.id)) throw new Error(`${this.node.path}: two agent roles have the id "${definition.id}"`);
      ids.add(definition.id);
      const { id: roleId, grants, ...roleProps } = definition;
      const role = new AgentRole(this, roleId, {
        ...roleProps,
        spec: props.spec,
        boundary: this.boundary,
        catalog: props.catalog,
      });
      for (const grant of grants ?? []) role.grantActions(grant.actions, grant.resources);
      // A web-identity trust on a provider created here must wait for the provider.
      if (this.gitHubOidcProvider) role.node.addDependency(this.gitHubOidcProvider);
      return role;
    });
  }
}
