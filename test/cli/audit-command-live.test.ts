// leash audit without --input reads the live account or organization (here the loopback AWS mock).
import { memoryIo, runCli } from '../../lib/cli/program';
import { accessKeyFor } from '../support/aws-mock/model';
import { type AwsMock, startAwsMock } from '../support/aws-mock/server';
import { isolateAwsEnvironment } from '../support/aws-mock/env';
import { MANAGEMENT, smallOrganization } from '../support/aws-mock/worlds';

let environment: ReturnType<typeof isolateAwsEnvironment>;
let mock: AwsMock | undefined;

beforeEach(async () => {
  environment = isolateAwsEnvironment();
  mock = await startAwsMock(smallOrganization());
  process.env.AWS_ENDPOINT_URL = mock.endpoint;
  process.env.AWS_ACCESS_KEY_ID = accessKeyFor(MANAGEMENT);
  process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret-for-tests';
});
afterEach(async () => {
  await mock?.close();
  environment.restore();
});

describe('leash audit (live)', () => {
  it('audits every readable account of the organization and exits 1 for the partial result', async () => {
    const io = memoryIo();
    const code = await runCli(['audit', '--org', '--concurrency', '2', '--format', 'json', '--fail-on', 'none'], io);
    expect(code).toBe(1);
    const report = JSON.parse(io.out);
    expect(report.accounts.length).toBeGreaterThan(1);
    expect(report.notAudited.length).toBeGreaterThan(0);
    expect(report.summary.partial).toBe(true);
  });

  it("reads the organization's RCPs as AWS applies them: RCPFullAWSAccess as no problem, the data perimeter as met", async () => {
    // Every level holds RCPFullAWSAccess (its Allow is the one an RCP may hold), and the root an RCP denying S3 to
    // principals outside the organization (aws:PrincipalOrgID), which the organization's own principals are not.
    const io = memoryIo();
    await runCli(['audit', '--org', '--concurrency', '2', '--format', 'json', '--fail-on', 'none'], io);
    const report = JSON.parse(io.out) as { findings: { ruleId: string; message: string }[] };
    const text = JSON.stringify(report.findings);
    expect(report.findings.filter((f) => f.ruleId === 'unreadable-policy').map((f) => f.message)).toEqual([]);
    expect(text).not.toMatch(/depend[^"]*aws:PrincipalOrgID/);
  });

  it('turns an AWS error into one clear message and exit 2', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAUNKNOWNCALLER000';
    const io = memoryIo();
    expect(await runCli(['audit'], io)).toBe(2);
    expect(io.err).toMatch(/^leash: .*InvalidClientTokenId/);
    expect(io.err).not.toContain('    at ');
  });
});
