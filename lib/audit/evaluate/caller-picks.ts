// What the caller of a request picks rather than the input holding it as a fact: the Region the request is
// sent to (aws:RequestedRegion), where the caller stands (its address, or the VPC and endpoint it calls
// through), whether it calls directly or through an AWS service, and whether it sends tags at all. An agent or a person who wants a request
// through makes it from wherever the policies let it through. For a role's session also what whoever made the
// session picked when it assumed the role: the session name (part of aws:userid) and the source identity, where
// the role's trust lets a caller choose them (graph/trust.ts sessionChoices). So where a policy reads one of these keys (a
// region deny, a network perimeter, an exemption for calls through a service), the rules and the access graph
// ask again with each pick the policies tell apart, and a finding names the pick that lets more through.
// These are the pieces they share; which picks to ask is rules/support/caller-pick-candidates.ts.
import { memoize2, newMap } from '../../util/memo';
import { USER_ID_KEY } from './role-session-id';
import type { RequestContext } from './types';

/** The region key, lower-cased as RequestContext.contextKeys holds it. */
export const REQUESTED_REGION = 'aws:requestedregion';

/**
 * Where the request comes from. Through the public endpoint a request carries aws:SourceIp and none of the
 * VPC keys; through a VPC endpoint it carries the VPC keys and no aws:SourceIp (IAM User Guide, global
 * condition keys: availability).
 */
export const SOURCE_IP = 'aws:sourceip';
export const VPC_KEYS: readonly string[] = [
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:vpcsourceip',
  'aws:sourcevpcarn',
  'aws:vpceaccount',
  'aws:vpceorgid',
  'aws:vpceorgpaths',
];

/**
 * How the request is made: directly (aws:ViaAWSService false, no aws:CalledVia chain, no chat channel) or
 * through an AWS service that supports aws:CalledVia. aws:ViaAWSService is in every request; the others only
 * in requests that came through a service or a chat channel.
 */
export const VIA_AWS_SERVICE = 'aws:viaawsservice';
const CALLED_VIA_KEYS: readonly string[] = ['aws:calledvia', 'aws:calledviafirst', 'aws:calledvialast'];
const CHAT_SOURCE = 'aws:chatbotsourcearn';

/** The tag keys a request sends: a Deny on some keys (`dp:*`) is escaped by a request that sends none. */
export const TAG_KEYS = 'aws:tagkeys';

/**
 * What the maker of a role session chose at sts:AssumeRole: aws:userid (`<role id>:<session name>`) and
 * aws:SourceIdentity. Picked only for a role whose trust lets a caller choose them; anywhere else (a user, a
 * role only a service assumes) no pick sets them and an answer on them stays as the evaluator gives it.
 */
export const SOURCE_IDENTITY = 'aws:sourceidentity';

const LOCATION_KEYS = new Set([SOURCE_IP, ...VPC_KEYS]);
const CALL_PATH_KEYS = new Set([VIA_AWS_SERVICE, ...CALLED_VIA_KEYS, CHAT_SOURCE]);

/** Every key a caller pick may set, lower-cased. */
export const CALLER_PICK_KEYS: readonly string[] = [
  REQUESTED_REGION,
  ...LOCATION_KEYS,
  ...CALL_PATH_KEYS,
  TAG_KEYS,
  USER_ID_KEY,
  SOURCE_IDENTITY,
];

export type CallerPickGroup = 'region' | 'location' | 'call' | 'tags' | 'session';

/** The group a caller-picked key belongs to, or undefined for a key the caller does not pick. */
export function callerPickGroup(key: string): CallerPickGroup | undefined {
  const lower = key.toLowerCase();
  if (lower === REQUESTED_REGION) return 'region';
  if (LOCATION_KEYS.has(lower)) return 'location';
  if (CALL_PATH_KEYS.has(lower)) return 'call';
  if (lower === TAG_KEYS) return 'tags';
  if (lower === USER_ID_KEY || lower === SOURCE_IDENTITY) return 'session';
  return undefined;
}

const pickKeyMemo = new Map<string, boolean>();

/** Whether the caller picks `key` (asked for every depending answer: kept by key as written). */
export function isCallerPickKey(key: string): boolean {
  let known = pickKeyMemo.get(key);
  if (known === undefined) {
    known = callerPickGroup(key) !== undefined;
    pickKeyMemo.set(key, known);
  }
  return known;
}

/** Whether an answer (a decision, a statement reference) turns on a key the caller picks. */
export function dependsOnCallerPick(answer: { readonly dependsOn?: readonly string[] }): boolean {
  return answer.dependsOn?.some(isCallerPickKey) ?? false;
}

