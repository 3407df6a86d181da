import * as rule from '../../../lib/audit/rules/privilege-escalation';
import { ESCALATION_PATHS } from '../../../lib/audit/rules/support/escalation-paths';
import { about, allow, catalog, doc, run } from './helpers';

const pathIds = (findings: ReturnType<typeof run>, name: string) =>
  (about(findings, name)[0]?.details?.paths as { id: string }[] | undefined)?.map((p) => p.id) ?? [];

describe('privilege-escalation', () => {
  it('names only real catalog actions in its paths', () => {
    const unknown = ESCALATION_PATHS.flatMap((p) => p.actions).filter((a) => !catalog.get(a));
    expect(unknown).toEqual([]);
  });

  // Every path, with exactly the actions it needs: the specification of ESCALATION_PATHS.
  const SPECIFIED: readonly (readonly [string, readonly string[]])[] = [
    ['create-policy-version', ['iam:CreatePolicyVersion']],
    ['set-default-policy-version', ['iam:SetDefaultPolicyVersion']],
    ['attach-user-policy', ['iam:AttachUserPolicy']],
    ['attach-group-policy', ['iam:AttachGroupPolicy']],
    ['attach-role-policy', ['iam:AttachRolePolicy']],
    ['put-user-policy', ['iam:PutUserPolicy']],
    ['put-group-policy', ['iam:PutGroupPolicy']],
    ['put-role-policy', ['iam:PutRolePolicy']],
    ['add-user-to-group', ['iam:AddUserToGroup']],
    ['create-access-key', ['iam:CreateAccessKey']],
    ['create-login-profile', ['iam:CreateLoginProfile']],
    ['update-login-profile', ['iam:UpdateLoginProfile']],
    ['update-assume-role-policy', ['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole']],
    ['delete-role-permissions-boundary', ['iam:DeleteRolePermissionsBoundary']],
    ['put-role-permissions-boundary', ['iam:PutRolePermissionsBoundary']],
    ['delete-user-permissions-boundary', ['iam:DeleteUserPermissionsBoundary']],
    ['put-user-permissions-boundary', ['iam:PutUserPermissionsBoundary']],
    ['passrole-ec2', ['iam:PassRole', 'ec2:RunInstances']],
    ['passrole-lambda-invoke', ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction']],
    ['passrole-lambda-event-source', ['iam:PassRole', 'lambda:CreateFunction', 'lambda:CreateEventSourceMapping']],
    ['lambda-update-function-code', ['lambda:UpdateFunctionCode']],
    ['passrole-glue-dev-endpoint', ['iam:PassRole', 'glue:CreateDevEndpoint']],
    ['glue-update-dev-endpoint', ['glue:UpdateDevEndpoint']],
    ['passrole-cloudformation', ['iam:PassRole', 'cloudformation:CreateStack']],
    ['cloudformation-update-stack', ['cloudformation:UpdateStack']],
    [
      'passrole-datapipeline',
      [
        'iam:PassRole',
        'datapipeline:CreatePipeline',
        'datapipeline:PutPipelineDefinition',
        'datapipeline:ActivatePipeline',
      ],
    ],
    [
      'passrole-sagemaker-notebook',
      ['iam:PassRole', 'sagemaker:CreateNotebookInstance', 'sagemaker:CreatePresignedNotebookInstanceUrl'],
    ],
    ['passrole-codebuild', ['iam:PassRole', 'codebuild:CreateProject', 'codebuild:StartBuild']],
    ['passrole-ecs', ['iam:PassRole', 'ecs:RegisterTaskDefinition', 'ecs:RunTask']],
    ['ssm-send-command', ['ssm:SendCommand']],
    ['create-role-and-pass', ['iam:CreateRole', 'iam:AttachRolePolicy', 'sts:AssumeRole']],
    ['update-assume-role-policy-naming-self', ['iam:UpdateAssumeRolePolicy']],
    ['lambda-update-function-configuration', ['lambda:UpdateFunctionConfiguration']],
    ['passrole-lambda-add-permission', ['iam:PassRole', 'lambda:CreateFunction', 'lambda:AddPermission']],
    ['passrole-glue-job', ['iam:PassRole', 'glue:CreateJob', 'glue:StartJobRun']],
    ['passrole-glue-job-trigger', ['iam:PassRole', 'glue:CreateJob', 'glue:CreateTrigger']],
    ['passrole-glue-update-job', ['iam:PassRole', 'glue:UpdateJob', 'glue:StartJobRun']],
    ['passrole-glue-update-job-trigger', ['iam:PassRole', 'glue:UpdateJob', 'glue:CreateTrigger']],
    ['passrole-glue-interactive-session', ['iam:PassRole', 'glue:CreateSession', 'glue:RunStatement']],
    ['passrole-sagemaker-training-job', ['iam:PassRole', 'sagemaker:CreateTrainingJob']],
    ['passrole-sagemaker-processing-job', ['iam:PassRole', 'sagemaker:CreateProcessingJob']],
    ['sagemaker-presigned-notebook-url', ['sagemaker:CreatePresignedNotebookInstanceUrl']],
    [
      'sagemaker-notebook-lifecycle-config',
      [
        'sagemaker:CreateNotebookInstanceLifecycleConfig',
        'sagemaker:StopNotebookInstance',
        'sagemaker:UpdateNotebookInstance',
        'sagemaker:StartNotebookInstance',
      ],
    ],
    ['codebuild-start-build', ['codebuild:StartBuild']],
    ['codebuild-start-build-batch', ['codebuild:StartBuildBatch']],
    ['ssm-start-session', ['ssm:StartSession']],
    ['passrole-ssm-automation', ['iam:PassRole', 'ssm:CreateDocument', 'ssm:StartAutomationExecution']],
    ['ec2-instance-connect-ssh-key', ['ec2-instance-connect:SendSSHPublicKey']],
    ['ec2-modify-user-data', ['ec2:ModifyInstanceAttribute', 'ec2:StopInstances', 'ec2:StartInstances']],
    ['ec2-launch-template-version', ['ec2:CreateLaunchTemplateVersion', 'ec2:ModifyLaunchTemplate']],
    ['passrole-ec2-spot', ['iam:PassRole', 'ec2:RequestSpotInstances']],
    [
      'passrole-autoscaling-launch-configuration',
      ['iam:PassRole', 'autoscaling:CreateLaunchConfiguration', 'autoscaling:CreateAutoScalingGroup'],
    ],
    [
      'passrole-autoscaling-update-group',
      ['iam:PassRole', 'autoscaling:CreateLaunchConfiguration', 'autoscaling:UpdateAutoScalingGroup'],
    ],
    ['passrole-ecs-service', ['iam:PassRole', 'ecs:RegisterTaskDefinition', 'ecs:CreateService']],
    ['passrole-ecs-run-task-override', ['iam:PassRole', 'ecs:RunTask']],
    ['passrole-ecs-start-task-override', ['iam:PassRole', 'ecs:StartTask']],
    ['ecs-execute-command', ['ecs:ExecuteCommand', 'ecs:DescribeTasks']],
    ['cloudformation-change-set', ['cloudformation:CreateChangeSet', 'cloudformation:ExecuteChangeSet']],
    [
      'passrole-cloudformation-stack-set',
      ['iam:PassRole', 'cloudformation:CreateStackSet', 'cloudformation:CreateStackInstances'],
    ],
    ['passrole-cloudformation-update-stack-set', ['iam:PassRole', 'cloudformation:UpdateStackSet']],
    ['passrole-apprunner', ['iam:PassRole', 'apprunner:CreateService']],
    ['apprunner-update-service', ['apprunner:UpdateService']],
    ['passrole-batch-job', ['iam:PassRole', 'batch:RegisterJobDefinition', 'batch:SubmitJob']],
    ['batch-submit-job', ['batch:SubmitJob']],
    ['passrole-emr-cluster', ['iam:PassRole', 'elasticmapreduce:RunJobFlow']],
    ['passrole-emr-serverless', ['iam:PassRole', 'emr-serverless:CreateApplication', 'emr-serverless:StartJobRun']],
    [
      'passrole-kinesis-analytics',
      ['iam:PassRole', 'kinesisanalytics:CreateApplication', 'kinesisanalytics:StartApplication'],
    ],
    ['passrole-braket-job', ['iam:PassRole', 'braket:CreateJob']],
    [
      'passrole-gamelift-fleet',
      ['iam:PassRole', 'gamelift:CreateBuild', 'gamelift:RequestUploadCredentials', 'gamelift:CreateFleet'],
    ],
    ['passrole-healthomics-workflow', ['iam:PassRole', 'omics:CreateWorkflow', 'omics:StartRun', 's3:GetObject']],
    [
      'passrole-imagebuilder',
      [
        'iam:PassRole',
        'imagebuilder:CreateComponent',
        'imagebuilder:CreateImageRecipe',
        'imagebuilder:CreateInfrastructureConfiguration',
        'imagebuilder:CreateImage',
      ],
    ],
    [
      'codedeploy-create-deployment',
      ['codedeploy:CreateDeployment', 'codedeploy:RegisterApplicationRevision', 'codedeploy:GetDeploymentConfig'],
    ],
    ['passrole-cognito-identity-pool', ['iam:PassRole', 'cognito-identity:SetIdentityPoolRoles']],
    [
      'passrole-bedrock-code-interpreter',
      [
        'iam:PassRole',
        'bedrock-agentcore:CreateCodeInterpreter',
        'bedrock-agentcore:StartCodeInterpreterSession',
        'bedrock-agentcore:InvokeCodeInterpreter',
      ],
    ],
    [
      'bedrock-code-interpreter-session',
      ['bedrock-agentcore:StartCodeInterpreterSession', 'bedrock-agentcore:InvokeCodeInterpreter'],
    ],
    [
      'passrole-bedrock-agent-runtime',
      [
        'iam:PassRole',
        'bedrock-agentcore:CreateAgentRuntime',
        'bedrock-agentcore:CreateAgentRuntimeEndpoint',
        'bedrock-agentcore:CreateWorkloadIdentity',
        'bedrock-agentcore:InvokeAgentRuntimeCommand',
      ],
    ],
    ['bedrock-agent-runtime-command', ['bedrock-agentcore:InvokeAgentRuntimeCommand']],
    [
      'passrole-bedrock-browser',
      [
        'iam:PassRole',
        'bedrock-agentcore:CreateBrowser',
        'bedrock-agentcore:StartBrowserSession',
        'bedrock-agentcore:ConnectBrowserAutomationStream',
      ],
    ],
    [
      'bedrock-browser-session',
      ['bedrock-agentcore:StartBrowserSession', 'bedrock-agentcore:ConnectBrowserAutomationStream'],
    ],
  ];

  it('specifies every path in the table below, with the same actions', () => {
    expect(ESCALATION_PATHS.map((p) => [p.id, p.actions])).toEqual(SPECIFIED.map(([id, actions]) => [id, actions]));
  });

  it('gives every path a unique kebab-case id', () => {
    const ids = ESCALATION_PATHS.map((p) => p.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(ids.filter((id) => !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id))).toEqual([]);
  });

  it.each(SPECIFIED)('finds %s for a principal holding exactly %j', (id, actions) => {
    const findings = run(rule, { principals: [{ name: 'p', policies: [doc(allow([...actions]))] }] });
    expect(pathIds(findings, 'p')).toContain(id);
    expect(about(findings, 'p')[0].severity).toBe('high');
  });

  const withOneMissing = SPECIFIED.filter(([, actions]) => actions.length > 1).flatMap(([id, actions]) =>
    actions.map((missing) => [id, missing, actions.filter((a) => a !== missing)] as const),
  );

  it.each(withOneMissing)('does not find %s without %s', (id, _missing, rest) => {
    const findings = run(rule, { principals: [{ name: 'p', policies: [doc(allow([...rest]))] }] });
    expect(pathIds(findings, 'p')).not.toContain(id);
  });

  it('finds the override form of ECS RunTask even without a task definition of its own', () => {
    const findings = run(rule, {
      principals: [{ name: 'p', policies: [doc(allow(['iam:PassRole', 'ecs:RunTask']))] }],
    });
    expect(pathIds(findings, 'p')).toEqual(['passrole-ecs-run-task-override']);
  });

  it('finds a trust-policy rewrite without sts:AssumeRole, and both forms with it', () => {
    const rewrite = run(rule, { principals: [{ name: 'p', policies: [doc(allow('iam:UpdateAssumeRolePolicy'))] }] });
    expect(pathIds(rewrite, 'p')).toEqual(['update-assume-role-policy-naming-self']);
    const both = run(rule, {
      principals: [{ name: 'p', policies: [doc(allow(['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole']))] }],
    });
    expect(pathIds(both, 'p')).toEqual(['update-assume-role-policy', 'update-assume-role-policy-naming-self']);
  });

  it('needs every action of a path: PassRole alone is not passrole-ec2', () => {
    const findings = run(rule, { principals: [{ name: 'p', policies: [doc(allow('iam:PassRole'))] }] });
    expect(findings).toEqual([]);
  });

  it('finds create-access-key for a user allowed it on every user', () => {
    const policy = doc(allow('iam:CreateAccessKey', 'arn:aws:iam::111122223333:user/*'));
    const findings = run(rule, { principals: [{ name: 'helpdesk', kind: 'user', policies: [policy] }] });
    expect(pathIds(findings, 'helpdesk')).toContain('create-access-key');
  });

  it('does not find create-access-key when a user may only rotate its own keys', () => {
    const policy = doc(allow('iam:CreateAccessKey', 'arn:aws:iam::111122223333:user/${aws:username}'));
    const findings = run(rule, { principals: [{ name: 'self-service', kind: 'user', policies: [policy] }] });
    expect(pathIds(findings, 'self-service')).not.toContain('create-access-key');
  });

  it('reports PassRole scoped to one role as medium (depends on the resource)', () => {
    const policy = doc(allow('iam:PassRole', 'arn:aws:iam::111122223333:role/worker'), allow('ec2:RunInstances'));
    const [finding] = run(rule, { principals: [{ name: 'launcher', policies: [policy] }] });
    expect(finding.severity).toBe('medium');
  });

  it('shows the enabling statements as evidence', () => {
    const [finding] = run(rule, { principals: [{ name: 'p', policies: [doc(allow('iam:CreatePolicyVersion'))] }] });
    expect(finding.evidence[0]).toMatchObject({ policyKind: 'inline', statementIndex: 0 });
  });

  it('says nothing about a read-only principal', () => {
    expect(run(rule, { principals: [{ name: 'r', policies: [doc(allow(['iam:Get*', 'iam:List*']))] }] })).toEqual([]);
  });
});
