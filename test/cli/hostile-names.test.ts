// Names an attacker controls (role paths and names, from a saved authorization-details file) put through the
// report formats of the real CLI: every report is still written, and what it holds reads as the name typed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo, runCli } from '../../lib/cli/program';

const dir = mkdtempSync(join(tmpdir(), 'leash-hostile-'));
let files = 0;

/** An account of one administrator role at `path` + `name` (a path begins and ends with `/`). */
function accountWithRole(path: string, name: string): string {
  const file = join(dir, `authz-${files++}.json`);
  const role = {
    Path: path,
    RoleName: name,
    Arn: `arn:aws:iam::111122223333:role${path}${name}`,
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    },
    RolePolicyList: [
      {
        PolicyName: 'admin',
        PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
      },
    ],
    AttachedManagedPolicies: [],
  };
  writeFileSync(
    file,
    JSON.stringify({ RoleDetailList: [role], UserDetailList: [], GroupDetailList: [], Policies: [] }),
  );
  return file;
}

async function audit(file: string, format: string): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo();
  const code = await runCli(['audit', '--input', file, '--format', format, '--fail-on', 'none'], io);
  return { code, out: io.out, err: io.err };
}

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
});
