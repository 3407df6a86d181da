// One entry for `leash audit`: read saved inputs (authorization details, snapshots) or the live account,
// and apply the SCP / RCP chain given on the command line.
import { withBundledPolicies } from './bundled-policies';
import { wrongKindHint } from '../../util/file-kind';
import { formatZodIssues, InputError, readJsonFileUnique } from '../../util/read-input';
import {
  isServiceLinkedRoleArn,
  looksLikeAuthorizationDetails,
  parseAuthorizationDetails,
} from './authorization-details';
import { EMPTY_LEVEL } from './chain-order';
import { organizationIdOfChains } from './organization-id';
import { loadOrganizationPolicies } from './org-policies';
import type { AccountSnapshot, OrganizationPolicyLevel } from './snapshot';
import { plainAccountSnapshot, plainOrganizationSnapshot } from './snapshot-shape';
import {
  refuseDuplicateEntries,
  refuseRepeatedTagKeys,
  refuseRepeatedUniqueIds,
  type NamedEntry,
} from './unique-entries';

export { parseAuthorizationDetails, looksLikeAuthorizationDetails } from './authorization-details';
export { loadOrganizationPolicies, parseOrganizationPolicyFile } from './org-policies';

export interface NotAudited {
  readonly accountId: string;
  readonly accountName?: string;
  readonly reason: string;
}

export interface AuditInput {
  readonly accounts: AccountSnapshot[];
  readonly notAudited: NotAudited[];
  /** Account id → organization id, for accounts read from an organization (snapshot or live). */
  readonly organizationIds?: Readonly<Record<string, string>>;
}

export interface LoadAuditInputOptions {
  /** Saved inputs: authorization details, AccountSnapshot or OrganizationSnapshot files. None: read live. */
  readonly input?: readonly string[];
  /** SCP files (see org-policies.ts for the format); they replace any SCPs the inputs carry. */
  readonly scp?: readonly string[];
  /** RCP files, same format. */
  readonly rcp?: readonly string[];
  /** Live audit only. */
  readonly profile?: string;
  readonly region?: string;
  readonly org?: boolean;
  readonly roleName?: string;
  readonly concurrency?: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

export type InputFormat = 'authorization-details' | 'account-snapshot' | 'organization-snapshot';

/** Which of the supported formats a parsed file is, from its top-level keys. */
export function detectInputFormat(value: unknown, file: string): InputFormat {
  if (looksLikeAuthorizationDetails(value)) return 'authorization-details';
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    if (record.kind === 'organization') return 'organization-snapshot';
    if ('schemaVersion' in record && 'accountId' in record) return 'account-snapshot';
  }
  throw new InputError(
    `${file}: not a recognised input: expected \`aws iam get-account-authorization-details\` output ` +
      '(UserDetailList, RoleDetailList, ...), an account snapshot ({ schemaVersion, accountId, ... }) ' +
      `or an organization snapshot ({ schemaVersion, kind: "organization", accounts })${wrongKindHint(value, file, ['authorization-details', 'account-snapshot', 'organization-snapshot'])}`,
  );
}

/** The snapshot schemas, loaded for the first snapshot file: authorization details never load zod. */
function snapshotSchemas(): typeof import('./snapshot') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, see above
  return require('./snapshot') as typeof import('./snapshot');
}

/** Parse one saved input file into account snapshots. */
export function loadInputFile(file: string): AuditInput {
  const value = readJsonFileUnique(file);
  switch (detectInputFormat(value, file)) {
    case 'authorization-details':
      return { accounts: [parseAuthorizationDetails(value, file)], notAudited: [] };
    case 'account-snapshot': {
      const parsed = plainAccountSnapshot(value) ?? snapshotSchemas().AccountSnapshot.safeParse(value);
      if (!parsed.success) throw new InputError(formatZodIssues(file, parsed.error.issues));
      refuseDuplicateEntries(file, snapshotEntries(parsed.data, ''));
      refuseRepeatedUniqueIds(file, snapshotIds(parsed.data, ''));
      refuseTemplateSource(file, parsed.data, '');
      refuseServiceLinkedClaims(file, parsed.data, '');
      refuseTemplateOnlyFields(file, parsed.data, '');
      refuseRepeatedTagKeys(file, snapshotTagKeys(parsed.data, ''));
      refuseEmptyLevels(file, parsed.data, '');
      return { accounts: [withBundledPolicies(parsed.data, file)], notAudited: [] };
    }
    case 'organization-snapshot': {
      const parsed = plainOrganizationSnapshot(value) ?? snapshotSchemas().OrganizationSnapshot.safeParse(value);
      if (!parsed.success) throw new InputError(formatZodIssues(file, parsed.error.issues));
      parsed.data.accounts.forEach((account, index) => {
        refuseDuplicateEntries(file, snapshotEntries(account, `accounts[${index}].`));
        refuseRepeatedUniqueIds(file, snapshotIds(account, `accounts[${index}].`));
        refuseTemplateSource(file, account, `accounts[${index}].`);
        refuseServiceLinkedClaims(file, account, `accounts[${index}].`);
        refuseTemplateOnlyFields(file, account, `accounts[${index}].`);
        refuseRepeatedTagKeys(file, snapshotTagKeys(account, `accounts[${index}].`));
        refuseEmptyLevels(file, account, `accounts[${index}].`);
      });
      const { organizationId } = parsed.data;
      return {
        accounts: parsed.data.accounts.map((account, index) =>
          withBundledPolicies(
            { ...account, organizationId: account.organizationId ?? organizationId },
            `${file}: accounts[${index}]`,
          ),
        ),
        notAudited: parsed.data.notAudited,
        organizationIds: Object.fromEntries(
          parsed.data.accounts.map((account) => [account.accountId, parsed.data.organizationId]),
        ),
      };
    }
  }
}

