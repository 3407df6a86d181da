// Destruction in place: settings whose change deletes data the resource keeps without deleting the resource
// (a retention cut, a lifecycle expiry, a TTL switched on) or removes what would bring it back (backups,
// point-in-time recovery, deletion protection). One table of settings, one rule.
import { loadResourceModel } from '../audit/sources/resource-spec';
import type { Finding, RuleMeta, Severity } from '../audit/rules/types';
import type { ProductionSelector } from '../guardrails/spec';
import type { LoadedStack } from './assembly';
import { changeHash } from './change-hash';
import { productionTagOf, resourceTags, sameTags } from './production-tag';
import type { ResourcePair } from './stack-pairs';
import { weakenedPolicies } from './retention-policies';
import { isStateful } from './stateful-types';
import type { CfnResource } from './template-file';

export const DATA_SETTING_RULE: RuleMeta = {
  id: 'data-destroying-setting',
  category: 'destructive-change',
  severity: 'critical',
  title: 'Deployment would destroy data in place, or switch off what recovers it',
  help:
    'Compares each resource with its deployed version for settings that delete kept data without deleting the ' +
    'resource (log, stream, queue, table and event retention cut; S3 or ECR lifecycle expiry added or shortened; ' +
    'DynamoDB TTL switched on) or that remove its recovery (backup or snapshot retention cut or off, point-in-time recovery ' +
    'off, deletion protection or termination protection off, versioning suspended, an Object Lock or Backup ' +
    "vault lock weakened, a KMS key disabled or its key policy's lockout check bypassed, a " +
    'weaker DeletionPolicy or UpdateReplacePolicy), or that take a resource out of production (its ' +
    'production tag removed: the first half of a deletion in two steps). Critical on production; elsewhere high for data ' +
    'destroyed and low for recovery switched off. A deliberate change needs a suppression naming the change, ' +
    'approved by two people.',
  docsUrl: 'https://github.com/agent-leash/agent-leash/blob/main/docs/ci.md#destruction-in-place',
};

type Kind = 'destroys' | 'recovery';
type Check = (before: Props, after: Props) => string | undefined;
type Props = Readonly<Record<string, unknown>>;

interface Setting {
  /** The top-level property it reads (for the visibility rule). */
  readonly property: string;
  readonly kind: Kind;
  readonly check: Check;
}

const FOREVER = Number.POSITIVE_INFINITY;

/** A number from a number or numeric string; `missing` when absent; NaN when unknown (an intrinsic). */
function numberAt(props: Props, path: string, missing: number): number {
  const value = path.split('.').reduce<unknown>((at, key) => (at as Props | undefined)?.[key], props);
  if (value === undefined || value === null) return missing;
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : Number.NaN;
}

function show(value: number, unit: string, absent: string): string {
  return value === FOREVER ? absent : amount(value, unit);
}

/** `1 day`, `2 days`: a count with its unit (given in the plural). */
function amount(value: number, unit: string): string {
  return `${value} ${value === 1 && unit.endsWith('s') ? unit.slice(0, -1) : unit}`;
}

/** A kept-data period that went down. */
function cut(path: string, missing: number, unit: string, absent = 'unlimited'): Check {
  return (before, after) => {
    const old = numberAt(before, path, missing);
    const next = numberAt(after, path, missing);
    if (Number.isNaN(old) || Number.isNaN(next) || next >= old) return undefined;
    return `${path} cut from ${show(old, unit, absent)} to ${show(next, unit, absent)}: older data is deleted`;
  };
}

/** Backups kept for fewer days, or none (0). */
function backupCut(path: string, missing: number): Check {
  return (before, after) => {
    const old = numberAt(before, path, missing);
    const next = numberAt(after, path, missing);
    if (Number.isNaN(old) || Number.isNaN(next) || next >= old) return undefined;
    return next === 0
      ? `${path} set to 0: automated backups are switched off and existing ones deleted`
      : `${path} cut from ${old} to ${amount(next, 'days')}: older backups are deleted`;
  };
}

/**
 * A CloudFormation Boolean as deployed: CloudFormation takes "True", "TRUE" and "true" alike, so a
 * capitalised value is on; an intrinsic (`{"Ref": "Flag"}`) or any other text is unknown.
 */
function booleanState(value: unknown): 'on' | 'off' | 'unknown' {
  if (value === true) return 'on';
  if (value === false || value === undefined || value === null) return 'off';
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'true') return 'on';
    if (text === 'false') return 'off';
  }
  return 'unknown';
}

function valueAt(props: Props, path: string): unknown {
  return path.split('.').reduce<unknown>((at, key) => (at as Props | undefined)?.[key], props);
}

/**
 * A protection that was on (or may have been: an intrinsic) and is not surely on now. Unchanged values are
 * no change, whatever they are.
 */
function switchedOff(path: string, what: string, on?: (value: unknown) => boolean): Check {
  return switchedOffBy(path, what, on ? (value: unknown) => (on(value) ? 'on' : 'off') : booleanState);
}

/** The protection at `path` changed from a state that is not surely off to one that is not surely on. */
function switchedOffBy(path: string, what: string, state: (value: unknown) => 'on' | 'off' | 'unknown'): Check {
  return (before, after) => {
    const old = valueAt(before, path);
    const next = valueAt(after, path);
    if (JSON.stringify(old) === JSON.stringify(next)) return undefined;
    return state(old) !== 'off' && state(next) !== 'on' ? `${what} switched off (${path})` : undefined;
  };
}

