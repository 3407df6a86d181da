// Reads `aws iam get-account-authorization-details` output (the CLI's decoded JSON or the SDK's raw form
// with URL-encoded documents) into an AccountSnapshot. A bad policy document is recorded, never fatal.
import { hasDuplicateKeys, jsonNestingProblem, MAX_JSON_DEPTH } from '../../util/json-scan';
import { formatZodIssues, InputError } from '../../util/read-input';
import type { AuthorizationDetails } from './authorization-details-schema';
import {
  refuseDuplicateEntries,
  refuseRepeatedTagKeys,
  refuseRepeatedUniqueIds,
  type NamedEntry,
} from './unique-entries';
import type { AccountSnapshot, ManagedPolicy, NamedPolicy, Principal, SnapshotProblem } from './snapshot';
import { BundledPolicyResolver, isAwsManagedPolicyArn } from './bundled-policies';
import { unknownEntryKeys } from './authorization-details-keys';

export type { AuthorizationDetails };

/** The zod schema, loaded for the first file the hand check below leaves to it. */
function authorizationDetailsSchema(): (typeof import('./authorization-details-schema'))['AuthorizationDetails'] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, see above
  return (require('./authorization-details-schema') as typeof import('./authorization-details-schema'))
    .AuthorizationDetails;
}

const AUTHORIZATION_DETAILS_KEYS = ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'];

/** True when a parsed JSON value has the shape of GetAccountAuthorizationDetails output. */
export function looksLikeAuthorizationDetails(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    AUTHORIZATION_DETAILS_KEYS.some((key) => key in (value as Record<string, unknown>))
  );
}

// What AuthorizationDetails accepts, checked by hand for the common, well-formed file: zod takes about as
// long as the rest of reading a 1,000-role file, and its parsers are deoptimised and compiled again on the
// way. Anything not accepted here goes to zod, which decides and names every problem; what is accepted is
// read as zod's output would be (zod only leaves out keys the schema does not name, which nothing here reads).
type Check = (value: unknown) => boolean;
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isString: Check = (value) => typeof value === 'string';
const optionalString: Check = (value) => value === undefined || typeof value === 'string';
const nullishString: Check = (value) => value === undefined || value === null || typeof value === 'string';
const nullishBoolean: Check = (value) => value === undefined || value === null || typeof value === 'boolean';
/** A nullish list whose every item (holes included, as zod reads them) passes. */
const nullishList =
  (item: Check): Check =>
  (value) => {
    if (value === undefined || value === null) return true;
    if (!Array.isArray(value)) return false;
    for (let i = 0; i < value.length; i++) if (!item(value[i])) return false;
    return true;
  };
/** An object whose named fields pass their checks (other fields are allowed, as zod's z.object allows them). */
const object =
  (fields: Record<string, Check>): Check =>
  (value) => {
    if (!isObject(value)) return false;
    for (const key in fields) {
      const check = fields[key];
      if (check === given ? !(key in value) : !check(value[key])) return false;
    }
    return true;
  };
const nullish =
  (check: Check): Check =>
  (value) =>
    value === undefined || value === null || check(value);
/** Any value, undefined included, but the key must be there: z.unknown() in a z.object. */
const given: Check = () => true;
const tags = nullishList(object({ Key: isString, Value: isString }));
const attachedPolicies = nullishList(object({ PolicyName: optionalString, PolicyArn: isString }));
const inlinePolicies = nullishList(object({ PolicyName: isString, PolicyDocument: given }));
const boundary = nullish(object({ PermissionsBoundaryType: optionalString, PermissionsBoundaryArn: isString }));
/** True only for a value AuthorizationDetails accepts (test/audit/sources/authorization-details-fast.test.ts). */
export const wellFormedAuthorizationDetails = object({
  UserDetailList: nullishList(
    object({
      Path: nullishString,
      UserName: isString,
      UserId: nullishString,
      Arn: isString,
      GroupList: nullishList(isString),
      UserPolicyList: inlinePolicies,
      AttachedManagedPolicies: attachedPolicies,
      PermissionsBoundary: boundary,
      Tags: tags,
    }),
  ),
  GroupDetailList: nullishList(
    object({
      Path: nullishString,
      GroupName: isString,
      Arn: isString,
      GroupPolicyList: inlinePolicies,
      AttachedManagedPolicies: attachedPolicies,
    }),
  ),
  RoleDetailList: nullishList(
    object({
      Path: nullishString,
      RoleName: isString,
      RoleId: nullishString,
      Arn: isString,
      AssumeRolePolicyDocument: given,
      RolePolicyList: inlinePolicies,
      AttachedManagedPolicies: attachedPolicies,
      PermissionsBoundary: boundary,
      Tags: tags,
      InstanceProfileList: nullishList(object({ InstanceProfileName: isString })),
    }),
  ),
  Policies: nullishList(
    object({
      PolicyName: isString,
      Arn: isString,
      DefaultVersionId: nullishString,
      PolicyVersionList: nullishList(
        object({ Document: given, VersionId: nullishString, IsDefaultVersion: nullishBoolean }),
      ),
    }),
  ),
  IsTruncated: nullishBoolean,
}) as (value: unknown) => value is AuthorizationDetails;

