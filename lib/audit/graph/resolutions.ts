// How each escalation path (escalation-paths.ts) is resolved against the snapshot's real targets: which
// principals it reaches (roles that trust a service, holders of a policy, other users) and what the snapshot
// cannot show about them. A path without a resolution here is reported unresolved, never dropped.

/** IAM writes that change a principal's permissions. */
export type RewriteTarget =
  /** iam:Attach/PutRolePolicy on the role. */
  | 'role'
  /** iam:Attach/PutUserPolicy on the user. */
  | 'user'
  /** iam:Attach/PutGroupPolicy on a group: its members. */
  | 'group'
  /** iam:CreatePolicyVersion on a customer managed policy: everyone it is attached to. */
  | 'managed-policy'
  /** iam:SetDefaultPolicyVersion: as managed-policy, if an older version grants more. */
  | 'policy-version'
  /** iam:AddUserToGroup: a user gains a group's policies. */
  | 'group-membership'
  /** iam:Delete/PutRolePermissionsBoundary on a role that has a boundary. */
  | 'role-boundary'
  /** iam:Delete/PutUserPermissionsBoundary on a user that has a boundary. */
  | 'user-boundary';

/**
 * Which list of the live compute inventory (AccountSnapshot.inventory) answers a run-code path's `needs`:
 * functions by execution role, instances by instance profile, running exec-enabled ECS tasks by task role.
 * `glue-jobs` holds the jobs whose script a run may override, `glue-job-roles` every job.
 */
export type InventoryKind =
  | 'lambda-functions'
  | 'instance-profiles'
  | 'ecs-exec-tasks'
  | 'cloudformation-stacks'
  | 'codebuild-projects'
  | 'glue-jobs'
  | 'glue-job-roles'
  | 'notebook-instances'
  | 'batch-job-definitions'
  | 'state-machines'
  | 'express-state-machines'
  | 'codepipelines';

export type PathResolution =
  | {
      /** iam:PassRole of a role that trusts one of `services` to a new resource of the service. */
      readonly kind: 'pass-role';
      readonly services: readonly string[];
      /** EC2-style: the role must be in an instance profile. */
      readonly instanceProfile?: boolean;
      /** An existing resource the path updates (a Glue job, a stack set), which the snapshot cannot show. */
      readonly needs?: string;
    }
  | {
      /** Code run on compute that already runs as a role trusting one of `services`. */
      readonly kind: 'run-code';
      readonly services: readonly string[];
      readonly instanceProfile?: boolean;
      /** The compute that must exist, e.g. "a Lambda function that runs as the role". */
      readonly needs: string;
      /** The inventory list that shows whether that compute exists; without it `needs` stays unresolved. */
      readonly inventory?: InventoryKind;
      /**
       * An inventory list that shows only whether compute runs as the role, not whether it reads its code from
       * where the caller writes (a bucket, a repository): a role with none is no target, one with some still
       * needs `needs`. Code planted where the compute reads it (see planted()).
       */
      readonly narrowedBy?: InventoryKind;
    }
  | { readonly kind: 'rewrite'; readonly target: RewriteTarget }
  /**
   * Delete (inline) or detach (managed) one of its own policies that holds a Deny statement: the Deny goes with it
   * (and so does whatever that policy allows).
   */
  | {
      readonly kind: 'remove-deny';
      readonly principal: 'role' | 'user';
      /**
       * Its inline policies, its attached managed policies, (a user) the groups it leaves, or the inline or managed
       * policies of a group of its own.
       */
      readonly policies: 'inline' | 'managed' | 'group' | 'group-inline' | 'group-managed';
    }
  /** Credentials of another user. */
  | { readonly kind: 'credentials' }
  /** Rewrite a role's trust policy to name oneself (same account: no sts grant needed). */
  | { readonly kind: 'trust-rewrite' }
  /**
   * Make a SAML provider that roles trust vouch for an identity provider of one's own (its metadata), then sign
   * in as those roles with assertions of one's own (sts:AssumeRoleWithSAML needs no AWS credentials).
   */
  | { readonly kind: 'saml-provider'; readonly needs?: string }
  /** Create a new role (or, with `user`, a new user), make it powerful and use it: no existing target to resolve. */
  | { readonly kind: 'new-role'; readonly user?: true }
  /** Tag itself with what its own policies ask of its principal tags (attribute-based access control). */
  | {
      readonly kind: 'self-tag';
      readonly principal: 'role' | 'user';
      /** The tags go on a federated user session of the user (GetFederationToken), not on the user itself. */
      readonly federated?: true;
      /** The tags are session tags whoever assumes the role passes (its trust allows sts:TagSession). */
      readonly session?: true;
    }
  /**
   * Hand more to an IAM Identity Center identity (an assignment, a permission set, a group membership): it
   * lands on whoever signs in as that identity, which the account's IAM does not show.
   */
  | { readonly kind: 'identity-center'; readonly needs: string }
  /**
   * Take a root session in another account of the organization (sts:AssumeRoot): it lands on that account's
   * root user, which the account's IAM does not show, and works only where the organization allows it (`needs`,
   * unless a live read answered AccountSnapshot.rootSessions).
   */
  | { readonly kind: 'member-root'; readonly needs: string }
  /**
   * Deploy a service-managed stack set into member accounts: it lands on each member's StackSets execution role
   * (graph/member-stack-set.ts). From the management account only; it needs trusted access where that is not shown.
   */
  | {
      readonly kind: 'member-stack-set';
      /** The stack set the path updates, which the snapshot cannot show. */ readonly existing?: string;
    };

