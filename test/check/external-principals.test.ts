// A stack can make an existing role (or user) more powerful without defining it: an AWS::IAM::Policy or
// ManagedPolicy naming it in Roles/Users, or a user added to a group. leash check judges such a principal by what
// the templates give it, instead of leaving it out (it passed with no finding before 2026-12-05). An IAM Identity
// Center permission set is judged as the role it becomes in the accounts it is assigned to.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../lib/catalog';
import { runCheck } from '../../lib/check/check';

const catalog = loadCatalog();
const allow = (action: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'leash-external-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const check = (resources: object) => {
  const file = join(dir, 'App.template.json');
  writeFileSync(file, JSON.stringify({ Resources: resources }));
  return runCheck([file], undefined, { catalog });
};
const serious = (result: ReturnType<typeof check>) =>
  result.findings
    .filter((f) => f.severity === 'critical' || f.severity === 'high')
    .map((f) => `${f.ruleId} ${f.principalArn}`)
    .sort();

describe('policies the templates attach to principals they do not define', () => {
  it('finds an existing role given Allow * by an inline policy resource, and says how it was judged', () => {
    const result = check({
      Boost: {
        Type: 'AWS::IAM::Policy',
        Properties: { PolicyName: 'boost', Roles: ['existing-ci'], PolicyDocument: allow('*') },
      },
    });
    expect(serious(result)).toEqual(
      expect.arrayContaining([
        'full-admin arn:aws:iam::123456789012:role/existing-ci',
        'can-delete-production arn:aws:iam::123456789012:role/existing-ci',
      ]),
    );
    const admin = result.findings.find((f) => f.ruleId === 'full-admin');
    expect(admin?.message).toMatch(/by what these templates attach to it/);
    expect(admin?.location).toMatchObject({ logicalId: 'Boost', jsonPath: 'Resources.Boost.Properties.Roles[0]' });
    expect(result.findings.filter((f) => f.ruleId === 'missing-boundary')).toEqual([]);
    expect(result.audit.problems.map((p) => p.message)).toContainEqual(
      expect.stringMatching(
        /role existing-ci, which is not defined in these templates: judged by what these templates give it alone/,
      ),
    );
  });

  it('finds a managed policy resource that lets existing roles delete a database, once per role', () => {
    const result = check({
      Dba: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { Roles: ['ops', 'ops'], PolicyDocument: allow('rds:DeleteDBInstance') },
      },
      More: {
        Type: 'AWS::IAM::Policy',
        Properties: { PolicyName: 'more', Roles: ['ops'], PolicyDocument: allow('s3:GetObject') },
      },
    });
    expect(serious(result)).toEqual(['can-delete-production arn:aws:iam::123456789012:role/ops']);
    const finding = result.findings.find((f) => f.ruleId === 'can-delete-production');
    expect(finding?.message).toMatch(/its permissions boundary, if any, is where it is defined/);
  });

  it('finds an existing user added to a group the stack makes an administrator', () => {
    const result = check({
      Admins: {
        Type: 'AWS::IAM::Group',
        Properties: { Policies: [{ PolicyName: 'all', PolicyDocument: allow('*') }] },
      },
      Join: { Type: 'AWS::IAM::UserToGroupAddition', Properties: { GroupName: { Ref: 'Admins' }, Users: ['alice'] } },
    });
    expect(serious(result)).toContain('full-admin arn:aws:iam::123456789012:user/alice');
  });

  it('judges a group no user of the templates joins through a stand-in member, and an existing group too', () => {
    const result = check({
      Admins: {
        Type: 'AWS::IAM::Group',
        Properties: { Policies: [{ PolicyName: 'all', PolicyDocument: allow('*') }] },
      },
      Boost: {
        Type: 'AWS::IAM::Policy',
        Properties: { PolicyName: 'boost', Groups: ['existing-devs'], PolicyDocument: allow('rds:DeleteDBInstance') },
      },
    });
    expect(serious(result)).toContain('can-delete-production arn:aws:iam::123456789012:user/member-of-existing-devs');
    const admin = result.findings.find((f) => f.ruleId === 'full-admin');
    expect(admin?.principalArn).toMatch(/:user\/member-of-.*Admins/);
    expect(admin?.location).toMatchObject({ logicalId: 'Admins' });
    expect(result.audit.problems.map((p) => p.message)).toContainEqual(
      expect.stringMatching(/has no member in these templates: judged through a stand-in member/),
    );
  });

  it('takes a policy or group it cannot resolve (an import no template exports) as an unknown grant', () => {
    const trust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    };
    const result = check({
      App: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: trust,
          ManagedPolicyArns: [{ 'Fn::ImportValue': 'shared-policy-arn' }],
        },
      },
      Ci: { Type: 'AWS::IAM::User', Properties: { Groups: [{ 'Fn::ImportValue': 'admins-group' }] } },
      Bot: { Type: 'AWS::IAM::User', Properties: {} },
      Join: {
        Type: 'AWS::IAM::UserToGroupAddition',
        Properties: { GroupName: { 'Fn::ImportValue': 'ops-group' }, Users: [{ Ref: 'Bot' }] },
      },
    });
    const unknown = result.findings.filter((f) => f.ruleId === 'unreadable-policy');
    expect(unknown.map((f) => f.severity)).toEqual(['critical', 'critical', 'critical']);
    expect(unknown.map((f) => f.message).join('\n')).toMatch(/group unresolved Join\.GroupName/);
    expect(unknown.map((f) => f.message).join('\n')).toMatch(
      /unresolved ManagedPolicyArns\[0\] \(cannot resolve: Fn::ImportValue "shared-policy-arn".*\) attached/,
    );
    expect(unknown.map((f) => f.message).join('\n')).toMatch(/group unresolved Groups\[0\]/);
  });

  it('gives a policy attached to a principal whose name only deployment knows to a principal of its own', () => {
    const result = check({
      Boost: {
        Type: 'AWS::IAM::Policy',
        Properties: { PolicyName: 'boost', Roles: [{ 'Fn::ImportValue': 'ci-role' }], PolicyDocument: allow('*') },
      },
      Dba: {
        Type: 'AWS::IAM::RolePolicy',
        Properties: {
          PolicyName: 'dba',
          RoleName: { 'Fn::ImportValue': 'dba-role' },
          PolicyDocument: allow('rds:DeleteDBInstance'),
        },
      },
    });
    expect(serious(result)).toEqual(
      expect.arrayContaining([
        'full-admin arn:aws:iam::123456789012:role/unresolved Boost.Roles[0]',
        'can-delete-production arn:aws:iam::123456789012:role/unresolved Dba.RoleName',
      ]),
    );
  });

  it('gives nothing to fear for an existing role handed read access', () => {
    const result = check({
      Read: {
        Type: 'AWS::IAM::Policy',
        Properties: { PolicyName: 'read', Roles: ['reader'], PolicyDocument: allow('s3:GetObject') },
      },
    });
    expect(serious(result)).toEqual([]);
  });
});

