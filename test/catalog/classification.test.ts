// The destructive classification over the real reference data, pinned with named actions.
import { CLASSIFICATION_OVERRIDES, CLASSIFICATION_RULES, loadCatalog, type DestructiveClass } from '../../lib/catalog';

const catalog = loadCatalog();

function classesOf(action: string): readonly DestructiveClass[] {
  const entry = catalog.get(action);
  if (!entry) throw new Error(`${action} is not in the catalog`);
  return entry.classes;
}

describe('destructive classes of named actions', () => {
  it.each<[string, DestructiveClass[]]>([
    // delete
    ['ec2:TerminateInstances', ['delete']],
    ['route53:DeleteHostedZone', ['delete']],
    ['rds:DeleteDBInstance', ['delete']],
    ['rds:DeleteDBCluster', ['delete']],
    ['lambda:DeleteFunction', ['delete']],
    ['dynamodb:DeleteTable', ['delete']],
    ['s3:DeleteBucket', ['delete']],
    ['s3:DeleteObject', ['delete']],
    ['ecr:BatchDeleteImage', ['delete']],
    ['cognito-idp:AdminDeleteUser', ['delete']],
    ['dynamodb:PartiQLDelete', ['delete']],
    ['qldb:PartiQLDropTable', ['delete']],
    ['es:ESHttpDelete', ['delete']],
    ['personalize:CreateDataDeletionJob', ['delete']],
    ['s3:ReplicateDelete', ['delete']],
    ['sqs:PurgeQueue', ['delete']],
    ['ec2:DeregisterImage', ['delete']],
    ['ec2:ReleaseAddress', ['delete']],
    ['ec2:CancelSpotFleetRequests', ['delete']],
    ['s3:PutLifecycleConfiguration', ['delete']],
    ['logs:PutRetentionPolicy', ['delete']],
    ['ecr:PutLifecyclePolicy', ['delete']],
    ['dynamodb:UpdateTimeToLive', ['delete']],
    ['cloudformation:DeleteStack', ['delete']],
    ['waf:DeleteWebACL', ['delete']],
    ['secretsmanager:RemoveRegionsFromReplication', ['delete']],
    ['kms:ScheduleKeyDeletion', ['delete', 'tamper']],
    ['organizations:CloseAccount', ['delete', 'tamper']],
    ['cloudtrail:DeleteTrail', ['delete', 'tamper']],
    ['backup:DeleteRecoveryPoint', ['delete', 'tamper']],
    ['backup:DeleteBackupVault', ['delete', 'tamper']],
    ['guardduty:DeleteDetector', ['delete', 'tamper']],
    ['neptune-graph:ResetGraph', ['delete', 'recreate']],
    // recreate
    // ... and execute: CloudFormation carries the change out with the stack's service role
    ['cloudformation:UpdateStack', ['recreate', 'execute']],
    ['cloudformation:ExecuteChangeSet', ['recreate', 'execute']],
    ['cloudformation:UpdateStackSet', ['recreate', 'execute']],
    ['ec2:ReplaceRoute', ['recreate']],
    ['ec2:CreateReplaceRootVolumeTask', ['recreate']],
    ['autoscaling:StartInstanceRefresh', ['recreate']],
    ['rds:ResetDBParameterGroup', ['recreate']],
    ['workspaces:RebuildWorkspaces', ['recreate']],
    ['workspaces:RestoreWorkspace', ['recreate']],
    ['ds:RestoreFromSnapshot', ['recreate']],
    ['fsx:RestoreVolumeFromSnapshot', ['recreate']],
    ['elasticbeanstalk:RebuildEnvironment', ['recreate']],
    // tamper
    ['iam:TagRole', ['tamper']],
    ['iam:UntagRole', ['tamper']],
    ['ec2:CreateTags', ['tamper']],
    ['ec2:DeleteTags', ['tamper']],
    ['rds:RemoveTagsFromResource', ['tamper']],
    ['organizations:UpdatePolicy', ['tamper']],
    ['organizations:DetachPolicy', ['tamper']],
    ['organizations:DeletePolicy', ['delete', 'tamper']],
    ['organizations:DisablePolicyType', ['tamper']],
    ['organizations:LeaveOrganization', ['tamper']],
    ['organizations:MoveAccount', ['tamper']],
    ['cloudtrail:StopLogging', ['tamper']],
    // switching attribute-based access control off turns every tag condition off for the resource
    ['s3:PutBucketAbac', ['tamper']],
    ['dynamodb:UpdateAbacStatus', ['tamper']],
    ['cloudtrail:UpdateTrail', ['tamper']],
    ['cloudtrail:PutEventSelectors', ['tamper']],
    ['config:StopConfigurationRecorder', ['tamper']],
    ['config:DeleteConfigurationRecorder', ['delete', 'tamper']],
    ['guardduty:UpdateDetector', ['tamper']],
    ['securityhub:DisableSecurityHub', ['tamper']],
    ['backup:UpdateRecoveryPointLifecycle', ['tamper']],
    ['backup:DeleteBackupPlan', ['delete', 'tamper']],
    ['s3:BypassGovernanceRetention', ['tamper']],
    ['cloudformation:SetStackPolicy', ['tamper']],
    ['cloudformation:UpdateTerminationProtection', ['tamper']],
    ['ec2:DisableImageDeregistrationProtection', ['tamper']],
    ['logs:PutLogGroupDeletionProtection', ['tamper']],
    ['dynamodb:UpdateContinuousBackups', ['tamper']],
    // a shorter backup retention, hidden in a general modify call, deletes the backups outside it
    ['rds:ModifyDBInstance', ['tamper']],
    ['rds:ModifyDBCluster', ['tamper']],
    ['redshift:ModifyCluster', ['tamper']],
    ['elasticache:ModifyReplicationGroup', ['tamper']],
    // a protection or retention switch hidden in a general call: the next delete, or time, is final
    ['s3:PutBucketVersioning', ['tamper']],
    ['dynamodb:UpdateTable', ['tamper']],
    ['ec2:UnlockSnapshot', ['tamper']],
    ['rbin:UnlockRule', ['tamper']],
    ['elasticfilesystem:UpdateFileSystemProtection', ['tamper']],
    ['kinesis:DecreaseStreamRetentionPeriod', ['delete']],
    ['sqs:SetQueueAttributes', ['delete']],
    // a DeleteRequest in a batch, or a CQL DELETE, is authorised as the batch or Modify alone
    ['dynamodb:BatchWriteItem', ['delete']],
    ['dax:BatchWriteItem', ['delete']],
    ['cassandra:Modify', ['delete']],
    // a delete under another name: a static IP released, package assets disposed, keys removed by a batch
    ['lightsail:ReleaseStaticIp', ['delete']],
    ['codeartifact:DisposePackageVersions', ['delete']],
    ['cloudfront-keyvaluestore:UpdateKeys', ['delete']],
    ['route53domains:DisableDomainTransferLock', ['tamper']],
    ['elasticbeanstalk:UpdateApplicationResourceLifecycle', ['delete']],
    ['redshift:ModifyClusterSnapshotSchedule', ['tamper']],
    ['wickr:UpdateDataRetention', ['delete']],
    ['rds:BacktrackDBCluster', ['recreate']],
    ['route53domains:TransferDomainToAnotherAwsAccount', ['delete']],
    ['kms:DisableKey', ['tamper']],
    ['kms:PutKeyPolicy', ['tamper']],
    // a resource-based policy can hold the Deny that keeps a production resource safe: removing or
    // overwriting it takes that Deny away (Permissions management, and Write where the service files it so)
    ['s3:DeleteBucketPolicy', ['tamper']],
    ['s3:PutBucketPolicy', ['tamper']],
    ['dynamodb:PutResourcePolicy', ['tamper']],
    ['secretsmanager:DeleteResourcePolicy', ['tamper']],
    ['ecr:SetRepositoryPolicy', ['tamper']],
    ['elasticfilesystem:DeleteFileSystemPolicy', ['tamper']],
    ['kinesis:PutResourcePolicy', ['tamper']],
    ['kinesis:DeleteResourcePolicy', ['delete', 'tamper']],
    ['backup:DeleteBackupVaultAccessPolicy', ['tamper']],
    // escalate
    ['iam:CreatePolicyVersion', ['escalate']],
    ['iam:SetDefaultPolicyVersion', ['escalate']],
    ['iam:AttachUserPolicy', ['escalate']],
    ['iam:AttachGroupPolicy', ['escalate']],
    ['iam:AttachRolePolicy', ['escalate']],
    ['iam:PutUserPolicy', ['escalate']],
    ['iam:PutGroupPolicy', ['escalate']],
    ['iam:PutRolePolicy', ['escalate']],
    ['iam:PassRole', ['escalate']],
    ['iam:UpdateAssumeRolePolicy', ['escalate']],
    ['iam:CreateAccessKey', ['escalate']],
    ['iam:CreateLoginProfile', ['escalate']],
    ['iam:UpdateLoginProfile', ['escalate']],
    ['iam:AddUserToGroup', ['escalate']],
    ['iam:PutRolePermissionsBoundary', ['tamper', 'escalate']],
    ['iam:DeleteRolePermissionsBoundary', ['tamper', 'escalate']],
    ['iam:PutUserPermissionsBoundary', ['tamper', 'escalate']],
    ['iam:DeleteUserPermissionsBoundary', ['tamper', 'escalate']],
    ['sso:DeletePermissionsBoundaryFromPermissionSet', ['tamper', 'escalate']],
    ['lambda:UpdateFunctionCode', ['escalate']],
    // a layer of the caller's runs with the function's role, as new code would
    ['lambda:UpdateFunctionConfiguration', ['escalate']],
    // user data runs at the next start with the instance profile (and termination protection can go);
    // a new template version with the next launch
    ['ec2:ModifyInstanceAttribute', ['tamper', 'escalate']],
    ['ec2:CreateLaunchTemplateVersion', ['escalate']],
    ['glue:UpdateDevEndpoint', ['escalate']],
    // execute: code or commands run with another principal's permissions
    ['ssm:SendCommand', ['execute']],
    ['ssm:StartSession', ['execute']],
    ['ssm:CreateAssociation', ['execute']],
    ['ssm:StartAutomationExecution', ['execute']],
    ['ecs:ExecuteCommand', ['execute']],
    ['ecs:RunTask', ['execute']],
    ['lambda:InvokeFunction', ['execute']],
    ['states:StartExecution', ['execute']],
    ['codebuild:StartBuild', ['execute']],
    ['cloudformation:CreateStack', ['execute']],
    ['ec2-instance-connect:SendSSHPublicKey', ['execute']],
    ['rds-data:ExecuteStatement', ['execute']],
    // API Gateway's control plane is named after HTTP verbs
    ['apigateway:DELETE', ['delete']],
    ['apigateway:PUT', ['recreate']],
    ['apigateway:PATCH', ['recreate']],
  ])('%s is %j', (action, expected) => {
    expect(classesOf(action)).toEqual(expected);
  });
});

