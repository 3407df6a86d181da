// CloudFormation resource types whose deletion or replacement loses data or identity that cannot be
// recreated from the template: these get DeletionPolicy and UpdateReplacePolicy Retain in production.
// Chosen per type from the CloudFormation resource reference; "why" says what a replacement would lose.
// The Aspect and the stack policies also protect every type the CI gate counts as stateful, so what the
// gate would stop deleting is what production stacks retain.
import { DATA_STORE_TYPES, statefulReason } from '../check/stateful-types';

/** Resource type → what is lost when CloudFormation deletes or replaces it. */
export const STATEFUL_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  // Databases and data stores
  'AWS::RDS::DBInstance': 'database data (automated backups are deleted with the instance by default)',
  'AWS::RDS::DBCluster': 'database data of the cluster',
  'AWS::RDS::GlobalCluster': 'the global database and its replication topology',
  'AWS::DynamoDB::Table': 'every item of the table',
  'AWS::DynamoDB::GlobalTable': 'every item of every replica',
  'AWS::DocDB::DBCluster': 'document database data',
  'AWS::DocDBElastic::Cluster': 'document database data',
  'AWS::Neptune::DBCluster': 'graph database data',
  'AWS::Redshift::Cluster': 'data warehouse data',
  'AWS::RedshiftServerless::Namespace': 'data warehouse data',
  'AWS::ElastiCache::ReplicationGroup': 'cache contents (sessions, queues kept in Redis/Valkey)',
  'AWS::ElastiCache::ServerlessCache': 'cache contents',
  'AWS::MemoryDB::Cluster': 'durable in-memory database data',
  'AWS::OpenSearchService::Domain': 'search indices',
  'AWS::Elasticsearch::Domain': 'search indices',
  'AWS::Timestream::Database': 'time series data',
  'AWS::Timestream::Table': 'time series data',
  'AWS::Cassandra::Keyspace': 'Keyspaces tables',
  'AWS::Cassandra::Table': 'Keyspaces table data',
  'AWS::QLDB::Ledger': 'the ledger journal',
  // Storage
  'AWS::S3::Bucket': 'every object (and the bucket name, which anyone may claim after deletion)',
  'AWS::S3Express::DirectoryBucket': 'every object',
  'AWS::EFS::FileSystem': 'file system contents',
  'AWS::FSx::FileSystem': 'file system contents',
  'AWS::EC2::Volume': 'volume contents',
  'AWS::Backup::BackupVault': 'recovery points (the backups themselves)',
  'AWS::ECR::Repository': 'container images, including ones running in production',
  // Streams and queues: messages in flight
  'AWS::Kinesis::Stream': 'records not yet consumed',
  'AWS::SQS::Queue': 'messages not yet consumed',
  'AWS::MSK::Cluster': 'topic data',
  // Keys, secrets and identities: losing them makes other data unreadable or users unable to sign in
  'AWS::KMS::Key': 'the key material; everything encrypted under it becomes unreadable',
  'AWS::SecretsManager::Secret': 'the secret value and its version history',
  'AWS::Cognito::UserPool': 'every user account and its credentials',
  'AWS::Cognito::IdentityPool': 'identity ids of every user',
  // Audit trail and DNS identity
  'AWS::Logs::LogGroup': 'log events (the audit trail of what happened)',
  'AWS::CloudTrail::Trail': 'the trail configuration (the audit log stops while it is recreated)',
  'AWS::Route53::HostedZone': 'the zone and its name servers (delegations point at the old ones)',
};

/**
 * Whether CloudFormation type `type` holds what a deletion or replacement destroys: it is in the list above,
 * among the extra types given, or stateful for the CI gate (the AWS service specification's flag, the gate's
 * data stores, CloudFormation modules, and types the bundled specification does not describe, such as
 * registry types, which may hold data).
 */
export function isStatefulResourceType(type: string, additional: readonly string[] = []): boolean {
  return (
    Object.hasOwn(STATEFUL_RESOURCE_TYPES, type) || additional.includes(type) || statefulReason(type) !== undefined
  );
}

/**
 * The stateful types known by name (the list above and the gate's data stores), sorted: a stack policy denies
 * by these, so a resource of one added after the policy was written is covered too.
 */
export function statefulTypeNames(): string[] {
  return [...new Set([...Object.keys(STATEFUL_RESOURCE_TYPES), ...Object.keys(DATA_STORE_TYPES)])].sort();
}
