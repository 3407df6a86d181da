// Reports too large to hold as one string are written in pieces; the pieces must join to exactly the text
// JSON.stringify(value, null, 2) gives, wherever the lazy arrays sit, and a lazy array's items are made only
// as they are written.
import fc from 'fast-check';
import { LazyJsonArray, lazyMap, prettyJsonChunks } from '../../lib/util/json-chunks';

const joined = (value: unknown) => [...prettyJsonChunks(value)].join('');

/** Replaces some arrays of a JSON value by lazy arrays of the same items; `eager` is the plain twin. */
function withLazyArrays(value: unknown, pick: () => boolean): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => withLazyArrays(item, pick));
    return pick() ? new LazyJsonArray(items) : items;
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

  it('makes each item of a lazy array only when it is written', () => {
    const made: number[] = [];
    const chunks = prettyJsonChunks({ findings: lazyMap([1, 2, 3], (n) => (made.push(n), { n })) });
    const seen: string[] = [];
    for (const chunk of chunks) {
      seen.push(chunk);
      if (chunk.includes('"n": 1')) expect(made).toEqual([1]);
    }
    expect(made).toEqual([1, 2, 3]);
    expect(seen.join('')).toBe(JSON.stringify({ findings: [{ n: 1 }, { n: 2 }, { n: 3 }] }, null, 2));
  });
});
