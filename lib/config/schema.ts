// leash.config.json: one file drives `cdk deploy`, `leash generate`, `leash audit` and `leash check`.
import { z } from 'zod';
import { ArnString, GuardrailSpec } from '../guardrails/spec';
import { didYouMean } from '../util/edit-distance';
import { wildcardMatch } from '../policy/wildcard';
import { strictObject } from '../util/strict-object';
import { knownRuleIds } from './rule-ids';

/** A calendar date as YYYY-MM-DD that exists (2099-02-30 does not). */
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((text) => {
    const date = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
  }, 'not a calendar date (check the month and the day)');

/** A rule id of the audit or check pack, or `*` for every rule. */
const RuleId = z
  .string()
  .min(1)
  .superRefine((id, ctx) => {
    const known = knownRuleIds();
    if (id === '*' || known.includes(id)) return;
    ctx.addIssue({ code: 'custom', message: `unknown rule id ${JSON.stringify(id)}${didYouMean(id, known)}` });
  });

/** A finding the team accepts for a while; it stays in reports, marked, and stops failing the run. */
export const Suppression = strictObject({
  ruleId: RuleId,
  /** Principal ARN pattern (`*` and `?` wildcards) for audit findings. */
  principalArn: ArnString({ wildcards: true }).optional(),
  /** Template logical id for `leash check` findings. */
  logicalId: z.string().optional(),
  reason: z.string().min(10, 'a written reason of at least 10 characters'),
  expires: CalendarDate,
  /** Required (two distinct people) to approve a destructive change in `leash check`. */
  approvedBy: z.array(z.string().min(1)).default([]),
  /** `leash check`: the hashes of the changes approved (each finding gives its own); binds an approval to one change. */
  changes: z
    .array(
      z
        .string()
        .refine(
          (hash) => !/^[0-9a-fA-F]{16}$/.test(hash),
          'a 16-digit change hash of an older leash (64 bits: two changes of one hash can be prepared); run leash check again and approve the 32-digit hash it names',
        )
        .regex(/^[0-9a-fA-F]{32}$/, 'a 32-hex-digit change hash from a leash check finding'),
    )
    .optional(),
}).superRefine((suppression, ctx) => {
  const why = everythingProblem(suppression);
  if (why) ctx.addIssue({ code: 'custom', message: why, path: ['ruleId'] });
});
export type Suppression = z.infer<typeof Suppression>;

/**
 * Names no pattern written for real principals or resources would hold: a pattern matching both matches any
 * name at all (`role/*`, `*`, `??*`).
 */
const UNSEEN_NAMES = ['zq7-leash-unseen-name', 'x'];

/**
 * Why a suppression of every rule (`ruleId: "*"`) would silence an audit or a gate wholesale, or undefined.
 * Every rule is accepted only for named principals or template resources, or for change hashes an approval
 * binds to: a typo or an agent-written config must not turn every finding off.
 */
function everythingProblem(suppression: {
  ruleId: string;
  principalArn?: string;
  logicalId?: string;
  changes?: string[];
}): string | undefined {
  if (suppression.ruleId !== '*') return undefined;
  const { principalArn, logicalId, changes } = suppression;
  if (principalArn === undefined && logicalId === undefined) {
    return '"*" (every rule) needs principalArn or logicalId naming what it is for: alone it would suppress every finding';
  }
  if (principalArn !== undefined) {
    const arn = /^(arn:[^:]*:[^:]*:[^:]*:[^:]*:)(.*)$/.exec(principalArn);
    const prefix = arn?.[1] ?? '';
    const resource = arn?.[2] ?? principalArn;
    const shapes: Record<string, (name: string) => string> = {
      role: (name) => `role/${name}`,
      user: (name) => `user/${name}`,
      'role session': (name) => `assumed-role/${name}/${name}`,
    };
    const every = Object.keys(shapes).find((kind) =>
      UNSEEN_NAMES.every((name) => wildcardMatch(resource, shapes[kind](name))),
    );
    if (every) {
      return (
        `"*" (every rule) with principalArn ${JSON.stringify(principalArn)} matches every ${every}` +
        `${prefix.includes('*') ? '' : ' of the account'}: name the principals, or name the rules`
      );
    }
  }
  if (
    logicalId !== undefined &&
    changes === undefined &&
    UNSEEN_NAMES.every((name) => wildcardMatch(logicalId, name))
  ) {
    return `"*" (every rule) with logicalId ${JSON.stringify(logicalId)} matches every resource: name the resources, the rules, or the change hashes (changes)`;
  }
  return undefined;
}

