import { principalTagChoices } from '../../../lib/audit/graph/tag-choices';
import { allow, deny, doc, snapshot } from '../rules/helpers';

/** The tags `dev` would set on itself, given its policies (and tags). */
function choices(statements: object[], tags: Record<string, string> = {}, managed?: Record<string, unknown>) {
  const account = snapshot({
    principals: [{ name: 'dev', tags, policies: [doc(...statements)], managed: managed ? Object.keys(managed) : [] }],
    managed,
  });
  return Object.fromEntries(principalTagChoices(account.principals[0], account));
}
const on = (operator: string, key: string, value: unknown) => ({ Condition: { [operator]: { [key]: value } } });

describe('principalTagChoices (the tags a principal would set on itself to meet its own grants)', () => {
  it('reads the value an Allow asks for, the key lower-cased as IAM compares condition keys', () => {
    expect(choices([allow('*', '*', on('StringEquals', 'aws:PrincipalTag/Team', 'platform'))])).toEqual({
      team: 'platform',
    });
  });

  it('fills a StringLike pattern, and takes the first value of a list', () => {
    expect(choices([allow('*', '*', on('StringLike', 'aws:PrincipalTag/team', ['plat*', 'ops']))])).toEqual({
      team: 'platx',
    });
  });

  it('asks nothing of a tag it carries (IgnoreCase: in any case), of IfExists, ForAllValues, a Deny or a variable', () => {
    expect(choices([allow('*', '*', on('StringEquals', 'aws:PrincipalTag/team', 'ops'))], { team: 'ops' })).toEqual({});
    expect(
      choices([allow('*', '*', on('StringEqualsIgnoreCase', 'aws:PrincipalTag/team', 'OPS'))], { team: 'ops' }),
    ).toEqual({});
    expect(choices([allow('*', '*', on('StringEqualsIfExists', 'aws:PrincipalTag/team', 'ops'))])).toEqual({});
    expect(choices([allow('*', '*', on('ForAllValues:StringEquals', 'aws:PrincipalTag/team', 'ops'))])).toEqual({});
    expect(choices([deny('*', '*', on('StringEquals', 'aws:PrincipalTag/team', 'ops'))])).toEqual({});
    expect(choices([allow('*', '*', on('StringEquals', 'aws:PrincipalTag/team', '${aws:username}'))])).toEqual({});
  });

  it('reads managed policies too, and passes over one it cannot parse', () => {
    const grant = doc(allow('*', '*', on('StringEquals', 'aws:PrincipalTag/admin', 'true')));
    expect(choices([allow('s3:GetObject')], {}, { grant })).toEqual({ admin: 'true' });
    expect(choices([allow('s3:GetObject')], {}, { broken: { Statement: [{ Effect: 'Maybe' }] } })).toEqual({});
  });
});
