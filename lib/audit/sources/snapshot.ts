// The AccountSnapshot: everything the audit needs about one account, whatever it was read from.
// It is a zod schema because snapshots are also a file format (`leash snapshot` writes, `--input` reads).
import { z } from 'zod';
import { chainOrderProblems, LEVEL_KINDS } from './chain-order';
import { strictObject } from '../../util/strict-object';

export { chainOrderProblems } from './chain-order';
export { snapshotParseCache } from './parse-cache';

/** A policy document as found: kept raw so one unparseable policy never aborts the audit. */
export const RawPolicyDocument = z.unknown();

export const NamedPolicy = strictObject({
  /** Inline policy name or managed policy name. */
  name: z.string(),
  /** ARN for managed policies and SCPs/RCPs (policy id form), absent for inline policies. */
  arn: z.string().optional(),
  document: RawPolicyDocument,
  /**
   * Where the document was read, when that is not the account's own input: an SCP or RCP of a `--scp` / `--rcp`
   * file (the file, and the document's JSON path in a chain file), so a problem with it names that file.
   */
  location: strictObject({ file: z.string(), jsonPath: z.string().optional() }).optional(),
});
export type NamedPolicy = z.infer<typeof NamedPolicy>;

export const ManagedPolicy = strictObject({
  arn: z.string(),
  name: z.string(),
  /** The default version's document. */
  document: RawPolicyDocument,
  awsManaged: z.boolean(),
  /**
   * Set when the input named this AWS managed policy without holding it: the document is then AWS's default
   * version as the bundled data has it (lib/aws-managed/bundled.ts), not what the account read.
   */
  bundled: strictObject({
    /** The data package and version. */
    source: z.string(),
    versionId: z.string(),
    /** The newest update the data knows of: AWS may have published a version since. */
    newest: z.string(),
  }).optional(),
});
export type ManagedPolicy = z.infer<typeof ManagedPolicy>;

/** Where a principal was defined when it came from a template (for `leash check`). */
export const SourceLocation = strictObject({
  file: z.string(),
  logicalId: z.string().optional(),
  cdkPath: z.string().optional(),
  jsonPath: z.string().optional(),
});
export type SourceLocation = z.infer<typeof SourceLocation>;

export const Principal = strictObject({
  kind: z.enum(['role', 'user', 'group']),
  arn: z.string(),
  name: z.string(),
  /**
   * Roles and users: the unique id AWS gave it (RoleId `AROA…`, UserId `AIDA…`), the value of aws:userid (a role
   * session's is the role's, `:`, and the session name). Absent: not known (a template, a hand-made file).
   */
  uniqueId: z.string().optional(),
  path: z.string().default('/'),
  tags: z.record(z.string(), z.string()).default({}),
  /** Roles only: the AssumeRolePolicyDocument. */
  trustPolicy: RawPolicyDocument.optional(),
  inlinePolicies: z.array(NamedPolicy).default([]),
  /** ARNs of attached managed policies; documents live in `AccountSnapshot.managedPolicies`. */
  managedPolicyArns: z.array(z.string()).default([]),
  /** Roles and users: the permissions boundary's managed policy ARN. */
  permissionsBoundaryArn: z.string().optional(),
  /** Users only: names of groups the user belongs to (their policies apply to the user). */
  groups: z.array(z.string()).default([]),
  /**
   * Roles only: names of the instance profiles that hold the role (EC2 instances run as it through them).
   * Absent: not known (a template, or an input without InstanceProfileList).
   */
  instanceProfiles: z.array(z.string()).optional(),
  /** True for service-linked roles, which SCPs do not restrict. */
  serviceLinked: z.boolean().default(false),
  /**
   * Templates only: a principal the templates attach a policy (or a group) to without defining it. Only what
   * they attach is known; its own policies, boundary and trust are not.
   */
  definedElsewhere: z.boolean().optional(),
  /**
   * Templates only: tag keys whose values only deployment knows (`*`: the whole tag list). An agent tag among
   * them makes the principal an agent for the rules, the worst case for the agent invariant.
   */
  unknownTagKeys: z.array(z.string()).optional(),
  location: SourceLocation.optional(),
});
export type Principal = z.infer<typeof Principal>;

/** One level of the organization hierarchy (root, each OU, the account) with the policies attached there. */
export const OrganizationPolicyLevel = strictObject({
  /** `root`, `ou`, or `account`. */
  kind: z.enum(LEVEL_KINDS),
  /** Root id, OU id or account id. */
  id: z.string(),
  name: z.string().optional(),
  policies: z.array(NamedPolicy),
});
export type OrganizationPolicyLevel = z.infer<typeof OrganizationPolicyLevel>;