export interface AuthorizationDetailsOptions {
  /** Used when no ARN in the file carries an account id (an empty account). */
  readonly accountId?: string;
  readonly accountName?: string;
  /** When the file was produced, if known. */
  readonly readAt?: string;
}

const ACCOUNT_IN_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):/;

/**
 * Convert parsed authorization details into a snapshot. Structural errors (a role without `Arn`, a list
 * that is not a list) throw an InputError naming `file` and the JSON path; a policy document that cannot be
 * decoded is kept as found and listed in `problems`, so the rest of the account is still analysed.
 */
export function parseAuthorizationDetails(
  value: unknown,
  file: string,
  options: AuthorizationDetailsOptions = {},
): AccountSnapshot {
  const parsed = wellFormedAuthorizationDetails(value)
    ? { success: true as const, data: value }
    : authorizationDetailsSchema().safeParse(value);
  if (!parsed.success) {
    throw new InputError(
      `${file}: not valid get-account-authorization-details output:\n${formatZodIssues(file, parsed.error.issues)}`,
    );
  }
  const details = parsed.data;
  refuseDuplicateEntries(file, namedEntries(details));
  refuseRepeatedUniqueIds(file, [
    ...(details.UserDetailList ?? []).map((user, i) => ({ id: user.UserId, path: `UserDetailList[${i}].UserId` })),
    ...(details.RoleDetailList ?? []).map((role, i) => ({ id: role.RoleId, path: `RoleDetailList[${i}].RoleId` })),
  ]);
  refuseRepeatedTagKeys(file, [
    ...(details.UserDetailList ?? []).map((user, i) => tagKeys(user.Tags, `UserDetailList[${i}].Tags`)),
    ...(details.RoleDetailList ?? []).map((role, i) => tagKeys(role.Tags, `RoleDetailList[${i}].Tags`)),
  ]);
  const problems: SnapshotProblem[] = [];
  // One page of a paginated response: principals and policies on the pages after it are missing, and an audit
  // of the rest would pass on what it never saw. The AWS CLI reads every page unless told not to.
  const marker = (value as Record<string, unknown>).Marker;
  if (details.IsTruncated || (marker !== undefined && marker !== null)) {
    throw new InputError(
      `${file}: ${details.IsTruncated ? 'IsTruncated: true' : 'Marker'}: this is one page of a truncated ` +
        'response; the users, groups, roles and policies on later pages are missing: export again without ' +
        '--max-items or --no-paginate (or join every page) before auditing',
    );
  }

  problems.push(...absentLists(file, value as Record<string, unknown>));
  const unknownKeys = unknownEntryKeys(file, value as Record<string, unknown>);
  problems.push(...unknownKeys.problems);
  // What a lookalike of an absent granting list holds, kept as a policy of the principal: read if it is one,
  // otherwise a policy that cannot be read, whose grants the audit takes at their worst.
  const unreadGrants = (owner: string, ownerIndex: number): NamedPolicy[] =>
    (unknownKeys.unreadGrants.get(`${owner}[${ownerIndex}]`) ?? []).map(({ key, value: held }) => ({
      name: `${key} (an unknown key)`,
      document: held,
    }));

  const accountId = options.accountId ?? findAccountId(details);
  if (!accountId) {
    throw new InputError(
      `${file}: cannot tell the account id: no user, group, role or customer managed policy ARN carries one`,
    );
  }

  const managedPolicies: ManagedPolicy[] = [];
  const knownPolicyArns = new Set<string>();
  // Locations (`file: RoleDetailList[3].RolePolicyList[0].PolicyDocument`) are made only for a problem: a
  // 1,000-role file would otherwise make some 10,000 of them, nearly all never read.
  const where = (list: string, index: number, rest = '') => `${file}: ${list}[${index}]${rest}`;
  (details.Policies ?? []).forEach((policy, index) => {
    const versions = policy.PolicyVersionList ?? [];
    const marked = versions.filter((v) => v.IsDefaultVersion === true);
    const named = policy.DefaultVersionId ? versions.find((v) => v.VersionId === policy.DefaultVersionId) : undefined;
    knownPolicyArns.add(policy.Arn);
    // A policy has one default version: two marked so, or a mark and DefaultVersionId that disagree, leave
    // which document is in force unknown, and picking one could pick the harmless one.
    // A DefaultVersionId the list does not hold names a version the export left out: it may be the one in force.
    const unlisted = policy.DefaultVersionId && named === undefined && marked.length === 1;
    if (marked.length > 1 || (marked.length === 1 && named !== undefined && named !== marked[0]) || unlisted) {
      problems.push({
        where: where('Policies', index, '.PolicyVersionList'),
        message:
          `${
            marked.length > 1
              ? `${marked.length} versions are marked IsDefaultVersion`
              : unlisted
                ? `DefaultVersionId ${JSON.stringify(policy.DefaultVersionId)} is not in the list, which marks ${JSON.stringify(marked[0].VersionId)} as the default`
                : `IsDefaultVersion and DefaultVersionId ${JSON.stringify(policy.DefaultVersionId)} disagree`
          }: ` + `expected one default version of ${policy.Arn}; its permissions are unknown`,
      });
      return;
    }
    const version = marked[0] ?? named;
    if (!version) {
      problems.push({
        where: where('Policies', index, '.PolicyVersionList'),
        message: `no default version of ${policy.Arn}${policy.DefaultVersionId ? ` (DefaultVersionId ${JSON.stringify(policy.DefaultVersionId)} is not in the list)` : ''}; its permissions are unknown`,
      });
      return;
    }
    const versionIndex = versions.indexOf(version);
    managedPolicies.push({
      arn: policy.Arn,
      name: policy.PolicyName,
      awsManaged: isAwsManagedPolicyArn(policy.Arn),
      document: isDocumentObject(version.Document)
        ? version.Document
        : decodeDocument(
            version.Document,
            where('Policies', index, `.PolicyVersionList[${versionIndex}].Document`),
            problems,
          ),
    });
  });

  const principals: Principal[] = [];
  // An AWS managed policy the file names but does not list (an export filtered to roles) comes from the
  // bundled data; one the file lists but could not read stays unknown.
  const bundled = new BundledPolicyResolver(knownPolicyArns);
  // `owner` is where the list is: its principal list and index, then the list's own key.
  const attached = (
    list: readonly { PolicyArn: string }[] | null | undefined,
    owner: string,
    ownerIndex: number,
    key: string,
  ): string[] =>
    (list ?? []).map((policy, index) => {
      if (!bundled.holds(policy.PolicyArn)) {
        problems.push({
          where: where(owner, ownerIndex, `.${key}[${index}]`),
          message: `attached managed policy ${policy.PolicyArn} is not in the file's Policies list; its permissions are unknown`,
        });
      }
      return policy.PolicyArn;
    });
  const inline = (
    list: readonly { PolicyName: string; PolicyDocument: unknown }[] | null | undefined,
    owner: string,
    ownerIndex: number,
    key: string,
  ): NamedPolicy[] =>
    (list ?? []).map((policy, index) => ({
      name: policy.PolicyName,
      document: isDocumentObject(policy.PolicyDocument)
        ? policy.PolicyDocument
        : decodeDocument(policy.PolicyDocument, where(owner, ownerIndex, `.${key}[${index}].PolicyDocument`), problems),
    }));

  // Every principal has the same fields in the same order (undefined where they do not apply): the rules
  // read each one many times, and one shape keeps their code from being deoptimised and compiled again.
  (details.UserDetailList ?? []).forEach((user, index) => {
    principals.push({
      kind: 'user',
      arn: user.Arn,
      name: user.UserName,
      ...(user.UserId ? { uniqueId: user.UserId } : {}),
      path: user.Path ?? '/',
      tags: tagMap(user.Tags),
      trustPolicy: undefined,
      inlinePolicies: [
        ...inline(user.UserPolicyList, 'UserDetailList', index, 'UserPolicyList'),
        ...unreadGrants('UserDetailList', index),
      ],
      managedPolicyArns: attached(user.AttachedManagedPolicies, 'UserDetailList', index, 'AttachedManagedPolicies'),
      permissionsBoundaryArn: user.PermissionsBoundary?.PermissionsBoundaryArn,
      groups: [...(user.GroupList ?? [])],
      serviceLinked: false,
      instanceProfiles: undefined,
    });
  });
  (details.GroupDetailList ?? []).forEach((group, index) => {
    principals.push({
      kind: 'group',
      arn: group.Arn,
      name: group.GroupName,
      path: group.Path ?? '/',
      tags: {},
      trustPolicy: undefined,
      inlinePolicies: [
        ...inline(group.GroupPolicyList, 'GroupDetailList', index, 'GroupPolicyList'),
        ...unreadGrants('GroupDetailList', index),
      ],
      managedPolicyArns: attached(group.AttachedManagedPolicies, 'GroupDetailList', index, 'AttachedManagedPolicies'),
      permissionsBoundaryArn: undefined,
      groups: [],
      serviceLinked: false,
      instanceProfiles: undefined,
    });
  });
  (details.RoleDetailList ?? []).forEach((role, index) => {
    const path = role.Path ?? '/';
    // SCPs and most rules pass over a service-linked role: only a role whose ARN says so is taken for one.
    const serviceLinked = isServiceLinkedRoleArn(role.Arn);
    if (path.startsWith('/aws-service-role/') !== serviceLinked) {
      problems.push({
        where: where('RoleDetailList', index, '.Path'),
        message:
          `Path ${JSON.stringify(path)} and Arn ${role.Arn} disagree on whether the role is service-linked; ` +
          `read as ${serviceLinked ? '' : 'not '}service-linked, as its ARN says`,
      });
    }
    principals.push({
      kind: 'role',
      arn: role.Arn,
      name: role.RoleName,
      ...(role.RoleId ? { uniqueId: role.RoleId } : {}),
      path,
      tags: tagMap(role.Tags),
      trustPolicy: isDocumentObject(role.AssumeRolePolicyDocument)
        ? role.AssumeRolePolicyDocument
        : decodeDocument(
            role.AssumeRolePolicyDocument,
            where('RoleDetailList', index, '.AssumeRolePolicyDocument'),
            problems,
          ),
      inlinePolicies: [
        ...inline(role.RolePolicyList, 'RoleDetailList', index, 'RolePolicyList'),
        ...unreadGrants('RoleDetailList', index),
      ],
      managedPolicyArns: attached(role.AttachedManagedPolicies, 'RoleDetailList', index, 'AttachedManagedPolicies'),
      permissionsBoundaryArn: role.PermissionsBoundary?.PermissionsBoundaryArn,
      groups: [],
      serviceLinked,
      instanceProfiles: role.InstanceProfileList?.map((p) => p.InstanceProfileName),
    });
  });

  for (const principal of principals) {
    if (principal.permissionsBoundaryArn && !bundled.holds(principal.permissionsBoundaryArn)) {
      problems.push({
        where: `${file}: ${principal.arn}`,
        message: `permissions boundary ${principal.permissionsBoundaryArn} is not in the file's Policies list`,
      });
    }
  }

  managedPolicies.push(...bundled.added);
  const unreadBundle = bundled.problem(file);
  if (unreadBundle) problems.push(unreadBundle);
  return {
    schemaVersion: 1,
    accountId,
    accountName: options.accountName,
    source: { kind: 'authorization-details', location: file, readAt: options.readAt },
    principals,
    managedPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    organizationPoliciesKnown: false,
    isManagementAccount: false,
    problems,
  };
}

