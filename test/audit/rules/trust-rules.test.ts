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
/** A trust of another OIDC issuer, its audience pinned, its subject matched with StringLike. */
const issuer = (host: string, audience: string, sub: string) =>
  doc({
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${host}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${host}:aud`]: audience }, StringLike: { [`${host}:sub`]: sub } },
  });
const COGNITO = 'cognito-identity.amazonaws.com';
const POOL = { [`${COGNITO}:aud`]: 'eu-west-1:11111111-2222-3333-4444-555555555555' };
const cognito = (condition?: object, ...more: object[]) =>
  doc(
    {
      Effect: 'Allow',
      Principal: { Federated: COGNITO },
      Action: 'sts:AssumeRoleWithWebIdentity',
      ...(condition ? { Condition: condition } : {}),
    },
    ...more,
  );
const assume = (principal: unknown, condition?: object) =>
  doc({
    Effect: 'Allow',
    Principal: principal,
    Action: 'sts:AssumeRole',
    ...(condition ? { Condition: condition } : {}),
  });

/** A trust of everyone, beside a Deny of everyone under `condition`. */
const openBesideDeny = (condition: object) =>
  doc(
    { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' },
    { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: condition },
  );

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
  // Conditions on the "restricting" keys that still let a role or user of any other account in.
  ...(
    [
      ['a negated organization condition', { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }],
      [
        'an organization condition ...IfExists (no organization: no key)',
        { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123' } },
      ],
      [
        'ForAllValues on the organization (no key: vacuously true)',
        { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': ['o-abc123'] } },
      ],
      ['only "in some organization" (Null false)', { Null: { 'aws:PrincipalOrgID': 'false' } }],
      ['any organization id (o-*)', { StringLike: { 'aws:PrincipalOrgID': 'o-*' } }],
      ['every account but one', { StringNotEquals: { 'aws:PrincipalAccount': '999999999999' } }],
      ['a role name in any account', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ci-*' } }],
      [
        'any account but for one role of its own',
        { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/admin' } },
      ],
      [
        'a service source key ...IfExists (an IAM caller sends none)',
        { StringEqualsIfExists: { 'aws:SourceAccount': '111122223333' } },
      ],
      ['a session name in any account', { StringLike: { 'aws:userid': '*:alice@example.com' } }],
      ['any VPC endpoint (its own)', { StringLike: { 'aws:SourceVpce': 'vpce-*' } }],
      ['a private address of its own VPC', { IpAddress: { 'aws:VpcSourceIp': '10.0.0.0/8' } }],
      ['a tag it sets itself', { StringEquals: { 'aws:PrincipalTag/team': 'platform' } }],
    ] as const
  ).map(([what, condition]): [string, unknown, Record<string, string>] => [
    `Principal "*" with ${what}`,
    assume('*', condition),
    { 'trust-public-principal': 'high' },
  ]),
  // Conditions that do keep other accounts out, whatever else they allow.
  ...(
    [
      ['its own account', { StringEquals: { 'aws:PrincipalAccount': '111122223333' } }],
      ['one role of its own account', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/ci-*' } }],
      ['an organization path', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-abc123/*' } }],
      ['one unique id', { StringEquals: { 'aws:userid': 'AROAEXAMPLEID:alice' } }],
      [
        'a service source account (an IAM caller sends none)',
        { StringEquals: { 'aws:SourceAccount': '111122223333' } },
      ],
      ['a grant that ran out', { DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } }],
    ] as const
  ).map(([what, condition]): [string, unknown, Record<string, string>] => [
    `Principal "*" limited to ${what}`,
    assume('*', condition),
    {},
  ]),
  [
    // Undecidable: the stranger picks both tags, but the audit cannot say they match; taken as met.
    'Principal "*" with a condition a policy variable decides',
    assume('*', { StringEquals: { 'aws:PrincipalTag/team': '${aws:PrincipalTag/owner}' } }),
    { 'trust-public-principal': 'medium' },
  ],
  [
    // The Deny stops every caller outside the organization, whatever it picks: nothing public is left.
    'Principal "*" beside a Deny of everyone outside the organization',
    openBesideDeny({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }),
    {},
  ],
  [
    // A Deny on what the caller picks (its own tags) stops no stranger for certain.
    'Principal "*" beside a Deny on a tag the caller sets',
    openBesideDeny({ StringNotEquals: { 'aws:PrincipalTag/team': 'platform' } }),
    { 'trust-public-principal': 'critical' },
  ],
  // Only where it calls from keeps others out: a weaker wall, reported as such.
  [
    'Principal "*" limited to a corporate network',
    assume('*', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }),
    { 'trust-public-principal': 'medium' },
  ],
  // Guards on another account that guard nothing: each keeps no other customer or outside principal out.
  ...(
    [
      ['an external id StringNotEquals', { StringNotEquals: { 'sts:ExternalId': 's3cret' } }],
      ['an external id ...IfExists (none sent passes)', { StringEqualsIfExists: { 'sts:ExternalId': 's3cret' } }],
      ['any external id at all', { StringLike: { 'sts:ExternalId': '*' } }],
      ['an organization ...IfExists', { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123' } }],
      ['MFA ...IfExists (an assumed role sends no key)', { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } }],
    ] as const
  ).map(([what, condition]): [string, unknown, Record<string, string>] => [
    `another account with ${what}`,
    assume({ AWS: 'arn:aws:iam::444455556666:root' }, condition),
    { 'trust-cross-account-no-external-id': 'high' },
  ]),
  [
    'another account with MFA required',
    assume({ AWS: 'arn:aws:iam::444455556666:root' }, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }),
    { 'trust-cross-account-no-external-id': 'medium' },
  ],
  [
    'another account without ExternalId',
    assume({ AWS: 'arn:aws:iam::444455556666:root' }),
    { 'trust-cross-account-no-external-id': 'high' },
  ],
  ['another account by bare id', assume({ AWS: '444455556666' }), { 'trust-cross-account-no-external-id': 'high' }],
  [
    // A template's account that only deployment decides, widened: it may be any account.
    'an account only deployment decides',
    assume({ AWS: 'arn:aws:iam::*:root' }),
    { 'trust-cross-account-no-external-id': 'high' },
  ],
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
  // Cognito identity pools: a guest's token (amr "unauthenticated") is anyone's for the asking.
  [
    'Cognito pool pinned, guests only',
    cognito({ StringEquals: POOL, 'ForAnyValue:StringLike': { [`${COGNITO}:amr`]: 'unauthenticated' } }),
    { 'trust-oidc-unconstrained': 'high' },
  ],
  [
    'Cognito pool pinned, amr *authenticated (guests too)',
    cognito({ StringEquals: POOL, 'ForAnyValue:StringLike': { [`${COGNITO}:amr`]: '*authenticated' } }),
    { 'trust-oidc-unconstrained': 'high' },
  ],
  [
    'Cognito pool pinned, any identity of its region',
    cognito({ StringEquals: POOL, StringLike: { [`${COGNITO}:sub`]: 'eu-west-1:*' } }),
    { 'trust-oidc-unconstrained': 'high' },
  ],
  [
    'Cognito pool pinned, signed-in identities only',
    cognito({ StringEquals: POOL, 'ForAnyValue:StringLike': { [`${COGNITO}:amr`]: 'authenticated' } }),
    {},
  ],
  [
    'Cognito pool pinned to identities of another region',
    cognito({ StringEquals: POOL, StringLike: { [`${COGNITO}:sub`]: 'us-west-2:*' } }),
    {},
  ],
  [
    'Cognito pool pinned, guests let in but denied by a Deny of the same trust',
    cognito(
      { StringEquals: POOL, 'ForAnyValue:StringLike': { [`${COGNITO}:amr`]: '*authenticated' } },
      {
        Effect: 'Deny',
        Principal: { Federated: COGNITO },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { 'ForAnyValue:StringEquals': { [`${COGNITO}:amr`]: 'unauthenticated' } },
      },
    ),
    {},
  ],
  ['Cognito with no conditions', cognito(), { 'trust-oidc-unconstrained': 'high' }],
  ['GitHub OIDC with aud only', github({ StringEquals: aud }), { 'trust-oidc-unconstrained': 'critical' }],
  [
    // Every repository but one: a condition on sub that keeps no stranger out is no condition.
    'GitHub OIDC with sub StringNotEquals one repository',
    github({
      StringEquals: aud,
      StringNotEquals: { 'token.actions.githubusercontent.com:sub': 'repo:acme/app:ref:refs/heads/main' },
    }),
    { 'trust-oidc-unconstrained': 'critical' },
  ],
  [
    'GitHub OIDC with sub StringNotLike an attacker',
    github({ StringEquals: aud, StringNotLike: { 'token.actions.githubusercontent.com:sub': 'repo:evil/*' } }),
    { 'trust-oidc-unconstrained': 'critical' },
  ],
  [
    'GitHub OIDC with aud StringNotEquals',
    github({
      StringNotEquals: { 'token.actions.githubusercontent.com:aud': 'x' },
      StringEquals: { 'token.actions.githubusercontent.com:sub': 'repo:acme/app:ref:refs/heads/main' },
    }),
    { 'trust-oidc-unconstrained': 'medium' },
  ],
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
    // "*" keeps no repository out: as unconstrained as no sub condition, and a wildcard repository too.
    { 'trust-github-wildcard-repo': 'high', 'trust-oidc-unconstrained': 'critical' },
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
    { 'trust-github-wildcard-repo': 'medium' },
  ],
  [
    'GitHub OIDC pinned repository, branches by prefix (a pusher names one so)',
    github({
      StringEquals: aud,
      StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/app:ref:refs/heads/release-*' },
    }),
    { 'trust-github-wildcard-repo': 'medium' },
  ],
  [
    'GitHub OIDC pinned repository, any environment (a workflow naming one creates it, unprotected)',
    github({
      StringEquals: aud,
      StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/app:environment:*' },
    }),
    { 'trust-github-wildcard-repo': 'medium' },
  ],
  [
    'GitHub OIDC pinned repository, any pull request',
    github({ StringEquals: { ...aud, 'token.actions.githubusercontent.com:sub': 'repo:acme/app:pull_request' } }),
    { 'trust-github-wildcard-repo': 'medium' },
  ],
  [
    'GitHub OIDC pinned repository and branch, through StringLike without a wildcard',
    github({
      StringEquals: aud,
      StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/app:ref:refs/heads/main' },
    }),
    {},
  ],
  [
    'GitHub OIDC with a wildcard in the owner (an account name a stranger registers: acme-evil)',
    github({ StringEquals: aud, StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme*/app:*' } }),
    { 'trust-github-wildcard-repo': 'high', 'trust-oidc-unconstrained': 'critical' },
  ],
  [
    'GitLab.com with a subject any project meets (project_path:*)',
    issuer('gitlab.com', 'https://gitlab.com', 'project_path:*'),
    { 'trust-oidc-unconstrained': 'critical' },
  ],
  [
    'a GitHub Enterprise Cloud issuer (token.actions.githubusercontent.com/<enterprise>) with a wildcard repository',
    issuer('token.actions.githubusercontent.com/acme', 'sts.amazonaws.com', 'repo:acme/*'),
    { 'trust-github-wildcard-repo': 'high' },
  ],
  [
    'a GitHub Enterprise Server issuer pinned to a repository, any branch',
    issuer('github.acme.example/_services/token', 'sts.amazonaws.com', 'repo:acme/app:*'),
    { 'trust-github-wildcard-repo': 'medium' },
  ],
  [
    'GitLab.com pinned to a group, any project of it',
    issuer('gitlab.com', 'https://gitlab.com', 'project_path:acme/*'),
    { 'trust-github-wildcard-repo': 'high' },
  ],
  [
    'GitLab.com pinned to a project, any branch',
    issuer('gitlab.com', 'https://gitlab.com', 'project_path:acme/app:*'),
    { 'trust-github-wildcard-repo': 'medium' },
  ],
  [
    'GitLab.com pinned to a project and branch',
    issuer('gitlab.com', 'https://gitlab.com', 'project_path:acme/app:ref_type:branch:ref:main'),
    {},
  ],
  [
    'HCP Terraform pinned to an organization, any workspace',
    issuer('app.terraform.io', 'aws.workload.identity', 'organization:acme:*'),
    { 'trust-github-wildcard-repo': 'high' },
  ],
  [
    'HCP Terraform pinned to a workspace, plans too (a pull request starts one)',
    issuer('app.terraform.io', 'aws.workload.identity', 'organization:acme:project:core:workspace:prod:run_phase:*'),
    { 'trust-github-wildcard-repo': 'medium' },
  ],
  [
    'HCP Terraform pinned to a workspace and its applies',
    issuer(
      'app.terraform.io',
      'aws.workload.identity',
      'organization:acme:project:core:workspace:prod:run_phase:apply',
    ),
    {},
  ],
  [
    'Buildkite pinned to a pipeline, any branch',
    issuer('agent.buildkite.com', 'sts.amazonaws.com', 'organization:acme:pipeline:deploy:ref:*'),
    { 'trust-github-wildcard-repo': 'medium' },
  ],
  [
    'a self-hosted GitLab with a subject any of its projects meets',
    issuer('gitlab.acme.example', 'https://gitlab.acme.example', 'project_path:*:ref_type:branch:ref:main'),
    { 'trust-oidc-unconstrained': 'high' },
  ],
  [
    'HCP Terraform with a subject any organization meets',
    issuer('app.terraform.io', 'aws.workload.identity', 'organization:*'),
    { 'trust-oidc-unconstrained': 'critical' },
  ],
  [
    'HCP Terraform pinned to an organization, a workspace name in any project',
    issuer('app.terraform.io', 'aws.workload.identity', 'organization:acme:project:*:workspace:prod:run_phase:apply'),
    { 'trust-github-wildcard-repo': 'high' },
  ],
  [
    'Buildkite with a subject any organization meets',
    issuer('agent.buildkite.com', 'sts.amazonaws.com', 'organization:*:pipeline:deploy:*'),
    { 'trust-oidc-unconstrained': 'critical' },
  ],
  [
    'a "*" in StringEquals is literal, not a wildcard',
    github({ StringEquals: { ...aud, 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } }),
    {},
  ],
];

describe('trust policy rules', () => {
  it('says which GitLab group a new project reaches the role from', () => {
    const [finding] = run([githubWildcard], {
      principals: [{ name: 'deployer', trust: issuer('gitlab.com', 'https://gitlab.com', 'project_path:acme/*') }],
    });
    expect(finding.message).toBe(
      'GitLab CI may assume the role from any project of the group (acme: "project_path:acme/*"): whoever may ' +
        'create one there gets the role.',
    );
  });

  it('says which repository a pushed branch, tag, environment or pull request reaches the role from', () => {
    const trust = github({
      StringEquals: aud,
      StringLike: {
        'token.actions.githubusercontent.com:sub': ['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:*'],
      },
    });
    const [finding] = run([githubWildcard], { principals: [{ name: 'deployer', trust }] });
    expect(finding.message).toBe(
      'GitHub Actions may assume the role from a branch, tag, environment or pull request of acme/app that whoever ' +
        'may push there chooses ("repo:acme/app:*"): an agent with write access, for one, runs a workflow as the role.',
    );
    expect(finding.remediation).toContain('"repo:my-org/app:environment:production"');
  });

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
