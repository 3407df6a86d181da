import {
  DateEquals,
  DateGreaterThan,
  DateGreaterThanEquals,
  DateLessThan,
  DateLessThanEquals,
  DateNotEquals,
  parseDate,
} from '../../../../lib/audit/evaluate/conditions/date';

describe('date condition operators', () => {
  it.each([
    [DateLessThan, '2026-01-01T00:00:00Z', '2026-06-01T00:00:00Z', true],
    [DateLessThan, '2026-06-01T00:00:00Z', '2026-06-01T00:00:00Z', false],
    [DateLessThanEquals, '2026-06-01T00:00:00Z', '2026-06-01T00:00:00Z', true],
    [DateGreaterThan, '2027-01-01T00:00:00Z', '2026-06-01', true],
    [DateGreaterThanEquals, '2026-06-01', '2026-06-01T00:00:00Z', true],
    [DateEquals, '1767225600', '2026-01-01T00:00:00Z', true],
    [DateNotEquals, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', true],
    [DateEquals, '2026-01-01T01:00:00+01:00', '2026-01-01T00:00:00Z', true],
    [DateLessThan, 'next tuesday', '2026-01-01T00:00:00Z', false],
  ])('%s(%s, %s) compares to %s', (operator, request, policy, expected) => {
    expect(operator.matches(request, policy)).toBe(expected);
  });

  it('reads epoch seconds and ISO 8601, nothing else', () => {
    expect(parseDate('0')).toBe(0);
    expect(parseDate('2026-01-01T00:00:00Z')).toBe(Date.UTC(2026, 0, 1));
    expect(parseDate('January 1, 2026')).toBeUndefined();
  });

  it('only DateNotEquals is negated', () => {
    expect(DateNotEquals.negated).toBe(true);
    expect(DateEquals.negated).toBe(false);
  });
});