/** What each list of the output holds, as a problem names what was not audited when the list is absent. */
const ABSENT_LIST_MEANS: Readonly<Record<string, string>> = {
  UserDetailList: 'the file lists no users, so no user was audited',
  GroupDetailList: 'the file lists no groups, so what a group grants its users is unknown',
  RoleDetailList: 'the file lists no roles, so no role was audited',
  Policies:
    'the file lists no managed policies, so a customer managed policy attached to a principal is unknown ' +
    '(each is named below) and AWS managed ones are read from the bundled data',
};

/**
 * A problem per list the file leaves out (absent or null): an export with `--filter` holds only the kinds it
 * names, and an audit of it must not read as an audit of the whole account. An empty list is an account
 * with none of that kind, and no problem.
 */
function absentLists(file: string, value: Record<string, unknown>): SnapshotProblem[] {
  return AUTHORIZATION_DETAILS_KEYS.filter((key) => value[key] === undefined || value[key] === null).map((key) => ({
    where: `${file}: ${key}`,
    message: `absent: ${ABSENT_LIST_MEANS[key]} (an export with --filter leaves out the kinds it does not name; export without it to audit them)`,
  }));
}

function tagKeys(tags: readonly { Key: string }[] | null | undefined, path: string) {
  return (tags ?? []).map((tag, index) => ({ key: tag.Key, path: `${path}[${index}].Key` }));
}

