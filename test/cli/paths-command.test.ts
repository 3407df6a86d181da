// `leash paths`: the shortest way a principal gets to what was asked, in every format, and clear errors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo, runCli } from '../../lib/cli/program';
import { CLOUDSPLAINING_AUTHZ } from '../support/shared-data';

const A = 'arn:aws:iam::200611803367';

async function paths(...args: string[]) {
  const io = memoryIo();
  const code = await runCli(['paths', ...args, '--input', CLOUDSPLAINING_AUTHZ], io);
  return { code, out: io.out, err: io.err };
}

describe('leash paths', () => {
  it('prints the AssumeRole chain hop by hop with each trust statement, and exits 1', async () => {
    const { code, out } = await paths(`${A}:role/privesc-AssumeRole-starting-role`, '--to', 'admin');
    expect(code).toBe(1);
    expect(out).toContain('reaches role/privesc-AssumeRole-ending-role (can raise its own permissions) in 2 hop(s)');
    expect(out).toContain('names the caller in its own account: no sts grant needed');
  });

  it('takes the start and --to by name where no other principal has it', async () => {
    const byName = await paths('privesc-AssumeRole-starting-role', '--to', 'privesc-AssumeRole-ending-role');
    expect(byName.code).toBe(1);
    expect(byName.out).toContain('reaches role/privesc-AssumeRole-ending-role');
    const unknown = await paths('privesc-AssumeRole-starting-rol');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain(`close matches:\n  ${A}:role/privesc-AssumeRole-starting-role`);
  });

  it('draws a Mermaid graph in Markdown and a Graphviz digraph in dot', async () => {
    const user = `${A}:user/privesc15-PassExistingRoleToNewLambdaThenInvoke-user`;
    const markdown = await paths(user, '--format', 'markdown');
    expect(markdown.out).toContain('```mermaid\ngraph LR');
    expect(markdown.out).toContain('iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction');
    const dot = await paths(user, '--format', 'dot');
    expect(dot.out).toMatch(/^digraph access \{/);
    expect(dot.out).toContain(`"${user}" -> "${A}:role/privesc-high-priv-service-role"`);
  });

  it('takes a path that depends only on the region in a region a region deny SCP allows, and says so', async () => {
    const scp = join(mkdtempSync(join(tmpdir(), 'leash-paths-')), 'scps.json');
    const regions = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          NotAction: ['iam:*', 'sts:*'],
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } },
        },
      ],
    };
    writeFileSync(scp, JSON.stringify(regions));
    const user = `${A}:user/privesc15-PassExistingRoleToNewLambdaThenInvoke-user`;
    const json = JSON.parse((await paths(user, '--to', 'admin', '--format', 'json', '--scp', scp)).out);
    const hop = json.path.hops[0];
    expect(hop).toMatchObject({ kind: 'pass-role', decision: 'allowed', dependsOn: [] });
    expect(JSON.stringify(hop.evidence)).toContain('does not apply to a request to eu-west-1');
  });

  it('carries the path as JSON, and says when there is none (exit 0)', async () => {
    const json = JSON.parse(
      (await paths(`${A}:user/privesc4-CreateAccessKey-user`, '--to', 'admin', '--format', 'json')).out,
    );
    expect(json).toMatchObject({
      found: true,
      path: { hops: [{ kind: 'credentials', actions: ['iam:CreateAccessKey'] }] },
    });
    const none = await paths(`${A}:user/fp4-nonExploitableResourceConstraint-user`, '--to', 'admin');
    expect(none).toMatchObject({ code: 0 });
    expect(none.out).toContain('no path');
  });

  it('ends a path to production destruction at a principal one IAM write away from it', async () => {
    const account = 'arn:aws:iam::111122223333';
    const user = (name: string, statement: object) => ({
      UserName: name,
      UserId: `AIDA${name.toUpperCase()}`,
      Arn: `${account}:user/${name}`,
      Path: '/',
      GroupList: [],
      AttachedManagedPolicies: [],
      UserPolicyList: [{ PolicyName: 'p', PolicyDocument: { Version: '2012-10-17', Statement: [statement] } }],
    });
    const file = join(mkdtempSync(join(tmpdir(), 'leash-paths-')), 'authz.json');
    writeFileSync(
      file,
      JSON.stringify({
        UserDetailList: [
          user('attacker', { Effect: 'Allow', Action: 'iam:AttachUserPolicy', Resource: `${account}:user/attacker` }),
          user('helpdesk', { Effect: 'Allow', Action: 'iam:CreateAccessKey', Resource: `${account}:user/attacker` }),
        ],
        GroupDetailList: [],
        RoleDetailList: [],
        Policies: [],
      }),
    );
    const io = memoryIo();
    const code = await runCli(['paths', `${account}:user/helpdesk`, '--input', file], io);
    expect(code).toBe(1);
    expect(io.out).toContain('reaches user/attacker (can delete or recreate production) in 1 hop(s)');
  });

  it("follows a root session (sts:AssumeRoot) to a member's root user, as the organization audit does", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leash-paths-'));
    const account = (accountId: string, extra: object) => {
      const file = join(dir, `${accountId}.json`);
      const base = { schemaVersion: 1, accountId, source: { kind: 'live', location: 'test' }, managedPolicies: [] };
      writeFileSync(file, JSON.stringify({ ...base, ...extra }));
      return file;
    };
    const operator = 'arn:aws:iam::111122223333:role/root-operator';
    const management = account('111122223333', {
      isManagementAccount: true,
      organizationPoliciesKnown: true,
      rootSessions: true,
      principals: [
        {
          kind: 'role',
          arn: operator,
          name: 'root-operator',
          trustPolicy: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          },
          inlinePolicies: [
            {
              name: 'root',
              document: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoot', Resource: '*' }],
              },
            },
          ],
        },
      ],
    });
    const member = account('444455556666', { principals: [] });
    const io = memoryIo();
    const code = await runCli(['paths', operator, '--input', management, member], io);
    expect({ code, err: io.err }).toEqual({ code: 1, err: '' });
    expect(io.out).toContain('reaches 444455556666:root (can delete or recreate production) in 1 hop(s)');
    expect(io.out).toContain('take a root session as: sts:AssumeRoot (allowed)');
  });

  it('rejects an unknown principal or goal with close matches (exit 2)', async () => {
    const unknown = await paths(`${A}:role/privesc-AssumeRole-startin-role`);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('privesc-AssumeRole-starting-role');
    const goal = await paths(`${A}:role/privesc-AssumeRole-starting-role`, '--to', 'everything');
    expect(goal.code).toBe(2);
    expect(goal.err).toContain('production-destruction, tag-change, disarm, admin');
  });

  describe('goals asked as the audit asks them', () => {
    const account = 'arn:aws:iam::111122223333';
    const input = (roleStatement: object) => {
      const file = join(mkdtempSync(join(tmpdir(), 'leash-paths-')), 'authz.json');
      const trust = { Effect: 'Allow', Principal: { AWS: `${account}:root` }, Action: 'sts:AssumeRole' };
      writeFileSync(
        file,
        JSON.stringify({
          UserDetailList: [
            {
              UserName: 'dev',
              UserId: 'AIDADEV',
              Arn: `${account}:user/dev`,
              Path: '/',
              GroupList: [],
              AttachedManagedPolicies: [],
              UserPolicyList: [
                {
                  PolicyName: 'p',
                  PolicyDocument: {
                    Version: '2012-10-17',
                    Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `${account}:role/ops` }],
                  },
                },
              ],
            },
          ],
          GroupDetailList: [],
          RoleDetailList: [
            {
              RoleName: 'ops',
              RoleId: 'AROAOPS',
              Arn: `${account}:role/ops`,
              Path: '/',
              AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [trust] },
              AttachedManagedPolicies: [],
              RolePolicyList: [
                { PolicyName: 'p', PolicyDocument: { Version: '2012-10-17', Statement: [roleStatement] } },
              ],
            },
          ],
          Policies: [],
        }),
      );
      return file;
    };
    const run = async (file: string, ...args: string[]) => {
      const io = memoryIo();
      const code = await runCli(['paths', `${account}:user/dev`, '--input', file, ...args], io);
      return { code, out: io.out };
    };

    it('--to disarm ends at a principal that can switch a protection off', async () => {
      const file = input({ Effect: 'Allow', Action: 'rds:ModifyDBInstance', Resource: '*' });
      const found = await run(file, '--to', 'disarm');
      expect(found.code).toBe(1);
      expect(found.out).toContain('(can switch off the protection or recovery of production) in 1 hop(s)');
    });

    it('asks every production tag key: a role that deletes only where stage=production is a goal', async () => {
      const file = input({
        Effect: 'Allow',
        Action: 'rds:DeleteDBInstance',
        Resource: '*',
        // Only where stage=production and no environment tag: a resource tagged environment=production may carry
        // any other tag, so only the config's second production key makes this role a goal.
        Condition: {
          StringEquals: { 'aws:ResourceTag/stage': 'production' },
          Null: { 'aws:ResourceTag/environment': 'true' },
        },
      });
      const config = join(mkdtempSync(join(tmpdir(), 'leash-paths-')), 'leash.config.json');
      writeFileSync(config, JSON.stringify({ guardrails: { production: { tagKeys: ['environment', 'stage'] } } }));
      expect((await run(file, '--config', config)).code).toBe(1);
      expect((await run(file)).code).toBe(0);
    });
  });

  it('prints a path of many hops whole in JSON (a finding shows only its ends)', async () => {
    const account = '111122223333';
    const arn = (i: number) => `arn:aws:iam::${account}:role/r${i}`;
    const role = (i: number) => ({
      RoleName: `r${i}`,
      RoleId: `AROA${String(i).padStart(17, '0')}`,
      Arn: arn(i),
      Path: '/',
      CreateDate: '2025-01-01T00:00:00Z',
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: i < 19 ? [{ Effect: 'Allow', Principal: { AWS: arn(i + 1) }, Action: 'sts:AssumeRole' }] : [],
      },
      RolePolicyList: [
        {
          PolicyName: 'p',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: i === 0 ? '*' : 'sts:AssumeRole', Resource: '*' }],
          },
        },
      ],
      AttachedManagedPolicies: [],
      InstanceProfileList: [],
      Tags: [],
    });
    const file = join(mkdtempSync(join(tmpdir(), 'leash-paths-')), 'authz.json');
    writeFileSync(
      file,
      JSON.stringify({
        UserDetailList: [],
        GroupDetailList: [],
        RoleDetailList: Array.from({ length: 20 }, (_, i) => role(i)),
        Policies: [],
      }),
    );
    const io = memoryIo();
    await runCli(['paths', arn(19), '--to', 'admin', '--format', 'json', '--input', file], io);
    const json = JSON.parse(io.out) as { path: { hops: { to: string }[]; omittedHops?: unknown } };
    expect(json.path.hops.map((hop) => hop.to)).toEqual(Array.from({ length: 19 }, (_, i) => arn(18 - i)));
    expect(json.path).not.toHaveProperty('omittedHops');
  });
});