describe('IAM Identity Center permission sets', () => {
  const permissionSet = (name: string, properties: object) => ({
    Type: 'AWS::SSO::PermissionSet',
    Properties: { InstanceArn: 'arn:aws:sso:::instance/ssoins-1', Name: name, ...properties },
  });
  const role = (name: string) => `arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${name}`;

  it('judges each as the role Identity Center makes of it: managed, inline (JSON text) and boundary', () => {
    const result = check({
      Admin: permissionSet('Admin', { ManagedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] }),
      Ops: permissionSet('Ops', {
        InlinePolicy: JSON.stringify(allow('dynamodb:DeleteTable')),
      }),
      Capped: permissionSet('Capped', {
        ManagedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'],
        PermissionsBoundary: { ManagedPolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      }),
    });
    expect(serious(result)).toEqual(
      expect.arrayContaining([`full-admin ${role('Admin')}`, `can-delete-production ${role('Ops')}`]),
    );
    expect(serious(result).filter((line) => line.endsWith('Capped'))).toEqual([]);
    const ops = result.findings.find((f) => f.ruleId === 'can-delete-production' && f.principalArn === role('Ops'));
    expect(ops?.location).toMatchObject({ logicalId: 'Ops' });
  });

  it('takes a customer managed policy reference whose name only deployment knows as an unknown grant', () => {
    const result = check({
      Team: permissionSet('Team', {
        CustomerManagedPolicyReferences: [{ Name: { 'Fn::ImportValue': 'team-policy' } }],
      }),
    });
    const unknown = result.findings.find((f) => f.ruleId === 'unreadable-policy');
    expect(unknown).toMatchObject({ principalArn: role('Team'), severity: 'critical' });
    expect(unknown?.message).toMatch(/unresolved CustomerManagedPolicyReferences\[0\]\.Name attached/);
  });

  it('reports a customer managed policy it references by name and the templates do not define as unknown', () => {
    const result = check({
      Team: permissionSet('Team', { CustomerManagedPolicyReferences: [{ Name: 'team-policy', Path: '/teams/' }] }),
    });
    const unknown = result.findings.find((f) => f.ruleId === 'unreadable-policy');
    expect(unknown?.principalArn).toBe(role('Team'));
    expect(unknown?.message).toMatch(/policy\/teams\/team-policy attached: not in the input/);
  });
});

