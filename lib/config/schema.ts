// leash.config.json: one file drives `cdk deploy`, `leash generate`, `leash audit` and `leash check`.
import { z } from 'zod';
import { GuardrailSpec } from '../guardrails/spec';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

/** A finding the team accepts for a while; it stays in reports, marked, and stops failing the run. */
export const Suppression = z.object({
  ruleId: z.string().min(1),
  /** Principal ARN pattern (`*` and `?` wildcards) for audit findings. */
  principalArn: z.string().optional(),
  /** Template logical id for `leash check` findings. */
  logicalId: z.string().optional(),
  reason: z.string().min(10, 'a written reason of at least 10 characters'),
  expires: isoDate,
  /** Required (two distinct people) to approve a destructive change in `leash check`. */
  approvedBy: z.array(z.string().min(1)).default([]),
});
export type Suppression = z.infer<typeof Suppression>;

export const LeashConfig = z.object({
  $schema: z.string().optional(),
  guardrails: GuardrailSpec.default(GuardrailSpec.parse({})),
  suppressions: z.array(Suppression).default([]),
});
export type LeashConfig = z.infer<typeof LeashConfig>;
