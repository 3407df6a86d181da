// Which production tag values the audit asks about. The guardrails call a resource production when its tag
// equals any configured value ignoring case (`prod`, `Production` and `PRODUCTION` all count), but a customer's
// own policy may compare one value, case-sensitively: a Deny on `StringEquals aws:ResourceTag/environment =
// production` does not stop deleting a resource tagged `prod` or `Production`. Asking only the first value
// would report such a Deny as a guard.
//
// Each production tag value is its own question only where some policy can tell it apart: the candidates
// (every configured value, each policy literal equal to one ignoring case, and other casings) are grouped by
// what every condition on that tag key answers for them, and one value per group is asked. A principal whose
// policies (identity, groups, boundary) and organization policies hold no condition on a production tag key
// is asked one value per key, as before.
import type { GuardrailSpec } from '../../../guardrails/spec';
import { partitionOf } from '../../../policy/resource';
import { CALLER_PICK_KEYS, callerPickGroup, type CallerPick } from '../../evaluate/caller-picks';
import { conditionOperator } from '../../evaluate/conditions';
import { anyResourceTagKeyOf } from '../../evaluate/context';
import { parsePolicyValue, type ParsedValue } from '../../evaluate/policy-variables';
import type { AccountSnapshot, Principal } from '../../sources/snapshot';
import { sessionChoices } from '../../graph/trust';
import { callerPicks, type SessionPicking } from './caller-pick-candidates';
import { readsRequestTags, tagSends, withPicks } from './tag-sends';
import { sourceIdentityRefusals } from './source-identity-refusals';
import type { PolicyInUse } from './policies';
import type { ProductionTag } from './production';
import { literalValue, principalTagLookup, valueSignature, type ValueTest } from './value-tests';

/** The production tags to ask about, for the account as a whole and for one principal. */
export interface ProductionTagQuestions {
  /** Every value some policy of the account tells apart, per key; the first key's first value first. */
  readonly account: readonly ProductionTag[];
  /** What can differ for this principal: its own policies, its groups', its boundary and the organization's. */
  of(principal: Principal): readonly ProductionTag[];
  /**
   * The values a rewrite of the production tag `key` is asked with (aws:RequestTag/<key>): the first
   * non-production value, and each other value some condition on the request tag tells apart (another
   * non-production value or casing, or a value the config lists as neither, which takes the resource out of
   * every production deny as surely). Of the principal's policies and the organization's; without a principal,
   * of every policy of the account.
   */
  rewritesOf(principal: Principal | undefined, key: string): readonly string[];
  /**
   * The production keys some condition on aws:ResourceTag/<key> reads, of the principal's policies and the
   * organization's (without a principal, of the account's): on the others, any value and no tag at all are
   * answered alike, so no other value need be asked.
   */
  comparedKeys(principal: Principal | undefined): readonly string[];
  /**
   * Caller picks worth asking the production questions with, besides asking with those keys unknown: the
   * caller picks the request's region, where it stands and how it calls, so where some condition of the
   * principal's policies or the organization's (a region deny, a network perimeter) reads such a key, one pick
   * per group of choices the conditions answer alike (caller-pick-candidates.ts). Empty when none reads one.
   */
  picksOf(principal: Principal | undefined): readonly CallerPick[];
  /** How many combinations of picks the principal's policies tell apart beyond the ones asked (a cap). */
  picksNotAskedOf(principal: Principal): number;
  /** AccountAnalysis.tagSends: from the principal's policies and the organization's. */
  tagSendsOf(principal: Principal): readonly CallerPick[];
  /** How many tag sets the principal's policies ask for beyond the ones sent (a cap, tag-sends.ts). */
  tagSendsNotAskedOf(principal: Principal): number;
}

const byAccount = new WeakMap<AccountSnapshot, WeakMap<GuardrailSpec, ProductionTagQuestions>>();

