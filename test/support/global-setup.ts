// One temporary directory per test run, removed by global-teardown.ts. Suites make their scratch files under
// os.tmpdir(), and the AWS CDK makes a `cdk.out*` directory there for every synth of an App without an outdir
// (hundreds a run); pointing TMPDIR here, before Jest starts its workers, keeps them all out of the machine's
// temporary directory. Child processes the suites start (cdk, cfn-lint, chromium) inherit it too.
// CDK_VALIDATION=false turns off the AWS CDK's built-in CloudFormation validation (a WebAssembly engine, about
// 1.4 s a synth), which the pinned aws-cdk-lib runs on every App.synth and whose findings it downgrades to
// warnings: suites synthesize hundreds of apps. Templates are still checked where it counts: cfn-lint and
// cfn-guard in test/app/validators.test.ts, and `npm run synth` (outside Jest) keeps the built-in validation.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPrecomputedCatalog, writePrecomputedCatalog } from '../../lib/catalog/precomputed';

export const RUN_DIRECTORY_VARIABLE = 'LEASH_TEST_RUN_TMPDIR';

export default function globalSetup(): void {
  const run = mkdtempSync(join(tmpdir(), 'leash-test-run-'));
  process.env[RUN_DIRECTORY_VARIABLE] = run;
  process.env.TMPDIR = run;
  process.env.CDK_VALIDATION ??= 'false';
  // Run inside a GitHub Actions pull request job, `leash check` would refuse approvals taken as written: the
  // suites that mean it say so with their own environment.
  delete process.env.GITHUB_ACTIONS;
  delete process.env.GITHUB_EVENT_NAME;
  // Suites load the catalog from the TypeScript sources, beside which `npm run build` writes no precomputed
  // file (it writes dist's): without one, every suite would build the catalog from the reference data (about
  // 0.5 s under Jest, a minute of a run). Its fingerprint covers the .ts modules' text, so an edit makes it
  // stale and it is written again here; a stale file is never read (test/catalog/precomputed-catalog.test.ts).
  if (!readPrecomputedCatalog().catalog) writePrecomputedCatalog();
}
