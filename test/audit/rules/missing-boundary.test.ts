import * as rule from '../../../lib/audit/rules/missing-boundary';
import { allow, doc, run } from './helpers';

const AGENT = { 'leash:agent': 'true' };

describe('missing-boundary', () => {
  it('reports an agent role that can write without a boundary as high', () => {
    const [finding] = run(rule, {
      principals: [{ name: 'agent', tags: AGENT, policies: [doc(allow('s3:PutObject'))] }],
    });
    expect(finding).toMatchObject({ severity: 'high', details: { agent: true } });
  });

  it('reports any other writing role as medium', () => {
    const [finding] = run(rule, { principals: [{ name: 'app', policies: [doc(allow('sqs:SendMessage'))] }] });
    expect(finding.severity).toBe('medium');
  });

  it.each([
    ['a role with a boundary', { boundary: 'b', policies: [doc(allow('s3:PutObject'))] }],
    ['a read-only role', { policies: [doc(allow('s3:GetObject'))] }],
    [
      'a user (boundaries on users are not required)',
      { kind: 'user' as const, policies: [doc(allow('s3:PutObject'))] },
    ],
    ['a service-linked role', { path: '/aws-service-role/x.amazonaws.com/', policies: [doc(allow('s3:PutObject'))] }],
  ])('does not report %s', (_name, spec) => {
    const findings = run(rule, { principals: [{ name: 'p', ...spec }], managed: { b: doc(allow('s3:*')) } });
    expect(findings).toEqual([]);
  });
});
