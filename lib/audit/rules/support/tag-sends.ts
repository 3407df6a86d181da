// The tags a caller sends with a request that carries tags (a tagging call, a create with tags): its choice,
// not a fact of the input. Asked with no tags only, a grant such as "ec2:CreateTags where aws:RequestTag/owner
// is agent" or "re-tag to environment=dev" looks like no write at all, while the caller meets it by sending
// those tags, on a production resource as on any other. These are the tag sets worth sending: the ones each
// Allow statement asks for (its aws:RequestTag/<key> and aws:TagKeys conditions together), and each rewrite
// of a production tag the conditions tell apart. Each is a caller pick (evaluate/caller-picks.ts) that sends
// tags, so findings name it. A Deny is escaped the same way: a negated test on a request tag is false for a
// value it names, and a Null test for "absent" is false once the tag is sent. tagSendRuns asks a principal's
// writes that carry tags with each set, as the agent layers read a create's tags.
import { createActionKey, isCreateAction, isTagOnCreate } from '../../../catalog/create-actions';
import type { CatalogAction } from '../../../catalog/types';
import type { GuardrailSpec } from '../../../guardrails/spec';
import { withWildcardsFilled } from '../../../policy/wildcard';
import type { NormalizedCondition, NormalizedStatement } from '../../../policy/types';
import { sendsTags, TAG_KEYS, type CallerPick } from '../../evaluate/caller-picks';
import { NO_TAGS_LABEL } from './caller-pick-candidates';
import { conditionOperator } from '../../evaluate/conditions';
import { actionFacts } from '../../evaluate/context';
import type { KeyLookup } from '../../evaluate/key-value';
import { parsePolicyValue, substitute } from '../../evaluate/policy-variables';
import type { CompiledPrincipal, DecisionRuns, RequestContext } from '../../evaluate/types';
import type { Principal } from '../../sources/snapshot';
import type { PolicyInUse } from './policies';
import { mergedRuns } from './production-tally';
import { principalTagLookup } from './value-tests';
import type { ResourceState } from './writes';

/** At most this many tag sets per principal: policies that ask for more distinct tag sets are rare. */
export const MAX_TAG_SENDS = 16;

/** A tag value no policy names: what meets a negated test (StringNotEquals) or a Null test on the key. */
const OTHER_VALUE = 'leash-other';

const REQUEST_TAG = 'aws:requesttag/';

/**
 * The tag sets to send: from each Allow statement of `policies` that reads the request's tags, the tags it asks
 * for, and each production key rewritten to each value of `rewrites`; each of those again with the tags that
 * escape the Deny statements (one that makes a test of each false); and those escapes. Distinct, at most MAX_TAG_SENDS; the count beyond is `notAsked`. None when no
 * statement reads the request's tags: then what a request sends changes no answer, and the requests without
 * tags already asked say it all.
 */
export function tagSends(
  policies: readonly PolicyInUse[],
  principal: Principal,
  rewrites: readonly { readonly key: string; readonly values: readonly string[] }[],
): { sends: CallerPick[]; notAsked: number } {
  const asked: Record<string, string>[] = [];
  const escaping: Record<string, string>[] = [];
  let reads = false;
  const lookup = principalTagLookup(principal);
  for (const policy of policies) {
    for (const statement of policy.parsed()?.statements ?? []) {
      if (!statement.conditions.some(readsTags)) continue;
      reads = true;
      if (statement.effect === 'Deny') escaping.push(...escapes(statement));
      else {
        const tags = statementTags(statement, lookup);
        if (tags) asked.push(tags);
      }
    }
  }
  if (!reads) return { sends: [], notAsked: 0 };
  for (const { key, values } of rewrites) for (const value of values) asked.push({ [key]: value });
  // The caller sends what a grant asks for and what escapes the Denies in one request: each set asked alone,
  // then with every escape beside it (a key both name keeps the grant's value), then the escapes alone.
  const escape: Record<string, string> = {};
  for (const tags of escaping) for (const [key, value] of Object.entries(tags)) escape[key] ??= value;
  const withEscape = Object.keys(escape).length > 0;
  const sets = [
    ...asked,
    ...(withEscape ? asked.map((tags) => ({ ...escape, ...tags })) : []),
    ...escaping,
    ...(withEscape ? [escape] : []),
  ];
  const seen = new Set<string>();
  const sends: CallerPick[] = [];
  let notAsked = 0;
  for (const tags of sets) {
    const keys = Object.keys(tags);
    const id = JSON.stringify(keys.map((key) => [key.toLowerCase(), tags[key]]).sort());
    if (seen.has(id)) continue;
    seen.add(id);
    if (sends.length === MAX_TAG_SENDS) {
      notAsked++;
      continue;
    }
    sends.push({
      label: `sending the tags ${keys.map((key) => `${key}=${tags[key]}`).join(', ')}`,
      keys: { [TAG_KEYS]: keys },
      requestTags: tags,
    });
  }
  return { sends, notAsked };
}

