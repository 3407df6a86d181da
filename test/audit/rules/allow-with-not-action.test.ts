import * as rule from '../../../lib/audit/rules/allow-with-not-action';
import { allow, doc, run } from './helpers';

describe('allow-with-not-action', () => {
  it('reports Allow NotAction on every resource as high, counting what it grants', () => {
    const policy = doc({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' });
    const [finding] = run(rule, { principals: [{ name: 'power', policies: [policy] }] });
    expect(finding.severity).toBe('high');
    expect(finding.details?.grantedActions as number).toBeGreaterThan(10000);
    expect(finding.evidence[0].statement).toEqual(policy.Statement[0]);
  });

  it('rates a NotAction allow limited by a condition as medium', () => {
    const policy = doc({
      Effect: 'Allow',
      NotAction: 'iam:*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
    });
    expect(run(rule, { principals: [{ name: 'power', policies: [policy] }] })[0].severity).toBe('medium');
  });

  it('does not report Deny with NotAction (the usual safe pattern) or a plain Action allow', () => {
    const policy = doc({ Effect: 'Deny', NotAction: 'iam:*', Resource: '*' }, allow('s3:GetObject'));
    expect(run(rule, { principals: [{ name: 'fine', policies: [policy] }] })).toEqual([]);
  });

  it('ignores policies attached to nobody', () => {
    const findings = run(rule, {
      principals: [{ name: 'nobody-uses-it' }],
      managed: { orphan: doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }) },
    });
    expect(findings).toEqual([]);
  });
});
