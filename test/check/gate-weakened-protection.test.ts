// The first half of a destruction in two steps, and production the gate did not recognise: a weaker
// DeletionPolicy, a protection switched off on types the settings table lacked, a disabled KMS key, and a
// DynamoDB global table whose production tag sits on its replicas.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Finding } from '../../lib/audit/rules/types';
import { resourceSpecPath } from '../../lib/audit/sources/resource-spec';
import { gate, prodTags, table } from './gate-helpers';

const summary = (findings: Finding[]) => findings.map((finding) => [finding.ruleId, finding.severity, finding.title]);
const one = (type: string, properties: object, attributes: object = {}) => ({
  Resources: { R: { Type: type, Properties: properties, ...attributes } },
});

const globalTable = (replica: object, attributes: object = {}) =>
  one(
    'AWS::DynamoDB::GlobalTable',
    {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [
        {
          Region: 'us-east-1',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
          Tags: prodTags,
          ...replica,
        },
      ],
    },
    attributes,
  );

describe('a DynamoDB global table is production by the tags of its replicas', () => {
  it('deleting a retained production global table is critical, not information', () => {
    const retained = { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' };
    expect(summary(gate(globalTable({}, retained), { Resources: {} }))).toEqual([
      ['destructive-change', 'critical', 'Deletes AWS::DynamoDB::GlobalTable R'],
    ]);
  });

  it.each([
    ['point-in-time recovery', { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false } }],
    ['deletion protection', { DeletionProtectionEnabled: false }],
    ['deletion protection (left out)', { DeletionProtectionEnabled: undefined }],
  ])('switching off %s on a replica is critical', (what, replica) => {
    const [finding] = gate(globalTable({}), globalTable(replica));
    expect(finding).toMatchObject({
      ruleId: 'data-destroying-setting',
      severity: 'critical',
      title: 'Switches off recovery of AWS::DynamoDB::GlobalTable R',
    });
    expect(finding.message).toContain(`replica us-east-1: ${what.replace(/ \(left out\)$/, '')} switched off`);
  });

  it('an unchanged global table is no finding', () => {
    expect(gate(globalTable({}), globalTable({}))).toEqual([]);
  });
});