/**
 * KMS refuses a key policy that would leave the caller unable to change it again, unless told to skip that
 * check. Switched on (or on while the policy changes), nothing stops a policy that locks every principal out:
 * a key no one can manage cannot be recovered, nor the data encrypted under it if it is then disabled.
 */
function lockoutCheckBypassed(before: Props, after: Props): string | undefined {
  const bypass = booleanState(after.BypassPolicyLockoutSafetyCheck);
  if (bypass === 'off') return undefined;
  const policyChanged = JSON.stringify(before.KeyPolicy) !== JSON.stringify(after.KeyPolicy);
  const newlyOn = booleanState(before.BypassPolicyLockoutSafetyCheck) !== 'on';
  if (!policyChanged && !newlyOn) return undefined;
  return (
    `BypassPolicyLockoutSafetyCheck ${bypass === 'on' ? 'on' : 'unknown (taken as on)'}` +
    `${policyChanged ? ' while the KeyPolicy changes' : ''}: KMS no longer refuses a key policy that locks ` +
    'every principal out, and a key no one can manage cannot be recovered'
  );
}

/**
 * A check on each replica of a DynamoDB global table, matched by Region: a replica's own point-in-time recovery
 * and deletion protection are as much the table's as a single table's are. A replica removed is not judged here
 * (the table's other replicas keep the data).
 */
function perReplica(check: Check): Check {
  const replicas = (props: Props) => {
    const list = props.Replicas;
    const byRegion = new Map<string, Props>();
    if (Array.isArray(list)) {
      for (const replica of list as Props[]) byRegion.set(JSON.stringify(replica?.Region), replica ?? {});
    }
    return byRegion;
  };
  return (before, after) => {
    const next = replicas(after);
    const found: string[] = [];
    for (const [region, old] of replicas(before)) {
      const now = next.get(region);
      const problem = now ? check(old, now) : undefined;
      if (problem) found.push(`replica ${region === undefined ? '?' : JSON.parse(region)}: ${problem}`);
    }
    return found.length > 0 ? found.join('; ') : undefined;
  };
}

/**
 * Like `switchedOff`, for a protection that is on when absent (CloudFormation's default): absent is on, and an
 * intrinsic counts as on before and as off after, unless unchanged.
 */
function switchedOffDefaultOn(path: string, what: string): Check {
  return switchedOffBy(path, what, (value) => (value === undefined || value === null ? 'on' : booleanState(value)));
}

/**
 * A time to live (in seconds; absent or 0 is none) switched on or shortened: rows older than it are deleted. A
 * value only deployment knows is taken as none before and as at once after, unless unchanged.
 */
function ttlSeconds(path: string): Check {
  const seconds = (props: Props) => {
    const value = numberAt(props, path, 0);
    return value === 0 ? FOREVER : value;
  };
  return (before, after) => {
    if (JSON.stringify(valueAt(before, path)) === JSON.stringify(valueAt(after, path))) return undefined;
    const old = Number.isNaN(seconds(before)) ? FOREVER : seconds(before);
    const next = Number.isNaN(seconds(after)) ? 0 : seconds(after);
    if (next >= old) return undefined;
    return `${path} now ${next === 0 ? 'unknown (taken as at once)' : amount(next, 'seconds')} (before: ${show(old, 'seconds', 'none')}): rows older than it are deleted`;
  };
}

/**
 * A replica of a DynamoDB global table removed: CloudFormation deletes the table in that Region, and whatever
 * reads it there loses it (the other replicas keep the data).
 */
const replicaRemoved: Check = (before, after) => {
  const regions = (props: Props) =>
    new Set(
      (Array.isArray(props.Replicas) ? (props.Replicas as Props[]) : []).map((replica) =>
        JSON.stringify(replica?.Region),
      ),
    );
  const now = regions(after);
  const gone = [...regions(before)].filter((region) => !now.has(region));
  return gone.length > 0
    ? `replica ${gone.map((region) => (region === undefined ? '?' : JSON.parse(region))).join(', ')} removed: the table there is deleted`
    : undefined;
};

/** The shortest expiry of enabled S3 lifecycle rules, for current and for noncurrent versions. */
function s3Expiry(props: Props, noncurrent: boolean): number {
  const rules = (props.LifecycleConfiguration as { Rules?: unknown } | undefined)?.Rules;
  if (!Array.isArray(rules)) return FOREVER;
  let shortest = FOREVER;
  for (const rule of rules as Props[]) {
    if (rule?.Status !== 'Enabled') continue;
    const days = noncurrent
      ? [
          numberAt(rule, 'NoncurrentVersionExpirationInDays', FOREVER),
          numberAt(rule, 'NoncurrentVersionExpiration.NoncurrentDays', FOREVER),
        ]
      : [numberAt(rule, 'ExpirationInDays', FOREVER), rule.ExpirationDate !== undefined ? 0 : FOREVER];
    // An expiry written as an intrinsic is unknown: assume the worst, it may expire at once.
    for (const day of days) shortest = Math.min(shortest, Number.isNaN(day) ? 0 : day);
  }
  return shortest;
}

