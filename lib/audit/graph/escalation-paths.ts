// Known IAM privilege-escalation paths as data: a principal holding every action of a path can raise its own
// permissions (or take over another principal's). A path lists the actions the attack cannot do without, not the
// discovery calls (List*, Describe*) that merely make it easier. A documented variant that only adds actions to a
// path already listed, for the same attack, is left out: it could never change whether the rule fires. The
// "create a resource with a passed role" and "abuse an existing resource's role" forms of one service are both kept:
// the first lets the principal pick the role, the second depends on what already runs in the account.
// Sources: AWS IAM User Guide; Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation"
// (2018, part 2 2019) and Pacu's iam__privesc_scan (github.com/RhinoSecurityLabs/pacu); Bishop Fox iam-vulnerable
// (github.com/BishopFox/iam-vulnerable); DataDog pathfinding.cloud (github.com/DataDog/pathfinding.cloud,
// data/paths/aws/<service>/<id>.yaml: the ids quoted below); NCC Group PMapper edge checkers
// (github.com/nccgroup/PMapper, principalmapper/graphing/*_edges.py); Prowler's privilege_escalation.py
// (github.com/prowler-cloud/prowler, prowler/providers/aws/services/iam/lib); Salesforce cloudsplaining
// PRIVILEGE_ESCALATION_METHODS (github.com/salesforce/cloudsplaining, cloudsplaining/shared/constants.py).

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
  // A Deny stops a principal only while the policy that holds it is there: one it may delete or detach is a
  // Deny it can take away.
  {
    id: 'delete-role-policy',
    actions: ['iam:DeleteRolePolicy'],
    description: 'delete an inline policy of its own that holds a Deny statement',
  },
  {
    id: 'delete-user-policy',
    actions: ['iam:DeleteUserPolicy'],
    description: 'delete an inline policy of its own that holds a Deny statement',
  },
  {
    id: 'detach-role-policy',
    actions: ['iam:DetachRolePolicy'],
    description: 'detach a managed policy of its own that holds a Deny statement',
  },
  {
    id: 'detach-user-policy',
    actions: ['iam:DetachUserPolicy'],
    description: 'detach a managed policy of its own that holds a Deny statement',
  },
  {
    id: 'remove-user-from-group',
    actions: ['iam:RemoveUserFromGroup'],
    description: 'leave a group of its own whose policies hold a Deny statement',
  },
  {
    id: 'delete-group-policy',
    actions: ['iam:DeleteGroupPolicy'],
    description: 'delete an inline policy of its group that holds a Deny statement',
  },
  {
    id: 'detach-group-policy',
    actions: ['iam:DetachGroupPolicy'],
    description: 'detach a managed policy of its group that holds a Deny statement',
  },
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
    // The metadata holds the provider's signing certificate: new metadata, new signer.
    id: 'update-saml-provider',
    actions: ['iam:UpdateSAMLProvider'],
    description:
      'replace the metadata of a SAML provider a role trusts with an identity provider of its own, and sign in ' +
      'as the role with assertions it signs',
  },
  {
    id: 'create-saml-provider',
    actions: ['iam:CreateSAMLProvider'],
    description:
      'create, with an identity provider of its own, a SAML provider a role trusts that the account lacks, and ' +
      'sign in as the role',
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
    // pathfinding.cloud sagemaker-001 lists only these two: the notebook runs as the role the caller passed, and
    // the way in (a presigned URL someone else creates, a lifecycle configuration that already exists) is not
    // the caller's own grant. Reported as depending on it.
    id: 'passrole-sagemaker-notebook-no-url',
    actions: ['iam:PassRole', 'sagemaker:CreateNotebookInstance'],
    description: 'create a notebook instance that runs as a privileged role, for a way in it does not hold itself',
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
  {
    // The same with an inline policy: what the new role may do is the creator's to write either way.
    id: 'create-role-with-inline-policy',
    actions: ['iam:CreateRole', 'iam:PutRolePolicy', 'sts:AssumeRole'],
    description: 'create a new role (without a boundary), give it an inline policy granting anything and assume it',
  },
  {
    id: 'tag-itself-role',
    actions: ['iam:TagRole'],
    description:
      'tag itself with the principal tag its policies grant more for, or an SCP, RCP or boundary exempts (attribute-based access)',
  },
  {
    id: 'tag-itself-user',
    actions: ['iam:TagUser'],
    description:
      'tag itself with the principal tag its policies grant more for, or an SCP, RCP or boundary exempts (attribute-based access)',
  },
  {
    // A federated user session of the user carries the session tags passed to GetFederationToken, which
    // override the user's own tags of the same key; its permissions are the user's (with a session policy
    // that allows everything).
    id: 'federation-token-session-tags',
    actions: ['sts:GetFederationToken', 'sts:TagSession'],
    description:
      'get a federation token for itself, passing as session tags the principal tags its policies grant more for or an SCP exempts',
  },
  {
    id: 'create-user-with-access-key',
    actions: ['iam:CreateUser', 'iam:AttachUserPolicy', 'iam:CreateAccessKey'],
    description: 'create a new user (without a boundary), make it an administrator and use its access keys',
  },
  {
    id: 'create-user-with-inline-policy',
    actions: ['iam:CreateUser', 'iam:PutUserPolicy', 'iam:CreateAccessKey'],
    description: 'create a new user, give it an inline policy granting anything and use its access keys',
  },
  {
    id: 'create-user-with-console-password',
    actions: ['iam:CreateUser', 'iam:AttachUserPolicy', 'iam:CreateLoginProfile'],
    description: 'create a new user, make it an administrator and sign in to the console as it',
  },
  {
    id: 'create-user-with-inline-policy-console',
    actions: ['iam:CreateUser', 'iam:PutUserPolicy', 'iam:CreateLoginProfile'],
    description: 'create a new user, give it an inline policy granting anything and sign in as it',
  },
  // ---- IAM
  {
    // pathfinding.cloud iam-012; Prowler; cloudsplaining UpdateRolePolicyToAssumeIt. A trust policy that names the
    // principal's own ARN lets it assume the role in the same account without any sts:AssumeRole grant of its own.
    // update-assume-role-policy above (Rhino's original form) now only adds to this one; it stays for its stable id.
    id: 'update-assume-role-policy-naming-self',
    actions: ['iam:UpdateAssumeRolePolicy'],
    description: "rewrite a privileged role's trust policy to name itself, which needs no sts:AssumeRole grant",
  },
  // ---- Lambda
  {
    // Prowler; SigmaHQ "AWS Attached Malicious Lambda Layer" (privilege escalation)
    id: 'lambda-update-function-configuration',
    actions: ['lambda:UpdateFunctionConfiguration'],
    description: 'attach its own layer to a function that runs as a privileged role, so the next run executes its code',
  },
  {
    // pathfinding.cloud lambda-006; Pacu PassExistingRoleToNewLambdaThenInvokeCrossAccount; Prowler
    id: 'passrole-lambda-add-permission',
    actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:AddPermission'],
    description: 'create a function running as a privileged role and open it to be invoked from an account it controls',
  },
  {
    // The deprecated asynchronous form of Invoke still runs the function.
    id: 'passrole-lambda-invoke-async',
    actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeAsync'],
    description: 'create a function running as a privileged role and invoke it asynchronously',
  },
  {
    id: 'passrole-lambda-function-url',
    actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:CreateFunctionUrlConfig', 'lambda:InvokeFunctionUrl'],
    description: 'create a function running as a privileged role, give it a URL and call it',
  },
  // ---- Lambda MicroVMs: an image's build hooks (the caller's code) run as its build role, a MicroVM's runtime
  // hooks and shell as its execution role; both roles trust lambda.amazonaws.com (Lambda developer guide,
  // "Security and permissions" of MicroVMs).
  {
    id: 'passrole-lambda-microvm-image',
    actions: ['iam:PassRole', 'lambda:CreateMicrovmImage'],
    description: 'build a Lambda MicroVM image whose build hooks, its own code, run as a privileged build role',
  },
  {
    id: 'passrole-lambda-microvm-update-image',
    actions: ['iam:PassRole', 'lambda:UpdateMicrovmImage'],
    description: 'rebuild an existing Lambda MicroVM image with its own code and a privileged build role',
  },
  {
    id: 'passrole-lambda-microvm-shell',
    actions: ['iam:PassRole', 'lambda:RunMicrovm', 'lambda:CreateMicrovmShellAuthToken'],
    description:
      'run a Lambda MicroVM with a privileged execution role and the shell connector, then open a shell in it',
  },
  {
    id: 'lambda-microvm-shell',
    actions: ['lambda:CreateMicrovmShellAuthToken'],
    description: 'open a shell in a running Lambda MicroVM whose execution role is privileged',
  },
  // ---- Glue
  {
    // pathfinding.cloud glue-003; Prowler
    id: 'passrole-glue-job',
    actions: ['iam:PassRole', 'glue:CreateJob', 'glue:StartJobRun'],
    description: 'create a Glue job with a privileged role and run its script',
  },
  {
    // pathfinding.cloud glue-004; Prowler
    id: 'passrole-glue-job-trigger',
    actions: ['iam:PassRole', 'glue:CreateJob', 'glue:CreateTrigger'],
    description: 'create a Glue job with a privileged role and a trigger that starts it',
  },
  {
    // pathfinding.cloud glue-005; Prowler
    id: 'passrole-glue-update-job',
    actions: ['iam:PassRole', 'glue:UpdateJob', 'glue:StartJobRun'],
    description: "replace an existing Glue job's script and role, then run it",
  },
  {
    // pathfinding.cloud glue-006; Prowler
    id: 'passrole-glue-update-job-trigger',
    actions: ['iam:PassRole', 'glue:UpdateJob', 'glue:CreateTrigger'],
    description: "replace an existing Glue job's script and role, then schedule it with a trigger",
  },
  {
    // pathfinding.cloud glue-007
    id: 'passrole-glue-interactive-session',
    actions: ['iam:PassRole', 'glue:CreateSession', 'glue:RunStatement'],
    description: 'open a Glue interactive session as a privileged role and run code in it',
  },
  {
    // A job run's arguments replace the job's default arguments, and `--scriptLocation` among them replaces the
    // script the job runs (AWS Glue's job parameters), unless the job pins it as a non-overridable argument.
    id: 'glue-start-job-run',
    actions: ['glue:StartJobRun'],
    description: "run an existing Glue job with a script of its own (`--scriptLocation`), as the job's role",
  },
  {
    // A trigger's job action carries arguments for the runs it starts, with the same effect; a scheduled or
    // conditional trigger can start when it is created.
    id: 'glue-create-trigger-arguments',
    actions: ['glue:CreateTrigger'],
    description: "create a trigger that runs an existing Glue job with a script of its own, as the job's role",
  },
  // ---- SageMaker
  {
    // pathfinding.cloud sagemaker-002; iam-vulnerable sageMakerCreateTrainingJob; Prowler
    id: 'passrole-sagemaker-training-job',
    actions: ['iam:PassRole', 'sagemaker:CreateTrainingJob'],
    description: 'start a training job whose container runs as a privileged role',
  },
  {
    // pathfinding.cloud sagemaker-003; iam-vulnerable sageMakerCreateProcessingJob; Prowler
    id: 'passrole-sagemaker-processing-job',
    actions: ['iam:PassRole', 'sagemaker:CreateProcessingJob'],
    description: 'start a processing job whose container runs as a privileged role',
  },
  {
    // pathfinding.cloud sagemaker-004; iam-vulnerable sageMakerCreatePresignedNotebookURL; Prowler
    id: 'sagemaker-presigned-notebook-url',
    actions: ['sagemaker:CreatePresignedNotebookInstanceUrl'],
    description: "open the Jupyter terminal of an existing notebook instance and use its role's credentials",
  },
  {
    id: 'sagemaker-space-remote-session',
    actions: ['sagemaker:StartSession'],
    description: "open a remote session to a SageMaker Studio space and use its execution role's credentials",
  },
  {
    id: 'sagemaker-presigned-domain-url',
    actions: ['sagemaker:CreatePresignedDomainUrl'],
    description: "sign in to SageMaker Studio as a user profile and run code with the profile's execution role",
  },
  {
    // pathfinding.cloud sagemaker-005; Prowler
    id: 'sagemaker-notebook-lifecycle-config',
    actions: [
      'sagemaker:CreateNotebookInstanceLifecycleConfig',
      'sagemaker:StopNotebookInstance',
      'sagemaker:UpdateNotebookInstance',
      'sagemaker:StartNotebookInstance',
    ],
    description: 'give an existing notebook instance a start-up script of its own and restart it under its role',
  },
  // ---- CodeBuild
  {
    // pathfinding.cloud codebuild-002; Prowler
    id: 'codebuild-start-build',
    actions: ['codebuild:StartBuild'],
    description: "start a build of an existing project with its own buildspec, running as the project's role",
  },
  {
    // CodeBuild sandboxes run with the project's service role: commands sent to one, or a session opened in it.
    id: 'codebuild-sandbox-command',
    actions: ['codebuild:StartSandbox', 'codebuild:StartCommandExecution'],
    description: "start a sandbox of an existing project and run commands in it as the project's role",
  },
  {
    id: 'codebuild-sandbox-connection',
    actions: ['codebuild:StartSandbox', 'codebuild:StartSandboxConnection'],
    description: "start a sandbox of an existing project and open a session in it as the project's role",
  },
  {
    // pathfinding.cloud codebuild-003; Prowler
    id: 'codebuild-start-build-batch',
    actions: ['codebuild:StartBuildBatch'],
    description: "start a batch build of an existing project with its own buildspec, running as the project's role",
  },
  {
    // pathfinding.cloud codebuild-004: the batch form of passrole-codebuild. Not only an added action: it needs no
    // existing project, so unlike codebuild-start-build-batch it is certain.
    id: 'passrole-codebuild-batch',
    actions: ['iam:PassRole', 'codebuild:CreateProject', 'codebuild:StartBuildBatch'],
    description: 'create a project with a privileged service role and start a batch build of its own buildspec',
  },
  // ---- Systems Manager
  {
    // pathfinding.cloud ssm-001; iam-vulnerable ssmStartSession; Prowler
    id: 'ssm-start-session',
    actions: ['ssm:StartSession'],
    description: 'open a shell on an instance and use its instance-profile credentials',
  },
  {
    // pathfinding.cloud ssm-003
    id: 'passrole-ssm-automation',
    actions: ['iam:PassRole', 'ssm:CreateDocument', 'ssm:StartAutomationExecution'],
    description: 'run an automation document of its own with a privileged role as the automation role',
  },
  // ---- EC2 and Auto Scaling
  {
    // iam-vulnerable ec2InstanceConnect; Prowler; cloudsplaining EC2InstanceConnectSendSSHPublicKey
    id: 'ec2-instance-connect-ssh-key',
    actions: ['ec2-instance-connect:SendSSHPublicKey'],
    description: 'push an SSH key to an instance, log in and use its instance-profile credentials',
  },
  {
    // pathfinding.cloud ec2-002; Prowler
    id: 'ec2-modify-user-data',
    actions: ['ec2:ModifyInstanceAttribute', 'ec2:StopInstances', 'ec2:StartInstances'],
    description: "rewrite a stopped instance's user data and start it, running code under its instance profile",
  },
  {
    // pathfinding.cloud ec2-004 and ec2-005; Prowler
    id: 'ec2-launch-template-version',
    actions: ['ec2:CreateLaunchTemplateVersion', 'ec2:ModifyLaunchTemplate'],
    description: 'make a launch template with a privileged instance profile default to user data of its own',
  },
  {
    // pathfinding.cloud ec2-003; Prowler
    id: 'passrole-ec2-spot',
    actions: ['iam:PassRole', 'ec2:RequestSpotInstances'],
    description: 'request a spot instance with a privileged instance profile and use its credentials',
  },
  {
    // PMapper autoscaling_edges; Prowler PassRole+CreateAutoScaling
    id: 'passrole-autoscaling-launch-configuration',
    actions: ['iam:PassRole', 'autoscaling:CreateLaunchConfiguration', 'autoscaling:CreateAutoScalingGroup'],
    description: 'launch instances from a new launch configuration with a privileged instance profile',
  },
  {
    // Prowler PassRole+UpdateAutoScaling
    id: 'passrole-autoscaling-update-group',
    actions: ['iam:PassRole', 'autoscaling:CreateLaunchConfiguration', 'autoscaling:UpdateAutoScalingGroup'],
    description: 'point an existing Auto Scaling group at a new launch configuration with a privileged profile',
  },
  {
    // The launch template form of the two above (launch configurations cannot be made in accounts created since
    // 2023): a group made or updated with a launch template that names an instance profile checks iam:PassRole
    // on its role, and its instances run the template's user data with it.
    id: 'passrole-autoscaling-launch-template',
    actions: ['iam:PassRole', 'ec2:CreateLaunchTemplate', 'autoscaling:CreateAutoScalingGroup'],
    description: 'launch instances from a new launch template with a privileged instance profile and user data',
  },
  {
    id: 'passrole-autoscaling-update-group-launch-template',
    actions: ['iam:PassRole', 'ec2:CreateLaunchTemplate', 'autoscaling:UpdateAutoScalingGroup'],
    description: 'point an existing Auto Scaling group at a new launch template with a privileged profile',
  },
  {
    // EC2 Fleet launches from a launch template; a template naming an instance profile needs iam:PassRole.
    id: 'passrole-ec2-fleet',
    actions: ['iam:PassRole', 'ec2:CreateLaunchTemplate', 'ec2:CreateFleet'],
    description: 'create an EC2 Fleet from a new launch template with a privileged instance profile and user data',
  },
  // ---- ECS
  {
    // pathfinding.cloud ecs-003; Prowler
    id: 'passrole-ecs-service',
    actions: ['iam:PassRole', 'ecs:RegisterTaskDefinition', 'ecs:CreateService'],
    description: 'create a service whose task role is privileged',
  },
  {
    // An existing service deployed again with a new task definition revision: its tasks run with the new role.
    id: 'passrole-ecs-update-service',
    actions: ['iam:PassRole', 'ecs:RegisterTaskDefinition', 'ecs:UpdateService'],
    description: 'deploy an existing service with a new task definition whose task role is privileged',
  },
  {
    // pathfinding.cloud ecs-008; PMapper ecs_edges; Prowler
    id: 'passrole-ecs-run-task-override',
    actions: ['iam:PassRole', 'ecs:RunTask'],
    description: 'run an existing task definition with its task role and command overridden',
  },
  {
    // pathfinding.cloud ecs-009
    id: 'passrole-ecs-start-task-override',
    actions: ['iam:PassRole', 'ecs:StartTask'],
    description: 'start an existing task definition on a container instance with its task role and command overridden',
  },
  {
    // pathfinding.cloud ecs-006; Prowler
    id: 'ecs-execute-command',
    actions: ['ecs:ExecuteCommand', 'ecs:DescribeTasks'],
    description: "open a shell in a running task and use its task role's credentials",
  },
  // ---- CloudFormation
  {
    // pathfinding.cloud cloudformation-005; Prowler
    id: 'cloudformation-change-set',
    actions: ['cloudformation:CreateChangeSet', 'cloudformation:ExecuteChangeSet'],
    description: 'change any resource through a change set on an existing stack with a privileged service role',
  },
  {
    // pathfinding.cloud cloudformation-003; Prowler
    id: 'passrole-cloudformation-stack-set',
    actions: ['iam:PassRole', 'cloudformation:CreateStackSet', 'cloudformation:CreateStackInstances'],
    description: 'deploy a stack set whose administration role does what the principal may not',
  },
  {
    // pathfinding.cloud cloudformation-004; Prowler
    id: 'passrole-cloudformation-update-stack-set',
    actions: ['iam:PassRole', 'cloudformation:UpdateStackSet'],
    description: 'rewrite an existing stack set and deploy it with a privileged role',
  },
  // ---- App Runner, Batch, EMR and other compute services that run code as a role
  {
    // pathfinding.cloud apprunner-001; Prowler
    id: 'passrole-apprunner',
    actions: ['iam:PassRole', 'apprunner:CreateService'],
    description: 'create an App Runner service whose instance role is privileged',
  },
  {
    // pathfinding.cloud apprunner-002; Prowler
    id: 'apprunner-update-service',
    actions: ['apprunner:UpdateService'],
    description: 'change the image or start command of an App Runner service that runs as a privileged role',
  },
  {
    // pathfinding.cloud batch-001
    id: 'passrole-batch-job',
    actions: ['iam:PassRole', 'batch:RegisterJobDefinition', 'batch:SubmitJob'],
    description: 'register a Batch job definition with a privileged job role and submit it',
  },
  {
    // pathfinding.cloud batch-002
    id: 'batch-submit-job',
    actions: ['batch:SubmitJob'],
    description: 'submit a job of an existing privileged job definition with its own command',
  },
  {
    // pathfinding.cloud emr-001
    id: 'passrole-emr-cluster',
    actions: ['iam:PassRole', 'elasticmapreduce:RunJobFlow'],
    description: 'start an EMR cluster with a privileged instance profile and a step of its own',
  },
  {
    // pathfinding.cloud emrserverless-001
    id: 'passrole-emr-serverless',
    actions: ['iam:PassRole', 'emr-serverless:CreateApplication', 'emr-serverless:StartJobRun'],
    description: 'run an EMR Serverless job with a privileged execution role',
  },
  {
    id: 'passrole-emr-serverless-session',
    actions: ['iam:PassRole', 'emr-serverless:CreateApplication', 'emr-serverless:StartSession'],
    description: 'create an EMR Serverless application and run code of its own in a session with a privileged role',
  },
  {
    id: 'emr-spark-connect-session',
    actions: ['elasticmapreduce:StartSession'],
    description: "run Spark code of its own on an existing EMR cluster through Spark Connect, as the cluster's role",
  },
  {
    // pathfinding.cloud kinesisanalytics-001
    id: 'passrole-kinesis-analytics',
    actions: ['iam:PassRole', 'kinesisanalytics:CreateApplication', 'kinesisanalytics:StartApplication'],
    description: 'start a Managed Apache Flink application with a privileged execution role',
  },
  {
    // pathfinding.cloud braket-001
    id: 'passrole-braket-job',
    actions: ['iam:PassRole', 'braket:CreateJob'],
    description: 'run a Braket hybrid job with a privileged execution role',
  },
  {
    // pathfinding.cloud gamelift-001
    id: 'passrole-gamelift-fleet',
    actions: ['iam:PassRole', 'gamelift:CreateBuild', 'gamelift:RequestUploadCredentials', 'gamelift:CreateFleet'],
    description: 'upload a game server build and run it on a fleet with a privileged instance role',
  },
  {
    // pathfinding.cloud omics-001 (the role's credentials come back through an S3 object the principal reads)
    id: 'passrole-healthomics-workflow',
    actions: ['iam:PassRole', 'omics:CreateWorkflow', 'omics:StartRun', 's3:GetObject'],
    description: 'run a HealthOmics workflow of its own with a privileged role and read back its credentials',
  },
  {
    // pathfinding.cloud imagebuilder-001
    id: 'passrole-imagebuilder',
    actions: [
      'iam:PassRole',
      'imagebuilder:CreateComponent',
      'imagebuilder:CreateImageRecipe',
      'imagebuilder:CreateInfrastructureConfiguration',
      'imagebuilder:CreateImage',
    ],
    description: 'build an image whose build instance has a privileged profile and runs a component of its own',
  },
  {
    // pathfinding.cloud codedeploy-001
    id: 'codedeploy-create-deployment',
    actions: [
      'codedeploy:CreateDeployment',
      'codedeploy:RegisterApplicationRevision',
      'codedeploy:GetDeploymentConfig',
    ],
    description: 'deploy a revision with its own hook scripts to instances that run with a privileged profile',
  },
  {
    // pathfinding.cloud cognitoidentity-001
    id: 'passrole-cognito-identity-pool',
    actions: ['iam:PassRole', 'cognito-identity:SetIdentityPoolRoles'],
    description: "make a privileged role an identity pool's unauthenticated role and fetch its credentials",
  },
  // ---- Bedrock AgentCore
  {
    // pathfinding.cloud bedrock-001; Prowler
    id: 'passrole-bedrock-code-interpreter',
    actions: [
      'iam:PassRole',
      'bedrock-agentcore:CreateCodeInterpreter',
      'bedrock-agentcore:StartCodeInterpreterSession',
      'bedrock-agentcore:InvokeCodeInterpreter',
    ],
    description: 'create a code interpreter with a privileged execution role and run code in it',
  },
  {
    // pathfinding.cloud bedrock-002; Prowler
    id: 'bedrock-code-interpreter-session',
    actions: ['bedrock-agentcore:StartCodeInterpreterSession', 'bedrock-agentcore:InvokeCodeInterpreter'],
    description: "run code in an existing code interpreter and read its execution role's credentials",
  },
  {
    // pathfinding.cloud bedrock-003
    id: 'passrole-bedrock-agent-runtime',
    actions: [
      'iam:PassRole',
      'bedrock-agentcore:CreateAgentRuntime',
      'bedrock-agentcore:CreateAgentRuntimeEndpoint',
      'bedrock-agentcore:CreateWorkloadIdentity',
      'bedrock-agentcore:InvokeAgentRuntimeCommand',
    ],
    description: 'deploy an agent runtime with a privileged execution role and run shell commands in it',
  },
  {
    // pathfinding.cloud bedrock-004
    id: 'bedrock-agent-runtime-command',
    actions: ['bedrock-agentcore:InvokeAgentRuntimeCommand'],
    description: "run shell commands in an existing agent runtime and read its execution role's credentials",
  },
  {
    id: 'bedrock-agent-runtime-command-shell',
    actions: ['bedrock-agentcore:InvokeAgentRuntimeCommandShell'],
    description: "open a command shell in an existing agent runtime and read its execution role's credentials",
  },
  {
    // pathfinding.cloud bedrock-006
    id: 'passrole-bedrock-browser',
    actions: [
      'iam:PassRole',
      'bedrock-agentcore:CreateBrowser',
      'bedrock-agentcore:StartBrowserSession',
      'bedrock-agentcore:ConnectBrowserAutomationStream',
    ],
    description: 'create a browser with a privileged execution role and drive it to read the role credentials',
  },
  {
    // pathfinding.cloud bedrock-007
    id: 'bedrock-browser-session',
    actions: ['bedrock-agentcore:StartBrowserSession', 'bedrock-agentcore:ConnectBrowserAutomationStream'],
    description: "drive an existing browser to read its execution role's credentials",
  },
  // ---- Services that call any AWS API, or run code, with a role handed to them
  {
    // EventBridge Scheduler universal targets (arn:aws:scheduler:::aws-sdk:<service>:<action>)
    id: 'passrole-scheduler',
    actions: ['iam:PassRole', 'scheduler:CreateSchedule'],
    description: 'schedule any AWS API call (a universal target) with a privileged role as the schedule role',
  },
  {
    id: 'passrole-scheduler-update',
    actions: ['iam:PassRole', 'scheduler:UpdateSchedule'],
    description: 'point an existing schedule at any AWS API call, with a privileged role as its role',
  },
  {
    // Step Functions AWS SDK service integrations (arn:aws:states:::aws-sdk:<service>:<action>)
    id: 'passrole-stepfunctions',
    actions: ['iam:PassRole', 'states:CreateStateMachine', 'states:StartExecution'],
    description: 'create a state machine that calls any AWS API with a privileged role, and start it',
  },
  {
    id: 'stepfunctions-update-state-machine',
    actions: ['states:UpdateStateMachine', 'states:StartExecution'],
    description: 'rewrite the definition of a state machine that runs as a privileged role, and start it',
  },
  {
    // Express state machines also start synchronously; the caller picks the type when it creates one.
    id: 'passrole-stepfunctions-sync',
    actions: ['iam:PassRole', 'states:CreateStateMachine', 'states:StartSyncExecution'],
    description: 'create an Express state machine that calls any AWS API with a privileged role, and run it',
  },
  {
    id: 'stepfunctions-update-state-machine-sync',
    actions: ['states:UpdateStateMachine', 'states:StartSyncExecution'],
    description: 'rewrite the definition of an Express state machine that runs as a privileged role, and run it',
  },
  {
    id: 'passrole-ssm-association',
    actions: ['iam:PassRole', 'ssm:CreateDocument', 'ssm:CreateAssociation'],
    description: 'associate an automation document of its own, run with a privileged role as the automation role',
  },
  {
    id: 'ssm-create-association',
    actions: ['ssm:CreateAssociation'],
    description: 'run a shell script (AWS-RunShellScript) on instances through a State Manager association',
  },
  {
    id: 'ssm-create-association-batch',
    actions: ['ssm:CreateAssociationBatch'],
    description: 'run a shell script on instances through State Manager associations created in a batch',
  },
  {
    id: 'ssm-update-association',
    actions: ['ssm:UpdateAssociation'],
    description: 'point an existing State Manager association at a shell script and instances of its choice',
  },
  {
    id: 'passrole-ssm-association-batch',
    actions: ['iam:PassRole', 'ssm:CreateDocument', 'ssm:CreateAssociationBatch'],
    description: 'associate an automation document of its own in a batch, run with a privileged automation role',
  },
  {
    // A maintenance window's Run Command task runs with the window's service role, or with the Systems Manager
    // service-linked role when none is given: no iam:PassRole and no ssm:SendCommand of the caller's own.
    id: 'ssm-maintenance-window-task',
    actions: ['ssm:CreateMaintenanceWindow', 'ssm:RegisterTaskWithMaintenanceWindow'],
    description: 'run a shell script on instances as a Run Command task of a maintenance window of its own',
  },
  {
    id: 'ssm-register-maintenance-window-task',
    actions: ['ssm:RegisterTaskWithMaintenanceWindow'],
    description: 'add a Run Command task with a shell script of its choice to an existing maintenance window',
  },
  {
    id: 'ssm-update-maintenance-window-task',
    actions: ['ssm:UpdateMaintenanceWindowTask'],
    description: 'point an existing maintenance window Run Command task at a shell script and instances of its choice',
  },
  {
    // A step (command-runner.jar) runs on the cluster's nodes, with their instance profile unless the cluster
    // uses runtime roles.
    id: 'emr-add-job-flow-steps',
    actions: ['elasticmapreduce:AddJobFlowSteps'],
    description: 'run a command as a step of an existing EMR cluster, on nodes that run with its instance profile',
  },
  {
    // Spot Fleet launches the instances with its own fleet role: the caller needs no ec2:RunInstances.
    id: 'passrole-ec2-spot-fleet',
    actions: ['iam:PassRole', 'ec2:RequestSpotFleet'],
    description: 'request a Spot Fleet whose instances run with a privileged instance profile and user data',
  },
  {
    // The pipeline's role starts the steps' jobs (a processing job runs a container of the caller's choice).
    id: 'passrole-sagemaker-pipeline',
    actions: ['iam:PassRole', 'sagemaker:CreatePipeline', 'sagemaker:StartPipelineExecution'],
    description: 'create and start a SageMaker pipeline with a privileged role, whose steps run code of its own',
  },
  {
    id: 'sagemaker-update-pipeline',
    actions: ['sagemaker:UpdatePipeline', 'sagemaker:StartPipelineExecution'],
    description: 'rewrite the definition of a SageMaker pipeline that runs as a privileged role, and start it',
  },
  // SageMaker runs a container image or script of the caller's with the role its request names (a model's
  // ExecutionRoleArn, a tuning job's RoleArn, a HyperPod instance group's ExecutionRole): found by probing.
  {
    id: 'passrole-sagemaker-endpoint',
    actions: ['iam:PassRole', 'sagemaker:CreateModel', 'sagemaker:CreateEndpointConfig', 'sagemaker:CreateEndpoint'],
    description: 'serve a model of its own whose container runs as a privileged role on a new endpoint',
  },
  {
    id: 'passrole-sagemaker-transform-job',
    actions: ['iam:PassRole', 'sagemaker:CreateModel', 'sagemaker:CreateTransformJob'],
    description: 'run a batch transform job of a model of its own whose container runs as a privileged role',
  },
  {
    id: 'passrole-sagemaker-tuning-job',
    actions: ['iam:PassRole', 'sagemaker:CreateHyperParameterTuningJob'],
    description: 'start a hyperparameter tuning job whose training containers run as a privileged role',
  },
  {
    id: 'passrole-sagemaker-hyperpod-cluster',
    actions: ['iam:PassRole', 'sagemaker:CreateCluster'],
    description: 'create a SageMaker HyperPod cluster whose lifecycle scripts run on nodes with a privileged role',
  },
  // Cloud Control API provisions with the role its request names (RoleArn, assumed by CloudFormation): an IAM
  // user, policy or role of the caller's design, or an update of its own role. Found by probing.
  {
    id: 'passrole-cloudcontrol-create',
    actions: ['iam:PassRole', 'cloudformation:CreateResource'],
    description:
      'create a resource through Cloud Control API with a privileged role (an administrator user of its own)',
  },
  {
    id: 'passrole-cloudcontrol-update',
    actions: ['iam:PassRole', 'cloudformation:UpdateResource'],
    description:
      'update a resource through Cloud Control API with a privileged role (its own role or user granted more)',
  },
  {
    // A resource type's handlers run with its execution role whenever a stack uses the type.
    id: 'passrole-cloudformation-register-type',
    actions: ['iam:PassRole', 'cloudformation:RegisterType', 'cloudformation:CreateStack'],
    description: 'register a resource type of its own whose handlers run as a privileged role, and use it in a stack',
  },
  {
    // Associations, maintenance window tasks and schedules run a document of the account by name: a new version of
    // it runs with their role (an Automation runbook) or on their instances (a Command document).
    id: 'ssm-update-automation-document',
    actions: ['ssm:UpdateDocument'],
    description: 'rewrite an Automation runbook of the account that runs with a privileged role',
  },
  {
    id: 'ssm-update-command-document',
    actions: ['ssm:UpdateDocument'],
    description: 'rewrite a Command document of the account that runs on instances with a privileged instance profile',
  },
  {
    id: 'amplify-update-app',
    actions: ['amplify:UpdateApp', 'amplify:StartJob'],
    description: "give an Amplify app a build specification of its own and build it with the app's privileged role",
  },
  {
    id: 'kinesis-analytics-update-application',
    actions: ['kinesisanalytics:UpdateApplication'],
    description: 'replace the code of a Managed Service for Apache Flink application that runs as a privileged role',
  },
  {
    id: 'mwaa-update-environment',
    actions: ['airflow:UpdateEnvironment'],
    description: 'point an Airflow environment that runs as a privileged role at DAG code of its own',
  },
  {
    // ECS Express Mode: the service runs the caller's container image with the task role its request names.
    id: 'passrole-ecs-express-gateway-service',
    actions: ['iam:PassRole', 'ecs:CreateExpressGatewayService'],
    description: 'create an ECS Express Mode service whose container of its own runs with a privileged task role',
  },
  {
    id: 'ecs-update-express-gateway-service',
    actions: ['ecs:UpdateExpressGatewayService'],
    description: 'give an ECS Express Mode service that runs with a privileged task role a container image of its own',
  },
  {
    // The notebook runs on the cluster's nodes (their instance profile); the notebook service role is passed.
    id: 'emr-notebook-execution',
    actions: ['iam:PassRole', 'elasticmapreduce:StartNotebookExecution'],
    description: 'run a notebook of its own on an existing EMR cluster, on nodes that run with its instance profile',
  },
  {
    id: 'passrole-sagemaker-update-hyperpod-cluster',
    actions: ['iam:PassRole', 'sagemaker:UpdateCluster'],
    description: 'give a HyperPod instance group a privileged role and lifecycle scripts of its own, run on new nodes',
  },
  {
    // A launch constraint's role runs the product's template: an end user needs no iam:PassRole of its own.
    id: 'servicecatalog-provisioning-artifact',
    actions: ['servicecatalog:CreateProvisioningArtifact', 'servicecatalog:ProvisionProduct'],
    description:
      'add a version of its own (a CloudFormation template) to a Service Catalog product and provision it, run ' +
      'with the role of the product’s launch constraint',
  },
  {
    id: 'servicecatalog-provisioning-artifact-plan',
    actions: [
      'servicecatalog:CreateProvisioningArtifact',
      'servicecatalog:CreateProvisionedProductPlan',
      'servicecatalog:ExecuteProvisionedProductPlan',
    ],
    description:
      'add a version of its own to a Service Catalog product and run a provisioning plan of it, with the role of ' +
      'the product’s launch constraint',
  },
  {
    id: 'passrole-servicecatalog-launch-constraint',
    actions: ['iam:PassRole', 'servicecatalog:CreateConstraint', 'servicecatalog:ProvisionProduct'],
    description: 'give a Service Catalog product a launch constraint with a privileged role, and provision it',
  },
  {
    id: 'passrole-mwaa',
    actions: ['iam:PassRole', 'airflow:CreateEnvironment'],
    description: 'create an Airflow environment whose execution role is privileged, and run DAGs of its own',
  },
  {
    id: 'passrole-amplify',
    actions: ['iam:PassRole', 'amplify:CreateApp', 'amplify:CreateBranch', 'amplify:StartJob'],
    description: 'build an Amplify app with a build specification of its own and a privileged service role',
  },
  {
    id: 'passrole-athena-spark',
    actions: ['iam:PassRole', 'athena:CreateWorkGroup', 'athena:StartSession', 'athena:StartCalculationExecution'],
    description: 'run PySpark code of its own in an Athena Spark workgroup whose execution role is privileged',
  },
  {
    id: 'athena-spark-session',
    actions: ['athena:StartSession', 'athena:StartCalculationExecution'],
    description: "run PySpark code of its own in an existing Athena Spark workgroup, as the workgroup's execution role",
  },
  {
    id: 'athena-presigned-notebook-url',
    actions: ['athena:CreatePresignedNotebookUrl'],
    description: "open the notebook of a running Athena Spark session and run code as the workgroup's execution role",
  },
  {
    // CodePipeline Commands actions run shell commands with the pipeline's service role
    id: 'passrole-codepipeline',
    actions: ['iam:PassRole', 'codepipeline:CreatePipeline', 'codepipeline:StartPipelineExecution'],
    description: 'create a pipeline with a privileged service role whose commands action runs code of its own',
  },
  {
    id: 'codepipeline-update-pipeline',
    actions: ['codepipeline:UpdatePipeline', 'codepipeline:StartPipelineExecution'],
    description: 'add a commands action to a pipeline whose service role is privileged, and run it',
  },
  {
    id: 'passrole-eks-pod-identity',
    actions: ['iam:PassRole', 'eks:CreatePodIdentityAssociation'],
    description: 'bind a privileged role to a Kubernetes service account and run a pod as it',
  },
  {
    // EKS access entries (API authentication mode): a principal that may create an access entry for itself and
    // associate AmazonEKSClusterAdminPolicy with it administers the cluster, so it can run a pod under any
    // service account, the pod identity associations' roles among them.
    id: 'eks-access-entry-cluster-admin',
    actions: ['eks:CreateAccessEntry', 'eks:AssociateAccessPolicy'],
    description:
      'make itself a cluster administrator through an access entry and run a pod as a service account the role is bound to',
  },
  {
    id: 'passrole-elasticbeanstalk',
    actions: [
      'iam:PassRole',
      'elasticbeanstalk:CreateApplication',
      'elasticbeanstalk:CreateApplicationVersion',
      'elasticbeanstalk:CreateEnvironment',
    ],
    description: 'deploy an application of its own to instances with a privileged instance profile',
  },
  {
    id: 'passrole-ec2-new-instance-profile',
    actions: ['iam:PassRole', 'iam:CreateInstanceProfile', 'iam:AddRoleToInstanceProfile', 'ec2:RunInstances'],
    description: 'put a privileged role in an instance profile of its own and launch an instance with it',
  },
  {
    id: 'passrole-ec2-associate-profile',
    actions: ['iam:PassRole', 'ec2:AssociateIamInstanceProfile', 'ssm:SendCommand'],
    description: 'give a running instance a privileged instance profile and run commands on it',
  },
  {
    id: 'passrole-ec2-replace-profile',
    actions: ['iam:PassRole', 'ec2:ReplaceIamInstanceProfileAssociation', 'ssm:SendCommand'],
    description: "swap a running instance's profile for a privileged one and run commands on it",
  },
  {
    // IAM Roles Anywhere: a trust anchor of its own (its own certificate authority) and a profile naming the role
    id: 'passrole-roles-anywhere',
    actions: ['iam:PassRole', 'rolesanywhere:CreateTrustAnchor', 'rolesanywhere:CreateProfile'],
    description:
      'trust a certificate authority of its own and get credentials of a privileged role with its certificate',
  },
  {
    id: 'roles-anywhere-trust-anchor',
    actions: ['rolesanywhere:UpdateTrustAnchor'],
    description: 'point an existing trust anchor at a certificate authority of its own and use its profiles',
  },
  // ---- IAM Identity Center (the management account or its delegated administrator)
  {
    id: 'sso-account-assignment',
    actions: ['sso:CreateAccountAssignment'],
    description:
      'assign a permission set that grants more to an Identity Center identity it signs in as, in any account',
  },
  {
    id: 'sso-permission-set-inline-policy',
    actions: ['sso:PutInlinePolicyToPermissionSet', 'sso:ProvisionPermissionSet'],
    description: 'widen a permission set assigned to an Identity Center identity it signs in as, and provision it',
  },
  {
    id: 'sso-permission-set-managed-policy',
    actions: ['sso:AttachManagedPolicyToPermissionSet', 'sso:ProvisionPermissionSet'],
    description: 'attach AdministratorAccess to a permission set of an identity it signs in as, and provision it',
  },
  {
    // The role a permission set makes in each account is capped by the set's boundary: without it, or with a
    // wider one, the set's own policies apply in full.
    id: 'sso-permission-set-boundary-removed',
    actions: ['sso:DeletePermissionsBoundaryFromPermissionSet', 'sso:ProvisionPermissionSet'],
    description: 'remove the permissions boundary of a permission set of an identity it signs in as, and provision it',
  },
  {
    id: 'sso-permission-set-boundary-replaced',
    actions: ['sso:PutPermissionsBoundaryToPermissionSet', 'sso:ProvisionPermissionSet'],
    description: 'widen the permissions boundary of a permission set of an identity it signs in as, and provision it',
  },
  {
    // A reference names a customer managed policy by name in each account the set is provisioned to.
    id: 'sso-permission-set-customer-policy',
    actions: ['sso:AttachCustomerManagedPolicyReferenceToPermissionSet', 'sso:ProvisionPermissionSet'],
    description:
      'attach a customer managed policy that grants more to a permission set of an identity it signs in as, and provision it',
  },
  {
    id: 'identitystore-group-membership',
    actions: ['identitystore:CreateGroupMembership'],
    description: 'add an Identity Center user it signs in as to a group whose assignments grant more',
  },
  // A service-managed stack set runs its template in member accounts as their StackSets execution role
  // (administrator access), with no iam:PassRole: from the management account, once trusted access is on.
  {
    id: 'cloudformation-service-managed-stack-set',
    actions: ['cloudformation:CreateStackSet', 'cloudformation:CreateStackInstances'],
    description:
      'deploy a service-managed stack set of its own (any template) into member accounts, run there by their ' +
      'StackSets execution role with administrator access',
  },
  {
    id: 'cloudformation-update-service-managed-stack-set',
    actions: ['cloudformation:UpdateStackSet'],
    description:
      'give an existing service-managed stack set a template of its own, deployed to its member accounts by their ' +
      'StackSets execution role with administrator access',
  },
  // ---- Centralized root access (the management account or the delegated administrator for IAM). AWS IAM User
  // Guide, "Centralize root access for member accounts": sts:AssumeRoot gives a short root session in a member
  // account, scoped by a task policy; IAMCreateRootUserPassword lets that session give the root user a password,
  // and whoever then signs in has the member's root user, which only SCPs and RCPs limit.
  {
    id: 'assume-root',
    actions: ['sts:AssumeRoot'],
    description:
      'take a root session in a member account and give its root user a password to sign in with (the task ' +
      'policy IAMCreateRootUserPassword): the whole account, limited only by SCPs and RCPs',
  },
  // Code that a role runs from where the caller may write, with no call to the service at all: the next build,
  // deployment or scheduled run picks it up.
  {
    // A CodeBuild project with a CodeCommit source reads its buildspec from the pushed commit.
    id: 'codecommit-push-buildspec',
    actions: ['codecommit:GitPush'],
    description:
      "push a buildspec of its own to a repository a build project builds from, run as the project's role by " +
      'the next build (a pipeline starts one on every push)',
  },
  {
    // A task, service or App Runner service that runs an image by tag pulls the pushed image when it starts.
    id: 'ecr-push-image',
    actions: [
      'ecr:GetAuthorizationToken',
      'ecr:InitiateLayerUpload',
      'ecr:UploadLayerPart',
      'ecr:CompleteLayerUpload',
      'ecr:PutImage',
    ],
    description:
      'push an image of its own under a tag that a task or service runs with a privileged role, run by its ' +
      'next start (a deployment, scaling, a restart; App Runner deploys a pushed image itself)',
  },
  {
    // A pipeline with a CodeCommit source starts on every push and deploys what it holds: a template of the
    // caller's, deployed by the CloudFormation action with its stack role (deleting what the template drops).
    id: 'codecommit-push-stack-template',
    actions: ['codecommit:GitPush'],
    description:
      'push a template of its own to a repository a pipeline deploys from, deployed with the stack role by the ' +
      "pipeline's next execution (deleting whatever the template drops)",
  },
  {
    // A CodeBuild project with an S3 source (or a buildspec file in S3) reads it at each build.
    id: 's3-put-build-source',
    actions: ['s3:PutObject'],
    description:
      "put a source or buildspec of its own where a build project reads it from S3, run as the project's role " +
      'by the next build',
  },
  {
    // A Glue job runs the script at its ScriptLocation in S3 each time it runs (a schedule, a trigger, a workflow).
    id: 's3-put-glue-script',
    actions: ['s3:PutObject'],
    description: "replace the script a Glue job runs from S3, run with the job's role by its next run",
  },
  {
    // A pipeline with an S3 source starts when the object changes; a nested stack's template is read from its
    // TemplateURL at every update of its parent: either deploys the caller's template with the stack role.
    id: 's3-put-stack-template',
    actions: ['s3:PutObject'],
    description:
      "put a template of its own where a pipeline's S3 source or a nested stack's TemplateURL reads it, deployed " +
      'with the stack role by the next execution or update (deleting whatever the template drops)',
  },
  {
    // Amazon MWAA loads every DAG file put in the environment's DAG folder and runs it with the execution role.
    id: 's3-put-airflow-dag',
    actions: ['s3:PutObject'],
    description:
      "put a DAG of its own in an Airflow environment's DAG folder, run with the environment's execution role",
  },
  {
    // Attribute-based access control with session tags, turned around: a role whose own statements grant more for a
    // principal tag, and whose trust lets callers pass session tags, has the tags its caller passes. Taken on each
    // caller's assume edge to such a role, with what the caller may pass there (a same-account trust naming it
    // needs no grant of its own).
    id: 'assume-with-session-tags',
    actions: ['sts:AssumeRole', 'sts:TagSession'],
    description:
      'assume a role passing the session tags its statements ask for or an SCP exempts (its trust allows sts:TagSession)',
  },
];
