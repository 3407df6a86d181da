import {
  actionMatches,
  checkActionPattern,
  compileActionMatcher,
  compileResourceMatcher,
  expandActionPattern,
  expandActionPatterns,
  resourceMatches,
} from '../../lib/policy';
import { testCatalog } from './catalog-fixture';

describe('checkActionPattern', () => {
  it.each(['*', 's3:*', 's3:GetObject', 'ec2:Delete*', 'ec2:*Instances', 'iam:?etRole', 'S3:getobject'])(
    'accepts %s',
    (pattern) => expect(checkActionPattern(pattern)).toBeUndefined(),
  );

  it.each([
    ['', 'action is empty'],
    ['*:Delete*', 'wildcard in the service prefix'],
    ['ec*:Delete*', 'wildcard in the service prefix'],
    ['s3GetObject', 'has no service prefix'],
    [':GetObject', 'empty service prefix'],
    ['s3:', 'has no action name'],
    ['s3:Get:Object', 'more than one ":"'],
    ['s3:Get Object', 'invalid characters in the action name'],
    ['s_3:GetObject', 'invalid characters in the service prefix'],
    [' s3:GetObject', 'leading or trailing white space'],
  ])('rejects %j (%s)', (pattern, why) => expect(checkActionPattern(pattern)).toContain(why));
});

describe('actionMatches', () => {
  it.each([
    ['*', 'ec2:TerminateInstances', true],
    ['ec2:*', 'ec2:TerminateInstances', true],
    ['ec2:*', 'ec2messages:GetMessages', false],
    ['ec2:Terminate*', 'ec2:TerminateInstances', true],
    ['ec2:terminate*', 'EC2:TERMINATEINSTANCES', true],
    ['ec2:*Instances', 'ec2:StopInstances', true],
    ['ec2:*Instances', 'ec2:StopInstance', false],
    ['ec2:?topInstances', 'ec2:StopInstances', true],
    ['ec2:?topInstances', 'ec2:StoppInstances', false],
    ['ec2:Delete*', 'rds:DeleteDBInstance', false],
    ['s3:Get*', 's3:Get', true],
    ['s3:GetObject', 's3:GetObjectAcl', false],
  ])('%s vs %s → %s', (pattern, action, expected) => expect(actionMatches(pattern, action)).toBe(expected));
});

describe('compileActionMatcher', () => {
  it('agrees with actionMatches on a mixed policy', () => {
    const patterns = ['s3:GetObject', 'EC2:Delete*', 'rds:*', 'iam:?etRole', 'kms:*Key*', 'lambda:Invoke*'];
    const match = compileActionMatcher(patterns);
    const catalog = testCatalog();
    for (const { action } of catalog.actions) {
      expect([action, match(action)]).toEqual([action, patterns.some((p) => actionMatches(p, action))]);
    }
  });

  it('matches everything once "*" is among the patterns', () => {
    expect(compileActionMatcher(['s3:GetObject', '*'])('anything:AtAll')).toBe(true);
  });

  it('matches nothing with no patterns', () => {
    expect(compileActionMatcher([])('s3:GetObject')).toBe(false);
  });
});

describe('expandActionPattern', () => {
  const catalog = testCatalog();
  const names = (pattern: string) => expandActionPattern(pattern, catalog).map((a) => a.action);

  it('expands a verb prefix within one service', () => {
    expect(names('ec2:Delete*')).toEqual([
      'ec2:DeleteVolume',
      'ec2:DeleteSnapshot',
      'ec2:DeleteSecurityGroup',
      'ec2:DeleteTags',
    ]);
  });

  it('is case-insensitive', () => {
    expect(names('RDS:delete*')).toEqual(['rds:DeleteDBInstance', 'rds:DeleteDBCluster']);
  });

  it('expands "*" to the whole catalog', () => {
    expect(expandActionPattern('*', catalog)).toHaveLength(catalog.actions.length);
  });

  it('returns nothing for a misspelt action or an unknown service', () => {
    expect(names('ec2:DeleteVolumes')).toEqual([]);
    expect(names('ec3:*')).toEqual([]);
  });

  it('unions several patterns without duplicates', () => {
    const actions = expandActionPatterns(['s3:Delete*', 's3:DeleteBucket', 'dynamodb:Delete*'], catalog).map(
      (a) => a.action,
    );
    expect(actions).toEqual([
      's3:DeleteObject',
      's3:DeleteObjectVersion',
      's3:DeleteBucket',
      'dynamodb:DeleteTable',
      'dynamodb:DeleteBackup',
    ]);
  });
});

