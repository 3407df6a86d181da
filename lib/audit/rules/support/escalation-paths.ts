// Known IAM privilege-escalation paths as data: a principal holding every action of a path can raise its own
// permissions (or take over another principal's). Sources: AWS IAM User Guide; Rhino Security Labs,
// "AWS IAM Privilege Escalation – Methods and Mitigation" (2018) and its follow-ups; Bishop Fox
// iam-vulnerable; and the CloudFormation / SSM / Lambda paths documented since.

export interface EscalationPath {
  /** Stable id used in details, suppressions and docs. */
  readonly id: string;
  /** Every one is needed. */
  readonly actions: readonly string[];
  readonly description: string;
  /** The target is another principal (credentials of someone else): checked against another user's ARN. */
  readonly targetsOtherUser?: boolean;
}

export const ESCALATION_PATHS: readonly EscalationPath[] = [
  {
    id: 'create-policy-version',
    actions: ['iam:CreatePolicyVersion'],
    description: 'write a new default version of a managed policy attached to itself, granting anything',
  },
  {
    id: 'set-default-policy-version',
    actions: ['iam:SetDefaultPolicyVersion'],
    description: 'switch a managed policy to an older, broader version',
  },
  { id: 'attach-user-policy', actions: ['iam:AttachUserPolicy'], description: 'attach AdministratorAccess to a user' },
  {
    id: 'attach-group-policy',
    actions: ['iam:AttachGroupPolicy'],
    description: 'attach AdministratorAccess to its group',
  },
  {
    id: 'attach-role-policy',
    actions: ['iam:AttachRolePolicy'],
    description: 'attach AdministratorAccess to a role it can use',
  },
  {
    id: 'put-user-policy',
    actions: ['iam:PutUserPolicy'],
    description: 'write an inline policy granting anything to a user',
  },
  { id: 'put-group-policy', actions: ['iam:PutGroupPolicy'], description: 'write an inline policy on its group' },
  { id: 'put-role-policy', actions: ['iam:PutRolePolicy'], description: 'write an inline policy on a role it can use' },
  { id: 'add-user-to-group', actions: ['iam:AddUserToGroup'], description: 'join a more privileged group' },
  {
    id: 'create-access-key',
    actions: ['iam:CreateAccessKey'],
    description: 'create access keys for another user and act as that user',
    targetsOtherUser: true,
  },
  {
    id: 'create-login-profile',
    actions: ['iam:CreateLoginProfile'],
    description: 'set a console password for another user and sign in as that user',
    targetsOtherUser: true,
  },
  {
    id: 'update-login-profile',
    actions: ['iam:UpdateLoginProfile'],
    description: "reset another user's console password",
    targetsOtherUser: true,
  },
  {
    id: 'update-assume-role-policy',
    actions: ['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole'],
    description: "rewrite a privileged role's trust policy to trust itself, then assume it",
  },
  {
    id: 'delete-role-permissions-boundary',
    actions: ['iam:DeleteRolePermissionsBoundary'],
    description: 'remove the permissions boundary from a role (its own included)',
  },
  {
    id: 'put-role-permissions-boundary',
    actions: ['iam:PutRolePermissionsBoundary'],
    description: "replace a role's permissions boundary with a permissive policy",
  },
  {
    id: 'delete-user-permissions-boundary',
    actions: ['iam:DeleteUserPermissionsBoundary'],
    description: 'remove the permissions boundary from a user',
  },
  {
    id: 'put-user-permissions-boundary',
    actions: ['iam:PutUserPermissionsBoundary'],
    description: "replace a user's permissions boundary",
  },
  {
    id: 'passrole-ec2',
    actions: ['iam:PassRole', 'ec2:RunInstances'],
    description: 'launch an instance with a privileged instance profile and use its credentials',
  },
  {
    id: 'passrole-lambda-invoke',
    actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'],
    description: 'create a function running as a privileged role and invoke it',
  },
  {
    id: 'passrole-lambda-event-source',
    actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:CreateEventSourceMapping'],
    description: 'create a function running as a privileged role, triggered by an event source',
  },
  {
    id: 'lambda-update-function-code',
    actions: ['lambda:UpdateFunctionCode'],
    description: 'replace the code of a function that runs as a privileged role',
  },
  {
    id: 'passrole-glue-dev-endpoint',
    actions: ['iam:PassRole', 'glue:CreateDevEndpoint'],
    description: 'create a Glue development endpoint with a privileged role and log in to it',
  },
  {
    id: 'glue-update-dev-endpoint',
    actions: ['glue:UpdateDevEndpoint'],
    description: 'add an SSH key to an existing Glue endpoint and use its role',
  },
  {
    id: 'passrole-cloudformation',
    actions: ['iam:PassRole', 'cloudformation:CreateStack'],
    description: 'create a stack whose service role does what the principal may not',
  },
  {
    id: 'cloudformation-update-stack',
    actions: ['cloudformation:UpdateStack'],
    description: "change (or replace) any resource through an existing stack's privileged service role",
  },
  {
    id: 'passrole-datapipeline',
    actions: [
      'iam:PassRole',
      'datapipeline:CreatePipeline',
      'datapipeline:PutPipelineDefinition',
      'datapipeline:ActivatePipeline',
    ],
    description: 'run commands through a data pipeline with a privileged role',
  },
  {
    id: 'passrole-sagemaker-notebook',
    actions: ['iam:PassRole', 'sagemaker:CreateNotebookInstance', 'sagemaker:CreatePresignedNotebookInstanceUrl'],
    description: 'open a notebook instance that runs as a privileged role',
  },
  {
    id: 'passrole-codebuild',
    actions: ['iam:PassRole', 'codebuild:CreateProject', 'codebuild:StartBuild'],
    description: 'run a build with a privileged service role',
  },
  {
    id: 'passrole-ecs',
    actions: ['iam:PassRole', 'ecs:RegisterTaskDefinition', 'ecs:RunTask'],
    description: 'run a task whose task role is privileged',
  },
  {
    id: 'ssm-send-command',
    actions: ['ssm:SendCommand'],
    description: 'run commands on instances and use their instance-profile credentials',
  },
  {
    id: 'create-role-and-pass',
    actions: ['iam:CreateRole', 'iam:AttachRolePolicy', 'sts:AssumeRole'],
    description: 'create a new role (without a boundary), make it an administrator and assume it',
  },
];
