import { STSClient } from '@aws-sdk/client-sts';
import {
  assumeRoleCredentials,
  createAwsClients,
  destroyAwsClients,
  errorCode,
  isAccessDenied,
  partitionOf,
} from '../../../lib/audit/sources/aws-clients';
import { credentialsFor } from '../../support/aws-mock/model';
import { type AwsMock, startAwsMock } from '../../support/aws-mock/server';
import { isolateAwsEnvironment } from '../../support/aws-mock/env';
import { MANAGEMENT, PROD, smallOrganization } from '../../support/aws-mock/worlds';

let environment: ReturnType<typeof isolateAwsEnvironment>;
beforeEach(() => {
  environment = isolateAwsEnvironment();
});
afterEach(() => environment.restore());

describe('AWS clients', () => {
  it.each([
    [{}, {}, 8, 'adaptive'],
    [{ maxAttempts: 3, retryMode: 'standard' as const }, {}, 3, 'standard'],
    [{}, { AWS_MAX_ATTEMPTS: '5', AWS_RETRY_MODE: 'standard' }, 5, 'standard'],
    [{ maxAttempts: 2 }, { AWS_MAX_ATTEMPTS: '5' }, 2, 'adaptive'],
    [{}, { AWS_MAX_ATTEMPTS: 'many', AWS_RETRY_MODE: 'legacy' }, 8, 'adaptive'],
  ])('retries: settings %j with env %j give %i attempts, %s mode', async (settings, env, attempts, mode) => {
    Object.assign(process.env, env);
    const clients = createAwsClients({ ...settings, credentials: credentialsFor(MANAGEMENT) });
    try {
      expect(await clients.iam.config.maxAttempts()).toBe(attempts);
      // The strategy the SDK built from these settings is the one that runs.
      const strategy = await clients.organizations.config.retryStrategy();
      expect((strategy as { mode?: string }).mode).toBe(mode);
    } finally {
      destroyAwsClients(clients);
    }
  });

  it('reads error codes and access denials the way the SDK names them', () => {
    expect(errorCode(Object.assign(new Error('x'), { name: 'AccessDeniedException' }))).toBe('AccessDeniedException');
    expect(errorCode(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
    expect(isAccessDenied(Object.assign(new Error('x'), { name: 'AccessDenied' }))).toBe(true);
    expect(isAccessDenied(Object.assign(new Error('x'), { name: 'ThrottlingException' }))).toBe(false);
    expect(partitionOf('arn:aws-us-gov:iam::123456789012:user/a')).toBe('aws-us-gov');
    expect(partitionOf(undefined)).toBe('aws');
  });

  describe('assumed-role credentials', () => {
    let mock: AwsMock;
    afterEach(async () => mock.close());

    async function provider(sessionSeconds: number) {
      mock = await startAwsMock(smallOrganization(), { sessionSeconds });
      const sts = new STSClient({
        region: 'us-east-1',
        endpoint: mock.endpoint,
        credentials: credentialsFor(MANAGEMENT),
      });
      return assumeRoleCredentials(sts, `arn:aws:iam::${PROD}:role/leash-audit`, { sessionName: 'leash-audit' });
    }

    it('are fetched once and shared while valid', async () => {
      const credentials = await provider(3600);
      const [a, b] = await Promise.all([credentials(), credentials()]);
      const c = await credentials();
      expect(a).toBe(b);
      expect(c).toBe(a);
      expect(mock.calls.filter((call) => call.operation === 'AssumeRole')).toHaveLength(1);
    });

    it('are renewed when close to expiry', async () => {
      const credentials = await provider(60);
      const first = await credentials();
      const second = await credentials();
      expect(second.accessKeyId).not.toBe(first.accessKeyId);
      expect(mock.calls.filter((call) => call.operation === 'AssumeRole')).toHaveLength(2);
    });

    it('retry after a failure instead of caching it', async () => {
      const credentials = await provider(3600);
      mock.faults.push({ kind: 'access-denied', operation: 'AssumeRole', times: 1 });
      await expect(credentials()).rejects.toThrow(/not authorized/);
      await expect(credentials()).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    });
  });
});
