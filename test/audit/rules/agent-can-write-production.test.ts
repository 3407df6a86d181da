import * as rule from '../../../lib/audit/rules/agent-can-write-production';
import { defaultGuardrailSpec, generateGuardrails } from '../../../lib/guardrails';
import { about, allow, catalog, doc, FULL_ACCESS_LEVEL, run } from './helpers';

const generated = generateGuardrails(defaultGuardrailSpec(), catalog);
const boundary = generated.boundary.document;
const scps = generated.serviceControlPolicies.map((p) => ({ name: p.name, document: p.document }));
const agentTag = { 'leash:agent': 'true' };

describe('agent-can-write-production', () => {
  it('accepts an administrator agent held by the generated boundary and SCPs', () => {
    const findings = run(rule, {
      principals: [{ name: 'agent', tags: agentTag, boundary: 'leash-agent-boundary', policies: [doc(allow('*'))] }],
      managed: { 'leash-agent-boundary': boundary },
      scps: [FULL_ACCESS_LEVEL(scps)],
    });
    expect(about(findings, 'agent')).toEqual([]);
  });

  it('names a different boundary as the layer that lets an agent write when the SCPs were not read', () => {
    const [finding] = run(rule, {
      principals: [{ name: 'agent', tags: agentTag, boundary: 'legacy', policies: [doc(allow('*'))] }],
      managed: { legacy: doc(allow('*')) },
    });
    expect(finding).toMatchObject({ severity: 'critical', details: { recognisedBy: 'agent principal tag' } });
    expect(finding.message).toContain('a permissions boundary other than leash-agent-boundary (legacy)');
    expect(finding.message).toContain('the SCPs were not read');
    expect(finding.details?.resourceStates).toEqual(['tagged environment=production', 'untagged']);
  });

  it('is satisfied by the SCP agent layer alone when an agent role lost its boundary', () => {
    const findings = run(rule, {
      principals: [{ name: 'agent', tags: agentTag, policies: [doc(allow('*'))] }],
      scps: [FULL_ACCESS_LEVEL(scps)],
    });
    expect(about(findings, 'agent')).toEqual([]);
  });

  it('reports an administrator whose requests through an MCP server can write when no SCP agent layer is attached', () => {
    const findings = run(rule, {
      principals: [{ name: 'platform-admin', policies: [doc(allow('*'))] }],
      scps: [FULL_ACCESS_LEVEL()],
    });
    const [finding] = about(findings, 'platform-admin');
    expect(finding).toMatchObject({
      severity: 'high',
      details: { recognisedBy: 'request through an AWS managed MCP server' },
    });
    expect(finding.message).toContain('no SCP agent layer denies them');
  });

  // The agent invariant holds for named resources too: a grant on the production table's ARN, on a bucket's
  // objects, or behind a condition the request may meet, lets the agent write there. Reported one step lower
  // (the decision depends on which resource, or on the condition), never not at all.
  it.each([
    [
      'dynamodb:DeleteTable on a named table',
      allow('dynamodb:DeleteTable', 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders'),
      'resource',
    ],
    ['s3:DeleteObject on a bucket’s objects', allow('s3:DeleteObject', 'arn:aws:s3:::prod-data/*'), 'resource'],
    [
      'dynamodb:DeleteTable in one region',
      allow('dynamodb:DeleteTable', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }),
      'aws:RequestedRegion',
    ],
  ])('reports an agent allowed %s, depending on what decides it', (_, statement, key) => {
    const [finding] = about(
      run(rule, { principals: [{ name: 'agent', tags: agentTag, policies: [doc(statement)] }] }),
      'agent',
    );
    expect(finding).toMatchObject({
      severity: 'high',
      details: { allowedCount: 0, dependsCount: 1, dependsOn: [key] },
    });
    expect(finding.message).toContain(`depending on ${key}`);
  });

  it('accepts the same administrator under the generated SCPs (the MCP agent layer)', () => {
    const findings = run(rule, {
      principals: [{ name: 'platform-admin', policies: [doc(allow('*'))] }],
      scps: [FULL_ACCESS_LEVEL(scps)],
    });
    expect(about(findings, 'platform-admin')).toEqual([]);
  });
});
