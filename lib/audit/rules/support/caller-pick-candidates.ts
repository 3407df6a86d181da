// Which caller picks (evaluate/caller-picks.ts) a principal's production questions are asked with: one per
// group of choices every condition of its policies and the organization's answers alike, for each kind of
// pick a condition reads (the region, where the caller stands, how it calls, how its session was made), combined.
import { partitionRegions } from '../../../policy/regions';
import {
  DIRECT_CALL_KEYS,
  publicAddressKeys,
  regionPick,
  REQUESTED_REGION,
  SOURCE_IP,
  TAG_KEYS,
  throughServiceKeys,
  VPC_KEYS,
  vpcEndpointKeys,
  callerPickGroup,
  SOURCE_IDENTITY,
  type CallerPick,
} from '../../evaluate/caller-picks';
import { USER_ID_KEY } from '../../evaluate/role-session-id';
import type { SessionChoices } from '../../graph/trust';
import { withWildcardsFilled } from '../../../policy/wildcard';
import type { Principal } from '../../sources/snapshot';
import { answer, principalTagLookup, valueSignature, type ValueTest } from './value-tests';

/**
 * At most this many picks per principal. The policies of an account name a handful of regions, networks and
 * services; a product beyond this is cut (what only a further pick would let through stays "depends", never
 * "denied"), and the audit says so in a caveat.
 */
export const MAX_CALLER_PICKS = 64;

/** Addresses in no network a policy names in practice (documentation ranges, RFC 5737 and RFC 3849). */
const OUTSIDE_ADDRESSES = ['203.0.113.10', '2001:db8::10'];
/** A value of a VPC key that no policy names (placeholders in the shapes AWS uses). */
const OTHER_VPC_VALUES: Readonly<Record<string, string>> = {
  'aws:sourcevpc': 'vpc-0000leash0other',
  'aws:sourcevpce': 'vpce-0000leash0other',
  'aws:vpcsourceip': '203.0.113.10',
  'aws:sourcevpcarn': 'arn:aws:ec2:us-east-1:000000000000:vpc/vpc-0000leash0other',
  'aws:vpceaccount': '000000000000',
  'aws:vpceorgid': 'o-leashother00',
  'aws:vpceorgpaths': 'o-leashother00/r-0000/',
};

interface Part {
  readonly label: string;
  readonly region?: string;
  readonly keys: Readonly<Record<string, readonly string[]>>;
  readonly requestTags?: Readonly<Record<string, string>>;
}

/** A request that sends no tags (aws:TagKeys absent): what a delete or a plain write sends. */
/** How a pick that sends no tags says so: the last part of its label. */
export const NO_TAGS_LABEL = 'sending no tags';

const NO_TAGS: Part = { label: NO_TAGS_LABEL, keys: { [TAG_KEYS]: [] }, requestTags: {} };

/** What the maker of a role's session may choose (graph/trust.ts sessionChoices), with the role's unique id. */
export interface SessionPicking extends SessionChoices {
  /** The role's unique id (RoleId), the first part of its sessions' aws:userid; unknown: no name is picked. */
  readonly roleId?: string;
  /** Source identities no caller may set on its sessions (source-identity-refusals.ts): never picked. */
  readonly sourceIdentityRefused?: (value: string) => boolean;
  /** The role, where `sourceIdentityRefused` is given (the refusals are the role's own). */
  readonly roleArn?: string;
}

/**
 * The picks to ask, besides asking with these keys unknown; empty when no condition reads a caller-picked key.
 * `tests`: the conditions of the principal's policies and the organization's, by lower-cased key. `session`:
 * what the maker of the principal's session chooses (a role's only). `notAsked`: the combinations past
 * MAX_CALLER_PICKS, which the audit names in a caveat.
 */
