// `leash check --account`: a template that attaches a customer managed policy it does not define (one the account
// already has) is judged by that policy's default version as deployed, instead of as an unknown grant.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileAccount } from '../../lib/audit/evaluate';
import type { ManagedPolicy } from '../../lib/audit/sources/snapshot';
import { readTemplates, type DeployedAccount } from '../../lib/audit/sources/templates';
import { loadCatalog } from '../../lib/catalog';
import { runCheck } from '../../lib/check/check';
import { memoryIo, runCli } from '../../lib/cli/program';

const catalog = loadCatalog();
const READ_S3 = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }],
};
const DEPLOYED: DeployedAccount = {
  file: 'authz.json',
  accountId: '111122223333',
  policies: [
    { arn: 'arn:aws:iam::111122223333:policy/team/read-data', name: 'read-data', document: READ_S3, awsManaged: false },
  ] satisfies ManagedPolicy[],
};

function roleAttaching(arn: unknown) {
  return {
    Resources: {
      Worker: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          },
          ManagedPolicyArns: [arn],
        },
      },
    },
  };
}

function read(template: object, accountId?: string, deployed: DeployedAccount | null = DEPLOYED) {
  const stack = { file: 't.json', stackName: 'app', template: template as never, ...(accountId ? { accountId } : {}) };
  return readTemplates([stack], { location: 't.json', ...(deployed ? { deployed } : {}) });
}

function decide(snapshot: ReturnType<typeof read>['snapshot'], action: string) {
  const worker = compileAccount(snapshot, catalog).principals.find((p) => p.arn.includes('Worker'))!;
  return worker.decide(action, { resourceTags: { environment: 'production' } }).decision;
}

describe('customer managed policies the templates only name', () => {
  const byAccountId = { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/team/read-data' };

  it('are judged by their deployed default version, where the templates name no account', () => {
    const { snapshot, fromDeployed } = read(roleAttaching(byAccountId));
    expect(fromDeployed).toEqual(['arn:aws:iam::123456789012:policy/team/read-data']);
    expect(snapshot.problems).toEqual([]);
    expect(decide(snapshot, 's3:GetObject')).toBe('allowed');
    expect(decide(snapshot, 's3:DeleteBucket')).toBe('denied');
  });

  it('are judged when the templates name the same account, and not when they name another', () => {
    expect(read(roleAttaching(byAccountId), '111122223333').fromDeployed).toHaveLength(1);
    const other = read(roleAttaching(byAccountId), '444455556666');
    expect(other.fromDeployed).toEqual([]);
    expect(other.snapshot.problems.map((p) => p.message).join('\n')).toMatch(/not defined in these templates/);
  });

  it('stay unknown grants without --account, and when the account has no such policy', () => {
    expect(read(roleAttaching(byAccountId), undefined, null).fromDeployed).toEqual([]);
    const missing = read(roleAttaching('arn:aws:iam::123456789012:policy/team/other'));
    expect(missing.fromDeployed).toEqual([]);
    expect(missing.snapshot.problems.map((p) => p.message).join('\n')).toMatch(/policy\/team\/other is not defined/);
  });
});

/** A template of one AWS::IAM::Policy (PolicyName: the logical id, lower-cased) given to principals it only names. */
function policyTemplate(logicalId: string, to: { Roles?: string[]; Users?: string[] }, document: unknown) {
  return {
    Resources: {
      [logicalId]: {
        Type: 'AWS::IAM::Policy',
        Properties: { PolicyName: logicalId.toLowerCase(), ...to, PolicyDocument: document },
      },
    },
  };
}

describe('principals the templates only name', () => {
  const grantAll = policyTemplate(
    'Everything',
    { Roles: ['web'] },
    {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    },
  );
  const account: DeployedAccount = {
    ...DEPLOYED,
    policies: [
      ...DEPLOYED.policies,
      { arn: 'arn:aws:iam::111122223333:policy/cap', name: 'cap', document: READ_S3, awsManaged: false },
    ],
    principals: [
      {
        kind: 'role',
        arn: 'arn:aws:iam::111122223333:role/Web',
        name: 'Web',
        path: '/',
        tags: { team: 'web' },
        inlinePolicies: [],
        managedPolicyArns: ['arn:aws:iam::111122223333:policy/team/read-data'],
        permissionsBoundaryArn: 'arn:aws:iam::111122223333:policy/cap',
        groups: [],
        serviceLinked: false,
      },
    ],
  };
  const decideWeb = (snapshot: ReturnType<typeof read>['snapshot'], action: string) =>
    compileAccount(snapshot, catalog)
      .principals.find((p) => p.arn.endsWith('role/web'))!
      .decide(action, { resourceTags: { environment: 'production' } }).decision;

  it('are judged with what they hold as deployed: their boundary caps what the templates give them', () => {
    const alone = read(grantAll, undefined, null);
    expect(decideWeb(alone.snapshot, 'rds:DeleteDBInstance')).toBe('allowed');
    const deployed = read(grantAll, undefined, account);
    expect(deployed.standInsFromDeployed).toEqual(['role web']);
    expect(decideWeb(deployed.snapshot, 'rds:DeleteDBInstance')).toBe('denied');
    expect(decideWeb(deployed.snapshot, 's3:GetObject')).toBe('allowed');
    const web = deployed.snapshot.principals.find((p) => p.name === 'web')!;
    expect(web.tags).toEqual({ team: 'web' });
    expect(web.permissionsBoundaryArn).toBe('arn:aws:iam::111122223333:policy/cap');
    expect(deployed.snapshot.problems.map((p) => p.message).join('\n')).toMatch(/what it holds in authz\.json/);
  });
});

describe("a user the templates only name, and the account's groups it is in", () => {
  it('are judged with the groups it is in as deployed, and their policies', () => {
    const template = policyTemplate('Reader', { Users: ['alice'] }, READ_S3);
    const account: DeployedAccount = {
      ...DEPLOYED,
      principals: [
        {
          kind: 'user',
          arn: 'arn:aws:iam::111122223333:user/alice',
          name: 'alice',
          path: '/',
          tags: {},
          inlinePolicies: [],
          managedPolicyArns: [],
          groups: ['admins'],
          serviceLinked: false,
        },
        {
          kind: 'group',
          arn: 'arn:aws:iam::111122223333:group/admins',
          name: 'admins',
          path: '/',
          tags: {},
          inlinePolicies: [],
          managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
          groups: [],
          serviceLinked: false,
        },
      ],
    };
    const alice = (deployed: DeployedAccount | null) => {
      const { snapshot, standInsFromDeployed } = read(template, undefined, deployed);
      const decision = compileAccount(snapshot, catalog)
        .principals.find((p) => p.arn.endsWith('user/alice'))!
        .decide('rds:DeleteDBInstance', { resourceTags: { environment: 'production' } }).decision;
      return { decision, standInsFromDeployed };
    };
    expect(alice(null).decision).toBe('denied');
    expect(alice(account)).toEqual({ decision: 'allowed', standInsFromDeployed: ['user alice', 'group admins'] });
  });
});

describe('problems of the deployed account file', () => {
  it('are said in the check, with where they are', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leash-deployed-problems-'));
    const file = join(dir, 'App.json');
    writeFileSync(file, JSON.stringify(roleAttaching('arn:aws:iam::aws:policy/ReadOnlyAccess')));
    const problem = { where: 'authz.json: Policies[3].PolicyVersionList[0].Document', message: 'not JSON' };
    const result = runCheck([file], undefined, { deployed: { ...DEPLOYED, problems: [problem] } });
    expect(result.caveats.join('\n')).toContain(
      'authz.json (--account) was read with 1 problem(s): authz.json: Policies[3].PolicyVersionList[0].Document: not JSON',
    );
  });
});

