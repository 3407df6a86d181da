// What each command loads: `leash --help` lists the commands without loading the engine, zod, YAML, the
// template diff or the AWS SDK, and an audit of saved files never loads the AWS SDK. Checked on the built
// CLI (npm test builds first) by listing the modules a real process loaded, not by timing it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'bin', 'leash.js');

/** The files a `leash` process loaded (node_modules files by package path). */
function modulesOf(args: readonly string[]): string[] {
  const script = `
    process.argv = [process.argv[0], ${JSON.stringify(cli)}, ...${JSON.stringify(args)}];
    process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));
    require(${JSON.stringify(cli)});`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  const line = result.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  if (!line) throw new Error(`no module list from leash ${args.join(' ')}: ${result.stderr}`);
  return (JSON.parse(line.slice('LOADED '.length)) as string[]).map((file) =>
    file.includes('node_modules') ? file.slice(file.lastIndexOf('node_modules') + 'node_modules/'.length) : file,
  );
}

const packageOf = (file: string) =>
  (file.startsWith('@') ? file.split('/').slice(0, 2) : file.split('/').slice(0, 1)).join('/');

const built = existsSync(cli);
(built ? describe : describe.skip)('what the built CLI loads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leash-lazy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leash --help lists every command without loading zod, YAML, the template diff, the engine or the AWS SDK', () => {
    const modules = modulesOf(['--help']);
    const packages = new Set(modules.filter((file) => !file.startsWith('/')).map(packageOf));
    const heavy = /^(zod|yaml|aws-cdk-lib|constructs|@aws-sdk\/.*|@smithy\/.*|@aws-cdk\/.*|@cloud-copilot\/.*)$/;
    expect([...packages].filter((name) => heavy.test(name))).toEqual([]);
    expect(packages.has('commander')).toBe(true);
    expect(
      modules.filter((file) =>
        /[\\/]lib[\\/](audit[\\/](audit\.js|evaluate[\\/]|rules[\\/]index|sources[\\/](index|live-input|live-account))|check[\\/]check|policy[\\/]parse)/.test(
          file,
        ),
      ),
    ).toEqual([]);
  });

  it('an audit of a saved file loads the engine but never the AWS SDK', () => {
    const input = join(dir, 'empty.json');
    writeFileSync(
      input,
      JSON.stringify({
        schemaVersion: 1,
        accountId: '111122223333',
        source: { kind: 'live', location: 'test' },
        principals: [],
        managedPolicies: [],
      }),
    );
    const modules = modulesOf(['audit', '--input', input, '--format', 'json', '--output', join(dir, 'out.json')]);
    expect(modules.some((file) => /[\\/]lib[\\/]audit[\\/]audit\.js$/.test(file))).toBe(true);
    expect(modules.filter((file) => file.startsWith('@aws-sdk/') || file.startsWith('@smithy/'))).toEqual([]);
    // Only the writer of the format asked for: no HTML page, Markdown, JUnit or terminal table.
    const writers = (format: string) =>
      modulesOf(['audit', '--input', input, '--format', format, '--output', join(dir, `out.${format}`)])
        .filter((file) => /[\\/]lib[\\/]audit[\\/]report[\\/](html|markdown|junit|table)\.js$/.test(file))
        .map((file) => file.replace(/^.*[\\/]/, ''));
    expect(writers('json')).toEqual([]);
    expect(writers('html')).toEqual(['html.js']);
  });

  it('an audit of a well-formed authorization-details file without --config never loads zod', () => {
    const input = join(dir, 'authz.json');
    writeFileSync(
      input,
      JSON.stringify({
        UserDetailList: [],
        GroupDetailList: [],
        RoleDetailList: [
          {
            Path: '/',
            RoleName: 'app',
            Arn: 'arn:aws:iam::111122223333:role/app',
            AssumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
              ],
            },
            RolePolicyList: [
              {
                PolicyName: 'p',
                PolicyDocument: {
                  Version: '2012-10-17',
                  Statement: [{ Effect: 'Allow', Action: 's3:DeleteBucket', Resource: '*' }],
                },
              },
            ],
            AttachedManagedPolicies: [],
            Tags: [],
          },
        ],
        Policies: [],
      }),
    );
    const modules = modulesOf(['audit', '--input', input, '--format', 'json', '--output', join(dir, 'authz-out.json')]);
    expect(modules.some((file) => /[\\/]lib[\\/]audit[\\/]audit\.js$/.test(file))).toBe(true);
    expect(modules.filter((file) => packageOf(file) === 'zod')).toEqual([]);
  });

  it('an audit of a well-formed account or organization snapshot never loads zod', () => {
    const account = {
      schemaVersion: 1,
      accountId: '111122223333',
      source: { kind: 'live', location: 'test' },
      principals: [{ kind: 'role', arn: 'arn:aws:iam::111122223333:role/app', name: 'app' }],
      managedPolicies: [],
      organizationPoliciesKnown: true,
    };
    const organization = {
      schemaVersion: 1,
      kind: 'organization',
      organizationId: 'o-a1b2c3d4e5',
      managementAccountId: '999999999999',
      accounts: [account],
      notAudited: [],
    };
    for (const [name, snapshot] of [
      ['account', account],
      ['organization', organization],
    ] as const) {
      const input = join(dir, `${name}-snapshot.json`);
      writeFileSync(input, JSON.stringify(snapshot));
      const modules = modulesOf([
        'audit',
        '--input',
        input,
        '--format',
        'json',
        '--output',
        join(dir, `${name}.out.json`),
      ]);
      expect(modules.some((file) => /[\\/]lib[\\/]audit[\\/]audit\.js$/.test(file))).toBe(true);
      expect(modules.filter((file) => packageOf(file) === 'zod')).toEqual([]);
    }
  });

  it('leash validate loads the policy grammar and the catalog, not zod (for a valid policy), the AWS SDK or the audit', () => {
    const policy = join(dir, 'policy.json');
    writeFileSync(
      policy,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      }),
    );
    const modules = modulesOf(['validate', policy]);
    expect(modules.some((file) => /[\\/]lib[\\/]catalog[\\/]index\.js$/.test(file))).toBe(true);
    expect(
      modules.filter((file) => file.startsWith('@aws-sdk/') || /[\\/]lib[\\/]audit[\\/]audit\.js$/.test(file)),
    ).toEqual([]);
    // One command registers alone: none of the other commands' modules.
    expect(modules.filter((file) => /[\\/]lib[\\/]cli[\\/][\w-]+-command\.js$/.test(file))).toEqual([
      expect.stringMatching(/validate-command\.js$/),
    ]);
    // The zod schemas are loaded only for a document the grammar's fast path leaves to them.
    expect(modules.filter((file) => packageOf(file) === 'zod')).toEqual([]);
  });
});
