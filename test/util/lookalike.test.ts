import fc from 'fast-check';
import { isLookalike, lookalikeSkeleton, revealed } from '../../lib/util/lookalike';

describe('lookalikeSkeleton and isLookalike', () => {
  it.each([
    ['prod ', 'prod', 'a trailing space'],
    [' production', 'production', 'a leading space'],
    ['prod\u00a0', 'prod', 'a no-break space'],
    ['pr\u043ed', 'prod', 'a Cyrillic о'],
    ['\u0440rod', 'prod', 'a Cyrillic р'],
    ['pr\u03bfd', 'prod', 'a Greek ο'],
    ['\uff50\uff52\uff4f\uff44', 'prod', 'full-width letters'],
    ['pr0d', 'prod', 'a zero for an o'],
    ['pro\u200bd', 'prod', 'a zero-width space'],
    ['prod\u202e', 'prod', 'a bidi override'],
    ['env\u0456ronment', 'environment', 'a Cyrillic і in a key'],
    ['PRODUCT\u0406ON ', 'production', 'upper case, a Cyrillic І and a space'],
  ])('reads %j as %j (%s)', (written, meant) => {
    expect(isLookalike(written, meant)).toBe(true);
  });

  it.each([
    ['prod', 'prod'],
    ['Prod', 'prod'],
    ['PRODUCTION', 'production'],
    ['dev', 'prod'],
    ['preprod', 'prod'],
    ['prod2', 'prod'],
    ['production-like', 'production'],
    ['prd', 'prod'],
  ])('does not call %j a lookalike of %j (equal ignoring case, or another word)', (written, meant) => {
    expect(isLookalike(written, meant)).toBe(false);
  });

  it('never calls a text a lookalike of itself in any case, and ignores spaces around any text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(isLookalike(text, text)).toBe(false);
        expect(isLookalike(text.toUpperCase(), text)).toBe(false);
        expect(lookalikeSkeleton(` ${text}\t`)).toBe(lookalikeSkeleton(text));
      }),
    );
  });

  it('shows what a reader cannot see', () => {
    expect(revealed('prod ')).toBe('"prod "');
    expect(revealed('pr\u043ed')).toBe('"pr\\u043ed"');
    expect(revealed('pro\u200bd')).toBe('"pro\\u200bd"');
  });
});