describe('actions that are not destructive', () => {
  it.each([
    // reads and lists, including Delete-ish names
    'ec2:DescribeInstances',
    's3:GetObject',
    'iam:GetServiceLinkedRoleDeletionStatus',
    'sso:DescribeAccountAssignmentDeletionStatus',
    'personalize:ListDataDeletionJobs',
    'autoscaling:DescribeTerminationPolicyTypes',
    'elasticmapreduce:GetAutoTerminationPolicy',
    // creating new things, including restores to a new resource and undeletes
    'ec2:RunInstances',
    // a new template is used by nothing yet (launching from it needs iam:PassRole for its profile)
    'ec2:CreateLaunchTemplate',
    'iam:CreateRole',
    // a change set is a proposal until executed; scaling runs nobody's code
    'cloudformation:CreateChangeSet',
    'autoscaling:ExecutePolicy',
    'apigateway:GET',
    'rds:RestoreDBInstanceFromDBSnapshot',
    'rds:RestoreDBInstanceToPointInTime',
    'rds:RestoreDBClusterFromSnapshot',
    'dynamodb:RestoreTableFromBackup',
    'dynamodb:RestoreTableToPointInTime',
    'redshift:RestoreFromClusterSnapshot',
    'secretsmanager:RestoreSecret',
    'ec2:RestoreSnapshotFromRecycleBin',
    's3:RestoreObject',
    'cassandra:Restore',
    'cloudtrail:RestoreEventDataStore',
    // normal operations that only look destructive
    'sqs:DeleteMessage',
    'cloudformation:DeleteChangeSet',
    'iam:RemoveUserFromGroup',
    'iam:RemoveRoleFromInstanceProfile',
    'ds:ResetUserPassword',
    'lightsail:ResetDistributionCache',
    'ec2:StopInstances',
    'sts:AssumeRole',
    'cloudformation:CreateChangeSet',
    'cloudtrail:StartLogging',
    'iam:UpdateAccessKey',
    'elasticfilesystem:PutLifecycleConfiguration',
    'ec2:EnableImageDeregistrationProtection',
    'kms:CancelKeyDeletion',
    'kinesis:IncreaseStreamRetentionPeriod',
    'iam:GetRolePolicy',
    // policies that configure a resource rather than say who may touch it
    'autoscaling:PutScalingPolicy',
    'logs:PutDataProtectionPolicy',
    'mediastore:PutCorsPolicy',
  ])('%s has no destructive class', (action) => {
    expect(classesOf(action)).toEqual([]);
  });

  it('gives no Read or List action a destructive class', () => {
    const offenders = catalog.destructive
      .filter((action) => action.accessLevel === 'Read' || action.accessLevel === 'List')
      .map((action) => action.action);
    expect(offenders).toEqual([]);
  });

  it('classifies every Tagging action as tamper and never as delete, but session tags', () => {
    const tagging = catalog.actions.filter((action) => action.accessLevel === 'Tagging');
    expect(tagging.length).toBeGreaterThan(500);
    // sts:TagSession labels the session being created: no tag of the role or of any resource changes.
    expect(tagging.filter((action) => !action.classes.includes('tamper')).map((a) => a.action)).toEqual([
      'sts:TagSession',
    ]);
    expect(tagging.filter((action) => action.classes.includes('delete')).map((a) => a.action)).toEqual([]);
  });
});

