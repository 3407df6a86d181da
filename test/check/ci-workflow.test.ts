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
      needs?: string;
      if?: string;
      permissions?: Record<string, string>;
      steps: {
        name?: string;
        uses?: string;
        run?: string;
        if?: string;
        'working-directory'?: string;
        env?: Record<string, string>;
        with?: Record<string, unknown>;
      }[];
    }
  >;
};
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const gate = workflow.jobs['leash-check'];
const synthesize = workflow.jobs.synthesize;

/** Every `leash check` command line in the workflow, continuation lines joined. */
function leashCheckLines(): string[] {
  return steps
    .flatMap((step) => (step.run ?? '').replace(/\\\n\s*/g, ' ').split('\n'))
    .filter((line) => /(^|\s)leash check /.test(line))
    .map((line) => line.trim());
}

describe('the GitHub Actions workflow template', () => {
  it('may upload SARIF to code scanning', () => {
    expect(gate.permissions?.['security-events']).toBe('write');
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
    expect(gate.permissions?.['pull-requests']).toBe('read');
    for (const line of leashCheckLines()) expect(line).toContain('--verify-approvals github');
    const check = steps.find((step) => /(^|\s)leash check /.test(step.run ?? ''));
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
    expect(script).toMatch(/(^|\s)cdk deploy --all --app cdk\.out --no-execute --change-set-name "\$CHANGE_SET"/m);
    expect(script).toMatch(/describe-change-set .*\\\n\s*--include-property-values/);
    expect(script).toContain('--next-token');
    expect(script).toContain('delete-change-set');
    expect(workflowText).not.toMatch(/execute-change-set|cdk deploy(?![^\n]*--no-execute)/);
    for (const line of leashCheckLines()) expect(line).toContain('"${changesets[@]}"');
  });
});

describe("the gate never runs the pull request's code", () => {
  // `cdk synth` and `npm ci` run code the pull request wrote. Run in the gate's own job, that code could patch
  // node_modules/agent-leash (or the report) before `leash check` ran, and pass any deletion.
  const gateRuns = gate.steps.map((step) => ({ run: step.run ?? '', dir: step['working-directory'] }));

  it('synthesizes the pull request in a job that can neither write nor reach AWS, and hands on cdk.out', () => {
    expect(synthesize.permissions).toEqual({ contents: 'read' });
    expect(workflow.permissions).toEqual({});
    expect(synthesize.steps.some((step) => step.run?.includes('cdk synth'))).toBe(true);
    const upload = synthesize.steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'));
    const download = gate.steps.find((step) => step.uses?.startsWith('actions/download-artifact@'));
    expect(upload?.with?.name).toBe(download?.with?.name);
    expect(download?.with?.path).toBe('cdk.out');
  });

  it('installs and synthesizes only the base branch in the gate job, and runs the leash installed there', () => {
    for (const { run, dir } of gateRuns) {
      if (/npm (ci|install)|cdk synth/.test(run)) expect(dir).toBe('base');
      // npx would resolve a package of the working directory; the gate puts base/node_modules/.bin on PATH.
      expect(run).not.toMatch(/\bnpx\b/);
    }
    const checkouts = gate.steps.filter((step) => step.uses?.startsWith('actions/checkout@'));
    expect(checkouts.map((step) => step.with?.path)).toEqual(['base', 'pull-request']);
    expect(checkouts[0].with?.ref).toBe('${{ github.event.pull_request.base.ref }}');
    expect(gateRuns.some(({ run }) => run.includes('node_modules/.bin" >> "$GITHUB_PATH"'))).toBe(true);
    for (const line of leashCheckLines()) expect(line).toContain('"${config[@]}"');
    expect(workflowText).toContain('config=(--config "pull-request/$LEASH_CONFIG")');
    expect(workflowText).toContain('base_config=(--baseline-config "base/$LEASH_CONFIG")');
  });

  it('runs when synthesis failed, and fails then: a skipped job counts as a passed required check', () => {
    expect(gate.needs).toBe('synthesize');
    expect(gate.if).toContain('!cancelled()');
    const first = gate.steps[0];
    expect(first.if).toBe("needs.synthesize.result != 'success'");
    expect(first.run).toMatch(/exit 1/);
  });
});