describe('leash check --account', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leash-deployed-'));
  const template = join(dir, 'App.json');
  writeFileSync(
    template,
    JSON.stringify(roleAttaching({ 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:policy/team/read-data' })),
  );
  const authz = join(dir, 'authz.json');
  writeFileSync(
    authz,
    JSON.stringify({
      UserDetailList: [],
      GroupDetailList: [],
      RoleDetailList: [],
      Policies: [
        {
          PolicyName: 'read-data',
          PolicyId: 'ANPAEXAMPLE',
          Arn: 'arn:aws:iam::111122223333:policy/team/read-data',
          Path: '/team/',
          DefaultVersionId: 'v2',
          AttachmentCount: 1,
          IsAttachable: true,
          PolicyVersionList: [
            {
              Document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
              VersionId: 'v1',
              IsDefaultVersion: false,
            },
            { Document: READ_S3, VersionId: 'v2', IsDefaultVersion: true },
          ],
        },
      ],
    }),
  );

  it('judges the default version and says so; without it the policy is an unknown grant', async () => {
    const run = async (...args: string[]) => {
      const io = memoryIo();
      const code = await runCli(['check', template, '--format', 'json', ...args], io);
      return {
        code,
        report: JSON.parse(io.out) as { findings: { ruleId: string }[]; accounts: { caveats: string[] }[] },
      };
    };
    const withAccount = await run('--account', authz);
    expect(withAccount.code).toBe(0);
    expect(withAccount.report.findings.map((f) => f.ruleId)).not.toContain('full-admin');
    expect(withAccount.report.accounts[0].caveats.join('\n')).toMatch(/judged by the default version in .*authz\.json/);
    const io = memoryIo();
    expect(await runCli(['check', template, '--account', template], io)).toBe(2);
    expect(io.err).toMatch(/^leash: --account: .*App\.json: not a recognised input/);
    expect(io.err).not.toMatch(/did you mean/);
    const without = await run();
    expect(without.code).toBe(1);
    expect(without.report.findings.map((f) => f.ruleId)).toContain('unreadable-policy');
  });
});