/** A snapshot's principals and managed policies with their JSON paths under `prefix`; a policy is named by its ARN. */
function* snapshotEntries(snapshot: AccountSnapshot, prefix: string): Generator<NamedEntry> {
  for (let i = 0; i < snapshot.principals.length; i++) {
    const { kind, name, arn } = snapshot.principals[i];
    yield { kind, name, arn, path: `${prefix}principals[${i}]` };
  }
  for (let i = 0; i < snapshot.managedPolicies.length; i++) {
    const { arn } = snapshot.managedPolicies[i];
    yield { kind: 'policy', name: arn, arn, path: `${prefix}managedPolicies[${i}]` };
  }
}

/** A snapshot's principals' unique ids with their JSON paths under `prefix`. */
function snapshotIds(snapshot: AccountSnapshot, prefix: string) {
  return snapshot.principals.map((principal, i) => ({
    id: principal.uniqueId,
    path: `${prefix}principals[${i}].uniqueId`,
  }));
}

/**
 * A level of a snapshot's SCP or RCP chain with no policy: AWS keeps one attached at every level, and the
 * evaluator (rightly, for such a level) denies every action under it, which would hide every finding.
 */
function refuseEmptyLevels(file: string, snapshot: AccountSnapshot, prefix: string): void {
  const lines: string[] = [];
  for (const key of ['serviceControlPolicies', 'resourceControlPolicies'] as const) {
    snapshot[key].forEach((level, index) => {
      if (level.policies.length === 0) lines.push(`${file}: ${prefix}${key}[${index}].policies: ${EMPTY_LEVEL}`);
    });
  }
  if (lines.length > 0) throw new InputError(lines.join('\n'));
}

/** Each principal's tag keys with their JSON paths: a snapshot's record may hold one key in two cases. */
function snapshotTagKeys(snapshot: AccountSnapshot, prefix: string) {
  return snapshot.principals.map((principal, index) =>
    Object.keys(principal.tags).map((key) => ({ key, path: `${prefix}principals[${index}].tags.${key}` })),
  );
}

/**
 * A snapshot made from templates exists only inside `leash check`, which reads the templates themselves; a
 * saved file that claims it would turn off what the audit says of accounts (policies the input leaves out,
 * SCPs not read), so it is refused.
 */
function refuseTemplateSource(file: string, snapshot: AccountSnapshot, prefix: string): void {
  if (snapshot.source.kind !== 'template') return;
  throw new InputError(
    `${file}: ${prefix}source.kind: "template" is made only by leash check from templates; an audit input ` +
      'holds an account: expected "authorization-details", "live" or "organization" (run leash check on templates)',
  );
}

/**
 * SCPs and most rules pass over a service-linked role, so a snapshot may call a role so only when its ARN
 * does (IAM reserves the /aws-service-role/ path for them): otherwise one edited flag hides a role's access.
 */
function refuseServiceLinkedClaims(file: string, snapshot: AccountSnapshot, prefix: string): void {
  const lines: string[] = [];
  snapshot.principals.forEach((principal, index) => {
    if (principal.serviceLinked && !isServiceLinkedRoleArn(principal.arn)) {
      lines.push(
        `${file}: ${prefix}principals[${index}].serviceLinked: true for ${principal.arn}, which is not a ` +
          'service-linked role: expected an ARN under role/aws-service-role/, or false',
      );
    }
  });
  if (lines.length > 0) throw new InputError(lines.join('\n'));
}

/**
 * `definedElsewhere` and `unknownTagKeys` describe what a template could not show; only `leash check` sets them.
 * In a saved snapshot they would change findings unseen (a role marked defined elsewhere gets no missing-boundary
 * finding), so a file that carries them is refused.
 */
function refuseTemplateOnlyFields(file: string, snapshot: AccountSnapshot, prefix: string): void {
  const lines: string[] = [];
  snapshot.principals.forEach((principal, index) => {
    for (const field of ['definedElsewhere', 'unknownTagKeys'] as const) {
      if (principal[field] === undefined) continue;
      lines.push(
        `${file}: ${prefix}principals[${index}].${field}: set only for principals read from templates ` +
          `(leash check); expected it absent in a saved snapshot`,
      );
    }
  });
  if (lines.length > 0) throw new InputError(lines.join('\n'));
}

