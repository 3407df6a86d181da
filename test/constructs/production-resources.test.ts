import fc from 'fast-check';
import { arnPatternsOverlap, globsOverlap, matchProductionResource } from '../../lib/constructs/production-resources';
import { wildcardMatch } from '../../lib/policy';

describe('globsOverlap', () => {
  it.each([
    ['*', 'anything', true],
    ['prod-*', 'prod-db', true],
    ['prod-*', 'dev-db', false],
    ['prod-*', '*-db', true],
    ['prod-?', 'prod-??', false],
    ['prod-??', 'pro*-a?', true],
    ['a*b', 'a*c', false],
    ['a*b*c', '*bc', true],
    ['', '*', true],
    ['', '?', false],
    ['abc', 'abc', true],
    ['abc', 'abd', false],
  ])('%s and %s overlap: %s', (a, b, expected) => {
    expect(globsOverlap(a, b)).toBe(expected);
    expect(globsOverlap(b, a)).toBe(expected);
  });

  const text = fc.string({ unit: fc.constantFrom('a', 'b', '-'), maxLength: 6 });
  const pattern = fc.string({ unit: fc.constantFrom('a', 'b', '-', '*', '?'), maxLength: 6 });

  it('agrees with wildcard matching when one side is a literal string', () => {
    fc.assert(fc.property(pattern, text, (p, t) => globsOverlap(p, t) === wildcardMatch(p, t)));
  });

  it('finds a common string whenever one is matched by both patterns', () => {
    fc.assert(
      fc.property(pattern, pattern, text, (a, b, t) => {
        if (wildcardMatch(a, t) && wildcardMatch(b, t)) return globsOverlap(a, b);
        return true;
      }),
    );
  });
});

describe('arnPatternsOverlap', () => {
  it('compares full ARNs segment by segment, so a region wildcard does not swallow the account', () => {
    expect(arnPatternsOverlap('arn:aws:rds:us-*:111111111111:db:prod-main', 'arn:aws:rds:*:*:db:prod-*')).toBe(true);
    expect(arnPatternsOverlap('arn:aws:rds:us-east-1:1*:db:dev-main', 'arn:aws:rds:*:*:db:prod-*')).toBe(false);
    expect(arnPatternsOverlap('arn:aws:s3:::prod-data/*', 'arn:aws:s3:::prod-*')).toBe(true);
    expect(arnPatternsOverlap('arn:aws:s3:::dev-data/*', 'arn:aws:s3:::prod-*')).toBe(false);
    expect(arnPatternsOverlap('arn:aws:logs:us-east-1:1:log-group:prod:*', 'arn:aws:logs:*:*:log-group:prod*')).toBe(
      true,
    );
  });

  it('falls back to whole-string overlap for short patterns', () => {
    expect(arnPatternsOverlap('arn:aws:s3:*', 'arn:aws:s3:::prod-*')).toBe(true);
    expect(arnPatternsOverlap('arn:aws:ec2:*', 'arn:aws:s3:::prod-*')).toBe(false);
  });
});

describe('matchProductionResource', () => {
  const production = { arnPatterns: ['arn:aws:rds:*:*:db:prod-*'], arns: ['arn:aws:s3:::billing'] };

  it('treats "*" as production even with no selectors configured', () => {
    expect(matchProductionResource('*', { arnPatterns: [], arns: [] })?.matchedBy).toBe('*');
  });

  it('names the selector a resource overlaps', () => {
    expect(matchProductionResource('arn:aws:s3:::bill*', production)).toMatchObject({
      matchedBy: 'arn:aws:s3:::billing',
    });
    expect(matchProductionResource('arn:aws:rds:us-east-1:111111111111:db:prod-a', production)).toMatchObject({
      matchedBy: 'arn:aws:rds:*:*:db:prod-*',
      reason: 'overlaps the production ARN pattern arn:aws:rds:*:*:db:prod-*',
    });
    expect(matchProductionResource('arn:aws:rds:us-east-1:111111111111:db:dev-a', production)).toBeUndefined();
  });

  it('does not judge unresolved tokens', () => {
    expect(matchProductionResource('${Token[TOKEN.123]}', production)).toBeUndefined();
  });
});
