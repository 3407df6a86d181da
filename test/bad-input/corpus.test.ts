// The bad-input corpus: what new users and reliability testers handed the CLI. Every case must end with the
// documented exit code, one clear message naming the file (and the JSON path where there is one), no stack
// trace, and every input file byte for byte as it was.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo, runCli } from '../../lib/cli/program';

const dir = mkdtempSync(join(tmpdir(), 'leash-bad-input-'));
const at = (name: string) => join(dir, name);
function file(name: string, content: string | Buffer | object): string {
  writeFileSync(at(name), typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content));
  return at(name);
}

const trust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const authz = (document: unknown, trustPolicy: unknown = trust) => ({
  RoleDetailList: [
    {
      RoleName: 'app',
      Arn: 'arn:aws:iam::111122223333:role/app',
      Path: '/',
      AssumeRolePolicyDocument: trustPolicy,
      RolePolicyList: [{ PolicyName: 'inline', PolicyDocument: document }],
      AttachedManagedPolicies: [],
    },
  ],
  UserDetailList: [],
  GroupDetailList: [],
  Policies: [],
});
const readOnly = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
const template = { Resources: { Bucket: { Type: 'AWS::S3::Bucket' } } };

file('authz.json', authz(readOnly));
file('template.json', template);
file('config.json', { guardrails: { production: { tagKeys: ['environment'] } } });
file('scp.json', { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'rds:Delete*', Resource: '*' }] });

interface Case {
  readonly name: string;
  readonly args: () => string[];
  readonly exit: number;
  /** Text the message must hold: the file and, where there is one, the JSON path. */
  readonly says: readonly (string | RegExp)[];
}