const AccountId = z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id');
const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS Region name such as "us-east-1"');
const OrganizationalUnitId = z
  .string()
  .regex(
    /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/,
    'an OU id (ou-xxxx-xxxxxxxx) or the root id (r-xxxx)',
  );
const NoWildcard = (what: string) =>
  z
    .string()
    .min(1)
    .regex(/^[^*?]+$/, `${what} without wildcards (* or ?)`);

/** Who may assume an agent role (see AgentTrust in lib/constructs). */
export const AgentRoleTrustConfig = z.discriminatedUnion('type', [
  strictObject({
    type: z.literal('account'),
    accountId: AccountId,
    /** Only these principals of the account (ARN patterns). */
    principalArns: z.array(ArnString({ wildcards: true })).optional(),
    requireSourceIdentity: z.boolean().default(true),
    sourceIdentityPatterns: z.array(z.string().min(1)).min(1).optional(),
    requireMfa: z.boolean().default(true),
  }),
  strictObject({
    type: z.literal('github-actions'),
    repository: z
      .string()
      .regex(/^[^*?]*$/, 'one repository, without wildcards (* or ?)')
      .regex(/^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+$/, 'OWNER/REPO'),
    branch: NoWildcard('one branch name').optional(),
    environment: NoWildcard('one GitHub environment name').optional(),
    /** OIDC provider ARN; default: token.actions.githubusercontent.com in the role's account. */
    providerArn: ArnString().optional(),
  }).refine((trust) => (trust.branch === undefined) !== (trust.environment === undefined), {
    message: 'set exactly one of branch or environment',
    path: ['branch'],
  }),
  strictObject({
    type: z.literal('service'),
    service: z
      .string()
      .regex(
        /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/,
        'a service principal such as "bedrock.amazonaws.com"',
      ),
  }),
]);
export type AgentRoleTrustConfig = z.infer<typeof AgentRoleTrustConfig>;

/** One agent role for `cdk deploy` (per-account stack, and optionally the StackSet). */
export const AgentRoleConfig = strictObject({
  /** IAM role name (also the construct id). */
  roleName: z.string().regex(/^[\w+=,.@-]{1,64}$/, 'an IAM role name (1-64 of letters, digits and +=,.@_-)'),
  description: z.string().max(1000).optional(),
  trust: AgentRoleTrustConfig,
  /** 1 to 12 hours. */
  maxSessionHours: z.number().int().min(1).max(12).default(1),
  /** none | view-only (AWS ViewOnlyAccess: metadata only) | read-only (AWS ReadOnlyAccess: data too). */
  readOnlyBaseline: z.enum(['none', 'view-only', 'read-only']).default('none'),
  /** Extra grants; destructive actions on production ARNs (or "*") fail the synth. */
  grants: z
    .array(strictObject({ actions: z.array(z.string().min(1)).min(1), resources: z.array(z.string().min(1)).min(1) }))
    .default([]),
});
export type AgentRoleConfig = z.infer<typeof AgentRoleConfig>;

/** The service-managed StackSet that puts the boundary into every account of the target OUs. */
export const BoundaryStackSetConfig = strictObject({
  enabled: z.boolean().default(true),
  stackSetName: z.string().min(1).default('leash-agent-boundary'),
  /** Create deployment.agentRoles in every account of the OUs too. */
  includeAgentRoles: z.boolean().default(false),
  /** Create the GitHub Actions OIDC provider in every account. */
  createGitHubOidcProvider: z.boolean().default(false),
  /** Keep the boundary in an account that leaves the OUs (deleting a boundary roles use fails anyway). */
  retainStacksOnAccountRemoval: z.boolean().default(true),
});
export type BoundaryStackSetConfig = z.infer<typeof BoundaryStackSetConfig>;

