// An organization audit does each account's goal pass once (compile, the goal rules' direct checks) and hands
// the work to the account's audit (AuditOptions.prepared). Reusing it must change nothing: every account finds
// exactly what it finds when audited from scratch over the same graph and goals.
import { join } from 'node:path';
import { auditAccount, type AuditResult } from '../../lib/audit/audit';
import { CompileCache } from '../../lib/audit/evaluate/compile-account';
import { organizationAuditContext } from '../../lib/audit/organization-audit';
import { loadInputFile } from '../../lib/audit/sources';
import { AccountSnapshot } from '../../lib/audit/sources/snapshot';
import { loadCatalog } from '../../lib/catalog';
import { LeashConfig } from '../../lib/config/schema';
import { generateOrganization } from '../../bench/generate-organization';
import * as canDeleteProduction from '../../lib/audit/rules/can-delete-production';
import { ACCOUNT, allow, deny, doc, FULL_ACCESS_LEVEL, snapshot } from './rules/helpers';

const NOW = new Date('2026-12-01T00:00:00Z');
const catalog = loadCatalog();
const config = LeashConfig.parse({});

const comparable = (result: AuditResult) => JSON.stringify({ ...result, stats: { ...result.stats, durationMs: 0 } });

function auditBothWays(accounts: readonly AccountSnapshot[]): { reused: AuditResult[]; scratch: AuditResult[] } {
  const compileCache = new CompileCache(catalog);
  const context = organizationAuditContext(accounts, { catalog, config, now: NOW, compileCache });
  const over = { catalog, config, now: NOW, compileCache, graph: context.graph };
  const organizationGoals = context.organizationGoals;
  return {
    reused: accounts.map((snapshot) =>
      auditAccount(snapshot, { ...over, organizationGoals, prepared: context.preparedFor(snapshot) }),
    ),
    scratch: accounts.map((snapshot) => auditAccount(snapshot, { ...over, organizationGoals })),
  };
}

describe('organization goals of principals one IAM write away from deleting production', () => {
  it('gives a principal of another account the path into them, ending where the write raises them', () => {
    const home = snapshot({
      principals: [{ name: 'attacker', kind: 'user', policies: [doc(allow('sts:AssumeRole'))] }],
    });
    const escalator = snapshot({
      principals: [
        {
          name: 'esc',
          trust: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }),
          policies: [doc(allow('iam:AttachRolePolicy', 'arn:aws:iam::444455556666:role/esc'))],
        },
      ],
    });
    const other = JSON.parse(JSON.stringify(escalator).split(`iam::${ACCOUNT}:role`).join('iam::444455556666:role'));
    const accounts = [home, AccountSnapshot.parse({ ...other, accountId: '444455556666' })];
    const { reused, scratch } = auditBothWays(accounts);
    expect(reused.map(comparable)).toEqual(scratch.map(comparable));
    const [path] = reused[0].findings.filter((f) => f.ruleId === 'can-delete-production');
    expect(path.message).toContain('user/attacker → assume 444455556666:role/esc → raise its own permissions →');
    const [escalation] = reused[1].findings.filter((f) => f.ruleId === 'can-delete-production');
    expect(escalation.details?.escalation).toMatchObject({ pathId: 'attach-role-policy' });
  });
});

describe('organization goals of principals an agent of another account can act as', () => {
  it('reports an agent whose role can assume a role of another account that writes production, with the path', () => {
    const home = snapshot({
      principals: [
        {
          name: 'agent',
          tags: { 'leash:agent': 'true' },
          policies: [doc(allow('sts:AssumeRole', 'arn:aws:iam::444455556666:role/deployer'))],
        },
      ],
    });
    const deployer = snapshot({
      principals: [
        {
          name: 'deployer',
          trust: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }),
          policies: [doc(allow('s3:PutObject'))],
        },
      ],
    });
    const other = JSON.parse(JSON.stringify(deployer).split(`iam::${ACCOUNT}:role`).join('iam::444455556666:role'));
    const accounts = [home, AccountSnapshot.parse({ ...other, accountId: '444455556666' })];
    const { reused, scratch } = auditBothWays(accounts);
    expect(reused.map(comparable)).toEqual(scratch.map(comparable));
    const [path] = reused[0].findings.filter(
      (f) => f.ruleId === 'agent-can-write-production' && f.details?.transitive === true,
    );
    expect(path.severity).toBe('critical');
    expect(path.message).toContain('role/agent → assume 444455556666:role/deployer → s3:PutObject');
  });
});