describe("the deployed mode's asset check", () => {
  // Creating change sets builds the assets of the pull request's cdk.out in the gate job: an asset whose source is a
  // command would run it there.
  const step = gate.steps.find((candidate) => candidate.name === 'Refuse assets that run commands');
  // A cloud assembly (its manifest.json listing no artifacts unless the case gives one) holding `files`.
  function run(files: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), 'leash-assets-'));
    const all = { 'manifest.json': JSON.stringify({ version: '36.0.0', artifacts: {} }), ...files };
    for (const [name, text] of Object.entries(all)) {
      mkdirSync(join(dir, 'cdk.out', name, '..'), { recursive: true });
      writeFileSync(join(dir, 'cdk.out', name), text);
    }
    const result = spawnSync('bash', ['-eo', 'pipefail', '-c', step?.run ?? 'false'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, RUNNER_TEMP: dir },
    });
    return { status: result.status, stderr: result.stderr };
  }
  const assembly = (artifacts: Record<string, object>) => JSON.stringify({ version: '36.0.0', artifacts });
  const plain = JSON.stringify({ version: '36.0.0', files: { a: { source: { path: 'asset.a' } } }, dockerImages: {} });

  it('lets assets built from files and directories through', () => {
    expect(step?.if).toContain("LEASH_BASELINE == 'deployed'");
    expect(run({ 'Shop.assets.json': plain })).toMatchObject({ status: 0 });
  });

  it('refuses an asset built by a command, at any depth of the assembly, naming it', () => {
    const image = { source: { executable: ['sh', '-c', 'touch /tmp/x'] }, destinations: {} };
    const result = run({
      'Shop.assets.json': plain,
      'assembly-Prod/ProdShop.assets.json': JSON.stringify({ version: '36.0.0', dockerImages: { img1: image } }),
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('assembly-Prod/ProdShop.assets.json: asset(s) built by running a command: img1');
  });

  it('refuses an asset manifest it cannot read', () => {
    const result = run({ 'Shop.assets.json': '{"files": ' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Shop.assets.json: not JSON');
  });
  it('finds an asset manifest by what the assembly names, not by its file name, in nested assemblies too', () => {
    const image = { source: { executable: ['sh', '-c', 'touch /tmp/x'] }, destinations: {} };
    const result = run({
      'manifest.json': assembly({
        Stage: { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Stage' } },
      }),
      'assembly-Stage/manifest.json': assembly({
        'Shop.build': { type: 'cdk:asset-manifest', properties: { file: 'harmless-looking.json' } },
        // A cycle back to the parent is followed once.
        Loop: { type: 'cdk:cloud-assembly', properties: { directoryName: '..' } },
      }),
      'assembly-Stage/harmless-looking.json': JSON.stringify({ version: '36.0.0', dockerImages: { img1: image } }),
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('assembly-Stage/harmless-looking.json: asset(s) built by running a command: img1');
  });

  it('refuses an assembly whose manifest it cannot read (nothing says which asset manifests it has)', () => {
    const result = run({ 'manifest.json': '{"artifacts": ' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('cdk.out/manifest.json: not a cloud assembly manifest');
  });
});

describe('the deployed baseline step', () => {
  // Runs the step's script against a cdk.out and a stand-in `aws` that knows one stack per Region: a stack
  // asked for in the wrong Region "does not exist", which the step would take for a new stack (nothing to
  // delete), and the gate would pass every deletion in it.
  const step = gate.steps.find((candidate) => candidate.name === 'Baseline from the deployed stacks');
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