describe('a weaker DeletionPolicy or UpdateReplacePolicy on a stateful or production resource', () => {
  const ledger = (attributes: object) => ({ Resources: { Ledger: table({}, attributes) } });

  it('Retain to Delete on a production table is critical', () => {
    const findings = gate(
      ledger({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' }),
      ledger({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' }),
    );
    expect(summary(findings)).toEqual([
      ['data-destroying-setting', 'critical', 'Switches off recovery of AWS::DynamoDB::Table Ledger'],
    ]);
    expect(findings[0].message).toMatch(/DeletionPolicy weakened from Retain to Delete/);
    expect(findings[0].message).toMatch(/UpdateReplacePolicy weakened from Retain to Delete/);
    expect(findings[0].location?.jsonPath).toBe('Resources.Ledger.DeletionPolicy');
  });

  it('an RDS instance falls back to the default Snapshot, which is weaker than Retain but not than Snapshot', () => {
    const db = (attributes: object) =>
      one('AWS::RDS::DBInstance', { DBInstanceClass: 'db.r6g.large', Engine: 'postgres' }, attributes);
    const [finding] = gate(db({ DeletionPolicy: 'Retain' }), db({}));
    expect(finding.message).toMatch(/DeletionPolicy weakened from Retain to the default Snapshot/);
    expect(gate(db({ DeletionPolicy: 'Snapshot' }), db({}))).toEqual([]);
  });

  it('a value only deployment knows may be Delete', () => {
    const [finding] = gate(
      ledger({ DeletionPolicy: 'Retain' }),
      ledger({ DeletionPolicy: { 'Fn::If': ['Never', 'Retain', 'Delete'] } }),
    );
    expect(finding?.message).toMatch(/DeletionPolicy weakened from Retain to a value only deployment knows/);
  });

  it('strengthening, and a stateless resource outside production, are no finding', () => {
    expect(gate(ledger({ DeletionPolicy: 'Delete' }), ledger({ DeletionPolicy: 'Retain' }))).toEqual([]);
    const topic = (attributes: object) => one('AWS::SNS::Topic', {}, attributes);
    expect(gate(topic({ DeletionPolicy: 'Retain' }), topic({}))).toEqual([]);
  });
});

describe('protections the settings table lacked', () => {
  const tagged = { Tags: prodTags };
  it.each([
    ['AWS::KMS::Key', { KeyPolicy: {}, ...tagged }, { Enabled: false }, 'Destroys data of', 'the key'],
    [
      'AWS::Cognito::UserPool',
      { DeletionProtection: 'ACTIVE', UserPoolTags: { environment: 'production' } },
      { DeletionProtection: 'INACTIVE' },
      'Switches off recovery of',
      'deletion protection',
    ],
    [
      'AWS::EC2::Instance',
      { ImageId: 'ami-1', DisableApiTermination: true, ...tagged },
      { DisableApiTermination: false },
      'Switches off recovery of',
      'termination protection',
    ],
    [
      'AWS::ElastiCache::CacheCluster',
      { CacheNodeType: 'cache.r6g.large', Engine: 'redis', NumCacheNodes: 1, SnapshotRetentionLimit: 7, ...tagged },
      { SnapshotRetentionLimit: 0 },
      'Switches off recovery of',
      'SnapshotRetentionLimit set to 0',
    ],
    [
      'AWS::FSx::FileSystem',
      { FileSystemType: 'WINDOWS', SubnetIds: ['subnet-1'], ...tagged },
      { WindowsConfiguration: { AutomaticBackupRetentionDays: 0 } },
      'Switches off recovery of',
      'WindowsConfiguration.AutomaticBackupRetentionDays set to 0',
    ],
    [
      'AWS::RDS::DBInstance',
      { DBInstanceClass: 'db.r6g.large', Engine: 'postgres', DeleteAutomatedBackups: false, ...tagged },
      { DeleteAutomatedBackups: undefined },
      'Switches off recovery of',
      'keeping automated backups after deletion switched off',
    ],
    [
      'AWS::RDS::GlobalCluster',
      { DeletionProtection: true, Engine: 'aurora-postgresql', ...tagged },
      { DeletionProtection: false },
      'Switches off recovery of',
      'deletion protection',
    ],
  ])('%s: a production change is caught', (type, before, change, title, problem) => {
    const [finding] = gate(one(type, before), one(type, { ...before, ...change }));
    expect(finding?.title).toBe(`${title} ${type} R`);
    expect(finding.message).toContain(problem);
    expect(finding.severity).toBe('critical');
  });

  it('a KMS key left enabled (absent is the default) is no finding', () => {
    const key = (properties: object) => one('AWS::KMS::Key', { KeyPolicy: {}, Tags: prodTags, ...properties });
    expect(gate(key({ Enabled: true }), key({}))).toEqual([]);
  });
});

describe('data destroyed in place on types the settings table lacked', () => {
  const tagged = { Tags: prodTags };
  it.each([
    [
      'AWS::SNS::Topic',
      { FifoTopic: true, ArchivePolicy: { MessageRetentionPeriod: '30' }, ...tagged },
      { ArchivePolicy: undefined },
      'Destroys data of',
      'ArchivePolicy.MessageRetentionPeriod cut from 30 days to 0 days',
    ],
    [
      'AWS::S3Express::DirectoryBucket',
      { DataRedundancy: 'SingleAvailabilityZone', LocationName: 'use1-az4--x-s3', ...tagged },
      { LifecycleConfiguration: { Rules: [{ Status: 'Enabled', ExpirationInDays: 1 }] } },
      'Destroys data of',
      'objects now expire after 1 day',
    ],
    [
      'AWS::KinesisVideo::Stream',
      { DataRetentionInHours: 720, ...tagged },
      { DataRetentionInHours: 1 },
      'Destroys data of',
      'DataRetentionInHours cut from 720 hours to 1 hour',
    ],
    [
      'AWS::Cassandra::Table',
      { KeyspaceName: 'ks', PartitionKeyColumns: [{ ColumnName: 'id', ColumnType: 'text' }], ...tagged },
      { DefaultTimeToLive: 3600 },
      'Destroys data of',
      'DefaultTimeToLive now 3600 seconds (before: none)',
    ],
    [
      'AWS::QLDB::Ledger',
      { PermissionsMode: 'STANDARD', ...tagged },
      { DeletionProtection: false },
      'Switches off recovery of',
      'deletion protection switched off',
    ],
    [
      'AWS::ElastiCache::ServerlessCache',
      { Engine: 'valkey', ServerlessCacheName: 'c', SnapshotRetentionLimit: 7, ...tagged },
      { SnapshotRetentionLimit: 0 },
      'Switches off recovery of',
      'SnapshotRetentionLimit set to 0',
    ],
  ])('%s: a production change is caught', (type, before, change, title, problem) => {
    const [finding] = gate(one(type, before), one(type, { ...before, ...change }));
    expect(finding?.title).toBe(`${title} ${type} R`);
    expect(finding.message).toContain(problem);
    expect(finding.severity).toBe('critical');
  });

  it("a production key's policy changed with KMS's lockout check bypassed may lock everyone out", () => {
    const key = (properties: object) => one('AWS::KMS::Key', { KeyPolicy: {}, Tags: prodTags, ...properties });
    const locked = { Version: '2012-10-17', Statement: [] };
    const [finding] = gate(key({}), key({ KeyPolicy: locked, BypassPolicyLockoutSafetyCheck: true }));
    expect(finding).toMatchObject({ title: 'Switches off recovery of AWS::KMS::Key R', severity: 'critical' });
    expect(finding.message).toContain('BypassPolicyLockoutSafetyCheck on while the KeyPolicy changes');
    // Left on from before, with the policy unchanged, it is no change.
    const on = { BypassPolicyLockoutSafetyCheck: 'true' };
    expect(gate(key(on), key({ ...on, Description: 'x' }))).toEqual([]);
  });

  it('a KMS key whose Enabled becomes a value only deployment knows may be disabled', () => {
    const key = (properties: object) => one('AWS::KMS::Key', { KeyPolicy: {}, Tags: prodTags, ...properties });
    const [finding] = gate(key({}), key({ Enabled: { Ref: 'KeyOn' } }));
    expect(finding?.title).toBe('Destroys data of AWS::KMS::Key R');
  });
});

describe('a replica removed from a production global table', () => {
  it('deletes the table in that Region: critical', () => {
    type Shape = { Resources: { R: { Properties: { Replicas: object[] } } } };
    const before = JSON.parse(JSON.stringify(globalTable({}))) as Shape;
    const [first] = before.Resources.R.Properties.Replicas;
    before.Resources.R.Properties.Replicas.push({ ...first, Region: 'eu-west-1' });
    const [finding] = gate(before, globalTable({}));
    expect(finding).toMatchObject({ severity: 'critical', title: 'Destroys data of AWS::DynamoDB::GlobalTable R' });
    expect(finding.message).toContain('replica eu-west-1 removed: the table there is deleted');
  });
});

describe('locks that keep data from being deleted early', () => {
  const bucket = (retention: object) =>
    one('AWS::S3::Bucket', {
      AbacStatus: 'Enabled',
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: retention } },
      Tags: prodTags,
    });
  const vault = (lock?: object) =>
    one('AWS::Backup::BackupVault', {
      BackupVaultName: 'orders',
      BackupVaultTags: { environment: 'production' },
      ...(lock ? { LockConfiguration: lock } : {}),
    });
  const messages = (findings: Finding[]) =>
    findings.filter((f) => f.ruleId === 'data-destroying-setting').map((f) => [f.severity, f.message]);

  it.each([
    [
      'shortened',
      { Mode: 'COMPLIANCE', Years: 1 },
      { Mode: 'COMPLIANCE', Days: 1 },
      'retention cut from 365 days to 1 day',
    ],
    [
      'weakened to GOVERNANCE',
      { Mode: 'COMPLIANCE', Days: 30 },
      { Mode: 'GOVERNANCE', Days: 30 },
      'no longer COMPLIANCE',
    ],
  ])('a production bucket whose default Object Lock retention is %s', (_what, before, after, text) => {
    const [[severity, message]] = messages(gate(bucket(before), bucket(after)));
    expect(severity).toBe('critical');
    expect(message).toContain(text);
  });

  it('a production Backup vault whose lock is removed or its minimum retention cut', () => {
    expect(messages(gate(vault({ MinRetentionDays: 30 }), vault()))[0]?.[1]).toContain('vault lock removed');
    expect(messages(gate(vault({ MinRetentionDays: 30 }), vault({ MinRetentionDays: 7 })))[0]?.[1]).toContain(
      'minimum retention cut from 30 to 7 days',
    );
    expect(messages(gate(vault({ MinRetentionDays: 7 }), vault({ MinRetentionDays: 30 })))).toEqual([]);
  });
});

describe('deletion protection, swept over the whole resource specification', () => {
  // Every property of every type the bundled specification describes whose name says it protects the resource
  // from deletion: switching it off must be a finding, whether or not the settings table names the type.
  const spec = JSON.parse(gunzipSync(readFileSync(resourceSpecPath())).toString('utf8')) as {
    resource: { entities: Record<string, { cloudFormationType: string; properties?: Record<string, unknown> }> };
  };
  const protections = Object.values(spec.resource.entities).flatMap((entity) =>
    Object.keys(entity.properties ?? {})
      .filter((property) => /(Deletion|Delete|Termination)Protection|DisableApiTermination/.test(property))
      .map((property) => [entity.cloudFormationType, property] as const),
  );

  it('finds the protection properties (more than twenty, on RDS, EKS, log groups, Auto Scaling ...)', () => {
    expect(protections.length).toBeGreaterThan(20);
    expect(protections).toEqual(
      expect.arrayContaining([
        ['AWS::EKS::Cluster', 'DeletionProtection'],
        ['AWS::Logs::LogGroup', 'DeletionProtectionEnabled'],
        ['AWS::AutoScaling::AutoScalingGroup', 'DeletionProtection'],
      ]),
    );
  });

  it.each(protections)('%s %s switched off is a data-destroying-setting finding', (type, property) => {
    // The words each service uses for on and off; a boolean elsewhere.
    const [on, off] =
      type === 'AWS::AutoScaling::AutoScalingGroup'
        ? ['prevent-all-deletion', 'none']
        : type === 'AWS::Cognito::UserPool'
          ? ['ACTIVE', 'INACTIVE']
          : property === 'DeletionProtectionCheck'
            ? ['APPLY', 'BYPASS']
            : [true, false];
    const resource = (value: unknown) => ({
      Resources: { It: { Type: type, Properties: { [property]: value, Tags: prodTags } } },
    });
    const findings = gate(resource(on), resource(off)).filter((f) => f.ruleId === 'data-destroying-setting');
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining(property)]);
    expect(gate(resource(on), resource(on))).toEqual([]);
  });
});

