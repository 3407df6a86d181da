// Glob matching for condition values (`*` any run of characters, `?` exactly one), used by StringLike and
// the ARN operators. Compiled patterns are cached: the same policy values are tested against many requests.
import type { LiteralRange } from './operator';

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 10_000;

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
}

function inLiteral(index: number, literal: readonly LiteralRange[] | undefined): boolean {
  if (!literal) return false;
  for (const [start, end] of literal) if (index >= start && index < end) return true;
  return false;
}

/** Compile a glob to an anchored RegExp; `ignoreCase` for the *IgnoreCase family. */
export function globToRegExp(pattern: string, ignoreCase = false, literal?: readonly LiteralRange[]): RegExp {
  const cacheKey = literal?.length ? undefined : `${ignoreCase ? 'i' : 's'}${pattern}`;
  if (cacheKey !== undefined) {
    const hit = cache.get(cacheKey);
    if (hit) return hit;
  }
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*' && !inLiteral(i, literal)) source += '[\\s\\S]*';
    else if (ch === '?' && !inLiteral(i, literal)) source += '[\\s\\S]';
    else source += escapeRegExp(ch);
  }
  const regExp = new RegExp(`^${source}$`, ignoreCase ? 'i' : '');
  if (cacheKey !== undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(cacheKey, regExp);
  }
  return regExp;
}

/** True when `value` matches the glob `pattern` (case-sensitive unless `ignoreCase`). */
export function globMatches(
  value: string,
  pattern: string,
  ignoreCase = false,
  literal?: readonly LiteralRange[],
): boolean {
  if (pattern === '*' && !literal?.length) return true;
  if (!pattern.includes('*') && !pattern.includes('?')) {
    return ignoreCase ? value.toLowerCase() === pattern.toLowerCase() : value === pattern;
  }
  return globToRegExp(pattern, ignoreCase, literal).test(value);
}
