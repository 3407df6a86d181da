import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeMatches } from '../../lib/cli/principal-argument';
import { memoryIo, runCli } from '../../lib/cli/program';
import { allow, deny, FULL_AWS_ACCESS, policy, principal, snapshot } from '../audit/evaluate/helpers';

const dir = mkdtempSync(join(tmpdir(), 'leash-explain-cli-'));
const AGENT = 'arn:aws:iam::111122223333:role/agent';

const file = join(dir, 'snapshot.json');
writeFileSync(
  file,
  JSON.stringify(
    snapshot({
      principals: [
        principal('agent', {
          inline: {
            work: policy(
              allow('*'),
              deny('rds:Delete*', '*', {
                Sid: 'KeepProd',
                Condition: { StringEquals: { 'aws:ResourceTag/env': 'prod' } },
              }),
            ),
          },
        }),
        principal('agent-ci'),
        principal('deployer'),
      ],
      scps: [{ full: FULL_AWS_ACCESS }],
    }),
  ),
);

async function explain(...args: string[]) {
  const io = memoryIo();
  const code = await runCli(['explain', ...args], io);
  return { code, out: io.out, err: io.err };
}

describe('leash explain', () => {
  it('prints a denial with the deny statement that decided it', async () => {
    const { code, out } = await explain(AGENT, 'rds:DeleteDBInstance', '--input', file, '--resource-tag', 'env=prod');
    expect(code).toBe(0);
    expect(out).toMatch(/decision\s+DENIED — stopped by an explicit Deny/);
    expect(out).toContain('inline inline:work, statement 1 (KeepProd)');
    expect(out).toContain('resource tags env=prod');
    // No ARN given: the resource is taken to be the principal's account's (aws:ResourceAccount), and said so.
    expect(out).toContain('resource (any, in account 111122223333)');
  });

  it('says what an undecided answer depends on', async () => {
    const { out } = await explain(AGENT, 'rds:DeleteDBInstance', '--input', file);
    expect(out).toMatch(/decision\s+DEPENDS/);
    expect(out).toMatch(/depends on\s+aws:ResourceTag\/env/);
    expect(out).toContain('applies only if: aws:ResourceTag/env');
  });

  it('lists the allowing statements per layer', async () => {
    const { out } = await explain(AGENT, 'rds:DeleteDBInstance', '--input', file, '--resource-tag', 'env=dev');
    expect(out).toMatch(/decision\s+ALLOWED/);
    expect(out).toContain('service control policies: allowed by');
    // Several levels often carry the same FullAWSAccess: each line says which level it is.
    expect(out).toContain('scp p-full, attached at root r-root, statement 0');
    expect(out).toContain('identity policies: allowed by');
  });

  it('prints JSON with --json', async () => {
    const { out } = await explain(AGENT, 'ec2:TerminateInstances', '--input', file, '--json');
    expect(JSON.parse(out)).toMatchObject({ principal: AGENT, action: 'ec2:TerminateInstances', decision: 'allowed' });
  });

  it('rejects an unknown principal with close matches and exit code 2', async () => {
    const { code, err } = await explain(
      'arn:aws:iam::111122223333:role/agnet',
      'rds:DeleteDBInstance',
      '--input',
      file,
    );
    expect(code).toBe(2);
    expect(err).toContain('is not in');
    expect(err).toContain(AGENT);
  });

  it('rejects an unknown action with suggestions', async () => {
    const { code, err } = await explain(AGENT, 'rds:DeleteDBInstanse', '--input', file);
    expect(code).toBe(2);
    expect(err).toContain('rds:DeleteDBInstance');
  });

  it('rejects a malformed --resource-tag', async () => {
    const { code } = await explain(AGENT, 'rds:DeleteDBInstance', '--input', file, '--resource-tag', 'prod');
    expect(code).toBe(2);
  });
});

describe('closeMatches', () => {
  it('ranks principals of one account by their names, not by the rest of the ARN', () => {
    const account = 'arn:aws:iam::111122223333';
    const candidates = [`${account}:user/al`, `${account}:role/leash-deployment-pipeline`, `${account}:group/ops`];
    // A misspelt long name is nearer, as a whole string, to a short ARN than to its own.
    expect(closeMatches('leash-deploymnet-pipeline', candidates)[0]).toBe(`${account}:role/leash-deployment-pipeline`);
    expect(closeMatches(`${account}:role/leash-deploymnet-pipeline`, candidates)[0]).toBe(
      `${account}:role/leash-deployment-pipeline`,
    );
  });

  it('puts names containing the wanted text first, then the nearest by edit distance', () => {
    expect(closeMatches('role/agent', ['x/deployer', 'y/agent-ci', 'z/agent'])).toEqual([
      'z/agent',
      'y/agent-ci',
      'x/deployer',
    ]);
  });
});
