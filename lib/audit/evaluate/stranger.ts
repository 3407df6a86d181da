// Whether a stranger can meet a statement's conditions: an IAM role or user in an AWS account of its own,
// outside this account and its organization, that picks everything a caller picks (its role and session names,
// its tags, the external ID written in the trust, MFA, the region, the request's tags) but not what AWS assigns
// (its account id, its organization, where its network traffic comes from). Every condition is asked, whatever
// its key or operator: a negated operator, an ...IfExists on an organization key, a wildcard account in
// aws:PrincipalArn or a Null check lets a stranger in as surely as no condition at all, and no list of
// "restricting" keys can tell those apart from the conditions that do restrict. A stranger may also be an AWS
// service acting for a resource of its own (another account's bucket notifying, its rule invoking): then what
// AWS assigns is the source account, organization and ARN, and what it picks is the source resource's name.
import type { NormalizedCondition, NormalizedStatement } from '../../policy/types';
import { withWildcardsFilled } from '../../policy/wildcard';
import { answerFromAuditTime, isAuditTimeKey } from './audit-time';
import { SOURCE_IP, VPC_KEYS } from './caller-picks';
import { evaluateCondition } from './condition';
import { ABSENT, present, type KeyValue } from './key-value';
import { NO, YES, type Tri } from './tri';

/** The stranger's own account and organization: ids no real account or organization of the input has. */
export const STRANGER_ACCOUNT = '000000000000';
export const STRANGER_ORG = 'o-leashstranger';
export const STRANGER_ORG_PATH = `${STRANGER_ORG}/r-lstr/ou-lstr-leashstr/`;
const STRANGER_ADDRESS = '192.0.2.200';
const STRANGER_VPC = 'vpc-0leashstranger0';
const STRANGER_VPCE = 'vpce-0leashstranger0';

/** Keys only an AWS service principal's request carries: a stranger's role or user never sends them. */
const SERVICE_ONLY_KEYS = new Set([
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  'aws:principalservicename',
  'aws:principalservicenameslist',
]);

const LOCATION_KEYS = new Set([SOURCE_IP, ...VPC_KEYS]);

/**
 * Where the stranger stands: in no organization or one of its own; calling through the public endpoint or
 * through a VPC endpoint of its own; an IAM role or user, or a service acting for a resource of its own.
 */
interface Scenario {
  readonly inOrganization: boolean;
  readonly throughVpcEndpoint: boolean;
  readonly service: boolean;
}

function scenarios(service: boolean): Scenario[] {
  return [false, true].flatMap((inOrganization) =>
    (service ? [false] : [false, true]).map((throughVpcEndpoint) => ({ inOrganization, throughVpcEndpoint, service })),
  );
}

/** A service's call for a resource of the stranger's: the source keys are its account's, the principal keys absent. */
function serviceValue(lowerKey: string, scenario: Scenario): KeyValue | undefined {
  switch (lowerKey) {
    case 'aws:sourceaccount':
    case 'aws:sourceowner':
      return present([STRANGER_ACCOUNT]);
    case 'aws:sourceorgid':
      return scenario.inOrganization ? present([STRANGER_ORG]) : ABSENT;
    case 'aws:sourceorgpaths':
      return scenario.inOrganization ? present([STRANGER_ORG_PATH]) : ABSENT;
    case 'aws:principalisawsservice':
      return present(['true']);
    case 'aws:sourcearn':
    case 'aws:principalservicename':
    case 'aws:principalservicenameslist':
      return undefined;
    default:
      // A service principal sends no principal account, organization, ARN or network keys of a caller.
      return lowerKey.startsWith('aws:principal') || lowerKey === 'aws:userid' || LOCATION_KEYS.has(lowerKey)
        ? ABSENT
        : undefined;
  }
}

function fixedValue(lowerKey: string, scenario: Scenario): KeyValue | undefined {
  if (scenario.service) return serviceValue(lowerKey, scenario);
  if (SERVICE_ONLY_KEYS.has(lowerKey)) return ABSENT;
  switch (lowerKey) {
    // kms:CallerAccount is KMS's own name for the caller's account, as AWS assigns it.
    case 'aws:principalaccount':
    case 'kms:calleraccount':
      return present([STRANGER_ACCOUNT]);
    case 'aws:principalisawsservice':
      return present(['false']);
    case 'aws:principalorgid':
    case 'aws:vpceorgid':
      if (lowerKey === 'aws:vpceorgid' && !scenario.throughVpcEndpoint) return ABSENT;
      return scenario.inOrganization ? present([STRANGER_ORG]) : ABSENT;
    case 'aws:principalorgpaths':
    case 'aws:vpceorgpaths':
      if (lowerKey === 'aws:vpceorgpaths' && !scenario.throughVpcEndpoint) return ABSENT;
      return scenario.inOrganization ? present([STRANGER_ORG_PATH]) : ABSENT;
    case SOURCE_IP:
      return scenario.throughVpcEndpoint ? ABSENT : present([STRANGER_ADDRESS]);
    case 'aws:sourcevpc':
      return scenario.throughVpcEndpoint ? present([STRANGER_VPC]) : ABSENT;
    case 'aws:sourcevpce':
      return scenario.throughVpcEndpoint ? present([STRANGER_VPCE]) : ABSENT;
    case 'aws:sourcevpcarn':
      return scenario.throughVpcEndpoint
        ? present([`arn:aws:ec2:us-east-1:${STRANGER_ACCOUNT}:vpc/${STRANGER_VPC}`])
        : ABSENT;
    case 'aws:vpcsourceip':
      // Through its own endpoint the address is in its own VPC, whose ranges it chose: a value it picks.
      return scenario.throughVpcEndpoint ? undefined : ABSENT;
    case 'aws:vpceaccount':
      return scenario.throughVpcEndpoint ? present([STRANGER_ACCOUNT]) : ABSENT;
    default:
      return undefined;
  }
}

