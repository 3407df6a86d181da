// The CloudFormation resource specification (@aws-cdk/aws-service-spec), as leash and @aws-cdk/cloudformation-diff
// read it: only its resource types (properties and what changing them replaces, attributes, ARN formats, tag
// and stateful information). The package's database also holds every nested type, metric and event; loading it
// cost about 0.85 s of CPU on every `leash check` (gunzip, parse and index 2.6 MB), where the resource types
// alone load in a few tens of milliseconds. `npm run build` extracts them beside this module
// (bin/extract-resource-spec.ts), keyed by the package's version; this module hands them to cloudformation-diff
// before its first lookup, so the diff and leash read the same entities. Without the file, or with one of another
// version, the whole database is loaded as before: correctness never depends on it (a test compares every
// resource type with the full database).
import { readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadResourceModel as diffResourceModel } from '@aws-cdk/cloudformation-diff/lib/diff/util';
import type { Resource } from '@aws-cdk/service-spec-types';

export const RESOURCE_SPEC_FILE = 'resource-spec.json.gz';

/** The extracted file: the package version it came from, and the database's resource collection as saved. */
export interface ResourceSpecFile {
  readonly source: string;
  readonly idCtr: number;
  readonly resource: unknown;
}

interface SpecPackage {
  loadAwsServiceSpecSync(): unknown;
}

/** The aws-service-spec module cloudformation-diff itself loads (resolved from its directory), and its version. */
export function specPackage(): { module: SpecPackage; source: string; databaseFile: string } {
  const diffDir = dirname(require.resolve('@aws-cdk/cloudformation-diff'));
  const entry = require.resolve('@aws-cdk/aws-service-spec', { paths: [diffDir] });
  const root = join(dirname(entry), '..');
  const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the very module instance the diff uses
  const module = require(entry) as SpecPackage;
  return {
    module,
    source: `${name}@${version}`,
    databaseFile: join(root, 'db.json.gz'),
  };
}

/** The resource collection of the package's full database, as its own file holds it. */
export function extractResourceSpec(databaseText: string, source: string): ResourceSpecFile {
  const database = JSON.parse(databaseText) as { idCtr: number; schema: { resource: unknown } };
  return { source, idCtr: database.idCtr, resource: database.schema.resource };
}

/** Where the extracted file lives: beside the compiled module (tests from sources read the built one). */
export function resourceSpecPath(): string {
  if (extname(__filename) !== '.ts') return join(__dirname, RESOURCE_SPEC_FILE);
  return join(__dirname, '..', '..', '..', 'dist', 'lib', 'audit', 'sources', RESOURCE_SPEC_FILE);
}

let installed: boolean | undefined;

/**
 * Make cloudformation-diff (and leash through it) load only the resource types, once, before its first lookup.
 * The package's loader is replaced only for that one load (made here, at once) and then put back, so nothing
 * else in the process (a CDK app running the validation plugin) ever gets the partial database. True when the
 * diff holds the resource types alone; false when it holds (or will load) the whole database: no extracted
 * file, one of another package version, a database the diff loaded before, or any failure on the way.
 */
export function useResourceOnlySpec(file: string = resourceSpecPath()): boolean {
  if (installed !== undefined) return installed;
  installed = false;
  let spec: ReturnType<typeof specPackage> | undefined;
  let full: SpecPackage['loadAwsServiceSpecSync'] | undefined;
  try {
    spec = specPackage();
    const extracted = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as ResourceSpecFile;
    if (extracted.source !== spec.source) return false;
    full = spec.module.loadAwsServiceSpecSync;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded with the file, not before
    const { emptyDatabase } = require('@aws-cdk/service-spec-types') as typeof import('@aws-cdk/service-spec-types');
    let used = false;
    spec.module.loadAwsServiceSpecSync = () => {
      used = true;
      const database = emptyDatabase();
      database.load({ idCtr: extracted.idCtr, schema: { resource: extracted.resource } });
      return database;
    };
    // The diff loads its database on its first lookup and keeps it: make that happen now, through the loader above.
    diffResourceModel('AWS::S3::Bucket');
    installed = used;
  } catch {
    installed = false;
  } finally {
    if (spec && full) spec.module.loadAwsServiceSpecSync = full;
  }
  return installed;
}

/** The specification of a resource type (undefined for one it does not know: a custom or third-party type). */
export function loadResourceModel(type: string): Resource | undefined {
  useResourceOnlySpec();
  return diffResourceModel(type);
}
