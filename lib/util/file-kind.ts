// What kind of file the user handed a command, from its top-level shape, so a wrong one gets a hint
// ("this is a CloudFormation template: did you mean `leash check`?") instead of a bare "not recognised".

export type FileKind =
  | 'cloudformation-template'
  | 'authorization-details'
  | 'account-snapshot'
  | 'organization-snapshot'
  | 'policy-document'
  | 'leash-config'
  | 'leash-report'
  | 'sarif';

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function fileKind(value: unknown): FileKind | undefined {
  const top = record(value);
  if (!top) return undefined;
  if ('Resources' in top || 'AWSTemplateFormatVersion' in top || 'TemplateBody' in top)
    return 'cloudformation-template';
  if (['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'].some((key) => key in top)) {
    return 'authorization-details';
  }
  if (top.kind === 'organization' && 'accounts' in top) return 'organization-snapshot';
  if ('schemaVersion' in top && 'accountId' in top) return 'account-snapshot';
  if ('Statement' in top) return 'policy-document';
  if ('runs' in top && typeof top.version === 'string') return 'sarif';
  if ('findings' in top && 'tool' in top) return 'leash-report';
  if ('guardrails' in top || 'suppressions' in top || 'deployment' in top) return 'leash-config';
  return undefined;
}

const WHAT: Record<FileKind, string> = {
  'cloudformation-template': 'a CloudFormation template',
  'authorization-details': '`aws iam get-account-authorization-details` output',
  'account-snapshot': 'an account snapshot',
  'organization-snapshot': 'an organization snapshot',
  'policy-document': 'an IAM policy document',
  'leash-config': 'a leash.config.json',
  'leash-report': 'a leash report',
  sarif: 'a SARIF report',
};

const USE: Record<FileKind, string> = {
  'cloudformation-template': '`leash check FILE`',
  'authorization-details': '`leash audit --input FILE`',
  'account-snapshot': '`leash audit --input FILE`',
  'organization-snapshot': '`leash audit --input FILE`',
  'policy-document': '`leash validate FILE`',
  'leash-config': '`--config FILE`',
  'leash-report': 'it as an input? It is an output of leash',
  sarif: 'it as an input? It is an output of leash',
};

/**
 * `; this is a CloudFormation template: did you mean `leash check FILE`?`, or '' when the kind is unknown
 * or one the command takes (`expected`).
 */
export function wrongKindHint(value: unknown, file: string, expected: readonly FileKind[] = []): string {
  const kind = fileKind(value);
  if (!kind || expected.includes(kind)) return '';
  return `; this is ${WHAT[kind]}: did you mean ${USE[kind].replace('FILE', file)}?`;
}
