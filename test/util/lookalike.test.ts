import fc from 'fast-check';
import { editDistance, typoDistance } from '../../lib/util/edit-distance';
import { isLookalike, isMisspelling, lookalikeSkeleton, revealed } from '../../lib/util/lookalike';

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

describe('typoDistance and isMisspelling', () => {
  it('counts a swap of neighbours as one slip, and is a distance', () => {
    expect(typoDistance('prdo', 'prod')).toBe(1);
    expect(editDistance('prdo', 'prod')).toBe(2);
    expect(typoDistance('prodution', 'production')).toBe(1);
    expect(typoDistance('', 'prod')).toBe(4);
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = typoDistance(a, b);
        expect(d).toBe(typoDistance(b, a));
        expect(d).toBeLessThanOrEqual(editDistance(a, b));
        expect(d === 0).toBe(a === b);
      }),
    );
  });

  it.each([
    ['prodution', 'production', 'a dropped letter'],
    ['prodcution', 'production', 'two letters swapped'],
    ['productoin', 'production', 'two letters swapped at the end'],
    ['porduction', 'production', 'a swap at the start'],
    ['produktion', 'production', 'a changed letter'],
    ['productions', 'production', 'an added letter'],
    ['prodction ', 'production', 'a dropped letter and a space'],
    ['prd', 'prod', 'a dropped letter of a short word'],
    ['prdo', 'prod', 'a swap in a short word'],
    ['enviroment', 'environment', 'a dropped letter in a key'],
    ['envirnoment', 'environment', 'a swap in a key'],
    ['pr\u043edution', 'production', 'a Cyrillic о and a dropped letter'],
  ])('calls %j a typo of %j (%s)', (written, meant) => {
    expect(isMisspelling(written, meant)).toBe(true);
  });

  it.each([
    ['production', 'production', 'the same word'],
    ['PRODUCTION', 'production', 'another case'],
    ['prod ', 'prod', 'a lookalike, not a typo'],
    ['preprod', 'prod', 'another word'],
    ['nonprod', 'prod', 'another word'],
    ['product', 'prod', 'three letters more'],
    ['prodution-copy', 'production', 'more than two letters apart'],
    ['qb', 'qa', 'a word too short to tell'],
    ['dev', 'prod', 'another word'],
    ['staging', 'production', 'another word'],
  ])('does not call %j a typo of %j (%s)', (written, meant) => {
    expect(isMisspelling(written, meant)).toBe(false);
  });
});