const EC2 = ['ec2.amazonaws.com'];
const onInstance = 'an EC2 instance running with the role’s instance profile';
const pass = (services: string[], extra: { instanceProfile?: boolean; needs?: string } = {}): PathResolution => ({
  kind: 'pass-role',
  services,
  ...extra,
});
const run = (
  services: string[],
  needs: string,
  instanceProfile = false,
  inventory?: InventoryKind,
): PathResolution => ({
  kind: 'run-code',
  services,
  needs,
  ...(instanceProfile ? { instanceProfile } : {}),
  ...(inventory ? { inventory } : {}),
});
/** Code planted where compute running as the role reads it: the inventory narrows the roles, never resolves. */
const planted = (services: readonly string[], needs: string, narrowedBy: InventoryKind): PathResolution => ({
  kind: 'run-code',
  services,
  needs,
  narrowedBy,
});
const FUNCTION = 'a Lambda function that runs as the role';
const GLUE_JOB = 'a Glue job whose role is the role, with no non-overridable --scriptLocation';
const PROJECT = 'a build project whose service role is the role';
const NOTEBOOK = 'a notebook instance that runs as the role';
const rewrite = (target: RewriteTarget): PathResolution => ({ kind: 'rewrite', target });
const identityCenter = (what: string): PathResolution => ({
  kind: 'identity-center',
  needs: `an IAM Identity Center identity it signs in as, ${what}`,
});

