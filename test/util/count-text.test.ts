import { countText } from '../../lib/util/count-text';

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
