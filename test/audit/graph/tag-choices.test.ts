import { principalTagChoices, TagChoices, tagSpellings } from '../../../lib/audit/graph/tag-choices';
import { allow, deny, doc, FULL_ACCESS_LEVEL, snapshot } from '../rules/helpers';

/** The tags `dev` would set on itself, given its policies (and tags). */
function choices(statements: object[], tags: Record<string, string> = {}, managed?: Record<string, unknown>) {
  const account = snapshot({
    principals: [{ name: 'dev', tags, policies: [doc(...statements)], managed: managed ? Object.keys(managed) : [] }],
    managed,
  });
  return Object.fromEntries(principalTagChoices(account.principals[0], account));
}
const on = (operator: string, key: string, value: unknown) => ({ Condition: { [operator]: { [key]: value } } });

describe('principalTagChoices (the tags a principal would set on itself to meet its grants or escape a Deny)', () => {
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
    // A Deny on a tag it does not carry does not deny it.
    expect(choices([deny('*', '*', on('StringEquals', 'aws:PrincipalTag/team', 'ops'))])).toEqual({});
    expect(choices([allow('*', '*', on('StringEquals', 'aws:PrincipalTag/team', '${aws:username}'))])).toEqual({});
  });

  describe('the Deny statements it escapes by a tag, in its own policies or in the SCPs above it', () => {
    /** The tags `dev` would set under one SCP Deny with this condition. */
    const underScp = (condition: object, tags: Record<string, string> = {}) => {
      const account = snapshot({
        principals: [{ name: 'dev', tags, policies: [doc(allow('*'))] }],
        scps: [FULL_ACCESS_LEVEL([{ name: 'deny', document: doc(deny('*', '*', { Condition: condition })) }])],
      });
      return Object.fromEntries(principalTagChoices(account.principals[0], account));
    };

    it('sets the value a negated test exempts, unless it carries it', () => {
      expect(underScp({ StringNotEquals: { 'aws:PrincipalTag/breakglass': 'true' } })).toEqual({ breakglass: 'true' });
      expect(underScp({ StringNotLike: { 'aws:PrincipalTag/team': 'ops-*' } })).toEqual({ team: 'ops-x' });
      expect(underScp({ StringNotEquals: { 'aws:PrincipalTag/breakglass': 'true' } }, { breakglass: 'true' })).toEqual(
        {},
      );
    });

    it('changes a tag a positive test denies, and sets one an IfExists form or Null denies when absent', () => {
      expect(underScp({ StringEquals: { 'aws:PrincipalTag/leash:agent': 'true' } }, { 'leash:agent': 'true' })).toEqual(
        { 'leash:agent': 'leash-other' },
      );
      expect(underScp({ StringEquals: { 'aws:PrincipalTag/leash:agent': 'true' } })).toEqual({});
      expect(underScp({ StringEqualsIfExists: { 'aws:PrincipalTag/tier': 'low' } })).toEqual({ tier: 'leash-other' });
      expect(underScp({ Null: { 'aws:PrincipalTag/owner': 'true' } })).toEqual({ owner: 'leash-other' });
      // Denied while present: only removing the tag escapes, which a tag write does not do.
      expect(underScp({ Null: { 'aws:PrincipalTag/owner': 'false' } }, { owner: 'x' })).toEqual({});
    });

    it('reads the Deny statements of an SCP with a statement it cannot read, as the evaluator applies them', () => {
      const account = snapshot({
        principals: [{ name: 'dev', policies: [doc(allow('*'))] }],
        scps: [
          FULL_ACCESS_LEVEL([
            {
              name: 'half-broken',
              document: doc(
                { Effect: 'Deny', Action: 7, Resource: '*' },
                deny('*', '*', { Condition: { StringNotEquals: { 'aws:PrincipalTag/breakglass': 'true' } } }),
              ),
            },
          ]),
        ],
      });
      expect(Object.fromEntries(principalTagChoices(account.principals[0], account))).toEqual({ breakglass: 'true' });
    });

    it('reads its own Deny statements too', () => {
      const escape = deny('*', '*', on('StringNotEquals', 'aws:PrincipalTag/team', 'ops'));
      expect(choices([allow('*'), escape])).toEqual({ team: 'ops' });
    });
  });

  it('reads managed policies too, and passes over one it cannot parse', () => {
    const grant = doc(allow('*', '*', on('StringEquals', 'aws:PrincipalTag/admin', 'true')));
    expect(choices([allow('s3:GetObject')], {}, { grant })).toEqual({ admin: 'true' });
    expect(choices([allow('s3:GetObject')], {}, { broken: { Statement: [{ Effect: 'Maybe' }] } })).toEqual({});
  });
});

describe('tagSpellings (the keys a tag write may spell: a guard on aws:TagKeys may compare them case-sensitively)', () => {
  it('writes the keys as the policy spells them, lower-case and upper-case, each spelling once', () => {
    const account = snapshot({
      principals: [{ name: 'dev', policies: [doc(allow('*'))] }],
      scps: [
        FULL_ACCESS_LEVEL([
          {
            name: 'exempt',
            document: doc(
              deny('s3:*', '*', { Condition: { StringNotEquals: { 'aws:PrincipalTag/BreakGlass': 'yes' } } }),
            ),
          },
        ]),
      ],
    });
    const choices = principalTagChoices(account.principals[0], account);
    expect(tagSpellings(choices)).toEqual([{ BreakGlass: 'yes' }, { breakglass: 'yes' }, { BREAKGLASS: 'yes' }]);
  });

  it('writes a lower-case key twice only once', () => {
    const choices = new TagChoices([['team', 'core']]);
    expect(tagSpellings(choices)).toEqual([{ team: 'core' }, { TEAM: 'core' }]);
  });
});
