// Real CDK apps for the `leash check` tests: `node synth-apps.js <dir>` synthesizes each app into <dir>/<name>.
// Plain JavaScript run by node (not jest) because loading aws-cdk-lib through jest's module system is several
// times slower; test/check/cdk-apps.ts runs this once and shares the output between test files.
'use strict';
const { join } = require('node:path');
const { App, NestedStack, RemovalPolicy, Stack, Stage, Tags } = require('aws-cdk-lib');
const { AttributeType, Table } = require('aws-cdk-lib/aws-dynamodb');
const { AccountRootPrincipal, ManagedPolicy, PolicyStatement, Role, ServicePrincipal } = require('aws-cdk-lib/aws-iam');
const { Bucket } = require('aws-cdk-lib/aws-s3');
const { Topic } = require('aws-cdk-lib/aws-sns');

const root = process.argv[2];
if (!root) throw new Error('usage: node synth-apps.js <output directory>');

function synth(name, build, pathMetadata = true) {
  // The CDK CLI turns these on; `new App()` alone does not. The nested app keeps them off to test the fallback
  // (construct paths from the stack's metadata file, nested templates found by asset hash).
  const app = new App({
    outdir: join(root, name),
    context: { 'aws:cdk:enable-path-metadata': pathMetadata, 'aws:cdk:enable-asset-metadata': pathMetadata },
  });
  build(app);
  app.synth();
}

function versions(name, build, pathMetadata = true) {
  synth(`${name}-before`, (app) => build(app, 'before'), pathMetadata);
  synth(`${name}-after`, (app) => build(app, 'after'), pathMetadata);
}

// A role that may do anything.
synth('wildcard', (app) => {
  const stack = new Stack(app, 'WildcardStack');
  const role = new Role(stack, 'AgentRole', { assumedBy: new AccountRootPrincipal() });
  role.addToPolicy(new PolicyStatement({ actions: ['*'], resources: ['*'] }));
});

// A role that reads one bucket.
synth('clean', (app) => {
  const stack = new Stack(app, 'CleanStack');
  const bucket = new Bucket(stack, 'Reports', { bucketName: 'leash-test-reports' });
  const role = new Role(stack, 'ReaderRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  bucket.grantRead(role);
});

// A production data stack and a dev stack. `after` changes the Orders table's partition key (KeySchema forces
// replacement), removes the Uploads bucket, renames the retained Audit table, and in dev changes the Scratch
// table's key and renames a topic (stateless: allowed).
versions('database', (app, version) => {
  const data = new Stack(app, 'DataStack');
  Tags.of(data).add('environment', 'production');
  new Table(data, 'Orders', {
    partitionKey: { name: version === 'before' ? 'id' : 'orderId', type: AttributeType.STRING },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  if (version === 'before') new Bucket(data, 'Uploads', { removalPolicy: RemovalPolicy.DESTROY });
  new Table(data, 'Audit', {
    tableName: version === 'before' ? 'audit-v1' : 'audit-v2',
    partitionKey: { name: 'id', type: AttributeType.STRING },
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const dev = new Stack(app, 'DevStack');
  Tags.of(dev).add('environment', 'dev');
  new Table(dev, 'Scratch', {
    partitionKey: { name: version === 'before' ? 'id' : 'key', type: AttributeType.STRING },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  new Topic(dev, 'Events', { topicName: version === 'before' ? 'events-v1' : 'events-v2' });
});

// A parent stack whose nested stack holds a table and a broad role; `after` drops the nested stack.
versions(
  'nested',
  (app, version) => {
    const parent = new Stack(app, 'ParentStack');
    Tags.of(parent).add('environment', 'production');
    const policy = new ManagedPolicy(parent, 'DeployPolicy', {
      statements: [new PolicyStatement({ actions: ['cloudformation:*'], resources: ['*'] })],
    });
    if (version === 'before') {
      const nested = new NestedStack(parent, 'Storage');
      new Table(nested, 'Sessions', {
        partitionKey: { name: 'id', type: AttributeType.STRING },
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const role = new Role(nested, 'AdminRole', { assumedBy: new AccountRootPrincipal() });
      role.addToPolicy(new PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] }));
      role.addManagedPolicy(policy);
    }
  },
  false,
);

// A `Prod` stage; `after` renames its table (TableName forces replacement).
versions('stage', (app, version) => {
  const stage = new Stage(app, 'Prod');
  const stack = new Stack(stage, 'Service');
  new Table(stack, 'Customers', {
    tableName: version === 'before' ? 'customers' : 'customers-v2',
    partitionKey: { name: 'id', type: AttributeType.STRING },
    removalPolicy: RemovalPolicy.DESTROY,
  });
});