export const PATH_RESOLUTIONS: Readonly<Record<string, PathResolution>> = {
  'create-policy-version': rewrite('managed-policy'),
  'set-default-policy-version': rewrite('policy-version'),
  'attach-user-policy': rewrite('user'),
  'put-user-policy': rewrite('user'),
  'attach-group-policy': rewrite('group'),
  'put-group-policy': rewrite('group'),
  'attach-role-policy': rewrite('role'),
  'put-role-policy': rewrite('role'),
  'delete-role-policy': { kind: 'remove-deny', principal: 'role', policies: 'inline' },
  'delete-user-policy': { kind: 'remove-deny', principal: 'user', policies: 'inline' },
  'detach-role-policy': { kind: 'remove-deny', principal: 'role', policies: 'managed' },
  'detach-user-policy': { kind: 'remove-deny', principal: 'user', policies: 'managed' },
  'remove-user-from-group': { kind: 'remove-deny', principal: 'user', policies: 'group' },
  'delete-group-policy': { kind: 'remove-deny', principal: 'user', policies: 'group-inline' },
  'detach-group-policy': { kind: 'remove-deny', principal: 'user', policies: 'group-managed' },
  'add-user-to-group': rewrite('group-membership'),
  'delete-role-permissions-boundary': rewrite('role-boundary'),
  'put-role-permissions-boundary': rewrite('role-boundary'),
  'delete-user-permissions-boundary': rewrite('user-boundary'),
  'put-user-permissions-boundary': rewrite('user-boundary'),
  'create-access-key': { kind: 'credentials' },
  'create-login-profile': { kind: 'credentials' },
  'update-login-profile': { kind: 'credentials' },
  'update-assume-role-policy': { kind: 'trust-rewrite' },
  'update-saml-provider': { kind: 'saml-provider' },
  'create-saml-provider': {
    kind: 'saml-provider',
    needs: 'no SAML provider of that name in the account (a trust left naming one deleted, or never made)',
  },
  'update-assume-role-policy-naming-self': { kind: 'trust-rewrite' },
  'create-role-and-pass': { kind: 'new-role' },
  'create-role-with-inline-policy': { kind: 'new-role' },
  'tag-itself-role': { kind: 'self-tag', principal: 'role' },
  'tag-itself-user': { kind: 'self-tag', principal: 'user' },
  'federation-token-session-tags': { kind: 'self-tag', principal: 'user', federated: true },
  'create-user-with-access-key': { kind: 'new-role', user: true },
  'create-user-with-inline-policy': { kind: 'new-role', user: true },
  'create-user-with-console-password': { kind: 'new-role', user: true },
  'create-user-with-inline-policy-console': { kind: 'new-role', user: true },
  'passrole-ec2': pass(EC2, { instanceProfile: true }),
  'passrole-ec2-spot': pass(EC2, { instanceProfile: true }),
  'passrole-autoscaling-launch-configuration': pass(EC2, { instanceProfile: true }),
  'passrole-autoscaling-update-group': pass(EC2, { instanceProfile: true, needs: 'an Auto Scaling group' }),
  'passrole-autoscaling-launch-template': pass(EC2, { instanceProfile: true }),
  'passrole-autoscaling-update-group-launch-template': pass(EC2, {
    instanceProfile: true,
    needs: 'an Auto Scaling group',
  }),
  'passrole-ec2-fleet': pass(EC2, { instanceProfile: true }),
  'passrole-imagebuilder': pass(EC2, { instanceProfile: true }),
  'passrole-emr-cluster': pass(['ec2.amazonaws.com', 'elasticmapreduce.amazonaws.com']),
  'passrole-lambda-invoke': pass(['lambda.amazonaws.com']),
  'passrole-lambda-event-source': pass(['lambda.amazonaws.com']),
  'passrole-lambda-add-permission': pass(['lambda.amazonaws.com']),
  'passrole-lambda-invoke-async': pass(['lambda.amazonaws.com']),
  'passrole-lambda-function-url': pass(['lambda.amazonaws.com']),
  'passrole-lambda-microvm-image': pass(['lambda.amazonaws.com']),
  'passrole-lambda-microvm-update-image': pass(['lambda.amazonaws.com'], { needs: 'a MicroVM image to rebuild' }),
  'passrole-lambda-microvm-shell': pass(['lambda.amazonaws.com'], {
    needs: 'a MicroVM image to run (its own, or one it may run)',
  }),
  'lambda-microvm-shell': run(
    ['lambda.amazonaws.com'],
    'a running Lambda MicroVM started with the shell connector (SHELL_INGRESS), with the role as its execution role',
  ),
  'passrole-glue-dev-endpoint': pass(['glue.amazonaws.com']),
  'passrole-glue-job': pass(['glue.amazonaws.com']),
  'passrole-glue-job-trigger': pass(['glue.amazonaws.com']),
  'passrole-glue-interactive-session': pass(['glue.amazonaws.com']),
  'passrole-glue-update-job': pass(['glue.amazonaws.com'], { needs: 'a Glue job to update' }),
  'passrole-glue-update-job-trigger': pass(['glue.amazonaws.com'], { needs: 'a Glue job to update' }),
  'passrole-cloudformation': pass(['cloudformation.amazonaws.com']),
  'passrole-cloudformation-stack-set': pass(['cloudformation.amazonaws.com']),
  'passrole-cloudformation-update-stack-set': pass(['cloudformation.amazonaws.com'], { needs: 'a stack set' }),
  'passrole-datapipeline': pass(['datapipeline.amazonaws.com', 'elasticmapreduce.amazonaws.com']),
  'passrole-sagemaker-notebook': pass(['sagemaker.amazonaws.com']),
  'passrole-sagemaker-notebook-no-url': pass(['sagemaker.amazonaws.com'], {
    needs:
      'a way into the notebook: a presigned URL (sagemaker:CreatePresignedNotebookInstanceUrl) or an existing lifecycle configuration',
  }),
  'passrole-sagemaker-training-job': pass(['sagemaker.amazonaws.com']),
  'passrole-sagemaker-processing-job': pass(['sagemaker.amazonaws.com']),
  'passrole-codebuild': pass(['codebuild.amazonaws.com']),
  'passrole-codebuild-batch': pass(['codebuild.amazonaws.com']),
  'passrole-ecs': pass(['ecs-tasks.amazonaws.com']),
  'passrole-ecs-service': pass(['ecs-tasks.amazonaws.com']),
  'passrole-ecs-update-service': pass(['ecs-tasks.amazonaws.com'], { needs: 'an ECS service' }),
  'passrole-ecs-run-task-override': pass(['ecs-tasks.amazonaws.com'], { needs: 'a task definition to run' }),
  // StartTask places a task on a container instance of an existing EC2-backed cluster (pathfinding.cloud ecs-005).
  'passrole-ecs-start-task-override': pass(['ecs-tasks.amazonaws.com'], {
    needs: 'a task definition to run and an ECS container instance to start it on',
  }),
  'passrole-ssm-automation': pass(['ssm.amazonaws.com']),
  'passrole-apprunner': pass(['tasks.apprunner.amazonaws.com']),
  'passrole-batch-job': pass(['ecs-tasks.amazonaws.com']),
  'passrole-emr-serverless': pass(['emr-serverless.amazonaws.com']),
  'passrole-emr-serverless-session': pass(['emr-serverless.amazonaws.com']),
  'emr-spark-connect-session': run(
    EC2,
    'an EMR cluster with Spark Connect whose instances run with the role’s instance profile',
    true,
  ),
  'passrole-kinesis-analytics': pass(['kinesisanalytics.amazonaws.com']),
  'passrole-braket-job': pass(['braket.amazonaws.com']),
  'passrole-gamelift-fleet': pass(['gamelift.amazonaws.com']),
  'passrole-healthomics-workflow': pass(['omics.amazonaws.com']),
  'passrole-cognito-identity-pool': pass(['cognito-identity.amazonaws.com'], { needs: 'an identity pool' }),
  'passrole-bedrock-code-interpreter': pass(['bedrock-agentcore.amazonaws.com']),
  'passrole-bedrock-agent-runtime': pass(['bedrock-agentcore.amazonaws.com']),
  'passrole-bedrock-browser': pass(['bedrock-agentcore.amazonaws.com']),
  'lambda-update-function-code': run(['lambda.amazonaws.com'], FUNCTION, false, 'lambda-functions'),
  'lambda-update-function-configuration': run(['lambda.amazonaws.com'], FUNCTION, false, 'lambda-functions'),
  'glue-start-job-run': run(['glue.amazonaws.com'], GLUE_JOB, false, 'glue-jobs'),
  'glue-create-trigger-arguments': run(['glue.amazonaws.com'], GLUE_JOB, false, 'glue-jobs'),
  'glue-update-dev-endpoint': run(['glue.amazonaws.com'], 'a Glue development endpoint that runs as the role'),
  'cloudformation-update-stack': run(
    ['cloudformation.amazonaws.com'],
    'a stack whose service role is the role',
    false,
    'cloudformation-stacks',
  ),
  'cloudformation-change-set': run(
    ['cloudformation.amazonaws.com'],
    'a stack whose service role is the role',
    false,
    'cloudformation-stacks',
  ),
  'sagemaker-presigned-notebook-url': run(['sagemaker.amazonaws.com'], NOTEBOOK, false, 'notebook-instances'),
  'sagemaker-space-remote-session': run(
    ['sagemaker.amazonaws.com'],
    'a SageMaker Studio space with remote access turned on, whose execution role is the role',
  ),
  'sagemaker-presigned-domain-url': run(
    ['sagemaker.amazonaws.com'],
    'a SageMaker Studio domain (IAM sign-in) with a user profile whose execution role is the role',
  ),
  'sagemaker-notebook-lifecycle-config': run(['sagemaker.amazonaws.com'], NOTEBOOK, false, 'notebook-instances'),
  'codebuild-start-build': run(['codebuild.amazonaws.com'], PROJECT, false, 'codebuild-projects'),
  'codebuild-sandbox-command': run(['codebuild.amazonaws.com'], PROJECT, false, 'codebuild-projects'),
  'codebuild-sandbox-connection': run(['codebuild.amazonaws.com'], PROJECT, false, 'codebuild-projects'),
  'codebuild-start-build-batch': run(['codebuild.amazonaws.com'], PROJECT, false, 'codebuild-projects'),
  'ecs-execute-command': run(
    ['ecs-tasks.amazonaws.com'],
    'a running task (with exec enabled) whose task role is the role',
    false,
    'ecs-exec-tasks',
  ),
  'batch-submit-job': run(
    ['ecs-tasks.amazonaws.com'],
    'a job definition whose job role is the role',
    false,
    'batch-job-definitions',
  ),
  'apprunner-update-service': run(
    ['tasks.apprunner.amazonaws.com'],
    'an App Runner service whose instance role is the role',
  ),
  'ssm-send-command': run(EC2, onInstance, true, 'instance-profiles'),
  'ssm-start-session': run(EC2, onInstance, true, 'instance-profiles'),
  'ec2-instance-connect-ssh-key': run(EC2, onInstance, true, 'instance-profiles'),
  'ec2-modify-user-data': run(EC2, onInstance, true, 'instance-profiles'),
  'ec2-launch-template-version': run(EC2, 'a launch template used to start instances with the role’s profile', true),
  'codedeploy-create-deployment': run(EC2, 'an instance in a deployment group, with the role’s profile', true),
  'bedrock-code-interpreter-session': run(
    ['bedrock-agentcore.amazonaws.com'],
    'a code interpreter that runs as the role',
  ),
  'bedrock-agent-runtime-command': run(['bedrock-agentcore.amazonaws.com'], 'an agent runtime that runs as the role'),
  'bedrock-agent-runtime-command-shell': run(
    ['bedrock-agentcore.amazonaws.com'],
    'an agent runtime that runs as the role',
  ),
  'bedrock-browser-session': run(['bedrock-agentcore.amazonaws.com'], 'a browser that runs as the role'),
  'passrole-scheduler': pass(['scheduler.amazonaws.com']),
  'passrole-scheduler-update': pass(['scheduler.amazonaws.com'], { needs: 'a schedule to update' }),
  'passrole-stepfunctions': pass(['states.amazonaws.com']),
  'stepfunctions-update-state-machine': run(
    ['states.amazonaws.com'],
    'a state machine that runs as the role',
    false,
    'state-machines',
  ),
  'passrole-stepfunctions-sync': pass(['states.amazonaws.com']),
  'stepfunctions-update-state-machine-sync': run(
    ['states.amazonaws.com'],
    'an Express state machine that runs as the role',
    false,
    'express-state-machines',
  ),
  'passrole-ssm-association': pass(['ssm.amazonaws.com']),
  'ssm-create-association': run(EC2, onInstance, true, 'instance-profiles'),
  'ssm-create-association-batch': run(EC2, onInstance, true, 'instance-profiles'),
  'ssm-update-association': run(EC2, `a State Manager association to update, and ${onInstance}`, true),
  'passrole-ssm-association-batch': pass(['ssm.amazonaws.com']),
  'ssm-maintenance-window-task': run(EC2, onInstance, true, 'instance-profiles'),
  'ssm-register-maintenance-window-task': run(EC2, `a maintenance window to add the task to, and ${onInstance}`, true),
  'ssm-update-maintenance-window-task': run(
    EC2,
    `a maintenance window Run Command task to update, and ${onInstance}`,
    true,
  ),
  'emr-add-job-flow-steps': run(EC2, 'an EMR cluster whose nodes run with the role’s instance profile', true),
  'passrole-ec2-spot-fleet': pass(EC2, { instanceProfile: true }),
  'passrole-sagemaker-pipeline': pass(['sagemaker.amazonaws.com']),
  'sagemaker-update-pipeline': run(['sagemaker.amazonaws.com'], 'a SageMaker pipeline whose role is the role'),
  'passrole-sagemaker-endpoint': pass(['sagemaker.amazonaws.com']),
  'passrole-sagemaker-transform-job': pass(['sagemaker.amazonaws.com']),
  'passrole-sagemaker-tuning-job': pass(['sagemaker.amazonaws.com']),
  'passrole-sagemaker-hyperpod-cluster': pass(['sagemaker.amazonaws.com']),
  'passrole-cloudcontrol-create': pass(['cloudformation.amazonaws.com']),
  'passrole-cloudcontrol-update': pass(['cloudformation.amazonaws.com']),
  'passrole-cloudformation-register-type': pass(['resources.cloudformation.amazonaws.com']),
  'ssm-update-automation-document': run(
    ['ssm.amazonaws.com'],
    'an Automation runbook of the account that an association, maintenance window task or schedule runs with the role, by its latest version (or one whose default version it may set)',
  ),
  'ssm-update-command-document': run(
    EC2,
    `a Command document of the account that an association or maintenance window task runs by its latest version (or one whose default version it may set), and ${onInstance}`,
    true,
  ),
  'amplify-update-app': run(['amplify.amazonaws.com'], 'an Amplify app whose service role is the role'),
  'kinesis-analytics-update-application': run(
    ['kinesisanalytics.amazonaws.com'],
    'a Managed Service for Apache Flink application whose service execution role is the role',
  ),
  'mwaa-update-environment': run(
    ['airflow-env.amazonaws.com', 'airflow.amazonaws.com'],
    'an Airflow environment whose execution role is the role, and an S3 bucket it can write DAG code to',
  ),
  'passrole-ecs-express-gateway-service': pass(['ecs-tasks.amazonaws.com']),
  'ecs-update-express-gateway-service': run(
    ['ecs-tasks.amazonaws.com'],
    'an ECS Express Mode service whose task role is the role',
  ),
  'emr-notebook-execution': run(
    EC2,
    'an EMR cluster whose nodes run with the role’s instance profile, and an EMR notebook service role to pass',
    true,
  ),
  'passrole-sagemaker-update-hyperpod-cluster': pass(['sagemaker.amazonaws.com'], {
    needs: 'a SageMaker HyperPod cluster to update',
  }),
  'servicecatalog-provisioning-artifact': run(
    ['servicecatalog.amazonaws.com'],
    'a Service Catalog product it may provision, in a portfolio whose launch constraint names the role',
  ),
  'servicecatalog-provisioning-artifact-plan': run(
    ['servicecatalog.amazonaws.com'],
    'a Service Catalog product it may provision, in a portfolio whose launch constraint names the role',
  ),
  'passrole-servicecatalog-launch-constraint': pass(['servicecatalog.amazonaws.com'], {
    needs: 'a Service Catalog product and portfolio it may provision from',
  }),
  'passrole-mwaa': pass(['airflow-env.amazonaws.com', 'airflow.amazonaws.com'], {
    needs: 'an S3 bucket it can write DAG code to',
  }),
  'passrole-amplify': pass(['amplify.amazonaws.com']),
  'passrole-athena-spark': pass(['athena.amazonaws.com']),
  'athena-spark-session': run(['athena.amazonaws.com'], 'an Athena Spark workgroup whose execution role is the role'),
  'athena-presigned-notebook-url': run(
    ['athena.amazonaws.com'],
    'a running session of an Athena Spark workgroup whose execution role is the role',
  ),
  'passrole-codepipeline': pass(['codepipeline.amazonaws.com'], {
    needs: 'a source for the pipeline (an S3 object or repository it can read)',
  }),
  'codepipeline-update-pipeline': run(
    ['codepipeline.amazonaws.com'],
    'a pipeline whose service role is the role',
    false,
    'codepipelines',
  ),
  'passrole-eks-pod-identity': pass(['pods.eks.amazonaws.com'], {
    needs: 'a way to run a pod in the cluster (Kubernetes access)',
  }),
  'eks-access-entry-cluster-admin': run(
    ['pods.eks.amazonaws.com'],
    'an EKS cluster that takes access entries, with a pod identity association for the role',
  ),
  'passrole-elasticbeanstalk': pass(EC2, { instanceProfile: true }),
  // The profile is its own: the role need not be in one already.
  'passrole-ec2-new-instance-profile': pass(EC2),
  'passrole-ec2-associate-profile': pass(EC2, {
    instanceProfile: true,
    needs: 'a running instance with no instance profile, managed by Systems Manager',
  }),
  'passrole-ec2-replace-profile': pass(EC2, {
    instanceProfile: true,
    needs: 'a running instance managed by Systems Manager',
  }),
  'passrole-roles-anywhere': pass(['rolesanywhere.amazonaws.com']),
  'roles-anywhere-trust-anchor': run(['rolesanywhere.amazonaws.com'], 'a Roles Anywhere profile that names the role'),
  'sso-account-assignment': identityCenter('and a permission set that grants more'),
  'sso-permission-set-inline-policy': identityCenter('assigned the permission set'),
  'sso-permission-set-managed-policy': identityCenter('assigned the permission set'),
  'sso-permission-set-boundary-removed': identityCenter(
    'assigned a permission set whose policies grant more than its boundary',
  ),
  'sso-permission-set-boundary-replaced': identityCenter('assigned the permission set'),
  'sso-permission-set-customer-policy': identityCenter(
    'assigned the permission set, and a customer managed policy that grants more in the account',
  ),
  'identitystore-group-membership': identityCenter('and a group whose assignments grant more'),
  'cloudformation-service-managed-stack-set': { kind: 'member-stack-set' },
  'cloudformation-update-service-managed-stack-set': {
    kind: 'member-stack-set',
    existing: 'a service-managed stack set to update',
  },
  'codecommit-push-buildspec': planted(
    ['codebuild.amazonaws.com'],
    'a build project whose service role is the role, building from a CodeCommit repository it may push to',
    'codebuild-projects',
  ),
  'ecr-push-image': run(
    ['ecs-tasks.amazonaws.com', 'tasks.apprunner.amazonaws.com'],
    'an ECS task or service (or an App Runner service) that runs with the role an image by a tag of a repository ' +
      'it may push to',
  ),
  'codecommit-push-stack-template': planted(
    ['cloudformation.amazonaws.com'],
    'a stack with the role as its stack role, deployed by a pipeline from a CodeCommit repository it may push to',
    'cloudformation-stacks',
  ),
  's3-put-build-source': planted(
    ['codebuild.amazonaws.com'],
    'a build project whose service role is the role, reading its source or buildspec from a bucket it may write',
    'codebuild-projects',
  ),
  's3-put-glue-script': planted(
    ['glue.amazonaws.com'],
    'a Glue job whose role is the role, running a script from a bucket it may write',
    'glue-job-roles',
  ),
  's3-put-stack-template': planted(
    ['cloudformation.amazonaws.com'],
    'a stack with the role as its stack role, whose template a pipeline takes from a bucket it may write or whose ' +
      'nested template sits in one',
    'cloudformation-stacks',
  ),
  's3-put-airflow-dag': run(
    ['airflow-env.amazonaws.com', 'airflow.amazonaws.com'],
    'an Airflow environment whose execution role is the role, with its DAG folder in a bucket it may write',
  ),
  'assume-with-session-tags': { kind: 'self-tag', principal: 'role', session: true },
  'assume-root': {
    kind: 'member-root',
    needs:
      'centralized root access turned on for the organization (root sessions), with this account its ' +
      'management account or the delegated administrator for IAM',
  },
};