/** At most this many requests that send tags and make the caller's other picks too (withPicks). */
export const MAX_TAG_SENDS_WITH_PICKS = 64;

/**
 * Each tag set sent (tagSends) in each request the caller's other picks make (the Region, where and how it
 * calls: caller-pick-candidates.ts), so a grant that asks for a tag is met in a Region a region-deny SCP lets
 * through, instead of leaving the answer to depend on the Region. The sends themselves when there are no
 * picks. Tag sets first, picks inside, at most MAX_TAG_SENDS_WITH_PICKS; the count beyond is `notAsked`.
 */
export function withPicks(
  sends: readonly CallerPick[],
  picks: readonly CallerPick[],
): { sends: readonly CallerPick[]; notAsked: number } {
  const others = picks.filter((pick) => !sendsTags(pick));
  if (sends.length === 0 || others.length === 0) return { sends, notAsked: 0 };
  const out: CallerPick[] = [];
  const seen = new Set<string>();
  let notAsked = 0;
  for (const send of sends) {
    for (const pick of others) {
      // A pick's own tag part says it sends none: the tag set sent replaces it.
      const keys = { ...pick.keys, ...send.keys };
      const id = JSON.stringify([Object.entries(keys).sort(), send.requestTags]);
      if (seen.has(id)) continue;
      seen.add(id);
      if (out.length === MAX_TAG_SENDS_WITH_PICKS) {
        notAsked++;
        continue;
      }
      const where = withoutTagPart(pick.label);
      out.push({
        label: where ? `${where}, ${send.label}` : send.label,
        ...(pick.region === undefined ? {} : { region: pick.region }),
        keys,
        requestTags: send.requestTags,
      });
    }
  }
  return { sends: out, notAsked };
}

/** A pick's label without its last part when that says it sends no tags (NO_TAGS_LABEL, always last). */
function withoutTagPart(label: string): string {
  if (label === NO_TAGS_LABEL) return '';
  return label.endsWith(`, ${NO_TAGS_LABEL}`) ? label.slice(0, -(NO_TAGS_LABEL.length + 2)) : label;
}

/**
 * The tags a statement asks the request to carry, undefined when it reads none: for each aws:RequestTag/<key>
 * a value its test matches (the first value a positive test names, wildcards filled, policy variables read from
 * the principal's tags; a value none names for a negated or Null test), and each key an aws:TagKeys test names.
 */