/** The questions of an account (memoised per snapshot and guardrail spec). */
export function productionTagQuestions(
  snapshot: AccountSnapshot,
  policies: readonly PolicyInUse[],
  guardrails: GuardrailSpec,
): ProductionTagQuestions {
  let bySpec = byAccount.get(snapshot);
  if (!bySpec) {
    bySpec = new WeakMap();
    byAccount.set(snapshot, bySpec);
  }
  let questions = bySpec.get(guardrails);
  if (!questions) {
    questions = buildQuestions(snapshot, policies, guardrails);
    bySpec.set(guardrails, questions);
  }
  return questions;
}

/** The first production key and value only: what an account whose policies never compare the tag is asked. */
export function firstProductionTag(guardrails: GuardrailSpec): ProductionTag {
  return tagOf(guardrails.production.tagKeys[0], guardrails.production.values[0]);
}

function tagOf(key: string, value: string): ProductionTag {
  return { key, value, text: `${key}=${value}` };
}

function buildQuestions(
  snapshot: AccountSnapshot,
  policies: readonly PolicyInUse[],
  guardrails: GuardrailSpec,
): ProductionTagQuestions {
  const { tagKeys, values, nonProductionValues } = guardrails.production;
  const keys = tagKeys.map((key) => key.toLowerCase());
  // Tests per policy, by production key: index k for aws:ResourceTag/<key k>, n + k for aws:RequestTag/<key k>.
  const slots = keys.length * 2;
  const organization: ValueTest[][] = Array.from({ length: slots }, () => []);
  const byPrincipal = new Map<string, PolicyInUse[]>();
  const groupMembers = new Map<string, Principal[]>();
  for (const principal of snapshot.principals) {
    for (const group of principal.groups) {
      const members = groupMembers.get(group);
      if (members) members.push(principal);
      else groupMembers.set(group, [principal]);
    }
  }
  const testsOf = new Map<PolicyInUse, ValueTest[][]>();
  // The policies that read the request's tags (tag-sends.ts), the organization's and by principal.
  const organizationTagPolicies: PolicyInUse[] = [];
  const tagPoliciesOf = new Map<string, PolicyInUse[]>();
  const sendsByArn = new Map<string, { readonly sends: readonly CallerPick[]; readonly notAsked: number }>();
  const sendsOf = (principal: Principal) => {
    let found = sendsByArn.get(principal.arn);
    if (!found) {
      const own = tagPoliciesOf.get(principal.arn) ?? [];
      if (own.length === 0 && organizationTagPolicies.length === 0) found = { sends: [], notAsked: 0 };
      else {
        const rewrites = tagKeys.map((key) => ({
          key,
          values: questionsOf(principal).rewrites.get(key.toLowerCase())!,
        }));
        const alone = tagSends([...organizationTagPolicies, ...own], principal, rewrites);
        const combined = withPicks(alone.sends, questionsOf(principal).picks);
        found = { sends: combined.sends, notAsked: alone.notAsked + combined.notAsked };
      }
      sendsByArn.set(principal.arn, found);
    }
    return found;
  };
  // Conditions on the keys a caller picks, one more slot each (CALLER_PICK_KEYS order) of each policy's tests.
  for (let i = 0; i < CALLER_PICK_KEYS.length; i++) organization.push([]);
  const partition = partitionOf(snapshot.principals[0]?.arn);
  const attach = (byArn: Map<string, PolicyInUse[]>, policy: PolicyInUse) => {
    for (const holder of policy.attachedTo) {
      const reached = holder.kind === 'group' ? (groupMembers.get(holder.name) ?? []) : [holder];
      for (const principal of reached) {
        const list = byArn.get(principal.arn);
        if (list) list.push(policy);
        else byArn.set(principal.arn, [policy]);
      }
    }
  };
  for (const policy of policies) {
    const organizational = policy.type === 'scp' || policy.type === 'rcp';
    if (readsRequestTags(policy)) {
      if (organizational) organizationTagPolicies.push(policy);
      else attach(tagPoliciesOf, policy);
    }
    const tests = valueTests(policy, keys);
    if (!tests) continue;
    testsOf.set(policy, tests);
    if (organizational) {
      tests.forEach((list, k) => organization[k].push(...list));
      continue;
    }
    attach(byPrincipal, policy);
  }
  const rewriteCandidates = rewriteValues(values, nonProductionValues);
  // What the maker of a role's session chooses, read from its trust once: only where some condition reads it.
  const sessionOf = new Map<string, SessionPicking | undefined>();
  const sessionPickingOf = (principal: Principal): SessionPicking | undefined => {
    if (sessionOf.has(principal.arn)) return sessionOf.get(principal.arn);
    const choices = principal.kind === 'role' ? sessionChoices(snapshot, principal) : undefined;
    const refused =
      choices?.sourceIdentities === true ? sourceIdentityRefusals(snapshot, policies, principal, choices) : undefined;
    const found =
      choices && (choices.names || choices.sourceIdentities || choices.noSourceIdentity)
        ? {
            ...choices,
            ...(principal.uniqueId === undefined ? {} : { roleId: principal.uniqueId }),
            ...(refused ? { sourceIdentityRefused: refused, roleArn: principal.arn } : {}),
          }
        : undefined;
    sessionOf.set(principal.arn, found);
    return found;
  };
  const sessionSlots = CALLER_PICK_KEYS.flatMap((key, i) => (callerPickGroup(key) === 'session' ? [slots + i] : []));
  const readsSession = (tests: readonly ValueTest[][]) => sessionSlots.some((slot) => tests[slot].length > 0);
  const questionsFor = (tests: readonly ValueTest[][], principal?: Principal): Questions => ({
    tags: tagKeys.flatMap((key, k) =>
      distinctValues(productionCandidates(values, tests[k]), tests[k], principal).map((value) => tagOf(key, value)),
    ),
    compared: tagKeys.filter((_, k) => tests[k].length > 0),
    ...picksOf(
      callerPicks(
        pickTests(tests, slots),
        principal,
        principal ? partitionOf(principal.arn) : partition,
        principal && readsSession(tests) ? sessionPickingOf(principal) : undefined,
      ),
    ),
    rewrites: new Map(
      keys.map((key, k) => [
        key,
        distinctValues(rewriteCandidates(tests[keys.length + k]), tests[keys.length + k], principal),
      ]),
    ),
  });
  const accountTests = organization.map((list, k) => [...list, ...[...testsOf.values()].flatMap((t) => t[k])]);
  const account = questionsFor(accountTests);
  // Only the organization's tests: most principals share them.
  const shared = questionsFor(organization);
  const organizationVariables = organization.some((list) => list.some((test) => test.variable));
  const memo = new Map<string, Questions>();
  // Rules ask per principal several times: the answer is kept by ARN.
  const byArn = new Map<string, Questions>();
  const questionsOf = (principal: Principal): Questions => {
    let known = byArn.get(principal.arn);
    if (!known) {
      known = questionsFromPolicies(principal);
      byArn.set(principal.arn, known);
    }
    return known;
  };
  const questionsFromPolicies = (principal: Principal): Questions => {
    const own = byPrincipal.get(principal.arn);
    const organizationSession = readsSession(organization) ? sessionPickingOf(principal) : undefined;
    if (!own && !organizationVariables && !organizationSession) return shared;
    const tests = organization.map((list, k) => [...list, ...(own ?? []).flatMap((p) => testsOf.get(p)![k])]);
    // A variable reads the principal's tags, so principals with the same policies may still differ; and a
    // session pick names the role's own id.
    const variables = tests.some((list) => list.some((test) => test.variable));
    const session = readsSession(tests) ? sessionPickingOf(principal) : undefined;
    const memoKey =
      `${(own ?? []).map((p) => p.id).join('\u0000')}\u0001${variables ? JSON.stringify(principal.tags) : ''}` +
      (session ? `\u0001${JSON.stringify(session)}` : '');
    let found = memo.get(memoKey);
    if (!found) {
      found = questionsFor(tests, principal);
      memo.set(memoKey, found);
    }
    return found;
  };
  return {
    account: account.tags,
    of: (principal) => questionsOf(principal).tags,
    comparedKeys: (principal) => (principal ? questionsOf(principal) : account).compared,
    rewritesOf: (principal, key) =>
      (principal ? questionsOf(principal) : account).rewrites.get(key.toLowerCase()) ?? [nonProductionValues[0]],
    picksOf: (principal) => (principal ? questionsOf(principal) : account).picks,
    picksNotAskedOf: (principal) => questionsOf(principal).picksNotAsked,
    tagSendsOf: (principal) => sendsOf(principal).sends,
    tagSendsNotAskedOf: (principal) => sendsOf(principal).notAsked,
  };
}

