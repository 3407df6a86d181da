// Audits a whole AWS Organization from its management (or delegated administrator) account: walks roots and
// OUs, reads each ACTIVE account's SCP/RCP chain, and reads each member's IAM through a read-only role.
// One account failing (role missing, access denied, persistent errors) never stops the others.
import {
  type Account,
  DescribeOrganizationCommand,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
  type Root,
} from '@aws-sdk/client-organizations';
import type { IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { readStackSetsAdministrators, type StackSetsAdministratorsRead } from './live-stack-sets-admin';
import {
  type AwsClients,
  type AwsClientSettings,
  assumeRoleCredentials,
  createAwsClients,
  createIamClient,
  destroyAwsClients,
  errorMessage,
  isAbort,
  isAccessDenied,
  partitionOf,
} from './aws-clients';
import { readAccountIam } from './live-account';
import { liveResourcePolicies, readComputeInventory } from './live-inventory';
import { readRootSessions } from './live-root-sessions';
import { liveResourceTags } from './live-resource-tags';
import { readTogether } from './read-together';
import {
  enabledPolicyTypes,
  type HierarchyLevel,
  OrganizationPolicyReader,
  type OrganizationPolicyType,
} from './organization-policies';
import type { AccountSnapshot, OrganizationPolicyLevel, SnapshotProblem } from './snapshot';

import { DEFAULT_AUDIT_ROLE_NAME, DEFAULT_CONCURRENCY } from './live-defaults';
import { compareText } from '../../util/text-order';

export { DEFAULT_AUDIT_ROLE_NAME, DEFAULT_CONCURRENCY } from './live-defaults';
const SESSION_NAME = 'leash-audit';

export interface NotAuditedAccount {
  accountId: string;
  accountName?: string;
  reason: string;
}

export interface OrganizationReadOptions extends AwsClientSettings {
  /** Role assumed in each member account. @default 'leash-audit' */
  roleName?: string;
  /** Member accounts read at the same time. @default 4 */
  concurrency?: number;
  /** Called after the walk (done 0) and after each account, audited or not. */
  onProgress?: (done: number, total: number, label?: string) => void;
  signal?: AbortSignal;
}

export interface OrganizationReadResult {
  organizationId: string;
  managementAccountId: string;
  readAt: string;
  accounts: AccountSnapshot[];
  notAudited: NotAuditedAccount[];
  /** ACTIVE accounts found; `accounts.length + notAudited.length` equals it unless interrupted. */
  total: number;
}

/** Thrown when the signal aborts the walk; carries what was read until then. */
export class LiveAuditInterrupted extends Error {
  constructor(readonly partial: { accounts: AccountSnapshot[]; notAudited: NotAuditedAccount[]; total: number }) {
    super(`interrupted after ${partial.accounts.length + partial.notAudited.length} of ${partial.total} accounts`);
    this.name = 'LiveAuditInterrupted';
  }
}

/** A failure tagged with the API step it came from, for the not-audited reason. */
class StepFailure extends Error {
  constructor(step: string, cause: unknown) {
    super(`${step}: ${errorMessage(cause)}`);
    this.name = 'StepFailure';
  }
}

/** An account found in the walk, with the levels above it (root first, the account last). */
interface MemberAccount {
  id: string;
  name?: string;
  levels: HierarchyLevel[];
}

/**
 * Run `task` over `items` with at most `limit` running. No new one starts once `signal` aborts or a task
 * fails; the signal each task is given aborts then too, so the running ones stop their requests, and the first
 * failure is what rejects.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number, signal: AbortSignal) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  await readTogether<void[]>(signal, (shared) => {
    let next = 0;
    const worker = async () => {
      while (next < items.length && !shared.aborted) {
        const index = next++;
        await task(items[index], index, shared);
      }
    };
    return Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  });
}

function isActive(account: Account): boolean {
  // `State` replaces the deprecated `Status`; either says whether the account can be used.
  const withState = account as Account & { State?: string };
  const state = withState.State ?? account.Status;
  return state === undefined || state === 'ACTIVE';
}

/** Every ACTIVE account under the roots, with its OU path; the walk itself runs `concurrency` parents at once. */
async function walkOrganization(
  clients: AwsClients,
  roots: readonly Root[],
  concurrency: number,
  signal?: AbortSignal,
): Promise<MemberAccount[]> {
  const accounts: MemberAccount[] = [];
  let frontier: HierarchyLevel[][] = roots.map((root) => [
    { kind: 'root', id: root.Id ?? '', ...(root.Name ? { name: root.Name } : {}) },
  ]);
  while (frontier.length > 0) {
    const nextFrontier: HierarchyLevel[][] = [];
    await forEachBounded(
      frontier,
      concurrency,
      async (path, _index, shared) => {
        const parentId = path[path.length - 1].id;
        for await (const page of paginateListOrganizationalUnitsForParent(
          { client: clients.organizations },
          { ParentId: parentId },
          { abortSignal: shared },
        )) {
          for (const ou of page.OrganizationalUnits ?? []) {
            if (ou.Id) nextFrontier.push([...path, { kind: 'ou', id: ou.Id, ...(ou.Name ? { name: ou.Name } : {}) }]);
          }
        }
        for await (const page of paginateListAccountsForParent(
          { client: clients.organizations },
          { ParentId: parentId },
          { abortSignal: shared },
        )) {
          for (const account of page.Accounts ?? []) {
            if (!account.Id || !isActive(account)) continue;
            accounts.push({
              id: account.Id,
              ...(account.Name ? { name: account.Name } : {}),
              levels: [...path, { kind: 'account', id: account.Id, ...(account.Name ? { name: account.Name } : {}) }],
            });
          }
        }
      },
      signal,
    );
    if (signal?.aborted) break;
    frontier = nextFrontier;
  }
  // Stable order regardless of which parent answered first.
  return accounts.sort((a, b) => compareText(a.id, b.id));
}

/** What every member's audit shares. */
interface AuditContext {
  options: OrganizationReadOptions;
  /** The delegated administrator for StackSets, as AWS Organizations lists it (or why that is unknown). */
  stackSets: StackSetsAdministratorsRead;
  base: AwsClients;
  reader: OrganizationPolicyReader;
  enabled: ReadonlyMap<string, ReadonlySet<OrganizationPolicyType>>;
  organizationId: string;
  managementAccountId: string;
  callerAccountId: string;
  partition: string;
  roleName: string;
  readAt: string;
}

/** Read the organization and every ACTIVE member account. */
export async function readOrganization(options: OrganizationReadOptions): Promise<OrganizationReadResult> {
  const { signal } = options;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
  const base = createAwsClients(options);
  const accounts: AccountSnapshot[] = [];
  const notAudited: NotAuditedAccount[] = [];
  let total = 0;
  try {
    const identity = await base.sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal });
    const organization = (await base.organizations.send(new DescribeOrganizationCommand({}), { abortSignal: signal }))
      .Organization;
    if (!organization?.Id || !organization.MasterAccountId) {
      throw new Error('organizations:DescribeOrganization returned no organization id');
    }
    const roots: Root[] = [];
    for await (const page of paginateListRoots({ client: base.organizations }, {}, { abortSignal: signal })) {
      roots.push(...(page.Roots ?? []));
    }
    const members = await walkOrganization(base, roots, concurrency, signal);
    total = members.length;
    const context: AuditContext = {
      options,
      stackSets: await readStackSetsAdministrators(base.organizations, signal),
      base,
      reader: new OrganizationPolicyReader(base.organizations, signal),
      enabled: new Map(roots.map((root) => [root.Id ?? '', enabledPolicyTypes(root.PolicyTypes)])),
      organizationId: organization.Id,
      managementAccountId: organization.MasterAccountId,
      callerAccountId: identity.Account ?? '',
      partition: partitionOf(identity.Arn),
      roleName: options.roleName ?? DEFAULT_AUDIT_ROLE_NAME,
      readAt: new Date().toISOString(),
    };

    let done = 0;
    options.onProgress?.(0, total);
    await forEachBounded(
      members,
      concurrency,
      async (member) => {
        const result = await auditMember(context, member);
        if (signal?.aborted) return;
        if ('snapshot' in result) accounts.push(result.snapshot);
        else notAudited.push(result.notAudited);
        done++;
        options.onProgress?.(done, total, member.name ? `${member.id} ${member.name}` : member.id);
      },
      signal,
    );
    if (signal?.aborted) throw new LiveAuditInterrupted({ accounts, notAudited, total });

    const byId = (a: { accountId: string }, b: { accountId: string }) => compareText(a.accountId, b.accountId);
    accounts.sort(byId);
    // An organization-wide fact that could not be read: reported once, on the management account (or, when that
    // one could not be read, the first account that was).
    const reporter = accounts.find((a) => a.isManagementAccount) ?? accounts[0];
    if (reporter && context.stackSets.problems.length > 0) {
      accounts[accounts.indexOf(reporter)] = {
        ...reporter,
        problems: [...reporter.problems, ...context.stackSets.problems],
      };
    }
    return {
      organizationId: context.organizationId,
      managementAccountId: context.managementAccountId,
      readAt: context.readAt,
      accounts,
      notAudited: notAudited.sort(byId),
      total,
    };
  } catch (err) {
    if (isAbort(err, signal) && !(err instanceof LiveAuditInterrupted)) {
      throw new LiveAuditInterrupted({ accounts, notAudited, total });
    }
    throw err;
  } finally {
    destroyAwsClients(base);
  }
}

