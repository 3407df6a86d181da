// GuardrailSpec: what a user says is production, who is exempt and how agents are recognised.
// The same schema is read from leash.config.json (`guardrails`), so it is the single source of truth.
import { z } from 'zod';
import { arnProblem } from '../policy/arn';
import { strictObject } from '../util/strict-object';
import { DEFAULT_AGENT_SERVICES, DEFAULT_SENSITIVE_READS } from './spec-defaults';

// AWS tags (Tagging AWS Resources, "Tag naming limits and requirements"): keys of 1-128 and values of up to
// 256 Unicode letters, digits, spaces and _ . : / = + - @; keys beginning with "aws:" are AWS's own and
// cannot be set, so no guardrail can be keyed on one. A value is required here: an empty one marks nothing.
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
// A leading or trailing space is a legal tag character but almost always a typo ("Prod "): the guardrail
// would then key on a spelling no resource carries and protect nothing, so it is refused.
const TRIMMED = (what: string) =>
  [
    (text: string) => text === text.trim(),
    `a ${what} must not begin or end with white space: it would match only tags spelled with it`,
  ] as const;
export const TagKey = z
  .string()
  .min(1, 'a tag key must not be empty')
  .refine(...TRIMMED('tag key'))
  .max(128, 'a tag key has at most 128 characters')
  .regex(TAG_CHARACTERS, 'a tag key may hold only letters, digits, spaces and _ . : / = + - @')
  .refine((key) => !key.toLowerCase().startsWith('aws:'), 'tag keys beginning with "aws:" are reserved for AWS');
export const TagValue = z
  .string()
  .min(1, 'a tag value must not be empty here')
  .refine(...TRIMMED('tag value'))
  .max(256, 'a tag value has at most 256 characters')
  .regex(TAG_CHARACTERS, 'a tag value may hold only letters, digits, spaces and _ . : / = + - @');

/** An ARN, or with `wildcards` an ARN pattern (`arn:aws:iam::*:role/admin-*`). */
export function ArnString(options: { wildcards?: boolean } = {}) {
  return z.string().superRefine((value, ctx) => {
    const why = arnProblem(value, options);
    if (why) ctx.addIssue({ code: 'custom', message: why });
  });
}

/**
 * An exempt or operator principal pattern: a role, user, role-session or root ARN pattern (the shapes the
 * generator can protect, see exemptions.ts), whose name is not only wildcards. Checked here, where every front
 * door reads it: `arn:aws:iam::*:*` or `arn:aws:iam::*:role/*` would exempt every principal, and the audit would
 * report every one who can delete production as `info`.
 */
