import * as rule from '../../../lib/audit/rules/exemption-claimable';
import { allow, deny, doc, roleArn, run } from './helpers';

const trust = doc({
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::444455556666:role/ops' },
  Action: 'sts:AssumeRole',
});

describe('exemption-claimable', () => {
  it('reports an administrator that may create the break-glass role as critical', () => {
    const findings = run(rule, { principals: [{ name: 'ci-deploy', policies: [doc(allow('iam:*'))] }] });
    expect(findings).toHaveLength(1);
    expect(findings[0].severity).toBe('critical');
    expect(findings[0].details?.claim).toEqual(
      expect.arrayContaining(['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:PassRole']),
    );
  });

  it('claims the name with a create a grant allows only with request tags: the caller sends them', () => {
    const tagged = { Condition: { StringEquals: { 'aws:RequestTag/owner': 'platform' } } };
    const [finding] = run(rule, {
      principals: [{ name: 'builder', policies: [doc(allow('iam:CreateRole', '*', tagged))] }],
    });
    expect(finding).toMatchObject({
      severity: 'critical',
      details: { claim: ['iam:CreateRole'], callerPicks: ['sending the tags owner=platform'] },
    });
  });

  it('reports a principal that may only re-policy an exempt role as high', () => {
    const policy = doc(allow('iam:AttachRolePolicy', roleArn('leash-break-glass')));
    const [finding] = run(rule, { principals: [{ name: 'tinkerer', policies: [policy] }] });
    expect(finding.severity).toBe('high');
    expect(finding.details?.claim).toEqual([]);
  });

  it('says nothing when the IAM writes exclude the exempt names', () => {
    const policy = doc(
      allow('iam:*'),
      deny('iam:*', ['arn:aws:iam::*:role/leash-break-glass', 'arn:aws:iam::*:role/leash-deployment-pipeline']),
    );
    expect(run(rule, { principals: [{ name: 'ci-deploy', policies: [policy] }] })).toEqual([]);
  });

  it('says nothing for the exempt principals themselves, but names who may assume an exempt role', () => {
    const findings = run(rule, {
      principals: [{ name: 'leash-break-glass', policies: [doc(allow('iam:*'))], trust }],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0].severity).toBe('info');
    expect(findings[0].details?.trustedPrincipals).toEqual(['arn:aws:iam::444455556666:role/ops']);
  });

  it('knows a role exempt through an assumed-role pattern as exempt (aws:PrincipalArn of a session is the role)', () => {
    const findings = run(
      rule,
      { principals: [{ name: 'ops-admin', policies: [doc(allow('iam:*'))], trust }] },
      { guardrails: { exemptPrincipalArns: ['arn:aws:sts::*:assumed-role/ops-admin/*'] } },
    );
    expect(findings.map((f) => f.severity)).toEqual(['info']);
  });

  it('checks wildcard patterns from the config with a name they match', () => {
    const policy = doc(allow('iam:CreateRole', 'arn:aws:iam::*:role/stacksets-exec-*'));
    const findings = run(
      rule,
      { principals: [{ name: 'builder', policies: [policy] }] },
      { guardrails: { exemptPrincipalArns: ['arn:aws:iam::*:role/stacksets-exec-*'] } },
    );
    expect(findings[0]?.details?.claim).toEqual(['iam:CreateRole']);
  });
});

describe('exemption-claimable with the escalation-and-execution opt-in', () => {
  const optIn = {
    guardrails: {
      everyone: {
        denyEscalationAndExecution: true,
        operatorPrincipalArns: ['arn:aws:iam::*:role/prod-workload-*'],
      },
    },
  };
  const operatorFindings = (findings: ReturnType<typeof run>) =>
    findings.filter((f) => f.message.includes('operator pattern'));

  it('reports who may claim an operator name: operators escalate and execute on production', () => {
    const findings = run(rule, { principals: [{ name: 'ci-deploy', policies: [doc(allow('iam:*'))] }] }, optIn);
    const [operator] = operatorFindings(findings);
    expect(operator.severity).toBe('critical');
    expect(operator.message).toContain('arn:aws:iam::*:role/prod-workload-*');
    expect(operator.remediation).toContain('ProtectOperatorRoles');
  });

  it('lets operators manage each other, and says nothing about operator names while the opt-in is off', () => {
    const principals = [{ name: 'prod-workload-deployer', policies: [doc(allow('iam:*'))] }];
    expect(operatorFindings(run(rule, { principals }, optIn))).toEqual([]);
    const off = { guardrails: { everyone: { denyEscalationAndExecution: false } } };
    expect(
      operatorFindings(run(rule, { principals: [{ name: 'ci-deploy', policies: [doc(allow('iam:*'))] }] }, off)),
    ).toEqual([]);
  });
});
