import {
  ArnEquals,
  ArnLike,
  ArnNotEquals,
  ArnNotLike,
  arnMatches,
  arnParts,
} from '../../../../lib/audit/evaluate/conditions/arn';

describe('ARN condition operators', () => {
  it.each([
    ['arn:aws:iam::111122223333:role/admin', 'arn:aws:iam::111122223333:role/admin', true],
    ['arn:aws:iam::111122223333:role/admin', 'arn:aws:iam::*:role/admin', true],
    ['arn:aws:iam::111122223333:role/admin', 'arn:aws:iam::*:role/*', true],
    ['arn:aws:iam::111122223333:role/path/admin', 'arn:aws:iam::*:role/*', true],
    ['arn:aws:iam::111122223333:role/Admin', 'arn:aws:iam::*:role/admin', false],
    ['arn:aws:iam::111122223333:role/admin', 'arn:aws:iam::11112222333?:role/admin', true],
    ['arn:aws:sqs:eu-west-1:111122223333:queue', 'arn:aws:sqs:*:111122223333:*', true],
    // A wildcard in the region part cannot swallow the account part.
    ['arn:aws:sqs:eu-west-1:111122223333:queue', 'arn:aws:sqs:*:queue', false],
    ['arn:aws:logs:eu-west-1:111122223333:log-group:a:b', 'arn:aws:logs:*:*:log-group:a:*', true],
    ['anything', '*', true],
    ['not-an-arn', 'arn:aws:iam::*:role/*', false],
  ])('%s against %s is %s', (request, policy, expected) => {
    expect(arnMatches(request, policy)).toBe(expected);
  });

  it('ArnEquals and ArnLike behave alike; the Not forms are negated', () => {
    expect(ArnEquals.matches('arn:aws:s3:::b', 'arn:aws:s3:::*')).toBe(
      ArnLike.matches('arn:aws:s3:::b', 'arn:aws:s3:::*'),
    );
    expect(ArnNotEquals.negated && ArnNotLike.negated).toBe(true);
    expect(ArnEquals.negated || ArnLike.negated).toBe(false);
  });

  it('keeps colons of the resource part together', () => {
    expect(arnParts('arn:aws:logs:r:1:log-group:a:b')).toEqual(['arn', 'aws', 'logs', 'r', '1', 'log-group:a:b']);
    expect(arnParts('arn:aws:s3')).toBeUndefined();
  });
});

describe('short ARN patterns', () => {
  it('match only when the last part ends in * and absorbs the rest', () => {
    expect(arnMatches('arn:aws:s3:::bucket/key', 'arn:aws:s3:*')).toBe(true);
    expect(arnMatches('arn:aws:sqs:eu-west-1:111122223333:queue', 'arn:aws:s3:*')).toBe(false);
  });
});
