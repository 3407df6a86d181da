// leash.config.json → the stacks of the CDK app. Pure: takes the parsed config, reads nothing.
import { Annotations, Duration, type App } from 'aws-cdk-lib';
import type { Catalog } from '../catalog/types';
import { parseConfig } from '../config/parse';
import type { AgentRoleConfig, LeashConfig } from '../config/schema';
import { generateGuardrails } from '../guardrails';
import type { GeneratedGuardrails } from '../guardrails/types';
import { InputError } from '../util/read-input';
import type { AgentRoleDefinition } from './agent-account-resources';
import { ReadOnlyBaseline } from './agent-role';
import { AgentTrust } from './agent-trust';
import { StackSetCallAs } from './boundary-stack-set';
import { AgentAccountStack, OrganizationGuardrailsStack } from './stacks';

export interface LeashStacksOptions {
  /** The config file, for error messages. @default 'leash.config.json' */
  readonly configFile?: string;
  /** @default loadCatalog() */
  readonly catalog?: Catalog;
  /** Precomputed guardrails. @default generateGuardrails(config.guardrails, catalog) */
  readonly guardrails?: GeneratedGuardrails;
}

export interface LeashStacks {
  readonly organization?: OrganizationGuardrailsStack;
  readonly agentStacks: readonly AgentAccountStack[];
  /** The generated documents; undefined when no stack needed them (agent stacks referencing the boundary). */
  readonly guardrails?: GeneratedGuardrails;
}

