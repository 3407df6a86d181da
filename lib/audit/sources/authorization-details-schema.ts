// The zod schema of `aws iam get-account-authorization-details` output. Its own module, loaded only for a
// file the hand check of authorization-details.ts leaves to it: a well-formed file never loads zod.
import { z } from 'zod';

const Tag = z.object({ Key: z.string(), Value: z.string() });
const AttachedPolicy = z.object({ PolicyName: z.string().optional(), PolicyArn: z.string() });
const InlinePolicy = z.object({ PolicyName: z.string(), PolicyDocument: z.unknown() });
const Boundary = z.object({ PermissionsBoundaryType: z.string().optional(), PermissionsBoundaryArn: z.string() });
const list = <T extends z.ZodType>(item: T) => z.array(item).nullish();

const UserDetail = z.object({
  Path: z.string().nullish(),
  UserName: z.string(),
  UserId: z.string().nullish(),
  Arn: z.string(),
  GroupList: list(z.string()),
  UserPolicyList: list(InlinePolicy),
  AttachedManagedPolicies: list(AttachedPolicy),
  PermissionsBoundary: Boundary.nullish(),
  Tags: list(Tag),
});

const GroupDetail = z.object({
  Path: z.string().nullish(),
  GroupName: z.string(),
  Arn: z.string(),
  GroupPolicyList: list(InlinePolicy),
  AttachedManagedPolicies: list(AttachedPolicy),
});

const RoleDetail = z.object({
  Path: z.string().nullish(),
  RoleName: z.string(),
  RoleId: z.string().nullish(),
  Arn: z.string(),
  AssumeRolePolicyDocument: z.unknown(),
  RolePolicyList: list(InlinePolicy),
  AttachedManagedPolicies: list(AttachedPolicy),
  PermissionsBoundary: Boundary.nullish(),
  Tags: list(Tag),
  /** Absent from hand-made files: then which instance profiles hold the role is unknown. */
  InstanceProfileList: z.array(z.object({ InstanceProfileName: z.string() })).nullish(),
});

const PolicyVersion = z.object({
  Document: z.unknown(),
  VersionId: z.string().nullish(),
  IsDefaultVersion: z.boolean().nullish(),
});

const PolicyDetail = z.object({
  PolicyName: z.string(),
  Arn: z.string(),
  DefaultVersionId: z.string().nullish(),
  PolicyVersionList: list(PolicyVersion),
});

/** The response of GetAccountAuthorizationDetails; every list is optional because `--filter` drops some. */
export const AuthorizationDetails = z.object({
  UserDetailList: list(UserDetail),
  GroupDetailList: list(GroupDetail),
  RoleDetailList: list(RoleDetail),
  Policies: list(PolicyDetail),
  IsTruncated: z.boolean().nullish(),
});
export type AuthorizationDetails = z.infer<typeof AuthorizationDetails>;
