// The AWS global condition keys (IAM User Guide, "AWS global condition context keys"), to tell a misspelt
// `aws:` key from a real one. AWS never puts a misspelt key in a request: a Deny conditioned on
// `aws:ResourceTags/environment` never applies, and the audit would read it as "depends on a key" instead.
import { editDistance } from '../util/edit-distance';
import { absentKeyOutcome } from './absent-key';

/** A key this close to a real one is a typo: a letter missed, added, swapped or changed, twice at most. */
const TYPO_DISTANCE = 2;

function near(word: string, candidates: readonly string[]): string[] {
  const lower = word.toLowerCase();
  return candidates.filter((candidate) => editDistance(lower, candidate.toLowerCase()) <= TYPO_DISTANCE);
}

/** Exact keys, as AWS spells them. A test holds this list equal to the pinned reference data's. */
export const GLOBAL_CONDITION_KEYS: readonly string[] = [
  'aws:PrincipalArn',
  'aws:PrincipalAccount',
  'aws:PrincipalOrgPaths',
  'aws:PrincipalOrgID',
  'aws:PrincipalIsAWSService',
  'aws:PrincipalServiceName',
  'aws:PrincipalServiceNamesList',
  'aws:PrincipalType',
  'aws:userid',
  'aws:username',
  'aws:AssumedRoot',
  'aws:FederatedProvider',
  'aws:TokenIssueTime',
  'aws:MultiFactorAuthAge',
  'aws:MultiFactorAuthPresent',
  'aws:ChatbotSourceArn',
  'aws:Ec2InstanceSourceVpc',
  'aws:Ec2InstanceSourcePrivateIPv4',
  'aws:SourceIdentity',
  'aws:SourceIp',
  'aws:SourceVpc',
  'aws:SourceVpcArn',
  'aws:SourceVpce',
  'aws:VpceAccount',
  'aws:VpceOrgPaths',
  'aws:VpceOrgID',
  'aws:VpcSourceIp',
  'aws:ResourceAccount',
  'aws:ResourceOrgID',
  'aws:ResourceOrgPaths',
  'aws:CalledVia',
  'aws:CalledViaFirst',
  'aws:CalledViaLast',
  'aws:CalledViaAWSMCP',
  'aws:ViaAWSService',
  'aws:ViaAWSMCPService',
  'aws:CurrentTime',
  'aws:EpochTime',
  'aws:referer',
  'aws:RequestedRegion',
  'aws:TagKeys',
  'aws:SecureTransport',
  'aws:SourceArn',
  'aws:SourceAccount',
  'aws:SourceOwner',
  'aws:SourceOrgPaths',
  'aws:SourceOrgID',
  'aws:UserAgent',
  'aws:IsMcpServiceAction',
];

/** Keys that take a tag key after the slash. */
export const GLOBAL_TAG_KEY_PREFIXES: readonly string[] = ['aws:PrincipalTag/', 'aws:ResourceTag/', 'aws:RequestTag/'];

const EXACT = new Set(GLOBAL_CONDITION_KEYS.map((key) => key.toLowerCase()));

/**
 * Why `key` is a misspelt global condition key, or undefined. Only a key close to a real one is refused: AWS's
 * own managed policies use a few undocumented `aws:` keys (aws:PrincipalOrgMasterAccountId), and those are
 * far from every documented one.
 */
export function globalConditionKeyProblem(
  key: string,
  operator = 'StringEquals',
  values?: unknown,
): string | undefined {
  const lower = key.toLowerCase();
  if (!lower.startsWith('aws:') || EXACT.has(lower)) return undefined;
  const slash = lower.indexOf('/');
  const head = slash < 0 ? lower : lower.slice(0, slash + 1);
  const tagPrefix = GLOBAL_TAG_KEY_PREFIXES.find((prefix) => prefix.toLowerCase() === head);
  if (tagPrefix) {
    return slash + 1 < lower.length
      ? undefined
      : `${JSON.stringify(key)} names no tag key: write ${tagPrefix}<tag-key>`;
  }
  // Compare the part before a tag key with the tag-key prefixes, the whole key with the exact keys.
  const meant = [
    ...near(key, GLOBAL_CONDITION_KEYS),
    ...near(slash < 0 ? `${key}/` : key.slice(0, slash + 1), GLOBAL_TAG_KEY_PREFIXES).map((prefix) =>
      slash < 0 ? `${prefix}<tag-key>` : `${prefix}${key.slice(slash + 1)}`,
    ),
  ];
  if (meant.length === 0) return undefined;
  return (
    `${JSON.stringify(key)} is not an AWS global condition key, so AWS never sends it and this ${operator} test is ` +
    `${absentKeyOutcome(operator, values)}; did you mean ${meant.map((n) => JSON.stringify(n)).join(' or ')}?`
  );
}

/** Whether `key` is a documented global condition key (any case), a tag key after a tag prefix included. */
export function isGlobalConditionKey(key: string): boolean {
  const lower = key.toLowerCase();
  if (EXACT.has(lower)) return true;
  return GLOBAL_TAG_KEY_PREFIXES.some(
    (prefix) => lower.startsWith(prefix.toLowerCase()) && lower.length > prefix.length,
  );
}

/**
 * Global keys a request carries at most one value of (the IAM User Guide's "single-valued" keys), for the
 * check of set operators: the tag keys and the common principal, network and resource keys. Keys whose value
 * count is less plain are left out, so nothing is said of them; the multivalued ones (aws:TagKeys,
 * aws:CalledVia, aws:PrincipalServiceNamesList, the organization paths) are never in it.
 */
const SINGLE_VALUED_GLOBAL_KEYS = new Set(
  [
    'aws:PrincipalArn',
    'aws:PrincipalAccount',
    'aws:PrincipalOrgID',
    'aws:PrincipalType',
    'aws:PrincipalIsAWSService',
    'aws:userid',
    'aws:username',
    'aws:SourceIdentity',
    'aws:SourceIp',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceArn',
    'aws:SourceAccount',
    'aws:SourceOrgID',
    'aws:ResourceAccount',
    'aws:ResourceOrgID',
    'aws:RequestedRegion',
    'aws:SecureTransport',
    'aws:MultiFactorAuthPresent',
    'aws:MultiFactorAuthAge',
    'aws:ViaAWSService',
    'aws:CurrentTime',
    'aws:EpochTime',
  ].map((key) => key.toLowerCase()),
);

/** Whether `key` is a global key a request carries at most one value of (any case; a tag key after its prefix). */
export function isSingleValuedGlobalKey(key: string): boolean {
  const lower = key.toLowerCase();
  if (SINGLE_VALUED_GLOBAL_KEYS.has(lower)) return true;
  return GLOBAL_TAG_KEY_PREFIXES.some(
    (prefix) => lower.startsWith(prefix.toLowerCase()) && lower.length > prefix.length,
  );
}
