// A statement the audit cannot read never switches the gate off: the rest of its policy is still analysed
// and every principal it reaches is flagged, high, or critical when taking the statement at its worst (Allow *)
// lets the principal delete production past everything the audit did read.
import { defaultRules } from '../../../lib/audit/rules';
import * as rule from '../../../lib/audit/rules/unreadable-policy';
import { severityRank } from '../../../lib/audit/report/common';
import { about, allow, deny, doc, FULL_ACCESS_LEVEL, run } from './helpers';

const admin = allow('*');
/** Damaged statements, each as an export or a hand edit may leave it. */
const DAMAGED: [string, unknown][] = [
  ['a number as Action', { Effect: 'Allow', Action: 7, Resource: '*' }],
  ['a null Condition', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: null }],
  ['an Effect in lower case', { Effect: 'allow', Action: 's3:GetObject', Resource: '*' }],
  ['a misspelt element', { Effect: 'Allow', Actions: 's3:GetObject', Resource: '*' }],
  ['a string instead of a statement', 'Allow everything'],
  ['Action and NotAction together', { Effect: 'Allow', Action: 's3:*', NotAction: 'iam:*', Resource: '*' }],
];

describe('unreadable-policy', () => {
  it.each(DAMAGED)('flags the principal for %s, and still analyses the rest of the policy', (_what, bad) => {
    const findings = run(defaultRules, { principals: [{ name: 'ops', policies: [doc(admin, bad)] }] });
    const unreadable = findings.filter((f) => f.ruleId === rule.meta.id);
    expect(unreadable).toHaveLength(1);
    // Nothing else it holds stops a deletion, so the worst reading of the statement makes it critical.
    expect(unreadable[0]).toMatchObject({ severity: 'critical', principalArn: expect.stringMatching(/role\/ops$/) });
    expect(unreadable[0].message).toContain('taken as Allow *, it could delete production');
    expect(unreadable[0].message).toContain('Statement[1]');
    expect(unreadable[0].evidence[0]).toMatchObject({ statementIndex: 1 });
    // The readable Allow */* is still there: the run fails on it as it did before the damage.
    expect(findings.some((f) => f.ruleId === 'full-admin' && f.severity === 'critical')).toBe(true);
  });

  it('stays high when what the audit read stops a deletion whatever the statement grants (an SCP deny)', () => {
    const protect = doc(
      deny('*', '*', {
        Condition: { StringEqualsIgnoreCase: { 'aws:ResourceTag/environment': ['production', 'prod'] } },
      }),
    );
    const noTags = doc(deny('*', '*', { Condition: { Null: { 'aws:ResourceTag/environment': 'true' } } }));
    const scps = [
      FULL_ACCESS_LEVEL([
        { name: 'protect', document: protect },
        { name: 'untagged', document: noTags },
      ]),
    ];
    const bad = { Effect: 'Allow', Action: 7, Resource: '*' };
    const findings = run(rule, { principals: [{ name: 'ops', policies: [doc(allow('s3:GetObject'), bad)] }], scps });
    expect(findings.map((f) => f.severity)).toEqual(['high']);
    expect(findings[0].message).not.toContain('taken as Allow *');
  });

  it('makes a managed policy missing from the input critical for a principal nothing else stops', () => {
    const findings = run(rule, { principals: [{ name: 'ops', managed: ['gone'] }] });
    expect(findings.map((f) => f.severity)).toEqual(['critical']);
    expect(findings[0].message).toContain('not in the input');
  });

  it('flags every principal a damaged managed policy reaches, through groups too', () => {
    const findings = run(rule, {
      principals: [
        { name: 'a', managed: ['shared'] },
        { name: 'devs', kind: 'group', managed: ['shared'] },
        { name: 'alice', kind: 'user', groups: ['devs'] },
        { name: 'clean' },
      ],
      managed: { shared: doc(allow('s3:GetObject'), { Effect: 'Allow', Action: ['s3:*', 42], Resource: '*' }) },
    });
    expect(about(findings, 'a')).toHaveLength(1);
    expect(about(findings, 'alice')).toHaveLength(1);
    expect(about(findings, 'clean')).toHaveLength(0);
    expect(findings.every((f) => severityRank(f.severity) <= severityRank('high'))).toBe(true);
    expect(findings.every((f) => f.severity === 'critical')).toBe(true);
  });

  it('treats a document that is not a policy at all as unreadable as a whole', () => {
    const findings = run(rule, { principals: [{ name: 'p', policies: ['{"Version": "2012-10-17", "Statement": ['] }] });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('the policy cannot be read');
    expect(findings[0].message).toContain('invalid JSON');
  });

  it('says a damaged Deny protects nothing', () => {
    const findings = run(rule, {
      principals: [{ name: 'p', policies: [doc(admin, { Effect: 'Deny', Action: 'rds:Delete*', Resource: 5 })] }],
    });
    expect(findings[0].message).toContain('the Deny was left out of the analysis');
  });

  it('reports a damaged SCP once, for the organization', () => {
    const scps = [FULL_ACCESS_LEVEL([{ name: 'protect', document: doc(deny('rds:Delete*'), { Effect: 'Deny' }) }])];
    const findings = run(rule, { principals: [{ name: 'p' }], scps });
    expect(findings).toHaveLength(1);
    expect(findings[0].principalArn).toBeUndefined();
    expect(findings[0].message).toMatch(/^SCP protect: 1 statement/);
  });

  it('flags a role whose trust policy cannot be read: anyone may be able to assume it', () => {
    const trust = doc({ Effect: 'Allow', Principal: { AWS: 7 }, Action: 'sts:AssumeRole' });
    const findings = run(rule, { principals: [{ name: 'r', trust }] });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('it may be anyone');
  });

  it('reads "Principal": ["*"] in a trust policy as everyone', () => {
    const trust = doc({ Effect: 'Allow', Principal: ['*'], Action: 'sts:AssumeRole' });
    const findings = run(defaultRules, { principals: [{ name: 'r', trust }] });
    expect(findings.filter((f) => f.ruleId === 'trust-public-principal')).toHaveLength(1);
    expect(findings.filter((f) => f.ruleId === rule.meta.id)).toHaveLength(0);
  });

  it('says nothing about valid policies', () => {
    expect(run(rule, { principals: [{ name: 'p', policies: [doc(admin, deny('rds:Delete*'))] }] })).toEqual([]);
  });

  it.each(DAMAGED.filter(([, statement]) => (statement as { Effect?: unknown })?.Effect !== 'Deny'))(
    'an SCP level whose only Allow has %s does not hide who can delete: it is taken as allowing everything',
    (_what, statement) => {
      const scps = [
        { kind: 'root' as const, id: 'r-test', policies: [{ name: 'allow-list', document: doc(statement) }] },
      ];
      const findings = run(defaultRules, { principals: [{ name: 'ops', policies: [doc(admin)] }], scps });
      const deletes = about(findings, 'ops').find((f) => f.ruleId === 'can-delete-production');
      expect(deletes?.severity).toBe('critical');
      const scp = findings.find((f) => f.ruleId === 'unreadable-policy');
      expect(scp?.message).toContain('taken as allowing everything at its level');
    },
  );

  it('an unread Deny in an SCP level is left out, the rest of the level still read', () => {
    const scps = [
      FULL_ACCESS_LEVEL([{ name: 'broken-deny', document: doc({ Effect: 'Deny', Action: 7, Resource: '*' }) }]),
    ];
    const findings = run(defaultRules, { principals: [{ name: 'ops', policies: [doc(allow('s3:GetObject'))] }], scps });
    expect(about(findings, 'ops').some((f) => f.ruleId === 'can-delete-production')).toBe(false);
  });
});
