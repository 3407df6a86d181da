// Condition-key values for one request: what the snapshot says about the principal, what the caller says
// about the request (RequestContext), and what the catalog says the action can carry at all. The last part
// is where a deny silently stops applying: a request for an action without resource-tag support carries no
// aws:ResourceTag key, so `StringEquals aws:ResourceTag/env = prod` on a Deny is simply false.
import type { CatalogAction } from '../../catalog/types';
import { ABSENT, present, UNKNOWN, type KeyLookup, type KeyValue } from './key-value';
import type { RequestContext } from './types';

/** What the snapshot says about the principal making the request. */
export interface PrincipalFacts {
  readonly kind: 'role' | 'user' | 'group';
  readonly arn: string;
  readonly name: string;
  /** Roles and users: AWS's unique id, where the input holds it (aws:userid; role-session-id.ts). */
  readonly uniqueId?: string;
  readonly accountId: string;
  /** Its account's organization, where the input says: aws:PrincipalOrgID. */
  readonly organizationId?: string;
  /**
   * The values aws:PrincipalOrgPaths may have, where the input places its account in the organization
   * (org-paths.ts): a condition on the key is answered only where every one gives the same answer.
   */
  readonly orgPaths?: readonly string[];
  /** `accountId` is a stand-in (templates that name no account): "its own account" is then not a known value. */
  readonly accountIdIsPlaceholder?: boolean;
  /** Tags with lower-cased keys. */
  readonly tags: ReadonlyMap<string, string>;
  /**
   * It may set and remove its own tags (iam:TagRole / iam:TagUser on itself): a condition on aws:PrincipalTag
   * is then its choice, not a fact of the snapshot, and is answered as unknown.
   */
  readonly tagsChosen?: boolean;
  /**
   * When the audit asks (ms since the epoch): conditions on aws:CurrentTime and aws:EpochTime are answered from
   * then on (audit-time.ts). Unset: the time is unknown, and such a condition depends on its key.
   */
  readonly auditTime?: number;
  /** A role no session of which carries aws:SourceIdentity: its trust lets no one set one. */
  readonly noSourceIdentity?: boolean;
}

/** Which condition keys a request for this action can carry, from the catalog. */
export interface ActionFacts {
  /** aws:ResourceTag/* can be evaluated (tagSupport is not `none`). */
  readonly resourceTags: boolean;
  /** aws:RequestTag/* is listed for the action or its resource types: the request passes tags (key and value). */
  readonly requestTags: boolean;
  /**
   * aws:TagKeys can be present: listed for the action, or tags are passed. An untag request passes only keys,
   * so it carries aws:TagKeys and never aws:RequestTag/*.
   */
  readonly tagKeys: boolean;
  /** Whether a service-specific key (lower case) can be present; true for actions not in the catalog. */
  carries(lowerKey: string): boolean;
  /**
   * The service's own prefix for the tags of the resource the action acts on, lower case (`rds:db-tag/`,
   * `s3:buckettag/`), where the catalog shows it unambiguously (ownTagPrefixOf); read like aws:ResourceTag.
   */
  readonly ownTagPrefix?: string;
}

/** For actions the catalog does not know: anything may be carried. */
export const UNKNOWN_ACTION_FACTS: ActionFacts = {
  resourceTags: true,
  requestTags: true,
  tagKeys: true,
  carries: () => true,
};

const factsCache = new WeakMap<CatalogAction, ActionFacts>();
const NO_KEYS: readonly string[] = Object.freeze([]);
/** Up to this many exact keys are searched in an array; a Set beyond. */
const FEW_KEYS = 8;

/** Sorts lower-cased condition keys into exact keys and the prefixes of templated ones. */
function sortKeys(keys: readonly string[], listed: string[], prefixes: string[]): void {
  for (let i = 0; i < keys.length; i++) {
    const lower = keys[i].toLowerCase();
    // Templated keys: `aws:ResourceTag/${TagKey}`, and a few written `s3:RequestObjectTag/<key>`.
    const dollar = lower.indexOf('${');
    const angle = lower.indexOf('<');
    const template = dollar < 0 ? angle : angle < 0 ? dollar : Math.min(dollar, angle);
    if (template >= 0) prefixes.push(lower.slice(0, template));
    else listed.push(lower);
  }
}

