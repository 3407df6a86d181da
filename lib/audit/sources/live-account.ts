// Reads one live AWS account into an AccountSnapshot: IAM authorization details (every page), and the SCP/RCP
// chain above it when these credentials may read the organization. Read-only: List/Get/Describe calls only.
import {
  type GetAccountAuthorizationDetailsCommandOutput,
  type IAMClient,
  paginateGetAccountAuthorizationDetails,
} from '@aws-sdk/client-iam';
import {
  DescribeOrganizationCommand,
  ListRootsCommand,
  type OrganizationsClient,
  paginateListParents,
} from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { parseAuthorizationDetails } from './authorization-details';
import { createAwsClients, destroyAwsClients, errorCode, errorMessage, isAbort, isAccessDenied } from './aws-clients';
import { readTogether } from './read-together';
import type { AwsClientSettings } from './aws-clients';
import { liveResourcePolicies, readComputeInventory } from './live-inventory';
import { readRootSessions } from './live-root-sessions';
import { liveResourceTags } from './live-resource-tags';
import { enabledPolicyTypes, type HierarchyLevel, OrganizationPolicyReader } from './organization-policies';
import type { AccountSnapshot, OrganizationPolicyLevel, SnapshotProblem } from './snapshot';

/**
 * Every page of GetAccountAuthorizationDetails, merged into one response. Documents stay URL-encoded as the
 * API returns them; `parseAuthorizationDetails` decodes them.
 */
export async function readAuthorizationDetailPages(
  iam: IAMClient,
  signal?: AbortSignal,
): Promise<{
  UserDetailList: NonNullable<GetAccountAuthorizationDetailsCommandOutput['UserDetailList']>;
  GroupDetailList: NonNullable<GetAccountAuthorizationDetailsCommandOutput['GroupDetailList']>;
  RoleDetailList: NonNullable<GetAccountAuthorizationDetailsCommandOutput['RoleDetailList']>;
  Policies: NonNullable<GetAccountAuthorizationDetailsCommandOutput['Policies']>;
  pages: number;
}> {
  const merged = {
    UserDetailList: [] as NonNullable<GetAccountAuthorizationDetailsCommandOutput['UserDetailList']>,
    GroupDetailList: [] as NonNullable<GetAccountAuthorizationDetailsCommandOutput['GroupDetailList']>,
    RoleDetailList: [] as NonNullable<GetAccountAuthorizationDetailsCommandOutput['RoleDetailList']>,
    Policies: [] as NonNullable<GetAccountAuthorizationDetailsCommandOutput['Policies']>,
    pages: 0,
  };
  // No Filter: users, groups, roles, customer managed and attached AWS managed policies. MaxItems 1000 is the
  // API's own ceiling and keeps the number of calls low for large accounts.
  for await (const page of paginateGetAccountAuthorizationDetails(
    { client: iam, pageSize: 1000 },
    {},
    { abortSignal: signal },
  )) {
    merged.pages++;
    merged.UserDetailList.push(...(page.UserDetailList ?? []));
    merged.GroupDetailList.push(...(page.GroupDetailList ?? []));
    merged.RoleDetailList.push(...(page.RoleDetailList ?? []));
    merged.Policies.push(...(page.Policies ?? []));
  }
  return merged;
}

export interface AccountIamReadOptions {
  accountId: string;
  accountName?: string;
  source: AccountSnapshot['source'];
  signal?: AbortSignal;
}

/** The IAM half of a snapshot; the organization fields are left "unknown" for the caller to fill. */
export async function readAccountIam(iam: IAMClient, options: AccountIamReadOptions): Promise<AccountSnapshot> {
  const details = await readAuthorizationDetailPages(iam, options.signal);
  const where = `iam:GetAccountAuthorizationDetails (${options.accountId})`;
  const snapshot = parseAuthorizationDetails(
    {
      UserDetailList: details.UserDetailList,
      GroupDetailList: details.GroupDetailList,
      RoleDetailList: details.RoleDetailList,
      Policies: details.Policies,
    },
    where,
    { accountId: options.accountId, accountName: options.accountName, readAt: options.source.readAt },
  );
  return { ...snapshot, source: options.source };
}

/** The organization fields of a snapshot. */
export interface OrganizationPolicyFacts {
  serviceControlPolicies: OrganizationPolicyLevel[];
  resourceControlPolicies: OrganizationPolicyLevel[];
  organizationPoliciesKnown: boolean;
  isManagementAccount: boolean;
  /** The organization's id, when DescribeOrganization answered (a member may ask it, whatever else it may not). */
  organizationId?: string;
  problems: SnapshotProblem[];
}

/**
 * The SCP/RCP chain above `accountId`, read with the account's own credentials. Member accounts usually may
 * not call ListParents: that is reported as unknown (with the reason), never as "no SCPs".
 */
