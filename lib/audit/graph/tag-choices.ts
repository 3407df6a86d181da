// Attribute-based access control turned around: a principal whose own identity policies grant more when it
// carries a tag (`"Condition": {"StringEquals": {"aws:PrincipalTag/admin": "true"}}`) and that may tag itself
// (iam:TagRole / iam:TagUser on itself) grants itself that much by writing the tag first. These are the tag
// values its Allow statements ask for that it does not carry yet: what it would set. A statement that asks for the
// resource's production tag to equal one of the principal's (`"aws:ResourceTag/environment":
// "${aws:PrincipalTag/environment}"`) asks it for the production value. The same holds for the guardrails above
// it: an SCP, RCP or boundary that exempts principals by tag (`StringNotEquals aws:PrincipalTag/breakglass true`),
// or that binds only those carrying one (`StringEquals aws:PrincipalTag/leash:agent true`), is escaped by
// setting the tag, or changing its value; and an Allow of its boundary or SCPs keyed on a tag is met by it.
import { salvagePolicy, type NormalizedCondition, type NormalizedStatement } from '../../policy';
import { withWildcardsFilled } from '../../policy/wildcard';
import { conditionOperator } from '../evaluate/conditions';
import { parsePolicyValue } from '../evaluate/policy-variables';
import { snapshotParseCache } from '../sources/parse-cache';
import { principalLookup } from '../sources/principal-lookup';
import type { AccountSnapshot, Principal } from '../sources/snapshot';

const TAG_KEY = 'aws:principaltag/';
const RESOURCE_TAG_KEY = 'aws:resourcetag/';
/** A value that is one principal tag and nothing else: `${aws:PrincipalTag/team}`. */
const PRINCIPAL_TAG_VARIABLE = /^\$\{aws:principaltag\/([^}]+)\}$/i;

/** What marks a production resource (guardrails.production): its tag keys, and the values, first preferred. */
export interface ProductionTags {
  readonly keys: readonly string[];
  readonly values: readonly string[];
}
/** Operators whose values name the tag value that meets them (a StringLike pattern once its wildcards are filled). */
const NAMING = new Set(['StringEquals', 'StringEqualsIgnoreCase', 'StringLike']);

/** A tag value no policy names: what changes a tag a Deny asks for, or sets one a Null test asks to be there. */
const OTHER_VALUE = 'leash-other';

/**
 * The principal tags (lower-cased key → value) that it does not carry with that value and that the Allow
 * statements of its identity policies (inline, managed and its groups'), its boundary and its SCPs ask for, or
 * that escape a Deny statement of those or of the RCPs; empty when none. The first value each key is asked for
 * is taken, identity grants first. Of a policy that cannot be parsed whole, the statements that can be read count
 * (the evaluator applies them); the rest unreadable-policy reports.
 */
export function principalTagChoices(
  principal: Principal,
  snapshot: AccountSnapshot,
  production?: ProductionTags,
): TagChoices {
  const current = new Map(Object.entries(principal.tags).map(([key, value]) => [key.toLowerCase(), value]));
  const productionKeys = new Set(production?.keys.map((key) => key.toLowerCase()));
  const choices = new TagChoices();
  const pendingEscapes: [string, string][] = [];
  const spell = (condition: NormalizedCondition, prefix: string, tagKey: string) => {
    if (!choices.written.has(tagKey)) choices.written.set(tagKey, condition.key.slice(prefix.length));
  };
  const { allows, denies } = statementsOf(principal, snapshot);
  for (const statement of denies) {
    // One condition made false is enough: the first tag it may set that does it.
    for (const condition of statement.conditions) {
      const tagKey = principalTagKey(condition);
      if (tagKey === undefined || choices.has(tagKey)) continue;
      const escape = escapeValue(condition, current.get(tagKey));
      if (escape === undefined) continue;
      pendingEscapes.push([tagKey, escape]);
      spell(condition, TAG_KEY, tagKey);
      break;
    }
  }
  for (const statement of allows) {
    for (const condition of statement.conditions) {
      // An IfExists operator is met by a tag it lacks; a set operator other than ForAnyValue asks for no value.
      if (!NAMING.has(condition.baseOperator) || condition.ifExists) continue;
      if (condition.setOperator !== undefined && condition.setOperator !== 'ForAnyValue') continue;
      const key = condition.key.toLowerCase();
      if (production && key.startsWith(RESOURCE_TAG_KEY) && productionKeys.has(key.slice(RESOURCE_TAG_KEY.length))) {
        // The resource's production tag compared with one of its own: it takes the production value.
        const variable = condition.values.map((v) => PRINCIPAL_TAG_VARIABLE.exec(v)).find((m) => m !== null);
        const tagKey = variable?.[1].toLowerCase();
        if (tagKey === undefined || choices.has(tagKey)) continue;
        const have = current.get(tagKey);
        if (!production.values.some((v) => v === have)) choices.set(tagKey, production.values[0]);
        continue;
      }
      if (!key.startsWith(TAG_KEY)) continue;
      const tagKey = key.slice(TAG_KEY.length);
      const value = condition.values.find((v) => !v.includes('${'));
      if (value === undefined || choices.has(tagKey)) continue;
      const chosen = value.replace(/[*?]/g, 'x');
      const have = current.get(tagKey);
      const met =
        condition.baseOperator === 'StringEquals' ? have === chosen : have?.toLowerCase() === chosen.toLowerCase();
      if (!met) {
        choices.set(tagKey, chosen);
        spell(condition, TAG_KEY, tagKey);
      }
    }
  }
  for (const [tagKey, value] of pendingEscapes) if (!choices.has(tagKey)) choices.set(tagKey, value);
  return choices;
}