describe('organizationAuditContext(): the goal pass reused by each account’s audit', () => {
  it('finds exactly what a from-scratch audit finds, with a path that crosses accounts (two-account fixture)', () => {
    const input = loadInputFile(join(__dirname, '..', 'fixtures', 'organization', 'two-accounts.json'));
    const { reused, scratch } = auditBothWays(input.accounts);
    expect(reused.map(comparable)).toEqual(scratch.map(comparable));
    const crossing = reused
      .flatMap((result) => result.findings)
      .filter((f) => (f.details as { transitive?: boolean }).transitive && f.ruleId === 'can-delete-production');
    expect(crossing.length).toBeGreaterThan(0);
  });

  it('finds exactly what a from-scratch audit finds on a generated organization of 6 accounts', () => {
    const accounts = generateOrganization(catalog, { accounts: 6, roles: 25 });
    const { reused, scratch } = auditBothWays(accounts);
    expect(reused.map(comparable)).toEqual(scratch.map(comparable));
    expect(reused.some((result) => result.findings.some((f) => f.ruleId === 'can-delete-production'))).toBe(true);
  });

  it('does not hand over a direct check that threw: the account’s audit runs it again, so nothing is silently lost', () => {
    const input = loadInputFile(join(__dirname, '..', 'fixtures', 'organization', 'two-accounts.json'));
    const spy = jest.spyOn(canDeleteProduction, 'check').mockImplementation(() => {
      throw new Error('evaluator bug');
    });
    let context: ReturnType<typeof organizationAuditContext>;
    try {
      context = organizationAuditContext(input.accounts, { catalog, config, now: NOW });
    } finally {
      spy.mockRestore();
    }
    const results = input.accounts.map((snapshot) => {
      const prepared = context.preparedFor(snapshot);
      expect(prepared?.checked.has('can-delete-production')).toBe(false);
      expect(prepared?.checked.has('can-change-production-tag')).toBe(true);
      return auditAccount(snapshot, { catalog, config, now: NOW, graph: context.graph, prepared });
    });
    expect(results.flatMap((result) => result.stats.failedRules)).toEqual([]);
    // The production account's own principals that can delete its data are found by the check run again.
    expect(results.some((result) => result.findings.some((f) => f.ruleId === 'can-delete-production'))).toBe(true);
  });

  it('hands each account’s work over once (it is released as it is taken)', () => {
    const input = loadInputFile(join(__dirname, '..', 'fixtures', 'organization', 'two-accounts.json'));
    const context = organizationAuditContext(input.accounts, { catalog, config, now: NOW });
    expect(context.preparedFor(input.accounts[0])?.checked.get('can-delete-production')).toBeDefined();
    expect(context.preparedFor(input.accounts[0])).toBeUndefined();
  });
});

