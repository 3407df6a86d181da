// Attribute-based access control turned around: a principal whose own identity policies grant more when it
// carries a tag (`"Condition": {"StringEquals": {"aws:PrincipalTag/admin": "true"}}`) and that may tag itself
// (iam:TagRole / iam:TagUser on itself) grants itself that much by writing the tag first. These are the tag
// values its Allow statements ask for that it does not carry yet: what it would set.
import type { AccountSnapshot, Principal } from '../sources/snapshot';

const TAG_KEY = 'aws:principaltag/';
/** Operators whose values name the tag value that meets them (a StringLike pattern once its wildcards are filled). */
const NAMING = new Set(['stringequals', 'stringequalsignorecase', 'stringlike']);

/**
 * The principal tags (lower-cased key → value) its Allow statements (inline, managed and its groups') ask for
 * that it does not carry with that value; empty when none. The first value each key is asked for is taken.
 */
export function principalTagChoices(principal: Principal, snapshot: AccountSnapshot): ReadonlyMap<string, string> {
  const current = new Map(Object.entries(principal.tags).map(([key, value]) => [key.toLowerCase(), value]));
  const choices = new Map<string, string>();
  for (const document of documentsOf(principal, snapshot)) {
    for (const statement of statementsOf(document)) {
      if (String(statement.Effect) !== 'Allow' || !isRecord(statement.Condition)) continue;
      for (const [operator, block] of Object.entries(statement.Condition)) {
        if (!NAMING.has(operator.toLowerCase()) || !isRecord(block)) continue;
        for (const [key, values] of Object.entries(block)) {
          const lower = key.toLowerCase();
          if (!lower.startsWith(TAG_KEY)) continue;
          const tagKey = lower.slice(TAG_KEY.length);
          const value = [values].flat().find((v): v is string => typeof v === 'string' && !v.includes('${'));
          if (value === undefined || choices.has(tagKey)) continue;
          const chosen = value.replace(/[*?]/g, 'x');
          const have = current.get(tagKey);
          const met =
            operator.toLowerCase() === 'stringequals' ? have === chosen : have?.toLowerCase() === chosen.toLowerCase();
          if (!met) choices.set(tagKey, chosen);
        }
      }
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

function documentsOf(principal: Principal, snapshot: AccountSnapshot): unknown[] {
  const managed = new Map(snapshot.managedPolicies.map((p) => [p.arn, p.document]));
  const groups = snapshot.principals.filter((p) => p.kind === 'group' && principal.groups.includes(p.name));
  const out: unknown[] = [];
  for (const holder of [principal, ...groups]) {
    for (const policy of holder.inlinePolicies) out.push(policy.document);
    for (const arn of holder.managedPolicyArns) if (managed.has(arn)) out.push(managed.get(arn));
  }
  return out;
}

function statementsOf(document: unknown): Record<string, unknown>[] {
  let parsed = document;
  if (typeof parsed === 'string') {
    try {
      parsed = JSON.parse(parsed);
    } catch {
      return [];
    }
  }
  if (!isRecord(parsed)) return [];
  return [parsed.Statement].flat().filter(isRecord);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