/** The id of the general pass-role rule's edges (graph/build.ts), for services no path above models. */
export const UNMODELLED_SERVICE_PATH = 'passrole-unmodelled-service';
/** The id of the general run-code rule's edges: an `execute` action of a service no path models. */
export const UNMODELLED_RUN_PATH = 'run-code-unmodelled-service';

/** Service principals some path above hands a role to or runs code as; any other is left to the general rule. */
export const MODELLED_SERVICES: ReadonlySet<string> = new Set(
  Object.values(PATH_RESOLUTIONS).flatMap((r) => (r.kind === 'pass-role' || r.kind === 'run-code' ? r.services : [])),
);

/**
 * The action prefix of a service principal, when the catalog has one: `scheduler.amazonaws.com` → scheduler,
 * `tasks.apprunner.amazonaws.com` → apprunner, `ecs-tasks.amazonaws.com` → ecs, `airflow-env.amazonaws.com` →
 * airflow. Labels are tried from the one nearest the domain outwards.
 */
export function servicePrefixOf(servicePrincipal: string, hasService: (prefix: string) => boolean): string | undefined {
  const host = servicePrincipal.toLowerCase().replace(/\.amazonaws\.com(\.cn)?$/, '');
  for (const label of host.split('.').reverse()) {
    for (const candidate of [label, label.replace(/-(tasks|env)$/, '')]) if (hasService(candidate)) return candidate;
  }
  return undefined;
}
