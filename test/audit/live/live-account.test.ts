import { LiveAuditInterrupted, loadLiveInput } from '../../../lib/audit/sources/live-input';
import { InputError } from '../../../lib/util/read-input';
import { AccountSnapshot } from '../../../lib/audit/sources/snapshot';
import { credentialsFor } from '../../support/aws-mock/model';
import { type AwsMock, mockEndpoints, startAwsMock } from '../../support/aws-mock/server';
import { isolateAwsEnvironment } from '../../support/aws-mock/env';
import { DENY_PROD_DELETES, DEV, MANAGEMENT, PROD, smallOrganization, STANDALONE } from '../../support/aws-mock/worlds';

let environment: ReturnType<typeof isolateAwsEnvironment>;
let mock: AwsMock;

beforeEach(async () => {
  environment = isolateAwsEnvironment();
  mock = await startAwsMock(smallOrganization(), { iamPageSize: 2 });
});
afterEach(async () => {
  await mock.close();
  environment.restore();
});

function endpoints() {
  return mockEndpoints(mock);
}

describe('live account audit', () => {
  it('reads every page of the authorization details and decodes the documents', async () => {
    const result = await loadLiveInput({ endpoints: endpoints(), credentials: credentialsFor(STANDALONE) });
    expect(result.notAudited).toEqual([]);
    const [account] = result.accounts;
    expect(AccountSnapshot.parse(account)).toEqual(account);
    expect(account.accountId).toBe(STANDALONE);
    expect(account.source.kind).toBe('live');
    expect(account.principals.map((p) => `${p.kind}:${p.name}`).sort()).toEqual([
      'group:admins',
      'role:AWSServiceRoleForSupport',
      'role:deployer',
      'user:alice',
    ]);
    const alice = account.principals.find((p) => p.name === 'alice');
    expect(alice?.inlinePolicies[0].document).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'logs:Get*', Resource: '*' }],
    });
    expect(alice?.groups).toEqual(['admins']);
    expect(alice?.tags).toEqual({ team: 'platform' });
    const deployer = account.principals.find((p) => p.name === 'deployer');
    expect(deployer?.permissionsBoundaryArn).toBe(`arn:aws:iam::${STANDALONE}:policy/agent-boundary`);
    expect(deployer?.path).toBe('/ci/');
    expect(account.principals.find((p) => p.name === 'AWSServiceRoleForSupport')?.serviceLinked).toBe(true);
    expect(account.managedPolicies.map((p) => [p.name, p.awsManaged]).sort()).toEqual([
      ['AWSSupportServiceRolePolicy', true],
      ['AdministratorAccess', true],
      ['agent-boundary', false],
      ['deploy', false],
    ]);
    expect(account.problems).toEqual([]);
    // 8 entities at 2 a page: 4 pages, chained by Marker.
    const pages = mock.calls.filter((c) => c.operation === 'GetAccountAuthorizationDetails');
    expect(pages).toHaveLength(4);
    expect(pages.map((c) => c.params.Marker === undefined)).toEqual([true, false, false, false]);
    // Outside an organization no SCP can apply, and that is known.
    expect(account.organizationPoliciesKnown).toBe(true);
    expect(account.serviceControlPolicies).toEqual([]);
    expect(account.organizationId).toBeUndefined();
  });

  it('reads the SCP and RCP chain from the root down when the account may', async () => {
    // A delegated administrator reading its own account.
    const world = smallOrganization();
    world.organization!.delegatedAdministrators = [PROD];
    await mock.close();
    mock = await startAwsMock(world);
    const { accounts } = await loadLiveInput({ endpoints: endpoints(), credentials: credentialsFor(PROD) });
    const [account] = accounts;
    expect(account.organizationPoliciesKnown).toBe(true);
    expect(account.isManagementAccount).toBe(false);
    expect(account.organizationId).toBe('o-exampleorg1');
    expect(
      account.serviceControlPolicies.map((level) => [level.kind, level.id, level.policies.map((p) => p.name)]),
    ).toEqual([
      ['root', 'r-root1', ['FullAWSAccess']],
      ['ou', 'ou-root1-work', ['FullAWSAccess']],
      ['ou', 'ou-root1-prod', ['FullAWSAccess', 'deny-prod-deletes']],
      ['account', PROD, ['FullAWSAccess']],
    ]);
    expect(account.serviceControlPolicies[2].policies[1].document).toEqual(DENY_PROD_DELETES);
    expect(account.resourceControlPolicies[0].policies.map((p) => p.name)).toEqual([
      'RCPFullAWSAccess',
      'deny-external-s3',
    ]);
    // FullAWSAccess is attached at four levels but described once.
    const described = mock.calls.filter((c) => c.operation === 'DescribePolicy').map((c) => c.params.PolicyId);
    expect(described.filter((id) => id === 'p-FullAWSAccess')).toHaveLength(1);
  });

  it('records unknown SCPs, not "no SCPs", when a member account may not read the organization', async () => {
    const { accounts } = await loadLiveInput({ endpoints: endpoints(), credentials: credentialsFor(DEV) });
    const [account] = accounts;
    expect(account.organizationPoliciesKnown).toBe(false);
    expect(account.serviceControlPolicies).toEqual([]);
    // A member may still learn its organization (aws:PrincipalOrgID of its principals), if not its SCPs.
    expect(account.organizationId).toBe('o-exampleorg1');
    expect(account.problems).toEqual([
      expect.objectContaining({
        where: 'organizations:ListParents',
        message: expect.stringContaining('AccessDeniedException'),
      }),
    ]);
    expect(account.principals.length).toBeGreaterThan(0);
  });

  it('marks the management account, to which SCPs never apply', async () => {
    const { accounts } = await loadLiveInput({ endpoints: endpoints(), credentials: credentialsFor(MANAGEMENT) });
    expect(accounts[0]).toMatchObject({
      accountId: MANAGEMENT,
      isManagementAccount: true,
      organizationPoliciesKnown: true,
      organizationId: 'o-exampleorg1',
    });
    expect(accounts[0].serviceControlPolicies).toEqual([]);
  });

  it('reports progress in accounts: (0, 1) then (1, 1)', async () => {
    const progress: [number, number][] = [];
    await loadLiveInput({
      endpoints: endpoints(),
      credentials: credentialsFor(DEV),
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(progress).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });

  it('rejects with LiveAuditInterrupted when aborted mid-read', async () => {
    // The answer would take 6 s; the abort must end the read long before (a generous bound: CI machines stall).
    mock.faults.push({ kind: 'slow', operation: 'GetAccountAuthorizationDetails', delayMs: 6000 });
    const controller = new AbortController();
    const started = Date.now();
    const pending = loadLiveInput({
      endpoints: endpoints(),
      credentials: credentialsFor(DEV),
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 0) setTimeout(() => controller.abort(), 50);
      },
    });
    await expect(pending).rejects.toBeInstanceOf(LiveAuditInterrupted);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('turns an AWS refusal to start into one InputError line', async () => {
    mock.faults.push({ kind: 'access-denied', operation: 'GetAccountAuthorizationDetails' });
    const error = await loadLiveInput({ endpoints: endpoints(), credentials: credentialsFor(DEV) }).catch((err) => err);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /^live audit: AccessDenied: not authorized to perform iam:GetAccountAuthorizationDetails \(see templates\/iam\/auditor-policy.json/,
    );
  });

  it('stops the reads running beside one that failed: nothing is answered or retried after the error', async () => {
    // The organization and compute reads are still going when the IAM read is refused; left running, they are
    // retried against destroyed clients and keep the CLI's process alive after it has reported the error.
    mock.faults.push(
      { kind: 'access-denied', operation: 'GetAccountAuthorizationDetails' },
      { kind: 'slow', operation: 'DescribeOrganization', delayMs: 300 },
      { kind: 'slow', operation: 'DescribeRegions', delayMs: 300 },
    );
    const error = await loadLiveInput({ endpoints: endpoints(), credentials: credentialsFor(DEV) }).catch((err) => err);
    expect(error).toBeInstanceOf(InputError);
    const callsAtError = mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // A request already on its way may still arrive, but the client has dropped it: none is answered or retried.
    const late = mock.calls.slice(callsAtError);
    expect(late.filter((call) => call.error !== 'client gave up').map((call) => call.operation)).toEqual([]);
    expect(mock.calls.filter((call) => call.operation === 'DescribeOrganization')).toHaveLength(1);
  });
});
