// What whoever assumes a role chooses of the session it makes, read from the role's trust policy (trust.ts
// sessionChoices): each AWS form that grants or takes away the choice of a session name or a source identity.
import { sessionChoices } from '../../../lib/audit/graph/trust';
import { ACCOUNT, doc, snapshot } from '../rules/helpers';

const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const choicesOf = (...statements: unknown[]) => {
  const account = snapshot({ principals: [{ name: 'admin', trust: doc(...statements) }] });
  return sessionChoices(account, account.principals[0]);
};
const allowing = (action: unknown, extra: object = {}) => ({
  Effect: 'Allow',
  Principal: { AWS: ROOT },
  Action: action,
  ...extra,
});

describe('sessionChoices', () => {
  it('lets an IAM caller name the session and set a source identity where the trust allows both', () => {
    expect(choicesOf(allowing(['sts:AssumeRole', 'sts:SetSourceIdentity']))).toEqual({
      names: true,
      sourceIdentities: true,
      noSourceIdentity: true,
      sourceIdentitySetInAccount: true,
    });
  });

  it('says whether everyone who may set a source identity is of the role account (its SCPs hold them all)', () => {
    const setting = (principal: object) => ({
      Effect: 'Allow',
      Principal: principal,
      Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
    });
    const inAccount = (principal: object) => choicesOf(setting(principal)).sourceIdentitySetInAccount;
    expect(inAccount({ AWS: [ROOT, `arn:aws:iam::${ACCOUNT}:role/idp`, ACCOUNT] })).toBe(true);
    expect(inAccount({ AWS: [ROOT, 'arn:aws:iam::444455556666:root'] })).toBe(false);
    expect(inAccount({ AWS: '*' })).toBe(false);
    expect(inAccount({ AWS: ROOT, Federated: 'token.actions.githubusercontent.com' })).toBe(false);
  });

  it('reads the actions as AWS matches them: a wildcard, NotAction, any case', () => {
    expect(choicesOf(allowing('sts:*')).sourceIdentities).toBe(true);
    expect(choicesOf(allowing('STS:setsourceidentity'), allowing('sts:AssumeRole')).sourceIdentities).toBe(true);
    const notAction = { Effect: 'Allow', Principal: { AWS: ROOT }, NotAction: 'sts:SetSourceIdentity' };
    expect(choicesOf(notAction)).toMatchObject({ names: true, sourceIdentities: false });
  });

  it('takes the name away where a statement reads sts:RoleSessionName, in any case of the key', () => {
    const pinned = { Condition: { StringEquals: { 'STS:RoleSessionName': '${aws:username}' } } };
    expect(choicesOf(allowing('sts:AssumeRole', pinned)).names).toBe(false);
    const denied = { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', ...pinned };
    expect(choicesOf(allowing('sts:AssumeRole'), denied).names).toBe(false);
  });

  it('takes the source identity away where a statement reads sts:SourceIdentity or a Deny covers setting one', () => {
    const required = { Condition: { StringLike: { 'sts:SourceIdentity': 'agent-*' } } };
    expect(choicesOf(allowing(['sts:AssumeRole', 'sts:SetSourceIdentity'], required))).toMatchObject({
      sourceIdentities: false,
      noSourceIdentity: false,
    });
    const denied = { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:SetSourceIdentity' };
    expect(choicesOf(allowing(['sts:AssumeRole', 'sts:SetSourceIdentity']), denied).sourceIdentities).toBe(false);
  });

  it('gives no name to a role only a service or a SAML provider assumes, and nothing for an unreadable trust', () => {
    const service = { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' };
    expect(choicesOf(service).names).toBe(false);
    const saml = {
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/corp` },
      Action: 'sts:AssumeRoleWithSAML',
    };
    expect(choicesOf(saml).names).toBe(false);
    const oidc = {
      Effect: 'Allow',
      Principal: { Federated: 'token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
    };
    expect(choicesOf(oidc).names).toBe(true);
    expect(choicesOf({ Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'sts:AssumeRole', Bogus: 1 })).toEqual({
      names: false,
      sourceIdentities: false,
      noSourceIdentity: false,
    });
  });
});
