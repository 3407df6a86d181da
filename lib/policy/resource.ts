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
function arnSegments(value: string): string[] {
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

/**
 * A matcher equivalent to `patterns.some((p) => resourceMatches(p, arn))`: literal ARNs in a set, wildcard
 * patterns compiled once and grouped by their service segment so an ARN is only tried against patterns
 * that can match it.
 */
export function compileResourceMatcher(patterns: readonly string[]): (arn: string) => boolean {
  if (patterns.includes('*')) return () => true;
  const exact = new Set<string>();
  const byService = new Map<string, SegmentMatcher[]>();
  const anyService: SegmentMatcher[] = [];
  for (const pattern of patterns) {
    if (!hasWildcard(pattern)) {
      exact.add(pattern);
      continue;
    }
    const parts = arnSegments(pattern);
    const matcher = segmentMatcher(pattern);
    // Only a full pattern with a literal service can be filed under it: shorter ones may absorb the
    // service segment with a trailing `*`, and non-ARN text is compared whole.
    if (parts.length === 6 && !hasWildcard(parts[2])) {
      const list = byService.get(parts[2]);
      if (list) list.push(matcher);
      else byService.set(parts[2], [matcher]);
    } else {
      anyService.push(matcher);
    }
  }
  return (arn: string): boolean => {
    if (exact.has(arn)) return true;
    const segments = arnSegments(arn);
    if (segments.length === 6) {
      const candidates = byService.get(segments[2]);
      if (candidates) for (const matcher of candidates) if (matcher(arn, segments)) return true;
    } else {
      // Not an ARN: patterns filed by service compare the whole text, so try them all.
      for (const list of byService.values()) for (const matcher of list) if (matcher(arn, segments)) return true;
    }
    for (const matcher of anyService) if (matcher(arn, segments)) return true;
    return false;
  };
}