export function actionFacts(action: CatalogAction): ActionFacts {
  const cached = factsCache.get(action);
  if (cached) return cached;
  const listed: string[] = [];
  const found: string[] = [];
  sortKeys(action.conditionKeys, listed, found);
  for (let i = 0; i < action.resourceTypes.length; i++) sortKeys(action.resourceTypes[i].conditionKeys, listed, found);
  // The exact keys in an array while they are few (most actions list none or a handful, and thousands of
  // actions each kept a Set with its hash table for them), in a Set beyond that. `carries` keeps only these.
  const exact = listed.length > FEW_KEYS ? new Set(listed) : undefined;
  const few = exact || listed.length === 0 ? NO_KEYS : listed;
  const prefixes = found.length === 0 ? NO_KEYS : found;
  const carries = (lowerKey: string): boolean => {
    if (exact ? exact.has(lowerKey) : few.includes(lowerKey)) return true;
    for (let i = 0; i < prefixes.length; i++) {
      if (lowerKey.startsWith(prefixes[i]) && lowerKey.length > prefixes[i].length) return true;
    }
    return false;
  };
  const requestTags = prefixes.includes('aws:requesttag/') || listed.includes('aws:requesttag/');
  const resourceTags = action.tagSupport !== 'none';
  const ownTagPrefix = resourceTags ? ownTagPrefixOf(action) : undefined;
  const facts: ActionFacts = {
    resourceTags,
    requestTags,
    tagKeys: requestTags || carries('aws:tagkeys'),
    carries,
    ...(ownTagPrefix !== undefined ? { ownTagPrefix } : {}),
  };
  factsCache.set(action, facts);
  return facts;
}

/** A service's own tag key of one resource type: `rds:db-tag/${TagKey}`, `s3:BucketTag/${TagKey}`. */
const SERVICE_TAG_KEY = /^([a-z0-9-]+):(.+?)-?tag\/\$\{tagkey\}$/;
const RESOURCE_TAG_TEMPLATE = 'aws:resourcetag/${tagkey}';

/**
 * The prefix of a service's own key for the tags of the resource an action acts on, lower case: some services
 * name each resource type's tags (rds:db-tag/, rds:cluster-tag/, s3:BucketTag/, dms:endpoint-tag/) beside
 * aws:ResourceTag. AWS authorizes a request once per resource, and such a key holds that resource's tags only
 * when it is the resource's own. So a key is read as the resource's tags only where the action has exactly one
 * resource type it must name that takes aws:ResourceTag (or, none required, exactly one such type), and the key
 * is named after that type (rds:db-tag on `db`); anything less certain (rds:DeleteDBCluster also names the final
 * snapshot; s3:BucketTag on an object is its bucket's) stays unknown.
 */
export function ownTagPrefixOf(action: CatalogAction): string | undefined {
  const required = action.resourceTypes.filter((type) => type.required);
  const taggable = (required.length > 0 ? required : action.resourceTypes).filter((type) =>
    type.conditionKeys.some((key) => key.toLowerCase() === RESOURCE_TAG_TEMPLATE),
  );
  if (taggable.length !== 1) return undefined;
  const [type] = taggable;
  const typeName = letters(type.name);
  for (const key of type.conditionKeys) {
    const lower = key.toLowerCase();
    const match = SERVICE_TAG_KEY.exec(lower);
    if (!match || match[1] === 'aws' || match[2] === 'resource') continue;
    if (match[1] === action.service.toLowerCase() && letters(match[2]) === typeName) {
      return lower.slice(0, lower.length - '${tagkey}'.length);
    }
  }
  return undefined;
}

