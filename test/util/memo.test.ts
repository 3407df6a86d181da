import { memoize2 } from '../../lib/util/memo';

describe('memoize2()', () => {
  it('makes the value for a pair of keys once and returns the same object after', () => {
    const outer = new WeakMap<object, Map<string, { n: number }>>();
    const first = {};
    let made = 0;
    const get = (key: object, second: string) =>
      memoize2(
        outer,
        key,
        second,
        () => new Map(),
        () => ({ n: ++made }),
      );
    const a = get(first, 'x');
    expect(get(first, 'x')).toBe(a);
    expect(get(first, 'y')).not.toBe(a);
    expect(get({}, 'x')).not.toBe(a);
    expect(made).toBe(3);
  });

  it('keeps an empty array as a made value (only undefined means not made)', () => {
    const outer = new Map<string, Map<string, number[]>>();
    let made = 0;
    const get = () =>
      memoize2(
        outer,
        'a',
        'b',
        () => new Map(),
        () => (made++, []),
      );
    expect(get()).toBe(get());
    expect(made).toBe(1);
  });
});
