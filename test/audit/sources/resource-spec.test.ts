// The resource types extracted from the CloudFormation resource specification at build time must be exactly
// those of the pinned package, and cloudformation-diff (and leash through it) must read every resource type
// from them as it would from the whole database; a file of another version is not used.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { emptyDatabase } from '@aws-cdk/service-spec-types';
import {
  extractResourceSpec,
  loadResourceModel,
  resourceSpecPath,
  specPackage,
  useResourceOnlySpec,
} from '../../../lib/audit/sources/resource-spec';

const { source, databaseFile, module: specModule } = specPackage();
const packageLoader = specModule.loadAwsServiceSpecSync;
const databaseText = gunzipSync(readFileSync(databaseFile)).toString('utf8');

describe('the resource types of the CloudFormation resource specification', () => {
  it('are extracted at build time exactly as the pinned package holds them', () => {
    const built = JSON.parse(gunzipSync(readFileSync(resourceSpecPath())).toString('utf8')) as unknown;
    expect(built).toEqual(extractResourceSpec(databaseText, source));
  });

  it('give cloudformation-diff and leash every resource type as the whole database does', () => {
    expect(useResourceOnlySpec()).toBe(true);
    // Replaced only for the diff's own load: anything else in the process still gets the whole database.
    expect(specModule.loadAwsServiceSpecSync).toBe(packageLoader);
    const full = emptyDatabase();
    full.load(JSON.parse(databaseText));
    const all = full.all('resource');
    expect(all.length).toBeGreaterThan(1500);
    const differing = all
      .filter((resource) => JSON.stringify(loadResourceModel(resource.cloudFormationType)) !== JSON.stringify(resource))
      .map((resource) => resource.cloudFormationType);
    expect(differing).toEqual([]);
    expect(loadResourceModel('AWS::S3::Bucket')?.properties.BucketName?.causesReplacement).toBe('yes');
    expect(loadResourceModel('Custom::Anything')).toBeUndefined();
  });

  it('are not used from a file of another package version', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'leash-spec-')), 'resource-spec.json.gz');
    writeFileSync(
      file,
      gzipSync(JSON.stringify({ source: '@aws-cdk/aws-service-spec@0.0.1', idCtr: 0, resource: {} })),
    );
    jest.isolateModules(() => {
      // A fresh module: the installation above is remembered per module instance.
      type Module = typeof import('../../../lib/audit/sources/resource-spec');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('../../../lib/audit/sources/resource-spec') as Module;
      expect(fresh.useResourceOnlySpec(file)).toBe(false);
    });
  });
});
