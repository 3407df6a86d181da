import { LiveAuditInterrupted, loadLiveInput } from '../../../lib/audit/sources/live-input';
import { AccountSnapshot } from '../../../lib/audit/sources/snapshot';
import { credentialsFor } from '../../support/aws-mock/model';
import { useAwsMock } from '../../support/aws-mock/harness';
import {
  DEV,
  LEGACY,
  MANAGEMENT,
  PROD,
  smallOrganization,
  SUSPENDED,
  syntheticOrganization,
} from '../../support/aws-mock/worlds';

const aws = useAwsMock();
const { serve } = aws;

/** The organization of a synthetic `world`, read from its management account two accounts at once. */
function readFromManagement(
  world: ReturnType<typeof syntheticOrganization>,
  endpoints: Parameters<typeof loadLiveInput>[0]['endpoints'],
) {
  return loadLiveInput({
    org: true,
    concurrency: 2,
    endpoints,
    credentials: credentialsFor(world.organization!.managementAccountId),
  });
}

describe('organization audit', () => {
  it('audits every ACTIVE account and reports the one whose role cannot be assumed', async () => {
    const endpoints = await serve({ organizationsPageSize: 1 });
    const progress: [number, number][] = [];
    const result = await loadLiveInput({
      org: true,
      endpoints,
      credentials: credentialsFor(MANAGEMENT),
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(result.organization).toMatchObject({ organizationId: 'o-exampleorg1', managementAccountId: MANAGEMENT });
    expect(result.accounts.map((a) => a.accountId)).toEqual([MANAGEMENT, PROD, DEV]);
    for (const account of result.accounts) expect(AccountSnapshot.parse(account)).toEqual(account);
    expect(result.notAudited).toEqual([
      {
        accountId: LEGACY,
        accountName: 'legacy',
        reason: expect.stringMatching(
          /^sts:AssumeRole arn:aws:iam::444444444444:role\/leash-audit: AccessDenied: .*not authorized/,
        ),
      },
    ]);
    // The suspended account is neither audited nor reported as missing.
    expect(
      aws.mock.calls.some((c) => c.operation === 'AssumeRole' && String(c.params.RoleArn).includes(SUSPENDED)),
    ).toBe(false);
    expect(progress[0]).toEqual([0, 4]);
    expect(progress[progress.length - 1]).toEqual([4, 4]);

    const prod = result.accounts.find((a) => a.accountId === PROD)!;
    expect(prod.source.kind).toBe('organization');
    expect(prod.accountName).toBe('prod');
    expect(prod.organizationPoliciesKnown).toBe(true);
    expect(prod.serviceControlPolicies.map((l) => [l.kind, l.id, l.name, l.policies.map((p) => p.name)])).toEqual([
      ['root', 'r-root1', 'Root', ['FullAWSAccess']],
      ['ou', 'ou-root1-work', 'Workloads', ['FullAWSAccess']],
      ['ou', 'ou-root1-prod', 'Prod', ['FullAWSAccess', 'deny-prod-deletes']],
      ['account', PROD, 'prod', ['FullAWSAccess']],
    ]);
    expect(prod.resourceControlPolicies[0].policies.map((p) => p.name)).toEqual([
      'RCPFullAWSAccess',
      'deny-external-s3',
    ]);
    expect(prod.principals.filter((p) => p.kind === 'role').map((p) => p.name)).toEqual([
      'deployer',
      'AWSServiceRoleForSupport',
      'app-0',
      'app-1',
    ]);

    const management = result.accounts.find((a) => a.accountId === MANAGEMENT)!;
    expect(management).toMatchObject({ isManagementAccount: true, organizationPoliciesKnown: true });
    // Its own account is read with the caller's credentials, no role.
    expect(
      aws.mock.calls
        .filter((c) => c.operation === 'AssumeRole')
        .map((c) => c.params.RoleArn)
        .sort(),
    ).toEqual(
      [
        `arn:aws:iam::${PROD}:role/leash-audit`,
        `arn:aws:iam::${DEV}:role/leash-audit`,
        `arn:aws:iam::${LEGACY}:role/leash-audit`,
      ].sort(),
    );
    // Member IAM is read with the member's session, never with the management credentials.
    for (const call of aws.mock.calls.filter((c) => c.operation === 'GetAccountAuthorizationDetails')) {
      expect([MANAGEMENT, PROD, DEV]).toContain(call.callerAccountId);
    }
    // Each target's policy list and each policy's content is fetched once.
    const listed = aws.mock.calls
      .filter((c) => c.operation === 'ListPoliciesForTarget')
      .map((c) => `${c.params.Filter}/${c.params.TargetId}/${c.params.NextToken ?? ''}`);
    expect(new Set(listed).size).toBe(listed.length);
    const described = aws.mock.calls.filter((c) => c.operation === 'DescribePolicy').map((c) => c.params.PolicyId);
    expect(new Set(described).size).toBe(described.length);
  });

  it('uses the role name given', async () => {
    const world = smallOrganization();
    for (const account of world.accounts) account.assumableRoles = ['security-audit'];
    const endpoints = await serve({}, world);
    const result = await loadLiveInput({
      org: true,
      roleName: 'security-audit',
      endpoints,
      credentials: credentialsFor(MANAGEMENT),
    });
    expect(result.notAudited).toEqual([]);
    expect(result.accounts).toHaveLength(4);
  });

  it('marks the management account and the delegated administrator for StackSets, and no other account', async () => {
    const world = smallOrganization();
    world.organization!.stackSetsDelegatedAdministrator = DEV;
    const endpoints = await serve({ organizationsPageSize: 1 }, world);
    const result = await loadLiveInput({ org: true, endpoints, credentials: credentialsFor(MANAGEMENT) });
    const marked = Object.fromEntries(result.accounts.map((a) => [a.accountId, a.stackSetsAdministrator]));
    expect(marked).toEqual({ [MANAGEMENT]: true, [PROD]: false, [DEV]: true });
    expect(aws.mock.calls.find((c) => c.operation === 'ListDelegatedAdministrators')?.params.ServicePrincipal).toBe(
      'member.org.stacksets.cloudformation.amazonaws.com',
    );
  });

  it('says once, on the management account, when the StackSets delegated administrator cannot be read', async () => {
    const endpoints = await serve({ faults: [{ kind: 'access-denied', operation: 'ListDelegatedAdministrators' }] });
    const result = await loadLiveInput({ org: true, endpoints, credentials: credentialsFor(MANAGEMENT) });
    expect(result.accounts.map((a) => a.stackSetsAdministrator)).toEqual([undefined, undefined, undefined]);
    const reported = result.accounts.map(
      (a) => a.problems.filter((p) => p.where.startsWith('organizations:ListDelegatedAdministrators')).length,
    );
    expect(reported).toEqual([1, 0, 0]);
    expect(result.accounts[0].accountId).toBe(MANAGEMENT);
  });

  it('works from a delegated administrator, assuming the role into the management account too', async () => {
    const world = smallOrganization();
    world.organization!.delegatedAdministrators = [DEV];
    const endpoints = await serve({}, world);
    const result = await loadLiveInput({ org: true, endpoints, credentials: credentialsFor(DEV) });
    expect(result.accounts.map((a) => a.accountId)).toEqual([MANAGEMENT, PROD, DEV]);
    expect(
      aws.mock.calls.some(
        (c) => c.operation === 'AssumeRole' && c.params.RoleArn === `arn:aws:iam::${MANAGEMENT}:role/leash-audit`,
      ),
    ).toBe(true);
  });

  it('reads `concurrency` accounts at once, never more', async () => {
    const world = syntheticOrganization(6, { ouCount: 2, rolesPerAccount: 0 });
    const endpoints = await serve(
      { faults: [{ kind: 'slow', operation: 'GetAccountAuthorizationDetails', delayMs: 300 }] },
      world,
    );
    const result = await readFromManagement(world, endpoints);
    expect(result.accounts).toHaveLength(6);
    expect(aws.mock.peakInFlight('GetAccountAuthorizationDetails')).toBe(2);
  });

  it('stops the rest of a member account’s reads once its IAM read is refused', async () => {
    const ofProd = (request: { callerAccountId?: string }) => request.callerAccountId === PROD;
    const endpoints = await serve({
      faults: [
        { kind: 'access-denied', operation: 'GetAccountAuthorizationDetails', when: ofProd },
        { kind: 'slow', operation: 'DescribeRegions', when: ofProd, delayMs: 300 },
      ],
    });
    const result = await loadLiveInput({ org: true, endpoints, credentials: credentialsFor(MANAGEMENT) });
    expect(result.notAudited.find((account) => account.accountId === PROD)?.reason).toMatch(
      /^iam:GetAccountAuthorizationDetails: AccessDenied/,
    );
    // Its regions were still being listed when the refusal came: no region of it is read, then or later.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const prodCalls = aws.mock.calls.filter(ofProd).map((call) => call.operation);
    expect(prodCalls).toContain('DescribeRegions');
    expect(
      prodCalls.filter((operation) =>
        /^(ListFunctions|DescribeIamInstanceProfileAssociations|ListClusters)$/.test(operation),
      ),
    ).toEqual([]);
  });

  it('stops walking the organization once one parent cannot be listed', async () => {
    const world = syntheticOrganization(6, { ouCount: 4, rolesPerAccount: 0 });
    const [first, second] = ['ou-root-00000000', 'ou-root-00000001'];
    const parent = (id: string) => (request: { params: Record<string, unknown> }) => request.params.ParentId === id;
    const endpoints = await serve(
      {
        faults: [
          { kind: 'access-denied', operation: 'ListAccountsForParent', when: parent(first) },
          { kind: 'slow', operation: 'ListOrganizationalUnitsForParent', when: parent(second), delayMs: 300 },
        ],
      },
      world,
    );
    const error = await readFromManagement(world, endpoints).catch((err: unknown) => err);
    expect((error as Error).message).toMatch(/AccessDenied/);
    // The second parent was still being listed: neither it nor anything below it is read, then or later.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const parentsAsked = aws.mock.calls
      .filter((call) => call.operation === 'ListAccountsForParent' && call.error !== 'client gave up')
      .map((call) => call.params.ParentId);
    expect(parentsAsked).not.toContain(second);
    expect(aws.mock.calls.filter((call) => call.operation === 'AssumeRole')).toEqual([]);
  });

  it('stops on abort and says what was read', async () => {
    const endpoints = await serve({
      faults: [{ kind: 'slow', operation: 'GetAccountAuthorizationDetails', delayMs: 300 }],
    });
    const controller = new AbortController();
    const pending = loadLiveInput({
      org: true,
      concurrency: 1,
      endpoints,
      credentials: credentialsFor(MANAGEMENT),
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 1) controller.abort();
      },
    });
    const error = await pending.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(LiveAuditInterrupted);
    const partial = (error as LiveAuditInterrupted).partial;
    expect(partial.accounts).toHaveLength(1);
    expect(partial.total).toBe(4);
    // The management account is read first (with the caller's credentials); no member was started after.
    expect(partial.accounts[0].accountId).toBe(MANAGEMENT);
    expect(aws.mock.calls.filter((c) => c.operation === 'AssumeRole')).toEqual([]);
  });
});
