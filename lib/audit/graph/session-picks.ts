// What a caller writes into its own sts:AssumeRole request, asked of its own side: where its policies let it
// assume a role only when it passes a session tag or a source identity (`"sts:SourceIdentity":
// "${aws:username}"`, a pattern AWS documents), it passes what they ask for. The values are those the deciding
// statements write, their policy variables filled from the caller. Whether the trust lets it pass them
// (sts:TagSession, sts:SetSourceIdentity) is the graph's to weigh on each edge.
import type { CallerPick } from '../evaluate/caller-picks';
import { principalKeyValue, type PrincipalFacts } from '../evaluate/context';
import type { KeyLookup } from '../evaluate/key-value';
import type { ActionDecision } from '../evaluate/types';
import { CURRENT_POLICY_VERSION, parsePolicy } from '../../policy';
import { withWildcardsFilled } from '../../policy/wildcard';
import { resolvedValue, sessionValueAction, type SessionAction } from './trust';

const REQUEST_TAG = 'aws:requesttag/';
const KEY_NAMES: Readonly<Record<string, string>> = {
  'sts:sourceidentity': 'source identity',
  'sts:transitivetagkeys': 'transitive tag keys',
};

/** A pick of session values, and the actions that must allow passing them. */
export interface SessionPick {
  readonly pick: CallerPick;
  readonly actions: readonly SessionAction[];
}

/**
 * The session values the decision turns on, set to what its statements ask for: undefined when it turns on
 * anything else as well (a key the caller does not write), or names no value for one of them.
 */
export function sessionPickFor(decision: ActionDecision, caller: PrincipalFacts): SessionPick | undefined {
  const keys = [...new Set(decision.dependsOn.map((key) => key.toLowerCase()))];
  if (keys.length === 0 || keys.some((key) => sessionValueAction(key) === undefined)) return undefined;
  const written = writtenValues([...decision.allowedBy, ...decision.deniedBy], caller);
  const requestTags: Record<string, string> = {};
  const contextKeys: Record<string, readonly string[]> = {};
  for (const key of keys) {
    const value = written.get(key)?.[0];
    if (value === undefined) return undefined;
    if (key.startsWith(REQUEST_TAG)) requestTags[key.slice(REQUEST_TAG.length)] = value;
    else if (key === 'aws:tagkeys') requestTags[value] ??= 'leash-chosen-value';
    else contextKeys[key] = [value];
  }
  const parts = [
    ...Object.entries(requestTags).map(([tag, value]) => `session tag ${tag}=${value}`),
    ...Object.entries(contextKeys).map(([key, values]) => `${KEY_NAMES[key] ?? key} ${values[0]}`),
  ];
  return {
    pick: {
      label: `passing ${parts.join(', ')}`,
      keys: contextKeys,
      ...(Object.keys(requestTags).length > 0 ? { requestTags } : {}),
    },
    actions: [...new Set(keys.map((key) => sessionValueAction(key)!))],
  };
}

/**
 * Each condition key's values as the deciding statements write them (lower-cased keys), read by the policy parser,
 * variables filled from the caller and wildcards too. A statement the parser cannot read names no value.
 */
function writtenValues(refs: ActionDecision['allowedBy'], caller: PrincipalFacts): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const lookup: KeyLookup = (key) => principalKeyValue(caller, key);
  for (const ref of refs) {
    if (ref.statement === undefined) continue;
    const parsed = parsePolicy({ Version: CURRENT_POLICY_VERSION, Statement: [ref.statement] });
    if (!parsed.ok) continue;
    for (const condition of parsed.policy.statements.flatMap((statement) => statement.conditions)) {
      const key = condition.key.toLowerCase();
      const filled = condition.values
        .map((value) => resolvedValue(value, lookup))
        .filter((value): value is string => value !== undefined)
        .map(withWildcardsFilled);
      if (filled.length > 0) out.set(key, [...(out.get(key) ?? []), ...filled]);
    }
  }
  return out;
}
