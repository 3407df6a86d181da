// The nesting limit guards every reader that recurses; the scan that enforces it skips strings by jumping
// from quote to quote, and must find exactly the bracket a step-by-step reading of the text finds.
import fc from 'fast-check';
import { hasDuplicateKeys, jsonNestingProblem, scanJson } from '../../lib/util/json-scan';

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

describe('hasDuplicateKeys', () => {
  const check = (text: string) => hasDuplicateKeys(text, JSON.parse(text));

  it.each([
    ['{"Effect":"Allow","Action":"*","Effect":"Deny"}', true],
    ['{"a":{"b":1,"b":2}}', true],
    ['[{"a":1},{"a":2}]', false],
    ['{"a":"x\\":","b":"\\\\","c" : {"d":[":", "\\"e\\":"]}}', false],
    ['{"a":"x\\":","a" : 1}', true],
    ['{"__proto__":1,"__proto__":2}', true],
    ['{}', false],
  ])('%s: %s', (text, expected) => {
    expect(check(text)).toBe(expected);
  });

  it('agrees with scanJson on any JSON text, with and without a key repeated', () => {
    let repeated = 0;
    fc.assert(
      fc.property(fc.json({ depthSize: 'small' }), fc.nat(), (text, pick) => {
        expect(check(text)).toBe(scanJson(text).duplicateKeys.length > 0);
        // The same text with the first key of an object after `pick` written twice.
        const start = pick % (text.length + 1);
        const match = /\{\s*("(?:[^"\\]|\\.)*")\s*:/.exec(text.slice(start));
        if (!match) return;
        const at = start + match.index;
        const twice = `${text.slice(0, at)}{${match[1]}:0,${text.slice(at + 1)}`;
        try {
          JSON.parse(twice);
        } catch {
          return; // the brace was inside a string after all
        }
        const duplicates = scanJson(twice).duplicateKeys.length > 0;
        if (duplicates) repeated++;
        expect(check(twice)).toBe(duplicates);
      }),
      { numRuns: 500, seed: 20261204 },
    );
    expect(repeated).toBeGreaterThan(50);
  });
});