describe('inline policies behind a condition', () => {
  const trust = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  };
  const withPolicies = (condition: object, parameters: object = {}) => {
    const file = join(dir, 'App.template.json');
    writeFileSync(
      file,
      JSON.stringify({
        Parameters: parameters,
        Conditions: { Chosen: condition },
        Resources: {
          App: {
            Type: 'AWS::IAM::Role',
            Properties: {
              AssumeRolePolicyDocument: trust,
              Policies: {
                'Fn::If': ['Chosen', [{ PolicyName: 'all', PolicyDocument: allow('*') }], { Ref: 'AWS::NoValue' }],
              },
            },
          },
        },
      }),
    );
    return runCheck([file], undefined, { catalog });
  };

  it('reads the branch a known condition picks (they were ignored before)', () => {
    const result = withPolicies({ 'Fn::Equals': ['a', 'a'] });
    expect(serious(result)).toContain('full-admin arn:aws:iam::123456789012:role/App-App');
  });

  it('takes policies only deployment can pick as unknown, at the worst case', () => {
    const result = withPolicies({ 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] }, { Stage: { Type: 'String' } });
    const unknown = result.findings.find((f) => f.ruleId === 'unreadable-policy');
    expect(unknown?.severity).toBe('critical');
    expect(result.audit.problems.map((p) => p.message)).toContainEqual(
      expect.stringMatching(/Fn::If on condition Chosen, unknown before deployment; taken as unknown/),
    );
  });
});

describe('a trust principal only deployment knows', () => {
  // The template reader widens it to a pattern (so that the Allow covers no less than it may); the access graph
  // dropped such patterns, and an agent that could assume the role behind one had no path reported.
  it.each([
    ['a parameter without a default', { 'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:role/${Who}' }],
    ['a reference to a resource of another stack', { 'Fn::ImportValue': 'deployer-role-arn' }],
  ])('from %s: the agent that may assume it reaches what the role can do', (_name, principal) => {
    const file = join(dir, 'App.template.json');
    const template = {
      Parameters: { Who: { Type: 'String' } },
      Resources: {
        Admin: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: 'prod-admin',
            AssumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }],
            },
            ManagedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
          },
        },
        Agent: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: 'agent',
            Tags: [{ Key: 'leash:agent', Value: 'true' }],
            AssumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
              ],
            },
            Policies: [{ PolicyName: 'hop', PolicyDocument: allow('sts:AssumeRole') }],
          },
        },
      },
    };
    writeFileSync(file, JSON.stringify(template));
    const result = runCheck([file], undefined, { catalog });
    const throughAdmin = result.findings.filter(
      (f) => f.principalArn?.endsWith(':role/agent') && f.message.includes('assume role/prod-admin'),
    );
    expect(throughAdmin.map((f) => f.ruleId).sort()).toEqual(
      expect.arrayContaining(['agent-can-write-production', 'can-delete-production']),
    );
    expect(result.audit.problems.map((p) => p.message).join('\n')).toMatch(/cannot resolve/);
  });
});