const s3Lifecycle: Check = (before, after) => {
  const found: string[] = [];
  for (const noncurrent of [false, true]) {
    const old = s3Expiry(before, noncurrent);
    const next = s3Expiry(after, noncurrent);
    if (next < old) {
      found.push(
        `${noncurrent ? 'noncurrent object versions' : 'objects'} now expire after ${next === 0 ? 'a fixed date or at once' : amount(next, 'days')} (before: ${show(old, 'days', 'never')})`,
      );
    }
  }
  return found.length > 0 ? `LifecycleConfiguration: ${found.join('; ')}` : undefined;
};

const ttl: Check = (before, after) => {
  const spec = (props: Props) =>
    props.TimeToLiveSpecification as { Enabled?: unknown; AttributeName?: unknown } | undefined;
  const on = (props: Props) => booleanState(spec(props)?.Enabled);
  // An intrinsic may turn it on: unknown counts as on, unless nothing changed.
  if (on(after) === 'off' || JSON.stringify(spec(before)) === JSON.stringify(spec(after))) return undefined;
  if (on(before) !== 'on')
    return `TimeToLiveSpecification enabled on ${String(spec(after)?.AttributeName)}: items past it are deleted`;
  if (spec(before)?.AttributeName !== spec(after)?.AttributeName) {
    return `TimeToLiveSpecification moved to ${String(spec(after)?.AttributeName)}: items are deleted by a different attribute`;
  }
  return undefined;
};

const ecrLifecycle: Check = (before, after) => {
  const text = (props: Props) =>
    (props.LifecyclePolicy as { LifecyclePolicyText?: unknown } | undefined)?.LifecyclePolicyText;
  const next = text(after);
  if (next === undefined || JSON.stringify(next) === JSON.stringify(text(before))) return undefined;
  return 'LifecyclePolicy added or changed: the images it matches are expired';
};

const backupPlan: Check = (before, after) => {
  const shortest = (props: Props) => {
    const rules = (props.BackupPlan as { BackupPlanRule?: unknown } | undefined)?.BackupPlanRule;
    if (!Array.isArray(rules)) return FOREVER;
    return Math.min(FOREVER, ...rules.map((rule: Props) => numberAt(rule, 'Lifecycle.DeleteAfterDays', FOREVER)));
  };
  const old = shortest(before);
  const next = shortest(after);
  return next < old
    ? `BackupPlan rules now delete recovery points after ${amount(next, 'days')} (before: ${show(old, 'days', 'never')})`
    : undefined;
};

/**
 * A Data Lifecycle Manager policy keeps fewer snapshots or AMIs: the smallest count or the shortest age any of
 * its schedules' RetainRule keeps went down, so the older ones are deleted at its next run. A value only
 * deployment knows is passed over, as elsewhere in this table.
 */
const dlmRetention: Check = (before, after) => {
  const DAYS: Readonly<Record<string, number>> = { DAYS: 1, WEEKS: 7, MONTHS: 30, YEARS: 365 };
  const kept = (props: Props) => {
    const schedules = valueAt(props, 'PolicyDetails.Schedules');
    let count = FOREVER;
    let days = FOREVER;
    for (const schedule of Array.isArray(schedules) ? (schedules as Props[]) : []) {
      const rule = (schedule?.RetainRule ?? {}) as Props;
      if (rule.Count !== undefined) count = Math.min(count, numberAt(rule, 'Count', FOREVER));
      if (rule.Interval !== undefined) {
        const unit = typeof rule.IntervalUnit === 'string' ? DAYS[rule.IntervalUnit] : undefined;
        days = Math.min(days, unit === undefined ? Number.NaN : numberAt(rule, 'Interval', FOREVER) * unit);
      }
    }
    return { count, days };
  };
  const old = kept(before);
  const next = kept(after);
  const cuts: string[] = [];
  if (!Number.isNaN(old.count) && !Number.isNaN(next.count) && next.count < old.count) {
    cuts.push(
      `the fewest kept cut from ${show(old.count, 'snapshots', 'unlimited')} to ${amount(next.count, 'snapshots')}`,
    );
  }
  if (!Number.isNaN(old.days) && !Number.isNaN(next.days) && next.days < old.days) {
    cuts.push(`the shortest kept cut from ${show(old.days, 'days', 'unlimited')} to ${amount(next.days, 'days')}`);
  }
  return cuts.length > 0
    ? `PolicyDetails.Schedules RetainRule: ${cuts.join('; ')}: older snapshots or AMIs are deleted at its next run`
    : undefined;
};

/**
 * A retention written as an object of a number and a unit, or as unlimited: IoT Analytics (`NumberOfDays`, or
 * `Unlimited: true`, the default) and Recycle Bin (`RetentionPeriodValue` with `RetentionPeriodUnit: DAYS`). A
 * shorter one deletes what it keeps sooner.
 */
function retentionObjectCut(property: string, consequence: string): Check {
  const days = (props: Props): number => {
    const value = props[property] as Props | undefined;
    if (value === undefined || value === null) return FOREVER;
    if (value.Unlimited === true || value.Unlimited === 'true') return FOREVER;
    if (value.NumberOfDays !== undefined) return numberAt(value, 'NumberOfDays', FOREVER);
    if (value.RetentionPeriodValue !== undefined) {
      return value.RetentionPeriodUnit === 'DAYS' || value.RetentionPeriodUnit === undefined
        ? numberAt(value, 'RetentionPeriodValue', FOREVER)
        : Number.NaN;
    }
    return Number.NaN;
  };
  return (before, after) => {
    const old = days(before);
    const next = days(after);
    if (Number.isNaN(old) || Number.isNaN(next) || next >= old) return undefined;
    return `${property} cut from ${show(old, 'days', 'unlimited')} to ${amount(next, 'days')}: ${consequence}`;
  };
}