/** Define the organization stack and the agent stacks the config asks for. */
export function defineLeashStacks(app: App, input: LeashConfig, options: LeashStacksOptions = {}): LeashStacks {
  const file = options.configFile ?? 'leash.config.json';
  const config = parseConfig(input, file);
  const { organization, agentStack } = config.deployment;
  const spec = config.guardrails;
  const stackSet = organization.enabled && organization.boundaryStackSet.enabled;
  const policyTargetIds = [...organization.targetOuIds, ...organization.accountIds];
  const rootIds = organization.rootId
    ? [organization.rootId]
    : organization.targetOuIds.filter((id) => id.startsWith('r-'));
  const levelTargetIds = {
    root: rootIds,
    'organizational-unit': organization.targetOuIds.filter((id) => id.startsWith('ou-')),
    account: organization.accountIds,
  };
  // Config problems first: generating the guardrails takes seconds.
  if (organization.enabled) {
    if (policyTargetIds.length === 0) {
      throw new InputError(
        `${file}: deployment.organization.targetOuIds: empty (and no accountIds): name the OUs or the root ` +
          'that get the guardrails, or set deployment.organization.enabled to false',
      );
    }
    if (stackSet && organization.targetOuIds.length === 0) {
      throw new InputError(
        `${file}: deployment.organization.targetOuIds: the boundary StackSet deploys to OUs; name at least one ` +
          'OU (or the root), or set deployment.organization.boundaryStackSet.enabled to false',
      );
    }
  }
  const createBoundary = agentStack.createBoundary ?? !stackSet;
  // Only the organization stack and an agent stack that creates the boundary need the generated documents.
  const needsGuardrails = organization.enabled || (agentStack.enabled && createBoundary);
  const guardrails = needsGuardrails ? (options.guardrails ?? generateGuardrails(spec, options.catalog)) : undefined;
  const roles = config.deployment.agentRoles.map(agentRoleDefinition);

  let organizationStack: OrganizationGuardrailsStack | undefined;
  if (organization.enabled && guardrails) {
    // Every level the placement plan uses needs targets, or the accounts would silently miss part of it.
    const fields = { root: 'rootId', 'organizational-unit': 'targetOuIds', account: 'accountIds' } as const;
    for (const entry of guardrails.placement.levels) {
      const used =
        entry.serviceControlPolicies.length +
        (organization.resourceControlPolicies ? entry.resourceControlPolicies.length : 0);
      if (used > 0 && levelTargetIds[entry.level].length === 0) {
        throw new InputError(
          `${file}: deployment.organization.${fields[entry.level]}: the placement plan puts ` +
            `${[...entry.serviceControlPolicies, ...entry.resourceControlPolicies].join(', ')} at the ${entry.level} ` +
            `level, which has no targets: name them, or set guardrails.placement.*.${entry.level === 'organizational-unit' ? 'organizationalUnit' : entry.level} to 0`,
        );
      }
    }
    organizationStack = new OrganizationGuardrailsStack(app, organization.stackName, {
      env: { account: organization.account, region: organization.region },
      spec,
      guardrails,
      policyTargetIds,
      levelTargetIds,
      resourceControlPolicies: organization.resourceControlPolicies,
      existingServiceControlPoliciesPerTarget: organization.existingServiceControlPoliciesPerTarget,
      existingResourceControlPoliciesPerTarget: organization.existingResourceControlPoliciesPerTarget,
      boundaryStackSet: stackSet
        ? {
            organizationalUnitIds: organization.targetOuIds,
            region: organization.region,
            stackSetName: organization.boundaryStackSet.stackSetName,
            callAs: organization.callAs === 'DELEGATED_ADMIN' ? StackSetCallAs.DELEGATED_ADMIN : StackSetCallAs.SELF,
            retainStacksOnAccountRemoval: organization.boundaryStackSet.retainStacksOnAccountRemoval,
            createGitHubOidcProvider: organization.boundaryStackSet.createGitHubOidcProvider,
            agentRoles: organization.boundaryStackSet.includeAgentRoles ? roles : [],
          }
        : undefined,
      catalog: options.catalog,
      terminationProtection: true,
    });
  }

  const agentStacks: AgentAccountStack[] = [];
  if (agentStack.enabled) {
    const accounts: (string | undefined)[] = agentStack.accountIds.length > 0 ? agentStack.accountIds : [undefined];
    for (const account of accounts) {
      const stack = new AgentAccountStack(app, account ? `${agentStack.stackName}-${account}` : agentStack.stackName, {
        env: { account, region: agentStack.region },
        spec,
        boundary: createBoundary ? guardrails?.boundary : undefined,
        agentRoles: roles,
        createGitHubOidcProvider: agentStack.createGitHubOidcProvider,
        catalog: options.catalog,
        terminationProtection: true,
      });
      if (stackSet && organization.boundaryStackSet.includeAgentRoles && roles.length > 0) {
        Annotations.of(stack).addWarningV2(
          'leash:roles-twice',
          'the boundary StackSet already creates the agent roles in every account of the target OUs; ' +
            'deploying this stack into one of those accounts fails on the duplicate role names',
        );
      }
      agentStacks.push(stack);
    }
  }
  return { organization: organizationStack, agentStacks, guardrails };
}

/** One `deployment.agentRoles` entry as construct props. */
export function agentRoleDefinition(role: AgentRoleConfig): AgentRoleDefinition {
  return {
    id: role.roleName,
    roleName: role.roleName,
    description: role.description,
    trust: agentTrust(role.trust),
    maxSessionDuration: Duration.hours(role.maxSessionHours),
    readOnlyBaseline: BASELINES[role.readOnlyBaseline],
    grants: role.grants,
  };
}

const BASELINES: Record<AgentRoleConfig['readOnlyBaseline'], ReadOnlyBaseline> = {
  none: ReadOnlyBaseline.NONE,
  'view-only': ReadOnlyBaseline.VIEW_ONLY,
  'read-only': ReadOnlyBaseline.READ_ONLY,
};

function agentTrust(trust: AgentRoleConfig['trust']): AgentTrust {
  switch (trust.type) {
    case 'account':
      return AgentTrust.account(trust);
    case 'github-actions':
      return AgentTrust.gitHubActions(trust);
    case 'service':
      return AgentTrust.service(trust.service);
  }
}
