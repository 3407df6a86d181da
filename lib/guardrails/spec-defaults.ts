// Default lists of the guardrail spec, kept apart from its zod schema (spec.ts) so that code which only needs
// the defaults (lib/config/defaults.ts, the audit's start-up) does not load zod.

/** Service prefixes agents may use at all by default (the boundary's allow ceiling). */
export const DEFAULT_AGENT_SERVICES = [
  'cloudformation',
  'cloudwatch',
  'logs',
  's3',
  'lambda',
  'dynamodb',
  'ec2',
  'ecs',
  'ecr',
  'rds',
  'sqs',
  'sns',
  'ssm',
  'secretsmanager',
  'kms',
  'iam',
  'sts',
  'xray',
  'events',
  'states',
  'apigateway',
] as const;

/**
 * Reads that return secret material rather than configuration: secret values, parameter values (IAM has no
 * key that tells a decrypted read from a plain one, so every parameter value read counts), Step Functions
 * secrets in execution history and masked log data. Decryption itself (kms:Decrypt) is a Write in the
 * Service Authorization Reference, so the invariant already denies it on production.
 */
export const DEFAULT_SENSITIVE_READS = [
  'secretsmanager:GetSecretValue',
  'secretsmanager:BatchGetSecretValue',
  'ssm:GetParameter',
  'ssm:GetParameters',
  'ssm:GetParametersByPath',
  'ssm:GetParameterHistory',
  'states:RevealSecrets',
  'logs:Unmask',
] as const;
