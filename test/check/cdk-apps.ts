// Real CDK apps for the `leash check` tests, synthesized with aws-cdk-lib into a temporary directory. Each
// app has a "before" (the deployed baseline) and an "after" (what the pull request would deploy).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, NestedStack, RemovalPolicy, Stack, Stage, Tags, type IPolicyValidationPluginBeta1 } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { AccountRootPrincipal, ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

export type Version = 'before' | 'after';

export interface SynthesizedApps {
  readonly root: string;
  /** cdk.out of each app and version. */
  readonly wildcard: string;
  readonly clean: string;
  readonly database: Record<Version, string>;
  readonly nested: Record<Version, string>;
  readonly stage: Record<Version, string>;
  cleanup(): void;
}

function newApp(outdir: string, plugins: IPolicyValidationPluginBeta1[] = [], pathMetadata = false): App {
  return new App({
    outdir,
    ...(plugins.length > 0 ? { policyValidationBeta1: plugins } : {}),
    // The CDK CLI turns these on; `new App()` alone does not. One app keeps them off to test the fallback.
    context: { 'aws:cdk:enable-path-metadata': pathMetadata, 'aws:cdk:enable-asset-metadata': pathMetadata },
  });
}

/** A role that may do anything: what the audit rules must catch at synth time. */
export function addWildcardStack(app: Construct): Stack {
  const stack = new Stack(app, 'WildcardStack');
  const role = new Role(stack, 'AgentRole', { assumedBy: new AccountRootPrincipal() });
  role.addToPolicy(new PolicyStatement({ actions: ['*'], resources: ['*'] }));
  return stack;
}

/** A role that reads one bucket: nothing at or above `high`. */
export function addCleanStack(app: Construct): Stack {
  const stack = new Stack(app, 'CleanStack');
  const bucket = new Bucket(stack, 'Reports', { bucketName: 'leash-test-reports' });
  const role = new Role(stack, 'ReaderRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  bucket.grantRead(role);
  return stack;
}

/**
 * A production data stack and a dev stack. `after` changes the Orders table's partition key (KeySchema forces
 * replacement), removes the Uploads bucket, renames the retained Audit table, and in dev changes the Scratch
 * table's key and renames a topic (stateless: allowed).
 */
function addDatabaseStacks(app: Construct, version: Version): void {
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
}

/** A parent stack whose nested stack holds a table and a broad role; `after` drops the nested stack. */
function addNestedStacks(app: Construct, version: Version): void {
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
}

/** A `Prod` stage; `after` renames its table (TableName forces replacement). */
function addStage(app: Construct, version: Version): void {
  const stage = new Stage(app, 'Prod');
  const stack = new Stack(stage, 'Service');
  new Table(stack, 'Customers', {
    tableName: version === 'before' ? 'customers' : 'customers-v2',
    partitionKey: { name: 'id', type: AttributeType.STRING },
    removalPolicy: RemovalPolicy.DESTROY,
  });
}

/** Apps are synthesized on first use, once per test file, so each file pays only for what it reads. */
export function synthesizeApps(): SynthesizedApps {
  const root = mkdtempSync(join(tmpdir(), 'leash-check-'));
  const cache = new Map<string, string>();
  const synth = (name: string, build: (app: App) => void, pathMetadata = true) => {
    const cached = cache.get(name);
    if (cached) return cached;
    const outdir = join(root, name);
    const app = newApp(outdir, [], pathMetadata);
    build(app);
    app.synth();
    cache.set(name, outdir);
    return outdir;
  };
  const versions = (name: string, build: (app: App, version: Version) => void, pathMetadata = true) => ({
    get before() {
      return synth(`${name}-before`, (app) => build(app, 'before'), pathMetadata);
    },
    get after() {
      return synth(`${name}-after`, (app) => build(app, 'after'), pathMetadata);
    },
  });
  const database = versions('database', addDatabaseStacks);
  const nested = versions('nested', addNestedStacks, false);
  const stage = versions('stage', addStage);
  return {
    root,
    get wildcard() {
      return synth('wildcard', (app) => addWildcardStack(app));
    },
    get clean() {
      return synth('clean', (app) => addCleanStack(app));
    },
    database,
    nested,
    stage,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export { newApp };
