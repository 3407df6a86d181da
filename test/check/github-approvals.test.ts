import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../lib/audit/rules/types';
import { applyChangeSuppressions } from '../../lib/check/approvals';
import { verifyWithGitHub, type GitHubEnvironment } from '../../lib/check/github-reviews';
import { Suppression } from '../../lib/config/schema';
import { startFakeGitHub, type FakeGitHub } from './github-server';

const now = new Date('2026-11-24T12:00:00Z');
const OLD = '1a2b3c4d5e6f708192a3b4c5d6e7f80910111213';
const HASH = '0123456789abcdef0123456789abcdef';
const scratch = mkdtempSync(join(tmpdir(), 'leash-gh-'));
let github: FakeGitHub;

function eventFile(
  pull = { number: 7, author: 'agent-dev', head: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432' },
): string {
  const file = join(scratch, `event-${pull.number}-${pull.head.slice(0, 6)}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      action: 'submitted',
      pull_request: { number: pull.number, user: { login: pull.author }, head: { sha: pull.head } },
    }),
  );
  return file;
}

function env(overrides: Partial<GitHubEnvironment> = {}): GitHubEnvironment {
  return {
    GITHUB_API_URL: github.url,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_EVENT_PATH: eventFile(github.pull),
    GITHUB_TOKEN: 'test-token',
    ...overrides,
  };
}

const finding: Finding = {
  ruleId: 'destructive-change',
  category: 'destructive-change',
  severity: 'critical',
  title: 'Replaces AWS::DynamoDB::Table OrdersTable',
  message: 'Deploying stack DataStack would replace stateful resource OrdersTable.',
  evidence: [],
  location: { file: 'cdk.out/DataStack.template.json', logicalId: 'OrdersTable' },
  details: { stack: 'DataStack', changeHash: HASH },
};

function suppression(approvedBy: string[]): Suppression {
  return Suppression.parse({
    ruleId: 'destructive-change',
    logicalId: 'OrdersTable',
    reason: 'Re-keying the orders table; data migrated by the orders-backfill job (CHG-1234).',
    expires: '2026-12-31',
    approvedBy,
    changes: [HASH],
  });
}

/** Verify against the fake and apply one suppression to the finding. */
async function judge(approvedBy: string[], environment = env()): Promise<Finding> {
  const verification = await verifyWithGitHub(approvedBy, environment, { timeoutMs: 5_000 });
  return applyChangeSuppressions([finding], [suppression(approvedBy)], now, verification)[0];
}

const head = () => github.pull.head;
const writer = { permission: 'write' };

beforeEach(async () => {
  github = await startFakeGitHub();
  github.permissions = { alice: writer, bob: writer, carol: { permission: 'admin' }, dave: { permission: 'read' } };
});
afterEach(async () => {
  await github.close();
});

describe('--verify-approvals github: who counts as an approver', () => {
  it('passes with two collaborators who approved the head commit, and says the approvals were verified', async () => {
    github.reviews = [
      { login: 'alice', state: 'APPROVED', commit: head() },
      { login: 'bob', state: 'APPROVED', commit: head() },
    ];
    const out = await judge(['alice', 'bob']);
    expect(out.suppressed).toBeDefined();
    expect(out.details?.approvalsVerified).toBe(true);
    expect(out.message).not.toMatch(/not verified/);
  });

  it('refuses an agent that approves through a user account with write access (check.agentLogins)', async () => {
    // GitHub reports the agent's machine user as a person: only the config can say it is an agent.
    github.permissions = { ...github.permissions, 'claude-worker': writer };
    github.reviews = [
      { login: 'alice', state: 'APPROVED', commit: head() },
      { login: 'Claude-Worker', state: 'APPROVED', commit: head() },
    ];
    const approvedBy = ['alice', 'Claude-Worker'];
    const verification = await verifyWithGitHub(approvedBy, env(), { timeoutMs: 5_000 });
    const [asPeople] = applyChangeSuppressions([finding], [suppression(approvedBy)], now, verification);
    expect(asPeople.suppressed).toBeDefined();
    const [withAgents] = applyChangeSuppressions([finding], [suppression(approvedBy)], now, verification, ['claude-*']);
    expect(withAgents.suppressed).toBeUndefined();
    expect(withAgents.message).toMatch(/Claude-Worker is an agent \(check\.agentLogins\).*only alice qualifies/);
  });

  it.each([
    [
      'an approval of an earlier push',
      [{ login: 'bob', state: 'APPROVED', commit: OLD }],
      /bob's approval is for commit 1a2b3c4, not the head 9f8e7d6/,
    ],
    [
      'changes requested after approving',
      [
        { login: 'bob', state: 'APPROVED', commit: '' },
        { login: 'bob', state: 'CHANGES_REQUESTED', commit: '' },
      ],
      /bob's latest review of pull request #7 is changes requested, not approved/,
    ],
    [
      'an approval since dismissed',
      [{ login: 'bob', state: 'DISMISSED', commit: '' }],
      /bob's latest review .* is dismissed/,
    ],
    ['no review at all', [], /bob has not approved pull request #7/],
    ['only comments', [{ login: 'bob', state: 'COMMENTED', commit: '' }], /bob has not approved/],
  ])('refuses %s', async (_name, bobReviews, reason) => {
    github.reviews = [
      { login: 'alice', state: 'APPROVED', commit: head() },
      ...bobReviews.map((review) => ({ ...review, commit: review.commit || head() })),
    ];
    const out = await judge(['alice', 'bob']);
    expect(out.suppressed).toBeUndefined();
    expect(out.message).toMatch(/suppressions\[0\] does not apply: /);
    expect(out.message).toMatch(reason);
    expect(out.message).toMatch(/only alice qualifies/);
  });

  it('ignores a comment after an approval (COMMENTED never changes the state)', async () => {
    github.reviews = [
      { login: 'alice', state: 'APPROVED', commit: head() },
      { login: 'bob', state: 'APPROVED', commit: head() },
      { login: 'bob', state: 'COMMENTED', commit: head() },
    ];
    expect((await judge(['alice', 'bob'])).suppressed).toBeDefined();
  });

  it("refuses the pull request's author, whatever the spelling", async () => {
    github.reviews = [
      { login: 'alice', state: 'APPROVED', commit: head() },
      { login: 'Agent-Dev', state: 'APPROVED', commit: head() },
    ];
    github.permissions['agent-dev'] = writer;
    const out = await judge(['alice', '@Agent-Dev']);
    expect(out.suppressed).toBeUndefined();
    expect(out.message).toMatch(/@Agent-Dev is the pull request's author/);
  });

  it('refuses a reviewer who wrote or committed a commit of the pull request: that is not a second person', async () => {
    github.reviews = [
      { login: 'alice', state: 'APPROVED', commit: head() },
      { login: 'bob', state: 'APPROVED', commit: head() },
    ];
    github.commits = [
      { author: 'agent-dev', committer: 'agent-dev' },
      { author: 'agent-dev', committer: 'Bob' },
    ];
    const out = await judge(['alice', 'bob']);
    expect(out.suppressed).toBeUndefined();
    expect(out.message).toMatch(/bob wrote or committed commits of pull request #7/);
    // Commits written by people who are not approvers, or by no GitHub user, change nothing.
    github.commits = [
      { author: 'agent-dev', committer: 'web-flow' },
      { author: null, committer: null },
    ];
    expect((await judge(['alice', 'bob'])).suppressed).toBeDefined();
  });

  it('refuses to judge a pull request with more commits than GitHub lists', async () => {
    github.reviews = [
      { login: 'alice', state: 'APPROVED', commit: head() },
      { login: 'bob', state: 'APPROVED', commit: head() },
    ];
    github.commits = Array.from({ length: 251 }, () => ({ author: 'agent-dev', committer: 'agent-dev' }));
    const out = await judge(['alice', 'bob']);
    expect(out.suppressed).toBeUndefined();
    expect(out.message).toMatch(/has 251 commits and GitHub lists only 250/);
  });

  it.each([
    ['a Bot account', { login: 'release-helper', type: 'Bot' }],
    ['a login ending in [bot]', { login: 'renovate[bot]', type: 'User' }],
  ])('refuses %s', async (_name, bot) => {
    github.reviews = [
      { login: 'alice', state: 'APPROVED', commit: head() },
      { login: bot.login, type: bot.type, state: 'APPROVED', commit: head() },
    ];
    github.permissions[bot.login] = { permission: 'admin' };
    const out = await judge(['alice', bot.login]);
    expect(out.suppressed).toBeUndefined();
    expect(out.message).toContain(`${bot.login} is a bot`);
  });

  it.each([
    [
      'read',
      { permission: 'read' },
      /dave has read permission on acme\/shop; approving needs write, maintain or admin/,
    ],
    ['triage', { permission: 'read', role: 'triage' }, /dave has triage permission/],
    ['no collaborator entry (404)', undefined, /dave has none permission/],
  ])('refuses a reviewer with %s permission', async (_name, permission, reason) => {
    github.reviews = [
      { login: 'alice', state: 'APPROVED', commit: head() },
      { login: 'dave', state: 'APPROVED', commit: head() },
    ];
    if (permission) github.permissions.dave = permission;
    else delete github.permissions.dave;
    const out = await judge(['alice', 'dave']);
    expect(out.suppressed).toBeUndefined();
    expect(out.message).toMatch(reason);
  });

  it('accepts the maintain role (role_name) and admin', async () => {
    github.permissions.erin = { permission: 'write', role: 'maintain' };
    github.reviews = [
      { login: 'erin', state: 'APPROVED', commit: head() },
      { login: 'carol', state: 'APPROVED', commit: head() },
    ];
    expect((await judge(['erin', 'carol'])).suppressed).toBeDefined();
  });

  it('counts one person once, however the name is written', async () => {
    github.reviews = [{ login: 'alice', state: 'APPROVED', commit: head() }];
    const out = await judge(['alice', 'Alice', '@alice']);
    expect(out.suppressed).toBeUndefined();
    expect(out.message).toMatch(/only alice qualifies/);
  });

  it('does not count a real approver who is not named in approvedBy', async () => {
    github.reviews = [
      { login: 'alice', state: 'APPROVED', commit: head() },
      { login: 'carol', state: 'APPROVED', commit: head() },
    ];
    const out = await judge(['alice', 'mallory']);
    expect(out.suppressed).toBeUndefined();
    expect(out.message).toMatch(/mallory has not approved/);
  });

  it('follows pagination: approvals on the last of several pages count, and later pages override earlier ones', async () => {
    github.pageSize = 2;
    github.reviews = [
      ...Array.from({ length: 5 }, (_, index) => ({ login: `watcher${index}`, state: 'COMMENTED', commit: head() })),
      { login: 'bob', state: 'CHANGES_REQUESTED', commit: head() },
      { login: 'alice', state: 'APPROVED', commit: head() },
      { login: 'bob', state: 'APPROVED', commit: head() },
    ];
    expect((await judge(['alice', 'bob'])).suppressed).toBeDefined();
    const pages = github.requests.filter((request) => request.includes('/reviews'));
    expect(pages.length).toBe(4);
  });

  it('looks up permissions only for approvers whose reviews qualify', async () => {
    github.reviews = [
      { login: 'alice', state: 'APPROVED', commit: head() },
      { login: 'bob', state: 'APPROVED', commit: OLD },
    ];
    await judge(['alice', 'bob']);
    const lookups = github.requests.filter((request) => request.includes('/permission'));
    expect(lookups).toEqual(['GET /repos/acme/shop/collaborators/alice/permission']);
  });
});

describe('--verify-approvals github: nothing passes when GitHub cannot be read', () => {
  beforeEach(() => {
    github.reviews = [
      { login: 'alice', state: 'APPROVED', commit: head() },
      { login: 'bob', state: 'APPROVED', commit: head() },
    ];
  });

  it.each([
    ['a 500 on the reviews', /\/reviews$/, 500],
    ['a 502 on the pull request', /\/pulls\/7$/, 502],
    ['a 403 (rate limit or scope)', /\/reviews$/, 403],
    ['a 500 on the commits', /\/commits$/, 500],
  ])('%s keeps the change failing and names the request', async (_name, path, status) => {
    github.failures = [{ path, status }];
    const out = await judge(['alice', 'bob']);
    expect(out.suppressed).toBeUndefined();
    expect(out.message).toMatch(
      new RegExp(`approvals could not be verified against GitHub: GET .* returned ${status}`),
    );
  });

  it('a failed permission lookup refuses that approver only, and says why', async () => {
    github.failures = [{ path: /collaborators\/bob/, status: 500 }];
    const out = await judge(['alice', 'bob']);
    expect(out.suppressed).toBeUndefined();
    expect(out.message).toMatch(/bob's permission on acme\/shop could not be read: GET .* returned 500/);
  });

  it('bad credentials', async () => {
    const out = await judge(['alice', 'bob'], env({ GITHUB_TOKEN: 'wrong' }));
    expect(out.suppressed).toBeUndefined();
    expect(out.message).toMatch(/returned 401/);
  });

  it('a network failure (nothing listening)', async () => {
    await github.close();
    const out = await judge(['alice', 'bob'], env());
    github = await startFakeGitHub();
    expect(out.suppressed).toBeUndefined();
    expect(out.message).toMatch(
      /approvals could not be verified against GitHub: GET .* failed: no answer from the API/,
    );
  });

  it.each(['GITHUB_API_URL', 'GITHUB_REPOSITORY', 'GITHUB_EVENT_PATH', 'GITHUB_TOKEN'] as const)(
    'a missing %s',
    async (name) => {
      const out = await judge(['alice', 'bob'], env({ [name]: undefined }));
      expect(out.suppressed).toBeUndefined();
      expect(out.message).toContain(`${name} not set`);
    },
  );

  it('an event that is not about a pull request', async () => {
    const file = join(scratch, 'push.json');
    writeFileSync(file, JSON.stringify({ ref: 'refs/heads/main' }));
    const out = await judge(['alice', 'bob'], env({ GITHUB_EVENT_PATH: file }));
    expect(out.message).toMatch(/has no pull_request/);
  });

  it('a head that moved since the run started (approvals of the new head do not approve the checked code)', async () => {
    const checked = eventFile({ ...github.pull, head: OLD });
    const out = await judge(['alice', 'bob'], env({ GITHUB_EVENT_PATH: checked }));
    expect(out.suppressed).toBeUndefined();
    expect(out.message).toMatch(/head is now 9f8e7d6, but this run checked 1a2b3c4/);
  });

  it('a malformed GITHUB_REPOSITORY', async () => {
    const out = await judge(['alice', 'bob'], env({ GITHUB_REPOSITORY: 'acme' }));
    expect(out.message).toMatch(/expected owner\/name/);
  });
});

describe('--verify-approvals github on GitHub Enterprise Server', () => {
  it('uses GITHUB_API_URL with its path prefix', async () => {
    const enterprise = await startFakeGitHub('/api/v3');
    try {
      enterprise.permissions = { alice: writer, bob: writer };
      enterprise.reviews = [
        { login: 'alice', state: 'APPROVED', commit: enterprise.pull.head },
        { login: 'bob', state: 'APPROVED', commit: enterprise.pull.head },
      ];
      const out = await judge(['alice', 'bob'], env({ GITHUB_API_URL: `${enterprise.url}/` }));
      expect(out.suppressed).toBeDefined();
      expect(enterprise.requests[0]).toBe('GET /api/v3/repos/acme/shop/pulls/7');
    } finally {
      await enterprise.close();
    }
  });
});

describe('leash check --verify-approvals github, end to end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leash-gh-cli-'));
  const tableTemplate = (name: string) => ({
    Resources: {
      Orders: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          TableName: name,
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          Tags: [{ Key: 'environment', Value: 'production' }],
        },
      },
    },
  });
  const before = join(dir, 'before.json');
  const after = join(dir, 'after.json');
  writeFileSync(before, JSON.stringify(tableTemplate('orders')));
  writeFileSync(after, JSON.stringify(tableTemplate('orders-v2')));

  async function run(approvedBy: string[]) {
    const { runCli, memoryIo } = await import('../../lib/cli/program');
    const probe = memoryIo();
    await runCli(['check', after, '--baseline', before, '--format', 'json'], probe);
    const hash = (JSON.parse(probe.out) as { findings: Finding[] }).findings[0].details?.changeHash;
    const config = join(dir, `config-${approvedBy.join('-')}.json`);
    writeFileSync(
      config,
      JSON.stringify({ suppressions: [{ ...suppression(approvedBy), logicalId: 'Orders', changes: [hash] }] }),
    );
    const saved = { ...process.env };
    Object.assign(process.env, env());
    try {
      const io = memoryIo();
      const args = ['check', after, '--baseline', before, '--config', config, '--verify-approvals', 'github'];
      const code = await runCli([...args, '--format', 'json'], io);
      return { code, report: JSON.parse(io.out) as { findings: Finding[] } };
    } finally {
      for (const key of ['GITHUB_API_URL', 'GITHUB_REPOSITORY', 'GITHUB_EVENT_PATH', 'GITHUB_TOKEN']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  }

  it('takes approvedBy as written only outside a GitHub Actions pull request run; there, without the flag, none counts', async () => {
    const { runCli, memoryIo } = await import('../../lib/cli/program');
    const probe = memoryIo();
    await runCli(['check', after, '--baseline', before, '--format', 'json'], probe);
    const hash = (JSON.parse(probe.out) as { findings: Finding[] }).findings[0].details?.changeHash;
    const config = join(dir, 'config-unverified.json');
    writeFileSync(
      config,
      JSON.stringify({ suppressions: [{ ...suppression(['alice', 'bob']), logicalId: 'Orders', changes: [hash] }] }),
    );
    const check = async (variables: Record<string, string>) => {
      const saved = { ...process.env };
      Object.assign(process.env, variables);
      try {
        const io = memoryIo();
        const code = await runCli(['check', after, '--baseline', before, '--config', config, '--format', 'json'], io);
        return { code, err: io.err, findings: (JSON.parse(io.out) as { findings: Finding[] }).findings };
      } finally {
        for (const key of Object.keys(variables)) {
          if (saved[key] === undefined) delete process.env[key];
          else process.env[key] = saved[key];
        }
      }
    };
    const workstation = await check({});
    expect(workstation.code).toBe(0);
    expect(workstation.findings[0].message).toContain('approvedBy was not verified');
    for (const event of ['pull_request', 'pull_request_target']) {
      const pullRequest = await check({ GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: event });
      expect(pullRequest.code).toBe(1);
      expect(pullRequest.err).toContain(`this is a GitHub Actions ${event} run without --verify-approvals github`);
      expect(pullRequest.findings[0].suppressed).toBeUndefined();
      expect(pullRequest.findings[0].message).toContain(
        'pass --verify-approvals github so that only real reviews count',
      );
    }
    expect((await check({ GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'push' })).code).toBe(0);
  });

  it('exits 0 when two qualifying people approved the bound change, 1 when one approval is stale', async () => {
    github.reviews = [
      { login: 'alice', state: 'APPROVED', commit: head() },
      { login: 'bob', state: 'APPROVED', commit: head() },
    ];
    const passed = await run(['alice', 'bob']);
    expect(passed.code).toBe(0);
    expect(passed.report.findings[0].details?.approvalsVerified).toBe(true);
    github.reviews[1] = { login: 'bob', state: 'APPROVED', commit: OLD };
    const failed = await run(['alice', 'bob']);
    expect(failed.code).toBe(1);
    expect(failed.report.findings[0].message).toMatch(/bob's approval is for commit 1a2b3c4/);
  });
});