const A = () => at('authz.json');
const cases: Case[] = [
  // Config: strict at every level.
  {
    name: 'a misspelt config key',
    args: () => [
      'generate',
      '--config',
      file('c1.json', { guardrails: { production: { tagKey: ['env'] } } }),
      '--out',
      at('g'),
    ],
    exit: 2,
    says: ['c1.json: guardrails.production.tagKey: unknown key', 'did you mean "tagKeys"?'],
  },
  {
    name: 'a misspelt top-level key',
    args: () => ['audit', '--input', A(), '--config', file('c2.json', { supressions: [] })],
    exit: 2,
    says: ['c2.json: supressions', 'did you mean "suppressions"?'],
  },
  {
    name: 'a suppression for a rule that does not exist',
    args: () => [
      'audit',
      '--input',
      A(),
      '--config',
      file('c3.json', { suppressions: [{ ruleId: 'full-admn', reason: 'accepted for now', expires: '2099-01-01' }] }),
    ],
    exit: 2,
    says: ['c3.json: suppressions[0].ruleId', 'did you mean "full-admin"?'],
  },
  {
    name: 'a date that is not in the calendar',
    args: () => [
      'check',
      at('template.json'),
      '--config',
      file('c4.json', { suppressions: [{ ruleId: 'full-admin', reason: 'accepted for now', expires: '2099-02-30' }] }),
    ],
    exit: 2,
    says: ['c4.json: suppressions[0].expires: not a calendar date'],
  },
  {
    name: 'an empty production tag value',
    args: () => [
      'generate',
      '--config',
      file('c5.json', { guardrails: { production: { values: [''] } } }),
      '--out',
      at('g'),
    ],
    exit: 2,
    says: ['c5.json: guardrails.production.values[0]'],
  },
  {
    name: 'an agent service that does not exist',
    args: () => [
      'generate',
      '--config',
      file('c6.json', { guardrails: { agents: { allowedServices: ['s4'] } } }),
      '--out',
      at('g'),
    ],
    exit: 2,
    says: ['c6.json: guardrails', 'agents.allowedServices[0]: unknown service prefix "s4"'],
  },
  // Outputs that are inputs.
  ...(['input', 'config', 'scp'] as const).map((which) => ({
    name: `--output that is the ${which} file`,
    args: () => [
      'audit',
      '--input',
      A(),
      '--config',
      at('config.json'),
      '--scp',
      at('scp.json'),
      '--output',
      at(`${which === 'input' ? 'authz' : which}.json`),
    ],
    exit: 2,
    says: [`is the input ${at(`${which === 'input' ? 'authz' : which}.json`)}`],
  })),
  {
    name: '--output that is the template',
    args: () => ['check', at('template.json'), '--output', at('template.json')],
    exit: 2,
    says: [`is the input ${at('template.json')}`],
  },
  {
    name: '--out that would replace the config',
    args: () => ['generate', '--config', file('boundary.json', {}), '--out', dir],
    exit: 2,
    says: [`is the input ${at('boundary.json')}`],
  },
  {
    name: '--output into /proc',
    args: () => ['audit', '--input', A(), '--output', '/proc/version'],
    exit: 2,
    says: ['/proc/version: cannot write'],
  },
  {
    name: 'generate --out in /proc',
    args: () => ['generate', '--out', '/proc/x'],
    exit: 2,
    says: ['/proc/x: cannot write'],
  },
  // Special and damaged files.
  {
    name: 'a device as input',
    args: () => ['audit', '--input', '/dev/zero'],
    exit: 2,
    says: ['/dev/zero: cannot read: not a regular file'],
  },
  {
    name: 'a directory as config',
    args: () => ['audit', '--input', A(), '--config', dir],
    exit: 2,
    says: [`${dir}: cannot read: is a directory`],
  },
  {
    name: 'JSON nested 10,000 deep',
    args: () => ['validate', file('deep.json', `${'['.repeat(10_000)}${']'.repeat(10_000)}`)],
    exit: 2,
    says: ['deep.json', 'nested more than 256 levels'],
  },
  {
    name: 'a YAML alias that refers to itself',
    args: () => [
      'check',
      file('self.yaml', 'Resources: &r\n  X:\n    Type: AWS::S3::Bucket\n    Properties:\n      Loop: *r\n'),
    ],
    exit: 2,
    says: ['self.yaml:5:13: YAML alias *r refers to itself'],
  },
  {
    name: 'a billion-laughs template',
    args: () => {
      const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      for (let i = 1; i < 10; i++) {
        const [p, c] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
        levels.push(`${c}: &${c} [${Array(10).fill(`*${p}`).join(',')}]`);
      }
      return [
        'check',
        file(
          'laughs.yaml',
          `Resources:\n  X:\n    Type: AWS::S3::Bucket\n    Properties:\n${levels.map((l) => `      ${l}`).join('\n')}\n`,
        ),
      ];
    },
    exit: 2,
    says: ['laughs.yaml', 'YAML aliases'],
  },
  {
    name: 'a Latin-1 file',
    args: () => [
      'audit',
      '--input',
      file('latin1.json', Buffer.from('{"RoleDetailList": [], "x": "caf\xe9"}', 'latin1')),
    ],
    exit: 2,
    says: ['latin1.json: cannot read: not UTF-8', 'Latin-1'],
  },
  {
    name: 'a UTF-32 file',
    args: () => ['audit', '--input', file('utf32.json', Buffer.from([0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0]))],
    exit: 2,
    says: ['utf32.json: cannot read: the file is UTF-32'],
  },
  // Wrong kinds of file.
  {
    name: 'a template given to audit',
    args: () => ['audit', '--input', at('template.json')],
    exit: 2,
    says: ['this is a CloudFormation template: did you mean `leash check'],
  },
  {
    name: 'authorization details given to check',
    args: () => ['check', A()],
    exit: 2,
    says: ['authz.json: Resources', 'did you mean `leash audit --input'],
  },
  {
    name: 'a template given to validate',
    args: () => ['validate', at('template.json')],
    exit: 2,
    says: ['did you mean `leash check'],
  },
  // Usage errors.
  ...([['--org'], ['--profile', 'prod'], ['--role-name', 'auditor'], ['--concurrency', '4']] as const).map((flag) => ({
    name: `live-only ${flag[0]} with --input`,
    args: () => ['audit', '--input', A(), ...flag],
    exit: 2,
    says: [`${flag[0]}: only for a live audit`],
  })),
  { name: 'the same input twice', args: () => ['audit', '--input', A(), A()], exit: 2, says: ['given twice'] },
  {
    name: 'the same input by two paths',
    args: () => {
      if (!existsSync(at('link.json'))) symlinkSync(A(), at('link.json'));
      return ['audit', '--input', A(), at('link.json')];
    },
    exit: 2,
    says: ['the same file as'],
  },
  {
    name: 'an SCP chain given bottom-up',
    args: () => [
      'audit',
      '--input',
      A(),
      '--scp',
      file('chain.json', [
        { kind: 'account', id: '111122223333', policies: [{ name: 'FullAWSAccess' }] },
        { kind: 'root', id: 'r-ab12', policies: [{ name: 'FullAWSAccess' }] },
      ]),
    ],
    exit: 2,
    says: ['chain.json: [0].kind', 'from the root down'],
  },
  {
    name: 'explain with a resource that is not an ARN',
    args: () => [
      'explain',
      'arn:aws:iam::111122223333:role/app',
      's3:GetObject',
      '--input',
      A(),
      '--resource-arn',
      'not-an-arn',
    ],
    exit: 2,
    says: ['--resource-arn: "not-an-arn" is not an ARN'],
  },
  // A key given twice: JSON.parse would keep the last, so which resource deploys is unclear.
  {
    name: 'a template with a logical id given twice',
    args: () => [
      'check',
      file(
        'dup.json',
        '{"Resources": {"Orders": {"Type": "AWS::DynamoDB::Table"}, "Orders": {"Type": "AWS::SNS::Topic"}}}',
      ),
      '--baseline',
      at('template.json'),
    ],
    exit: 2,
    says: ['dup.json: Resources.Orders: given more than once'],
  },
  {
    name: 'a template with DeletionPolicy given twice',
    args: () => [
      'check',
      file(
        'dup2.json',
        '{"Resources": {"Bucket": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "DeletionPolicy": "Delete"}}}',
      ),
    ],
    exit: 2,
    says: ['dup2.json: Resources.Bucket.DeletionPolicy: given more than once'],
  },
  // Damaged policies: reported and failing the gate, never dropped.
  {
    name: 'a statement with a number as Action',
    args: () => [
      'audit',
      '--input',
      file(
        'num.json',
        authz({ ...readOnly, Statement: [...readOnly.Statement, { Effect: 'Allow', Action: 7, Resource: '*' }] }),
      ),
    ],
    exit: 1,
    says: ['unreadable-policy', 'Statement[1].Action'],
  },
  {
    name: 'a null Condition',
    args: () => [
      'audit',
      '--input',
      file('null.json', authz({ ...readOnly, Statement: [{ ...readOnly.Statement[0], Condition: null }] })),
    ],
    exit: 1,
    says: ['unreadable-policy', 'Statement[0].Condition'],
  },
];