/** Every user, group, role and managed policy of the file with its JSON path; a policy is named by its ARN. */
function* namedEntries(details: AuthorizationDetails): Generator<NamedEntry> {
  const lists = [
    ['user', 'UserDetailList', details.UserDetailList?.map((u) => [u.UserName, u.Arn])],
    ['group', 'GroupDetailList', details.GroupDetailList?.map((g) => [g.GroupName, g.Arn])],
    ['role', 'RoleDetailList', details.RoleDetailList?.map((r) => [r.RoleName, r.Arn])],
    ['policy', 'Policies', details.Policies?.map((p) => [p.Arn, p.Arn])],
  ] as const;
  for (const [kind, list, entries] of lists) {
    for (let i = 0; i < (entries?.length ?? 0); i++) {
      const [name, arn] = entries![i];
      yield { kind, name, arn, path: `${list}[${i}]` };
    }
  }
}

/** A service-linked role's ARN: its path is /aws-service-role/, which IAM reserves for them. */
export function isServiceLinkedRoleArn(arn: string): boolean {
  return /^arn:aws[a-z-]*:iam::\d{12}:role\/aws-service-role\//.test(arn);
}

function findAccountId(details: AuthorizationDetails): string | undefined {
  const arns = [
    ...(details.RoleDetailList ?? []).map((r) => r.Arn),
    ...(details.UserDetailList ?? []).map((u) => u.Arn),
    ...(details.GroupDetailList ?? []).map((g) => g.Arn),
    ...(details.Policies ?? []).map((p) => p.Arn),
  ];
  for (const arn of arns) {
    const match = ACCOUNT_IN_ARN.exec(arn);
    if (match) return match[1];
  }
  return undefined;
}

