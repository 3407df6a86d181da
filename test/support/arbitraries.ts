// fast-check arbitraries shared by the property tests of input readers.
import fc from 'fast-check';

/** A short list of `item` with a hole at its end: JSON cannot hold one, but zod reads a hole as undefined. */
export function holeyArray(item: fc.Arbitrary<unknown>): fc.Arbitrary<unknown[]> {
  return fc.array(item, { minLength: 1, maxLength: 2 }).map((items) => {
    const holey = [...items];
    holey.length += 1;
    return holey;
  });
}