/** A written value with its wildcards filled in: what a stranger names its role, session or tag to match it. */
const filled = withWildcardsFilled;

/**
 * An identity ARN or id as the stranger's: its own account in place of the written one. The part after the
 * account (a role's path and name, a session name) is the stranger's to choose.
 */
function asStrangers(lowerKey: string, value: string): string | undefined {
  if (lowerKey === 'aws:sourcearn') {
    // A resource of its own: its account in the ARN's account field; an ARN without one (an S3 bucket's) names
    // a resource only its owner has, unless a wildcard leaves the name open.
    const parts = value.split(':');
    if (parts.length < 6 || parts[0] !== 'arn') return undefined;
    if (parts[4] === '') return /[*?]/.test(value) ? filled(value) : undefined;
    parts[4] = STRANGER_ACCOUNT;
    return filled(parts.join(':'));
  }
  if (lowerKey === 'aws:principalarn') {
    const match = /^arn:([^:]*):(iam|sts)::[^:]*:(.*)$/.exec(value);
    return match
      ? `arn:${filled(match[1]) === 'x' ? 'aws' : filled(match[1])}:${match[2]}::${STRANGER_ACCOUNT}:${filled(match[3])}`
      : undefined;
  }
  // aws:userid is the role's or user's unique id (AWS assigns it), then ":" and the session name for a role:
  // only a wildcard in the id part lets any id through.
  const colon = value.indexOf(':');
  const id = colon < 0 ? value : value.slice(0, colon);
  if (!/[*?]/.test(id)) return undefined;
  return `AROALEASHSTRANGER${colon < 0 ? '' : `:${filled(value.slice(colon + 1))}`}`;
}

/** Values the stranger may send for a key it picks, or for the chosen part of an identity the AWS assigns. */
function candidates(lowerKey: string, conditions: readonly NormalizedCondition[], network: boolean): KeyValue[] {
  const written = conditions.flatMap((c) => c.values);
  if (lowerKey === 'aws:principalarn' || lowerKey === 'aws:userid' || lowerKey === 'aws:sourcearn') {
    const own = written.map((v) => asStrangers(lowerKey, v)).filter((v): v is string => v !== undefined);
    const fallback =
      lowerKey === 'aws:principalarn'
        ? `arn:aws:iam::${STRANGER_ACCOUNT}:role/leash-stranger`
        : lowerKey === 'aws:sourcearn'
          ? `arn:aws:sns:us-east-1:${STRANGER_ACCOUNT}:leash-stranger`
          : 'AROALEASHSTRANGER:x';
    return [...new Set([...own, fallback])].map((v) => present([v]));
  }
  // With `network`, where the request comes from is also the stranger's pick: the networks the trust names. An
  // address in its own VPC always is.
  const picksAddress = network || lowerKey === 'aws:vpcsourceip';
  const addresses = picksAddress ? written.filter((v) => v.includes('/')).map((v) => v.split('/')[0]) : [];
  const values = [...new Set([...written, ...written.map(filled), ...addresses, 'leash-chosen-value'])];
  return [...values.map((v) => present([v])), ABSENT];
}

export interface StrangerAnswer {
  /** YES: a stranger meets every condition; NO: none can; MAYBE: a condition could not be decided. */
  readonly tri: Tri;
  /** The value the stranger sends for each key, for the message; null where it meets a condition by not sending it. */
  readonly sent: Readonly<Record<string, string | null>>;
}

export interface StrangerOptions {
  /**
   * Where the request comes from is the stranger's pick too: any network the conditions name, as a stranger on
   * the corporate network or a shared network path would call from. @default its own address or VPC endpoint
   */
  readonly network?: boolean;
  /** The stranger is an AWS service acting for a resource of its own account. @default an IAM role or user */
  readonly service?: boolean;
}

