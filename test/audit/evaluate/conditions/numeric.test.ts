import {
  NumericEquals,
  NumericGreaterThan,
  NumericGreaterThanEquals,
  NumericLessThan,
  NumericLessThanEquals,
  NumericNotEquals,
  parseNumeric,
} from '../../../../lib/audit/evaluate/conditions/numeric';

describe('numeric condition operators', () => {
  it.each([
    [NumericEquals, '10', '10', true],
    [NumericEquals, '10.0', '10', true],
    [NumericEquals, '10', '11', false],
    [NumericNotEquals, '10', '10', true],
    [NumericLessThan, '9', '10', true],
    [NumericLessThan, '10', '10', false],
    [NumericLessThanEquals, '10', '10', true],
    [NumericGreaterThan, '11', '10', true],
    [NumericGreaterThan, '-1', '0', false],
    [NumericGreaterThanEquals, '10', '10', true],
    [NumericEquals, 'ten', '10', false],
    [NumericLessThan, '1', 'abc', false],
  ])('%s(%s, %s) compares to %s', (operator, request, policy, expected) => {
    expect(operator.matches(request, policy)).toBe(expected);
  });

  it('only NumericNotEquals is negated', () => {
    expect(NumericNotEquals.negated).toBe(true);
    expect(NumericLessThan.negated).toBe(false);
  });

  it('rejects text that only starts with a number', () => {
    expect(parseNumeric('12abc')).toBeUndefined();
    expect(parseNumeric('')).toBeUndefined();
    expect(parseNumeric('1e3')).toBe(1000);
  });
});
