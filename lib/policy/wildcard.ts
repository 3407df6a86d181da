// IAM's two wildcards, `*` (any run of characters, possibly empty) and `?` (exactly one character), matched
// without building regular expressions, so hot paths never compile anything per call.

const STAR = 42; // '*'
const QUESTION = 63; // '?'

/** A pattern's wildcards filled (`*` with `x`, `?` with `y`): one value the pattern matches. */
export function withWildcardsFilled(pattern: string): string {
  return pattern.replace(/\*/g, 'x').replace(/\?/g, 'y');
}

/** True when `text` contains `*` or `?`. */
export function hasWildcard(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

/**
 * Whether `text` matches `pattern` exactly, with `*` and `?` as wildcards. Case-sensitive: callers
 * lower-case both sides when IAM compares case-insensitively (actions). Greedy scan that backtracks only to
 * the most recent `*`, which is enough because a later `*` can absorb anything an earlier one could.
 */
export function wildcardMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let starAt = -1;
  let resumeAt = 0;
  const pLength = pattern.length;
  const tLength = text.length;
  while (t < tLength) {
    const pc = p < pLength ? pattern.charCodeAt(p) : -1;
    if (pc === QUESTION || (pc !== STAR && pc === text.charCodeAt(t))) {
      p++;
      t++;
    } else if (pc === STAR) {
      starAt = p++;
      resumeAt = t;
    } else if (starAt !== -1) {
      p = starAt + 1;
      t = ++resumeAt;
    } else {
      return false;
    }
  }
  while (p < pLength && pattern.charCodeAt(p) === STAR) p++;
  return p === pLength;
}

/**
 * Whether `pattern` matches some text that begins with `prefix` and goes on for at least one character: a
 * session pattern `…:assumed-role/*` may name a session of role `x` (`…:assumed-role/x/` and a session name).
 */
export function wildcardMatchesLonger(pattern: string, prefix: string): boolean {
  // The pattern positions reachable after reading the prefix; a `*` may match nothing, or stay to match more.
  const withEmptyStars = (positions: Set<number>) => {
    for (const p of positions) if (pattern.charCodeAt(p) === STAR) positions.add(p + 1);
    return positions;
  };
  let positions = withEmptyStars(new Set([0]));
  for (let t = 0; t < prefix.length && positions.size > 0; t++) {
    const next = new Set<number>();
    for (const p of positions) {
      const pc = p < pattern.length ? pattern.charCodeAt(p) : -1;
      if (pc === STAR) next.add(p);
      else if (pc === QUESTION || (pc !== -1 && pc === prefix.charCodeAt(t))) next.add(p + 1);
    }
    positions = withEmptyStars(next);
  }
  // Any of the pattern left over matches at least one more character (a `*` as well as anything else).
  for (const p of positions) if (p < pattern.length) return true;
  return false;
}
