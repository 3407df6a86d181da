// A pull request that makes a role able to destroy production cannot also silence the finding by adding a
// suppression to the config it carries: with the base branch's config known (--baseline-config), a suppression
// of the rules' findings applies when the base branch holds it as written, or with two approvers, as a
// destructive change's does.
import { join } from 'node:path';
import { loadStacks } from '../../lib/check/assembly';
import { checkStacks, APPROVALS_NOT_VERIFIED } from '../../lib/check/check';
import { LeashConfig, type Suppression } from '../../lib/config/schema';
import { catalog, now } from './gate-helpers';

/** The fixture's AdminRole: allowed every action on every resource (full-admin). */
const adminStacks = loadStacks([join(__dirname, '..', 'fixtures', 'templates', 'wildcard-admin.yaml')]);

const silence = (extra: Partial<Suppression> = {}) => ({
  ruleId: 'full-admin',
  logicalId: 'AdminRole',
  reason: 'The deployer needs it until the pipeline is split (PLAT-12).',
  expires: '2099-01-01',
  ...extra,
});

function fullAdmin(head: object[], base?: object[]) {
  const config = LeashConfig.parse({ suppressions: head });
  const result = checkStacks(adminStacks, undefined, 'test', {
    catalog,
    now,
    config,
    ...(base ? { baseSuppressions: LeashConfig.parse({ suppressions: base }).suppressions } : {}),
  });
  return { finding: result.findings.find((f) => f.ruleId === 'full-admin')!, caveats: result.caveats };
}

describe('suppressions of the rules on templates, against the base branch', () => {
  it('does not let a suppression the pull request adds silence a finding, and says why in it', () => {
    const { finding } = fullAdmin([silence()], []);
    expect(finding.suppressed).toBeUndefined();
    expect(finding.message).toContain(
      "suppressions[0] does not apply: it is not in the base branch's config (--baseline-config), and it has no approvers",
    );
  });

  it('applies one the base branch holds as written, and refuses one the pull request edited', () => {
    expect(fullAdmin([silence()], [silence()]).finding.suppressed).toBeDefined();
    const extended = fullAdmin([silence({ expires: '2199-01-01' })], [silence()]).finding;
    expect(extended.suppressed).toBeUndefined();
    expect(extended.message).toContain('suppressions[0] does not apply');
  });

  it('applies a new one that two people approve (names as written without verification, and said so)', () => {
    const { finding, caveats } = fullAdmin([silence({ approvedBy: ['alice', 'bob'] })], []);
    expect(finding.suppressed).toBeDefined();
    expect(caveats).toContain(APPROVALS_NOT_VERIFIED);
    const one = fullAdmin([silence({ approvedBy: ['alice', '@Alice'] })], []).finding;
    expect(one.suppressed).toBeUndefined();
  });

  it('refuses approvals that GitHub did not confirm', () => {
    const config = LeashConfig.parse({ suppressions: [silence({ approvedBy: ['alice', 'bob'] })] });
    const result = checkStacks(adminStacks, undefined, 'test', {
      catalog,
      now,
      config,
      baseSuppressions: [],
      verification: { kind: 'github', error: 'GITHUB_TOKEN not set' },
    });
    expect(result.findings.find((f) => f.ruleId === 'full-admin')?.suppressed).toBeUndefined();
  });

  it('leaves suppressions as they were without the base branch config', () => {
    expect(fullAdmin([silence()]).finding.suppressed).toBeDefined();
  });
});
