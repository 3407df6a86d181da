// Keys of a get-account-authorization-details entry that leash does not know. AWS adds fields over time, so an
// unknown key is no error: it is reported, once per key with a count. But a key that looks like one of the lists
// that grant permissions (`RolePolicyLst` for `RolePolicyList`, `grouplist` for `GroupList`), where that list is
// absent, most likely holds the principal's policies under a name leash would skip: the principal's
// permissions are then unknown and taken at their worst, never read as none.
import { nearest } from '../../util/edit-distance';
import type { SnapshotProblem } from './snapshot';

type EntryList = 'UserDetailList' | 'GroupDetailList' | 'RoleDetailList' | 'Policies';

/** The keys AWS returns for each entry (IAM API reference, GetAccountAuthorizationDetails). */
const KNOWN: Readonly<Record<EntryList, readonly string[]>> = {
  UserDetailList: [
    'Path',
    'UserName',
    'UserId',
    'Arn',
    'CreateDate',
    'UserPolicyList',
    'GroupList',
    'AttachedManagedPolicies',
    'PermissionsBoundary',
    'Tags',
  ],
  GroupDetailList: ['Path', 'GroupName', 'GroupId', 'Arn', 'CreateDate', 'GroupPolicyList', 'AttachedManagedPolicies'],
  RoleDetailList: [
    'Path',
    'RoleName',
    'RoleId',
    'Arn',
    'CreateDate',
    'AssumeRolePolicyDocument',
    'InstanceProfileList',
    'RolePolicyList',
    'AttachedManagedPolicies',
    'PermissionsBoundary',
    'Tags',
    'RoleLastUsed',
  ],
  Policies: [
    'PolicyName',
    'PolicyId',
    'Arn',
    'Path',
    'DefaultVersionId',
    'AttachmentCount',
    'PermissionsBoundaryUsageCount',
    'IsAttachable',
    'Description',
    'CreateDate',
    'UpdateDate',
    'PolicyVersionList',
    'Tags',
  ],
};

/** The lists through which a principal holds permissions: a lookalike of one stands for it. */
const GRANTING: Readonly<Record<EntryList, readonly string[]>> = {
  UserDetailList: ['UserPolicyList', 'GroupList', 'AttachedManagedPolicies'],
  GroupDetailList: ['GroupPolicyList', 'AttachedManagedPolicies'],
  RoleDetailList: ['RolePolicyList', 'AttachedManagedPolicies'],
  Policies: [],
};

const KNOWN_SETS = Object.fromEntries(
  Object.entries(KNOWN).map(([list, keys]) => [list, new Set(keys)]),
) as unknown as Readonly<Record<EntryList, ReadonlySet<string>>>;

export interface UnknownKeys {
  readonly problems: SnapshotProblem[];
  /**
   * By list and index: the unknown keys that stand for an absent granting list (the entry's value under each),
   * whose principal's permissions are unknown.
   */
  readonly unreadGrants: ReadonlyMap<string, { key: string; meant: string; value: unknown }[]>;
}

/** Unknown keys of every entry of the file's four lists; a well-formed AWS export has none. */
export function unknownEntryKeys(file: string, value: Record<string, unknown>): UnknownKeys {
  const problems: SnapshotProblem[] = [];
  const unreadGrants = new Map<string, { key: string; meant: string; value: unknown }[]>();
  for (const list of Object.keys(KNOWN) as EntryList[]) {
    const entries = value[list];
    if (!Array.isArray(entries)) continue;
    const known = KNOWN_SETS[list];
    // Other unknown keys: one problem per key, with how many entries carry it and the first of them.
    const others = new Map<string, { count: number; first: number }>();
    entries.forEach((entry: unknown, index) => {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return;
      for (const key of Object.keys(entry)) {
        if (known.has(key)) continue;
        // The known key it is nearest to; a granting list that the entry lacks stands for it.
        const [meant] = nearest(key, KNOWN[list], 1);
        if (meant !== undefined && GRANTING[list].includes(meant) && !(meant in entry)) {
          const at = `${list}[${index}]`;
          const found = unreadGrants.get(at) ?? [];
          found.push({ key, meant, value: (entry as Record<string, unknown>)[key] });
          unreadGrants.set(at, found);
          problems.push({
            where: `${file}: ${at}.${key}`,
            message:
              `unknown key ${JSON.stringify(key)}; did you mean ${JSON.stringify(meant)}? ${meant} is absent, so ` +
              'what this key holds may be the principal’s permissions: they are unknown and taken at their worst',
          });
          continue;
        }
        const seen = others.get(key);
        if (seen) seen.count++;
        else others.set(key, { count: 1, first: index });
      }
    });
    for (const [key, { count, first }] of others) {
      const near = nearest(key, KNOWN[list], 1);
      problems.push({
        where: `${file}: ${list}[${first}].${key}`,
        message:
          `unknown key ${JSON.stringify(key)}${near.length ? ` (did you mean ${JSON.stringify(near[0])}?)` : ''} ` +
          `in ${count} entr${count === 1 ? 'y' : 'ies'} of ${list}: not read`,
      });
    }
  }
  return { problems, unreadGrants };
}
