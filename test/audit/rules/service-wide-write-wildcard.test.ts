import * as rule from '../../../lib/audit/rules/service-wide-write-wildcard';
import { allow, doc, policyArn, run } from './helpers';

describe('service-wide-write-wildcard', () => {
  it('reports s3:* on every resource as medium, listing destructive actions', () => {
    const [finding] = run(rule, { principals: [{ name: 'app', policies: [doc(allow('s3:*'))] }] });
    expect(finding.severity).toBe('medium');
    expect(finding.details?.destructiveActions).toContain('s3:DeleteBucket');
  });

  it('reports ec2:Delete* scoped to resources as low', () => {
    const policy = doc(allow('ec2:Delete*', 'arn:aws:ec2:eu-west-1:111122223333:volume/*'));
    const [finding] = run(rule, { principals: [{ name: 'app', policies: [policy] }] });
    expect(finding.severity).toBe('low');
  });

  it.each([
    ['read-only wildcards', doc(allow(['s3:Get*', 's3:List*']))],
    ['named actions', doc(allow(['s3:PutObject', 's3:DeleteObject']))],
    ['"*" (the full-admin rule reports it)', doc(allow('*'))],
  ])('does not report %s', (_name, policy) => {
    expect(run(rule, { principals: [{ name: 'app', policies: [policy] }] })).toEqual([]);
  });

  it('reports a managed policy once, with the principals it reaches', () => {
    const findings = run(rule, {
      principals: [
        { name: 'a', managed: ['wide'] },
        { name: 'b', managed: ['wide'] },
      ],
      managed: { wide: doc(allow('dynamodb:*')) },
    });
    expect(findings).toHaveLength(1);
    expect(findings[0].details).toMatchObject({ policyArn: policyArn('wide'), principalCount: 2 });
  });

  it('does not report a wildcard a boundary already blocks', () => {
    const findings = run(rule, {
      principals: [{ name: 'bounded', policies: [doc(allow('s3:*'))], boundary: 'no-s3' }],
      managed: { 'no-s3': doc(allow('logs:*')) },
    });
    expect(findings).toEqual([]);
  });
});
