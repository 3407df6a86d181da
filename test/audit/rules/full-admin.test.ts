import * as rule from '../../../lib/audit/rules/full-admin';
import { allow, deny, doc, FULL_ACCESS_LEVEL, policyArn, run } from './helpers';

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

  it('reports "*" under a region deny SCP as administrator access in a region the SCP allows', () => {
    // Control Tower's kind: everything outside two regions denied, global services aside.
    const regions = doc({
      Effect: 'Deny',
      NotAction: ['iam:*', 'organizations:*', 'sts:*', 'route53:*', 'cloudfront:*', 'support:*'],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } },
    });
    const scps = [FULL_ACCESS_LEVEL([{ name: 'regions', document: regions }])];
    const [finding] = run(rule, { principals: [{ name: 'admin', policies: [doc(allow('*'))] }], scps });
    expect(finding).toMatchObject({ severity: 'critical', details: { requestedRegion: 'eu-west-1', depends: 0 } });
    expect(finding.message).toContain('on any resource in eu-west-1');
    // An MFA condition is not the caller's pick: still not reported.
    const mfa = doc(allow('*', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }));
    expect(run(rule, { principals: [{ name: 'mfa', policies: [mfa] }], scps })).toEqual([]);
  });

  it('names the granting statement as evidence', () => {
    const [finding] = run(rule, {
      principals: [{ name: 'admin', managed: ['admin-policy'], policies: [doc(deny('s3:DeleteBucket'))] }],
      managed: { 'admin-policy': doc(allow('*')) },
    });
    expect(finding.evidence.map((e) => e.policy)).toContain(policyArn('admin-policy'));
  });
});
