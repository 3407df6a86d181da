import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { parse } from 'yaml';
import { registerCheckCommand } from '../../lib/cli/check-command';
import { memoryIo } from '../../lib/cli/program';

const workflowFile = join(__dirname, '..', '..', 'templates', 'ci', 'github-actions-leash-check.yml');
const workflowText = readFileSync(workflowFile, 'utf8');
const workflow = parse(workflowText) as {
  on: Record<string, { types?: string[] } | null>;
  permissions: Record<string, string>;
  jobs: Record<
    string,
    {
      steps: {
        name?: string;
        uses?: string;
        run?: string;
        if?: string;
        env?: Record<string, string>;
        with?: Record<string, unknown>;
      }[];
    }
  >;
};
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);

/** Every `leash check` command line in the workflow, continuation lines joined. */
function leashCheckLines(): string[] {
  return steps
    .flatMap((step) => (step.run ?? '').replace(/\\\n\s*/g, ' ').split('\n'))
    .filter((line) => /npx leash check /.test(line))
    .map((line) => line.trim());
}

describe('the GitHub Actions workflow template', () => {
  it('may upload SARIF to code scanning', () => {
    expect(workflow.permissions['security-events']).toBe('write');
    const upload = steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.with?.sarif_file).toBe('leash-check.sarif');
  });

  it('writes the Markdown report to the job summary', () => {
    expect(leashCheckLines().some((line) => line.includes('--format markdown'))).toBe(true);
    expect(steps.some((step) => step.run?.includes('$GITHUB_STEP_SUMMARY'))).toBe(true);
  });

  it('only uses options that leash check has', () => {
    const command = new Command('leash').exitOverride();
    registerCheckCommand(command, { io: memoryIo(), exitCode: 0 });
    const check = command.commands.find((c) => c.name() === 'check');
    const known = new Set(check?.options.map((option) => option.long));
    const lines = leashCheckLines();
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      for (const flag of line.match(/--[a-z-]+/g) ?? []) expect(known).toContain(flag);
      expect(line).toContain('--baseline cdk.out.baseline');
    }
  });

  it('verifies approvals against the pull request reviews, with the token and permission it needs', () => {
    expect(workflow.permissions['pull-requests']).toBe('read');
    for (const line of leashCheckLines()) expect(line).toContain('--verify-approvals github');
    const check = steps.find((step) => step.run?.includes('npx leash check'));
    expect(check?.env?.GITHUB_TOKEN).toBe('${{ github.token }}');
  });

  it('re-runs the gate when a review is submitted, edited or dismissed', () => {
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['pull_request', 'pull_request_review']));
    expect(workflow.on.pull_request_review?.types).toEqual(expect.arrayContaining(['submitted', 'dismissed']));
    // base_ref is empty on pull_request_review events; the event's pull request always has it.
    expect(workflowText).not.toContain('github.base_ref');
  });

  it('in deployed mode creates change sets without executing them, describes them with property values, and deletes them', () => {
    const deployed = steps.filter((step) => step.if?.includes("LEASH_BASELINE == 'deployed'"));
    const script = deployed.map((step) => step.run ?? '').join('\n');
    expect(script).toMatch(/npx cdk deploy --all --app cdk\.out --no-execute --change-set-name "\$CHANGE_SET"/);
    expect(script).toMatch(/describe-change-set .*\\\n\s*--include-property-values/);
    expect(script).toContain('--next-token');
    expect(script).toContain('delete-change-set');
    expect(workflowText).not.toMatch(/execute-change-set|cdk deploy(?![^\n]*--no-execute)/);
    for (const line of leashCheckLines()) expect(line).toContain('"${changesets[@]}"');
  });
});

describe('the deployed baseline step', () => {
  // Runs the step's script against a cdk.out and a stand-in `aws` that knows one stack per Region: a stack
  // asked for in the wrong Region "does not exist", which the step would take for a new stack (nothing to
  // delete), and the gate would pass every deletion in it.
  const step = steps.find((candidate) => candidate.name === 'Baseline from the deployed stacks');
  function run(environment: string, callerAccount = '111111111111') {
    const dir = mkdtempSync(join(tmpdir(), 'leash-baseline-'));
    mkdirSync(join(dir, 'cdk.out'));
    mkdirSync(join(dir, 'bin'));
    writeFileSync(
      join(dir, 'cdk.out', 'manifest.json'),
      JSON.stringify({
        artifacts: {
          Shop: { type: 'aws:cloudformation:stack', environment, properties: { stackName: 'Shop' } },
        },
      }),
    );
    const fake = [
      '#!/usr/bin/env bash',
      'if [ "$1 $2" = "sts get-caller-identity" ]; then echo ' + callerAccount + '; exit 0; fi',
      'region="$AWS_REGION"; prev=""; for arg in "$@"; do [ "$prev" = "--region" ] && region="$arg"; prev="$arg"; done',
      'if [ "$region" = "eu-west-1" ]; then echo \'{"Resources":{}}\'; exit 0; fi',
      'echo "An error occurred (ValidationError): Stack with id Shop does not exist" >&2; exit 254',
    ].join('\n');
    writeFileSync(join(dir, 'bin', 'aws'), fake);
    chmodSync(join(dir, 'bin', 'aws'), 0o755);
    // The step's `aws` is this stand-in as a shell function (BASH_ENV is read before the script): a PATH lookup
    // of a file written a moment ago can miss it (another suite's child process, forked while the file was
    // open, makes it "text file busy") and run the machine's real AWS CLI instead.
    writeFileSync(join(dir, 'stand-in.sh'), `aws() { bash ${JSON.stringify(join(dir, 'bin', 'aws'))} "$@"; }\n`);
    const result = spawnSync('bash', ['-eo', 'pipefail', '-c', step?.run ?? 'false'], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
        AWS_REGION: 'us-east-1',
        RUNNER_TEMP: dir,
        BASH_ENV: join(dir, 'stand-in.sh'),
      },
    });
    return {
      status: result.status,
      saved: existsSync(join(dir, 'cdk.out.baseline', 'Shop.json')),
      stderr: result.stderr,
    };
  }

  it("reads each stack's template in the Region its environment names", () => {
    expect(run('aws://111111111111/eu-west-1')).toMatchObject({ status: 0, saved: true });
  });

  it('refuses a stack of another account than the baseline role reads (not a new stack)', () => {
    const result = run('aws://222222222222/eu-west-1');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/Shop deploys to account 222222222222/);
  });
});