function statementTags(statement: NormalizedStatement, lookup: KeyLookup): Record<string, string> | undefined {
  let tags: Record<string, string> | undefined;
  const chosen = new Set<string>();
  for (const condition of statement.conditions) {
    const lower = condition.key.toLowerCase();
    if (!lower.startsWith(REQUEST_TAG) || lower.length === REQUEST_TAG.length) continue;
    const key = condition.key.slice(REQUEST_TAG.length);
    if (chosen.has(key.toLowerCase())) continue;
    const value = valueFor(condition.baseOperator, condition.values, lookup);
    if (value === undefined) continue;
    chosen.add(key.toLowerCase());
    (tags ??= {})[key] = value;
  }
  for (const condition of statement.conditions) {
    if (condition.key.toLowerCase() !== TAG_KEYS || condition.baseOperator === 'Null') continue;
    const operator = conditionOperator(condition.baseOperator);
    if (!operator || operator.negated) continue;
    for (const named of condition.values) {
      const key = withWildcardsFilled(named);
      if (key === '' || chosen.has(key.toLowerCase())) continue;
      chosen.add(key.toLowerCase());
      (tags ??= {})[key] = OTHER_VALUE;
    }
  }
  return tags;
}

/**
 * A Deny statement's tests a sent tag makes false, one tag set each: a negated test on aws:RequestTag/<key> (sent
 * with a value it names) and a Null test for "absent" (sent with any value). Its other tests are false for a
 * request without tags, already asked.
 */
function escapes(statement: NormalizedStatement): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const condition of statement.conditions) {
    const lower = condition.key.toLowerCase();
    if (!lower.startsWith(REQUEST_TAG) || lower.length === REQUEST_TAG.length) continue;
    const key = condition.key.slice(REQUEST_TAG.length);
    if (condition.baseOperator === 'Null') {
      if (condition.values.some((value) => value.toLowerCase() === 'true')) out.push({ [key]: OTHER_VALUE });
      continue;
    }
    const operator = conditionOperator(condition.baseOperator);
    if (!operator?.negated) continue;
    for (const raw of condition.values) {
      if (raw.includes('${')) continue;
      out.push({ [key]: withWildcardsFilled(raw) });
      break;
    }
  }
  return out;
}

/**
 * Whether the tags a pick sends mark a new resource non-production, as the agent layers read a create's request
 * (guardrails/agent-invariant.ts): some production key set to a non-production value, and none to another.
 */
export function marksNonProduction(pick: CallerPick, production: GuardrailSpec['production']): boolean {
  const keys = new Set(production.tagKeys.map((key) => key.toLowerCase()));
  const safe = new Set(production.nonProductionValues.map((value) => value.toLowerCase()));
  let marked = false;
  for (const [key, value] of Object.entries(pick.requestTags ?? {})) {
    if (!keys.has(key.toLowerCase())) continue;
    if (!safe.has(value.toLowerCase())) return false;
    marked = true;
  }
  return marked;
}

/** Whether a statement of the policy reads the request's tags. */
export function readsRequestTags(policy: PolicyInUse): boolean {
  return policy.parsed()?.statements.some((statement) => statement.conditions.some(readsTags)) ?? false;
}

function readsTags(condition: NormalizedCondition): boolean {
  const lower = condition.key.toLowerCase();
  return lower === TAG_KEYS || (lower.startsWith(REQUEST_TAG) && lower.length > REQUEST_TAG.length);
}

/** A value a request tag must have to meet one test, undefined when none can be told from the policy. */
function valueFor(baseOperator: string, values: readonly string[], lookup: KeyLookup): string | undefined {
  if (baseOperator === 'Null') return OTHER_VALUE;
  const operator = conditionOperator(baseOperator);
  if (!operator) return undefined;
  if (operator.negated) return OTHER_VALUE;
  for (const raw of values) {
    const parsed = operator.policyVariables ? parsePolicyValue(raw) : undefined;
    if (!parsed?.hasVariables) return withWildcardsFilled(raw);
    const resolved = substitute(parsed, lookup);
    if (resolved === 'dropped' || 'unknown' in resolved) continue;
    // Wildcards a variable brought in are literal; the policy's own are filled.
    return resolved.literal.length ? resolved.text : withWildcardsFilled(resolved.text);
  }
  return undefined;
}

/** A resource state and the writes asked in it. */
export interface WriteQuestion {
  readonly state: ResourceState;
  readonly actions: readonly CatalogAction[];
}