export const SnapshotProblem = strictObject({
  /** Where: file and JSON path, or API operation. */
  where: z.string(),
  message: z.string(),
});
export type SnapshotProblem = z.infer<typeof SnapshotProblem>;

function orderedChain(levels: readonly OrganizationPolicyLevel[], ctx: z.RefinementCtx): void {
  for (const { index, message } of chainOrderProblems(levels)) {
    ctx.addIssue({ code: 'custom', message, path: [index, 'kind'] });
  }
}

/**
 * A resource of a region that runs as a role it holds (a stack, a build project, a pipeline, a notebook): whoever
 * may update or run it acts as that role. `roleArn` absent: it holds none (a stack then runs as whoever updates it).
 */
const RoleHolder = strictObject({
  arn: z.string(),
  name: z.string(),
  region: z.string(),
  roleArn: z.string().optional(),
});

/**
 * The compute that runs as roles, read live (lambda:ListFunctions, ec2:DescribeIamInstanceProfileAssociations,
 * ecs:ListTasks/DescribeTasks/DescribeTaskDefinition, cloudformation:DescribeStacks) in every region enabled for
 * the account. It resolves the
 * access graph's "run code on existing compute" hops. A list is present only when it is complete (every region
 * read without error); absent means unknown, and the hops that depend on it stay unresolved (`info`, naming what
 * they need). Saved snapshots without `inventory` behave exactly as before.
 */
export const ComputeInventory = strictObject({
  /** Regions read (the regions enabled for the account, from ec2:DescribeRegions). */
  regions: z.array(z.string()),
  readAt: z.string().optional(),
  /** Every Lambda function ($LATEST, the version UpdateFunctionCode changes) with its execution role. */
  lambdaFunctions: z.array(strictObject({ arn: z.string(), name: z.string(), role: z.string().optional() })).optional(),
  /** EC2 instances with an instance profile (any instance state; `disassociated` entries are left out). */
  instanceProfileAssociations: z
    .array(
      strictObject({
        instanceId: z.string(),
        region: z.string(),
        instanceProfileArn: z.string(),
        state: z.string().optional(),
      }),
    )
    .optional(),
  /** Running ECS tasks (desired status RUNNING) with the task role they run as (override or task definition). */
  ecsTasks: z
    .array(
      strictObject({
        taskArn: z.string(),
        clusterArn: z.string(),
        taskDefinitionArn: z.string(),
        /** Absent: the task runs without a task role. */
        taskRoleArn: z.string().optional(),
        /** Whether ecs:ExecuteCommand can reach it (the task was started with exec enabled). */
        executeCommandEnabled: z.boolean(),
      }),
    )
    .optional(),
  /** Every SageMaker notebook instance with its execution role: its Jupyter server runs code as that role. */
  notebookInstances: z.array(RoleHolder).optional(),
  /**
   * Every active Batch job definition with the roles its containers run as (the job role of a container, of each
   * node range, or the task role of each ECS task): a job submitted with command overrides runs as them.
   */
  jobDefinitions: z
    .array(strictObject({ arn: z.string(), name: z.string(), region: z.string(), roleArns: z.array(z.string()) }))
    .optional(),
  /** Every Step Functions state machine with its role (`express`: an Express one, which also runs synchronously). */
  stateMachines: z
    .array(
      strictObject({
        arn: z.string(),
        name: z.string(),
        region: z.string(),
        roleArn: z.string().optional(),
        express: z.boolean(),
      }),
    )
    .optional(),
  /** Every CodePipeline pipeline with its service role: a commands action added to it runs as that role. */
  codePipelines: z.array(RoleHolder).optional(),
  /** Every CodeBuild project with its service role: a build of it runs a buildspec the caller may give. */
  codeBuildProjects: z.array(RoleHolder).optional(),
  /**
   * Every Glue job with its role: a run of it may name another script (`--scriptLocation`), unless the job pins
   * that argument as non-overridable (`scriptPinned`).
   */
  glueJobs: z
    .array(
      strictObject({
        arn: z.string(),
        name: z.string(),
        region: z.string(),
        /** As Glue gives it: the role's name or its ARN. */
        role: z.string().optional(),
        scriptPinned: z.boolean().optional(),
      }),
    )
    .optional(),
  /**
   * Every CloudFormation stack (nested ones too; not those deleted) with its service role: an update or change
   * set of a stack that names no role runs as the role the stack already holds.
   */
  cloudFormationStacks: z.array(RoleHolder).optional(),
});
export type ComputeInventory = z.infer<typeof ComputeInventory>;

/** One resource policy: the resource it governs and its document. */
export const ResourcePolicy = strictObject({
  /** How the input names it, e.g. `AWS::S3::BucketPolicy DataPolicy`. */
  name: z.string(),
  /**
   * ARNs of the resources it governs, when known: a statement whose Resource is `*` (a key policy's, a
   * secret's) means these. Empty: unknown, and such a statement is read as covering every resource.
   */
  resourceArns: z.array(z.string()).default([]),
  document: RawPolicyDocument,
  location: SourceLocation.optional(),
});
export type ResourcePolicy = z.infer<typeof ResourcePolicy>;