export function callerPicks(
  tests: ReadonlyMap<string, readonly ValueTest[]>,
  principal: Principal | undefined,
  partition: string,
  session?: SessionPicking,
): { picks: CallerPick[]; notAsked: number } {
  if (tests.size === 0) return { picks: [], notAsked: 0 };
  const lookup = principal ? principalTagLookup(principal) : undefined;
  const signature = (keys: Readonly<Record<string, readonly string[]>>): string => {
    let text = '';
    for (const [key, list] of tests) {
      const values = keys[key];
      for (const test of list) {
        text += '|';
        if (values === undefined) text += 'u';
        else if (values.length === 0) text += 'a';
        else if (values.length === 1) text += valueSignature(test, values[0], lookup);
        else
          for (const value of test.values) text += values.map((v) => answer(test.operator, v, value, lookup)).join(',');
      }
    }
    return text;
  };
  const distinct = (parts: readonly Part[]): Part[] => {
    const seen = new Set<string>();
    return parts.filter((part) => {
      const text = signature(part.keys);
      if (seen.has(text)) return false;
      seen.add(text);
      return true;
    });
  };
  const groups = new Set([...tests.keys()].map(callerPickGroup));
  const regions = groups.has('region') ? distinct(regionParts(tests.get(REQUESTED_REGION) ?? [], partition)) : [];
  const locations = groups.has('location') ? distinct(locationParts(tests)) : [];
  const calls = groups.has('call') ? distinct(callParts()) : [];
  const tags = groups.has('tags') ? [NO_TAGS] : [];
  const sessions = groups.has('session') && session ? distinct(sessionParts(tests, session)) : [];
  const combinations = [regions, locations, calls, tags, sessions].reduce((n, list) => n * Math.max(1, list.length), 1);
  const notAsked = Math.max(0, combinations - MAX_CALLER_PICKS);
  const picks: CallerPick[] = [];
  for (const region of orNone(regions)) {
    for (const location of orNone(locations)) {
      for (const call of orNone(calls)) {
        for (const tagging of orNone(tags)) {
          for (const made of orNone(sessions)) {
            const parts = [region, location, call, tagging, made].filter((part): part is Part => part !== undefined);
            if (parts.length === 0) continue;
            picks.push({
              label: parts.map((part) => part.label).join(', '),
              ...(region ? { region: region.region } : {}),
              keys: Object.assign({}, ...parts.map((part) => part.keys)) as Record<string, readonly string[]>,
              ...(tagging ? { requestTags: {} } : {}),
            });
            if (picks.length === MAX_CALLER_PICKS) return { picks, notAsked };
          }
        }
      }
    }
  }
  return { picks, notAsked };
}

function orNone<T>(list: readonly T[]): readonly (T | undefined)[] {
  return list.length === 0 ? [undefined] : list;
}

/** The regions conditions name (written out), then every region of the partition: a pattern names none. */
function regionParts(tests: readonly ValueTest[], partition: string): Part[] {
  const candidates = new Set<string>();
  for (const test of tests) {
    for (const value of test.values) if (/^[a-z]{2,}(-[a-z]+)+-\d+$/.test(value.raw)) candidates.add(value.raw);
  }
  // us-east-1 first: where no condition names a region, the one a finding names is the most familiar.
  for (const region of [...partitionRegions(partition)].sort(
    (a, b) => Number(b === 'us-east-1') - Number(a === 'us-east-1'),
  ))
    candidates.add(region);
  return [...candidates].map(regionPick);
}

/**
 * From an address inside each network an aws:SourceIp condition names and from one outside them (the public
 * endpoint), or through a VPC endpoint with each value a condition names on the VPC keys, or another.
 */
function locationParts(tests: ReadonlyMap<string, readonly ValueTest[]>): Part[] {
  const addresses = new Set<string>();
  for (const test of tests.get(SOURCE_IP) ?? []) {
    for (const value of test.values) {
      const base = value.raw.trim().split('/')[0];
      if (/^[0-9.]+$|:/.test(base)) addresses.add(base);
    }
  }
  for (const address of OUTSIDE_ADDRESSES) addresses.add(address);
  const parts: Part[] = [...addresses].map((address) => ({
    label: `from ${address} (aws:SourceIp)`,
    keys: publicAddressKeys(address),
  }));
  // Through a VPC endpoint: the product of each read VPC key's named values and one value it does not name.
  let endpoints: Record<string, string>[] = [{}];
  for (const key of VPC_KEYS) {
    const list = tests.get(key);
    if (!list) continue;
    const values = new Set<string>();
    for (const test of list)
      for (const value of test.values) if (!value.hasVariables) values.add(witness(value.raw, key));
    values.add(OTHER_VPC_VALUES[key]);
    endpoints = endpoints.flatMap((chosen) => [...values].map((value) => ({ ...chosen, [key]: value })));
    if (endpoints.length > MAX_CALLER_PICKS) endpoints = endpoints.slice(0, MAX_CALLER_PICKS);
  }
  for (const chosen of endpoints) {
    const named = Object.entries(chosen).map(([key, value]) => `${key}=${value}`);
    parts.push({
      label: `through a VPC endpoint${named.length ? ` (${named.join(', ')})` : ''}`,
      keys: vpcEndpointKeys(chosen),
    });
  }
  return parts;
}

