// `leash audit` over an organization: one access graph over every account, so a principal of one account that
// can act as a role of another one is judged by what that role can do (test/fixtures/organization/two-accounts.json:
// alice in tooling 111111111111 may assume prod-* roles of production 222222222222, which trust tooling's root).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo, runCli } from '../../lib/cli/program';

const FIXTURE = join(__dirname, '..', 'fixtures', 'organization', 'two-accounts.json');
const TOOLING = '111111111111';
const PRODUCTION = '222222222222';
const ALICE = `arn:aws:iam::${TOOLING}:user/alice`;

interface ReportFinding {
  ruleId: string;
  severity: string;
  accountId: string;
  principalArn?: string;
  message: string;
  details?: { transitive?: boolean; path?: { to: string; hops: { to: string; kind: string }[] } };
}

async function audit(...inputs: string[]): Promise<ReportFinding[]> {
  const io = memoryIo();
  const args = ['audit', ...inputs.flatMap((input) => ['--input', input]), '--format', 'json', '--fail-on', 'none'];
  const code = await runCli(args, io);
  expect({ code, err: io.err }).toEqual({ code: 0, err: '' });
  return (JSON.parse(io.out) as { findings: ReportFinding[] }).findings;
}

const about = (findings: ReportFinding[], arn: string, ruleId: string) =>
  findings.filter((f) => f.principalArn === arn && f.ruleId === ruleId);

/** Findings as text, in a stable order, to compare two runs. */
const comparable = (findings: ReportFinding[]) => findings.map((f) => JSON.stringify(f)).sort();

describe('leash audit over an organization', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leash-org-audit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const organization = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { accounts: { accountId: string }[] };
  /** One account of the fixture as its own account snapshot file. */
  const alone = (accountId: string) => {
    const file = join(dir, `${accountId}.json`);
    writeFileSync(file, JSON.stringify(organization.accounts.find((a) => a.accountId === accountId)));
    return file;
  };

  it('reports a principal of one account that can delete production through a role of another account', async () => {
    const findings = await audit(FIXTURE);
    const [finding] = about(findings, ALICE, 'can-delete-production');
    expect(finding).toMatchObject({ severity: 'critical', accountId: TOOLING });
    expect(finding.message).toContain(`user/alice → assume ${PRODUCTION}:role/prod-dba → rds:DeleteDBInstance`);
    expect(finding.details?.path?.hops).toEqual([
      expect.objectContaining({ kind: 'assume-role', to: `arn:aws:iam::${PRODUCTION}:role/prod-dba` }),
    ]);
  });

  it('reports escalation through a role of another account that can raise its own permissions', async () => {
    const [finding] = about(await audit(FIXTURE), ALICE, 'privilege-escalation');
    expect(finding.message).toContain(`assume ${PRODUCTION}:role/prod-iam`);
    expect(finding.details?.path?.to).toBe(`arn:aws:iam::${PRODUCTION}:role/prod-iam`);
  });

  it('sees no such path when the tooling account is audited alone (the production account is not in the input)', async () => {
    const findings = await audit(alone(TOOLING));
    expect(about(findings, ALICE, 'can-delete-production')).toEqual([]);
    expect(about(findings, ALICE, 'privilege-escalation')).toEqual([]);
  });

  it('leaves the production account’s own findings as they are when it is audited alone', async () => {
    const inOrganization = (await audit(FIXTURE)).filter((f) => f.accountId === PRODUCTION);
    expect(inOrganization.length).toBeGreaterThan(0);
    expect(comparable(inOrganization)).toEqual(comparable(await audit(alone(PRODUCTION))));
  });

  it('gives the same findings when the two accounts come as separate files', async () => {
    expect(comparable(await audit(alone(TOOLING), alone(PRODUCTION)))).toEqual(comparable(await audit(FIXTURE)));
  });
});
