// The four trust-policy rules share fixtures: one table of trust policies, each with the rules it must trip.
import * as crossAccount from '../../../lib/audit/rules/trust-cross-account-no-external-id';
import * as githubWildcard from '../../../lib/audit/rules/trust-github-wildcard-repo';
import * as oidc from '../../../lib/audit/rules/trust-oidc-unconstrained';
import * as publicPrincipal from '../../../lib/audit/rules/trust-public-principal';
import type { Rule } from '../../../lib/audit/rules/types';
import { doc, run } from './helpers';

const GH = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';
const github = (condition?: object) =>
  doc({
    Effect: 'Allow',
    Principal: { Federated: GH },
    Action: 'sts:AssumeRoleWithWebIdentity',
    ...(condition ? { Condition: condition } : {}),
  });
const aud = { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' };
const assume = (principal: unknown, condition?: object) =>
  doc({
    Effect: 'Allow',
    Principal: principal,
    Action: 'sts:AssumeRole',
    ...(condition ? { Condition: condition } : {}),
  });

const rules: Record<string, Rule> = {
  'trust-public-principal': publicPrincipal,
  'trust-cross-account-no-external-id': crossAccount,
  'trust-oidc-unconstrained': oidc,
  'trust-github-wildcard-repo': githubWildcard,
};

const cases: [string, unknown, Record<string, string>][] = [
  ['Principal "*" without conditions', assume('*'), { 'trust-public-principal': 'critical' }],
  [
    'Principal {AWS: "*"} with only an external id',
    assume({ AWS: '*' }, { StringEquals: { 'sts:ExternalId': 'x' } }),
    { 'trust-public-principal': 'high' },
  ],
  [
    'Principal "*" limited to the organization',
    assume('*', { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }),
    {},
  ],
  [
    'another account without ExternalId',
    assume({ AWS: 'arn:aws:iam::444455556666:root' }),
    { 'trust-cross-account-no-external-id': 'high' },
  ],
  ['another account by bare id', assume({ AWS: '444455556666' }), { 'trust-cross-account-no-external-id': 'high' }],
  [
    // A template's partition it could not resolve, widened to a pattern: the account is still known.
    'another account whose partition only deployment knows',
    assume({ AWS: 'arn:*:iam::444455556666:root' }),
    { 'trust-cross-account-no-external-id': 'high' },
  ],
  [
    'another account with ExternalId',
    assume({ AWS: 'arn:aws:iam::444455556666:role/vendor' }, { StringEquals: { 'sts:ExternalId': 'abc' } }),
    {},
  ],
  [
    'another account with aws:PrincipalOrgID',
    assume({ AWS: '444455556666' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }),
    {},
  ],
  ['the same account', assume({ AWS: 'arn:aws:iam::111122223333:root' }), {}],
  ['a service', assume({ Service: 'lambda.amazonaws.com' }), {}],
  ['GitHub OIDC with no conditions', github(), { 'trust-oidc-unconstrained': 'critical' }],
  ['GitHub OIDC with aud only', github({ StringEquals: aud }), { 'trust-oidc-unconstrained': 'critical' }],
  [
    'GitHub OIDC with sub only',
    github({ StringEquals: { 'token.actions.githubusercontent.com:sub': 'repo:acme/app:ref:refs/heads/main' } }),
    { 'trust-oidc-unconstrained': 'medium' },
  ],
  [
    'GitHub OIDC with a wildcard repository',
    github({ StringEquals: aud, StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } }),
    { 'trust-github-wildcard-repo': 'high' },
  ],
  [
    'GitHub OIDC with any repository at all',
    github({ StringEquals: aud, StringLike: { 'token.actions.githubusercontent.com:sub': '*' } }),
    { 'trust-github-wildcard-repo': 'high' },
  ],
  [
    'GitHub OIDC pinned to a repository and environment',
    github({
      StringEquals: { ...aud, 'token.actions.githubusercontent.com:sub': 'repo:acme/app:environment:production' },
    }),
    {},
  ],
  [
    'GitHub OIDC pinned repository, any branch',
    github({ StringEquals: aud, StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/app:*' } }),
    {},
  ],
  [
    'a "*" in StringEquals is literal, not a wildcard',
    github({ StringEquals: { ...aud, 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } }),
    {},
  ],
];

describe('trust policy rules', () => {
  it.each(cases)('%s', (_name, trust, expected) => {
    const findings = run(Object.values(rules), { principals: [{ name: 'r', trust }] });
    for (const id of Object.keys(rules)) {
      const mine = findings.filter((f) => f.ruleId === id);
      if (expected[id]) {
        expect({ id, severities: mine.map((f) => f.severity) }).toEqual({ id, severities: [expected[id]] });
        expect(mine[0].evidence[0]).toMatchObject({ policyKind: 'trust', statementIndex: 0 });
      } else {
        expect({ id, findings: mine }).toEqual({ id, findings: [] });
      }
    }
  });

  it('does not read service-linked roles', () => {
    const findings = run(publicPrincipal, {
      principals: [{ name: 'slr', path: '/aws-service-role/x.amazonaws.com/', trust: assume('*') }],
    });
    expect(findings).toEqual([]);
  });
});
