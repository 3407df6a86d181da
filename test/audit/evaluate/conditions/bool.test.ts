import { Bool } from '../../../../lib/audit/evaluate/conditions/bool';

describe('Bool', () => {
  it.each([
    ['true', 'true', true],
    ['TRUE', 'true', true],
    ['false', 'true', false],
    ['false', 'False', true],
    ['yes', 'true', false],
    ['1', 'true', false],
  ])('request %s against policy %s is %s', (request, policy, expected) => {
    expect(Bool.matches(request, policy)).toBe(expected);
  });
});
