// Names an attacker controls (role paths and names, from a saved authorization-details file) put through the
// report formats of the real CLI: every report is still written, and what it holds reads as the name typed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo, runCli } from '../../lib/cli/program';

const dir = mkdtempSync(join(tmpdir(), 'leash-hostile-'));
let files = 0;

const ACCOUNT = 'arn:aws:iam::111122223333';

/** A role at `path` + `name` (a path begins and ends with `/`) with one inline policy. */
function role(path: string, name: string, statement: object, trusted: object = { Service: 'lambda.amazonaws.com' }) {
  return {
    Path: path,
    RoleName: name,
    Arn: `${ACCOUNT}:role${path}${name}`,
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: trusted, Action: 'sts:AssumeRole' }],
    },
    RolePolicyList: [{ PolicyName: 'inline', PolicyDocument: { Version: '2012-10-17', Statement: [statement] } }],
    AttachedManagedPolicies: [],
  };
}

const ADMIN = { Effect: 'Allow', Action: '*', Resource: '*' };

function accountFile(roles: object[]): string {
  const file = join(dir, `authz-${files++}.json`);
  writeFileSync(file, JSON.stringify({ RoleDetailList: roles, UserDetailList: [], GroupDetailList: [], Policies: [] }));
  return file;
}

/** An account of one administrator role at `path` + `name`. */
function accountWithRole(path: string, name: string): string {
  return accountFile([role(path, name, ADMIN)]);
}

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo();
  const code = await runCli(args, io);
  return { code, out: io.out, err: io.err };
}

const audit = (file: string, format: string, ...more: string[]) =>
  cli('audit', '--input', file, '--format', format, '--fail-on', 'none', ...more);

/**
 * Escape sequences that erase the line, conceal all later text, switch to the alternate screen, draw a
 * hyperlink and ring the bell; a carriage return and a line break that forge a line; a right-to-left override.
 */
const TERMINAL_HOSTILE =
  'ops\x1b[2K\x1b[8m\x1b[?1049h\x1b]8;;https://evil.example\x07link\x1b]8;;\x07\r\nleash audit: no findings.\u202Egnp';
/** Control characters and invisible or direction marks a terminal would act on or hide. */
// eslint-disable-next-line no-control-regex
const TERMINAL_ACTIVE = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069]/;

