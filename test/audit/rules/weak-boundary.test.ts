import * as rule from '../../../lib/audit/rules/weak-boundary';
import { allow, catalog, deny, doc, policyArn, run } from './helpers';

/** Every destructive action of the services, from the catalog (what a good boundary must cover): delete,
 * recreate, and the tamper actions that switch a protection off or rewrite the production tag. */
const destructiveOf = (services: string[]) =>
  catalog.destructive.filter((a) => services.includes(a.service)).map((a) => a.action);

const BOUNDARY = policyArn('boundary');
const strongBoundary = doc(
  allow(['s3:*', 'logs:*', 'iam:*']),
  deny(destructiveOf(['s3', 'logs', 'iam']), '*', {
    Condition: { StringNotEquals: { 'aws:ResourceTag/environment': ['dev', 'test'] } },
  }),
  deny(['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy'], BOUNDARY),
  deny(['iam:DeleteRolePermissionsBoundary', 'iam:PutRolePermissionsBoundary'], '*'),
  deny('iam:CreateRole', '*', { Condition: { StringNotEquals: { 'iam:PermissionsBoundary': BOUNDARY } } }),
);

describe('weak-boundary', () => {
  it('reports a boundary that allows everything but IAM users', () => {
    const [finding] = run(rule, {
      principals: [
        { name: 'agent', tags: { 'leash:agent': 'true' }, boundary: 'boundary', policies: [doc(allow('*'))] },
      ],
      managed: { boundary: doc(allow('*'), deny('iam:CreateUser')) },
    });
    expect(finding).toMatchObject({ severity: 'high', details: { policyArn: BOUNDARY } });
    expect(finding.details?.productionDestructiveAllowed as number).toBeGreaterThan(1000);
    expect(finding.message).toContain('creating roles without requiring a permissions boundary');
  });

  it('accepts a boundary that denies destructive actions outside non-production, boundary edits and unbounded roles', () => {
    const findings = run(rule, {
      principals: [{ name: 'agent', boundary: 'boundary', policies: [doc(allow('*'))] }],
      managed: { boundary: strongBoundary },
    });
    expect(findings).toEqual([]);
  });

  it('reports a boundary that lets the principal rewrite the boundary itself', () => {
    const weak = doc(allow(['s3:GetObject', 'iam:CreatePolicyVersion']));
    const [finding] = run(rule, {
      principals: [{ name: 'p', boundary: 'boundary', policies: [doc(allow('*'))] }],
      managed: { boundary: weak },
    });
    expect(finding.message).toContain('editing the boundary policy itself');
    expect(finding.severity).toBe('medium');
  });

  it('asks under every production tag key: a boundary that guards only the first key lets the second through', () => {
    const firstKeyOnly = doc(
      allow('dynamodb:DeleteTable'),
      deny('dynamodb:DeleteTable', '*', {
        Condition: { StringEqualsIgnoreCase: { 'aws:ResourceTag/environment': ['production', 'prod'] } },
      }),
    );
    const spec = {
      principals: [{ name: 'agent', boundary: 'boundary', policies: [doc(allow('*'))] }],
      managed: { boundary: firstKeyOnly },
    };
    expect(run(rule, spec)).toEqual([]);
    const config = { guardrails: { production: { tagKeys: ['environment', 'stage'], values: ['production'] } } };
    const [finding] = run(rule, spec, config);
    expect(finding).toMatchObject({ severity: 'high', details: { productionTag: 'stage=production' } });
    expect(finding.message).toContain('on resources tagged stage=production');
  });

  it('reports a boundary that stops deletions but lets protections be switched off and the tag rewritten', () => {
    const deletesOnly = doc(
      allow(['dynamodb:DeleteTable', 'dynamodb:UpdateTable', 'dynamodb:TagResource', 'dynamodb:UntagResource']),
      deny('dynamodb:DeleteTable', '*', {
        Condition: { StringEqualsIgnoreCase: { 'aws:ResourceTag/environment': ['production', 'prod'] } },
      }),
    );
    const [finding] = run(rule, {
      principals: [{ name: 'ops', boundary: 'boundary', policies: [doc(allow('*'))] }],
      managed: { boundary: deletesOnly },
    });
    expect(finding).toMatchObject({ severity: 'high', details: { productionDestructiveAllowed: 0 } });
    expect(finding.details?.productionTamperAllowed).toBeGreaterThanOrEqual(3);
    expect(finding.message).toContain(
      'switch off a protection or recovery of resources tagged environment=production (dynamodb:UpdateTable',
    );
    expect(finding.message).toContain('allows rewriting the production tag environment=production');
  });
});
