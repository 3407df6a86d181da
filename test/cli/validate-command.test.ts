import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo, runCli } from '../../lib/cli/program';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'leash-validate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

async function validate(...args: string[]) {
  const io = memoryIo();
  const code = await runCli(['validate', ...args], io);
  return { code, out: io.out, err: io.err };
}

const V = '2012-10-17';

describe('leash validate', () => {
  it('exits 0 for a valid identity policy and says how much of the quota it uses', async () => {
    const path = file('ok.json', {
      Version: V,
      Statement: { Effect: 'Allow', Action: ['s3:GetObject', 'ec2:Describe*'], Resource: '*' },
    });
    const result = await validate(path);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      new RegExp(
        `^${path}: valid identity policy \\(guessed; choose with --type\\), \\d+ of 6,144 characters \\(managed\\)\\n$`,
      ),
    );
  });

  it('prints each problem as <file>: <jsonPath>: <message> and exits 1', async () => {
    const path = file('bad.json', {
      Version: V,
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
        { Effect: 'deny', Action: ['rds:DeleteDBInstance', 'rds:DeleteDBInstances'], Resource: '*' },
      ],
    });
    const result = await validate(path, '--type', 'identity');
    expect(result.code).toBe(1);
    expect(result.out.split('\n').filter(Boolean)).toEqual([
      `${path}: Statement[1].Effect: expected "Allow" or "Deny", got "deny"`,
      expect.stringMatching(
        new RegExp(`^${path}: Statement\\[1\\]\\.Action\\[1\\]: "rds:DeleteDBInstances" matches no action of rds `),
      ),
    ]);
    expect(result.err).toBe(`${path}: 2 problems as an identity policy\n`);
  });

  it('rejects a wildcard service prefix, which AWS would refuse', async () => {
    const path = file('service-wildcard.json', {
      Version: V,
      Statement: { Effect: 'Deny', Action: '*:Delete*', Resource: '*' },
    });
    const result = await validate(path, '--type', 'scp');
    expect(result.code).toBe(1);
    expect(result.out).toContain(`${path}: Statement.Action: action "*:Delete*" has a wildcard in the service prefix`);
  });

  it('applies the rules of the type given with --type', async () => {
    const path = file('scp-principal.json', {
      Version: V,
      Statement: { Effect: 'Deny', Principal: '*', Action: 'ec2:TerminateInstances', Resource: '*' },
    });
    expect((await validate(path)).code).toBe(0); // guessed: a resource policy, where Principal belongs
    const asScp = await validate(path, '--type', 'scp');
    expect(asScp.code).toBe(1);
    expect(asScp.out).toContain(`${path}: Statement.Principal: Principal is not allowed in an SCP`);
  });

  it('counts white space in an SCP file and reports the size over the quota', async () => {
    const statement = (i: number) => ({
      Sid: `S${i}`,
      Effect: 'Deny',
      Action: 'ec2:TerminateInstances',
      Resource: '*',
    });
    const statements = Array.from({ length: 40 }, (_, i) => statement(i));
    const document = { Version: V, Statement: statements };
    const compact = file('scp-compact.json', JSON.stringify(document));
    const pretty = file('scp-pretty.json', JSON.stringify(document, null, 4));
    expect(JSON.stringify(document).length).toBeLessThan(5120);
    expect(JSON.stringify(document, null, 4).length).toBeGreaterThan(5120);
    expect((await validate(compact, '--type', 'scp')).code).toBe(0);
    const result = await validate(pretty, '--type', 'scp');
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/: \(root\): policy is [\d,]+ characters, over the 5,120 limit for an SCP/);
  });

  it('reads URL-encoded documents as IAM APIs return them', async () => {
    const trust = {
      Version: V,
      Statement: { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    };
    const path = file('encoded.txt', encodeURIComponent(JSON.stringify(trust)));
    const result = await validate(path);
    expect(result.code).toBe(0);
    expect(result.out).toContain('valid trust policy');
  });

  it('prints warnings but exits 0 when there is nothing else', async () => {
    const path = file('legacy.json', {
      Version: '2008-10-17',
      Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
    });
    const result = await validate(path, '--type', 'identity');
    expect(result.code).toBe(0);
    expect(result.out).toContain(`${path}: Version: warning: "2008-10-17" is the legacy policy language`);
    expect(result.out).toContain('valid identity policy with 1 warning');
  });

  it('checks the quota named with --size', async () => {
    const statements = Array.from({ length: 30 }, (_, i) => ({
      Sid: `S${i}`,
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: '*',
    }));
    const path = file('inline.json', { Version: V, Statement: statements });
    expect((await validate(path, '--type', 'identity')).code).toBe(0);
    const result = await validate(path, '--type', 'identity', '--size', 'inlineUser');
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/over the 2,048 limit for the inline policies of a user/);
  });

  it('exits 2 for a file that does not exist', async () => {
    const result = await validate(join(dir, 'missing.json'));
    expect(result.code).toBe(2);
    expect(result.err).toBe(`leash: ${join(dir, 'missing.json')}: cannot read: no such file\n`);
  });

  it('exits 2 for invalid JSON, naming line and column', async () => {
    const path = file('broken.json', '{\n  "Version": "2012-10-17",\n  "Statement": [}\n}');
    const result = await validate(path);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(new RegExp(`^leash: ${path}:3:17: invalid JSON: `));
    expect(result.out).toBe('');
  });

  it('exits 2 for an unknown --type', async () => {
    const path = file('any.json', {
      Version: V,
      Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
    });
    const result = await validate(path, '--type', 'bucket');
    expect(result.code).toBe(2);
    expect(result.err).toContain("argument 'bucket' is invalid");
  });
});