/**
 * The writes that carry tags asked again with each tag set the agent may send (support/tag-sends.ts): a write
 * allowed only with some tags (an ABAC grant on aws:RequestTag, a production tag rewritten to a non-production
 * value, a Deny escaped by the tag it asks for) is let through with them, on a production or untagged resource
 * as on any other. The tags of a create vouch for the new resource (the rows the agent layers allow,
 * guardrails/agent-invariant.ts): a create that tags it non-production writes nothing protected where no
 * existing resource's tag is seen. EC2's tag-on-create is asked as the stand-alone call it also is
 * (ec2:CreateAction absent), the one that tags an existing resource. `skip`: writes not worth asking again.
 */
export function* tagSendRuns(
  compiled: Pick<CompiledPrincipal, 'decisionRuns'>,
  questions: readonly WriteQuestion[],
  sends: readonly CallerPick[],
  production: GuardrailSpec['production'],
  requestFor: (state: ResourceState, send: CallerPick) => RequestContext,
  skip: (action: CatalogAction) => boolean = () => false,
): Generator<{ state: ResourceState; send: CallerPick; actions: readonly CatalogAction[]; runs: DecisionRuns }> {
  for (const send of sends) {
    const createsNonProduction = marksNonProduction(send, production);
    for (const { state, actions } of questions) {
      const untagged = Object.keys(state.request.resourceTags ?? {}).length === 0 && !state.request.resourceArn;
      const sending = actions.filter((action) => {
        if (skip(action) || !actionFacts(action).tagKeys) return false;
        const unseenTag = untagged || !actionFacts(action).resourceTags;
        return !(createsNonProduction && unseenTag && isCreateAction(action));
      });
      if (sending.length === 0) continue;
      yield { state, send, actions: sending, runs: askRuns(compiled, sending, requestFor(state, send)) };
    }
  }
}

/**
 * `compiled.decisionRuns(actions, request)`, but EC2's tag-on-create actions (ec2:CreateTags, which lists
 * ec2:CreateAction) answered as the stand-alone call that tags an existing resource (the key absent). Made inside
 * a create call, the same action tags the new resource, which the create's own question covers; asked with the
 * key unknown it would only ever "depend" on it. Runs over `actions` in their order, as decisionRuns gives them.
 */
export function askRuns(
  compiled: Pick<CompiledPrincipal, 'decisionRuns'>,
  actions: readonly CatalogAction[],
  request: RequestContext,
): DecisionRuns {
  let byKey = tagOnCreateByKey.get(actions);
  if (byKey === undefined) {
    const found = new Map<string, CatalogAction[]>();
    for (const action of actions) {
      const key = isTagOnCreate(action) ? createActionKey(action) : undefined;
      if (key !== undefined) found.set(key, [...(found.get(key) ?? []), action]);
    }
    byKey = found.size === 0 ? null : found;
    tagOnCreateByKey.set(actions, byKey);
  }
  let runs = compiled.decisionRuns(actions, request);
  if (byKey === null) return runs;
  for (const [key, alone] of byKey) {
    runs = mergedRuns(runs, actions, alone, compiled.decisionRuns(alone, standAlone(request, key)));
  }
  return runs;
}

/** An asked list's tag-on-create actions by their CreateAction key; null when it has none. */
const tagOnCreateByKey = new WeakMap<readonly CatalogAction[], ReadonlyMap<string, CatalogAction[]> | null>();

const standAloneRequests = new WeakMap<RequestContext, Map<string, RequestContext>>();

/** `request` as a tag call made on its own, `createKey` (ec2:createaction) absent; one object per request. */
function standAlone(request: RequestContext, createKey: string): RequestContext {
  let byKey = standAloneRequests.get(request);
  if (!byKey) standAloneRequests.set(request, (byKey = new Map()));
  let made = byKey.get(createKey);
  if (!made) {
    made = { ...request, contextKeys: { ...request.contextKeys, [createKey]: [] } };
    byKey.set(createKey, made);
  }
  return made;
}
