import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { memoryIo, runCli } from '../../lib/cli/program';
import { AccountSnapshot, OrganizationSnapshot } from '../../lib/audit/sources/snapshot';
import { loadInputFile } from '../../lib/audit/sources';
import { accessKeyFor } from '../support/aws-mock/model';
import type { MockServerOptions } from '../support/aws-mock/server';
import { useAwsMock } from '../support/aws-mock/harness';
import { DEV, LEGACY, MANAGEMENT, PROD } from '../support/aws-mock/worlds';

const aws = useAwsMock();

/** The CLI uses the SDK's own chain: credentials and endpoint come from the environment, as with the AWS CLI. */
async function serve(callerAccountId: string, options: MockServerOptions = {}) {
  const mock = await aws.start(options);
  process.env.AWS_ENDPOINT_URL = mock.endpoint;
  process.env.AWS_ACCESS_KEY_ID = accessKeyFor(callerAccountId);
  process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret-for-tests';
}

describe('leash snapshot', () => {
  it('writes an organization snapshot that `leash audit --input` accepts, and exits 1 when an account was not readable', async () => {
    await serve(MANAGEMENT);
    const out = join(aws.environment.dir, 'org.json');
    const io = memoryIo();
    const code = await runCli(['snapshot', '--org', '--out', out, '--concurrency', '2'], io);
    expect(code).toBe(1);
    const written = OrganizationSnapshot.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(written.organizationId).toBe('o-exampleorg1');
    expect(written.managementAccountId).toBe(MANAGEMENT);
    expect(written.accounts.map((a) => a.accountId)).toEqual([MANAGEMENT, PROD, DEV]);
    expect(written.notAudited.map((n) => n.accountId)).toEqual([LEGACY]);
    const loaded = loadInputFile(out);
    expect(loaded.accounts).toHaveLength(3);
    expect(loaded.notAudited).toHaveLength(1);
    expect(io.err).toContain(`wrote ${out}: 3 account(s)`);
    expect(io.err).toMatch(/not audited: 444444444444 \(legacy\): sts:AssumeRole/);
    // Not a terminal: no progress bar.
    expect(io.err).not.toContain('\r');
    expect(io.out).toBe('');
  });

  it('writes one account snapshot without --org, exit 0', async () => {
    await serve(DEV);
    const out = join(aws.environment.dir, 'dev.json');
    const io = memoryIo();
    expect(await runCli(['snapshot', '--out', out], io)).toBe(0);
    const written = AccountSnapshot.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(written.accountId).toBe(DEV);
    expect(written.organizationPoliciesKnown).toBe(false);
    expect(io.err).toContain('SCPs and RCPs unknown');
    expect(loadInputFile(out).accounts[0].accountId).toBe(DEV);
  });

  it('keeps the compute inventory in the snapshot, and names every list it could not read', async () => {
    await serve(PROD, { faults: [{ kind: 'access-denied', operation: 'ListFunctions' }] });
    const out = join(aws.environment.dir, 'prod.json');
    const io = memoryIo();
    expect(await runCli(['snapshot', '--out', out], io)).toBe(0);
    const written = AccountSnapshot.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(written.inventory?.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(written.inventory?.lambdaFunctions).toBeUndefined();
    expect(written.inventory?.ecsTasks).toHaveLength(2);
    expect(io.err).toContain(
      `${PROD}: compute inventory incomplete: lambda:ListFunctions (${PROD}, eu-west-1): AccessDeniedException`,
    );
  });

  it('reads queue policies through the endpoint it is given, not the queue URL host, and says what it could not read', async () => {
    // AWS_ENDPOINT_URL stands for any endpoint other than the queue URL's host (a VPC or FIPS endpoint): the
    // SDK's default would send GetQueueAttributes to the queue URL host instead, warn on the console, and fail.
    await serve(PROD, { faults: [{ kind: 'access-denied', operation: 'GetKeyPolicy' }] });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const out = join(aws.environment.dir, 'queues.json');
      const io = memoryIo();
      expect(await runCli(['snapshot', '--out', out], io)).toBe(0);
      const written = AccountSnapshot.parse(JSON.parse(readFileSync(out, 'utf8')));
      expect(aws.mock.calls.filter((c) => c.operation === 'GetQueueAttributes' && c.status === 200)).toHaveLength(2);
      expect(written.problems.filter((p) => p.where.startsWith('sqs:'))).toEqual([]);
      expect(warn).not.toHaveBeenCalled();
      // A resource policy it could not read is in the file and on the terminal, with where and why.
      const kms = written.problems.filter((p) => p.where.startsWith('kms:'));
      expect(kms.length).toBeGreaterThan(0);
      for (const problem of kms) expect(io.err).toContain(`${PROD}: ${problem.where}: ${problem.message}`);
      expect(io.err).toMatch(/AccessDenied/);
    } finally {
      warn.mockRestore();
    }
  });

  it('reads credentials from the named profile', async () => {
    await serve(MANAGEMENT);
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    writeFileSync(
      process.env.AWS_SHARED_CREDENTIALS_FILE!,
      `[audit]\naws_access_key_id = ${accessKeyFor(PROD)}\naws_secret_access_key = fake\n`,
    );
    const out = join(aws.environment.dir, 'prod.json');
    expect(await runCli(['snapshot', '--out', out, '--profile', 'audit'], memoryIo())).toBe(0);
    expect(AccountSnapshot.parse(JSON.parse(readFileSync(out, 'utf8'))).accountId).toBe(PROD);
  });

  it('draws a progress bar on a terminal', async () => {
    await serve(MANAGEMENT);
    const terminal = Object.assign(memoryIo(), { interactive: true });
    expect(await runCli(['snapshot', '--org', '--out', join(aws.environment.dir, 'o.json')], terminal)).toBe(1);
    // Each redraw returns to the line start and clears it.
    const redraw = '\r\u001b[2K';
    expect(terminal.err).toContain(`${redraw}accounts ${'░'.repeat(24)} 0/4`);
    expect(terminal.err).toContain(`${redraw}accounts ${'█'.repeat(24)} 4/4`);
    // The bar is cleared before the summary.
    expect(terminal.err).toContain(`${redraw}leash snapshot: wrote`);
  });

  it('stops on Ctrl-C, writes nothing and exits 130', async () => {
    await serve(MANAGEMENT, { faults: [{ kind: 'slow', operation: 'GetAccountAuthorizationDetails', delayMs: 400 }] });
    const out = join(aws.environment.dir, 'never.json');
    const io = memoryIo();
    const pending = runCli(['snapshot', '--org', '--out', out, '--concurrency', '1'], io);
    // Once the first account is being read, press Ctrl-C.
    while (!aws.mock.calls.some((c) => c.operation === 'GetAccountAuthorizationDetails')) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    process.emit('SIGINT');
    expect(await pending).toBe(130);
    expect(existsSync(out)).toBe(false);
    expect(io.err).toMatch(/interrupted after reading 0 and failing 0 of 4 accounts/);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('explains a failure to read the organization in one line, exit 2', async () => {
    await serve(DEV);
    const io = memoryIo();
    expect(await runCli(['snapshot', '--org', '--out', join(aws.environment.dir, 'x.json')], io)).toBe(2);
    expect(io.err).toMatch(
      /^leash: live audit: AccessDeniedException: .*management account or a delegated administrator.*auditor-policy\.json\)\n$/,
    );
  });

  it('says plainly when there are no AWS credentials, exit 2', async () => {
    // Only empty config files, no keys, no metadata service: the SDK chain finds nothing.
    const io = memoryIo();
    expect(await runCli(['snapshot', '--out', join(aws.environment.dir, 'x.json')], io)).toBe(2);
    expect(io.err).toMatch(/^leash: live audit: CredentialsProviderError: .*\(no AWS credentials: use --profile/);
  });

  it('rejects a bad --concurrency', async () => {
    const io = memoryIo();
    expect(await runCli(['snapshot', '--out', 'x.json', '--concurrency', '0'], io)).toBe(2);
    expect(io.err).toContain('--concurrency must be a whole number of at least 1');
  });
});
