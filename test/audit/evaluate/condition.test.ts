import { evaluateCondition } from '../../../lib/audit/evaluate/condition';
import { ABSENT, present, UNKNOWN, type KeyLookup, type KeyValue } from '../../../lib/audit/evaluate/key-value';
import { MAYBE, NO, YES } from '../../../lib/audit/evaluate/tri';
import type { NormalizedCondition } from '../../../lib/policy/types';

function condition(operator: string, key: string, values: string[]): NormalizedCondition {
  const set = /^(ForAllValues|ForAnyValue):/.exec(operator)?.[1] as NormalizedCondition['setOperator'];
  const withoutSet = operator.replace(/^(ForAllValues|ForAnyValue):/, '');
  const ifExists = withoutSet.endsWith('IfExists');
  return {
    operator,
    baseOperator: ifExists ? withoutSet.slice(0, -'IfExists'.length) : withoutSet,
    ifExists,
    setOperator: set,
    key,
    values,
  };
}

function lookup(values: Record<string, KeyValue>): KeyLookup {
  return (key) => values[key] ?? ABSENT;
}

const TAG = 'aws:ResourceTag/env';
const tag = (value: KeyValue) => lookup({ 'aws:resourcetag/env': value });

describe('evaluateCondition', () => {
  it.each([
    ['StringEquals on a present key', 'StringEquals', present(['prod']), YES],
    ['StringEquals with another value', 'StringEquals', present(['dev']), NO],
    ['StringEquals on a missing key is false', 'StringEquals', ABSENT, NO],
    ['StringNotEquals on a missing key is true', 'StringNotEquals', ABSENT, YES],
    ['StringNotLike on a missing key is true', 'StringNotLike', ABSENT, YES],
    ['StringEqualsIfExists on a missing key is true', 'StringEqualsIfExists', ABSENT, YES],
    ['StringEqualsIfExists on a present key compares', 'StringEqualsIfExists', present(['dev']), NO],
    ['StringNotEqualsIfExists on a missing key is true', 'StringNotEqualsIfExists', ABSENT, YES],
    ['an unknown key makes it depend', 'StringEquals', UNKNOWN, MAYBE],
    ['an unknown key makes a negated operator depend', 'StringNotEquals', UNKNOWN, MAYBE],
  ])('%s', (_title, operator, value, expected) => {
    expect(evaluateCondition(condition(operator, TAG, ['prod']), tag(value)).tri).toBe(expected);
  });

  it('ORs the values of one key and NORs them for negated operators', () => {
    const values = ['prod', 'staging'];
    expect(evaluateCondition(condition('StringEquals', TAG, values), tag(present(['staging']))).tri).toBe(YES);
    expect(evaluateCondition(condition('StringNotEquals', TAG, values), tag(present(['staging']))).tri).toBe(NO);
    expect(evaluateCondition(condition('StringNotEquals', TAG, values), tag(present(['dev']))).tri).toBe(YES);
  });

  it('names the key it depends on', () => {
    expect(evaluateCondition(condition('StringEquals', TAG, ['prod']), tag(UNKNOWN)).dependsOn).toEqual([TAG]);
  });

  describe('set operators on a multi-valued key', () => {
    const keys = (value: KeyValue) => lookup({ 'aws:tagkeys': value });
    it.each([
      ['ForAllValues:StringEquals, all allowed', 'ForAllValues:StringEquals', present(['env', 'team']), YES],
      ['ForAllValues:StringEquals, one not allowed', 'ForAllValues:StringEquals', present(['env', 'owner']), NO],
      ['ForAllValues on a missing key is true', 'ForAllValues:StringEquals', ABSENT, YES],
      ['ForAnyValue:StringEquals, one matches', 'ForAnyValue:StringEquals', present(['owner', 'env']), YES],
      ['ForAnyValue:StringEquals, none matches', 'ForAnyValue:StringEquals', present(['owner']), NO],
      ['ForAnyValue on a missing key is false', 'ForAnyValue:StringEquals', ABSENT, NO],
      ['ForAllValues:StringNotEquals, none listed', 'ForAllValues:StringNotEquals', present(['owner']), YES],
      ['ForAnyValue:StringNotEquals, one unlisted', 'ForAnyValue:StringNotEquals', present(['env', 'owner']), YES],
      ['ForAnyValue:StringLike with a wildcard', 'ForAnyValue:StringLike', present(['team-x']), YES],
    ])('%s', (_title, operator, value, expected) => {
      expect(evaluateCondition(condition(operator, 'aws:TagKeys', ['env', 'team', 'team-*']), keys(value)).tri).toBe(
        expected,
      );
    });

    it('a single-valued operator on several values answers only when every and some agree', () => {
      const c = condition('StringEquals', 'aws:TagKeys', ['env']);
      expect(evaluateCondition(c, keys(present(['env', 'env']))).tri).toBe(YES);
      expect(evaluateCondition(c, keys(present(['a', 'b']))).tri).toBe(NO);
      expect(evaluateCondition(c, keys(present(['env', 'b']))).tri).toBe(MAYBE);
    });
  });

  describe('Null', () => {
    it('is true for a missing key when the value is true', () => {
      expect(evaluateCondition(condition('Null', TAG, ['true']), tag(ABSENT)).tri).toBe(YES);
      expect(evaluateCondition(condition('Null', TAG, ['true']), tag(present(['x']))).tri).toBe(NO);
      expect(evaluateCondition(condition('Null', TAG, ['false']), tag(UNKNOWN)).tri).toBe(MAYBE);
    });
  });

  describe('policy variables in values', () => {
    const facts = lookup({
      'aws:principaltag/team': present(['payments']),
      'aws:resourcetag/team': present(['payments']),
      'aws:username': ABSENT,
    });
    it('substitutes a known variable', () => {
      const c = condition('StringEquals', 'aws:ResourceTag/team', ['${aws:PrincipalTag/team}']);
      expect(evaluateCondition(c, facts).tri).toBe(YES);
    });
    it('uses the default when the variable is missing', () => {
      const c = condition('StringEquals', 'aws:ResourceTag/team', ["${aws:username, 'payments'}"]);
      expect(evaluateCondition(c, facts).tri).toBe(YES);
    });
    it('a missing variable without default matches nothing', () => {
      const c = condition('StringEquals', 'aws:ResourceTag/team', ['${aws:username}']);
      expect(evaluateCondition(c, facts).tri).toBe(NO);
    });
    it('an unknown variable makes the condition depend on it', () => {
      const c = condition('StringEquals', 'aws:ResourceTag/team', ['${aws:PrincipalTag/other}']);
      const unknownTag = (key: string): KeyValue => (key === 'aws:principaltag/other' ? UNKNOWN : facts(key));
      expect(evaluateCondition(c, unknownTag)).toEqual({ tri: MAYBE, dependsOn: ['aws:PrincipalTag/other'] });
    });
    it('${*} is a literal star, not a wildcard', () => {
      const c = condition('StringLike', 'aws:ResourceTag/team', ['pay${*}']);
      expect(evaluateCondition(c, facts).tri).toBe(NO);
      expect(evaluateCondition(c, lookup({ 'aws:resourcetag/team': present(['pay*']) })).tri).toBe(YES);
    });
    it('is not applied for operators without policy-variable support', () => {
      const c = condition('NumericEquals', 'aws:ResourceTag/team', ['${aws:PrincipalTag/team}']);
      expect(evaluateCondition(c, facts).tri).toBe(NO);
    });
  });

  it('never claims an answer for an operator it does not know', () => {
    expect(evaluateCondition(condition('StringSoundsLike', TAG, ['prod']), tag(present(['prod']))).tri).toBe(MAYBE);
  });
});