/**
 * Chosen tags by lower-cased key (a policy's aws:PrincipalTag/<key> matches the key in any case), with the key
 * as the condition that asked for it spells it.
 */
export class TagChoices extends Map<string, string> {
  readonly written = new Map<string, string>();
}

/**
 * The tags to send when writing the choices (iam:TagRole, iam:CreateRole), one set per spelling of their keys:
 * as the policies spell them, lower-case and upper-case. The tag matches its aws:PrincipalTag condition in any
 * case, so the writer spells it as a guard on the written keys (`aws:TagKeys`, compared case-sensitively by
 * StringEquals) lets through: the first set not denied is the one to write.
 */
export function tagSpellings(choices: TagChoices): Record<string, string>[] {
  const out = new Map<string, Record<string, string>>();
  for (const spelling of [(key: string) => choices.written.get(key) ?? key, (key: string) => key, upper]) {
    const tags: Record<string, string> = {};
    for (const [key, value] of choices) tags[spelling(key)] = value;
    out.set(JSON.stringify(tags), tags);
  }
  return [...out.values()];
}

function upper(key: string): string {
  return key.toUpperCase();
}

/** The lower-cased tag key of a condition on aws:PrincipalTag/<key> with no set operator; undefined otherwise. */
function principalTagKey(condition: NormalizedCondition): string | undefined {
  const key = condition.key.toLowerCase();
  if (!key.startsWith(TAG_KEY) || key.length === TAG_KEY.length || condition.setOperator !== undefined)
    return undefined;
  return key.slice(TAG_KEY.length);
}

/**
 * The value of the tag that makes a Deny's condition false, for a principal that carries `have` (undefined: no such
 * tag); undefined when no value does (a Null test that the tag be absent, a policy variable) or none is needed.
 */
function escapeValue(condition: NormalizedCondition, have: string | undefined): string | undefined {
  if (condition.baseOperator === 'Null') {
    // Null true: denied while the tag is absent, so any value escapes. Null false would need the tag removed.
    const absentDenied = condition.values.some((value) => value.toLowerCase() === 'true');
    return absentDenied && have === undefined ? OTHER_VALUE : undefined;
  }
  const operator = conditionOperator(condition.baseOperator);
  if (!operator || !condition.baseOperator.startsWith('String')) return undefined;
  if (operator.negated) {
    // Denied unless the tag is one of the values: the first the condition names (none needed if it has it).
    const named = condition.values.find((value) => !value.includes('${'));
    const value = named === undefined ? undefined : withWildcardsFilled(named);
    return value === have ? undefined : value;
  }
  // Denied while the tag is one of the values: another value escapes. Without the tag a principal is not denied
  // by it, unless the IfExists form denies the absent tag too.
  return have === undefined && !condition.ifExists ? undefined : OTHER_VALUE;
}

/**
 * The principal tag keys (lower-cased) that the policies deciding its own requests read anywhere (a condition
 * key, a policy variable): its identity policies and its groups', its boundary, SCPs and RCPs. Undefined when
 * one of its managed policies is not in the snapshot, so what that one reads is unknown.
 */
