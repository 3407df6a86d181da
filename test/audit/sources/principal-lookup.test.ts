import { principalLookup } from '../../../lib/audit/sources/principal-lookup';
import { principal, snapshot } from '../evaluate/helpers';

describe('principalLookup', () => {
  const account = snapshot({
    principals: [
      principal('Admin'),
      principal('ops', { kind: 'group' }),
      principal('ops', { kind: 'user' }),
      principal('deploy', { kind: 'user' }),
    ],
  });
  const lookup = principalLookup(account);
  const [admin, opsGroup, opsUser] = account.principals;

  it('finds users and roles by exact ARN, and groups only by name or through withArn', () => {
    expect(lookup.member(admin.arn)).toBe(admin);
    expect(lookup.member(opsUser.arn)).toBe(opsUser);
    expect(lookup.member(opsGroup.arn)).toBeUndefined();
    expect(lookup.withArn(opsGroup.arn)).toBe(opsGroup);
    expect(lookup.group('ops')).toBe(opsGroup);
    expect(lookup.group('OPS')).toBeUndefined();
    expect(lookup.member(admin.arn.toLowerCase())).toBeUndefined();
  });

  it('finds a role by its name in any case, as IAM names are unique regardless of case; never a user', () => {
    expect(lookup.roleNamed('admin')).toBe(admin);
    expect(lookup.roleNamed('ADMIN')).toBe(admin);
    expect(lookup.roleNamed('deploy')).toBeUndefined();
  });

  it('answers the first principal listed, as a scan would, and is made once per snapshot', () => {
    const twice = { ...account, principals: [...account.principals, { ...admin, tags: { copy: 'yes' } }] };
    expect(principalLookup(twice).member(admin.arn)).toBe(admin);
    expect(principalLookup(account)).toBe(lookup);
  });
});