/** A name's letters and digits, lower case: `cluster-snapshot` and `ClusterSnapshot` are one name. */
function letters(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Keys whose presence varies with the action (so cached condition answers are keyed by the action's facts). */
export function isActionDependentKey(lowerKey: string): boolean {
  return (
    lowerKey.startsWith('aws:resourcetag/') ||
    lowerKey.startsWith('aws:requesttag/') ||
    lowerKey === 'aws:tagkeys' ||
    !lowerKey.startsWith('aws:')
  );
}

/** Keys answered from the principal alone (so a principal's answers can be shared across requests). */
export function isPrincipalKey(lowerKey: string): boolean {
  return (
    lowerKey.startsWith('aws:principal') ||
    lowerKey === 'aws:username' ||
    lowerKey === 'aws:userid' ||
    lowerKey === KMS_CALLER_ACCOUNT ||
    SESSION_ONLY_KEYS.has(lowerKey)
  );
}

/**
 * Keys AWS sends only for some sessions: a root session from sts:AssumeRoot (aws:AssumedRoot), a role session
 * made through an identity provider (aws:FederatedProvider) or with a source identity (aws:SourceIdentity), an
 * instance's credentials (aws:ec2InstanceSourceVpc, aws:ec2InstanceSourcePrivateIPv4).
 * Never for an IAM user, nor for a group's members; for a role, they depend on how its session was made,
 * except aws:AssumedRoot, which no role session carries.
 */
const SESSION_ONLY_KEYS: ReadonlySet<string> = new Set([
  // Sent with the credentials EC2 delivers to an instance (its instance profile's role) only.
  'aws:ec2instancesourcevpc',
  'aws:ec2instancesourceprivateipv4',
  'aws:assumedroot',
  'aws:federatedprovider',
  'aws:sourceidentity',
]);

function sessionOnlyValue(principal: PrincipalFacts, lowerKey: string): KeyValue {
  if (lowerKey === 'aws:sourceidentity' && principal.noSourceIdentity) return ABSENT;
  return principal.kind === 'role' && lowerKey !== 'aws:assumedroot' ? UNKNOWN : ABSENT;
}

/**
 * The tag key a condition key reads on the resource acted on: `aws:ResourceTag/<key>`, and each service's own
 * name for the same tags, `<service>:ResourceTag/<key>` (iam:, ec2:, sagemaker:, ecs:, ssm:resourceTag, ...:
 * "the tag key-value pair attached to the resource", Service Authorization Reference); undefined for any other
 * key, the resource-type keys that name another resource of the request among them (rds:cluster-tag,
 * s3:BucketTag). `lowerKey` is lower-cased.
 */
export function resourceTagKeyOf(lowerKey: string): string | undefined {
  const slash = lowerKey.indexOf('/');
  if (slash < 0 || slash === lowerKey.length - 1) return undefined;
  // The part before the slash ends in `:resourcetag` (an 11-character prefix such as rds:req-tag is not it).
  return lowerKey.slice(0, slash).endsWith(':resourcetag') ? lowerKey.slice(slash + 1) : undefined;
}

/** A service's own key for one resource type's tags (`rds:db-tag/<key>`, `s3:BucketTag/<key>`), by its form. */
const SERVICE_TYPE_TAG = /^[a-z0-9-]+:([a-z0-9-]+?)-?tag\/(.+)$/;

/**
 * The tag key a condition key may read on a resource: resourceTagKeyOf, or a service's own key for a resource
 * type's tags (`rds:db-tag/<key>`, `s3:BucketTag/<key>`; not request tags such as `rds:req-tag/<key>`), which the
 * evaluator reads as the resource's tags only for the actions whose facts say so (ActionFacts.ownTagPrefix). For
 * collecting the values policies compare tags with; undefined for any other key. `lowerKey` is lower-cased.
 */
export function anyResourceTagKeyOf(lowerKey: string): string | undefined {
  const own = resourceTagKeyOf(lowerKey);
  if (own !== undefined || lowerKey.startsWith('aws:')) return own;
  const match = SERVICE_TYPE_TAG.exec(lowerKey);
  return match && !match[1].startsWith('req') ? match[2] : undefined;
}

/** KMS's own name for the calling principal's account: sent with KMS's actions only. */
const KMS_CALLER_ACCOUNT = 'kms:calleraccount';

/** Whether `facts` can carry `lowerKey` (only meaningful for action-dependent keys). */
export function actionCarries(facts: ActionFacts, lowerKey: string): boolean {
  if (lowerKey.startsWith('aws:resourcetag/')) return facts.resourceTags;
  if (lowerKey.startsWith('aws:requesttag/')) return facts.requestTags;
  if (lowerKey === 'aws:tagkeys') return facts.tagKeys;
  if (!lowerKey.startsWith('aws:')) return facts.carries(lowerKey);
  return true;
}

function lowerKeyed(record: Readonly<Record<string, string>> | undefined): Map<string, string> | undefined {
  if (!record) return undefined;
  const map = new Map<string, string>();
  for (const [key, value] of Object.entries(record)) map.set(key.toLowerCase(), value);
  return map;
}

function accountOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length >= 6 && /^\d{12}$/.test(parts[4]) ? parts[4] : undefined;
}

/** A request context's keys, lower-cased: the same for every principal asked in that context. */
interface LoweredContext {
  readonly resourceTags?: Map<string, string>;
  /** RequestContext.resourceTagKeysKnown, lower-cased; undefined: every key is known. */
  readonly knownTagKeys?: ReadonlySet<string>;
  readonly requestTags?: Map<string, string>;
  readonly extra: Map<string, readonly string[]>;
}

/**
 * Lowered once per context object: rules and the graph ask thousands of principals in one context, and a
 * context is never changed once passed in (templates are already shared by context identity, see
 * SharedAcrossPrincipals).
 */
const loweredContexts = new WeakMap<RequestContext, LoweredContext>();

function lowered(context: RequestContext): LoweredContext {
  let known = loweredContexts.get(context);
  if (!known) {
    const extra = new Map<string, readonly string[]>();
    for (const [key, values] of Object.entries(context.contextKeys ?? {})) extra.set(key.toLowerCase(), values);
    const knownTagKeys = context.resourceTagKeysKnown
      ? new Set(
          [...context.resourceTagKeysKnown, ...Object.keys(context.resourceTags ?? {})].map((k) => k.toLowerCase()),
        )
      : undefined;
    known = {
      resourceTags: lowerKeyed(context.resourceTags),
      knownTagKeys,
      requestTags: lowerKeyed(context.requestTags),
      extra,
    };
    loweredContexts.set(context, known);
  }
  return known;
}

/** A resource tag's value: given, absent (a key whose absence is known), or unknown (any other key). */
function resourceTagValue(request: LoweredContext, lowerTagKey: string): KeyValue {
  const value = request.resourceTags!.get(lowerTagKey);
  if (value !== undefined) return present([value]);
  return request.knownTagKeys && !request.knownTagKeys.has(lowerTagKey) ? UNKNOWN : ABSENT;
}

/** aws:SecureTransport of a request the audit asks about: sent over TLS. */
const SECURE_TRANSPORT = present(['true']);

/** The request-level part of the lookup, built once per decide/decideMany call. */
export class RequestKeys {
  /** Read on the first condition lookup: many calls only meet unconditional statements. */
  private request?: LoweredContext;
  private principalValues?: Map<string, KeyValue>;

  constructor(
    readonly principal: PrincipalFacts,
    readonly context: RequestContext,
  ) {}

  /** A lookup for one action (pass UNKNOWN_ACTION_FACTS for actions outside the catalog). */
  lookupFor(facts: ActionFacts): KeyLookup {
    return (lowerKey) => this.value(lowerKey, facts);
  }

  value(lowerKey: string, facts: ActionFacts): KeyValue {
    const request = (this.request ??= lowered(this.context));
    const given = request.extra.get(lowerKey);
    if (given) return present(given);
    if (lowerKey.startsWith('aws:resourcetag/')) {
      if (!facts.resourceTags) return ABSENT;
      if (!request.resourceTags) return UNKNOWN;
      return resourceTagValue(request, lowerKey.slice('aws:resourcetag/'.length));
    }
    if (lowerKey.startsWith('aws:requesttag/')) {
      if (!facts.requestTags) return ABSENT;
      if (!request.requestTags) return UNKNOWN;
      const value = request.requestTags.get(lowerKey.slice('aws:requesttag/'.length));
      return value === undefined ? ABSENT : present([value]);
    }
    if (lowerKey === 'aws:tagkeys') {
      if (!facts.tagKeys) return ABSENT;
      if (!this.context.requestTags) return UNKNOWN;
      return present(Object.keys(this.context.requestTags));
    }
    if (lowerKey === KMS_CALLER_ACCOUNT && !facts.carries(lowerKey)) return ABSENT;
    if (isPrincipalKey(lowerKey)) return this.principalValue(lowerKey);
    if (lowerKey === 'aws:resourceaccount' || lowerKey === 'aws:resourceorgid') return this.resourceOwner(lowerKey);
    // Every AWS SDK and the CLI sign and send requests over TLS: a Deny on insecure transport (AWS's bucket
    // policy and RCP examples) never stops what the audit asks about. A request context may say otherwise.
    if (lowerKey === 'aws:securetransport') return SECURE_TRANSPORT;
    if (!lowerKey.startsWith('aws:') && !facts.carries(lowerKey)) return ABSENT;
    // A service's own name for the tags of the resource acted on (iam:ResourceTag, ec2:ResourceTag, ...), where
    // the action carries it: the same tags as aws:ResourceTag.
    const tagKey = resourceTagKeyOf(lowerKey);
    if (tagKey !== undefined && request.resourceTags) return resourceTagValue(request, tagKey);
    // The service's own key for the same tags (rds:db-tag/<key> on a DB instance), where it is unambiguous.
    const own = facts.ownTagPrefix;
    if (own !== undefined && request.resourceTags && lowerKey.startsWith(own) && lowerKey.length > own.length) {
      return resourceTagValue(request, lowerKey.slice(own.length));
    }
    return UNKNOWN;
  }

  /**
   * aws:ResourceAccount and aws:ResourceOrgID. The account is the target ARN's; with no ARN ("some resource"),
   * the one the context names (RequestContext.resourceAccount), by default the principal's own. The
   * organization is the principal's for a resource in its account, or the one the context gives for the
   * account it names; anything else (an ARN without an account, such as an S3 bucket's, or an account whose
   * organization is not given) is unknown.
   */
  private resourceOwner(lowerKey: 'aws:resourceaccount' | 'aws:resourceorgid'): KeyValue {
    const arn = this.context.resourceArn;
    const named = this.context.resourceAccount;
    const own = this.principal.accountIdIsPlaceholder ? undefined : this.principal.accountId;
    const account = arn !== undefined ? accountOfArn(arn) : named === 'any' ? undefined : (named ?? own);
    if (account === undefined) return UNKNOWN;
    if (lowerKey === 'aws:resourceaccount') return present([account]);
    const organization =
      account === this.principal.accountId
        ? this.principal.organizationId
        : account === named
          ? this.context.resourceOrganizationId
          : undefined;
    return organization === undefined ? UNKNOWN : present([organization]);
  }

  private principalValue(lowerKey: string): KeyValue {
    this.principalValues ??= new Map();
    let value = this.principalValues.get(lowerKey);
    if (!value) {
      value = principalKeyValue(this.principal, lowerKey);
      this.principalValues.set(lowerKey, value);
    }
    return value;
  }
}

/**
 * Principal keys from the snapshot. A group is evaluated as "some member of the group", so its member's
 * ARN, name and tags are unknown. Session tags can override role tags at AssumeRole: callers who know of
 * them pass them in `contextKeys`.
 */
export function principalKeyValue(principal: PrincipalFacts, lowerKey: string): KeyValue {
  const isGroup = principal.kind === 'group';
  switch (lowerKey) {
    case 'aws:principalarn':
      return isGroup ? UNKNOWN : present([principal.arn]);
    case 'aws:principalaccount':
    case KMS_CALLER_ACCOUNT:
      return present([principal.accountId]);
    case 'aws:principaltype':
      return present([principal.kind === 'role' ? 'AssumedRole' : 'User']);
    case 'aws:principalorgid':
      return principal.organizationId === undefined ? UNKNOWN : present([principal.organizationId]);
    case 'aws:principalisawsservice':
      return present(['false']);
    case 'aws:principalservicename':
    case 'aws:principalservicenameslist':
      // Present only when an AWS service principal makes the call, never for an IAM role or user.
      return ABSENT;
    case 'aws:username':
      return principal.kind === 'user' ? present([principal.name]) : isGroup ? UNKNOWN : ABSENT;
    case 'aws:userid':
      // A role session's is the role's id and the session name: answered per condition (role-session-id.ts).
      return principal.kind === 'user' && principal.uniqueId !== undefined ? present([principal.uniqueId]) : UNKNOWN;
    default:
      break;
  }
  if (SESSION_ONLY_KEYS.has(lowerKey)) return sessionOnlyValue(principal, lowerKey);
  if (lowerKey.startsWith('aws:principaltag/')) {
    if (isGroup || principal.tagsChosen) return UNKNOWN;
    const value = principal.tags.get(lowerKey.slice('aws:principaltag/'.length));
    return value === undefined ? ABSENT : present([value]);
  }
  return UNKNOWN;
}
