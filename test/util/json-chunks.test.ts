// Reports too large to hold as one string are written in pieces; the pieces must join to exactly the text
// JSON.stringify(value, null, 2) gives, wherever the lazy arrays sit, and a lazy array's items are made only
// as they are written.
import fc from 'fast-check';
import { LazyJsonArray, lazyMap, prettyJsonChunks } from '../../lib/util/json-chunks';

const joined = (value: unknown) => [...prettyJsonChunks(value)].join('');

/**
 * Replaces some arrays of a JSON value by lazy arrays of the same items; a lazy array's items stay plain (they
 * are written by one JSON.stringify per batch).
 */
function withLazyArrays(value: unknown, pick: () => boolean): unknown {
  if (Array.isArray(value)) {
    return pick() ? new LazyJsonArray(value) : value.map((item) => withLazyArrays(item, pick));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withLazyArrays(item, pick)]));
  }
  return value;
}

describe('prettyJsonChunks', () => {
  it('joins to the text of JSON.stringify(value, null, 2) wherever lazy arrays sit', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.infiniteStream(fc.boolean()), (value, coins) => {
        const lazy = withLazyArrays(value, () => coins.next().value);
        expect(joined(lazy)).toBe(JSON.stringify(value, null, 2));
      }),
      { numRuns: 500 },
    );
  });

  it('writes empty lazy arrays as [] at any depth', () => {
    const value = { a: new LazyJsonArray([]), b: [new LazyJsonArray([])], c: {} };
    expect(joined(value)).toBe(JSON.stringify({ a: [], b: [[]], c: {} }, null, 2));
  });

  it('leaves out of objects, and writes as null in arrays, what JSON cannot write', () => {
    const value = {
      skipped: undefined,
      fn: () => 1,
      kept: new LazyJsonArray([undefined, () => 1, 1, { inner: undefined, date: new Date(0) }]),
    };
    expect(joined(value)).toBe(JSON.stringify({ kept: [null, null, 1, { date: new Date(0) }] }, null, 2));
  });

  it('makes the items of a lazy array a batch at a time as they are written, not all first', () => {
    const made: number[] = [];
    const numbers = Array.from({ length: 100_000 }, (_, n) => n);
    const chunks = prettyJsonChunks({ findings: lazyMap(numbers, (n) => (made.push(n), { n, text: 'x'.repeat(50) })) });
    const seen: string[] = [];
    for (const chunk of chunks) {
      seen.push(chunk);
      if (chunk.includes('"n": 0,')) expect(made.length).toBeLessThan(numbers.length);
    }
    expect(made).toEqual(numbers);
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.join('')).toBe(
      JSON.stringify({ findings: numbers.map((n) => ({ n, text: 'x'.repeat(50) })) }, null, 2),
    );
  });

  it('indents the items of lazy arrays at any depth across many batches', () => {
    const items = Array.from({ length: 20_000 }, (_, n) => ({
      n,
      list: [n, [n], { deep: { er: [] } }],
      no: undefined,
    }));
    for (let depth = 0; depth < 7; depth++) {
      let lazy: unknown = new LazyJsonArray(items);
      let eager: unknown = items;
      for (let level = 0; level < depth; level++) {
        lazy = level % 2 ? [lazy] : { level: lazy };
        eager = level % 2 ? [eager] : { level: eager };
      }
      expect(joined(lazy)).toBe(JSON.stringify(eager, null, 2));
    }
  });

  it('refuses a lazy array inside an item of a lazy array instead of writing it wrong', () => {
    const value = new LazyJsonArray([{ inner: new LazyJsonArray([1]) }]);
    expect(() => joined(value)).toThrow(/LazyJsonArray inside an item/);
  });
});