/** What questionsFor finds for one set of tests. */
interface Questions {
  readonly tags: readonly ProductionTag[];
  /** The production keys (as configured) some condition on aws:ResourceTag/<key> reads. */
  readonly compared: readonly string[];
  /** By lower-cased production key. */
  readonly rewrites: ReadonlyMap<string, readonly string[]>;
  /** ProductionTagQuestions.picksOf. */
  readonly picks: readonly CallerPick[];
  /** ProductionTagQuestions.picksNotAskedOf. */
  readonly picksNotAsked: number;
}

function picksOf(found: { picks: CallerPick[]; notAsked: number }): Pick<Questions, 'picks' | 'picksNotAsked'> {
  return { picks: found.picks, picksNotAsked: found.notAsked };
}

/** The tests on caller-picked keys (the slots after `slots`), by lower-cased key, for the keys some test reads. */
function pickTests(tests: readonly ValueTest[][], slots: number): Map<string, readonly ValueTest[]> {
  const out = new Map<string, readonly ValueTest[]>();
  CALLER_PICK_KEYS.forEach((key, i) => {
    if (tests[slots + i].length > 0) out.set(key, tests[slots + i]);
  });
  return out;
}

/**
 * The conditions of a policy on each production key (aws:ResourceTag/<key> and a service's own name for it,
 * iam:ResourceTag/<key> or ec2:ResourceTag/<key>,
 * then aws:RequestTag/<key>), undefined when it has none. Null only asks whether the tag is there, and an operator the evaluator does not
 * know is answered "depends" whatever the value: neither tells values apart.
 */
