import { countText, firstFew } from '../../lib/util/count-text';

describe('countText', () => {
  it('writes every count as toLocaleString("en-US") does', () => {
    const counts = [0, 7, 999, 1000, 1505, 22056, 999999, 1000000, 123456789, Number.MAX_SAFE_INTEGER];
    for (let value = 0; value < 20000; value += 37) counts.push(value, value * 1009);
    for (const value of counts) expect(countText(value)).toBe(value.toLocaleString('en-US'));
  });

  it('leaves what is not a count to ICU: negatives, -0, fractions, unsafe integers, NaN', () => {
    for (const value of [-1, -1234, -0, 1.5, 1234.5678, 2 ** 60, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(countText(value)).toBe(value.toLocaleString('en-US'));
    }
  });
});

describe('firstFew', () => {
  it('names the first few and counts the rest, or names them all', () => {
    expect(firstFew(['a', 'b', 'c'], 3)).toBe('a, b, c');
    expect(firstFew(['a', 'b', 'c', 'd'], 2)).toBe('a, b and 2 more');
    expect(
      firstFew(
        Array.from({ length: 1234 }, (_, i) => `r${i}`),
        1,
      ),
    ).toBe('r0 and 1,233 more');
    expect(firstFew([], 3)).toBe('');
  });
});
