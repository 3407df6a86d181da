// Accounts of one organization audited with one CompileCache give exactly what each gives alone, while the
// AWS managed policies and the SCP / RCP levels they share are compiled once.
import { auditAccount, type AuditResult } from '../../lib/audit/audit';
import { CompileCache } from '../../lib/audit/evaluate/compile-account';
import type { AccountSnapshot } from '../../lib/audit/sources/snapshot';
import { loadCatalog } from '../../lib/catalog';
import { generateOrganization } from '../../bench/generate-organization';

const NOW = new Date('2026-12-01T00:00:00Z');
const comparable = (result: AuditResult) => JSON.stringify({ ...result, stats: { ...result.stats, durationMs: 0 } });

const DENY_DELETES = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      Action: ['s3:Delete*', 'dynamodb:DeleteTable'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:ResourceTag/environment': 'production' } },
    },
  ],
};
const BROKEN = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Resource: '*' }] };

describe('CompileCache across the accounts of an organization', () => {
  const catalog = loadCatalog();
  const accounts: AccountSnapshot[] = generateOrganization(catalog, {
    accounts: 4,
    roles: 12,
    users: 4,
    rootScps: [DENY_DELETES, BROKEN],
    rootRcps: [DENY_DELETES],
  });
  // One account with a broken AWS managed policy document: every account attaching it must report it.
  const awsManaged = accounts[1].managedPolicies.find((policy) => policy.awsManaged)!;
  accounts[2] = {
    ...accounts[2],
    managedPolicies: accounts[2].managedPolicies.map((policy) =>
      policy.arn === awsManaged.arn ? { ...policy, document: BROKEN } : policy,
    ),
  };

  it('gives every account the result it gets alone, problems included', () => {
    const cache = new CompileCache(catalog);
    const shared = accounts.map((snapshot) => auditAccount(snapshot, { catalog, now: NOW, compileCache: cache }));
    const alone = accounts.map((snapshot) => auditAccount(snapshot, { catalog, now: NOW }));
    shared.forEach((result, i) => expect(comparable(result)).toBe(comparable(alone[i])));
    // The broken root SCP is reported by every account, not only by the first that compiled it.
    for (const result of shared) expect(result.problems.some((p) => p.where.includes('leash-scp-2'))).toBe(true);
    expect(shared.reduce((n, result) => n + result.findings.length, 0)).toBeGreaterThan(20);
  });

  it('compiles each shared AWS managed policy and each shared root and OU level once', () => {
    const cache = new CompileCache(catalog);
    for (const snapshot of accounts) auditAccount(snapshot, { catalog, now: NOW, compileCache: cache });
    const attached = new Set(
      accounts.flatMap((account) =>
        account.principals.flatMap((p) => p.managedPolicyArns.filter((arn) => arn.startsWith('arn:aws:iam::aws:'))),
      ),
    );
    // One entry per distinct (use, ARN, document): the changed document of account 3 is one more, no more.
    expect(cache.managed.size).toBeLessThanOrEqual(attached.size + 1);
    // Root and OU levels of SCPs and RCPs (4) once, the account levels (one per account and type) each.
    expect(cache.levels.size).toBe(4 + 2 * accounts.length);
  });

  it('refuses a cache made for another catalog', () => {
    const other = { ...catalog };
    expect(() =>
      auditAccount(accounts[0], { catalog: other, now: NOW, compileCache: new CompileCache(catalog) }),
    ).toThrow('another catalog');
  });
});
