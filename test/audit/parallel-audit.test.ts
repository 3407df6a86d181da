// The parallel audit (worker threads over slices of the principals) must give exactly the single-threaded
// result: same findings in the same order, same counts, problems, suppressions and caveats. Worker threads
// run compiled JavaScript, so this runs the built modules (npm test builds first).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as AuditModule from '../../lib/audit/audit';
import type * as ParallelModule from '../../lib/audit/parallel-audit';
import type * as SourcesModule from '../../lib/audit/sources';
import type * as CatalogModule from '../../lib/catalog';
import type * as ConfigModule from '../../lib/config/schema';
import type * as GeneratorModule from '../../bench/generate-account';
import type * as OrganizationGeneratorModule from '../../bench/generate-organization';
import type * as OrganizationModule from '../../lib/audit/organization-audit';
import { contiguousSlices, weightedSlices } from '../../lib/audit/parallel-audit';

const root = join(__dirname, '..', '..');
const dist = join(root, 'dist');
const built = existsSync(join(dist, 'lib', 'audit', 'audit-worker.js'));
/* eslint-disable @typescript-eslint/no-require-imports -- the built modules, on purpose (see above) */
const load = <T>(path: string): T => require(join(dist, path)) as T;

const NOW = new Date('2026-12-01T00:00:00Z');

/** The result as a report would print it, without the one field that differs by nature (its duration). */
const comparable = (result: AuditModule.AuditResult) =>
  JSON.stringify({ ...result, stats: { ...result.stats, durationMs: 0 } });

describe('contiguousSlices()', () => {
  it.each([
    [10, 3, [4, 3, 3]],
    [2, 4, [1, 1]],
    [0, 2, []],
    [10_000, 2, [5000, 5000]],
  ])('splits %i principals into %i slices of sizes %j, in order, covering each once', (count, parts, sizes) => {
    const slices = contiguousSlices(count, parts);
    expect(slices.map((s) => s.end - s.start)).toEqual(sizes);
    slices.forEach((slice, i) => expect(slice.start).toBe(i === 0 ? 0 : slices[i - 1].end));
  });
});

describe('weightedSlices()', () => {
  it.each([
    [10, [0.4, 1, 1], [2, 4, 4]],
    [3, [0.4, 1, 1], [1, 1, 1]],
    [2, [0.4, 1, 1], [1, 1]],
    [10_000, [0.4, 1], [2857, 7143]],
    [7, [1, 1, 1], [3, 2, 2]],
  ])(
    'splits %i items by weights %j into contiguous slices of sizes %j, leaving out empty ones',
    (count, weights, sizes) => {
      const slices = weightedSlices(count, weights);
      expect(slices.map((s) => s.end - s.start)).toEqual(sizes);
      expect(slices.reduce((sum, s) => sum + s.end - s.start, 0)).toBe(count);
      slices.forEach((slice, i) => expect(slice.start).toBe(i === 0 ? 0 : slices[i - 1].end));
    },
  );
});