describe('root sessions into member accounts (sts:AssumeRoot)', () => {
  const MEMBER = '444455556666';
  const memberRoot = `arn:aws:iam::${MEMBER}:root`;

  /** The management account, with a role allowed sts:AssumeRoot, and one member with no principals of its own. */
  function organization(rootSessions: boolean | undefined, memberScps?: Parameters<typeof snapshot>[0]['scps']) {
    const management = AccountSnapshot.parse({
      ...snapshot({
        principals: [{ name: 'root-operator', policies: [doc(allow('sts:AssumeRoot', 'arn:aws:iam::*:root'))] }],
      }),
      isManagementAccount: true,
      organizationPoliciesKnown: true,
      ...(rootSessions === undefined ? {} : { rootSessions }),
    });
    const member = AccountSnapshot.parse({
      ...snapshot({ principals: [], ...(memberScps ? { scps: memberScps } : {}) }),
      accountId: MEMBER,
    });
    return [management, member];
  }

  const operatorDeletion = (results: AuditResult[]) =>
    results[0].findings.find(
      (f) => f.ruleId === 'can-delete-production' && f.principalArn?.endsWith(':role/root-operator'),
    );

  it("leads the principal to the member's root user, which deletes production: a certain path is critical", () => {
    const { reused, scratch } = auditBothWays(organization(true));
    expect(reused.map(comparable)).toEqual(scratch.map(comparable));
    const finding = operatorDeletion(reused);
    expect(finding?.severity).toBe('critical');
    expect(finding?.message).toContain(`role/root-operator → take a root session as ${MEMBER}:root →`);
    expect(finding?.details?.path).toEqual(expect.objectContaining({ to: memberRoot }));
    // The root user changes production tags and switches off protection as surely: the same path, by rule.
    for (const ruleId of ['can-change-production-tag', 'can-disarm-production']) {
      const other = reused[0].findings.find(
        (f) => f.ruleId === ruleId && f.principalArn?.endsWith('role/root-operator'),
      );
      expect({ ruleId, message: other?.message }).toEqual({
        ruleId,
        message: expect.stringContaining(`role/root-operator → take a root session as ${MEMBER}:root`),
      });
    }
  });

  it('names what the path needs where whether root sessions start from the account is unknown', () => {
    const finding = operatorDeletion(auditBothWays(organization(undefined)).reused);
    expect(finding?.severity).toBe('info');
    expect(finding?.message).toContain('centralized root access turned on');
  });

  it('draws the path from a member only when its own answer says root sessions start there (the delegated administrator)', () => {
    const [management, member] = organization(undefined);
    const asMember = AccountSnapshot.parse({ ...management, isManagementAccount: false });
    const unplaced = auditBothWays([asMember, member]).reused;
    expect(operatorDeletion(unplaced)).toBeUndefined();
    // The account's own path is still named, with what it needs.
    expect(unplaced[0].findings.find((f) => f.ruleId === 'privilege-escalation')?.message).toContain(
      'assume-root on a member account',
    );
    const delegated = AccountSnapshot.parse({ ...asMember, rootSessions: true });
    expect(operatorDeletion(auditBothWays([delegated, member]).reused)?.severity).toBe('critical');
  });

  it('keeps a root user whose check threw a goal that depends, naming the failure, never dropping the path', () => {
    const original = canDeleteProduction.check;
    const spy = jest.spyOn(canDeleteProduction, 'check').mockImplementation((context) => {
      if (context.analysis.principals.some((p) => p.arn === memberRoot)) throw new Error('simulated failure');
      return original(context);
    });
    try {
      const finding = operatorDeletion(auditBothWays(organization(true)).reused);
      expect(finding?.severity).not.toBe('critical');
      expect(finding?.message).toContain('(its root user could not be judged: simulated failure)');
      expect(finding?.message).toContain('(depending on conditions)');
    } finally {
      spy.mockRestore();
    }
  });

  it('finds no path where root sessions cannot start from the account, or the member’s SCPs deny the deletions', () => {
    expect(operatorDeletion(auditBothWays(organization(false)).reused)).toBeUndefined();
    const denyAll = [FULL_ACCESS_LEVEL([{ name: 'deny-all', document: doc(deny('*', '*')) }])];
    expect(operatorDeletion(auditBothWays(organization(true, denyAll)).reused)).toBeUndefined();
  });
});

