// Report inputs for the renderer specifications: an audit finding, a template finding, a suppressed one.
import { defaultRules } from '../../../lib/audit/rules';
import type { Finding } from '../../../lib/audit/rules/types';
import type { ReportInput } from '../../../lib/audit/report';

export const auditFinding: Finding = {
  ruleId: 'can-delete-production',
  category: 'production-destruction',
  severity: 'critical',
  title: 'Can delete or recreate production resources',
  message:
    'can delete resources tagged environment=production: 2 action(s) allowed (rds:DeleteDBInstance | s3:DeleteBucket).',
  accountId: '111122223333',
  principalArn: 'arn:aws:iam::111122223333:role/agent-ops',
  evidence: [
    {
      policy: 'arn:aws:iam::aws:policy/AdministratorAccess',
      policyKind: 'managed',
      statementIndex: 0,
      statement: { Effect: 'Allow', Action: '*', Resource: '*' },
    },
  ],
  details: { allowed: ['rds:DeleteDBInstance', 's3:DeleteBucket'] },
  remediation: 'Attach the agent permissions boundary.',
  docsUrl: 'https://github.com/agent-leash/agent-leash/blob/main/docs/rules.md#can-delete-production',
};

export const templateFinding: Finding = {
  ruleId: 'full-admin',
  category: 'over-broad',
  severity: 'high',
  title: 'Administrator access (or equivalent)',
  message: 'is allowed every action.',
  principalArn: 'arn:aws:iam::111122223333:role/DeployRole',
  location: {
    file: 'cdk.out/App Stack.template.json',
    logicalId: 'DeployRole1234',
    cdkPath: 'App/DeployRole/Resource',
  },
  evidence: [{ policy: 'inline:Default', policyKind: 'template', statementIndex: 0 }],
};

export const suppressedFinding: Finding = {
  ...auditFinding,
  ruleId: 'full-admin',
  category: 'over-broad',
  severity: 'critical',
  title: 'Administrator access (or equivalent)',
  message: 'break-glass is an administrator.',
  principalArn: 'arn:aws:iam::111122223333:role/leash-break-glass',
  suppressed: { reason: 'break-glass by design, MFA-gated', expires: '2099-01-01' },
};

export const reportInput: ReportInput = {
  tool: { name: 'leash audit', version: '0.1.0' },
  rules: defaultRules.map((r) => r.meta),
  findings: [auditFinding, templateFinding, suppressedFinding],
  accounts: [
    {
      accountId: '111122223333',
      source: 'authz.json',
      principals: 3,
      problems: [{ where: 'authz.json: Policies[2]', message: 'no default version' }],
      caveats: ['Service control policies were not read.'],
    },
  ],
  notAudited: [{ accountId: '444455556666', accountName: 'sandbox', reason: 'AccessDenied assuming the audit role' }],
  expiredSuppressions: [
    {
      ruleId: 'missing-boundary',
      principalArn: 'arn:aws:iam::*:role/ci-*',
      reason: 'until the CI rework',
      expires: '2020-01-01',
      matched: 2,
    },
  ],
};