/** The organization stack: SCPs/RCPs and the boundary StackSet, in the management or delegated-admin account. */
export const OrganizationDeploymentConfig = strictObject({
  enabled: z.boolean().default(true),
  stackName: z.string().min(1).default('leash-organization'),
  /** Management (or delegated administrator) account id; default: whatever account `cdk deploy` uses. */
  account: AccountId.optional(),
  /** Region of the organization stack and of the StackSet instances (IAM is global: one is enough). */
  region: Region.default('us-east-1'),
  /**
   * The organization root id: the generated policies placed at the root level (guardrails.placement) are
   * attached here. Needed when the plan uses the root; a root id listed in targetOuIds counts too.
   */
  rootId: z
    .string()
    .regex(/^r-[0-9a-z]{4,32}$/, 'the root id (r-xxxx)')
    .optional(),
  /**
   * The production OUs: they get the policies placed at the OU level and, through the StackSet, the boundary.
   */
  targetOuIds: z.array(OrganizationalUnitId).default([]),
  /**
   * The production accounts: they get the policies placed at the account level, attached to each one. An
   * account gets the whole guardrail only when it is also under one of targetOuIds (and the root).
   */
  accountIds: z.array(AccountId).default([]),
  /** SELF from the management account, DELEGATED_ADMIN from a StackSets delegated administrator. */
  callAs: z.enum(['SELF', 'DELEGATED_ADMIN']).default('SELF'),
  /** Deploy the generated RCPs as well as the SCPs. */
  resourceControlPolicies: z.boolean().default(true),
  /** SCPs already attached to each target that stay (FullAWSAccess). */
  existingServiceControlPoliciesPerTarget: z.number().int().min(0).max(4).default(1),
  /** RCPs already attached to each target (RCPFullAWSAccess). */
  existingResourceControlPoliciesPerTarget: z.number().int().min(0).max(4).default(1),
  boundaryStackSet: BoundaryStackSetConfig.default(BoundaryStackSetConfig.parse({})),
});
export type OrganizationDeploymentConfig = z.infer<typeof OrganizationDeploymentConfig>;

/** The per-account agent stack: boundary (or a reference to the StackSet's) and the agent roles. */
export const AgentStackConfig = strictObject({
  enabled: z.boolean().default(true),
  stackName: z.string().min(1).default('leash-agents'),
  /** One stack per account id; empty: one environment-agnostic stack (deploy it with any profile). */
  accountIds: z.array(AccountId).default([]),
  region: Region.optional(),
  /** Create the boundary here. Default: only when the organization's boundary StackSet is off. */
  createBoundary: z.boolean().optional(),
  createGitHubOidcProvider: z.boolean().default(false),
});
export type AgentStackConfig = z.infer<typeof AgentStackConfig>;

/** How `cdk deploy` (bin/app.ts) deploys the guardrails. */
export const DeploymentConfig = strictObject({
  organization: OrganizationDeploymentConfig.default(OrganizationDeploymentConfig.parse({})),
  agentStack: AgentStackConfig.default(AgentStackConfig.parse({})),
  agentRoles: z
    .array(AgentRoleConfig)
    .default([])
    .superRefine((roles, ctx) => {
      const seen = new Set<string>();
      roles.forEach((role, index) => {
        if (seen.has(role.roleName)) {
          ctx.addIssue({ code: 'custom', message: `duplicate roleName "${role.roleName}"`, path: [index, 'roleName'] });
        }
        seen.add(role.roleName);
      });
    }),
});
export type DeploymentConfig = z.infer<typeof DeploymentConfig>;

/** `leash check` settings. */
export const CheckConfig = strictObject({
  /**
   * GitHub logins of agents and machine users (`*` and `?` wildcards, any case): their approvals never count
   * toward the two people a destructive change needs, even where GitHub reports the account as a person
   * (an agent that works through a user account with write access).
   * @default []
   */
  agentLogins: z
    .array(
      z
        .string()
        .trim()
        .min(1)
        .regex(/^@?[A-Za-z0-9*?[\]-]+$/, 'a GitHub login (letters, digits, -, [bot]), * and ? allowed'),
    )
    .default([]),
});
export type CheckConfig = z.infer<typeof CheckConfig>;

export const LeashConfig = strictObject({
  $schema: z.string().optional(),
  guardrails: GuardrailSpec.default(GuardrailSpec.parse({})),
  suppressions: z.array(Suppression).default([]),
  /** `leash check` settings. */
  check: CheckConfig.default(CheckConfig.parse({})),
  /** `cdk deploy` settings (bin/app.ts); other commands ignore them. */
  deployment: DeploymentConfig.default(DeploymentConfig.parse({})),
});
export type LeashConfig = z.infer<typeof LeashConfig>;