(built ? describe : describe.skip)('auditAccountInParallel (built, real worker threads)', () => {
  const { auditAccount } = load<typeof AuditModule>('lib/audit/audit.js');
  const { auditAccountInParallel } = load<typeof ParallelModule>('lib/audit/parallel-audit.js');
  const { loadAuditInput } = load<typeof SourcesModule>('lib/audit/sources/index.js');
  const { loadCatalog } = load<typeof CatalogModule>('lib/catalog/index.js');
  const { LeashConfig } = load<typeof ConfigModule>('lib/config/schema.js');
  const { generateAccount } = load<typeof GeneratorModule>('bench/generate-account.js');
  const catalog = loadCatalog();

  async function expectSameAsOneThread(
    snapshot: Parameters<typeof auditAccount>[0],
    config: ConfigModule.LeashConfig,
    workers: number,
  ): Promise<AuditModule.AuditResult> {
    const single = auditAccount(snapshot, { catalog, config, now: NOW });
    const parallel = await auditAccountInParallel(snapshot, { catalog, config, now: NOW, workers, threshold: 0 });
    expect(comparable(parallel)).toBe(comparable(single));
    return parallel;
  }

  it('finds exactly what one thread finds on the example account with its SCPs', async () => {
    const input = await loadAuditInput({
      input: [join(root, 'examples/example-account/authorization-details.json')],
      scp: [join(root, 'examples/example-account/scps.json')],
    });
    const config = LeashConfig.parse(require(join(root, 'examples/example-account/leash.config.json')));
    const result = await expectSameAsOneThread(input.accounts[0], config, 2);
    expect(result.findings.length).toBeGreaterThan(50);
  });

  it('finds exactly what one thread finds under a region deny and a resource perimeter (each slice asks in the regions too)', async () => {
    const input = await loadAuditInput({
      input: [join(root, 'examples/example-account/authorization-details.json')],
      scp: [join(root, 'examples/example-account/scps.json')],
    });
    const account = input.accounts[0];
    const deny = (name: string, statement: object) => ({
      name,
      document: { Version: '2012-10-17', Statement: [statement] },
    });
    const [rootLevel, ...rest] = account.serviceControlPolicies;
    const guarded = {
      ...account,
      serviceControlPolicies: [
        {
          ...rootLevel,
          policies: [
            ...rootLevel.policies,
            deny('regions', {
              Effect: 'Deny',
              NotAction: ['iam:*', 'sts:*', 'organizations:*'],
              Resource: '*',
              Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } },
            }),
            deny('perimeter', {
              Effect: 'Deny',
              Action: '*',
              Resource: '*',
              Condition: { StringNotEqualsIfExists: { 'aws:ResourceOrgID': account.organizationId } },
            }),
          ],
        },
        ...rest,
      ],
    };
    const config = LeashConfig.parse(require(join(root, 'examples/example-account/leash.config.json')));
    const result = await expectSameAsOneThread(guarded, config, 2);
    // Neither policy stops what the account's own principals do in an allowed region.
    expect(result.findings.some((f) => f.details?.requestedRegion === 'eu-west-1')).toBe(true);
    expect(result.findings.filter((f) => f.severity === 'critical').length).toBeGreaterThan(30);
  });

  it('finds exactly what one thread finds on a generated account with users in groups, suppressions in and out of date, on 3 workers', async () => {
    const details = generateAccount(catalog, { roles: 150, customerManagedPolicies: 40, users: 30, seed: 7 });
    const { parseAuthorizationDetails } = load<typeof SourcesModule>('lib/audit/sources/index.js');
    const snapshot = parseAuthorizationDetails(details, 'generated.json');
    const config = LeashConfig.parse({
      suppressions: [
        {
          ruleId: '*',
          principalArn: 'arn:aws:iam::*:role/svc-1*',
          reason: 'owned by the platform team',
          expires: '2099-01-01',
        },
        { ruleId: '*', principalArn: 'arn:aws:iam::*:user/user-1*', reason: 'old exception', expires: '2020-01-01' },
      ],
    });
    const result = await expectSameAsOneThread(snapshot, config, 3);
    expect(result.findings.some((finding) => finding.suppressed)).toBe(true);
    expect(result.expiredSuppressions[0].matched).toBeGreaterThan(0);
    expect(snapshot.principals.some((p) => p.kind === 'user' && p.groups.length > 0)).toBe(true);
  });

  it('joins the goal rules: direct findings from every slice, transitive paths over the whole account (this thread and one worker)', async () => {
    const details = generateAccount(catalog, { roles: 200, customerManagedPolicies: 40, users: 20, seed: 11 });
    const { parseAuthorizationDetails } = load<typeof SourcesModule>('lib/audit/sources/index.js');
    const snapshot = parseAuthorizationDetails(details, 'generated.json');
    const result = await expectSameAsOneThread(snapshot, LeashConfig.parse({}), 1);
    // Paths that start in one slice and end at a goal found in another are what the join must not lose.
    const transitive = (ruleId: string) =>
      result.findings.filter((f) => f.ruleId === ruleId && (f.details as { transitive?: boolean }).transitive);
    const direct = result.findings.filter(
      (f) => f.ruleId === 'can-delete-production' && !(f.details as { transitive?: boolean }).transitive,
    );
    expect(direct.length).toBeGreaterThan(0);
    expect(transitive('can-delete-production').length).toBeGreaterThan(0);
  });

  it('reuses an organization goal pass (compiled account, direct checks) the way one thread does', async () => {
    const { generateOrganization } = load<typeof OrganizationGeneratorModule>('bench/generate-organization.js');
    const { organizationAuditContext } = load<typeof OrganizationModule>('lib/audit/organization-audit.js');
    const accounts = generateOrganization(catalog, { accounts: 3, roles: 60 });
    const config = LeashConfig.parse({});
    const context = () => organizationAuditContext(accounts, { catalog, config, now: NOW });
    const one = context();
    const many = context();
    for (const snapshot of accounts) {
      const over = { catalog, config, now: NOW, graph: one.graph, organizationGoals: one.organizationGoals };
      const single = auditAccount(snapshot, { ...over, prepared: one.preparedFor(snapshot) });
      const parallel = await auditAccountInParallel(snapshot, {
        ...over,
        graph: many.graph,
        organizationGoals: many.organizationGoals,
        prepared: many.preparedFor(snapshot),
        workers: 1,
        threshold: 0,
      });
      expect(comparable(parallel)).toBe(comparable(single));
      expect(single.findings.some((f) => f.ruleId === 'can-delete-production')).toBe(true);
    }
  });

  it('stays on one thread below the threshold, with the same result', async () => {
    const input = await loadAuditInput({ input: [join(root, 'examples/example-account/authorization-details.json')] });
    const single = auditAccount(input.accounts[0], { catalog, now: NOW });
    const parallel = await auditAccountInParallel(input.accounts[0], { catalog, now: NOW, workers: 2 });
    expect(comparable(parallel)).toBe(comparable(single));
  });
});
