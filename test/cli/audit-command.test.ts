import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PARALLEL_THRESHOLD } from '../../lib/audit/parallel-audit';
import { memoryIo, runCli } from '../../lib/cli/program';

const EXAMPLE = 'examples/example-account/authorization-details.json';
const SCPS = 'examples/example-account/scps.json';
const CONFIG = 'examples/example-account/leash.config.json';
const dir = mkdtempSync(join(tmpdir(), 'leash-audit-cli-'));

const write = (name: string, value: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};

/** A tiny account: one read-only role. */
const cleanAccount = {
  RoleDetailList: [
    {
      Path: '/',
      RoleName: 'reader',
      Arn: 'arn:aws:iam::111122223333:role/reader',
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      RolePolicyList: [
        {
          PolicyName: 'read',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
          },
        },
      ],
      AttachedManagedPolicies: [],
    },
  ],
};

describe('leash audit', () => {
  it('says in --help from what size --threads audits on several threads (the threshold the audit applies)', async () => {
    const io = memoryIo();
    await runCli(['audit', '--help'], io);
    expect(io.out.replace(/\s+/g, ' ')).toContain(
      `(${PARALLEL_THRESHOLD.toLocaleString('en-US')} users and roles or more`,
    );
  });

  it('refuses --threads that is not a whole number of at least 1', async () => {
    const io = memoryIo();
    expect(await runCli(['audit', '--input', 'x.json', '--threads', '0'], io)).not.toBe(0);
    expect(io.err).toContain('--threads');
  });

  // The ASFF region falls back to these; the tests name it or expect its absence.
  delete process.env.AWS_REGION;
  delete process.env.AWS_DEFAULT_REGION;
  let exampleJson: {
    summary: { bySeverity: Record<string, number> };
    findings: { ruleId: string; suppressed?: unknown }[];
  };
  let exampleCode: number;

  beforeAll(async () => {
    const io = memoryIo();
    exampleCode = await runCli(
      ['audit', '--input', EXAMPLE, '--scp', SCPS, '--config', CONFIG, '--format', 'json'],
      io,
    );
    exampleJson = JSON.parse(io.out);
  });

  it('warns on stderr about a production value of the config that reads as a misspelling, and still audits', async () => {
    const config = write('misspelt.json', { guardrails: { production: { values: ['prodution'] } } });
    const io = memoryIo();
    const code = await runCli(
      ['audit', '--input', EXAMPLE, '--config', config, '--format', 'json', '--fail-on', 'none'],
      io,
    );
    expect(code).toBe(0);
    expect(io.err).toContain(
      `leash: warning: ${config}: guardrails.production.values[0]: "prodution" reads as a misspelling of "production"`,
    );
    expect(JSON.parse(io.out).findings.length).toBeGreaterThan(0);
  });

  it("finds the bundled example account's traps and exits 1", () => {
    expect(exampleCode).toBe(1);
    const rules = new Set(exampleJson.findings.map((f) => f.ruleId));
    for (const id of [
      'can-delete-production',
      'full-admin',
      'privilege-escalation',
      'can-change-production-tag',
      'missing-boundary',
      'weak-boundary',
      'allow-with-not-action',
      'trust-public-principal',
      'trust-cross-account-no-external-id',
      'trust-oidc-unconstrained',
      'trust-github-wildcard-repo',
      'invalid-pattern',
    ]) {
      expect(rules).toContain(id);
    }
    expect(exampleJson.summary.bySeverity.critical).toBeGreaterThan(0);
  });

  it('applies in-date suppressions from the config and keeps the finding, marked', () => {
    const suppressed = exampleJson.findings.filter((f) => f.suppressed);
    expect(suppressed.map((f) => f.ruleId)).toEqual(['full-admin']);
  });

  it('prints a table by default and exits 0 on a clean account', async () => {
    const io = memoryIo();
    const code = await runCli(['audit', '--input', write('clean.json', cleanAccount)], io);
    expect(code).toBe(0);
    expect(io.out).toContain('leash audit: no findings.');
  });

  it('honours --fail-on', async () => {
    const writer = JSON.parse(JSON.stringify(cleanAccount));
    writer.RoleDetailList[0].RolePolicyList[0].PolicyDocument.Statement[0].Action = 'sqs:SendMessage';
    const file = write('medium.json', writer);
    expect(await runCli(['audit', '--input', file, '--fail-on', 'high'], memoryIo())).toBe(0);
    expect(await runCli(['audit', '--input', file, '--fail-on', 'medium'], memoryIo())).toBe(1);
  });

  it('writes the report to --output in the chosen format', async () => {
    const output = join(dir, 'report.sarif');
    const io = memoryIo();
    await runCli(['audit', '--input', write('clean2.json', cleanAccount), '--format', 'sarif', '--output', output], io);
    expect(JSON.parse(readFileSync(output, 'utf8')).version).toBe('2.1.0');
    expect(io.out).toBe('');
    expect(io.err).toContain(`wrote ${output}`);
  });

  it('writes the same report to --output as to stdout, block by block, for every format', async () => {
    for (const format of ['table', 'json', 'sarif', 'markdown']) {
      const output = join(dir, `example.${format}`);
      const toStdout = memoryIo();
      await runCli(['audit', '--input', EXAMPLE, '--scp', SCPS, '--format', format, '--fail-on', 'none'], toStdout);
      await runCli(
        ['audit', '--input', EXAMPLE, '--scp', SCPS, '--format', format, '--fail-on', 'none', '--output', output],
        memoryIo(),
      );
      expect(readFileSync(output, 'utf8')).toBe(toStdout.out);
    }
  });

  it('writes several formats in one run into --output-dir, the same as one run each, and prints only a summary', async () => {
    const outDir = join(dir, 'reports');
    const args = ['audit', '--input', EXAMPLE, '--scp', SCPS, '--config', CONFIG, '--security-hub-region', 'eu-west-1'];
    const io = memoryIo();
    const code = await runCli([...args, '--format', 'json,sarif,markdown,html,junit,asff', '--output-dir', outDir], io);
    expect(code).toBe(exampleCode);
    const files = ['json', 'sarif', 'md', 'html', 'junit.xml', 'asff.json'].map((ext) =>
      join(outDir, `leash-audit.${ext}`),
    );
    for (const file of files) expect(io.out).toContain(file);
    expect(io.out.split('\n')[0]).toMatch(/^leash audit: \d+ critical, /);
    expect(io.out.length).toBeLessThan(2_000);
    for (const format of ['json', 'sarif', 'markdown', 'junit']) {
      const single = memoryIo();
      await runCli([...args, '--format', format], single);
      const ext = { json: 'json', sarif: 'sarif', markdown: 'md', junit: 'junit.xml' }[format];
      expect(readFileSync(join(outDir, `leash-audit.${ext}`), 'utf8')).toBe(single.out);
    }
    const html = readFileSync(join(outDir, 'leash-audit.html'), 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    const asff = JSON.parse(readFileSync(join(outDir, 'leash-audit.asff.json'), 'utf8')) as { AwsAccountId: string }[];
    expect(asff).toHaveLength(exampleJson.findings.length);
  });

  it('writes SARIF that GitHub code scanning accepts: every result at a relative path, at most 25,000', async () => {
    const io = memoryIo();
    await runCli(['audit', '--input', EXAMPLE, '--scp', SCPS, '--format', 'sarif', '--fail-on', 'none'], io);
    const results: { locations: { physicalLocation?: { artifactLocation?: { uri?: string } } }[] }[] = JSON.parse(
      io.out,
    ).runs[0].results;
    expect(results.length).toBeGreaterThan(50);
    for (const result of results) {
      expect(result.locations[0].physicalLocation?.artifactLocation?.uri).toMatch(/^aws\/111122223333\/[^:]+$/);
    }
    expect(io.err).toBe('');
  });

  it('exits 2 naming the file when --output cannot be written', async () => {
    const io = memoryIo();
    const code = await runCli(['audit', '--input', write('clean3.json', cleanAccount), '--output', dir], io);
    expect(code).toBe(2);
    expect(io.err).toMatch(new RegExp(`^leash: ${dir}: cannot write: is a directory`));
    expect(io.out).toBe('');
  });

  it('exits 1 for a partial audit (an account not audited), whatever the findings', async () => {
    const org = write('org.json', {
      schemaVersion: 1,
      kind: 'organization',
      organizationId: 'o-abc',
      managementAccountId: '999988887777',
      accounts: [],
      notAudited: [{ accountId: '123412341234', reason: 'AccessDenied' }],
    });
    const io = memoryIo();
    expect(await runCli(['audit', '--input', org, '--format', 'markdown'], io)).toBe(1);
    expect(io.out).toContain('**Partial result:**');
  });

  it.each([
    ['a missing file', ['--input', 'no/such/file.json'], /no\/such\/file\.json: cannot read: no such file/],
    ['a malformed input', ['--input', 'examples/example-account/scps.json'], /not a recognised input/],
    [
      'an unknown format',
      ['--input', EXAMPLE, '--format', 'json,pdf'],
      /"pdf" is not a format\. Allowed: table, json, sarif, markdown, html, junit, asff/,
    ],
    ['several formats without --output-dir', ['--input', EXAMPLE, '--format', 'json,sarif'], /need --output-dir DIR/],
    [
      'both --output and --output-dir',
      ['--input', EXAMPLE, '--output', 'x.json', '--output-dir', 'out'],
      /--output and --output-dir exclude each other/,
    ],
    ['asff without a region', ['--input', EXAMPLE, '--format', 'asff'], /Security Hub region is needed/],
    [
      'a suppression without a real reason',
      [
        '--input',
        EXAMPLE,
        '--config',
        write('bad-config.json', { suppressions: [{ ruleId: 'full-admin', reason: 'ok', expires: '2099-01-01' }] }),
      ],
      /bad-config\.json: suppressions\[0\]\.reason: a written reason of at least 10 characters/,
    ],
    [
      // Before, every finding about who can delete production became info, and the run passed.
      'an exemption that matches every principal',
      [
        '--input',
        EXAMPLE,
        '--scp',
        SCPS,
        '--config',
        write('exempt-all.json', { guardrails: { exemptPrincipalArns: ['arn:aws:iam::*:*'] } }),
      ],
      /exempt-all\.json: guardrails\.exemptPrincipalArns\[0\]: "arn:aws:iam::\*:\*" is not a role/,
    ],
  ])('exits 2 on %s with a clear message', async (_name, args, message) => {
    const io = memoryIo();
    expect(await runCli(['audit', ...args], io)).toBe(2);
    expect(io.err).toMatch(message);
  });

  it('says on stderr and in the report what leash generate would refuse in the config', async () => {
    // One session of a role exempts nobody in AWS (aws:PrincipalArn is the role's ARN): generation refuses it.
    const config = write('session-exemption.json', {
      guardrails: { exemptPrincipalArns: ['arn:aws:sts::*:assumed-role/reader/alice'] },
    });
    const io = memoryIo();
    await runCli(
      [
        'audit',
        '--input',
        write('clean.json', cleanAccount),
        '--config',
        config,
        '--format',
        'json',
        '--fail-on',
        'none',
      ],
      io,
    );
    expect(io.err).toMatch(/session-exemption\.json: guardrails: exemptPrincipalArns\[0\].*leash generate refuses/);
    const report = JSON.parse(io.out) as { accounts: { caveats: string[] }[] };
    expect(report.accounts[0].caveats.join('\n')).toMatch(/exemptPrincipalArns\[0\].*assumed-role\/reader\/alice/);
  });
});