function snapshotInputs(): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of ['authz.json', 'template.json', 'config.json', 'scp.json'])
    out.set(name, readFileSync(at(name), 'utf8'));
  return out;
}

describe('the bad-input corpus', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = snapshotInputs();
    const io = memoryIo();
    const code = await runCli(c.args(), io);
    const output = `${io.err}${io.out}`;
    expect({ code, output }).toEqual({ code: c.exit, output: expect.any(String) });
    for (const expected of c.says)
      expect(output).toEqual(expect.stringMatching(typeof expected === 'string' ? escape(expected) : expected));
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    expect(snapshotInputs()).toEqual(before);
  });
});

function escape(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

describe('pipes', () => {
  const bin = join(__dirname, '..', '..', 'dist', 'bin', 'leash.js');
  it('ends quietly with 141 when the reader goes away (`leash catalog | head -1`)', () => {
    expect(existsSync(bin) ? statSync(bin).isFile() : 'build first: npm run build').toBe(true);
    for (const args of [
      ['catalog', '--all'],
      ['audit', '--input', A()],
    ]) {
      const run = spawnSync('bash', ['-c', `set -o pipefail; node ${bin} ${args.join(' ')} | head -c 1 >/dev/null`], {
        encoding: 'utf8',
      });
      expect({ args, stderr: run.stderr }).toEqual({ args, stderr: '' });
      expect([0, 1, 141]).toContain(run.status);
    }
  });

  it('prints its version', () => {
    const run = spawnSync('node', [bin, '--version'], { encoding: 'utf8' });
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(run.stdout.trim()).toBe(manifest.version);
    expect(run.status).toBe(0);
  });
});