/** One choice of the caller-picked keys the policies read, as a request carries it. */
export interface CallerPick {
  /**
   * How a finding names it: `in eu-west-1`, `from 10.0.0.0 (aws:SourceIp)`, `called directly`, `as a session
   * named breakglass-1`.
   */
  readonly label: string;
  /** The region it sends the request to, if it picks one. */
  readonly region?: string;
  /** The keys it sets, lower-cased as RequestContext.contextKeys holds them; `[]` says absent. */
  readonly keys: Readonly<Record<string, readonly string[]>>;
  /**
   * The tags the request sends: none (`{}`), which a request that sends none already has; or tags the caller
   * chooses to send (rules/support/tag-sends.ts), which replace the request's.
   */
  readonly requestTags?: Readonly<Record<string, string>>;
}

/** Whether a pick sends tags of the caller's choosing (rules/support/tag-sends.ts), not merely none. */
export function sendsTags(pick: CallerPick | undefined): boolean {
  return pick?.requestTags !== undefined && Object.keys(pick.requestTags).length > 0;
}

/** Whether a pick chooses how the role's session was made (its name, its source identity). */
export function choosesSession(pick: CallerPick): boolean {
  return pick.keys[USER_ID_KEY] !== undefined || pick.keys[SOURCE_IDENTITY] !== undefined;
}

const withoutIdentity = new WeakMap<readonly CallerPick[], readonly CallerPick[]>();

/**
 * The picks without those choosing a source identity (one array per array): what a caller whose own session may
 * carry one can make of a role it assumes, since a source identity, once set, passes down the chain. A session
 * name is chosen again at every hop.
 */
export function withoutSourceIdentityPicks(picks: readonly CallerPick[]): readonly CallerPick[] {
  let found = withoutIdentity.get(picks);
  if (!found) {
    found = picks.some((pick) => pick.keys[SOURCE_IDENTITY] !== undefined)
      ? picks.filter((pick) => pick.keys[SOURCE_IDENTITY] === undefined)
      : picks;
    withoutIdentity.set(picks, found);
  }
  return found;
}

/** Whether a pick chooses more than the region (what findings then name beside requestedRegion). */
export function picksBeyondRegion(pick: CallerPick): boolean {
  return pick.requestTags !== undefined || Object.keys(pick.keys).length > (pick.region === undefined ? 0 : 1);
}

/** The pick of a region alone. */
export function regionPick(region: string): CallerPick {
  return { label: `in ${region}`, region, keys: { [REQUESTED_REGION]: [region] } };
}

/** A request from `address` through the public endpoint. */
export function publicAddressKeys(address: string): Record<string, readonly string[]> {
  const keys: Record<string, readonly string[]> = { [SOURCE_IP]: [address] };
  for (const key of VPC_KEYS) keys[key] = [];
  return keys;
}

/** A request through a VPC endpoint with these VPC key values (a key not given stays unknown). */
export function vpcEndpointKeys(values: Readonly<Record<string, string>>): Record<string, readonly string[]> {
  const keys: Record<string, readonly string[]> = { [SOURCE_IP]: [] };
  for (const [key, value] of Object.entries(values)) keys[key] = [value];
  return keys;
}

/** A direct call: not through a service or a chat channel. */
export const DIRECT_CALL_KEYS: Readonly<Record<string, readonly string[]>> = {
  [VIA_AWS_SERVICE]: ['false'],
  ...Object.fromEntries(CALLED_VIA_KEYS.map((key) => [key, []])),
  [CHAT_SOURCE]: [],
};

/** A call made for the caller by `service` (a service principal, `cloudformation.amazonaws.com`). */
export function throughServiceKeys(service: string): Record<string, readonly string[]> {
  return {
    [VIA_AWS_SERVICE]: ['true'],
    ...Object.fromEntries(CALLED_VIA_KEYS.map((key) => [key, [service]])),
    [CHAT_SOURCE]: [],
  };
}

const withPick = new WeakMap<RequestContext, Map<CallerPick, RequestContext>>();

/**
 * `context` with the caller's pick, one object per context and pick: the evaluator shares decision templates
 * between principals by request object. Keys the context sets itself (a request through an MCP server) are
 * facts of that question and stay as they are.
 */
export function withCallerPick(context: RequestContext, pick: CallerPick): RequestContext {
  return memoize2<RequestContext, CallerPick, RequestContext>(withPick, context, pick, newMap, () => ({
    ...context,
    contextKeys: { ...pick.keys, ...context.contextKeys },
    ...(pick.requestTags !== undefined && (context.requestTags === undefined || sendsTags(pick))
      ? { requestTags: pick.requestTags }
      : {}),
  }));
}
