// The accounts of bench/account-shapes.ts are what they say: every principal reaches its team's database
// administrator (or the deletes) through the way its shape names, and no other team's; the chain reaches one by
// long paths, and the unreadable statements are reported.
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditAccount } from '../../lib/audit/audit';
import { loadInputFile } from '../../lib/audit/sources';
import { loadCatalog } from '../../lib/catalog';
import type { Finding } from '../../lib/audit/findings';
import { generateShape, SHAPES, type Shape } from '../../bench/generate-shapes';

const catalog = loadCatalog();
const NOW = new Date('2026-12-01T00:00:00Z');
const file = join(tmpdir(), `leash-shape-${process.pid}.json`);
afterAll(() => rmSync(file, { force: true }));

/** The findings of a generated account's audit, which must have run every rule. */
function audited(account: Record<string, unknown>): readonly Finding[] {
  writeFileSync(file, JSON.stringify(account));
  const result = auditAccount(loadInputFile(file).accounts[0], { catalog, now: NOW });
  expect(result.stats.failedRules).toEqual([]);
  return result.findings;
}

/** The can-delete-production findings, those whose message says `how` when given. */
function deletions(findings: readonly Finding[], how?: string): Finding[] {
  return findings.filter((f) => f.ruleId === 'can-delete-production' && (how === undefined || f.message.includes(how)));
}

/**
 * The finding's principal is `team-<team>-<own>-<n>`: its message names `<what>team-<team>-<kind>-[012] ` (the
 * team's first three, which can delete or grant deletes), and no `<kind>` of another team.
 */
function expectOwnTeam(finding: Finding, what: string, kind: string, own = kind): void {
  const team = new RegExp(`team-(\\w+)-${own}-\\d+$`).exec(finding.principalArn!)![1];
  expect(finding.message).toMatch(new RegExp(`${what}team-${team}-${kind}-[012] `));
  const named = finding.message.match(new RegExp(`team-\\w+-${kind}`, 'g'))!;
  expect(named.every((name) => name === `team-${team}-${kind}`)).toBe(true);
}

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
    const through = deletions(audited(generateShape(shape, 30)), 'through another principal');
    // The 27 roles that are no administrator, each through one of its own team (svc-0, -1, -2 by team).
    expect(through).toHaveLength(27);
    for (const finding of through) expectOwnTeam(finding, 'role/', 'svc');
  });

  it('keys-by-name: every user takes the keys of its own team’s administrator only', () => {
    const through = deletions(audited(generateShape('keys-by-name', 30)), 'through another principal');
    expect(through).toHaveLength(27);
    for (const finding of through) expectOwnTeam(finding, 'take credentials of user/', 'user');
  });

  it('groups-by-name: every user, in a group of its team, joins its own team’s administrators’ group only', () => {
    const account = generateShape('groups-by-name', 60) as { UserDetailList: { GroupList: string[] }[] };
    // Six groups, two a team: each user is in the one that grants no deletes.
    expect(account.UserDetailList.every((user) => /^team-\w+-group-[345]$/.test(user.GroupList[0]))).toBe(true);
    const deletes = deletions(audited(account));
    expect(deletes).toHaveLength(60);
    for (const finding of deletes) expectOwnTeam(finding, 'add-user-to-group on group/', 'group', 'user');
  });

  it.each(SELF_SHAPES)('%s: every role but the administrators raises its own permissions, as its team’s', (shape) => {
    const account = generateShape(shape, 60) as {
      RoleDetailList: { RoleName: string; AttachedManagedPolicies: { PolicyName: string }[] }[];
    };
    const raised = deletions(audited(account), 'once it raises its own permissions');
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
    const through = deletions(audited(generateShape('trust-chain', 200)), 'through another principal');
    expect(through).toHaveLength(197);
    const paths = through.map((f) => f.details!.path as { hopCount?: number; hops: { kind: string; to: string }[] });
    expect(paths.every((path) => path.hops.every((hop) => hop.kind === 'assume-role'))).toBe(true);
    expect(paths.every((path) => /team-\w+-svc-[012]$/.test(path.hops[path.hops.length - 1].to))).toBe(true);
    const longest = Math.max(...paths.map((path) => path.hopCount ?? path.hops.length));
    expect(longest).toBeGreaterThan(16);
    for (const path of paths.filter((p) => p.hopCount !== undefined)) expect(path.hops).toHaveLength(16);
  });

  it('unreadable-everywhere: every role’s unreadable statement is reported, with the deletes it could grant', () => {
    const unreadable = audited(generateShape('unreadable-everywhere', 30)).filter(
      (f) => f.ruleId === 'unreadable-policy',
    );
    expect(unreadable).toHaveLength(30);
    for (const finding of unreadable) {
      expect(finding.severity).toBe('critical');
      expect(finding.message).toContain('StringEqualz');
      expect(finding.message).toMatch(/taken as Allow \*, it could delete production \(\w+:\w+\)/);
    }
  });
});
