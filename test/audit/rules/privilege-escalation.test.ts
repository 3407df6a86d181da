import * as rule from '../../../lib/audit/rules/privilege-escalation';
import { ESCALATION_PATHS } from '../../../lib/audit/rules/support/escalation-paths';
import { about, allow, catalog, doc, run } from './helpers';

const pathIds = (findings: ReturnType<typeof run>, name: string) =>
  (about(findings, name)[0]?.details?.paths as { id: string }[] | undefined)?.map((p) => p.id) ?? [];

describe('privilege-escalation', () => {
  it('names only real catalog actions in its paths', () => {
    const unknown = ESCALATION_PATHS.flatMap((p) => p.actions).filter((a) => !catalog.get(a));
    expect(unknown).toEqual([]);
  });

  it.each([
    ['create-policy-version', ['iam:CreatePolicyVersion']],
    ['set-default-policy-version', ['iam:SetDefaultPolicyVersion']],
    ['attach-role-policy', ['iam:AttachRolePolicy']],
    ['put-user-policy', ['iam:PutUserPolicy']],
    ['add-user-to-group', ['iam:AddUserToGroup']],
    ['update-assume-role-policy', ['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole']],
    ['passrole-ec2', ['iam:PassRole', 'ec2:RunInstances']],
    ['passrole-lambda-invoke', ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction']],
    ['passrole-glue-dev-endpoint', ['iam:PassRole', 'glue:CreateDevEndpoint']],
    ['passrole-cloudformation', ['iam:PassRole', 'cloudformation:CreateStack']],
    ['delete-role-permissions-boundary', ['iam:DeleteRolePermissionsBoundary']],
    ['lambda-update-function-code', ['lambda:UpdateFunctionCode']],
  ])('finds %s from %j', (id, actions) => {
    const findings = run(rule, { principals: [{ name: 'p', policies: [doc(allow(actions))] }] });
    expect(pathIds(findings, 'p')).toContain(id);
    expect(about(findings, 'p')[0].severity).toBe('high');
  });

  it('needs every action of a path: PassRole alone is not passrole-ec2', () => {
    const findings = run(rule, { principals: [{ name: 'p', policies: [doc(allow('iam:PassRole'))] }] });
    expect(findings).toEqual([]);
  });

  it('finds create-access-key for a user allowed it on every user', () => {
    const policy = doc(allow('iam:CreateAccessKey', 'arn:aws:iam::111122223333:user/*'));
    const findings = run(rule, { principals: [{ name: 'helpdesk', kind: 'user', policies: [policy] }] });
    expect(pathIds(findings, 'helpdesk')).toContain('create-access-key');
  });

  it('does not find create-access-key when a user may only rotate its own keys', () => {
    const policy = doc(allow('iam:CreateAccessKey', 'arn:aws:iam::111122223333:user/${aws:username}'));
    const findings = run(rule, { principals: [{ name: 'self-service', kind: 'user', policies: [policy] }] });
    expect(pathIds(findings, 'self-service')).not.toContain('create-access-key');
  });

  it('reports PassRole scoped to one role as medium (depends on the resource)', () => {
    const policy = doc(allow('iam:PassRole', 'arn:aws:iam::111122223333:role/worker'), allow('ec2:RunInstances'));
    const [finding] = run(rule, { principals: [{ name: 'launcher', policies: [policy] }] });
    expect(finding.severity).toBe('medium');
  });

  it('shows the enabling statements as evidence', () => {
    const [finding] = run(rule, { principals: [{ name: 'p', policies: [doc(allow('iam:CreatePolicyVersion'))] }] });
    expect(finding.evidence[0]).toMatchObject({ policyKind: 'inline', statementIndex: 0 });
  });

  it('says nothing about a read-only principal', () => {
    expect(run(rule, { principals: [{ name: 'r', policies: [doc(allow(['iam:Get*', 'iam:List*']))] }] })).toEqual([]);
  });
});