function tagMap(tags: readonly { Key: string; Value: string }[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) out[tag.Key] = tag.Value;
  return out;
}

/** A document object, which decodeDocument() returns as it is. */
function isDocumentObject(raw: unknown): raw is object {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

/**
 * The SDK returns documents URL-encoded (RFC 3986), the CLI returns them decoded. Decode strings; keep
 * anything undecodable as found (the evaluator then reports it as an invalid policy) and note where.
 */
export function decodeDocument(raw: unknown, where: string, problems: SnapshotProblem[]): unknown {
  if (raw === undefined || raw === null) {
    problems.push({ where, message: 'policy document is missing' });
    return raw;
  }
  if (typeof raw !== 'string') {
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push({ where, message: `expected a policy document object or string, got ${describe(raw)}` });
    }
    return raw;
  }
  const text = raw.trim();
  const candidates: string[] = [];
  if (text.startsWith('{')) candidates.push(text);
  try {
    candidates.push(decodeURIComponent(text));
  } catch {
    // Not valid percent-encoding; one of the other readings may still work.
  }
  try {
    // Some tools form-encode (space as `+`); JSON never has a bare `+` between tokens, so this is safe.
    candidates.push(decodeURIComponent(text.replace(/\+/g, ' ')));
  } catch {
    // as above
  }
  let lastError = 'not percent-encoded JSON';
  for (let candidate of candidates) {
    // Encoded once more by whatever saved the file: decode each layer (at most three).
    for (let layer = 0; layer < 2 && /^%(25)*7b/i.test(candidate.trim()); layer++) {
      try {
        candidate = decodeURIComponent(candidate.trim());
      } catch {
        break;
      }
    }
    // The decoded text was never seen by the file's nesting check: every reader after it recurses.
    const deep = jsonNestingProblem(candidate);
    if (deep) {
      lastError = `nested more than ${MAX_JSON_DEPTH} levels deep at character ${deep.offset + 1} of the decoded text`;
      continue;
    }
    try {
      const value: unknown = JSON.parse(candidate);
      // JSON.parse keeps the last of a key given twice: the text is kept instead, so the policy reader names
      // the key and the audit treats its statement as unreadable rather than as whichever value came last.
      return hasDuplicateKeys(candidate, value) ? candidate : value;
    } catch (err) {
      lastError = (err as Error).message;
    }
  }
  problems.push({ where, message: `cannot decode the policy document (URL-encoded JSON expected): ${lastError}` });
  return raw;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
