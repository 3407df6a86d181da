// Resource policies as grants: within one account a resource policy's Allow needs no identity policy; a
// boundary caps it only when it names the role by its ARN; explicit denies and SCPs still apply.
import { defaultRules } from '../../../lib/audit/rules';
import { resourcePolicyGrants } from '../../../lib/audit/evaluate/resource-policy-grants';
import { ACCOUNT, FULL_ACCESS_LEVEL, about, allow, deny, doc, roleArn, run, snapshot } from './helpers';

const BUCKET = 'arn:aws:s3:::acme-data';
const PRODUCTION = { arn: BUCKET, tags: { environment: 'production' } };
const READ_ONLY = { 'read-only': doc(allow('s3:Get*')) };

/** A bucket policy of the production bucket that grants `Principal` s3:DeleteBucket on it. */
const bucketPolicy = (Principal: unknown, extra: object = {}) => ({
  name: 'AWS::S3::BucketPolicy DataPolicy',
  resourceArns: [BUCKET],
  document: doc({ Effect: 'Allow', Principal, Action: 's3:DeleteBucket', Resource: BUCKET, ...extra }),
});

const deletion = (principals: Parameters<typeof snapshot>[0]['principals'], Principal: unknown, more = {}) =>
  run(defaultRules, {
    principals,
    managed: READ_ONLY,
    resources: [PRODUCTION],
    resourcePolicies: [bucketPolicy(Principal)],
    ...more,
  }).filter((f) => f.ruleId === 'can-delete-production');

describe('a resource policy that names a principal of the account', () => {
  it('lets a role with no identity policy delete the production bucket it names', () => {
    const [found] = about(deletion([{ name: 'cleaner' }], { AWS: roleArn('cleaner') }), 'cleaner');
    expect(found).toMatchObject({ severity: 'critical', details: { allowed: ['s3:DeleteBucket'] } });
    expect(found.evidence).toContainEqual(
      expect.objectContaining({ policy: 'resource:AWS::S3::BucketPolicy DataPolicy', policyKind: 'resource' }),
    );
  });

  it("is capped by a role's boundary when it names the role by its ARN", () => {
    expect(deletion([{ name: 'cleaner', boundary: 'read-only' }], { AWS: roleArn('cleaner') })).toEqual([]);
  });

  it("is not capped by the boundary when it names the role's sessions, a user's ARN or everyone", () => {
    const session = `arn:aws:sts::${ACCOUNT}:assumed-role/cleaner/any-session`;
    const sessionFindings = deletion([{ name: 'cleaner', boundary: 'read-only' }], { AWS: session });
    expect(about(sessionFindings, 'cleaner')[0]).toMatchObject({ severity: 'critical' });
    expect(about(sessionFindings, 'cleaner')[0].message).toMatch(/which no permissions boundary caps/);
    const user = `arn:aws:iam::${ACCOUNT}:user/ops`;
    expect(about(deletion([{ name: 'ops', kind: 'user', boundary: 'read-only' }], { AWS: user }), 'ops')).toHaveLength(
      1,
    );
    expect(about(deletion([{ name: 'cleaner', boundary: 'read-only' }], '*'), 'cleaner')).toHaveLength(1);
  });

  it('still yields to an explicit Deny of its identity policies and to the SCPs', () => {
    const denied = [{ name: 'cleaner', policies: [doc(deny('s3:DeleteBucket'))] }];
    expect(deletion(denied, { AWS: roleArn('cleaner') })).toEqual([]);
    const scps = [FULL_ACCESS_LEVEL([{ name: 'no-delete', document: doc(deny('s3:DeleteBucket')) }])];
    expect(deletion([{ name: 'cleaner' }], { AWS: roleArn('cleaner') }, { scps })).toEqual([]);
  });

  it('grants nothing of its own when it names the account, another account or a service', () => {
    for (const principal of [
      { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      { AWS: ACCOUNT },
      { AWS: 'arn:aws:iam::999999999999:role/cleaner' },
      { Service: 'lambda.amazonaws.com' },
    ]) {
      expect(deletion([{ name: 'cleaner' }], principal)).toEqual([]);
    }
  });

  it('reads a condition on who calls as something the answer depends on', () => {
    const found = run(defaultRules, {
      principals: [{ name: 'cleaner' }],
      resources: [PRODUCTION],
      resourcePolicies: [bucketPolicy('*', { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } } })],
    }).find((f) => f.ruleId === 'can-delete-production');
    expect(found).toMatchObject({ severity: 'high' });
    expect(found?.message).toContain('aws:PrincipalOrgID');
  });
});

