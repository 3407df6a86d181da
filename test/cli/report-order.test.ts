// Reports list findings in one order on every machine: the machine's locale (a Danish, Estonian or Lithuanian
// CI runner) must not reorder them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareText } from '../../lib/util/text-order';

const cli = join(__dirname, '..', '..', 'dist', 'bin', 'leash.js');

/** A role that may do anything with S3: every rule that looks at write access finds it. */
const role = (name: string) => ({
  Path: '/',
  RoleName: name,
  Arn: `arn:aws:iam::111122223333:role/${name}`,
  AssumeRolePolicyDocument: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  },
  RolePolicyList: [
    {
      PolicyName: 's3',
      PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
    },
  ],
  AttachedManagedPolicies: [],
});

describe('the order of text in reports', () => {
  it('is the en-US collation, not the order of code units', () => {
    expect(['zeta', 'B-ci', 'aab', 'b-ci', 'Ab'].sort(compareText)).toEqual(['aab', 'Ab', 'b-ci', 'B-ci', 'zeta']);
  });

  (existsSync(cli) ? it : it.skip)('does not depend on the locale of the machine that writes the report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leash-order-'));
    const input = join(dir, 'authz.json');
    // Danish sorts `aa` after `z`, Estonian `z` after `s`, Lithuanian `y` with `i`.
    const names = ['zeta-ci', 'aab-ci', 'y-ci', 'j-ci', 't-ci', 'b-ci'];
    writeFileSync(input, JSON.stringify({ RoleDetailList: names.map(role) }));
    const audit = (locale: string) => {
      const result = spawnSync(process.execPath, [cli, 'audit', '--input', input, '--format', 'json'], {
        encoding: 'utf8',
        env: { ...process.env, LANG: locale, LC_ALL: locale },
      });
      expect(result.stderr).not.toContain('internal error');
      return result.stdout.replace(/"(generatedAt|durationMs|startedAt|finishedAt)": [^,\n]+/g, '"$1": X');
    };
    const english = audit('en_US.UTF-8');
    const principals = (JSON.parse(english) as { findings: { ruleId: string; principalArn?: string }[] }).findings
      .filter((finding) => finding.ruleId === 'missing-boundary')
      .map((finding) => finding.principalArn?.split('/').pop());
    expect(principals).toEqual(['aab-ci', 'b-ci', 'j-ci', 't-ci', 'y-ci', 'zeta-ci']);
    for (const locale of ['da_DK.UTF-8', 'et_EE.UTF-8', 'lt_LT.UTF-8', 'C']) expect(audit(locale)).toBe(english);
  });
});