describe('where aws:ResourceTag support comes from', () => {
  it.each([
    ['ec2:TerminateInstances', 'action'],
    ['ec2:DeregisterImage', 'action'],
    ['rds:DeleteDBInstance', 'resource-type'],
    ['lambda:DeleteFunction', 'resource-type'],
    ['dynamodb:DeleteTable', 'resource-type'],
    ['s3:DeleteBucket', 'resource-type'],
    ['route53:DeleteHostedZone', 'none'],
    ['organizations:LeaveOrganization', 'none'],
  ])('%s: %s', (action, tagSupport) => {
    const entry = catalog.get(action);
    expect(entry?.tagSupport).toBe(tagSupport);
    expect(entry?.tagAware).toBe(tagSupport !== 'none');
  });

  it('keeps the ARN template and the resource-type condition keys of rds:DeleteDBInstance', () => {
    const db = catalog.get('rds:DeleteDBInstance')?.resourceTypes.find((type) => type.name === 'db');
    expect(db?.arnTemplate).toBe('arn:${Partition}:rds:${Region}:${Account}:db:${DbInstanceName}');
    expect(db?.required).toBe(true);
    expect(db?.conditionKeys).toContain('aws:ResourceTag/${TagKey}');
  });
});

describe('explanations', () => {
  it('gives every destructive action one reason per class', () => {
    const unexplained = catalog.destructive.filter((action) =>
      action.classes.some((cls) => !action.classReasons.some((reason) => reason.startsWith(`${cls}: `))),
    );
    expect(unexplained.map((action) => action.action)).toEqual([]);
  });

  it('names the rule that made ec2:TerminateInstances a delete', () => {
    expect(catalog.get('ec2:TerminateInstances')?.classReasons).toEqual([
      expect.stringMatching(/^delete: rule delete\.verb: /),
    ]);
  });

  it('names the override that took delete off sqs:DeleteMessage', () => {
    expect(catalog.get('sqs:DeleteMessage')?.classReasons).toEqual([
      expect.stringMatching(/^not delete: override: .*acknowledge/),
    ]);
  });
});

