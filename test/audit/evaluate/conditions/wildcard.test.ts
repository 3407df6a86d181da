import fc from 'fast-check';
import { globMatches, globToRegExp } from '../../../../lib/audit/evaluate/conditions/wildcard';

describe('condition globs', () => {
  it('a pattern without wildcards matches only itself', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(!/[*?]/.test(a));
        expect(globMatches(b, a)).toBe(a === b);
      }),
    );
  });

  it('prefix* matches every extension of the prefix', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (prefix, rest) => {
        fc.pre(!/[*?]/.test(prefix));
        expect(globMatches(prefix + rest, `${prefix}*`)).toBe(true);
      }),
    );
  });

  it('matches across line breaks and ignores case only when asked', () => {
    expect(globMatches('a\nb', 'a*b')).toBe(true);
    expect(globMatches('ABC', 'a*c')).toBe(false);
    expect(globMatches('ABC', 'a*c', true)).toBe(true);
    expect(globToRegExp('a(b)*').test('a(b)xyz')).toBe(true);
  });
});
