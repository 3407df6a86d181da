import * as rule from '../../../lib/audit/rules/can-delete-production';
import { about, allow, deny, doc, FULL_ACCESS_LEVEL, run } from './helpers';

const productionDeny = (actions: string[]) =>
  doc(deny(actions, '*', { Condition: { StringEquals: { 'aws:ResourceTag/environment': ['production', 'prod'] } } }));

describe('can-delete-production', () => {
  it('reports a principal allowed rds:DeleteDBInstance on any resource, naming the missing boundary', () => {
    const findings = run(rule, { principals: [{ name: 'dba', policies: [doc(allow('rds:DeleteDBInstance'))] }] });
    const [finding] = about(findings, 'dba');
    expect(finding.severity).toBe('critical');
    expect(finding.details?.allowed).toEqual(['rds:DeleteDBInstance']);
    expect(finding.message).toContain('no permissions boundary');
    expect(finding.message).toContain('SCPs were not read');
    expect(finding.evidence[0]).toMatchObject({ policyKind: 'inline', statementIndex: 0 });
  });

  it('says nothing about a principal that can only read', () => {
    expect(
      run(rule, { principals: [{ name: 'reader', policies: [doc(allow(['rds:Describe*', 's3:GetObject']))] }] }),
    ).toEqual([]);
  });

  it('says nothing when an SCP denies the action on production-tagged resources', () => {
    const scps = [FULL_ACCESS_LEVEL([{ name: 'protect', document: productionDeny(['rds:DeleteDBInstance']) }])];
    expect(run(rule, { principals: [{ name: 'dba', policies: [doc(allow('rds:DeleteDBInstance'))] }], scps })).toEqual(
      [],
    );
  });

  it('explains that a tag-conditioned SCP deny does not apply to route53:DeleteHostedZone (no tag support)', () => {
    const scps = [FULL_ACCESS_LEVEL([{ name: 'protect', document: productionDeny(['route53:DeleteHostedZone']) }])];
    const [finding] = run(rule, {
      principals: [{ name: 'dns', policies: [doc(allow('route53:DeleteHostedZone'))] }],
      scps,
    });
    expect(finding.details?.tagConditionUnsupported).toEqual(['route53:DeleteHostedZone']);
    expect(finding.message).toContain('cannot evaluate');
  });

  it('rates a grant scoped to named resources as high (depends on the resource), not critical', () => {
    const policy = doc(allow('dynamodb:DeleteTable', 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders'));
    const [finding] = run(rule, { principals: [{ name: 'app', policies: [policy] }] });
    expect(finding.severity).toBe('high');
    expect(finding.details?.depends).toEqual(['dynamodb:DeleteTable']);
  });

  it('marks exempt principals (break-glass) as info', () => {
    const [finding] = run(rule, { principals: [{ name: 'leash-break-glass', policies: [doc(allow('*'))] }] });
    expect(finding.severity).toBe('info');
    expect(finding.details?.exempt).toBe(true);
  });

  it('skips service-linked roles', () => {
    const principals = [
      { name: 'AWSServiceRoleForX', path: '/aws-service-role/x.amazonaws.com/', policies: [doc(allow('*'))] },
    ];
    expect(run(rule, { principals })).toEqual([]);
  });
});
