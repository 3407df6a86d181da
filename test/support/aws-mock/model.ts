// The fake AWS world the loopback server answers from: accounts with their IAM, and optionally an organization.
// Policy documents are plain objects here; the server URL-encodes them as IAM does.

export type PolicyDocument = Record<string, unknown>;

export interface MockUser {
  name: string;
  path?: string;
  groups?: string[];
  inline?: Record<string, PolicyDocument | string>;
  /** Managed policy ARNs; `arn:aws:iam::aws:policy/...` or this account's. */
  attached?: string[];
  boundary?: string;
  tags?: Record<string, string>;
}

export interface MockGroup {
  name: string;
  path?: string;
  inline?: Record<string, PolicyDocument | string>;
  attached?: string[];
}

export interface MockRole {
  name: string;
  path?: string;
  trust: PolicyDocument;
  /** Names of the instance profiles holding the role. @default none */
  instanceProfiles?: string[];
  inline?: Record<string, PolicyDocument | string>;
  attached?: string[];
  boundary?: string;
  tags?: Record<string, string>;
}

export interface MockManagedPolicy {
  /** Full ARN for AWS managed policies; customer managed ones get this account's ARN from `name`. */
  arn?: string;
  name: string;
  path?: string;
  document: PolicyDocument | string;
}

export interface MockIam {
  users?: MockUser[];
  groups?: MockGroup[];
  roles?: MockRole[];
  policies?: MockManagedPolicy[];
}

/** Compute that runs as roles, for the live inventory (lambda, EC2 instance profiles, ECS tasks). */
export interface MockCompute {
  /** Regions enabled for the account (ec2:DescribeRegions). @default ['eu-west-1', 'us-east-1'] */
  regions?: string[];
  /** `role`: the execution role's ARN. */
  /** `policy`: the function's resource policy (a document, or text as lambda:GetPolicy returns it). */
  functions?: { name: string; region: string; role: string; policy?: unknown }[];
  /** `instanceProfile`: the profile's name (its ARN is made in this account). */
  instances?: { id: string; region: string; instanceProfile: string; state?: string }[];
  /** `family:revision` task definitions with their task role ARN. */
  taskDefinitions?: { name: string; region: string; taskRole?: string }[];
  /** KMS keys; `policy`: the key policy (a document, or text as kms:GetKeyPolicy returns it). @default a policy naming the account */
  keys?: { id: string; region: string; policy?: unknown }[];
  /** SQS queues, SNS topics and Secrets Manager secrets; `policy` as their policy reads return it, none when absent. */
  queues?: { name: string; region: string; policy?: unknown }[];
  topics?: { name: string; region: string; policy?: unknown }[];
  /** `scheduledForDeletion`: listed only when ListSecrets asks for secrets planned for deletion. */
  secrets?: { name: string; region: string; policy?: unknown; scheduledForDeletion?: boolean }[];
  /** S3 buckets (listed from any region); `policy` as s3:GetBucketPolicy returns it, none when absent. */
  buckets?: { name: string; region: string; policy?: unknown }[];
  /**
   * What tag:GetResources returns in `region`: each resource that has (or had) tags, by ARN. A resource not
   * listed is one GetResources does not return (never tagged, or a type it does not cover).
   */
  resourceTags?: { arn: string; region: string; tags: Record<string, string> }[];
  /** ARNs tag:GetResources refuses (InvalidParameterException for the whole call that names one). */
  untaggable?: string[];
  /** CodeBuild projects and Glue jobs with their service role ARN. */
  projects?: { name: string; region: string; role?: string }[];
  glueJobs?: { name: string; region: string; role: string }[];
  /** Step Functions state machines (`express`: of type EXPRESS) and CodePipeline pipelines, with their role ARN. */
  stateMachines?: { name: string; region: string; role: string; express?: boolean }[];
  pipelines?: { name: string; region: string; role: string }[];
  /** SageMaker notebook instances with their role ARN. */
  notebooks?: { name: string; region: string; role: string }[];
  /** Active Batch job definitions: a container's job role, or one job role per node range of a multi-node one. */
  jobDefinitions?: { name: string; region: string; jobRole?: string; nodeRoles?: string[] }[];
  /** CloudFormation stacks; `role`: the stack's service role ARN; `status` @default CREATE_COMPLETE. */
  stacks?: { name: string; region: string; role?: string; status?: string }[];
  /** Running tasks; `taskRoleOverride` is the RunTask override. */
  tasks?: {
    id: string;
    region: string;
    cluster: string;
    taskDefinition: string;
    taskRoleOverride?: string;
    exec?: boolean;
  }[];
}

export interface MockAccount {
  id: string;
  name?: string;
  /** Root or OU id; absent for an account outside any organization. */
  parentId?: string;
  status?: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';
  iam: MockIam;
  /** Roles the auditor may assume in this account. @default ['leash-audit'] */
  assumableRoles?: string[];
  /** @default no functions, instances or tasks in the default regions */
  compute?: MockCompute;
}

export type MockPolicyType = 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';

export interface MockOrgPolicy {
  id: string;
  name: string;
  type: MockPolicyType;
  /** An object is sent as JSON text; a string as is (to test unparseable content). */
  content: PolicyDocument | string;
  awsManaged?: boolean;
  /** Root, OU or account ids the policy is attached to. */
  targets: string[];
}

export interface MockOrganization {
  id: string;
  managementAccountId: string;
  featureSet?: 'ALL' | 'CONSOLIDATED_BILLING';
  root: { id: string; name: string; policyTypes: MockPolicyType[] };
  ous: { id: string; name: string; parentId: string }[];
  policies: MockOrgPolicy[];
  /** Accounts besides the management account that may read the organization. */
  delegatedAdministrators?: string[];
  /**
   * Centralized root access (iam:ListOrganizationsFeatures): the features turned on, and the delegated
   * administrator for it besides the management account. Absent: IAM's trusted access is not enabled.
   */
  centralizedRoot?: { features: ('RootCredentialsManagement' | 'RootSessions')[]; delegatedAdministrator?: string };
  /** The member registered as delegated administrator for CloudFormation StackSets. @default none */
  stackSetsDelegatedAdministrator?: string;
}

export interface MockWorld {
  accounts: MockAccount[];
  organization?: MockOrganization;
}

export const FULL_AWS_ACCESS: MockOrgPolicy = {
  id: 'p-FullAWSAccess',
  name: 'FullAWSAccess',
  type: 'SERVICE_CONTROL_POLICY',
  awsManaged: true,
  content: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  targets: [],
};

/** The access key id the server maps to `accountId`'s auditor user (any secret works). */
export function accessKeyFor(accountId: string): string {
  return `AKIA${accountId}`;
}

/** Static fake credentials for the auditor user of `accountId`. */
export function credentialsFor(accountId: string): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: accessKeyFor(accountId), secretAccessKey: 'fake-secret-for-tests' };
}