/** One member: its IAM through the audit role (its own credentials for the caller's account) and its chain. */
async function auditMember(
  context: AuditContext,
  member: MemberAccount,
): Promise<{ snapshot: AccountSnapshot } | { notAudited: NotAuditedAccount }> {
  const { signal } = context.options;
  const isManagementAccount = member.id === context.managementAccountId;
  const roleArn = `arn:${context.partition}:iam::${member.id}:role/${context.roleName}`;
  const ownAccount = member.id === context.callerAccountId;
  let memberIam: IAMClient | undefined;
  let memberSettings: AwsClientSettings = context.options;
  let step = ownAccount ? 'iam:GetAccountAuthorizationDetails' : `sts:AssumeRole ${roleArn}`;
  try {
    if (!ownAccount) {
      const credentials = assumeRoleCredentials(context.base.sts, roleArn, { sessionName: SESSION_NAME, signal });
      await credentials();
      memberSettings = { ...context.options, credentials };
      memberIam = createIamClient(memberSettings);
      step = 'iam:GetAccountAuthorizationDetails';
    }
    // The chain's reads are shared between accounts (one reader for the run), so only the outer signal ends them.
    const [snapshot, chains, compute] = await readTogether(signal, (reads) => [
      readAccountIam(memberIam ?? context.base.iam, {
        accountId: member.id,
        accountName: member.name,
        source: {
          kind: 'organization',
          location: `${context.organizationId}/${member.levels.map((level) => level.id).join('/')}`,
          readAt: context.readAt,
        },
        signal: reads,
      }),
      readChains(context, member, isManagementAccount),
      readComputeInventory(memberSettings, member.id, reads),
    ]);
    const policies = liveResourcePolicies(compute);
    step = 'tag:GetResources';
    // Once the account's IAM could be read: the same client asks whether root sessions start here.
    const [tags, root] = await Promise.all([
      liveResourceTags(memberSettings, snapshot, compute, policies.resourcePolicies ?? [], signal),
      readRootSessions(memberIam ?? context.base.iam, member.id, signal),
    ]);
    return {
      snapshot: {
        ...snapshot,
        serviceControlPolicies: chains.serviceControlPolicies,
        resourceControlPolicies: chains.resourceControlPolicies,
        organizationPoliciesKnown: chains.known,
        isManagementAccount,
        ...(root.rootSessions !== undefined ? { rootSessions: root.rootSessions } : {}),
        ...(context.stackSets.delegated
          ? { stackSetsAdministrator: isManagementAccount || context.stackSets.delegated.has(member.id) }
          : {}),
        problems: [...snapshot.problems, ...chains.problems, ...compute.problems, ...root.problems, ...tags.problems],
        inventory: compute.inventory,
        ...policies,
        ...(tags.resources ? { resources: tags.resources } : {}),
      },
    };
  } catch (err) {
    if (isAbort(err, signal)) return { notAudited: { accountId: member.id, reason: 'interrupted' } };
    return {
      notAudited: {
        accountId: member.id,
        ...(member.name ? { accountName: member.name } : {}),
        reason: err instanceof StepFailure ? err.message : `${step}: ${errorMessage(err)}`,
      },
    };
  } finally {
    memberIam?.destroy();
  }
}

/** The chain above `member`; denied reads make it unknown (with the reason), other failures propagate. */
async function readChains(
  context: AuditContext,
  member: MemberAccount,
  isManagementAccount: boolean,
): Promise<{
  serviceControlPolicies: OrganizationPolicyLevel[];
  resourceControlPolicies: OrganizationPolicyLevel[];
  problems: SnapshotProblem[];
  known: boolean;
}> {
  if (isManagementAccount) {
    // SCPs and RCPs never restrict the management account: an empty, known chain says exactly that.
    return { serviceControlPolicies: [], resourceControlPolicies: [], problems: [], known: true };
  }
  try {
    const enabled = context.enabled.get(member.levels[0].id) ?? new Set<OrganizationPolicyType>();
    return { ...(await context.reader.chains(member.levels, enabled)), known: true };
  } catch (err) {
    if (isAbort(err, context.options.signal)) throw err;
    if (!isAccessDenied(err)) throw new StepFailure('organizations:ListPoliciesForTarget', err);
    return {
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      known: false,
      problems: [
        {
          where: `organizations:ListPoliciesForTarget/DescribePolicy (${member.id})`,
          message: `${errorMessage(err)}; the SCPs and RCPs that apply to this account are unknown`,
        },
      ],
    };
  }
}
