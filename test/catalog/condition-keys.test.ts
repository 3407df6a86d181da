// Which service condition keys exist, from the reference's condition-key tables: every key of every table is
// known (whatever placeholder it writes for the part a policy fills), a key of no table is not, and a key whose
// prefix is no service (aws:, an identity provider's) is not judged.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isKnownServiceConditionKey } from '../../lib/catalog/condition-keys';
import { dataPackageRoot } from '../../lib/catalog/load';
import { bundledPoliciesPath, type BundledPoliciesFile } from '../../lib/aws-managed/bundled';
import { loadCatalog } from '../../lib/catalog';
import { validatePolicy } from '../../lib/policy';

const TABLES = join(dataPackageRoot(), 'data', 'conditionKeys');

describe('isKnownServiceConditionKey', () => {
  it('knows every key of every table, a templated part filled in, in any case', () => {
    const unknown: string[] = [];
    let count = 0;
    for (const file of readdirSync(TABLES)) {
      const table = JSON.parse(readFileSync(join(TABLES, file), 'utf8')) as Record<string, { key: string }>;
      for (const { key } of Object.values(table)) {
        // A tag key after the slash where the reference writes none (`glacier:ResourceTag/`).
        const written = key
          .replace(/\$\{[^}]*\}/g, 'x')
          .replace(/<[^>]*>/g, 'x')
          .replace(/\/$/, '/x');
        for (const spelling of [written, written.toUpperCase()]) {
          count++;
          if (isKnownServiceConditionKey(spelling) === false) unknown.push(`${file}: ${spelling}`);
        }
      }
    }
    expect(count).toBeGreaterThan(4000);
    expect(unknown).toEqual([]);
  });

  it('does not know a service key no table lists', () => {
    expect(isKnownServiceConditionKey('rds:ResourceTag/environment')).toBe(false);
    expect(isKnownServiceConditionKey('rds:db-tags/environment')).toBe(false);
    expect(isKnownServiceConditionKey('s3:ExistingObjectTags/environment')).toBe(false);
    expect(isKnownServiceConditionKey('iam:PassedToServices')).toBe(false);
    // A templated key with nothing written after its fixed part names no key.
    expect(isKnownServiceConditionKey('rds:db-tag/')).toBe(false);
  });

  it('judges no key whose prefix has no table', () => {
    expect(isKnownServiceConditionKey('aws:ResourceTag/environment')).toBeUndefined();
    expect(isKnownServiceConditionKey('aws:ResourceTagz/environment')).toBeUndefined();
    expect(isKnownServiceConditionKey('token.actions.githubusercontent.com:sub')).toBeUndefined();
    expect(isKnownServiceConditionKey('saml:aud')).toBeUndefined();
    expect(isKnownServiceConditionKey('../../package:x')).toBeUndefined();
    expect(isKnownServiceConditionKey('no-colon')).toBeUndefined();
  });

  it("flags no key of AWS's own managed policies but the one the reference leaves out", () => {
    const bundled = JSON.parse(readFileSync(bundledPoliciesPath(), 'utf8')) as BundledPoliciesFile;
    const catalog = loadCatalog();
    const flagged = new Set<string>();
    for (const [name, [, text]] of Object.entries(bundled.policies)) {
      for (const problem of validatePolicy(JSON.parse(text), 'identity', catalog, { sizeKind: false })) {
        if (problem.message.includes('is not a condition key of')) flagged.add(`${name} ${problem.path}`);
      }
    }
    expect(Object.keys(bundled.policies).length).toBeGreaterThan(1000);
    // AWS's own policy uses lakeformation:GlueARN, which this reference's table does not list.
    expect([...flagged]).toEqual([expect.stringContaining('["lakeformation:GlueARN"]')]);
  });
});