/** Resource type → the settings that destroy or unprotect its data. Sources: the CloudFormation reference. */
/**
 * An S3 bucket's default Object Lock retention (days; years as 365 days) shortened or removed, or its mode
 * weakened from COMPLIANCE to GOVERNANCE (which s3:BypassGovernanceRetention can override): objects written
 * from then on can be deleted sooner. A value only deployment knows counts as kept before and gone after.
 */
const objectLockWeakened: Check = (before, after) => {
  const retention = (props: Props, unknownAs: number) => {
    const rule = 'ObjectLockConfiguration.Rule.DefaultRetention';
    const days = numberAt(props, `${rule}.Days`, 0);
    const years = numberAt(props, `${rule}.Years`, 0);
    if (Number.isNaN(days) || Number.isNaN(years)) return unknownAs;
    return days + years * 365;
  };
  const mode = (props: Props) => valueAt(props, 'ObjectLockConfiguration.Rule.DefaultRetention.Mode');
  if (JSON.stringify(before.ObjectLockConfiguration) === JSON.stringify(after.ObjectLockConfiguration))
    return undefined;
  const old = retention(before, FOREVER);
  const next = retention(after, 0);
  if (next < old) {
    return `default Object Lock retention cut from ${show(old, 'days', 'unknown')} to ${amount(next, 'days')}: objects written from now on can be deleted sooner`;
  }
  if (mode(before) === 'COMPLIANCE' && mode(after) !== 'COMPLIANCE') {
    return 'default Object Lock mode no longer COMPLIANCE: a principal with s3:BypassGovernanceRetention can delete locked objects';
  }
  return undefined;
};

/** A Backup vault lock removed, or its minimum retention cut: recovery points can be deleted earlier. */
const vaultLockWeakened: Check = (before, after) => {
  if (before.LockConfiguration === undefined) return undefined;
  if (after.LockConfiguration === undefined)
    return 'vault lock removed: recovery points can be deleted before their retention ends';
  const old = numberAt(before, 'LockConfiguration.MinRetentionDays', 0);
  const next = numberAt(after, 'LockConfiguration.MinRetentionDays', 0);
  if (Number.isNaN(old) || (!Number.isNaN(next) && next >= old)) return undefined;
  return `vault lock minimum retention cut from ${old} to ${Number.isNaN(next) ? 'an unknown value' : amount(next, 'days')}`;
};