describe('what a statement governs', () => {
  it("narrows a statement's `*` resource to the resource the policy governs", () => {
    const account = snapshot({
      principals: [{ name: 'admin' }],
      resourcePolicies: [
        {
          name: 'AWS::KMS::Key Key',
          resourceArns: [`arn:aws:kms:us-east-1:${ACCOUNT}:key/*`],
          document: doc({ Effect: 'Allow', Principal: { AWS: roleArn('admin') }, Action: 'kms:*', Resource: '*' }),
        },
      ],
    });
    const [grant] = resourcePolicyGrants(account).byPrincipal.get(roleArn('admin')) ?? [];
    expect(grant.document.Statement).toEqual([
      { Effect: 'Allow', Action: 'kms:*', Resource: [`arn:aws:kms:us-east-1:${ACCOUNT}:key/*`] },
    ]);
    expect(grant.uncapped).toBe(false);
  });

  it('counts the statements that name principals outside the input, for the report to say so', () => {
    const account = snapshot({
      principals: [{ name: 'admin' }],
      resourcePolicies: [bucketPolicy({ AWS: ['arn:aws:iam::999999999999:root', roleArn('admin')] })],
    });
    expect(resourcePolicyGrants(account)).toMatchObject({ outside: 1, reaching: 1 });
  });
});

describe('a resource policy that cannot be read', () => {
  it.each([
    ['a statement that is not an object', doc(42)],
    ['a document with no statements', { Version: '2012-10-17' }],
    ['a document that is not an object', 'Allow everything'],
  ])('is unreadable for every principal, never a grant to no one: %s', (_, document) => {
    const findings = run(defaultRules, {
      principals: [{ name: 'cleaner' }, { name: 'ops', kind: 'user' }],
      resourcePolicies: [{ name: 'AWS::S3::BucketPolicy DataPolicy', resourceArns: [BUCKET], document }],
    }).filter((f) => f.ruleId === 'unreadable-policy');
    expect(findings.map((f) => f.principalArn?.split(':').pop())).toEqual(['role/cleaner', 'user/ops']);
    // Taken at its worst (Allow *), with nothing else to stop it: critical.
    expect(findings[0]).toMatchObject({ severity: 'critical' });
    expect(findings[0].message).toContain('resource policy');
  });
});

describe("a key policy's grant to everyone in the account", () => {
  const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const keyPolicy = (account: string) => ({
    name: 'AWS::KMS::Key Key',
    resourceArns: [KEY],
    document: doc({
      Effect: 'Allow',
      Principal: { AWS: '*' },
      NotAction: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'kms:CallerAccount': account } },
    }),
  });
  const findings = (account: string) =>
    run(defaultRules, {
      principals: [{ name: 'app' }],
      resources: [{ arn: KEY, tags: { environment: 'production' } }],
      resourcePolicies: [keyPolicy(account)],
    });

  it("knows kms:CallerAccount is the caller's own account", () => {
    const found = findings(ACCOUNT).find((f) => f.ruleId === 'can-delete-production');
    expect(found).toMatchObject({ severity: 'critical' });
    expect(found?.message).not.toContain('kms:CallerAccount');
    expect(findings('999999999999').find((f) => f.ruleId === 'can-delete-production')).toBeUndefined();
  });

  it('is not judged as a policy document of each principal by the statement rules', () => {
    expect(findings(ACCOUNT).filter((f) => f.ruleId === 'allow-with-not-action')).toEqual([]);
  });
});

describe('principal values as IAM reads them', () => {
  const deleters = (
    Principal: unknown,
    principals: Parameters<typeof snapshot>[0]['principals'] = [{ name: 'cleaner' }],
  ) => deletion(principals, Principal).map((f) => f.principalArn);

  it('names a role whatever the case of its name: IAM names are unique regardless of case', () => {
    expect(deleters({ AWS: `arn:aws:iam::${ACCOUNT}:role/CLEANER` })).toEqual([roleArn('cleaner')]);
    expect(deleters({ AWS: `arn:aws:sts::${ACCOUNT}:assumed-role/Cleaner/s` })).toEqual([roleArn('cleaner')]);
  });

  it('reads an account id written as a number (YAML) as that account, and what is not text as everyone', () => {
    expect(deleters({ AWS: Number(ACCOUNT) })).toEqual([]);
    expect(
      resourcePolicyGrants(
        snapshot({ principals: [{ name: 'a' }], resourcePolicies: [bucketPolicy({ AWS: 999999999999 })] }),
      ).outside,
    ).toBe(1);
    expect(deleters({ AWS: { 'Fn::GetAtt': ['Role', 'Arn'] } })).toEqual([roleArn('cleaner')]);
  });

  it('reads a pattern (an unresolved template value) as every role it may name', () => {
    expect(deleters({ AWS: `arn:aws:iam::*:role/*` }, [{ name: 'cleaner' }, { name: 'ops', kind: 'user' }])).toEqual([
      roleArn('cleaner'),
    ]);
  });
});

describe('kms:CallerAccount outside KMS', () => {
  it('is absent for another service, so a condition on it grants nothing there', () => {
    const grant = doc(
      allow('s3:DeleteBucket', BUCKET, { Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT } } }),
    );
    const findings = run(defaultRules, {
      principals: [{ name: 'cleaner', policies: [grant] }],
      resources: [PRODUCTION],
    });
    expect(findings.filter((f) => f.ruleId === 'can-delete-production')).toEqual([]);
  });
});
