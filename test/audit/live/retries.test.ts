import { loadLiveInput } from '../../../lib/audit/sources/live-input';
import { credentialsFor } from '../../support/aws-mock/model';
import { useAwsMock } from '../../support/aws-mock/harness';
import { DEV, LEGACY, MANAGEMENT, PROD } from '../../support/aws-mock/worlds';

const aws = useAwsMock();
const { serve } = aws;

const statuses = (operation: string, caller?: string) =>
  aws.mock.calls
    .filter((c) => c.operation === operation && (caller === undefined || c.callerAccountId === caller))
    .map((c) => c.error ?? c.status);

describe('retries and faults', () => {
  it('retries IAM throttling (400 Throttling) with the adaptive strategy and gets every page', async () => {
    const endpoints = await serve({
      iamPageSize: 3,
      faults: [{ kind: 'throttle', service: 'iam', times: 1, when: (r) => r.params.Marker !== undefined }],
    });
    const { accounts } = await loadLiveInput({ endpoints, credentials: credentialsFor(PROD) });
    // 10 entities at 3 a page: 4 pages; the second page was throttled, then answered.
    expect(statuses('GetAccountAuthorizationDetails')).toEqual([200, 'Throttling', 200, 200, 200]);
    expect(accounts[0].principals).toHaveLength(6);
    expect(accounts[0].managedPolicies).toHaveLength(4);
  });

  it('retries Organizations throttling (TooManyRequestsException) during the walk', async () => {
    const endpoints = await serve({
      organizationsPageSize: 1,
      faults: [{ kind: 'throttle', operation: 'ListAccountsForParent', times: 1 }],
    });
    const result = await loadLiveInput({
      org: true,
      retryMode: 'standard',
      endpoints,
      credentials: credentialsFor(MANAGEMENT),
    });
    expect(statuses('ListAccountsForParent').slice(0, 2)).toEqual(['TooManyRequestsException', 200]);
    expect(result.accounts.map((a) => a.accountId)).toEqual([MANAGEMENT, PROD, DEV]);
  });

  it('retries 5xx and dropped connections', async () => {
    const endpoints = await serve({
      faults: [
        { kind: 'server-error', operation: 'AssumeRole', times: 1 },
        { kind: 'reset', operation: 'DescribePolicy', times: 1 },
        { kind: 'server-error', operation: 'GetAccountAuthorizationDetails', callerAccountId: DEV, times: 2 },
      ],
    });
    const result = await loadLiveInput({
      org: true,
      retryMode: 'standard',
      endpoints,
      credentials: credentialsFor(MANAGEMENT),
    });
    expect(result.accounts.map((a) => a.accountId)).toEqual([MANAGEMENT, PROD, DEV]);
    expect(statuses('GetAccountAuthorizationDetails', DEV)).toEqual(['ServiceUnavailable', 'ServiceUnavailable', 200]);
    expect(statuses('DescribePolicy')[0]).toBe('reset');
    expect(statuses('AssumeRole')).toContain('ServiceUnavailable');
  });

  it('abandons a response that takes longer than the request timeout, and retries it', async () => {
    const endpoints = await serve({
      // An answer 6 s late: the client gives up after 200 ms and retries, long before it would come.
      faults: [{ kind: 'slow', operation: 'GetCallerIdentity', times: 1, delayMs: 6000 }],
    });
    const started = Date.now();
    const { accounts } = await loadLiveInput({
      endpoints,
      credentials: credentialsFor(PROD),
      requestTimeoutMs: 200,
      retryMode: 'standard',
    });
    expect(accounts[0].accountId).toBe(PROD);
    expect(statuses('GetCallerIdentity')).toEqual(['client gave up', 200]);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('puts an account whose reads keep failing into notAudited after maxAttempts, and audits the rest', async () => {
    const endpoints = await serve({
      faults: [{ kind: 'server-error', operation: 'GetAccountAuthorizationDetails', callerAccountId: PROD }],
    });
    const result = await loadLiveInput({
      org: true,
      maxAttempts: 3,
      retryMode: 'standard',
      endpoints,
      credentials: credentialsFor(MANAGEMENT),
    });
    expect(statuses('GetAccountAuthorizationDetails', PROD)).toEqual([
      'ServiceUnavailable',
      'ServiceUnavailable',
      'ServiceUnavailable',
    ]);
    expect(result.accounts.map((a) => a.accountId)).toEqual([MANAGEMENT, DEV]);
    expect(result.notAudited).toEqual([
      {
        accountId: PROD,
        accountName: 'prod',
        reason: expect.stringMatching(/^iam:GetAccountAuthorizationDetails: ServiceUnavailable/),
      },
      { accountId: LEGACY, accountName: 'legacy', reason: expect.stringContaining('sts:AssumeRole') },
    ]);
  });

  it('does not retry AccessDenied: the account is reported once, with the reason', async () => {
    const endpoints = await serve({
      faults: [{ kind: 'access-denied', operation: 'GetAccountAuthorizationDetails', callerAccountId: DEV }],
    });
    const result = await loadLiveInput({ org: true, endpoints, credentials: credentialsFor(MANAGEMENT) });
    expect(statuses('GetAccountAuthorizationDetails', DEV)).toEqual(['AccessDenied']);
    expect(result.notAudited.find((n) => n.accountId === DEV)?.reason).toMatch(
      /^iam:GetAccountAuthorizationDetails: AccessDenied: not authorized/,
    );
  });

  it('keeps an account whose SCPs cannot be read, marked unknown', async () => {
    const endpoints = await serve({
      faults: [{ kind: 'access-denied', operation: 'ListPoliciesForTarget', when: (r) => r.params.TargetId === DEV }],
    });
    const result = await loadLiveInput({ org: true, endpoints, credentials: credentialsFor(MANAGEMENT) });
    const dev = result.accounts.find((a) => a.accountId === DEV)!;
    expect(dev.organizationPoliciesKnown).toBe(false);
    expect(dev.serviceControlPolicies).toEqual([]);
    expect(dev.problems[0].message).toMatch(/AccessDeniedException.*unknown/);
    expect(result.accounts.find((a) => a.accountId === PROD)?.organizationPoliciesKnown).toBe(true);
  });
});
