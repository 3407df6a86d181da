// Attribute-based access control turned around: a principal whose own identity policies grant more when it
// carries a tag (`"Condition": {"StringEquals": {"aws:PrincipalTag/admin": "true"}}`) and that may tag itself
// (iam:TagRole / iam:TagUser on itself) grants itself that much by writing the tag first. These are the tag
// values its Allow statements ask for that it does not carry yet: what it would set. A statement that asks for the
// resource's production tag to equal one of the principal's (`"aws:ResourceTag/environment":
// "${aws:PrincipalTag/environment}"`) asks it for the production value.
import { parsePolicy, type NormalizedStatement } from '../../policy';
import { snapshotParseCache } from '../sources/parse-cache';
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

/**
 * The principal tags (lower-cased key → value) its Allow statements (inline, managed and its groups') ask for
 * that it does not carry with that value; empty when none. The first value each key is asked for is taken. A
 * policy that cannot be parsed gives none here (unreadable-policy reports it, as the worst case).
 */
export function principalTagChoices(
  principal: Principal,
  snapshot: AccountSnapshot,
  production?: ProductionTags,
): ReadonlyMap<string, string> {
  const current = new Map(Object.entries(principal.tags).map(([key, value]) => [key.toLowerCase(), value]));
  const productionKeys = new Set(production?.keys.map((key) => key.toLowerCase()));
  const choices = new Map<string, string>();
  for (const statement of allowStatementsOf(principal, snapshot)) {
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
      if (!met) choices.set(tagKey, chosen);
    }
  }
  return choices;
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
      groups: snapshot.principals.filter((p) => p.kind === 'group'),
    };
    lookupsBySnapshot.set(snapshot, lookups);
  }
  return lookups;
}

/** The Allow statements of its identity policies and its groups', parsed as the evaluator parses them. */
function allowStatementsOf(principal: Principal, snapshot: AccountSnapshot): NormalizedStatement[] {
  const cache = snapshotParseCache(snapshot);
  const lookups = lookupsOf(snapshot);
  const { managed } = lookups;
  const groups = principal.groups.length === 0 ? [] : lookups.groups.filter((g) => principal.groups.includes(g.name));
  const out: NormalizedStatement[] = [];
  for (const holder of [principal, ...groups]) {
    const documents = [
      ...holder.inlinePolicies.map((policy) => policy.document),
      ...holder.managedPolicyArns.filter((arn) => managed.has(arn)).map((arn) => managed.get(arn)),
    ];
    for (const document of documents) {
      const parsed = parsePolicy(document, { type: 'identity', cache });
      if (parsed.ok) out.push(...parsed.policy.statements.filter((statement) => statement.effect === 'Allow'));
    }
  }
  return out;
}