/** A resource whose policy a live read could not read: its kind (`KMS key policies`), ARN (or URL) and why. */
export const UnreadKindPolicy = strictObject({ kind: z.string(), resource: z.string(), reason: z.string() });
export type UnreadKindPolicy = z.infer<typeof UnreadKindPolicy>;

export const AccountSnapshot = strictObject({
  schemaVersion: z.literal(1),
  accountId: z.string(),
  accountName: z.string().optional(),
  source: strictObject({
    kind: z.enum(['authorization-details', 'live', 'organization', 'template']),
    location: z.string(),
    readAt: z.string().optional(),
  }),
  principals: z.array(Principal),
  managedPolicies: z.array(ManagedPolicy),
  /** SCPs from the root down to the account, one entry per level; empty when unknown. */
  serviceControlPolicies: z.array(OrganizationPolicyLevel).default([]).superRefine(orderedChain),
  /** RCPs from the root down to the account, one entry per level. */
  resourceControlPolicies: z.array(OrganizationPolicyLevel).default([]).superRefine(orderedChain),
  /** Whether the organization's policies were read (false: SCP effect unknown, not "no SCPs"). */
  organizationPoliciesKnown: z.boolean().default(false),
  /** SCPs never apply to the management account. */
  isManagementAccount: z.boolean().default(false),
  /**
   * The organization the account belongs to, where the input says (an organization snapshot, a read of the
   * organization): the value of aws:PrincipalOrgID for its principals. Absent: unknown.
   */
  organizationId: z.string().optional(),
  /**
   * Templates only: `accountId` is a stand-in (no stack names its account), the same in every ARN the
   * templates make but no fact to compare a policy's literal account ids with.
   */
  accountIdIsPlaceholder: z.boolean().optional(),
  /**
   * Whether sts:AssumeRoot works from this account: centralized root access has root sessions turned on and
   * this account is the management account or the delegated administrator for it (a live read asks
   * iam:ListOrganizationsFeatures as the account itself). Absent: unknown.
   */
  rootSessions: z.boolean().optional(),
  /**
   * Whether service-managed stack sets deploy from this account into the organization's members: the management
   * account, or the delegated administrator for CloudFormation StackSets (a live organization read asks
   * organizations:ListDelegatedAdministrators). Absent: unknown, and only the management account is taken to.
   */
  stackSetsAdministrator: z.boolean().optional(),
  problems: z.array(SnapshotProblem).default([]),
  /** Compute running as roles, from a live read; absent (files, templates, older snapshots): unknown. */
  inventory: ComputeInventory.optional(),
  /**
   * Resources known by ARN with their tags: those a template defines with the tags it gives them, and, from a
   * live read, those the account's policies name that tag:GetResources returns (every tag they carry). A grant
   * on the ARN of one the guardrails call production deletes production for certain. Absent: none known.
   */
  resources: z.array(strictObject({ arn: z.string(), tags: z.record(z.string(), z.string()) })).optional(),
  /**
   * Resource policies the input holds (templates: bucket, key, queue, topic, secret, table... policies): each
   * Allow grants the principals of this account it names (a role, a user, a role's sessions, or everyone) its
   * actions without an identity policy. Absent: not read (the reports say so).
   */
  resourcePolicies: z.array(ResourcePolicy).optional(),
  /**
   * Live reads: the kinds of resource policy read (`Lambda function policies`, `KMS key policies`, `S3 bucket
   * policies`), each listed in full (see `unreadResourcePolicies` for single policies not read); the others
   * were not read. Absent: `resourcePolicies` holds every resource policy the input defines (templates, files).
   */
  resourcePolicyKinds: z.array(z.string()).optional(),
  /**
   * Live reads: resources of the kinds read whose own policy could not be read (a key policy that shuts the
   * auditor out), and why. What those policies grant is unknown; the reports name them.
   */
  unreadResourcePolicies: z.array(UnreadKindPolicy).optional(),
});
export type AccountSnapshot = z.infer<typeof AccountSnapshot>;

export const OrganizationSnapshot = strictObject({
  schemaVersion: z.literal(1),
  kind: z.literal('organization'),
  organizationId: z.string(),
  managementAccountId: z.string(),
  readAt: z.string().optional(),
  accounts: z.array(AccountSnapshot),
  notAudited: z.array(strictObject({ accountId: z.string(), accountName: z.string().optional(), reason: z.string() })),
});
export type OrganizationSnapshot = z.infer<typeof OrganizationSnapshot>;
