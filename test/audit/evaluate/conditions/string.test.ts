import {
  StringEquals,
  StringEqualsIgnoreCase,
  StringLike,
  StringNotEquals,
  StringNotEqualsIgnoreCase,
  StringNotLike,
} from '../../../../lib/audit/evaluate/conditions/string';

describe('string condition operators', () => {
  it.each([
    ['StringEquals matches exactly', StringEquals, 'prod', 'prod', true],
    ['StringEquals is case-sensitive', StringEquals, 'Prod', 'prod', false],
    ['StringEquals treats * literally', StringEquals, 'prod', 'pr*', false],
    ['StringEqualsIgnoreCase ignores case', StringEqualsIgnoreCase, 'PROD', 'prod', true],
    ['StringLike matches a * wildcard', StringLike, 'prod-eu-1', 'prod-*', true],
    ['StringLike matches an empty run', StringLike, 'prod-', 'prod-*', true],
    ['StringLike ? is exactly one character', StringLike, 'db1', 'db?', true],
    ['StringLike ? does not match two characters', StringLike, 'db12', 'db?', false],
    ['StringLike is case-sensitive', StringLike, 'PROD-1', 'prod-*', false],
    ['StringLike * spans slashes', StringLike, 'a/b/c', 'a*c', true],
    ['StringLike escapes regular-expression characters', StringLike, 'a.b', 'a.b', true],
    ['StringLike does not read . as any character', StringLike, 'axb', 'a.b', false],
  ])('%s', (_title, operator, request, policy, expected) => {
    expect(operator.matches(request, policy)).toBe(expected);
  });

  it('marks the negated forms as negated and keeps the positive comparison', () => {
    expect([StringNotEquals, StringNotEqualsIgnoreCase, StringNotLike].every((op) => op.negated)).toBe(true);
    expect([StringEquals, StringEqualsIgnoreCase, StringLike].some((op) => op.negated)).toBe(false);
    expect(StringNotLike.matches('prod-1', 'prod-*')).toBe(true);
  });

  it('compares substituted variable text literally in StringLike', () => {
    // The policy value `${aws:username}*` after substitution of a user called `a*b`: the star from the
    // name must not act as a wildcard.
    expect(StringLike.matches('axxb-1', 'a*b*', [[0, 3]])).toBe(false);
    expect(StringLike.matches('a*b-1', 'a*b*', [[0, 3]])).toBe(true);
  });
});