function valueTests(policy: PolicyInUse, keys: readonly string[]): ValueTest[][] | undefined {
  const parsed = policy.parsed();
  if (!parsed) return undefined;
  let out: ValueTest[][] | undefined;
  const pickSlot = keys.length * 2;
  const slotCount = pickSlot + CALLER_PICK_KEYS.length;
  for (const statement of parsed.statements) {
    for (const condition of statement.conditions) {
      const lower = condition.key.toLowerCase();
      const pick = CALLER_PICK_KEYS.indexOf(lower);
      if (pick >= 0) {
        const operator = conditionOperator(condition.baseOperator);
        if (!operator) continue;
        out ??= Array.from({ length: slotCount }, () => []);
        out[pickSlot + pick].push({ operator, values: condition.values.map(literalValue), variable: false });
        continue;
      }
      const slash = lower.indexOf('/');
      if (slash < 0) continue;
      const request = lower.slice(0, slash) === 'aws:requesttag';
      const tagKey = request ? lower.slice(slash + 1) : anyResourceTagKeyOf(lower);
      if (tagKey === undefined) continue;
      const key = keys.indexOf(tagKey);
      if (key < 0) continue;
      const k = request ? keys.length + key : key;
      const operator = conditionOperator(condition.baseOperator);
      if (!operator) continue;
      out ??= Array.from({ length: slotCount }, () => []);
      // Only the operators that substitute variables read `${...}` as one (as the evaluator does).
      const parsedValues = condition.values.map((v): ParsedValue =>
        operator.policyVariables ? parsePolicyValue(v) : { raw: v, parts: [], hasVariables: false, variableKeys: [] },
      );
      out[k].push({ operator, values: parsedValues, variable: parsedValues.some((v) => v.hasVariables) });
    }
  }
  return out;
}

