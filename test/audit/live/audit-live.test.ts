// `leash audit` without --input reads the live organization through loadLiveInput: the whole path, from the
// SDK's default credential chain to the report, against the loopback AWS.
import { memoryIo, runCli } from '../../../lib/cli/program';
import { accessKeyFor } from '../../support/aws-mock/model';
import { type AwsMock, startAwsMock } from '../../support/aws-mock/server';
import { isolateAwsEnvironment } from '../../support/aws-mock/env';
import { DEV, LEGACY, MANAGEMENT, PROD, smallOrganization } from '../../support/aws-mock/worlds';

let environment: ReturnType<typeof isolateAwsEnvironment>;
let mock: AwsMock;

beforeEach(async () => {
  environment = isolateAwsEnvironment();
  mock = await startAwsMock(smallOrganization());
  process.env.AWS_ENDPOINT_URL = mock.endpoint;
  process.env.AWS_ACCESS_KEY_ID = accessKeyFor(MANAGEMENT);
  process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret-for-tests';
});
afterEach(async () => {
  await mock.close();
  environment.restore();
});

describe('leash audit --org (live)', () => {
  it('audits the readable accounts, lists the unreadable one and exits 1 for a partial audit', async () => {
    const io = memoryIo();
    const code = await runCli(['audit', '--org', '--format', 'json', '--fail-on', 'none'], io);
    expect(code).toBe(1);
    const report = JSON.parse(io.out) as {
      accounts: { accountId: string }[];
      notAudited: { accountId: string; reason: string }[];
    };
    expect(report.accounts.map((account) => account.accountId)).toEqual([MANAGEMENT, PROD, DEV]);
    expect(report.notAudited).toEqual([
      expect.objectContaining({ accountId: LEGACY, reason: expect.stringContaining('sts:AssumeRole') }),
    ]);
    // Every request was a read, made with the caller's keys or a leash-audit session.
    expect(mock.calls.every((call) => /^(List|Get|BatchGet|Describe|AssumeRole)/.test(call.operation))).toBe(true);
  });
});