describe('rules and overrides stay in step with the data', () => {
  it.each(CLASSIFICATION_OVERRIDES.map((entry) => [entry.action, entry]))(
    'override %s names an action that exists and changes its classes',
    (_name, entry) => {
      const action = catalog.get(entry.action);
      expect(action).toBeDefined();
      for (const cls of entry.add ?? []) expect(action?.classes).toContain(cls);
      for (const cls of entry.remove ?? []) expect(action?.classes).not.toContain(cls);
      // A removal must undo something a rule did, and an addition must add what no rule gives; otherwise
      // the override is stale.
      for (const cls of entry.remove ?? []) {
        expect(action?.classReasons).toContain(`not ${cls}: override: ${entry.reason}`);
      }
      for (const cls of entry.add ?? []) {
        expect(action?.classReasons.filter((reason) => reason.startsWith(`${cls}: rule `))).toEqual([]);
      }
    },
  );

  it.each(CLASSIFICATION_RULES.map((rule) => [rule.id]))('rule %s still matches at least one action', (id) => {
    const matched = catalog.destructive.some((action) =>
      action.classReasons.some((reason) => reason.includes(` rule ${id}: `)),
    );
    expect(matched).toBe(true);
  });

  it('gives every rule a unique id that starts with its class', () => {
    const ids = CLASSIFICATION_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of CLASSIFICATION_RULES) expect(rule.id.startsWith(`${rule.class}.`)).toBe(true);
  });
});
