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

  it('says nothing about valid patterns', () => {
    const findings = run(rule, {
      principals: [{ name: 'p', policies: [doc(allow(['s3:Get*', 'ec2:DescribeInstances']), deny('rds:Delete*'))] }],
    });
    expect(findings).toEqual([]);
  });
});