/** Load every account to audit, from files when `input` is given, else from the live AWS account(s). */
export async function loadAuditInput(options: LoadAuditInputOptions): Promise<AuditInput> {
  let loaded: AuditInput;
  if (options.input && options.input.length > 0) {
    const accounts: AccountSnapshot[] = [];
    const notAudited: NotAudited[] = [];
    const organizationIds: Record<string, string> = {};
    // One account given twice (in an organization snapshot, or in two files) would be audited twice, its
    // principals doubled in the organization's access graph: refused, naming both places.
    const seen = new Map<string, string>();
    for (const file of options.input) {
      const one = loadInputFile(file);
      one.accounts.forEach((account, index) => {
        const where = one.accounts.length > 1 ? `${file}: accounts[${index}]` : file;
        const first = seen.get(account.accountId);
        if (first) {
          throw new InputError(
            `${where}: account ${account.accountId} is given again (first in ${first}); audit each account once`,
          );
        }
        seen.set(account.accountId, where);
      });
      accounts.push(...one.accounts);
      notAudited.push(...one.notAudited);
      Object.assign(organizationIds, one.organizationIds);
    }
    loaded = { accounts, notAudited, ...(Object.keys(organizationIds).length ? { organizationIds } : {}) };
  } else {
    // Loaded only for a live read: an audit of saved files never loads the AWS SDK.
    const { loadLiveInput } = await import('./live-input');
    const live = await loadLiveInput({
      profile: options.profile,
      region: options.region,
      org: options.org,
      roleName: options.roleName,
      concurrency: options.concurrency,
      onProgress: options.onProgress,
      signal: options.signal,
    });
    const organizationId = live.organization?.organizationId;
    loaded = {
      accounts: organizationId
        ? live.accounts.map((account) => ({ ...account, organizationId: account.organizationId ?? organizationId }))
        : live.accounts,
      notAudited: live.notAudited,
      ...(organizationId
        ? { organizationIds: Object.fromEntries(live.accounts.map((a) => [a.accountId, organizationId])) }
        : {}),
    };
  }
  const scps = options.scp && options.scp.length > 0 ? loadOrganizationPolicies(options.scp, 'scp') : undefined;
  const rcps = options.rcp && options.rcp.length > 0 ? loadOrganizationPolicies(options.rcp, 'rcp') : undefined;
  if (!scps && !rcps) return loaded;
  const named = organizationIdOfChains([
    ...(scps ? [{ levels: scps, file: options.scp!.join(', ') }] : []),
    ...(rcps ? [{ levels: rcps, file: options.rcp!.join(', ') }] : []),
  ]);
  const organizationIds: Record<string, string> = { ...loaded.organizationIds };
  for (const account of loaded.accounts) {
    if (scps) refuseOtherAccountLevel(scps, options.scp!, 'scp', account);
    if (rcps) refuseOtherAccountLevel(rcps, options.rcp!, 'rcp', account);
    if (named && account.organizationId !== undefined && account.organizationId !== named.id) {
      throw new InputError(
        `${named.where}: the policy ARN names organization ${named.id}, but ${account.source.location} holds ` +
          `account ${account.accountId} of ${account.organizationId}: expected that organization's policies`,
      );
    }
    if (named) organizationIds[account.accountId] ??= named.id;
  }
  return {
    notAudited: loaded.notAudited,
    ...(Object.keys(organizationIds).length ? { organizationIds } : {}),
    accounts: loaded.accounts.map((account) => ({
      ...account,
      // The organization the policies' ARNs name, where the input did not say (organization-id.ts).
      ...(named && account.organizationId === undefined ? { organizationId: named.id } : {}),
      serviceControlPolicies: scps ?? account.serviceControlPolicies,
      resourceControlPolicies: rcps ?? account.resourceControlPolicies,
      organizationPoliciesKnown: scps ? true : account.organizationPoliciesKnown,
    })),
  };
}

/**
 * A chain's account level holds the policies attached to one account; given with `--scp` / `--rcp` it is
 * applied to every account audited, so a chain written for another account (its deny-all, its missing
 * FullAWSAccess) would decide this one's verdict. Refused unless the ids agree.
 */
function refuseOtherAccountLevel(
  levels: readonly OrganizationPolicyLevel[],
  files: readonly string[],
  kind: 'scp' | 'rcp',
  account: AccountSnapshot,
): void {
  const index = levels.findIndex((level) => level.kind === 'account');
  if (index === -1 || levels[index].id === account.accountId) return;
  throw new InputError(
    `${files.join(', ')}: [${index}].id: the account level is for ${JSON.stringify(levels[index].id)}, but ` +
      `${account.source.location} holds account ${account.accountId}: expected that account's id (--${kind} ` +
      `applies the chain to every account audited; audit each account with its own chain)`,
  );
}
