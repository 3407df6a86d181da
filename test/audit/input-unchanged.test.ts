// An audit never changes what it reads. The policy parse cache relies on it: under the cache, a parsed
// document and its normalised form share arrays and objects with the snapshot instead of copying them, so a
// rule or the evaluator writing to either would change the input, the evidence in reports and every later
// answer about the same document. Frozen deeply, the snapshot makes any such write throw (strict mode).
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditAccount, type AuditResult } from '../../lib/audit/audit';
import { loadInputFile } from '../../lib/audit/sources';
import type { AccountSnapshot } from '../../lib/audit/sources/snapshot';
import { loadCatalog } from '../../lib/catalog';
import { generateAccount } from '../../bench/generate-account';

const catalog = loadCatalog();
const NOW = new Date('2026-12-01T00:00:00Z');
const root = join(__dirname, '..', '..');

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

const comparable = (result: AuditResult) => JSON.stringify({ ...result, stats: { ...result.stats, durationMs: 0 } });

/** The account read from `file` twice: one copy to freeze, one to audit as usual. */
function twoCopies(file: string): [AccountSnapshot, AccountSnapshot] {
  return [loadInputFile(file).accounts[0], loadInputFile(file).accounts[0]];
}

describe('an audit of a frozen snapshot', () => {
  const example = join(root, 'examples', 'example-account', 'authorization-details.json');
  const file = join(tmpdir(), `leash-frozen-${process.pid}.json`);
  afterAll(() => rmSync(file, { force: true }));
  const generated = () => {
    writeFileSync(
      file,
      JSON.stringify(generateAccount(catalog, { roles: 60, users: 20, customerManagedPolicies: 40 })),
    );
    return file;
  };

  it.each([
    ['the bundled example account', () => example],
    ['a generated account (CDK- and Terraform-style roles, shared managed policies)', generated],
  ])('%s: no rule fails and the findings are those of an unfrozen copy', (_, fileOf) => {
    const [frozen, plain] = twoCopies(fileOf());
    deepFreeze(frozen);
    const result = auditAccount(frozen, { catalog, now: NOW });
    // A rule that throws (a write to a frozen object does) is recorded, not raised: check for none.
    expect(result.stats.failedRules).toEqual([]);
    expect(result.findings.length).toBeGreaterThan(0);
    expect(comparable(result)).toBe(comparable(auditAccount(plain, { catalog, now: NOW })));
  });
});
