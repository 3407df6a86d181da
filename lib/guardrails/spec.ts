// GuardrailSpec: what a user says is production, who is exempt and how agents are recognised.
// The same schema is read from leash.config.json (`guardrails`), so it is the single source of truth.
import { z } from 'zod';

export const ProductionSelector = z.object({
  /** Tag keys that mark an environment; tag keys are case-sensitive in AWS, so list each spelling used. */
  tagKeys: z.array(z.string().min(1)).min(1).default(['environment']),
  /**
   * Values that mean production. Tag values are case-sensitive in AWS; the generators match them with
   * case-insensitive patterns where the condition operator allows (documented in the coverage report).
   */
  values: z.array(z.string().min(1)).min(1).default(['production', 'prod']),
  /** Values that positively mark a resource as not production (the fail-closed rule for agents). */
  nonProductionValues: z.array(z.string().min(1)).min(1).default(['dev', 'development', 'test', 'sandbox', 'staging']),
  /** ARN patterns for production resources that cannot be matched by tag (naming conventions). */
  arnPatterns: z.array(z.string().startsWith('arn:')).default([]),
  /** Explicit production resource ARNs. */
  arns: z.array(z.string().startsWith('arn:')).default([]),
});
export type ProductionSelector = z.infer<typeof ProductionSelector>;

export const AgentSelector = z.object({
  /** Principal tag set on every agent role; SCPs key the agent layer on `aws:PrincipalTag/<key>`. */
  principalTag: z
    .object({ key: z.string().min(1).default('leash:agent'), value: z.string().min(1).default('true') })
    .default({ key: 'leash:agent', value: 'true' }),
  /** Service prefixes agents may use at all (the boundary's allow ceiling). */
  allowedServices: z
    .array(z.string().regex(/^[a-z0-9-]+$/, 'a service prefix such as "s3" (lower case, no wildcard)'))
    .min(1)
    .default([
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
    ]),
  /** Name of the boundary managed policy (the generator denies editing it, and requires it on new roles). */
  boundaryPolicyName: z.string().min(1).default('leash-agent-boundary'),
});
export type AgentSelector = z.infer<typeof AgentSelector>;

/** Organization levels a service or resource control policy can be attached to, outermost first. */
export const PLACEMENT_LEVELS = ['root', 'organizational-unit', 'account'] as const;
export type PlacementLevel = (typeof PLACEMENT_LEVELS)[number];

/**
 * Free attachment slots per level for one policy type. Organizations allows 5 per root, OU and account; one
 * usually holds FullAWSAccess (RCPFullAWSAccess for RCPs), and organizations often use more for their own.
 */
export const LevelSlots = z.object({
  /** The organization root: applies to every account but the management account. */
  root: z.number().int().min(0).max(5).default(4),
  /** The production OU(s) (`deployment.organization.targetOuIds`). */
  organizationalUnit: z.number().int().min(0).max(5).default(4),
  /** Each production account itself (`deployment.organization.accountIds`). */
  account: z.number().int().min(0).max(5).default(4),
});
export type LevelSlots = z.infer<typeof LevelSlots>;

/** How many generated policies each organization level can take; the generator packs into these slots. */
export const PlacementSpec = z.object({
  serviceControlPolicies: LevelSlots.default(LevelSlots.parse({})),
  resourceControlPolicies: LevelSlots.default(LevelSlots.parse({})),
});
export type PlacementSpec = z.infer<typeof PlacementSpec>;

export const GuardrailSpec = z.object({
  production: ProductionSelector.default(ProductionSelector.parse({})),
  /** Principals exempt from the production SCPs (break-glass, the approved pipeline), as ARN patterns. */
  exemptPrincipalArns: z
    .array(z.string().startsWith('arn:'))
    .default(['arn:aws:iam::*:role/leash-break-glass', 'arn:aws:iam::*:role/leash-deployment-pipeline']),
  agents: AgentSelector.default(AgentSelector.parse({})),
  /** Free SCP and RCP slots at the root, the production OU and each production account. */
  placement: PlacementSpec.default(PlacementSpec.parse({})),
});
export type GuardrailSpec = z.infer<typeof GuardrailSpec>;

/** The documented defaults: production = tag `environment` in `production` / `prod`. */
export function defaultGuardrailSpec(): GuardrailSpec {
  return GuardrailSpec.parse({});
}