export function PrincipalArnPattern() {
  return ArnString({ wildcards: true }).superRefine((value, ctx) => {
    const why = principalPatternProblem(value);
    if (why) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} ${why}` });
  });
}

function principalPatternProblem(value: string): string | undefined {
  const arn = /^arn:[^:]*:(iam|sts)::[^:]*:(.*)$/.exec(value);
  const resource = arn?.[2] ?? '';
  const named =
    arn?.[1] === 'iam'
      ? /^(role|user)\/(.+)$/.exec(resource)
      : arn?.[1] === 'sts'
        ? /^(assumed-role)\/([^/]+)\/.+$/.exec(resource)
        : null;
  if (!named && !(arn?.[1] === 'iam' && resource === 'root')) {
    return 'is not a role (arn:aws:iam::ACCOUNT:role/NAME), user, assumed-role (arn:aws:sts::ACCOUNT:assumed-role/NAME/*) or root ARN pattern';
  }
  if (named && /^[*?/]*$/.test(named[2])) {
    const every = named[1] === 'user' ? 'user' : 'role';
    return (
      `matches every ${every}${value.includes('::*:') ? ' of every account' : ' of the account'}: it would set ` +
      'nobody apart from the production guardrails (all of them would be exempt); name the principals (role/leash-break-glass)'
    );
  }
  return undefined;
}

export const ProductionSelector = strictObject({
  /** Tag keys that mark an environment; tag keys are case-sensitive in AWS, so list each spelling used. */
  tagKeys: z.array(TagKey).min(1).default(['environment']),
  /**
   * Values that mean production. Tag values are case-sensitive in AWS; the generators match them with
   * case-insensitive patterns where the condition operator allows (documented in the coverage report).
   */
  values: z.array(TagValue).min(1).default(['production', 'prod']),
  /** Values that positively mark a resource as not production (the fail-closed rule for agents). */
  nonProductionValues: z.array(TagValue).min(1).default(['dev', 'development', 'test', 'sandbox', 'staging']),
  /**
   * ARN patterns for production resources that cannot be matched by tag (naming conventions). Each denies
   * every destructive action whose resources can have an ARN of the pattern's service, whatever the action's
   * own prefix (`arn:aws:kafka:...` covers kafka-cluster:DeleteTopic too), but, like the tag deny, not pure
   * escalation or execution (lambda:InvokeFunction), which only everyone.denyEscalationAndExecution denies
   * there, to all but the operators. IAM allows no wildcard in the service
   * segment; a wildcard resource type (`arn:aws:rds:*:*:*:prod-*`) matches in AWS but not in the simulator
   * that proves the guardrails. Generation refuses both; write `arn:aws:rds:*:*:db:prod-*`, one pattern per
   * resource type.
   */
  arnPatterns: z.array(ArnString({ wildcards: true })).default([]),
  /** Explicit production resource ARNs. */
  arns: z.array(ArnString()).default([]),
});
export type ProductionSelector = z.infer<typeof ProductionSelector>;

/** `service:Action` or `service:Prefix*`: one service, no bare `*`, no `?`. */
const ActionName = z
  .string()
  .regex(/^[a-z0-9-]+:[A-Za-z0-9]+\*?$/, 'an action such as "s3:PutObject" or a prefix such as "s3:PutObject*"');

export { DEFAULT_AGENT_SERVICES, DEFAULT_SENSITIVE_READS } from './spec-defaults';

export const AgentSelector = strictObject({
  /** Principal tag set on every agent role; SCPs key the agent layer on `aws:PrincipalTag/<key>`. */
  principalTag: strictObject({ key: TagKey.default('leash:agent'), value: TagValue.default('true') }).default({
    key: 'leash:agent',
    value: 'true',
  }),
  /** Service prefixes agents may use at all (the boundary's allow ceiling). */
  allowedServices: z
    .array(z.string().regex(/^[a-z0-9-]+$/, 'a service prefix such as "s3" (lower case, no wildcard)'))
    .min(1)
    .default([...DEFAULT_AGENT_SERVICES]),
  /** Name of the boundary managed policy (the generator denies editing it, and requires it on new roles). */
  boundaryPolicyName: z
    .string()
    .regex(
      /^[\w+=,.@-]{1,128}$/,
      'an IAM policy name (1-128 of letters, digits and +=,.@_-): the SCPs protect the boundary by this name',
    )
    .default('leash-agent-boundary'),
  /**
   * Writes the user declares safe on production and on untagged resources: `service:Action`, or a
   * `service:Prefix*` pattern. Empty by default; every entry must match at least one write of an allowed
   * service, and none may match an escalate, tamper or execute action (checked against the catalog).
   */
  productionWriteAllowlist: z.array(ActionName).default([]),
  /**
   * Reads that are denied unless the resource is tagged non-production: they return secret material, not
   * configuration. Checked against the catalog like the allowlist.
   */
  sensitiveReads: z.array(ActionName).default([...DEFAULT_SENSITIVE_READS]),
  /**
   * `aws:SourceIdentity` patterns (StringLike: `*` and `?`) that mark an agent session, whoever's role it
   * is: the source identity is set once when the first role is assumed and survives role chaining.
   */
  sourceIdentityPatterns: z
    .array(
      z
        .string()
        .min(1)
        .max(64)
        // AWS allows letters, digits and +=,.@- in a source identity; anything else (a space) never matches.
        .regex(
          /^[\w+=,.@*?-]+$/,
          'a source identity pattern: letters, digits, +=,.@_- and the wildcards * and ?, no spaces',
        ),
    )
    .default([]),
  /** Requests that arrive through an AWS managed MCP server (`aws:ViaAWSMCPService`). */
  mcp: strictObject({
    /** Hold MCP requests to the agent invariant in the SCPs, whoever the principal is. */
    treatAsAgent: z.boolean().default(true),
    /** Exempt principals too (break-glass, the pipeline): an agent may be running with their access. */
    includeExemptPrincipals: z.boolean().default(true),
  }).default({ treatAsAgent: true, includeExemptPrincipals: true }),
});
export type AgentSelector = z.infer<typeof AgentSelector>;

/** Organization levels a service or resource control policy can be attached to, outermost first. */
export const PLACEMENT_LEVELS = ['root', 'organizational-unit', 'account'] as const;
export type PlacementLevel = (typeof PLACEMENT_LEVELS)[number];

/**
 * Free attachment slots per level for one policy type. Organizations allows 5 per root, OU and account; one
 * usually holds FullAWSAccess (RCPFullAWSAccess for RCPs), and organizations often use more for their own.
 */
export const LevelSlots = strictObject({
  /** The organization root: applies to every account but the management account. */
  root: z.number().int().min(0).max(5).default(4),
  /** The production OU(s) (`deployment.organization.targetOuIds`). */
  organizationalUnit: z.number().int().min(0).max(5).default(4),
  /** Each production account itself (`deployment.organization.accountIds`). */
  account: z.number().int().min(0).max(5).default(4),
});
export type LevelSlots = z.infer<typeof LevelSlots>;

/** How many generated policies each organization level can take; the generator packs into these slots. */
export const PlacementSpec = strictObject({
  serviceControlPolicies: LevelSlots.default(LevelSlots.parse({})),
  resourceControlPolicies: LevelSlots.default(LevelSlots.parse({})),
});
export type PlacementSpec = z.infer<typeof PlacementSpec>;

/**
 * What the production SCPs deny to every principal that is not exempt, beyond deleting, recreating and
 * tampering. One switch, not one per class: 100% needs both classes, and either one alone already stops the
 * same workloads and deployments (a deployment passes roles, which is escalation, and updates function code,
 * which is escalation and execution at once).
 */
export const EveryoneSelector = strictObject({
  /**
   * Deny the tag-aware destructive actions that are only escalation or execution (lambda:InvokeFunction,
   * ssm:SendCommand, states:StartExecution, iam:PassRole, lambda:UpdateFunctionCode,
   * cloudformation:CreateStack...) on production-tagged resources to everyone but the exempt and operator
   * principals. Off by default: production workloads invoke and start each other, and CloudFormation's
   * execution role passes roles and updates code on every deployment; with it on, both must run as
   * operator or exempt principals.
   * @default false
   */
  denyEscalationAndExecution: z.boolean().default(false),
  /**
   * Principals that keep escalation and execution on production when `denyEscalationAndExecution` is on
   * (workload roles, CloudFormation's execution role), as ARN patterns matched with aws:PrincipalArn. They
   * stay bound by every other production deny. Their names are protected like exempt names: only exempt and
   * operator principals may create, change, tag, pass or delete them.
   * @default []
   */
  operatorPrincipalArns: z.array(PrincipalArnPattern()).default([]),
});
export type EveryoneSelector = z.infer<typeof EveryoneSelector>;

export const GuardrailSpec = strictObject({
  production: ProductionSelector.default(ProductionSelector.parse({})),
  /** Principals exempt from the production SCPs (break-glass, the approved pipeline), as ARN patterns. */
  exemptPrincipalArns: z
    .array(PrincipalArnPattern())
    .default(['arn:aws:iam::*:role/leash-break-glass', 'arn:aws:iam::*:role/leash-deployment-pipeline']),
  agents: AgentSelector.default(AgentSelector.parse({})),
  /** Everyone who is not exempt: escalation and execution on production (opt-in) and its operators. */
  everyone: EveryoneSelector.default(EveryoneSelector.parse({})),
  /** Free SCP and RCP slots at the root, the production OU and each production account. */
  placement: PlacementSpec.default(PlacementSpec.parse({})),
});
export type GuardrailSpec = z.infer<typeof GuardrailSpec>;

/** The documented defaults: production = tag `environment` in `production` / `prod`. */
export function defaultGuardrailSpec(): GuardrailSpec {
  return GuardrailSpec.parse({});
}
