import * as rule from '../../../lib/audit/rules/invalid-pattern';
import { allow, deny, doc, FULL_ACCESS_LEVEL, run } from './helpers';

describe('invalid-pattern', () => {
  it('reports a Deny on "*:Delete*" as high: it protects nothing', () => {
    const [finding] = run(rule, {
      principals: [{ name: 'ops', policies: [doc(allow('ec2:*')), doc(deny('*:Delete*'))] }],
    });
    expect(finding.severity).toBe('high');
    expect(finding.message).toContain('wildcard in the service prefix');
    expect(finding.message).toContain('this Deny does not protect what it names');
    expect(finding.evidence[0]).toMatchObject({
      statementIndex: 0,
      statement: { Effect: 'Deny', Action: '*:Delete*' },
    });
  });

  it('reports a misspelt action in an SCP deny', () => {
    const scps = [FULL_ACCESS_LEVEL([{ name: 'protect', document: doc(deny('rds:DeleteDbInstanse')) }])];
    const findings = run(rule, { principals: [{ name: 'p' }], scps });
    expect(findings.map((f) => [f.severity, f.details?.path])).toEqual([['high', 'Statement[0].Action']]);
  });

  it('reports an unknown action in an Allow as medium (grants less than it says)', () => {
    const [finding] = run(rule, { principals: [{ name: 'p', policies: [doc(allow('s3:GetObjekt'))] }] });
    expect(finding.severity).toBe('medium');
  });

  it('reports ForAllValues on a single-valued key in an Allow: medium for a grant, high in a boundary', () => {
    const onlyDev = { Condition: { 'ForAllValues:StringEquals': { 'aws:ResourceTag/environment': 'dev' } } };
    const grant = run(rule, {
      principals: [{ name: 'p', policies: [doc(allow('ec2:TerminateInstances', '*', onlyDev))] }],
    });
    expect(grant.map((f) => f.severity)).toEqual(['medium']);
    expect(grant[0].message).toContain('holds wherever it is missing');
    expect(grant[0].message).toContain('the Allow grants more than its condition says');
    const boundary = run(rule, {
      principals: [{ name: 'p', policies: [doc(allow('*'))], boundary: 'cap' }],
      managed: { cap: doc(allow('ec2:*', '*', onlyDev)) },
    });
    expect(boundary.map((f) => f.severity)).toEqual(['high']);
  });

  it('says nothing about valid patterns', () => {
    const findings = run(rule, {
      principals: [{ name: 'p', policies: [doc(allow(['s3:Get*', 'ec2:DescribeInstances']), deny('rds:Delete*'))] }],
    });
    expect(findings).toEqual([]);
  });

  describe('a service condition key the AWS reference does not list (AWS never sends it)', () => {
    const onTag = (key: string) => ({ Condition: { StringEquals: { [key]: 'production' } } });

    it('makes an SCP Deny high: it never applies, and the global key it likely meant is named', () => {
      const scps = [
        FULL_ACCESS_LEVEL([
          { name: 'protect', document: doc(deny('rds:Delete*', '*', onTag('rds:ResourceTag/environment'))) },
        ]),
      ];
      const findings = run(rule, { principals: [{ name: 'p' }], scps });
      expect(findings).toHaveLength(1);
      expect(findings[0].severity).toBe('high');
      expect(findings[0].message).toContain('"rds:ResourceTag/environment" is not a condition key of rds');
      expect(findings[0].message).toContain('did you mean "aws:ResourceTag/environment"?');
      expect(findings[0].details?.path).toBe('Statement[0].Condition.StringEquals["rds:ResourceTag/environment"]');
    });

    it('says a negated test of such a key passes every request: the Deny applies to all it names', () => {
      const exempt = { Condition: { StringNotEquals: { 'iam:ResourceTags/owner': 'platform' } } };
      const findings = run(rule, {
        principals: [{ name: 'p', policies: [doc(allow('*'), deny('iam:*', '*', exempt))] }],
      });
      expect(findings).toHaveLength(1);
      expect(findings[0].severity).toBe('high');
      expect(findings[0].message).toContain('this StringNotEquals test is always true');
      expect(findings[0].message).toContain('this Deny applies to every request it names');
    });

    it('makes an Allow whose negated test always passes medium: it holds without what it was to require', () => {
      const only = { Condition: { StringNotEquals: { 'rds:db-tags/environment': 'production' } } };
      const findings = run(rule, { principals: [{ name: 'p', policies: [doc(allow('rds:*', '*', only))] }] });
      expect(findings.map((f) => f.severity)).toEqual(['medium']);
      expect(findings[0].message).toContain('the Allow holds whatever its condition was to require');
    });

    it('makes an Allow low (it grants less than it says)', () => {
      const findings = run(rule, {
        principals: [{ name: 'p', policies: [doc(allow('rds:*', '*', onTag('rds:db-tags/environment')))] }],
      });
      expect(findings.map((f) => f.severity)).toEqual(['low']);
      expect(findings[0].message).toContain('did you mean "rds:db-tag/environment"');
    });

    it('says nothing of keys the reference lists, whatever their placeholder, or of keys of no service', () => {
      const findings = run(rule, {
        principals: [
          {
            name: 'p',
            policies: [
              doc(
                deny('rds:Delete*', '*', onTag('rds:db-tag/environment')),
                deny('s3:DeleteObject', '*', onTag('s3:ExistingObjectTag/environment')),
                deny('secretsmanager:DeleteSecret', '*', onTag('secretsmanager:ResourceTag/environment')),
                deny('kms:ScheduleKeyDeletion', '*', onTag('kms:EncryptionContext:environment')),
                // Listed by ec2-instance-connect, not by ec2's own table.
                deny('ec2-instance-connect:SendSSHPublicKey', '*', onTag('ec2:osuser')),
                deny('s3:*', '*', onTag('ec2:SourceInstanceARN')),
                deny('sts:AssumeRoleWithWebIdentity', '*', onTag('token.actions.githubusercontent.com:sub')),
              ),
            ],
          },
        ],
      });
      expect(findings).toEqual([]);
    });
  });
});
