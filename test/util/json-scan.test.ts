// The nesting limit guards every reader that recurses; the scan that enforces it skips strings by jumping
// from quote to quote, and must find exactly the bracket a step-by-step reading of the text finds.
import fc from 'fast-check';
import { jsonNestingProblem } from '../../lib/util/json-scan';

/** The plain reading: one character at a time, a backslash in a string skipping the next one. */
function stepByStep(text: string, limit: number): { offset: number } | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i++;
      else if (code === 0x22) inString = false;
      continue;
    }
    if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) {
      if (++depth > limit) return { offset: i };
    } else if (code === 0x7d || code === 0x5d) depth--;
  }
  return undefined;
}

describe('jsonNestingProblem', () => {
  it('finds the first bracket past the limit, or none, as a step-by-step reading does (any text)', () => {
    const text = fc.string({ unit: fc.constantFrom('"', '\\', '[', ']', '{', '}', 'a', ' '), maxLength: 60 });
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 4 }), (t, limit) => {
        expect(jsonNestingProblem(t, limit)).toEqual(stepByStep(t, limit));
      }),
      { numRuns: 5000 },
    );
  });

  it('ignores brackets and escaped quotes inside strings of JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 6 }), (value, limit) => {
        const text = JSON.stringify(value, null, 1);
        expect(jsonNestingProblem(text, limit)).toEqual(stepByStep(text, limit));
      }),
      { numRuns: 1000 },
    );
  });

  it('names the offset of the first bracket past the limit', () => {
    const text = `{"a": "[[[\\"[[[", "b": [[[[1]]]]}`;
    expect(jsonNestingProblem(text, 3)).toEqual({ offset: text.indexOf('[[[[') + 2 });
    expect(jsonNestingProblem(text, 5)).toBeUndefined();
  });

  it('reads an unterminated string to the end', () => {
    expect(jsonNestingProblem('["[[[[', 1)).toBeUndefined();
    expect(jsonNestingProblem('[[ "\\" [[', 1)).toEqual({ offset: 1 });
  });
});
