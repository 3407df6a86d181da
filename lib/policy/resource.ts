// Resource patterns (`arn:aws:s3:::bucket/*`) matched against ARNs the way IAM does: case-sensitive, `*` and
// `?` wildcards, compared segment by segment.
//
// Source: IAM User Guide, "IAM JSON policy elements: Resource", section "Using wildcards in resource ARNs":
// wildcards may be used within the individual segments of an ARN (the parts separated by colons), several
// per segment; `*` expands over everything inside a segment including `/`; and when `*` is the last
// character of a segment it "can expand to match beyond the colon boundaries". ARNs are case-sensitive
// (the same page: "the IAM user name is case sensitive"). We read that as:
//   - `*` alone matches every resource;
//   - an ARN has six segments: `arn`, partition, service, region, account, and the resource, which is
//     everything after the fifth colon and may itself contain colons (`log-group:name:*`);
//   - a six-segment pattern matches segment by segment, so a wildcard in the region cannot swallow the
//     account; inside the resource segment `*` crosses `/` and `:` alike;
//   - a pattern with fewer segments whose last segment ends in `*` matches the rest of the ARN from there
//     on (`arn:aws:s3:*` covers every S3 ARN); any other short pattern matches no six-segment ARN;
//   - a value that is not a six-segment ARN (`*` as a request resource, a bare name) is compared as a
//     whole string.
import { hasWildcard, wildcardMatch } from './wildcard';

/** Splits into at most six segments; the sixth keeps its colons. */
export function arnSegments(value: string): string[] {
  const segments: string[] = [];
  let start = 0;
  while (segments.length < 5) {
    const colon = value.indexOf(':', start);
    if (colon === -1) break;
    segments.push(value.slice(start, colon));
    start = colon + 1;
  }
  segments.push(value.slice(start));
  return segments;
}

type SegmentMatcher = (arn: string, segments: readonly string[]) => boolean;

function segmentMatcher(pattern: string): SegmentMatcher {
  const parts = arnSegments(pattern);
  if (parts.length === 6) {
    return (arn, segments) => {
      if (segments.length !== 6) return wildcardMatch(pattern, arn);
      for (let i = 0; i < 6; i++) if (!wildcardMatch(parts[i], segments[i])) return false;
      return true;
    };
  }
  const last = parts.length - 1;
  if (!parts[last].endsWith('*')) {
    return (arn, segments) => segments.length !== 6 && wildcardMatch(pattern, arn);
  }
  return (arn, segments) => {
    if (segments.length !== 6) return wildcardMatch(pattern, arn);
    for (let i = 0; i < last; i++) if (!wildcardMatch(parts[i], segments[i])) return false;
    return wildcardMatch(parts[last], segments.slice(last).join(':'));
  };
}

/** Whether `arn` matches the resource pattern (case-sensitive; `*` and `?`; see the module comment). */
export function resourceMatches(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  if (!hasWildcard(pattern)) return pattern === arn;
  return segmentMatcher(pattern)(arn, arnSegments(arn));
}

/** The text before the first wildcard: every ARN a pattern matches starts with it (segments compare in order). */
function literalPrefix(pattern: string): string {
  const star = pattern.indexOf('*');
  const question = pattern.indexOf('?');
  const first = star === -1 ? question : question === -1 ? star : Math.min(star, question);
  return pattern.slice(0, first);
}

/**
 * Up to this many patterns are tried one after another: most statements name one or two resources, and an
 * audit keeps a matcher per statement, for which a set and a map of prefixes cost more than they save.
 */
const FEW_PATTERNS = 4;

/** A wildcard pattern compiled, with the text every ARN it matches starts with. */
interface WildcardPattern {
  readonly prefix: string;
  readonly matches: SegmentMatcher;
}

const compileTest = (pattern: string): string | WildcardPattern =>
  hasWildcard(pattern) ? { prefix: literalPrefix(pattern), matches: segmentMatcher(pattern) } : pattern;

/**
 * compileResourceMatcher() for a few patterns, none of them `*`: each tried in turn, as that one would. The
 * first question is answered by resourceMatches and the patterns are compiled for a second: most of an
 * audit's matchers are asked once (1,000 roles: 2,092 matchers, 2,652 questions).
 */
function fewPatternsMatcher(patterns: readonly string[]): (arn: string) => boolean {
  const list = [...patterns];
  let asked = false;
  let tests: (string | WildcardPattern)[] | undefined;
  return (arn: string): boolean => {
    if (!asked) {
      asked = true;
      for (let i = 0; i < list.length; i++) if (resourceMatches(list[i], arn)) return true;
      return false;
    }
    tests ??= list.map(compileTest);
    let segments: string[] | undefined;
    for (let i = 0; i < tests.length; i++) {
      const test = tests[i];
      if (typeof test === 'string') {
        if (test === arn) return true;
      } else if (arn.startsWith(test.prefix)) {
        segments ??= arnSegments(arn);
        if (test.matches(arn, segments)) return true;
      }
    }
    return false;
  };
}

/**
 * A matcher equivalent to `patterns.some((p) => resourceMatches(p, arn))`: literal ARNs in a set, wildcard
 * patterns compiled once and filed under their literal prefix, so an ARN is tried only against patterns
 * whose fixed part it starts with (one map look-up per distinct prefix length).
 */
export function compileResourceMatcher(patterns: readonly string[]): (arn: string) => boolean {
  if (patterns.includes('*')) return () => true;
  if (patterns.length <= FEW_PATTERNS) return fewPatternsMatcher(patterns);
  const exact = new Set<string>();
  const byPrefix = new Map<string, SegmentMatcher[]>();
  for (const pattern of patterns) {
    if (!hasWildcard(pattern)) {
      exact.add(pattern);
      continue;
    }
    const prefix = literalPrefix(pattern);
    const list = byPrefix.get(prefix);
    if (list) list.push(segmentMatcher(pattern));
    else byPrefix.set(prefix, [segmentMatcher(pattern)]);
  }
  const lengths = [...new Set([...byPrefix.keys()].map((prefix) => prefix.length))].sort((a, b) => a - b);
  return (arn: string): boolean => {
    if (exact.has(arn)) return true;
    let segments: string[] | undefined;
    for (const length of lengths) {
      if (length > arn.length) break;
      const candidates = byPrefix.get(arn.slice(0, length));
      if (!candidates) continue;
      segments ??= arnSegments(arn);
      for (const matcher of candidates) if (matcher(arn, segments)) return true;
    }
    return false;
  };
}

/** The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`); `aws` when it names none. */
export function partitionOf(arn: string | undefined): string {
  const part = arn?.split(':')[1];
  return part ? part : 'aws';
}
