// One reading of an `AWS` principal value for trusts, resource policies, templates and the CI gate.
import { awsPrincipal } from '../../lib/policy/principals';

describe('awsPrincipal', () => {
  it.each([
    ['*', { kind: 'everyone' }],
    ['111122223333', { kind: 'account', accountId: '111122223333' }],
    ['arn:aws:iam::111122223333:root', { kind: 'account', accountId: '111122223333' }],
    ['arn:aws-cn:iam::111122223333:root', { kind: 'account', accountId: '111122223333' }],
    [
      'arn:aws:iam::111122223333:role/agent',
      {
        kind: 'role',
        accountId: '111122223333',
        arn: 'arn:aws:iam::111122223333:role/agent',
        path: '/',
        name: 'agent',
      },
    ],
    [
      'arn:aws:iam::111122223333:user/team/ops/bob',
      {
        kind: 'user',
        accountId: '111122223333',
        arn: 'arn:aws:iam::111122223333:user/team/ops/bob',
        path: '/team/ops/',
        name: 'bob',
      },
    ],
    [
      'arn:aws:sts::111122223333:assumed-role/agent/fix-bug',
      { kind: 'role-session', accountId: '111122223333', roleName: 'agent', session: 'fix-bug' },
    ],
  ])('reads %s', (value, expected) => {
    expect(awsPrincipal(value)).toEqual(expected);
  });

  it('keeps `*` and `?` in a role or user ARN as written: IAM allows no pattern there', () => {
    expect(awsPrincipal('arn:aws:iam::111122223333:role/*')).toMatchObject({ kind: 'role', name: '*', path: '/' });
  });

  it.each([
    'arn:aws:iam::*:role/agent',
    'arn:aws:iam::111122223333:role/',
    'arn:aws:sts::111122223333:federated-user/bob',
    'AROAEXAMPLEID12345678',
    '11112222333',
    'arn:aws:iam::111122223333:group/admins',
  ])('reads %s as no principal it can name', (value) => {
    expect(awsPrincipal(value)).toEqual({ kind: 'other' });
  });
});
