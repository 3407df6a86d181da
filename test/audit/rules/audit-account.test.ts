// auditAccount: the runner around the rule pack (suppressions, summaries, a failing rule).
import { applySuppressions, auditAccount } from '../../../lib/audit/audit';
import * as fullAdmin from '../../../lib/audit/rules/full-admin';
import type { Finding, Rule } from '../../../lib/audit/rules/types';
import type { AccountSnapshot } from '../../../lib/audit/sources/snapshot';
import { LeashConfig } from '../../../lib/config/schema';
import { allow, catalog, doc, roleArn, snapshot } from './helpers';

const account = snapshot({
  principals: [
    { name: 'admin-a', policies: [doc(allow('*'))] },
    { name: 'admin-b', policies: [doc(allow('*'))] },
    { name: 'reader', policies: [doc(allow('s3:GetObject'))] },
  ],
});
const NOW = new Date('2026-06-15T12:00:00Z');
const audit = (suppressions: unknown[], rules: Rule[] = [fullAdmin]) =>
  auditAccount(account, { catalog, rules, now: NOW, config: LeashConfig.parse({ suppressions }) });

describe('auditAccount', () => {
  it('summarises findings per principal and overall', () => {
    const result = audit([]);
    expect(result.stats).toMatchObject({ principals: 3, roles: 3, findings: 2, suppressed: 0 });
    expect(result.stats.bySeverity.critical).toBe(2);
    const reader = result.principals.find((p) => p.arn === roleArn('reader'));
    expect(reader?.worstSeverity).toBeUndefined();
    expect(result.principals.find((p) => p.arn === roleArn('admin-a'))?.worstSeverity).toBe('critical');
    expect(result.caveats[0]).toContain('Service control policies were not read');
    // What no input of the audit holds is said, not assumed away.
    expect(result.caveats.join('\n')).toContain('Resource-based policies');
  });

  it('says when the SCP chain given leaves out the account level, and not when it holds one', () => {
    const chain = (kinds: ('root' | 'ou' | 'account')[]): AccountSnapshot => ({
      ...account,
      organizationPoliciesKnown: true,
      serviceControlPolicies: kinds.map((kind, i) => ({
        kind,
        id: kind === 'root' ? 'r-ab12' : kind === 'ou' ? `ou-ab12-prod000${i}` : account.accountId,
        policies: [{ name: 'FullAWSAccess', document: doc(allow('*')) }],
      })),
    });
    const caveatOf = (snapshot: AccountSnapshot) =>
      auditAccount(snapshot, { catalog, rules: [fullAdmin], now: NOW, config: LeashConfig.parse({}) }).caveats.find(
        (text) => text.includes('no account level'),
      );
    expect(caveatOf(chain(['root', 'ou']))).toMatch(/^The SCP chain has no account level: the SCPs attached to/);
    expect(caveatOf(chain(['root', 'ou', 'account']))).toBeUndefined();
    // SCPs not read at all is its own caveat, and the management account has none to leave out.
    expect(caveatOf(account)).toBeUndefined();
    expect(caveatOf({ ...chain(['root']), isManagementAccount: true })).toBeUndefined();
  });

  it('names the resources and principals whose tags only read as the production tag (a typo, a lookalike)', () => {
    const tagged: AccountSnapshot = {
      ...snapshot({
        principals: [
          { name: 'orders-api', tags: { environment: 'prodution' } },
          { name: 'billing', tags: { environment: 'production' } },
          { name: 'sandbox', tags: { environment: 'dev' } },
        ],
      }),
      resources: [
        { arn: 'arn:aws:dynamodb:us-east-1:111122223333:table/orders', tags: { environment: 'prod\u00a0' } },
        { arn: 'arn:aws:s3:::acme-data', tags: { Environment: 'PROD' } },
      ],
    };
    const result = auditAccount(tagged, { catalog, rules: [fullAdmin], now: NOW, config: LeashConfig.parse({}) });
    const caveat = result.caveats.find((text) => text.includes('read as the production tag'));
    expect(caveat).toContain('2 tag(s) read as the production tag but IAM does not match them');
    expect(caveat).toContain(`${roleArn('orders-api')} ("environment"="prodution", a typo of environment=production)`);
    expect(caveat).toContain('table/orders ("environment"="prod\\u00a0", reads as environment=prod)');
    expect(caveat).toContain('name the key and value in guardrails.production');
    // The config's own spelling decides: misspelt there, every correctly tagged resource is named.
    const misspelt = LeashConfig.parse({ guardrails: { production: { tagKeys: ['enviroment'] } } });
    const typoConfig = auditAccount(tagged, { catalog, rules: [fullAdmin], now: NOW, config: misspelt });
    expect(typoConfig.caveats.join('\n')).toContain(
      'arn:aws:s3:::acme-data ("Environment"="PROD", a typo of enviroment=prod)',
    );
    expect(audit([]).caveats.join('\n')).not.toContain('read as the production tag');
  });

  it('marks findings an in-date suppression matches (by rule and principal pattern) and stops counting them', () => {
    const result = audit([
      {
        ruleId: 'full-admin',
        principalArn: 'arn:aws:iam::*:role/admin-a',
        reason: 'break-glass by design',
        expires: '2026-06-15',
      },
    ]);
    const suppressed = result.findings.filter((f) => f.suppressed);
    expect(suppressed.map((f) => f.principalArn)).toEqual([roleArn('admin-a')]);
    expect(suppressed[0].suppressed).toEqual({ reason: 'break-glass by design', expires: '2026-06-15' });
    expect(result.stats).toMatchObject({ findings: 2, suppressed: 1 });
    expect(result.stats.bySeverity.critical).toBe(1);
  });

  it('no longer applies a suppression after its expiry day, and reports it as expired', () => {
    const result = audit([
      {
        ruleId: 'full-admin',
        principalArn: 'arn:aws:iam::*:role/admin-*',
        reason: 'until the migration',
        expires: '2026-06-14',
      },
    ]);
    expect(result.findings.filter((f) => f.suppressed)).toEqual([]);
    expect(result.expiredSuppressions).toEqual([
      expect.objectContaining({ matched: 2, suppression: expect.objectContaining({ expires: '2026-06-14' }) }),
    ]);
  });

  it('does not apply a suppression for another rule or principal', () => {
    const findings: Finding[] = audit([]).findings.slice();
    const { findings: out } = applySuppressions(
      findings,
      LeashConfig.parse({
        suppressions: [
          { ruleId: 'missing-boundary', reason: 'a different rule entirely', expires: '2099-01-01' },
          {
            ruleId: 'full-admin',
            principalArn: roleArn('reader'),
            reason: 'a different principal',
            expires: '2099-01-01',
          },
        ],
      }).suppressions,
      NOW,
    );
    expect(out.some((f) => f.suppressed)).toBe(false);
  });

  it('goes on without a rule whose check throws, and says so', () => {
    const broken: Rule = {
      meta: { ...fullAdmin.meta, id: 'broken-rule' },
      check() {
        throw new Error('boom');
      },
    };
    const result = audit([], [broken, fullAdmin]);
    expect(result.stats.failedRules).toEqual([{ ruleId: 'broken-rule', message: 'boom' }]);
    expect(result.findings).toHaveLength(2);
  });
});

describe('auditAccount in batches of principals', () => {
  it('finds exactly what the single pass finds on the example account, each statement cited once a finding', async () => {
    const { loadAuditInput } = await import('../../../lib/audit/sources');
    const input = await loadAuditInput({
      input: ['examples/example-account/authorization-details.json'],
      scp: ['examples/example-account/scps.json'],
    });
    const key = (f: Finding) => `${f.ruleId}|${f.principalArn ?? ''}|${f.severity}|${f.message}`;
    const single = auditAccount(input.accounts[0], { catalog, now: NOW, principalBatch: 10_000 });
    const batched = auditAccount(input.accounts[0], { catalog, now: NOW, principalBatch: 4 });
    expect(batched.findings.map(key)).toEqual(single.findings.map(key));
    expect(single.findings.length).toBeGreaterThan(50);
    // No rule cites one statement twice in a finding (paths and a principal's own ways can share statements).
    const repeated = single.findings.filter((f) => {
      const cited = f.evidence.map((e) => `${e.policyKind}|${e.policy}|${e.statementIndex}|${e.note ?? ''}`);
      return new Set(cited).size !== cited.length;
    });
    expect(repeated.map(key)).toEqual([]);
  });
});