/**
 * Directly, or through CloudFormation with the caller's own credentials: CloudFormation creates, updates and
 * deletes the resources of nearly every service, so a stack makes the same request for the caller with
 * aws:ViaAWSService true and aws:CalledVia naming it. The other services that set aws:CalledVia (Athena,
 * DynamoDB, ...) each call a few services only, so a condition naming them is no pick for every action: it
 * stays "depends".
 */
function callParts(): Part[] {
  return [
    { label: 'called directly', keys: DIRECT_CALL_KEYS },
    {
      label: `called through ${CLOUDFORMATION} (a stack, with its own credentials)`,
      keys: throughServiceKeys(CLOUDFORMATION),
    },
  ];
}

const CLOUDFORMATION = 'cloudformation.amazonaws.com';

/** A session name and a source identity no condition names. */
const OTHER_SESSION_NAME = 'leash-session';
const OTHER_SOURCE_IDENTITY = 'leash-other';

/**
 * How the role's session was made, as far as its maker chooses: named with each name the aws:userid values tell
 * apart (what follows the `:`, wildcards filled) and one none names; with each source identity an
 * aws:SourceIdentity value names, another, or none. Each of the two is a choice only where `session` says so.
 */
function sessionParts(tests: ReadonlyMap<string, readonly ValueTest[]>, session: SessionPicking): Part[] {
  const names: Part[] = [];
  const userIdTests = tests.get(USER_ID_KEY);
  if (userIdTests && session.names && session.roleId !== undefined) {
    const chosen = new Set([OTHER_SESSION_NAME]);
    for (const test of userIdTests) {
      for (const value of test.values) {
        const colon = value.raw.indexOf(':');
        if (colon >= 0) chosen.add(withWildcardsFilled(value.raw.slice(colon + 1)));
      }
    }
    for (const name of chosen) {
      names.push({ label: `as a session named ${name}`, keys: { [USER_ID_KEY]: [`${session.roleId}:${name}`] } });
    }
  }
  const identities: Part[] = [];
  if (tests.has(SOURCE_IDENTITY)) {
    if (session.noSourceIdentity)
      identities.push({ label: 'with no source identity', keys: { [SOURCE_IDENTITY]: [] } });
    if (session.sourceIdentities) {
      const chosen = new Set<string>();
      for (const test of tests.get(SOURCE_IDENTITY)!) {
        for (const value of test.values) if (!value.hasVariables) chosen.add(withWildcardsFilled(value.raw));
      }
      chosen.add(OTHER_SOURCE_IDENTITY);
      for (const value of chosen) {
        if (session.sourceIdentityRefused?.(value)) continue;
        identities.push({ label: `with source identity ${value}`, keys: { [SOURCE_IDENTITY]: [value] } });
      }
    }
  }
  if (names.length === 0) return identities;
  if (identities.length === 0) return names;
  return names.flatMap((name) =>
    identities.map((identity) => ({
      label: `${name.label}, ${identity.label}`,
      keys: { ...name.keys, ...identity.keys },
    })),
  );
}

/** A value that matches a pattern a condition names (`vpc-*`), or the value itself; an address for a network. */
function witness(raw: string, key: string): string {
  if (key === 'aws:vpcsourceip') return raw.trim().split('/')[0];
  return raw.replace(/[*?]/g, '0');
}
