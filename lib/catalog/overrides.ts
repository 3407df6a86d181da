// The few actions the classification rules get wrong, each with the reason. Keep this list short: a new
// pattern belongs in classification-rules.ts. A test fails when an entry names an action the data lacks.
import type { ClassificationOverride } from './classification';

export const CLASSIFICATION_OVERRIDES: readonly ClassificationOverride[] = [
  {
    action: 'sts:TagSession',
    remove: ['tamper'],
    reason:
      'session tags label the session being created (aws:RequestTag is the session tag); no tag of the role or of any resource changes',
  },
  {
    action: 'organizations:CloseAccount',
    add: ['delete', 'tamper'],
    reason: 'closing a member account ends every resource in it and takes it out of the organization',
  },
  {
    action: 'account:CloseAccount',
    add: ['delete'],
    reason: 'closing the account ends every resource in it',
  },
  {
    action: 'elasticfilesystem:PutLifecycleConfiguration',
    remove: ['delete'],
    reason: 'EFS lifecycle rules only move files between storage classes; they never delete',
  },
  {
    action: 'dynamodb:UpdateContinuousBackups',
    add: ['tamper'],
    reason: 'turning off point-in-time recovery deletes the continuous backups of the table',
  },
  // Retention settings hidden in a general modify call: a shorter retention (or 0, which turns automated
  // backups off) deletes the automated backups or snapshots that fall outside it, at once or at the next cycle.
  ...(
    [
      ['rds:ModifyDBInstance', 'BackupRetentionPeriod'],
      ['rds:ModifyDBCluster', 'BackupRetentionPeriod'],
      ['redshift:ModifyCluster', 'AutomatedSnapshotRetentionPeriod'],
      ['lightsail:UpdateRelationalDatabase', 'disableBackupRetention'],
      ['elasticache:ModifyReplicationGroup', 'SnapshotRetentionLimit'],
      ['elasticache:ModifyCacheCluster', 'SnapshotRetentionLimit'],
      ['memorydb:UpdateCluster', 'SnapshotRetentionLimit'],
      ['docdb-elastic:UpdateCluster', 'backupRetentionPeriod'],
      ['fsx:UpdateFileSystem', 'AutomaticBackupRetentionDays'],
    ] as const
  ).map(([action, setting]): ClassificationOverride => ({
    action,
    add: ['tamper'],
    reason: `a shorter ${setting} (or turning backups off) deletes the automated backups outside the new retention`,
  })),
  // Protection and retention switches the rules cannot see in the action name: turned off or shortened, the
  // next delete (or the passing of time) is final.
  ...(
    [
      [
        's3:PutBucketVersioning',
        'suspending versioning (or turning MFA delete off) makes every later overwrite and delete of an object final',
      ],
      [
        's3-outposts:PutBucketVersioning',
        'suspending versioning makes every later overwrite and delete of an object final',
      ],
      [
        's3:PutBucketObjectLockConfiguration',
        'removing or shortening the default Object Lock retention leaves new object versions deletable at once',
      ],
      ['s3:PutObjectLegalHold', 'releasing a legal hold (Status OFF) lets the object version be deleted'],
      [
        'elasticfilesystem:PutBackupPolicy',
        'Status DISABLED stops the automatic AWS Backup backups of the file system',
      ],
      [
        'elasticfilesystem:UpdateFileSystemProtection',
        'ReplicationOverwriteProtection DISABLED lets a replication overwrite the whole file system',
      ],
      [
        'redshift:ModifySnapshotCopyRetentionPeriod',
        'a shorter retention deletes the copied snapshots in the destination Region that fall outside it',
      ],
      [
        'redshift:DisableSnapshotCopy',
        'stops the cross-Region snapshot copies that are the way back after a Regional loss',
      ],
      [
        'redshift:ModifyClusterSnapshot',
        'a shorter ManualSnapshotRetentionPeriod (with Force) deletes the manual snapshot',
      ],
      ['rds:StopDBInstanceAutomatedBackupsReplication', 'stops the cross-Region replication of automated backups'],
      [
        'rbin:UpdateRule',
        'a shorter retention period or narrower resource tags lets deleted snapshots and AMIs go for good',
      ],
      [
        'cloudhsm:ModifyBackupAttributes',
        'NeverExpires false puts the backup under the retention policy, which deletes it',
      ],
      [
        'dynamodb:UpdateTable',
        'DeletionProtectionEnabled false removes the safety catch on the table (its replicas too)',
      ],
      [
        'ec2:ModifyInstanceAttribute',
        'DisableApiTermination false removes termination protection, and InstanceInitiatedShutdownBehavior terminate makes a shutdown delete the instance',
      ],
    ] as const
  ).map(([action, reason]): ClassificationOverride => ({ action, add: ['tamper'], reason })),
  {
    action: 'rds:BacktrackDBCluster',
    add: ['recreate'],
    reason:
      'rewinds the Aurora cluster in place to an earlier time (no new cluster): what was written since is gone once new writes follow',
  },
  {
    action: 'timestream:UpdateTable',
    add: ['delete'],
    reason: 'a shorter memory or magnetic store retention deletes the records older than it',
  },
  {
    action: 'route53domains:DisableDomainAutoRenew',
    add: ['tamper'],
    reason: 'a registration that is not renewed expires, and the domain (with every name under it) can be lost',
  },
  {
    action: 'route53domains:TransferDomainToAnotherAwsAccount',
    add: ['delete'],
    reason: 'the domain leaves the account: its registration, and control of every name under it, go with it',
  },
  {
    action: 'kinesisvideo:UpdateDataRetention',
    add: ['delete'],
    reason: 'DECREASE_DATA_RETENTION deletes the fragments older than the new retention period',
  },
  // Batch and statement writes that delete items as well as write them: IAM sees only the batch action, never
  // the DeleteItem it carries, so without them the deny on dynamodb:DeleteItem is one call deep.
  {
    action: 'dynamodb:BatchWriteItem',
    add: ['delete'],
    reason: 'a DeleteRequest in the batch deletes the item, authorised as BatchWriteItem alone',
  },
  {
    action: 'dax:BatchWriteItem',
    add: ['delete'],
    reason: 'a DeleteRequest in the batch deletes the item, authorised as BatchWriteItem alone',
  },
  {
    action: 'cassandra:Modify',
    add: ['delete'],
    reason: 'a CQL DELETE (and an INSERT or UPDATE with a TTL) deletes rows, authorised as Modify like every write',
  },
  {
    action: 'cassandra:ModifyMultiRegionResource',
    add: ['delete'],
    reason: 'a CQL DELETE deletes rows of the multi-Region table, authorised as this like every write',
  },
  {
    action: 'sqs:SetQueueAttributes',
    add: ['delete'],
    reason: 'a shorter MessageRetentionPeriod deletes the messages already older than it',
  },
  {
    action: 's3tables:PutTableRecordExpirationConfiguration',
    add: ['delete'],
    reason: 'record expiration deletes the table records older than the configured period, later and unattended',
  },
  {
    action: 'sqs:DeleteMessage',
    remove: ['delete'],
    reason:
      'deleting a received message is how a consumer acknowledges it (DeleteMessageBatch too); the queue is untouched',
  },
  {
    action: 'cloudformation:DeleteChangeSet',
    remove: ['delete'],
    reason: 'a change set is a proposal; deleting it changes no resource',
  },
  {
    action: 'ec2:ReleaseAddress',
    add: ['delete'],
    reason: 'a released Elastic IP address is gone for good; DNS and allow-lists pointing at it break',
  },
  // Recovery and retention settings found by sweeping unclassed writes whose description names retention,
  // snapshots, backups or locks: the setting, not the call's name, decides what a later day destroys.
  {
    action: 'elasticbeanstalk:UpdateApplicationResourceLifecycle',
    add: ['delete'],
    reason: 'a version lifecycle rule deletes older application versions, and their source bundles in S3 when asked',
  },
  {
    action: 'glacier:AbortVaultLock',
    add: ['tamper'],
    reason: 'aborting a vault lock that is not yet final drops the retention it was about to make permanent',
  },
  {
    action: 'redshift:ModifyClusterSnapshotSchedule',
    add: ['tamper'],
    reason: "detaching or changing a cluster's snapshot schedule stops or thins its automated snapshots",
  },
  {
    action: 'redshift:ModifySnapshotSchedule',
    add: ['tamper'],
    reason: 'a snapshot schedule rewritten to run rarely thins the snapshots of every cluster that uses it',
  },
  {
    action: 'storagegateway:UpdateSnapshotSchedule',
    add: ['tamper'],
    reason: "a gateway volume's snapshot schedule decides how far back it can be recovered",
  },
  {
    action: 'redshift-serverless:UpdateSnapshotCopyConfiguration',
    add: ['tamper'],
    reason: 'a shorter retention of cross-Region snapshot copies deletes the copies outside it',
  },
  {
    action: 'chime:PutRetentionSettings',
    add: ['delete'],
    reason: 'a retention period deletes the messages older than it',
  },
  {
    action: 'chime:PutAppInstanceRetentionSettings',
    add: ['delete'],
    reason: 'a retention period deletes the channel messages older than it',
  },
  {
    action: 'wickr:UpdateDataRetention',
    add: ['delete'],
    reason: 'a shorter data retention deletes the messages older than it',
  },
  {
    action: 'ssm-sap:UpdateHANABackupSettings',
    add: ['tamper'],
    reason: 'it changes how a HANA database is backed up, and so whether it can be recovered',
  },
  {
    action: 'route53domains:DisableDomainTransferLock',
    add: ['tamper'],
    reason:
      'the transfer lock is what stops the domain being transferred to another registrar, and with it every name under it',
  },
  {
    action: 'lightsail:ReleaseStaticIp',
    add: ['delete'],
    reason: 'a released Lightsail static IP is gone for good, like an Elastic IP; DNS pointing at it breaks',
  },
  {
    action: 'codeartifact:DisposePackageVersions',
    add: ['delete'],
    reason: 'disposing package versions deletes their assets, as DeletePackageVersions does; only the listing stays',
  },
  {
    action: 'cloudfront-keyvaluestore:UpdateKeys',
    add: ['delete'],
    reason: 'its Deletes list removes keys, as DeleteKey does, in the same call that puts others',
  },

  {
    action: 'ec2:CancelSpotFleetRequests',
    add: ['delete'],
    reason: 'with TerminateInstances=true, cancelling a Spot Fleet terminates every instance it launched',
  },
  {
    action: 'neptune-db:ResetDatabase',
    add: ['delete'],
    reason: 'a fast reset deletes all data in the Neptune cluster',
  },
  {
    action: 'neptune-graph:ResetGraph',
    add: ['delete'],
    reason: 'resetting a graph deletes all data within it',
  },
  {
    action: 'fsx:RestoreVolumeFromSnapshot',
    add: ['recreate'],
    reason: 'restores the existing volume in place to the snapshot, discarding later changes (not restore-to-new)',
  },
  {
    action: 'cassandra:Restore',
    remove: ['recreate'],
    reason: 'Keyspaces restores a backup into a new table; the source table is untouched',
  },
  {
    action: 'cassandra:RestoreMultiRegionTable',
    remove: ['recreate'],
    reason: 'Keyspaces restores a backup into a new table; the source table is untouched',
  },
  {
    action: 'cloudhsm:RestoreBackup',
    remove: ['recreate'],
    reason: 'restores a backup that is pending deletion, i.e. cancels its deletion',
  },
  {
    action: 'cloudtrail:RestoreEventDataStore',
    remove: ['recreate'],
    reason: 'restores an event data store that is pending deletion, i.e. cancels its deletion',
  },
  {
    action: 'chime:RestorePhoneNumber',
    remove: ['recreate'],
    reason: 'moves a phone number back from the deletion queue (the reference misspells "deletion")',
  },

  {
    action: 'secretsmanager:RemoveRegionsFromReplication',
    add: ['delete'],
    reason:
      'deletes the replica secrets in the removed Regions (the rules read Remove...From... as a membership change)',
  },

  {
    action: 'apigateway:DELETE',
    add: ['delete'],
    reason:
      'API Gateway names its control-plane actions after HTTP verbs: DELETE deletes an API, stage, deployment, key or any other API Gateway resource',
  },
  {
    action: 'apigateway:PUT',
    add: ['recreate'],
    reason:
      'PUT replaces a definition wholesale (importing over a REST API in overwrite mode, a method, an integration or a gateway response)',
  },
  {
    action: 'apigateway:PATCH',
    add: ['recreate'],
    reason:
      'PATCH rewrites the configuration of an existing API Gateway resource: the deployment a stage serves, its integrations, authorizers and logging',
  },
  {
    action: 'autoscaling:ExecutePolicy',
    remove: ['execute'],
    reason: "runs a scaling policy: it changes the group's capacity but runs no code of anyone's",
  },
  {
    action: 's3:ReplicateDelete',
    add: ['delete'],
    reason: 'replicates deletions (delete markers) into the destination bucket; whoever holds it can delete there',
  },
];