describe('service-managed stack sets into member accounts (CloudFormation StackSets)', () => {
  const MEMBER = '444455556666';
  const executionRole = `arn:aws:iam::${MEMBER}:role/stacksets-exec-00000000000000000000000000000000`;
  const STACK_SET_ACTIONS = ['cloudformation:CreateStackSet', 'cloudformation:CreateStackInstances'];
  const ORG_ADMIN = {
    name: 'AWSServiceRoleForCloudFormationStackSetsOrgAdmin',
    path: '/aws-service-role/stacksets.cloudformation.amazonaws.com/',
    trust: doc({
      Effect: 'Allow',
      Principal: { Service: 'stacksets.cloudformation.amazonaws.com' },
      Action: 'sts:AssumeRole',
    }),
  };

  /** The management account with a deployer that may create stack sets, and one member with nobody in it. */
  function organization(
    options: {
      trustedAccess?: boolean;
      management?: boolean;
      stackSetsAdministrator?: boolean;
      memberScps?: Parameters<typeof snapshot>[0]['scps'];
    } = {},
  ) {
    const management = AccountSnapshot.parse({
      ...snapshot({
        principals: [
          { name: 'deployer', policies: [doc(allow(STACK_SET_ACTIONS))] },
          ...((options.trustedAccess ?? true) ? [ORG_ADMIN] : []),
        ],
      }),
      isManagementAccount: options.management ?? true,
      organizationPoliciesKnown: true,
      ...(options.stackSetsAdministrator !== undefined
        ? { stackSetsAdministrator: options.stackSetsAdministrator }
        : {}),
    });
    const member = AccountSnapshot.parse({
      ...snapshot({ principals: [], ...(options.memberScps ? { scps: options.memberScps } : {}) }),
      accountId: MEMBER,
    });
    return [management, member];
  }

  const deployerDeletion = (results: AuditResult[]) =>
    results[0].findings.find((f) => f.ruleId === 'can-delete-production' && f.principalArn?.endsWith(':role/deployer'));

  it("leads a deployer of the management account to each member's StackSets execution role: certain, critical", () => {
    const { reused, scratch } = auditBothWays(organization());
    expect(reused.map(comparable)).toEqual(scratch.map(comparable));
    const finding = deployerDeletion(reused);
    expect(finding?.severity).toBe('critical');
    expect(finding?.message).toContain(`role/deployer → deploy a stack set as ${MEMBER}:role/stacksets-exec-`);
    expect(finding?.details?.path).toEqual(expect.objectContaining({ to: executionRole }));
  });

  it('names trusted access as what the path needs where its service-linked role is missing', () => {
    const finding = deployerDeletion(auditBothWays(organization({ trustedAccess: false })).reused);
    expect(finding?.severity).toBe('info');
    expect(finding?.message).toContain('AWSServiceRoleForCloudFormationStackSetsOrgAdmin');
  });

  it("is held by the member's SCPs (the execution role is no service-linked role), and starts only in the management account", () => {
    const denyAll = [FULL_ACCESS_LEVEL([{ name: 'deny-all', document: doc(deny('*', '*')) }])];
    expect(deployerDeletion(auditBothWays(organization({ memberScps: denyAll })).reused)).toBeUndefined();
    // An SCP that exempts the StackSets execution roles by name exempts this one too.
    const exempting = [
      FULL_ACCESS_LEVEL([
        {
          name: 'deny-but-stacksets',
          document: doc(
            deny('*', '*', {
              Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/stacksets-exec-*' } },
            }),
          ),
        },
      ]),
    ];
    expect(deployerDeletion(auditBothWays(organization({ memberScps: exempting })).reused)?.severity).toBe('critical');
    expect(deployerDeletion(auditBothWays(organization({ management: false })).reused)).toBeUndefined();
  });

  it('starts in the delegated administrator for StackSets too, trusted access implied, never into the management account', () => {
    // The deployer's account is a member that a live read names delegated administrator; no service-linked role.
    const delegated = (stackSetsAdministrator: boolean) =>
      auditBothWays(organization({ management: false, trustedAccess: false, stackSetsAdministrator }));
    const { reused, scratch } = delegated(true);
    expect(reused.map(comparable)).toEqual(scratch.map(comparable));
    const finding = deployerDeletion(reused);
    expect(finding?.severity).toBe('critical');
    expect(finding?.message).toContain('role/deployer → deploy a stack set as');
    expect(deployerDeletion(delegated(false).reused)).toBeUndefined();
    // A management account beside it is never a target: only the members' execution roles are reached.
    const management = AccountSnapshot.parse({
      ...snapshot({ principals: [] }),
      accountId: '777788889999',
      isManagementAccount: true,
    });
    const accounts = [...organization({ management: false, trustedAccess: false, stackSetsAdministrator: true })];
    const { graph } = organizationAuditContext([...accounts, management], {
      catalog,
      config,
      now: NOW,
      compileCache: new CompileCache(catalog),
    });
    const execRole = (account: string) =>
      `arn:aws:iam::${account}:role/stacksets-exec-00000000000000000000000000000000`;
    expect(graph.has(execRole(MEMBER))).toBe(true);
    expect(graph.has(execRole(accounts[0].accountId))).toBe(true);
    expect(graph.has(execRole('777788889999'))).toBe(false);
  });
});
