// What a caller writes into its own sts:AssumeRole request, asked of its own side: where its policies let it
// assume a role only when it passes a session tag or a source identity (`"sts:SourceIdentity":
// "${aws:username}"`, a pattern AWS documents), it passes what they ask for. The values are those the deciding
// statements write, their policy variables filled from the caller. Whether the trust lets it pass them
// (sts:TagSession, sts:SetSourceIdentity) is the graph's to weigh on each edge.
import type { CallerPick } from '../evaluate/caller-picks';
import { principalKeyValue, type PrincipalFacts } from '../evaluate/context';
import { parsePolicyValue, substitute } from '../evaluate/policy-variables';
import type { ActionDecision } from '../evaluate/types';
import { sessionValueAction, type SessionAction } from './trust';

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

/** Each condition key's values as the statements write them (lower-cased keys), variables filled, wildcards too. */
function writtenValues(refs: ActionDecision['allowedBy'], caller: PrincipalFacts): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const ref of refs) {
    const condition = (ref.statement as { Condition?: unknown } | undefined)?.Condition;
    if (!condition || typeof condition !== 'object') continue;
    for (const block of Object.values(condition as Record<string, unknown>)) {
      if (!block || typeof block !== 'object') continue;
      for (const [key, raw] of Object.entries(block as Record<string, unknown>)) {
        const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
        const filled = values.flatMap((value) => fill(value, caller));
        if (filled.length > 0) out.set(key.toLowerCase(), [...(out.get(key.toLowerCase()) ?? []), ...filled]);
      }
    }
  }
  return out;
}

/** A written value as a request would carry it: policy variables from the caller, wildcards filled. */
function fill(value: string, caller: PrincipalFacts): string[] {
  const parsed = parsePolicyValue(value);
  let text = value;
  if (parsed.hasVariables) {
    const resolved = substitute(parsed, (key) => principalKeyValue(caller, key));
    if (typeof resolved !== 'object' || !('text' in resolved)) return [];
    text = resolved.text;
  }
  return [text.replace(/\*/g, 'x').replace(/\?/g, 'y')];
}