/**
 * The production values to try on a key: every configured value, each casing of one a policy names, and
 * other casings (what escapes a case-sensitive comparison); with no test at all, the first value alone.
 */
function productionCandidates(configured: readonly string[], tests: readonly ValueTest[]): string[] {
  if (tests.length === 0) return [configured[0]];
  const production = new Set(configured.map((v) => v.toLowerCase()));
  const candidates = new Set<string>(configured);
  for (const test of tests) {
    for (const value of test.values) if (production.has(value.raw.toLowerCase())) candidates.add(value.raw);
  }
  for (const value of configured) for (const casing of casings(value)) candidates.add(casing);
  return [...candidates];
}

/**
 * The values to rewrite a production tag to: every non-production value and its casings, each value a policy
 * names that is not a production one, and a value the config lists as neither (`unlisted`); with no test at all,
 * the first non-production value alone.
 */
function rewriteValues(
  production: readonly string[],
  nonProduction: readonly string[],
): (tests: readonly ValueTest[]) => string[] {
  const productionLower = new Set(production.map((v) => v.toLowerCase()));
  const listed = new Set([...productionLower, ...nonProduction.map((v) => v.toLowerCase())]);
  let unlisted = 'unlisted';
  for (let n = 2; listed.has(unlisted); n++) unlisted = `unlisted-${n}`;
  return (tests) => {
    if (tests.length === 0) return [nonProduction[0]];
    const candidates = new Set<string>(nonProduction);
    for (const value of nonProduction) for (const casing of casings(value)) candidates.add(casing);
    for (const test of tests) {
      for (const value of test.values) {
        if (!value.hasVariables && !productionLower.has(value.raw.toLowerCase())) candidates.add(value.raw);
      }
    }
    candidates.add(unlisted);
    return [...candidates];
  };
}

/**
 * One value per group of candidates every test answers alike, in candidate order (so the first candidate is
 * asked first). A test with a policy variable is read with the principal's tags; where the variable stays
 * unknown (no principal, or another variable), it tells every candidate apart.
 */
function distinctValues(candidates: readonly string[], tests: readonly ValueTest[], principal?: Principal): string[] {
  if (tests.length === 0) return [candidates[0]];
  const lookup = principal ? principalTagLookup(principal) : undefined;
  const seen = new Set<string>();
  const out: string[] = [];
  for (const candidate of candidates) {
    let signature = '';
    for (const test of tests) signature += `|${valueSignature(test, candidate, lookup)}`;
    if (seen.has(signature)) continue;
    seen.add(signature);
    out.push(candidate);
  }
  return out;
}

/** Lower, upper, capitalised and alternating casings of a value. */
function casings(value: string): string[] {
  const lower = value.toLowerCase();
  let alternating = '';
  for (let i = 0; i < lower.length; i++) alternating += i % 2 ? lower[i].toUpperCase() : lower[i];
  return [lower, lower.toUpperCase(), lower.charAt(0).toUpperCase() + lower.slice(1), alternating];
}

/**
 * For a finding's message: why a tag asked with a value not configured verbatim (`environment=PRODUCTION`)
 * counts as production. Empty for a configured value.
 */
export function unlistedValueNote(tagText: string, guardrails: GuardrailSpec): string {
  const { tagKeys, values } = guardrails.production;
  const key = tagKeys.filter((k) => tagText.startsWith(`${k}=`)).sort((a, b) => b.length - a.length)[0];
  if (key === undefined) return '';
  const value = tagText.slice(key.length + 1);
  if (values.includes(value)) return '';
  return (
    `${JSON.stringify(value)} is a production value (the guardrails compare tag values ignoring case), ` +
    'but a condition that compares them case-sensitively does not match it.'
  );
}