const SETTINGS: Readonly<Record<string, readonly Setting[]>> = {
  'AWS::Logs::LogGroup': [
    { property: 'RetentionInDays', kind: 'destroys', check: cut('RetentionInDays', FOREVER, 'days', 'never expire') },
  ],
  'AWS::Kinesis::Stream': [
    { property: 'RetentionPeriodHours', kind: 'destroys', check: cut('RetentionPeriodHours', 24, 'hours') },
  ],
  'AWS::SQS::Queue': [
    { property: 'MessageRetentionPeriod', kind: 'destroys', check: cut('MessageRetentionPeriod', 345600, 'seconds') },
  ],
  'AWS::S3::Bucket': [
    { property: 'LifecycleConfiguration', kind: 'destroys', check: s3Lifecycle },
    {
      property: 'VersioningConfiguration',
      kind: 'recovery',
      check: switchedOff('VersioningConfiguration.Status', 'versioning', (value) => value === 'Enabled'),
    },
    {
      // Without ABAC, S3 ignores the bucket's tags in IAM: every production tag deny stops applying to it.
      property: 'AbacStatus',
      kind: 'recovery',
      check: switchedOff(
        'AbacStatus',
        "attribute-based access control (S3 then ignores the bucket's tags, so no tag guardrail protects it)",
        (value) => value === 'Enabled',
      ),
    },
    { property: 'ObjectLockConfiguration', kind: 'recovery', check: objectLockWeakened },
  ],
  'AWS::Backup::BackupVault': [{ property: 'LockConfiguration', kind: 'recovery', check: vaultLockWeakened }],
  'AWS::DynamoDB::Table': [
    { property: 'TimeToLiveSpecification', kind: 'destroys', check: ttl },
    {
      property: 'PointInTimeRecoverySpecification',
      kind: 'recovery',
      check: switchedOff('PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled', 'point-in-time recovery'),
    },
    {
      property: 'PointInTimeRecoverySpecification',
      kind: 'recovery',
      check: backupCut('PointInTimeRecoverySpecification.RecoveryPeriodInDays', 35),
    },
    {
      property: 'DeletionProtectionEnabled',
      kind: 'recovery',
      check: switchedOff('DeletionProtectionEnabled', 'deletion protection'),
    },
  ],
  'AWS::DynamoDB::GlobalTable': [
    { property: 'TimeToLiveSpecification', kind: 'destroys', check: ttl },
    { property: 'Replicas', kind: 'destroys', check: replicaRemoved },
    {
      property: 'Replicas',
      kind: 'recovery',
      check: perReplica(
        switchedOff('PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled', 'point-in-time recovery'),
      ),
    },
    {
      property: 'Replicas',
      kind: 'recovery',
      check: perReplica(backupCut('PointInTimeRecoverySpecification.RecoveryPeriodInDays', 35)),
    },
    {
      property: 'Replicas',
      kind: 'recovery',
      check: perReplica(switchedOff('DeletionProtectionEnabled', 'deletion protection')),
    },
  ],
  // Archived messages of a FIFO topic are kept this many days (absent: no archive).
  'AWS::SNS::Topic': [
    {
      property: 'ArchivePolicy',
      kind: 'destroys',
      check: cut('ArchivePolicy.MessageRetentionPeriod', 0, 'days'),
    },
  ],
  'AWS::S3Express::DirectoryBucket': [{ property: 'LifecycleConfiguration', kind: 'destroys', check: s3Lifecycle }],
  'AWS::KinesisVideo::Stream': [
    { property: 'DataRetentionInHours', kind: 'destroys', check: cut('DataRetentionInHours', 0, 'hours') },
  ],
  'AWS::Cassandra::Table': [
    { property: 'DefaultTimeToLive', kind: 'destroys', check: ttlSeconds('DefaultTimeToLive') },
    {
      property: 'PointInTimeRecoveryEnabled',
      kind: 'recovery',
      check: switchedOff('PointInTimeRecoveryEnabled', 'point-in-time recovery'),
    },
  ],
  'AWS::ElastiCache::ServerlessCache': [
    { property: 'SnapshotRetentionLimit', kind: 'recovery', check: backupCut('SnapshotRetentionLimit', 0) },
  ],
  'AWS::DocDBElastic::Cluster': [
    { property: 'BackupRetentionPeriod', kind: 'recovery', check: backupCut('BackupRetentionPeriod', 1) },
  ],
  'AWS::NeptuneGraph::Graph': [
    {
      property: 'DeletionProtection',
      kind: 'recovery',
      check: switchedOff('DeletionProtection', 'deletion protection'),
    },
  ],
  // On unless set to false (the QLDB reference).
  'AWS::QLDB::Ledger': [
    {
      property: 'DeletionProtection',
      kind: 'recovery',
      check: switchedOffDefaultOn('DeletionProtection', 'deletion protection'),
    },
  ],
  'AWS::Lightsail::Database': [
    { property: 'BackupRetention', kind: 'recovery', check: switchedOff('BackupRetention', 'automated backups') },
  ],
  // An account leaving the target OUs then has its stack instance deleted, with all it holds.
  'AWS::CloudFormation::StackSet': [
    {
      property: 'AutoDeployment',
      kind: 'recovery',
      check: switchedOff(
        'AutoDeployment.RetainStacksOnAccountRemoval',
        'keeping stacks of accounts removed from the target OUs',
      ),
    },
  ],
  // A disabled key decrypts nothing: every object, volume and table encrypted under it is unreadable.
  'AWS::KMS::Key': [
    {
      property: 'Enabled',
      kind: 'destroys',
      // Absent is enabled (the default); a value only deployment knows may be false.
      check: switchedOffDefaultOn('Enabled', 'the key (data encrypted under it can no longer be decrypted)'),
    },
    { property: 'BypassPolicyLockoutSafetyCheck', kind: 'recovery', check: lockoutCheckBypassed },
  ],
  'AWS::Cognito::UserPool': [
    {
      property: 'DeletionProtection',
      kind: 'recovery',
      check: switchedOff('DeletionProtection', 'deletion protection', (value) => value === 'ACTIVE'),
    },
  ],
  'AWS::EC2::Instance': [
    {
      property: 'DisableApiTermination',
      kind: 'recovery',
      check: switchedOff('DisableApiTermination', 'termination protection'),
    },
  ],
  'AWS::ElastiCache::CacheCluster': [
    { property: 'SnapshotRetentionLimit', kind: 'recovery', check: backupCut('SnapshotRetentionLimit', 0) },
  ],
  'AWS::RDS::GlobalCluster': [
    {
      property: 'DeletionProtection',
      kind: 'recovery',
      check: switchedOff('DeletionProtection', 'deletion protection'),
    },
  ],
  // Defaults from the CloudFormation reference: 0 days for Lustre, 30 for the other file systems.
  'AWS::FSx::FileSystem': [
    {
      property: 'LustreConfiguration',
      kind: 'recovery',
      check: backupCut('LustreConfiguration.AutomaticBackupRetentionDays', 0),
    },
    {
      property: 'WindowsConfiguration',
      kind: 'recovery',
      check: backupCut('WindowsConfiguration.AutomaticBackupRetentionDays', 30),
    },
    {
      property: 'OntapConfiguration',
      kind: 'recovery',
      check: backupCut('OntapConfiguration.AutomaticBackupRetentionDays', 30),
    },
    {
      property: 'OpenZFSConfiguration',
      kind: 'recovery',
      check: backupCut('OpenZFSConfiguration.AutomaticBackupRetentionDays', 30),
    },
  ],
  'AWS::RDS::DBInstance': [
    { property: 'BackupRetentionPeriod', kind: 'recovery', check: backupCut('BackupRetentionPeriod', 1) },
    {
      // The copies of its automated backups kept in another Region (absent: the service's default, 7 days).
      property: 'AutomaticBackupReplicationRetentionPeriod',
      kind: 'recovery',
      check: backupCut('AutomaticBackupReplicationRetentionPeriod', 7),
    },
    {
      property: 'DeleteAutomatedBackups',
      kind: 'recovery',
      // Absent means true: the automated backups go with the instance.
      check: switchedOff(
        'DeleteAutomatedBackups',
        'keeping automated backups after deletion',
        (value) => booleanState(value) === 'off' && value !== undefined && value !== null,
      ),
    },
    {
      property: 'DeletionProtection',
      kind: 'recovery',
      check: switchedOff('DeletionProtection', 'deletion protection'),
    },
  ],
  'AWS::RDS::DBCluster': [
    { property: 'BackupRetentionPeriod', kind: 'recovery', check: backupCut('BackupRetentionPeriod', 1) },
    {
      property: 'DeletionProtection',
      kind: 'recovery',
      check: switchedOff('DeletionProtection', 'deletion protection'),
    },
  ],
  'AWS::DocDB::DBCluster': [
    { property: 'BackupRetentionPeriod', kind: 'recovery', check: backupCut('BackupRetentionPeriod', 1) },
    {
      property: 'DeletionProtection',
      kind: 'recovery',
      check: switchedOff('DeletionProtection', 'deletion protection'),
    },
  ],
  'AWS::Neptune::DBCluster': [
    { property: 'BackupRetentionPeriod', kind: 'recovery', check: backupCut('BackupRetentionPeriod', 1) },
    {
      property: 'DeletionProtection',
      kind: 'recovery',
      check: switchedOff('DeletionProtection', 'deletion protection'),
    },
  ],
  'AWS::Redshift::Cluster': [
    {
      property: 'AutomatedSnapshotRetentionPeriod',
      kind: 'recovery',
      check: backupCut('AutomatedSnapshotRetentionPeriod', 1),
    },
  ],
  'AWS::ElastiCache::ReplicationGroup': [
    { property: 'SnapshotRetentionLimit', kind: 'recovery', check: backupCut('SnapshotRetentionLimit', 0) },
  ],
  'AWS::MemoryDB::Cluster': [
    { property: 'SnapshotRetentionLimit', kind: 'recovery', check: backupCut('SnapshotRetentionLimit', 0) },
  ],
  'AWS::EFS::FileSystem': [
    {
      property: 'BackupPolicy',
      kind: 'recovery',
      check: switchedOff('BackupPolicy.Status', 'automatic backups', (value) => value === 'ENABLED'),
    },
  ],
  'AWS::Timestream::Table': [
    {
      property: 'RetentionProperties',
      kind: 'destroys',
      check: cut('RetentionProperties.MemoryStoreRetentionPeriodInHours', 6, 'hours'),
    },
    {
      property: 'RetentionProperties',
      kind: 'destroys',
      check: cut('RetentionProperties.MagneticStoreRetentionPeriodInDays', 73000, 'days'),
    },
  ],
  'AWS::CloudTrail::EventDataStore': [
    { property: 'RetentionPeriod', kind: 'destroys', check: cut('RetentionPeriod', 2557, 'days') },
  ],
  'AWS::Events::Archive': [
    { property: 'RetentionDays', kind: 'destroys', check: cut('RetentionDays', FOREVER, 'days', 'indefinitely') },
  ],
  'AWS::ECR::Repository': [{ property: 'LifecyclePolicy', kind: 'destroys', check: ecrLifecycle }],
  'AWS::Backup::BackupPlan': [{ property: 'BackupPlan', kind: 'recovery', check: backupPlan }],
  'AWS::IoTAnalytics::Datastore': [
    {
      property: 'RetentionPeriod',
      kind: 'destroys',
      check: retentionObjectCut('RetentionPeriod', 'older data is deleted'),
    },
  ],
  'AWS::IoTAnalytics::Channel': [
    {
      property: 'RetentionPeriod',
      kind: 'destroys',
      check: retentionObjectCut('RetentionPeriod', 'older messages are deleted'),
    },
  ],
  'AWS::IoTAnalytics::Dataset': [
    {
      property: 'RetentionPeriod',
      kind: 'destroys',
      check: retentionObjectCut('RetentionPeriod', 'older contents are deleted'),
    },
  ],
  'AWS::Rbin::Rule': [
    {
      property: 'RetentionPeriod',
      kind: 'recovery',
      check: retentionObjectCut('RetentionPeriod', 'deleted snapshots and AMIs are purged from the Recycle Bin sooner'),
    },
  ],
  'AWS::CustomerProfiles::Domain': [
    { property: 'DefaultExpirationDays', kind: 'destroys', check: cut('DefaultExpirationDays', FOREVER, 'days') },
  ],
  'AWS::CustomerProfiles::ObjectType': [
    { property: 'ExpirationDays', kind: 'destroys', check: cut('ExpirationDays', FOREVER, 'days') },
  ],
  'AWS::BedrockAgentCore::Memory': [
    { property: 'EventExpiryDuration', kind: 'destroys', check: cut('EventExpiryDuration', FOREVER, 'days') },
  ],
  'AWS::DLM::LifecyclePolicy': [
    { property: 'PolicyDetails', kind: 'recovery', check: dlmRetention },
    {
      property: 'State',
      kind: 'recovery',
      check: switchedOff('State', 'the lifecycle policy (no more snapshots)', (value) => value === 'ENABLED'),
    },
  ],
};

