import * as rule from '../../../lib/audit/rules/full-admin';
import { allow, deny, doc, policyArn, run } from './helpers';

describe('full-admin', () => {
  it.each([
    ['Action "*"', doc(allow('*'))],
    ['NotAction of one service', doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })],
  ])('reports %s on every resource as administrator access', (_name, policy) => {
    const [finding] = run(rule, { principals: [{ name: 'admin', policies: [policy] }] });
    expect(finding).toMatchObject({ ruleId: 'full-admin', severity: 'critical' });
    expect(finding.details?.share as number).toBeGreaterThan(0.9);
  });

  it('does not report a broad but service-limited grant', () => {
    expect(run(rule, { principals: [{ name: 'ops', policies: [doc(allow(['ec2:*', 's3:*', 'rds:*']))] }] })).toEqual(
      [],
    );
  });

  it('does not report "*" cut down by a permissions boundary', () => {
    const findings = run(rule, {
      principals: [{ name: 'bounded', policies: [doc(allow('*'))], boundary: 'ceiling' }],
      managed: { ceiling: doc(allow(['s3:*', 'logs:*'])) },
    });
    expect(findings).toEqual([]);
  });

  it('does not report "*" with a conditional allow (it depends, it is not granted)', () => {
    const policy = doc(allow('*', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }));
    expect(run(rule, { principals: [{ name: 'mfa', policies: [policy] }] })).toEqual([]);
  });

  it('names the granting statement as evidence', () => {
    const [finding] = run(rule, {
      principals: [{ name: 'admin', managed: ['admin-policy'], policies: [doc(deny('s3:DeleteBucket'))] }],
      managed: { 'admin-policy': doc(allow('*')) },
    });
    expect(finding.evidence.map((e) => e.policy)).toContain(policyArn('admin-policy'));
  });
});
