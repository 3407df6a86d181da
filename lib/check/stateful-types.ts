// Which resource types hold data that a deletion or replacement destroys: the AWS service specification's
// `isStateful` flag, plus the data stores (and containers of data stores) the specification does not mark.
import { loadResourceModel } from '../audit/sources/resource-spec';

/**
 * Data stores the service specification does not flag as stateful. Every entry is checked against the
 * specification in the tests, so a misspelt type cannot silently protect nothing. Documented in docs/ci.md.
 */
export const DATA_STORE_TYPES: Readonly<Record<string, string>> = {
  'AWS::Timestream::Database': 'time-series database',
  'AWS::Timestream::Table': 'time-series table',
  'AWS::Timestream::InfluxDBInstance': 'InfluxDB database',
  'AWS::MemoryDB::Cluster': 'in-memory database (durable)',
  'AWS::RedshiftServerless::Namespace': 'data warehouse storage',
  'AWS::RedshiftServerless::Workgroup': 'data warehouse compute with its namespace',
  'AWS::Cassandra::Keyspace': 'Keyspaces keyspace (its tables go with it)',
  'AWS::Cassandra::Table': 'Keyspaces table',
  'AWS::OpenSearchServerless::Collection': 'search collection',
  'AWS::MSK::Cluster': 'Kafka topics',
  'AWS::MSK::ServerlessCluster': 'Kafka topics',
  'AWS::AmazonMQ::Broker': 'message broker with persistent queues',
  'AWS::CodeCommit::Repository': 'git repository',
  'AWS::NeptuneGraph::Graph': 'graph database',
  'AWS::DocDBElastic::Cluster': 'document database',
  'AWS::ElastiCache::ServerlessCache': 'cache with snapshots',
  'AWS::ElastiCache::GlobalReplicationGroup': 'cross-Region cache',
  'AWS::RDS::GlobalCluster': 'cross-Region database',
  'AWS::DSQL::Cluster': 'database',
  'AWS::DAX::Cluster': 'DynamoDB cache',
  'AWS::ECR::Repository': 'container images',
  'AWS::Glue::Database': 'data catalog database',
  'AWS::Glue::Table': 'data catalog table',
  'AWS::S3Express::DirectoryBucket': 'objects',
  'AWS::S3Tables::TableBucket': 'tables',
  'AWS::S3Tables::Namespace': 'tables',
  'AWS::S3Tables::Table': 'table data',
  'AWS::FSx::Volume': 'file system volume',
  'AWS::Lightsail::Database': 'database',
  'AWS::Lightsail::Disk': 'block storage',
  'AWS::IoTAnalytics::Datastore': 'IoT data',
  'AWS::HealthLake::FHIRDatastore': 'health records',
  'AWS::CloudTrail::EventDataStore': 'audit events',
  'AWS::Events::Archive': 'archived events',
  'AWS::Route53::HostedZone': 'DNS records',
  'AWS::ACMPCA::CertificateAuthority': 'private CA keys',
  'AWS::Omics::SequenceStore': 'genomic data',
  'AWS::Omics::ReferenceStore': 'genomic data',
  'AWS::Omics::VariantStore': 'genomic data',
  'AWS::Kendra::Index': 'search index',
  'AWS::Bedrock::KnowledgeBase': 'vector index',
  'AWS::KinesisVideo::Stream': 'video data',
  'AWS::Detective::Graph': 'security graph',
  'AWS::Serverless::SimpleTable': 'DynamoDB table (SAM)',
  'AWS::KMS::ReplicaKey': 'key material: what it encrypted becomes unreadable',
  'AWS::SageMaker::FeatureGroup': 'feature store records',
  'AWS::HealthImaging::Datastore': 'medical images',
  'AWS::MediaStore::Container': 'media objects',
  'AWS::CodeArtifact::Repository': 'packages',
  'AWS::CodeArtifact::Domain': 'package assets of its repositories',
  'AWS::ECR::PublicRepository': 'container images',
  'AWS::Lightsail::Bucket': 'objects',
  'AWS::S3Outposts::Bucket': 'objects',
  'AWS::Backup::LogicallyAirGappedBackupVault': 'recovery points',
  'AWS::SES::ContactList': 'contacts',
  'AWS::Pinpoint::App': 'endpoints and segments',
  'AWS::Connect::Instance': 'contact center users, flows and contact records',
  'AWS::Cognito::IdentityPool': 'identity ids of its users',
  'AWS::DirectoryService::MicrosoftAD': 'a directory of users and computers',
  'AWS::DirectoryService::SimpleAD': 'a directory of users and computers',
  'AWS::SageMaker::Domain': 'user home directories (its EFS file system)',
  'AWS::WorkSpaces::Workspace': 'user and root volumes',
  'AWS::Location::Tracker': 'device positions',
  'AWS::Personalize::Dataset': 'training data',
  'AWS::QuickSight::DataSet': 'imported (SPICE) data',
  'AWS::Glue::Registry': 'schemas and their versions',
  'AWS::Glue::Schema': 'schema versions',
  'AWS::ManagedBlockchain::Member': 'ledger data',
  'AWS::IoTSiteWise::Asset': 'property value history',
  'AWS::SecurityLake::DataLake': 'security logs',
  'AWS::CloudFront::KeyValueStore': 'key-value data',
  'AWS::DataZone::Domain': 'a data catalog',
  'AWS::MWAA::Environment': 'its metadata database (DAG and task history)',
  // Containers: removing them deletes whatever they hold, which may not be visible from this template.
  'AWS::CloudFormation::StackSet': 'stacks in every target account',
  'AWS::Serverless::Application': 'a nested stack (SAM) whose resources go with it',
  'AWS::ServiceCatalog::CloudFormationProvisionedProduct': 'a provisioned product: its stack is terminated with it',
};

/**
 * A CloudFormation module (`Org::Service::UseCase::MODULE`, from the registry): it makes its resources at
 * deployment, from a template in the registry that no input holds.
 */
export function isModuleType(resourceType: string): boolean {
  return /^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+::MODULE$/.test(resourceType);
}

/** Types outside the specification known to hold nothing: CDK's metadata resource (its version report). */
const HOLDS_NOTHING: ReadonlySet<string> = new Set(['AWS::CDK::Metadata']);

/** Why a type counts as stateful (`service specification` or the data-store list), or undefined. */
export function statefulReason(resourceType: string): string | undefined {
  if (loadResourceModel(resourceType)?.isStateful === true) return 'marked stateful in the AWS service specification';
  if (isModuleType(resourceType)) {
    return 'a CloudFormation module: the resources it makes at deployment, data stores included, go with it';
  }
  // A registry or third-party type (a MongoDB Atlas cluster, a Datadog monitor), or an AWS type newer than the
  // bundled specification: whether it holds data is unknown, so it is taken as holding some. Custom resources
  // are judged by what their handler does instead (custom-resources.ts).
  if (
    !resourceType.startsWith('Custom::') &&
    !HOLDS_NOTHING.has(resourceType) &&
    loadResourceModel(resourceType) === undefined
  ) {
    return 'a type the bundled AWS specification does not describe (a registry or third-party type, or one newer than the specification): it may hold data';
  }
  const listed = DATA_STORE_TYPES[resourceType];
  return listed ? `a data store (${listed})` : undefined;
}

export function isStateful(resourceType: string): boolean {
  return statefulReason(resourceType) !== undefined;
}