describe('resourceMatches', () => {
  it.each([
    ['*', 'arn:aws:s3:::bucket/key', true],
    ['*', '*', true],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b/c', true],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket', false],
    ['arn:aws:s3:::bucket*', 'arn:aws:s3:::bucket-logs/x', true],
    ['arn:aws:s3:::Bucket/*', 'arn:aws:s3:::bucket/key', false],
    ['arn:aws:iam::*:role/Admin', 'arn:aws:iam::111122223333:role/Admin', true],
    ['arn:aws:iam::*:role/Admin', 'arn:aws:iam::111122223333:role/admin', false],
    ['arn:aws:iam::111122223333:user/Bob', 'arn:aws:iam::111122223333:user/Bob', true],
    ['arn:aws:iam::111122223333:user/Bob', 'arn:aws:iam::111122223333:user/bob', false],
    ['arn:aws:rds:us-east-?:*:db:prod-*', 'arn:aws:rds:us-east-1:111122223333:db:prod-main', true],
    ['arn:aws:rds:us-east-?:*:db:prod-*', 'arn:aws:rds:us-west-2:111122223333:db:prod-main', false],
    // The resource segment keeps its colons: `*` there crosses them.
    ['arn:aws:logs:*:*:log-group:/app/*', 'arn:aws:logs:eu-west-1:111122223333:log-group:/app/web:log-stream:x', true],
    // A wildcard in one segment cannot swallow the next: the account must still match.
    [
      'arn:aws:logs:*:111122223333:log-group:prod',
      'arn:aws:logs:us-east-1:999999999999:log-group:x:111122223333:log-group:prod',
      false,
    ],
    // A trailing `*` on a short pattern covers the rest of the ARN (IAM User Guide, Resource element).
    ['arn:aws:s3:*', 'arn:aws:s3:::bucket/key', true],
    ['arn:aws:ec2:us-east-*', 'arn:aws:ec2:us-east-1:111122223333:instance/i-1', true],
    ['arn:aws:ec2:us-east-*', 'arn:aws:rds:us-east-1:111122223333:db:x', false],
    ['arn:aws:s3', 'arn:aws:s3:::bucket', false],
  ])('%s vs %s → %s', (pattern, arn, expected) => expect(resourceMatches(pattern, arn)).toBe(expected));
});

describe('compileResourceMatcher', () => {
  it('agrees with resourceMatches', () => {
    const patterns = [
      'arn:aws:s3:::prod-*/*',
      'arn:aws:iam::*:role/Admin',
      'arn:aws:rds:*:*:db:prod-*',
      'arn:aws:s3:*',
      'arn:aws:dynamodb:us-east-1:111122223333:table/Orders',
    ];
    const arns = [
      'arn:aws:s3:::prod-data/key',
      'arn:aws:s3:::dev-data/key',
      'arn:aws:iam::111122223333:role/Admin',
      'arn:aws:iam::111122223333:role/Dev',
      'arn:aws:rds:eu-west-1:111122223333:db:prod-main',
      'arn:aws:dynamodb:us-east-1:111122223333:table/Orders',
      'arn:aws:dynamodb:us-east-1:111122223333:table/orders',
      '*',
    ];
    // A few patterns are tried in turn, more are filed by prefix: both ways answer alike.
    for (const count of [1, 2, 4, 5]) {
      const some = patterns.slice(0, count);
      const match = compileResourceMatcher(some);
      for (const arn of arns) expect([arn, match(arn)]).toEqual([arn, some.some((p) => resourceMatches(p, arn))]);
    }
  });
});
