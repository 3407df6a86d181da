// IAM's two wildcards, `*` (any run of characters, possibly empty) and `?` (exactly one character), matched
// without building regular expressions, so hot paths never compile anything per call.

const STAR = 42; // '*'
const QUESTION = 63; // '?'

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
