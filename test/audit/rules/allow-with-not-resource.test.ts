import * as rule from '../../../lib/audit/rules/allow-with-not-resource';
import { allow, doc, run } from './helpers';

describe('allow-with-not-resource', () => {
  it('reports Allow with NotResource', () => {
    const policy = doc({ Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::audit-logs/*' });
    const [finding] = run(rule, { principals: [{ name: 'ci', kind: 'user', policies: [policy] }] });
    expect(finding).toMatchObject({ ruleId: 'allow-with-not-resource', severity: 'medium' });
    expect(finding.details?.notResources).toEqual(['arn:aws:s3:::audit-logs/*']);
  });

  it('does not report Deny with NotResource or Allow with Resource', () => {
    const policy = doc({ Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::mine/*' }, allow('s3:GetObject'));
    expect(run(rule, { principals: [{ name: 'fine', policies: [policy] }] })).toEqual([]);
  });
});
