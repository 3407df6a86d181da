import { evaluateNull } from '../../../../lib/audit/evaluate/conditions/null';
import { MAYBE, NO, YES } from '../../../../lib/audit/evaluate/tri';

describe('Null', () => {
  it.each([
    ['absent', ['true'], YES],
    ['present', ['true'], NO],
    ['absent', ['false'], NO],
    ['present', ['false'], YES],
    ['unknown', ['true'], MAYBE],
    ['unknown', ['TRUE', 'false'], YES],
    ['present', ['maybe'], NO],
  ] as const)('key %s with Null %j', (state, values, expected) => {
    expect(evaluateNull(state, values)).toBe(expected);
  });
});
