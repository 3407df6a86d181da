// The real CDK apps of the `leash check` tests (defined in apps/synth-apps.js), synthesized with aws-cdk-lib
// by a node child process. Synthesis is deterministic, so the output is shared between test files (and runs)
// under a directory named by the hash of the app script and the aws-cdk-lib version.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Version = 'before' | 'after';

export interface SynthesizedApps {
  /** cdk.out of each app and version. */
  readonly wildcard: string;
  readonly clean: string;
  readonly database: Record<Version, string>;
  readonly nested: Record<Version, string>;
  readonly stage: Record<Version, string>;
}

const SCRIPT = join(__dirname, 'apps', 'synth-apps.js');

export function synthesizeApps(): SynthesizedApps {
  const cdkVersion = (
    JSON.parse(readFileSync(require.resolve('aws-cdk-lib/package.json'), 'utf8')) as { version: string }
  ).version;
  const key = createHash('sha256').update(readFileSync(SCRIPT)).update(cdkVersion).digest('hex').slice(0, 16);
  const root = join(tmpdir(), `leash-check-apps-${key}`);
  if (!existsSync(join(root, 'stage-after', 'manifest.json'))) {
    const scratch = mkdtempSync(join(tmpdir(), 'leash-check-synth-'));
    execFileSync(process.execPath, [SCRIPT, scratch], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, JSII_DEPRECATED: 'quiet' },
    });
    try {
      renameSync(scratch, root);
    } catch {
      // Another test file finished first: its output is the same; use it.
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  const app = (name: string) => join(root, name);
  const versions = (name: string) => ({ before: app(`${name}-before`), after: app(`${name}-after`) });
  return {
    wildcard: app('wildcard'),
    clean: app('clean'),
    database: versions('database'),
    nested: versions('nested'),
    stage: versions('stage'),
  };
}
