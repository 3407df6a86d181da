// Settings that destroy data or remove a safety catch, hidden in calls whose names do not say so:
// s3:PutBucketVersioning (Suspended), dynamodb:UpdateTable (DeletionProtectionEnabled=false),
// ec2:ModifyInstanceAttribute (DisableApiTermination=false), sqs:SetQueueAttributes (a shorter
// MessageRetentionPeriod), kinesis:DecreaseStreamRetentionPeriod... The production deny must stop them for
// everyone not exempt, while the same call on other resources stays open. Decided by the simulator.
import type { DestructiveClass } from '../../lib/catalog';
import { catalog, defaultGuardrails, PRODUCTION_DENY_STATES, simulatedDecision } from './simulated-defaults';

const guardrails = defaultGuardrails();

const HIDDEN: [string, DestructiveClass][] = [
  ['s3:PutBucketVersioning', 'tamper'],
  ['s3:PutBucketObjectLockConfiguration', 'tamper'],
  ['s3:PutObjectLegalHold', 'tamper'],
  ['dynamodb:UpdateTable', 'tamper'],
  ['ec2:ModifyInstanceAttribute', 'tamper'],
  ['ec2:UnlockSnapshot', 'tamper'],
  ['rbin:UnlockRule', 'tamper'],
  ['rbin:UpdateRule', 'tamper'],
  ['elasticfilesystem:PutBackupPolicy', 'tamper'],
  ['elasticfilesystem:UpdateFileSystemProtection', 'tamper'],
  ['redshift:ModifySnapshotCopyRetentionPeriod', 'tamper'],
  ['redshift:DisableSnapshotCopy', 'tamper'],
  ['redshift:ModifyClusterSnapshot', 'tamper'],
  ['rds:StopDBInstanceAutomatedBackupsReplication', 'tamper'],
  ['cloudhsm:ModifyBackupAttributes', 'tamper'],
  ['kinesis:DecreaseStreamRetentionPeriod', 'delete'],
  ['kinesisvideo:UpdateDataRetention', 'delete'],
  ['sqs:SetQueueAttributes', 'delete'],
  ['s3tables:PutTableRecordExpirationConfiguration', 'delete'],
  ['timestream:UpdateTable', 'delete'],
  ['rds:BacktrackDBCluster', 'recreate'],
  // deletes carried by a batch or statement write that IAM sees as the write alone
  ['dynamodb:BatchWriteItem', 'delete'],
  ['cassandra:Modify', 'delete'],
  ['lightsail:ReleaseStaticIp', 'delete'],
  ['redshift:ModifyClusterSnapshotSchedule', 'tamper'],
  ['elasticbeanstalk:UpdateApplicationResourceLifecycle', 'delete'],
];
const cases = HIDDEN.flatMap(([name, cls]) => PRODUCTION_DENY_STATES.map(([r, p, d]) => [name, cls, r, p, d] as const));

describe('protection and retention switches hidden in general calls, decided by the simulator', () => {
  it.each(cases)('%s (%s) on a %s resource for the %s role is %s', (name, cls, resource, principal, expected) => {
    const action = catalog.get(name);
    expect(action?.classes).toContain(cls);
    const outcome = simulatedDecision(guardrails(), name, resource, principal);
    expect(outcome).toEqual({ decision: expected });
  });

  it('reports each of them as protected for everyone by the SCP tag condition', () => {
    const byAction = new Map(guardrails().coverage.actions.map((entry) => [entry.action, entry]));
    const unprotected = HIDDEN.map(([name]) => byAction.get(name)).filter(
      (entry) => !entry?.protectedForEveryone || !entry.enforcement.includes('scp-tag-condition'),
    );
    expect(unprotected).toEqual([]);
  });
});