describe('leash audit reports of hostile names', () => {
  it('writes the SARIF report of a role whose name holds half a UTF-16 character', async () => {
    const { code, out, err } = await audit(accountWithRole('/', 'lone\ud800half'), 'sarif');
    expect(err).toBe('');
    expect(code).toBe(0);
    const log = JSON.parse(out);
    const uris: string[] = log.runs[0].results.map(
      (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
        r.locations[0].physicalLocation.artifactLocation.uri,
    );
    expect(uris.length).toBeGreaterThan(0);
    expect(new Set(uris)).toEqual(new Set(['aws/111122223333/role/lone%EF%BF%BDhalf']));
  });

  it('shows a role name that holds terminal escape sequences as visible escapes in the table and the summary', async () => {
    const file = accountWithRole('/', TERMINAL_HOSTILE);
    for (const extra of [[], ['--summary']]) {
      const { out } = await audit(file, 'table', ...extra);
      expect(out).not.toMatch(TERMINAL_ACTIVE);
      expect(out).toContain('ops\\u{1b}[2K\\u{1b}[8m\\u{1b}[?1049h\\u{1b}]8;;https://evil.example\\u{7}link');
      expect(out).toContain('leash audit: no findings.\\u{202e}gnp');
      // The real totals are the only line that begins with the tool's name.
      expect(out.split('\n').filter((line) => line.startsWith('leash audit:'))).toEqual([
        expect.stringMatching(/^leash audit: \d+ critical/),
      ]);
    }
  });

  it('shows terminal escape sequences in names as visible escapes in leash explain and leash paths', async () => {
    const hostile = `${ACCOUNT}:role/${TERMINAL_HOSTILE}`;
    const file = accountFile([
      role('/', TERMINAL_HOSTILE, { Sid: 'AssumeAdmin', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }),
      role('/', 'admin', ADMIN, { AWS: hostile }),
    ]);
    const explain = await cli('explain', hostile, 'sts:AssumeRole', '--input', file);
    expect(explain.err).toBe('');
    expect(explain.out).toContain('\\u{1b}[8m');
    expect(explain.out).not.toMatch(TERMINAL_ACTIVE);
    const paths = await cli('paths', hostile, '--to', 'admin', '--input', file);
    expect(paths.out).toContain(`reaches role/admin`);
    expect(paths.out).toContain('\\u{1b}[8m');
    expect(paths.out).not.toMatch(TERMINAL_ACTIVE);
    const missing = await cli('explain', `${hostile}x`, 'sts:AssumeRole', '--input', file);
    expect(missing.err).toContain('close matches');
    expect(missing.err).not.toMatch(TERMINAL_ACTIVE);
  });

  describe('in Markdown for a pull-request comment or job summary', () => {
    // IAM role paths may hold any printable ASCII, so each of these is a path AWS accepts.
    const paths = [
      '/"><img src=x onerror=alert(1)>/',
      '/![ok](https://attacker.example/all-clear.png)/',
      '/[approve](https://attacker.example/x)/',
      '/@acme/security-team/',
      '/a|b`c<!--/',
      '/www.attacker.example/',
    ];
    let markdown: string;
    let findings: number;
    beforeAll(async () => {
      const file = accountFile(paths.map((path, i) => role(path, `r${i}`, ADMIN)));
      markdown = (await audit(file, 'markdown')).out;
      findings = JSON.parse((await audit(file, 'json')).out).summary.findings;
    });

    it('keeps every finding row at four cells, and counts what it leaves out', () => {
      const rows = markdown.split('\n').filter((line) => /^\| (🔴|🟠|🟡|🔵|⚪) /u.test(line));
      // GitHub splits a row at every pipe without a backslash, inside code spans too.
      for (const row of rows) expect(row.match(/(?<!\\)\|/g)).toHaveLength(5);
      const more = /_… and (\d+) more; see the JSON or SARIF report\._/.exec(markdown);
      expect(rows.length + Number(more?.[1] ?? 0)).toBe(findings);
    });

    it('lets no name become an image, a link, a mention, an HTML element or comment', () => {
      // What GitHub reads as Markdown: the text outside code spans (a code span shows its text as typed).
      const prose = markdown.replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, '');
      expect(prose).not.toMatch(/(?<!\\)<(?!br>)/);
      expect(prose).not.toMatch(/(?<!\\)!(?<!\\)\[/);
      expect(prose).not.toContain('@');
      expect(prose).not.toMatch(/(?<!\\):\/\/attacker|(?<!\\)www\.attacker/);
      const links = [...prose.matchAll(/(?<!\\)\]\(([^)]*)\)/g)].map((m) => m[1]);
      expect(links.length).toBeGreaterThan(0);
      for (const link of links) expect(link).toMatch(/^https:\/\/github\.com\/agent-leash\/agent-leash\//);
    });

    it('keeps a leash paths hop table at six cells and its names in code when a name holds @, | and `', async () => {
      const hostile = `${ACCOUNT}:role/start.@acme-security|x\`y`;
      const file = accountFile([
        role('/', 'start.@acme-security|x`y', { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }),
        role('/', 'admin', ADMIN, { AWS: hostile }),
      ]);
      const { out } = await cli('paths', hostile, '--to', 'admin', '--format', 'markdown', '--input', file);
      const hops = out.split('\n').filter((line) => /^\| \d+ \|/.test(line));
      expect(hops.length).toBeGreaterThan(0);
      for (const hop of hops) expect(hop.match(/(?<!\\)\|/g)).toHaveLength(7);
      expect(out).toContain('| ``role/start.@acme-security\\|x`y`` |');
      expect(out.replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, '')).not.toContain('@');
    });

    const cmark = '/usr/bin/cmark-gfm';
    (existsSync(cmark) ? it : it.skip)(
      "renders on GitHub's own Markdown engine without an image, a foreign link or a mention",
      () => {
        const html = spawnSync(
          cmark,
          ['-e', 'table', '-e', 'autolink', '-e', 'strikethrough', '-e', 'tagfilter', '--unsafe'],
          {
            input: markdown,
            encoding: 'utf8',
          },
        ).stdout;
        expect(html).not.toContain('<img');
        expect(html).not.toContain('<!--');
        for (const [, href] of html.matchAll(/<a href="([^"]*)"/g)) {
          expect(href).toMatch(/^https:\/\/github\.com\/agent-leash\/agent-leash\//);
        }
        // Mentions: GitHub links `@name` in rendered text, never in code.
        expect(html.replace(/<code>[\s\S]*?<\/code>/g, '')).not.toContain('@');
        for (const row of html.match(/<tr>[\s\S]*?<\/tr>/g) ?? []) {
          expect([4, 5]).toContain(row.match(/<t[dh]/g)?.length);
        }
        expect(html).toContain('<code>role/a|b`c&lt;!--/r4</code>');
      },
    );
  });

  it('reads a Deny whose condition key is "__proto__" as unreadable, not as a Deny of everything', async () => {
    // Written as JSON text: in an object literal, `__proto__` would set the prototype instead of a key.
    const deny = JSON.parse(
      '{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEquals":{"__proto__":"x"}}}',
    );
    const file = accountFile([{ ...role('/', 'shielded', ADMIN), RolePolicyList: [] }]);
    const account = JSON.parse(readFileSync(file, 'utf8'));
    account.RoleDetailList[0].RolePolicyList = [
      { PolicyName: 'inline', PolicyDocument: { Version: '2012-10-17', Statement: [ADMIN, deny] } },
    ];
    writeFileSync(file, JSON.stringify(account));
    const report = JSON.parse((await audit(file, 'json')).out);
    const rules = report.findings.map((f: { ruleId: string }) => f.ruleId);
    expect(rules).toEqual(expect.arrayContaining(['full-admin', 'can-delete-production', 'unreadable-policy']));
    expect(report.accounts[0].problems).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          'Statement[1].Condition.StringEquals.__proto__: a condition key "__proto__" cannot be read',
        ),
      }),
    ]);
  });

  it('writes control characters and direction overrides of a name into JUnit as visible escapes, not dropped', async () => {
    const { out } = await audit(accountWithRole('/', 'ops\x1b[8m\u202Egnp'), 'junit');
    expect(out).toContain('name="arn:aws:iam::111122223333:role/ops\\u{1b}[8m\\u{202e}gnp: ');
    expect(out).toContain('principal: arn:aws:iam::111122223333:role/ops\\u{1b}[8m\\u{202e}gnp');
    expect(out).not.toMatch(/role\/ops\[8m/);
    expect(out).not.toContain('\u202E');
  });

  it('writes names with terminal escape sequences into leash paths --format dot as visible escapes', async () => {
    const hostile = `${ACCOUNT}:role/${TERMINAL_HOSTILE}`;
    const file = accountFile([
      role('/', TERMINAL_HOSTILE, { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }),
      role('/', 'admin', ADMIN, { AWS: hostile }),
    ]);
    const { out } = await cli('paths', hostile, '--to', 'admin', '--format', 'dot', '--input', file);
    expect(out).toMatch(/^digraph access \{/);
    expect(out).toContain('-> "arn:aws:iam::111122223333:role/admin"');
    expect(out).toContain('\\\\u{1b}[8m');
    expect(out).not.toMatch(TERMINAL_ACTIVE);
  });

  it('writes direction overrides and C1 controls in names into JSON and SARIF as \\u escapes, the same strings to a reader', async () => {
    const name = 'admin\u202Egnp.exe\u009B8m';
    const file = accountWithRole('/', name);
    for (const format of ['json', 'sarif']) {
      const { out } = await audit(file, format);
      expect(out).toContain('admin\\u202egnp.exe\\u009b8m');
      expect(out).not.toMatch(/[\u0080-\u009F\u202A-\u202E]/);
      expect(JSON.stringify(JSON.parse(out))).toContain(`role/${name}`);
    }
  });

  it('names a hostile principal that has no path as text in every leash paths format, and explain --json escapes it', async () => {
    const name = 'lone`@acme-team\x1b[8m\u202Egnp';
    const hostile = `${ACCOUNT}:role/${name}`;
    const file = accountFile([role('/', name, { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })]);
    const text = await cli('paths', hostile, '--to', 'admin', '--input', file);
    expect(text.out).toContain('no path from arn:aws:iam::111122223333:role/lone`@acme-team\\u{1b}[8m\\u{202e}gnp');
    expect(text.out).not.toMatch(TERMINAL_ACTIVE);
    const markdown = await cli('paths', hostile, '--to', 'admin', '--format', 'markdown', '--input', file);
    expect(markdown.out).toContain(
      'No path from ``arn:aws:iam::111122223333:role/lone`@acme-team\\u{1b}[8m\\u{202e}gnp`` to',
    );
    const json = await cli('paths', hostile, '--to', 'admin', '--format', 'json', '--input', file);
    expect(json.out).not.toMatch(/[\u202A-\u202E]/);
    expect(JSON.parse(json.out).from).toBe(hostile);
    const explain = await cli('explain', hostile, 's3:GetObject', '--input', file, '--json');
    expect(explain.out).not.toMatch(/[\u202A-\u202E]/);
    expect(JSON.parse(explain.out).principal).toBe(hostile);
  });
});
