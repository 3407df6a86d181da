import { join } from 'node:path';
import { checkStacks, runCheck } from '../../lib/check/check';
import { loadStacks } from '../../lib/check/assembly';
import { loadCatalog } from '../../lib/catalog';
import { synthesizeApps, type SynthesizedApps } from './cdk-apps';

const catalog = loadCatalog();
const fixture = (name: string) => join(__dirname, '..', 'fixtures', 'templates', name);
let apps: SynthesizedApps;

beforeAll(() => {
  apps = synthesizeApps();
});

describe('leash check on synthesized CDK apps', () => {
  it('finds the wildcard role and points at its template, logical id and construct path', () => {
    const result = runCheck([apps.wildcard], undefined, { catalog });
    const open = result.findings.filter((f) => !f.suppressed && (f.severity === 'critical' || f.severity === 'high'));
    expect(open.length).toBeGreaterThan(0);
    const admin = open.find((f) => f.ruleId === 'full-admin');
    expect(admin?.location).toMatchObject({
      logicalId: expect.stringMatching(/^AgentRole/),
      cdkPath: 'WildcardStack/AgentRole/Resource',
      file: expect.stringMatching(/WildcardStack\.template\.json$/),
    });
    expect(result.caveats).toContain(
      'No --baseline or --change-set given: the change gate (deletions and replacements) did not run.',
    );
  });

  it('finds nothing at or above high in the clean stack', () => {
    const result = runCheck([apps.clean], undefined, { catalog });
    const open = result.findings.filter((f) => !f.suppressed && (f.severity === 'critical' || f.severity === 'high'));
    expect(open).toEqual([]);
  });

  it('adds the change gate findings when a baseline is given', () => {
    const result = runCheck([apps.database.after], [apps.database.before], { catalog });
    const destructive = result.findings.filter((f) => f.category === 'destructive-change');
    expect(destructive.map((f) => f.title).sort()).toEqual([
      expect.stringMatching(/^Deletes AWS::S3::Bucket Uploads/),
      expect.stringMatching(/^Replaces AWS::DynamoDB::Table Audit/),
      expect.stringMatching(/^Replaces AWS::DynamoDB::Table Orders/),
      expect.stringMatching(/^Replaces AWS::DynamoDB::Table Scratch/),
    ]);
    expect(result.rules.some((rule) => rule.id === 'destructive-change')).toBe(true);
  });

  it('audits roles inside nested stacks and stages', () => {
    const nested = runCheck([apps.nested.before], undefined, { catalog });
    expect(nested.findings.some((f) => f.location?.cdkPath === 'ParentStack/Storage/AdminRole/Resource')).toBe(true);
  });
});

describe('leash check on YAML templates', () => {
  it('runs the rules on a template with short tags and keeps the unresolved parts as problems', () => {
    const result = checkStacks(
      loadStacks([fixture('wildcard-admin.yaml'), fixture('short-tags.yaml')]),
      undefined,
      'fixtures',
      {
        catalog,
      },
    );
    expect(result.findings.some((f) => f.location?.logicalId === 'AdminRole' && f.severity === 'critical')).toBe(true);
    expect(result.audit.problems.some((p) => p.where.includes('short-tags.yaml: Resources.AppRole'))).toBe(true);
  });
});