export function principalTagKeysRead(principal: Principal, snapshot: AccountSnapshot): ReadonlySet<string> | undefined {
  const { managed, groups } = lookupsOf(snapshot);
  const holders = [principal, ...groups.filter((g) => principal.groups.includes(g.name))];
  const attached = holders.flatMap((holder) => holder.managedPolicyArns);
  if (principal.permissionsBoundaryArn) attached.push(principal.permissionsBoundaryArn);
  if (attached.some((arn) => !managed.has(arn))) return undefined;
  const { allows, denies } = statementsOf(principal, snapshot);
  const keys = new Set<string>();
  const add = (key: string) => {
    if (key.startsWith(TAG_KEY) && key.length > TAG_KEY.length) keys.add(key.slice(TAG_KEY.length));
  };
  for (const statement of [...allows, ...denies]) {
    // Read as the evaluator reads them: condition keys, and the policy variables of values and resources.
    for (const condition of statement.conditions) {
      add(condition.key.toLowerCase());
      for (const value of condition.values) parsePolicyValue(value).variableKeys.forEach(add);
    }
    for (const resource of [...(statement.resources ?? []), ...(statement.notResources ?? [])]) {
      parsePolicyValue(resource).variableKeys.forEach(add);
    }
  }
  return keys;
}

/** The principal with the chosen tags set (the others kept). */
export function withChosenTags(principal: Principal, choices: ReadonlyMap<string, string>): Principal {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(principal.tags)) if (!choices.has(key.toLowerCase())) tags[key] = value;
  for (const [key, value] of choices) tags[key] = value;
  return { ...principal, tags };
}

/** A snapshot's managed policy documents by ARN and its groups (in snapshot order), made once: every principal asks. */
interface SnapshotLookups {
  readonly managed: ReadonlyMap<string, unknown>;
  readonly groups: readonly Principal[];
}

const lookupsBySnapshot = new WeakMap<AccountSnapshot, SnapshotLookups>();

function lookupsOf(snapshot: AccountSnapshot): SnapshotLookups {
  let lookups = lookupsBySnapshot.get(snapshot);
  if (!lookups) {
    lookups = {
      managed: new Map(snapshot.managedPolicies.map((p) => [p.arn, p.document])),
      groups: principalLookup(snapshot).groups,
    };
    lookupsBySnapshot.set(snapshot, lookups);
  }
  return lookups;
}

/**
 * The statements that read its tags, parsed as the evaluator parses them: Allow statements of its identity
 * policies and its groups', then of its boundary and SCPs; Deny statements of all of those and of the RCPs.
 */
function statementsOf(
  principal: Principal,
  snapshot: AccountSnapshot,
): { allows: NormalizedStatement[]; denies: NormalizedStatement[] } {
  const cache = snapshotParseCache(snapshot);
  const lookups = lookupsOf(snapshot);
  const { managed } = lookups;
  const groups = principal.groups.length === 0 ? [] : lookups.groups.filter((g) => principal.groups.includes(g.name));
  const allows: NormalizedStatement[] = [];
  const denies: NormalizedStatement[] = [];
  // Salvaged as the evaluator reads them: a statement it cannot read does not hide the ones beside it that it
  // applies (a Deny left unescaped would make a guardrail look stronger than it is).
  const read = (document: unknown, type: 'identity' | 'boundary' | 'scp' | 'rcp') => {
    for (const statement of salvagePolicy(document, { type, cache }).policy.statements) {
      if (statement.effect === 'Deny') denies.push(statement);
      else if (type !== 'rcp') allows.push(statement);
    }
  };
  for (const holder of [principal, ...groups]) {
    for (const policy of holder.inlinePolicies) read(policy.document, 'identity');
    for (const arn of holder.managedPolicyArns) if (managed.has(arn)) read(managed.get(arn), 'identity');
  }
  const boundary = principal.permissionsBoundaryArn;
  if (boundary && managed.has(boundary)) read(managed.get(boundary), 'boundary');
  for (const level of snapshot.serviceControlPolicies)
    for (const policy of level.policies) read(policy.document, 'scp');
  for (const level of snapshot.resourceControlPolicies)
    for (const policy of level.policies) read(policy.document, 'rcp');
  return { allows, denies };
}
