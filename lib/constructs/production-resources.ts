// Which resource ARNs (or ARN patterns) in a grant can reach production, judged from the spec's ARN
// selectors. Tags cannot be known at synth time; the boundary and the SCPs cover tagged resources.
import { Token } from 'aws-cdk-lib';
import type { ProductionSelector } from '../guardrails/spec';
import { arnSegments } from '../policy';

/** Why a granted resource counts as production. */
export interface ProductionResourceMatch {
  /** The resource as written in the grant. */
  readonly resource: string;
  /** The production selector entry it overlaps (`*` when the grant is the full wildcard). */
  readonly matchedBy: string;
  readonly reason: string;
}

/**
 * Whether two IAM ARN patterns (`*` any run of characters, `?` one character) can match a common ARN.
 * A grant on `arn:aws:s3:::*` reaches `arn:aws:s3:::prod-*`, and so does `arn:aws:s3:::prod-db?`.
 * Like IAM (and lib/policy resourceMatches), two full ARNs are compared segment by segment (partition,
 * service, region, account, resource); anything else as whole strings, which can only find more overlap.
 */
export function arnPatternsOverlap(a: string, b: string): boolean {
  const left = arnSegments(a);
  const right = arnSegments(b);
  if (left.length === 6 && right.length === 6) return left.every((segment, i) => globsOverlap(segment, right[i]));
  return globsOverlap(a, b);
}

/** Whether two glob patterns (`*`, `?`) have a string in common. */
export function globsOverlap(a: string, b: string): boolean {
  // memo(i, j): the suffixes a[i..] and b[j..] can produce a common string. Every step advances i or j;
  // a character consumed by a star on both sides at once can be dropped, so that step is never needed.
  const memo = new Map<number, boolean>();
  const width = b.length + 1;
  const visit = (i: number, j: number): boolean => {
    const key = i * width + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    else if (i < a.length && a[i] === '*') result = visit(i + 1, j) || (j < b.length && visit(i, j + 1));
    else if (j < b.length && b[j] === '*') result = visit(i, j + 1) || (i < a.length && visit(i + 1, j));
    else if (i === a.length || j === b.length) result = false;
    else result = (a[i] === b[j] || a[i] === '?' || b[j] === '?') && visit(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return visit(0, 0);
}

/**
 * The production match for one granted resource, or undefined when it cannot reach a production ARN.
 * Unresolved tokens (ARNs of resources defined in the same app) are not judged here: they are not
 * literal ARNs, and the ProductionProtection aspect covers resources the app itself creates.
 */
export function matchProductionResource(
  resource: string,
  production: Pick<ProductionSelector, 'arnPatterns' | 'arns'>,
): ProductionResourceMatch | undefined {
  if (Token.isUnresolved(resource)) return undefined;
  if (resource === '*') {
    return { resource, matchedBy: '*', reason: '"*" covers every resource, production included' };
  }
  for (const arn of production.arns) {
    if (arnPatternsOverlap(resource, arn)) {
      return { resource, matchedBy: arn, reason: `reaches the production ARN ${arn}` };
    }
  }
  for (const pattern of production.arnPatterns) {
    if (arnPatternsOverlap(resource, pattern)) {
      return { resource, matchedBy: pattern, reason: `overlaps the production ARN pattern ${pattern}` };
    }
  }
  return undefined;
}
