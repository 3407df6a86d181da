// One temporary directory per test run, removed by global-teardown.ts. Suites make their scratch files under
// os.tmpdir(), and the AWS CDK makes a `cdk.out*` directory there for every synth of an App without an outdir
// (hundreds a run); pointing TMPDIR here, before Jest starts its workers, keeps them all out of the machine's
// temporary directory. Child processes the suites start (cdk, cfn-lint, chromium) inherit it too.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RUN_DIRECTORY_VARIABLE = 'LEASH_TEST_RUN_TMPDIR';

export default function globalSetup(): void {
  const run = mkdtempSync(join(tmpdir(), 'leash-test-run-'));
  process.env[RUN_DIRECTORY_VARIABLE] = run;
  process.env.TMPDIR = run;
}
