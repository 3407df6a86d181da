import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { parse } from 'yaml';
import { registerCheckCommand } from '../../lib/cli/check-command';
import { memoryIo } from '../../lib/cli/program';

const workflowFile = join(__dirname, '..', '..', 'templates', 'ci', 'github-actions-leash-check.yml');
const workflow = parse(readFileSync(workflowFile, 'utf8')) as {
  permissions: Record<string, string>;
  jobs: Record<string, { steps: { name?: string; uses?: string; run?: string; with?: Record<string, unknown> }[] }>;
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
});
