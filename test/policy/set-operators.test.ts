// ForAllValues on a key a request carries at most once: in an Allow the test is true for a request without the
// key, so the Allow holds wherever it is missing (iam-simulate agrees: test/policy/absent-key.test.ts).
import { readFileSync } from 'node:fs';
import { bundledPoliciesPath, type BundledPoliciesFile } from '../../lib/aws-managed/bundled';
import { loadCatalog } from '../../lib/catalog';
import { isMultivaluedServiceConditionKey } from '../../lib/catalog/condition-keys';
import { validatePolicy } from '../../lib/policy';
import { isSingleValuedGlobalKey } from '../../lib/policy/global-keys';

const catalog = loadCatalog();
const statement = (effect: string, operator: string, key: string) => ({
  Effect: effect,
  Action: 'ec2:TerminateInstances',
  Resource: '*',
  Condition: { [operator]: { [key]: 'dev' } },
});
const warnings = (...statements: object[]) =>
  validatePolicy({ Version: '2012-10-17', Statement: statements }, 'identity', catalog, { sizeKind: false })
    .filter((p) => p.message.includes('a key a request carries at most once'))
    .map((p) => p.path);

describe('set operators on single-valued keys', () => {
  it('warns of ForAllValues on a single-valued global or service key in an Allow, at its JSON path', () => {
    expect(warnings(statement('Allow', 'ForAllValues:StringEquals', 'aws:ResourceTag/environment'))).toEqual([
      'Statement[0].Condition["ForAllValues:StringEquals"]["aws:ResourceTag/environment"]',
    ]);
    expect(warnings(statement('Allow', 'ForAllValues:StringLike', 'ec2:InstanceType'))).toHaveLength(1);
    expect(warnings(statement('Allow', 'forallvalues:StringEquals', 'AWS:PrincipalTag/Team'))).toHaveLength(1);
    const [problem] = validatePolicy(
      { Version: '2012-10-17', Statement: [statement('Allow', 'ForAllValues:StringEquals', 'aws:RequestTag/env')] },
      'identity',
      catalog,
      { sizeKind: false },
    );
    expect(problem.severity).toBe('warning');
    expect(problem.message).toContain('this Allow holds wherever it is missing');
    expect(problem.message).toContain('write StringEquals, with a Null test of false');
  });

  it('says nothing of multivalued keys, ForAnyValue, a Deny, or keys whose value count is not known', () => {
    expect(
      warnings(
        statement('Allow', 'ForAllValues:StringEquals', 'aws:TagKeys'),
        statement('Allow', 'ForAllValues:StringEquals', 'ec2:IKEVersions'),
        statement('Allow', 'ForAnyValue:StringEquals', 'aws:ResourceTag/environment'),
        statement('Deny', 'ForAllValues:StringEquals', 'aws:ResourceTag/environment'),
        statement('Allow', 'ForAllValues:StringEquals', 'token.actions.githubusercontent.com:sub'),
        statement('Allow', 'ForAllValues:StringEquals', 'aws:CalledVia'),
        statement('Allow', 'StringEquals', 'aws:ResourceTag/environment'),
      ),
    ).toEqual([]);
  });

  it('reads the value count from the reference: ArrayOf types are multivalued, templated keys included', () => {
    expect(isMultivaluedServiceConditionKey('ec2:IKEVersions')).toBe(true);
    expect(isMultivaluedServiceConditionKey('s3:RequestObjectTagKeys')).toBe(true);
    expect(isMultivaluedServiceConditionKey('ec2:InstanceType')).toBe(false);
    expect(isMultivaluedServiceConditionKey('rds:db-tag/environment')).toBe(false);
    expect(isMultivaluedServiceConditionKey('ec2:NoSuchKey')).toBeUndefined();
    expect(isMultivaluedServiceConditionKey('aws:TagKeys')).toBeUndefined();
    expect(isSingleValuedGlobalKey('aws:ResourceTag/x')).toBe(true);
    expect(isSingleValuedGlobalKey('aws:ResourceTag/')).toBe(false);
    for (const multi of ['aws:TagKeys', 'aws:CalledVia', 'aws:PrincipalServiceNamesList', 'aws:PrincipalOrgPaths']) {
      expect(isSingleValuedGlobalKey(multi)).toBe(false);
    }
  });

  it("flags only two of AWS's own managed policies, on a key the reference types as a single string", () => {
    const bundled = JSON.parse(readFileSync(bundledPoliciesPath(), 'utf8')) as BundledPoliciesFile;
    const flagged: string[] = [];
    for (const [name, [, text]] of Object.entries(bundled.policies)) {
      for (const problem of validatePolicy(JSON.parse(text), 'identity', catalog, { sizeKind: false })) {
        if (problem.message.includes('a key a request carries at most once')) flagged.push(name);
      }
    }
    expect(Object.keys(bundled.policies).length).toBeGreaterThan(1000);
    // Both use ForAllValues on codestar-connections:ProviderAction, which the reference types as String.
    expect(flagged.sort()).toEqual([
      'arn:aws:iam::aws:policy/AmazonCodeGuruReviewerFullAccess',
      'arn:aws:iam::aws:policy/aws-service-role/AmazonCodeGuruReviewerServiceRolePolicy',
    ]);
  });
});