/** Whether a stranger can meet the statement's conditions (only its `conditions` are read). */
export function strangerMeets(
  statement: Pick<NormalizedStatement, 'conditions'>,
  auditTime: Date,
  options: StrangerOptions = {},
): StrangerAnswer {
  const network = options.network ?? false;
  let best: StrangerAnswer = { tri: NO, sent: {} };
  for (const scenario of scenarios(options.service ?? false)) {
    const answer = inScenario(statement, auditTime, scenario, network);
    if (answer.tri === YES) return answer;
    if (answer.tri !== NO) best = answer;
  }
  return best;
}

function inScenario(
  statement: Pick<NormalizedStatement, 'conditions'>,
  auditTime: Date,
  scenario: Scenario,
  network: boolean,
): StrangerAnswer {
  const byKey = new Map<string, NormalizedCondition[]>();
  for (const condition of statement.conditions) {
    const key = condition.key.toLowerCase();
    byKey.set(key, [...(byKey.get(key) ?? []), condition]);
  }
  const fixed = (lowerKey: string): KeyValue | undefined =>
    network && LOCATION_KEYS.has(lowerKey) ? undefined : fixedValue(lowerKey, scenario);
  let tri: Tri = YES;
  const sent: Record<string, string | null> = {};
  for (const [key, conditions] of byKey) {
    const asked = askKey(key, conditions, fixed, auditTime, network);
    if (asked.tri === NO) return { tri: NO, sent: {} };
    if (asked.tri !== YES) tri = asked.tri;
    if (asked.value !== undefined) sent[conditions[0].key] = asked.value;
  }
  return { tri, sent };
}

/** The best answer any value of `key` gets from every condition on it, and that value. */
function askKey(
  key: string,
  conditions: readonly NormalizedCondition[],
  fixed: (lowerKey: string) => KeyValue | undefined,
  auditTime: Date,
  network: boolean,
): { tri: Tri; value?: string | null } {
  // Other keys a condition reads (a policy variable in a value) are the stranger's own facts where fixed, else
  // unknown.
  const others = (lowerKey: string): KeyValue => fixed(lowerKey) ?? { state: 'unknown' };
  if (isAuditTimeKey(key)) {
    let tri: Tri = YES;
    for (const condition of conditions) {
      const answer = answerFromAuditTime(condition, 'Allow', auditTime.getTime(), others).tri;
      if (answer === NO) return { tri: NO };
      if (answer !== YES) tri = answer;
    }
    return { tri };
  }
  const given = fixed(key);
  const values = given ? [given] : candidates(key, conditions, network);
  let best: { tri: Tri; value?: string | null } = { tri: NO };
  for (const value of values) {
    const lookup = (lowerKey: string): KeyValue => (lowerKey === key ? value : others(lowerKey));
    let tri: Tri = YES;
    for (const condition of conditions) {
      const answer = evaluateCondition(condition, lookup).tri;
      if (answer === NO) {
        tri = NO;
        break;
      }
      if (answer !== YES) tri = answer;
    }
    const shown = value.state === 'present' ? value.values[0] : value.state === 'absent' ? null : undefined;
    if (tri === YES) return { tri, ...(shown === undefined ? {} : { value: shown }) };
    if (tri !== NO) best = { tri, ...(shown === undefined ? {} : { value: shown }) };
  }
  return best;
}

/**
 * Whether the statement's conditions on the key `lowerKey` refuse each of `values` (what someone else may send,
 * ABSENT for sending nothing): a condition on the key that one of them meets keeps no one out, whatever the key.
 */
export function refusesEach(
  statement: Pick<NormalizedStatement, 'conditions'>,
  lowerKey: string,
  values: readonly KeyValue[],
): boolean {
  const conditions = statement.conditions.filter((condition) => condition.key.toLowerCase() === lowerKey);
  if (conditions.length === 0) return false;
  return values.every((value) => {
    const lookup = (key: string): KeyValue => (key === lowerKey ? value : { state: 'unknown' });
    return conditions.some((condition) => evaluateCondition(condition, lookup).tri === NO);
  });
}

/**
 * Whether a stranger (an IAM role or user) meets every condition of the statement whatever it picks: the
 * conditions read only what AWS assigns it (its account, its organization, keys only services send) and hold in
 * every place it may stand. A Deny so conditioned stops every stranger; one that reads anything it picks may not.
 * With `network`, where it calls from is among its picks (StrangerOptions).
 */
export function strangerAlwaysMeets(
  statement: Pick<NormalizedStatement, 'conditions'>,
  options: Pick<StrangerOptions, 'network'> = {},
): boolean {
  const fixed = (lowerKey: string, scenario: Scenario): KeyValue | undefined =>
    options.network && LOCATION_KEYS.has(lowerKey) ? undefined : fixedValue(lowerKey, scenario);
  return scenarios(false).every((scenario) =>
    statement.conditions.every((condition) => {
      const lowerKey = condition.key.toLowerCase();
      const value = fixed(lowerKey, scenario);
      if (value === undefined) return false;
      const lookup = (key: string): KeyValue =>
        key === lowerKey ? value : (fixed(key, scenario) ?? { state: 'unknown' });
      return evaluateCondition(condition, lookup).tri === YES;
    }),
  );
}