/**
 * A production tag taken off a resource (or changed to another value) is the first half of a deletion in two
 * steps: the next pull request deletes a resource that is no longer production, and neither step is judged.
 * The guardrails deny untagging production to everyone not exempt; here it needs the same two people.
 */
function productionTagRemoved(
  pair: ResourcePair,
  production: ProductionSelector,
): { setting: Setting; problem: string } | undefined {
  // A lookalike tag protects nothing: whether it was or still is protected asks IAM's question (no lookalikes).
  const tagOn = (side: 'before' | 'after', surely = false) =>
    side === 'before'
      ? productionTagOf(
          [pair.before],
          [pair.baselineStackTags],
          production,
          [pair.rawBefore],
          pair.notes.assumed,
          pair.overridable,
          false,
          surely,
        )
      : productionTagOf(
          [pair.after],
          [pair.stack.stackTags],
          production,
          [pair.rawAfter],
          pair.notes.assumed,
          pair.overridable,
          false,
          surely,
        );
  const was = tagOn('before');
  if (!was) return undefined;
  // Tags as they were, as written and as resolved, on a stack tagged as it was: nothing is taken off here.
  const unchanged =
    sameTags(pair.before, pair.after) &&
    sameTags(pair.rawBefore, pair.rawAfter) &&
    JSON.stringify(pair.baselineStackTags) === JSON.stringify(pair.stack.stackTags);
  if (unchanged) return undefined;
  // Still protected only if production whatever deployment passes: a value only deployment knows (`!Ref Env`
  // without a default), one that is not text (`true`), may take the tag off as surely as `dev`.
  if (tagOn('after', true)) return undefined;
  const property = loadResourceModel(pair.before?.Type ?? '')?.tagInformation?.tagPropertyName ?? 'Tags';
  // Production only if deployment passes the right value: the tag may be taken off, not surely is.
  const perhaps = tagOn('after');
  return {
    setting: { property, kind: 'recovery', check: () => undefined },
    problem: perhaps
      ? `its production tag ${was} may be taken off: it is now ${writtenTag(pair.rawAfter, production) ?? perhaps}, production only if deployment passes a production value; if not, the guardrails no longer protect it, and deleting it next would not count as production`
      : `its production tag ${was} is removed: the guardrails no longer protect it, and deleting it next would not count as production`,
  };
}

