// IAM policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`, `${*}`) in Resource and
// condition values. Parsed once per value; substituted per principal and request.
import type { LiteralRange } from './conditions';
import type { KeyLookup } from './key-value';

type ValuePart =
  | { readonly kind: 'text'; readonly text: string }
  /** `${*}`, `${?}`, `${$}`: the character itself, never a wildcard. */
  | { readonly kind: 'escape'; readonly text: string }
  | { readonly kind: 'variable'; readonly key: string; readonly lowerKey: string; readonly fallback?: string };

export interface ParsedValue {
  readonly raw: string;
  readonly parts: readonly ValuePart[];
  readonly hasVariables: boolean;
  /** Lower-cased keys of the variables in the value. */
  readonly variableKeys: readonly string[];
}

/** A value after substitution: text plus the ranges that must be compared literally. */
export interface ResolvedValue {
  readonly text: string;
  readonly literal: readonly LiteralRange[];
}

/** Substitution outcome: a value, `dropped` (a variable is absent and has no default), or `unknown`. */
export type Substitution = ResolvedValue | 'dropped' | { readonly unknown: readonly string[] };

const VARIABLE = /\$\{([^}]*)\}/g;
const cache = new Map<string, ParsedValue>();
const NO_VARIABLES: readonly string[] = Object.freeze([]);
/** The literal ranges of a value without variables: none, one list for all of them. */
export const NO_LITERAL: readonly LiteralRange[] = Object.freeze([]);

export function parsePolicyValue(raw: string): ParsedValue {
  // Most values hold no variable (resource ARNs, condition values): plain text, made without the cache, which
  // would hash every such string and keep it alive for the rest of the run.
  if (!raw.includes('${')) return plainValue(raw);
  const hit = cache.get(raw);
  if (hit) return hit;
  const parts: ValuePart[] = [];
  const variableKeys: string[] = [];
  let last = 0;
  for (const match of raw.matchAll(VARIABLE)) {
    const start = match.index ?? 0;
    if (start > last) parts.push({ kind: 'text', text: raw.slice(last, start) });
    const body = match[1].trim();
    if (body === '*' || body === '?' || body === '$') {
      parts.push({ kind: 'escape', text: body });
    } else {
      const withDefault = /^([^,]+?)\s*,\s*'([^']*)'$/.exec(body);
      const key = withDefault ? withDefault[1].trim() : body;
      parts.push({ kind: 'variable', key, lowerKey: key.toLowerCase(), fallback: withDefault?.[2] });
      variableKeys.push(key.toLowerCase());
    }
    last = start + match[0].length;
  }
  if (last < raw.length) parts.push({ kind: 'text', text: raw.slice(last) });
  const parsed: ParsedValue = {
    raw,
    parts,
    hasVariables: parts.some((part) => part.kind !== 'text'),
    variableKeys,
  };
  if (cache.size > 50_000) cache.clear();
  cache.set(raw, parsed);
  return parsed;
}

function plainValue(raw: string): ParsedValue {
  return {
    raw,
    parts: raw.length > 0 ? [{ kind: 'text', text: raw }] : [],
    hasVariables: false,
    variableKeys: NO_VARIABLES,
  };
}

/** Substitute the variables of `value` using `lookup`. */
export function substitute(value: ParsedValue, lookup: KeyLookup): Substitution {
  if (!value.hasVariables) return { text: value.raw, literal: NO_LITERAL };
  let text = '';
  const literal: LiteralRange[] = [];
  const unknown: string[] = [];
  const parts = value.parts;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.kind === 'text') {
      text += part.text;
      continue;
    }
    let replacement: string;
    if (part.kind === 'escape') {
      replacement = part.text;
    } else {
      const found = lookup(part.lowerKey);
      if (found.state === 'present' && found.values.length === 1) {
        replacement = found.values[0];
      } else if (found.state === 'absent' && part.fallback !== undefined) {
        replacement = part.fallback;
      } else if (found.state === 'absent') {
        return 'dropped';
      } else {
        // Unknown, or a multi-valued key that cannot stand for a single string.
        unknown.push(part.key);
        continue;
      }
    }
    literal.push([text.length, text.length + replacement.length]);
    text += replacement;
  }
  if (unknown.length > 0) return { unknown };
  return { text, literal };
}
