// A StackSet's TemplateBody deploys roles into every account it targets: leash check judges them as a member
// account's principals, whether the body is an object, JSON text or YAML text, and says when it cannot see one.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Rule } from '../../lib/audit/rules/types';
import { runCheck } from '../../lib/check/check';
import { auditStackSetMember, stackSetMembers } from '../../lib/check/stack-set-members';
import { loadStacks } from '../../lib/check/assembly';
import { defaultConfig } from '../../lib/config/defaults';

const ADMIN_TRUSTING_EVERYONE = {
  Resources: {
    Admin: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: 'everyone-admin',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }],
        },
        ManagedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
      },
    },
  },
};

function check(templateBody: unknown, extra: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'leash-stackset-'));
  const file = join(dir, 'Org.json');
  const properties = { StackSetName: 'roles', PermissionModel: 'SERVICE_MANAGED', ...extra };
  writeFileSync(
    file,
    JSON.stringify({
      Resources: {
        Set: {
          Type: 'AWS::CloudFormation::StackSet',
          Properties: templateBody === undefined ? properties : { ...properties, TemplateBody: templateBody },
        },
      },
    }),
  );
  return { file, result: runCheck([file], undefined, {}) };
}

describe('the principals a StackSet deploys', () => {
  it.each([
    ['an object', ADMIN_TRUSTING_EVERYONE],
    ['JSON text', JSON.stringify(ADMIN_TRUSTING_EVERYONE)],
    [
      'YAML text',
      [
        'Resources:',
        '  Admin:',
        '    Type: AWS::IAM::Role',
        '    Properties:',
        '      AssumeRolePolicyDocument:',
        "        Version: '2012-10-17'",
        '        Statement:',
        '          - Effect: Allow',
        "            Principal: { AWS: '*' }",
        '            Action: sts:AssumeRole',
        '      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]',
      ].join('\n'),
    ],
  ])('are judged when the body is %s, pointing into the StackSet', (_kind, body) => {
    const { file, result } = check(body);
    const rules = result.findings.map((finding) => finding.ruleId);
    expect(rules).toEqual(expect.arrayContaining(['trust-public-principal', 'full-admin']));
    const trust = result.findings.find((finding) => finding.ruleId === 'trust-public-principal');
    expect(trust?.location).toMatchObject({
      file,
      logicalId: 'Admin',
      jsonPath: 'Resources.Set.Properties.TemplateBody.Resources.Admin',
    });
    expect(trust?.message).toMatch(/StackSet Set deploys this to each account it targets/);
  });

  it('says where in the body what it could not resolve is', () => {
    const body = {
      Parameters: { Trusted: { Type: 'String' } },
      Resources: {
        Reader: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: { AWS: { Ref: 'Trusted' } }, Action: 'sts:AssumeRole' }],
            },
          },
        },
      },
    };
    const { file, result } = check(body);
    const where = result.audit.problems.map((problem) => problem.where);
    expect(where).toContain(
      `${file}: Resources.Set.Properties.TemplateBody.Resources.Reader.Properties.AssumeRolePolicyDocument.Statement[0].Principal`,
    );
  });

  it('fails on a TemplateBody that does not parse, naming where', () => {
    expect(() => check('Resources:\n  Admin: !NoSuchTag x')).toThrow(/Resources\.Set\.Properties\.TemplateBody/);
    expect(() => check({ Resources: { Admin: null } })).toThrow(
      /TemplateBody: Resources\.Admin\.Type: expected a resource type/,
    );
    expect(() => check({ Resources: null })).toThrow(/TemplateBody: Resources: expected an object of resources/);
    expect(() => check({ Admin: { Type: 'AWS::IAM::Role' } })).toThrow(
      /Resources\.Set\.Properties\.TemplateBody: expected a CloudFormation template/,
    );
  });

  it('says which rule failed on a body, instead of a report that looks whole', () => {
    const { file } = check(ADMIN_TRUSTING_EVERYONE);
    const [member] = stackSetMembers(loadStacks([file])).members;
    const failing = {
      meta: { id: 'always-fails', severity: 'high', title: 't', help: 'h' },
      check: () => {
        throw new Error('boom');
      },
    } as unknown as Rule;
    const result = auditStackSetMember(member, defaultConfig(), new Date(), undefined, [failing]);
    expect(result.problems).toContainEqual({
      where: 'rule always-fails on StackSet Set',
      message: 'check failed: boom',
    });
  });

  it('says so when the template is not in the file', () => {
    const { result } = check(undefined, { TemplateURL: 'https://s3.amazonaws.com/bucket/roles.json' });
    expect(result.caveats.join('\n')).toMatch(/StackSet Set .*template is not in the file .*not judged/);
    const built = check({ 'Fn::Sub': '{"Resources": {}}' }).result;
    expect(built.caveats.join('\n')).toMatch(/StackSet Set .*template is not in the file .*not judged/);
  });
});