describe('retentions written as objects, or on types the table lacked before', () => {
  const change = (type: string, before: object, after: object) =>
    gate(one(type, before), one(type, after))
      .filter((f) => f.ruleId === 'data-destroying-setting')
      .map((f) => [f.severity, f.message.replace(/^.*in place: /, '').replace(/\. Change .*$/, '')]);

  it('IoT Analytics from unlimited to days, Recycle Bin retention, customer profile expiry, replicated RDS backups', () => {
    expect(
      change(
        'AWS::IoTAnalytics::Datastore',
        { RetentionPeriod: { Unlimited: true } },
        { RetentionPeriod: { NumberOfDays: 30 } },
      ),
    ).toEqual([['high', 'RetentionPeriod cut from unlimited to 30 days: older data is deleted']]);
    const bin = (days: number) => ({
      ResourceType: 'EBS_SNAPSHOT',
      RetentionPeriod: { RetentionPeriodValue: days, RetentionPeriodUnit: 'DAYS' },
    });
    expect(change('AWS::Rbin::Rule', bin(30), bin(7))).toEqual([
      [
        'low',
        'RetentionPeriod cut from 30 days to 7 days: deleted snapshots and AMIs are purged from the Recycle Bin sooner',
      ],
    ]);
    expect(
      change('AWS::CustomerProfiles::Domain', { DefaultExpirationDays: 365 }, { DefaultExpirationDays: 30 }),
    ).toEqual([['medium', 'DefaultExpirationDays cut from 365 days to 30 days: older data is deleted']]);
    const rds = (days: number) => ({
      Engine: 'postgres',
      DBInstanceClass: 'db.t3.micro',
      AutomaticBackupReplicationRetentionPeriod: days,
    });
    expect(change('AWS::RDS::DBInstance', rds(14), rds(3)).map(([severity]) => severity)).toEqual(['low']);
  });

  it('nothing when kept as long or longer, or when the value is only known at deployment', () => {
    expect(
      change(
        'AWS::IoTAnalytics::Datastore',
        { RetentionPeriod: { NumberOfDays: 30 } },
        { RetentionPeriod: { Unlimited: true } },
      ),
    ).toEqual([]);
    expect(
      change(
        'AWS::CustomerProfiles::Domain',
        { DefaultExpirationDays: 30 },
        { DefaultExpirationDays: { Ref: 'Days' } },
      ),
    ).toEqual([]);
  });
});