/** The production tag key as the template writes it, with its value as written (`environment={"Ref":"Env"}`). */
function writtenTag(resource: CfnResource | undefined, production: ProductionSelector): string | undefined {
  if (!resource) return undefined;
  const keys = new Set(production.tagKeys.map((key) => key.toLowerCase()));
  const tags = resourceTags(resource, new Set(production.values.map((value) => value.toLowerCase())));
  const key = Object.keys(tags).find((written) => keys.has(written.toLowerCase()));
  if (key === undefined) return undefined;
  const value = tags[key];
  return `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
}

/**
 * A weaker DeletionPolicy or UpdateReplacePolicy on a stateful or production resource: judged like a
 * protection switched off, since a deletion outside this gate then takes the data.
 */
function policyWeakened(pair: ResourcePair, production: ProductionSelector): { setting: Setting; problem: string }[] {
  const { before, after } = pair;
  if (!before || !after) return [];
  const problems = weakenedPolicies(before, after);
  if (problems.length === 0) return [];
  const counts =
    isStateful(after.Type) ||
    productionTagOf(
      [before, after],
      [pair.stack.stackTags, pair.baselineStackTags],
      production,
      [pair.rawBefore, pair.rawAfter],
      pair.notes.assumed,
      pair.overridable,
    ) !== undefined;
  return counts
    ? problems.map((problem) => ({
        setting: { property: problem.split(' ')[0], kind: 'recovery' as const, check: () => undefined },
        problem,
      }))
    : [];
}

/**
 * A property name that switches a resource's deletion protection (`DeletionProtection`, `DeletionProtectionEnabled`,
 * `DisableApiTermination`, `DeleteProtection`, `TerminationProtectionEnabled`, `DeletionProtectionCheck`).
 */
const PROTECTION_PROPERTY = /^(Deletion|Delete|Termination)Protection(Enabled|Check)?$|^DisableApiTermination$/;

/**
 * On or off, for a boolean or for the words services use (`prevent-all-deletion`, `APPLY`, `ACTIVE` on; `none`,
 * `BYPASS`, `INACTIVE` off); anything else, an intrinsic included, is unknown.
 */
function protectionState(value: unknown): 'on' | 'off' | 'unknown' {
  const plain = booleanState(value);
  if (plain !== 'unknown' || typeof value !== 'string') return plain;
  const text = value.trim().toLowerCase();
  if (/^(none|bypass|disabled?|inactive|off)$/.test(text)) return 'off';
  if (/^(prevent|apply|enabled?|active|on)/.test(text)) return 'on';
  return 'unknown';
}

/**
 * The settings of a type: those written above, and deletion protection switched off for every property of
 * its specification that names one (a sweep of the specification, so a service that adds deletion protection is
 * judged without a new entry here; a test holds every such property covered).
 */
export function settingsOf(resourceType: string): readonly Setting[] {
  const cached = settingsByType.get(resourceType);
  if (cached) return cached;
  const written = SETTINGS[resourceType] ?? [];
  const model = loadResourceModel(resourceType);
  const swept = Object.keys(model?.properties ?? {})
    .filter((property) => PROTECTION_PROPERTY.test(property))
    .filter((property) => !written.some((setting) => setting.property === property))
    .map((property): Setting => ({
      property,
      kind: 'recovery',
      check: switchedOffBy(property, 'deletion protection', protectionState),
    }));
  const settings = swept.length > 0 ? [...written, ...swept] : written;
  settingsByType.set(resourceType, settings);
  return settings;
}
const settingsByType = new Map<string, readonly Setting[]>();

/** Whether a property of a type is one of the settings above. */
export function isDataSetting(resourceType: string, property: string): boolean {
  return settingsOf(resourceType).some((setting) => setting.property === property);
}

/**
 * `servesProduction`: resources that are not production themselves but whose settings decide production's
 * recovery (a backup plan whose selection backs up production resources), by `stackKey/logicalId`, with why.
 */
export function dataSettingFindings(
  pairs: readonly ResourcePair[],
  production: ProductionSelector,
  servesProduction: ReadonlyMap<string, string> = new Map(),
): Finding[] {
  const findings: Finding[] = [];
  for (const pair of pairs) {
    if (!pair.before || !pair.after || pair.before.Type !== pair.after.Type) continue;
    // A resource deployment leaves as it is may still have its tags rewritten to what deployment passes.
    if (!pair.changed && sameTags(pair.rawBefore, pair.rawAfter)) continue;
    const settings = pair.changed ? settingsOf(pair.after.Type) : [];
    const props = (resource: CfnResource) => resource.Properties ?? {};
    const found = settings
      .map((setting) => ({
        setting,
        problem: setting.check(props(pair.before as CfnResource), props(pair.after as CfnResource)),
      }))
      .filter((item): item is { setting: Setting; problem: string } => item.problem !== undefined);
    const untagged = productionTagRemoved(pair, production);
    if (untagged) found.push(untagged);
    if (pair.changed) found.push(...policyWeakened(pair, production));
    if (found.length === 0) continue;
    const productionTag = productionTagOf(
      [pair.before, pair.after],
      [pair.stack.stackTags, pair.baselineStackTags],
      production,
      [pair.rawBefore, pair.rawAfter],
      pair.notes.assumed,
      pair.overridable,
    );
    const destroys = found.some((item) => item.setting.kind === 'destroys');
    const serves = productionTag ? undefined : servesProduction.get(`${pair.stack.key}/${pair.logicalId}`);
    const severity: Severity =
      productionTag || serves ? 'critical' : destroys ? (isStateful(pair.after.Type) ? 'high' : 'medium') : 'low';
    const hash = changeHash(pair.stack.key, pair.logicalId, pair.before, pair.after);
    const where = pair.inStackSet ? ` in every target account of StackSet ${pair.inStackSet}` : '';
    findings.push({
      ruleId: DATA_SETTING_RULE.id,
      category: DATA_SETTING_RULE.category,
      severity,
      title: `${destroys ? 'Destroys data of' : found.every((item) => item === untagged) ? 'Takes out of production' : 'Switches off recovery of'} ${pair.after.Type} ${pair.logicalId}`,
      message:
        `Deploying stack ${pair.stack.displayName} would change ${pair.logicalId} (${pair.after.Type})${where} in place: ` +
        `${found.map((item) => item.problem).join('; ')}${productionTag ? `; tagged ${productionTag}` : ''}` +
        `${serves ? `; it ${serves}` : ''}. Change ${hash}.`,
      location: {
        file: pair.stack.file,
        logicalId: pair.logicalId,
        cdkPath: pair.stack.cdkPaths?.get(pair.logicalId),
        jsonPath: /^(DeletionPolicy|UpdateReplacePolicy)$/.test(found[0].setting.property)
          ? `Resources.${pair.logicalId}.${found[0].setting.property}`
          : `Resources.${pair.logicalId}.Properties.${found[0].setting.property}`,
      },
      evidence: [
        {
          policy: `template:${pair.stack.key}`,
          policyKind: 'template',
          note: found.map((item) => item.problem).join('; '),
        },
      ],
      details: {
        stack: pair.stack.key,
        logicalId: pair.logicalId,
        resourceType: pair.after.Type,
        settings: found.map((item) => item.setting.property),
        productionTag: productionTag ?? null,
        ...(serves ? { servesProduction: serves } : {}),
        changeHash: hash,
      },
      remediation: `Keep the previous setting, or copy the data elsewhere first; a deliberate change needs a suppression naming change ${hash}, approved by two people.`,
      docsUrl: DATA_SETTING_RULE.docsUrl,
    });
  }
  return findings;
}

/**
 * A production stack tag that goes takes every resource of the stack out of production at once (CloudFormation
 * puts stack tags on each resource that takes tags): the untagging of a whole stack, judged as one change.
 */
export function untaggedStackFindings(
  stacks: readonly { readonly stack: LoadedStack; readonly productionTag: string }[],
): Finding[] {
  return stacks.map(({ stack, productionTag }) => {
    const hash = changeHash(stack.key, '', { stackTag: productionTag }, { stackTags: stack.stackTags });
    const problem = `its production stack tag ${productionTag} is removed: every resource of the stack that is not tagged itself leaves production, and deleting one next would not count as production`;
    return {
      ruleId: DATA_SETTING_RULE.id,
      category: DATA_SETTING_RULE.category,
      severity: 'critical',
      title: `Takes out of production stack ${stack.displayName}`,
      message: `Deploying stack ${stack.displayName} would change it in place: ${problem}. Change ${hash}.`,
      location: { file: stack.file, cdkPath: stack.constructPath },
      evidence: [{ policy: `template:${stack.key}`, policyKind: 'template', note: problem }],
      details: { stack: stack.key, logicalId: null, productionTag, changeHash: hash },
      remediation: `Keep the stack tag; a deliberate change needs a suppression naming change ${hash}, approved by two people.`,
      docsUrl: DATA_SETTING_RULE.docsUrl,
    };
  });
}
