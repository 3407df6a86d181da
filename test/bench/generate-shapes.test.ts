// The ABAC-shaped accounts of bench/account-shapes.ts are what they say: every role reaches its team's database
// administrator (and so can delete production) through the way in its shape names, and no other team's.
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditAccount } from '../../lib/audit/audit';
import { loadInputFile } from '../../lib/audit/sources';
import { loadCatalog } from '../../lib/catalog';
import { generateShape, SHAPES, type Shape } from '../../bench/generate-shapes';

const catalog = loadCatalog();
const NOW = new Date('2026-12-01T00:00:00Z');
const file = join(tmpdir(), `leash-shape-${process.pid}.json`);
afterAll(() => rmSync(file, { force: true }));

const USER_SHAPES: readonly Shape[] = ['keys-by-name', 'groups-by-name'];
/** Role shapes where a role raises its own permissions, rather than reaching its administrator. */
const SELF_SHAPES: readonly Shape[] = ['policy-write-by-name', 'policy-version-by-name'];
/** Role shapes where a role reaches an administrator of any team, through roles of any team. */
const CHAIN_SHAPES: readonly Shape[] = ['trust-chain'];
const ROLE_SHAPES = (Object.keys(SHAPES) as Shape[]).filter(
  (shape) => !USER_SHAPES.includes(shape) && !SELF_SHAPES.includes(shape) && !CHAIN_SHAPES.includes(shape),
);

describe('generated ABAC-shaped accounts', () => {
  it.each(ROLE_SHAPES)('%s: every role reaches its own team’s administrator only', (shape) => {
    writeFileSync(file, JSON.stringify(generateShape(shape, 30)));
    const result = auditAccount(loadInputFile(file).accounts[0], { catalog, now: NOW });
    expect(result.stats.failedRules).toEqual([]);
    const through = result.findings.filter(
      (f) => f.ruleId === 'can-delete-production' && f.message.includes('through another principal'),
    );
    // The 27 roles that are no administrator, each through one of its own team (svc-0, -1, -2 by team).
    expect(through).toHaveLength(27);
    for (const finding of through) {
      const team = /team-(\w+)-svc-\d+$/.exec(finding.principalArn!)![1];
      expect(finding.message).toMatch(new RegExp(`role/team-${team}-svc-[012] `));
      expect(finding.message.match(/team-\w+-svc/g)!.every((name) => name === `team-${team}-svc`)).toBe(true);
    }
  });

  it('keys-by-name: every user takes the keys of its own team’s administrator only', () => {
    writeFileSync(file, JSON.stringify(generateShape('keys-by-name', 30)));
    const result = auditAccount(loadInputFile(file).accounts[0], { catalog, now: NOW });
    expect(result.stats.failedRules).toEqual([]);
    const through = result.findings.filter(
      (f) => f.ruleId === 'can-delete-production' && f.message.includes('through another principal'),
    );
    expect(through).toHaveLength(27);
    for (const finding of through) {
      const team = /team-(\w+)-user-\d+$/.exec(finding.principalArn!)![1];
      expect(finding.message).toMatch(new RegExp(`take credentials of user/team-${team}-user-[012] `));
      expect(finding.message.match(/team-\w+-user/g)!.every((name) => name === `team-${team}-user`)).toBe(true);
    }
  });

  it('groups-by-name: every user, in a group of its team, joins its own team’s administrators’ group only', () => {
    const account = generateShape('groups-by-name', 60) as { UserDetailList: { GroupList: string[] }[] };
    // Six groups, two a team: each user is in the one that grants no deletes.
    expect(account.UserDetailList.every((user) => /^team-\w+-group-[345]$/.test(user.GroupList[0]))).toBe(true);
    writeFileSync(file, JSON.stringify(account));
    const result = auditAccount(loadInputFile(file).accounts[0], { catalog, now: NOW });
    expect(result.stats.failedRules).toEqual([]);
    const deletes = result.findings.filter((f) => f.ruleId === 'can-delete-production');
    expect(deletes).toHaveLength(60);
    for (const finding of deletes) {
      const team = /team-(\w+)-user-\d+$/.exec(finding.principalArn!)![1];
      expect(finding.message).toMatch(new RegExp(`add-user-to-group on group/team-${team}-group-[012] `));
      expect(finding.message.match(/team-\w+-group/g)!.every((name) => name === `team-${team}-group`)).toBe(true);
    }
  });

  it.each(SELF_SHAPES)('%s: every role but the administrators raises its own permissions, as its team’s', (shape) => {
    const account = generateShape(shape, 60) as {
      RoleDetailList: { RoleName: string; AttachedManagedPolicies: { PolicyName: string }[] }[];
    };
    writeFileSync(file, JSON.stringify(account));
    const result = auditAccount(loadInputFile(file).accounts[0], { catalog, now: NOW });
    expect(result.stats.failedRules).toEqual([]);
    const raised = result.findings.filter(
      (f) => f.ruleId === 'can-delete-production' && f.message.includes('once it raises its own permissions'),
    );
    expect(raised).toHaveLength(57);
    for (const finding of raised) {
      const name = finding.principalArn!.split('/').pop()!;
      const held = account.RoleDetailList.find((role) => role.RoleName === name)!.AttachedManagedPolicies;
      expect(finding.message).toContain(
        shape === 'policy-write-by-name'
          ? 'put-role-policy on itself'
          : `create-policy-version on policy/${held[0].PolicyName} `,
      );
    }
  });

  it('trust-chain: every role reaches an administrator by assuming role after role, the long paths by their ends', () => {
    writeFileSync(file, JSON.stringify(generateShape('trust-chain', 200)));
    const result = auditAccount(loadInputFile(file).accounts[0], { catalog, now: NOW });
    expect(result.stats.failedRules).toEqual([]);
    const through = result.findings.filter(
      (f) => f.ruleId === 'can-delete-production' && f.message.includes('through another principal'),
    );
    expect(through).toHaveLength(197);
    const paths = through.map((f) => f.details!.path as { hopCount?: number; hops: { kind: string; to: string }[] });
    expect(paths.every((path) => path.hops.every((hop) => hop.kind === 'assume-role'))).toBe(true);
    expect(paths.every((path) => /team-\w+-svc-[012]$/.test(path.hops[path.hops.length - 1].to))).toBe(true);
    const longest = Math.max(...paths.map((path) => path.hopCount ?? path.hops.length));
    expect(longest).toBeGreaterThan(16);
    for (const path of paths.filter((p) => p.hopCount !== undefined)) expect(path.hops).toHaveLength(16);
  });

  it('unreadable-everywhere: every role’s unreadable statement is reported, with the deletes it could grant', () => {
    writeFileSync(file, JSON.stringify(generateShape('unreadable-everywhere', 30)));
    const result = auditAccount(loadInputFile(file).accounts[0], { catalog, now: NOW });
    const unreadable = result.findings.filter((f) => f.ruleId === 'unreadable-policy');
    expect(unreadable).toHaveLength(30);
    for (const finding of unreadable) {
      expect(finding.severity).toBe('critical');
      expect(finding.message).toContain('StringEqualz');
      expect(finding.message).toMatch(/taken as Allow \*, it could delete production \(\w+:\w+\)/);
    }
  });
});