export async function readOwnOrganizationPolicies(
  organizations: OrganizationsClient,
  accountId: string,
  signal?: AbortSignal,
): Promise<OrganizationPolicyFacts> {
  const unknown = (where: string, err: unknown): OrganizationPolicyFacts => ({
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    organizationPoliciesKnown: false,
    isManagementAccount: false,
    problems: [
      {
        where,
        message: `${errorMessage(err)}; the SCPs and RCPs that apply to this account are unknown (audit from the management account with --org, or pass --scp/--rcp)`,
      },
    ],
  });
  let organization;
  try {
    organization = (await organizations.send(new DescribeOrganizationCommand({}), { abortSignal: signal }))
      .Organization;
  } catch (err) {
    if (isAbort(err, signal)) throw err;
    if (errorCode(err) === 'AWSOrganizationsNotInUseException') {
      // Not in an organization: no SCP or RCP can apply, and that is known.
      return {
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        organizationPoliciesKnown: true,
        isManagementAccount: false,
        problems: [],
      };
    }
    return unknown('organizations:DescribeOrganization', err);
  }
  const organizationId = organization?.Id ? { organizationId: organization.Id } : {};
  if (organization?.MasterAccountId === accountId) {
    // SCPs and RCPs never restrict the management account: an empty, known chain says exactly that.
    return {
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      organizationPoliciesKnown: true,
      isManagementAccount: true,
      ...organizationId,
      problems: [],
    };
  }
  if (organization?.FeatureSet === 'CONSOLIDATED_BILLING') {
    // Without all features there are no SCPs or RCPs.
    return {
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      organizationPoliciesKnown: true,
      isManagementAccount: false,
      ...organizationId,
      problems: [],
    };
  }
  let step = 'organizations:ListParents';
  try {
    const levels: HierarchyLevel[] = [{ kind: 'account', id: accountId }];
    let child = accountId;
    for (let depth = 0; depth < 10; depth++) {
      let parent: { Id?: string; Type?: string } | undefined;
      for await (const page of paginateListParents(
        { client: organizations },
        { ChildId: child },
        { abortSignal: signal },
      )) {
        parent = parent ?? page.Parents?.[0];
      }
      if (!parent?.Id) throw new Error(`no parent returned for ${child}`);
      levels.unshift({ kind: parent.Type === 'ROOT' ? 'root' : 'ou', id: parent.Id });
      if (parent.Type === 'ROOT') break;
      child = parent.Id;
    }
    if (levels[0].kind !== 'root') throw new Error(`no root found above ${accountId} within 10 levels`);
    step = 'organizations:ListRoots';
    const roots = await organizations.send(new ListRootsCommand({}), { abortSignal: signal });
    const root = roots.Roots?.find((candidate) => candidate.Id === levels[0].id);
    levels[0].name = root?.Name;
    step = 'organizations:ListPoliciesForTarget';
    const reader = new OrganizationPolicyReader(organizations, signal);
    const chains = await reader.chains(levels, enabledPolicyTypes(root?.PolicyTypes));
    return {
      serviceControlPolicies: chains.serviceControlPolicies,
      resourceControlPolicies: chains.resourceControlPolicies,
      organizationPoliciesKnown: true,
      isManagementAccount: false,
      ...organizationId,
      problems: chains.problems,
    };
  } catch (err) {
    if (isAbort(err, signal)) throw err;
    if (isAccessDenied(err)) return { ...unknown(step, err), ...organizationId };
    throw err;
  }
}

export interface LiveAccountOptions extends AwsClientSettings {
  signal?: AbortSignal;
  /** Counted in accounts, like the organization audit: (0, 1) when reading starts, (1, 1) when done. */
  onProgress?: (done: number, total: number, label?: string) => void;
}

/** Audit the account the credentials belong to. */
export async function readLiveAccount(options: LiveAccountOptions): Promise<AccountSnapshot> {
  const clients = createAwsClients(options);
  const { signal } = options;
  try {
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal });
    if (!identity.Account) throw new Error('sts:GetCallerIdentity returned no account id');
    const accountId = identity.Account;
    const readAt = new Date().toISOString();
    options.onProgress?.(0, 1, accountId);
    const [iamSnapshot, organization, compute] = await readTogether(signal, (reads) => [
      readAccountIam(clients.iam, {
        accountId,
        source: { kind: 'live', location: `${identity.Arn ?? accountId}`, readAt },
        signal: reads,
      }),
      readOwnOrganizationPolicies(clients.organizations, accountId, reads),
      readComputeInventory(options, accountId, reads),
    ]);
    const policies = liveResourcePolicies(compute);
    // Once the account's IAM could be read: the same client asks whether root sessions start here.
    const [tags, root] = await Promise.all([
      liveResourceTags(options, iamSnapshot, compute, policies.resourcePolicies ?? [], signal),
      readRootSessions(clients.iam, accountId, signal),
    ]);
    options.onProgress?.(1, 1, accountId);
    return {
      ...iamSnapshot,
      serviceControlPolicies: organization.serviceControlPolicies,
      resourceControlPolicies: organization.resourceControlPolicies,
      organizationPoliciesKnown: organization.organizationPoliciesKnown,
      isManagementAccount: organization.isManagementAccount,
      ...(organization.organizationId ? { organizationId: organization.organizationId } : {}),
      ...(root.rootSessions !== undefined ? { rootSessions: root.rootSessions } : {}),
      problems: [
        ...iamSnapshot.problems,
        ...organization.problems,
        ...compute.problems,
        ...root.problems,
        ...tags.problems,
      ],
      inventory: compute.inventory,
      ...policies,
      ...(tags.resources ? { resources: tags.resources } : {}),
    };
  } finally {
    destroyAwsClients(clients);
  }
}
