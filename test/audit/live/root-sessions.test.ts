// Whether sts:AssumeRoot works from an account (iam:ListOrganizationsFeatures, asked as the account itself): a
// principal allowed it has the assume-root escalation path for certain where root sessions start from its account,
// none where the account's answer says they cannot, and one that depends on the fact where the read fails.
import { auditAccount } from '../../../lib/audit/audit';
import type { Finding } from '../../../lib/audit/findings';
import { loadLiveInput } from '../../../lib/audit/sources/live-input';
import { AccountSnapshot } from '../../../lib/audit/sources/snapshot';
import { loadCatalog } from '../../../lib/catalog';
import { useAwsMock } from '../../support/aws-mock/harness';
import { credentialsFor, type MockOrganization, type MockRole } from '../../support/aws-mock/model';
import { DEV, MANAGEMENT, PROD, smallOrganization } from '../../support/aws-mock/worlds';

const aws = useAwsMock();

/** A role that may take root sessions in any member account, and nothing else. */
const ROOT_OPERATOR: MockRole = {
  name: 'root-operator',
  trust: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  },
  inline: {
    root: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoot', Resource: 'arn:aws:iam::*:root' }],
    },
  },
};

/** The small organization with the root operator in every account, and centralized root access as given. */
function world(centralizedRoot?: MockOrganization['centralizedRoot']) {
  const base = smallOrganization();
  for (const account of base.accounts) (account.iam.roles ??= []).push(ROOT_OPERATOR);
  if (centralizedRoot) base.organization!.centralizedRoot = centralizedRoot;
  return base;
}

async function readOrganization(w: ReturnType<typeof world>, faults: Parameters<typeof aws.serve>[0] = {}) {
  const endpoints = await aws.serve(faults, w);
  const result = await loadLiveInput({ org: true, endpoints, credentials: credentialsFor(MANAGEMENT) });
  for (const account of result.accounts) expect(AccountSnapshot.parse(account)).toEqual(account);
  return new Map(result.accounts.map((account) => [account.accountId, account]));
}

/** The privilege-escalation finding of the root operator, with its paths. */
function operatorFinding(account: AccountSnapshot): Finding | undefined {
  const { findings } = auditAccount(account, { catalog: loadCatalog() });
  return findings.find((f) => f.ruleId === 'privilege-escalation' && f.principalArn?.endsWith(':role/root-operator'));
}

const pathsOf = (finding: Finding | undefined) =>
  (finding?.details?.paths as { id: string; needs?: string }[] | undefined) ?? [];

describe('root sessions (sts:AssumeRoot) read live', () => {
  it('makes assume-root certain from the management account and the delegated administrator, and absent elsewhere', async () => {
    const accounts = await readOrganization(
      world({ features: ['RootCredentialsManagement', 'RootSessions'], delegatedAdministrator: DEV }),
    );
    expect([MANAGEMENT, PROD, DEV].map((id) => accounts.get(id)?.rootSessions)).toEqual([true, false, true]);
    for (const id of [MANAGEMENT, DEV]) {
      const finding = operatorFinding(accounts.get(id)!);
      expect(finding?.severity).toBe('high');
      expect(pathsOf(finding)).toEqual([expect.objectContaining({ id: 'assume-root', decision: 'allowed' })]);
      expect(pathsOf(finding)[0].needs).toBeUndefined();
    }
    expect(operatorFinding(accounts.get(PROD)!)).toBeUndefined();
    for (const account of accounts.values())
      expect(account.problems.filter((p) => /ListOrganizationsFeatures/.test(p.where))).toEqual([]);
  });

  // One organization per test: the harness closes the mock a test started.
  it.each([
    ['root sessions are not turned on', { features: ['RootCredentialsManagement' as const] }],
    ['centralized root access is off', undefined],
  ])('finds no assume-root where %s', async (_case, setting) => {
    const accounts = await readOrganization(world(setting));
    expect([...accounts.values()].map((a) => a.rootSessions)).toEqual([false, false, false]);
    for (const account of accounts.values()) expect(operatorFinding(account)).toBeUndefined();
  });

  it('keeps assume-root, depending on the fact, where the account cannot be asked, and says so', async () => {
    const accounts = await readOrganization(world({ features: ['RootSessions'] }), {
      faults: [{ kind: 'access-denied', operation: 'ListOrganizationsFeatures', callerAccountId: PROD }],
    });
    const prod = accounts.get(PROD)!;
    expect(prod.rootSessions).toBeUndefined();
    expect(prod.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          where: `iam:ListOrganizationsFeatures (${PROD})`,
          message: expect.stringMatching(/^AccessDenied.*whether sts:AssumeRoot works from this account is unknown/),
        }),
      ]),
    );
    const finding = operatorFinding(prod);
    expect(finding?.severity).toBe('info');
    expect(pathsOf(finding)).toEqual([
      expect.objectContaining({ id: 'assume-root', needs: expect.stringContaining('centralized root access') }),
    ]);
    expect(finding?.message).toContain('which needs centralized root access turned on');
  });

  it('asks a single live account too: outside an organization nothing can start a root session', async () => {
    const base = smallOrganization();
    const standalone = base.accounts.find((a) => !a.parentId)!;
    (standalone.iam.roles ??= []).push(ROOT_OPERATOR);
    const endpoints = await aws.serve({}, base);
    const result = await loadLiveInput({ endpoints, credentials: credentialsFor(standalone.id) });
    expect(result.accounts[0].rootSessions).toBe(false);
    expect(operatorFinding(result.accounts[0])).toBeUndefined();
  });
});
