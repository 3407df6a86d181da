// The nightly audit workflow template (templates/ci/github-actions-leash-audit.yml): it may upload SARIF, keeps
// the full JSON, gates on the SARIF run's exit code, and only uses options leash snapshot and leash audit have.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { parse } from 'yaml';
import { registerAuditCommand } from '../../lib/cli/audit-command';
import { memoryIo } from '../../lib/cli/program';
import { registerSnapshotCommand } from '../../lib/cli/snapshot-command';

const workflowFile = join(__dirname, '..', '..', 'templates', 'ci', 'github-actions-leash-audit.yml');
const workflow = parse(readFileSync(workflowFile, 'utf8')) as {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<
    string,
    { steps: { id?: string; name?: string; uses?: string; run?: string; with?: Record<string, unknown> }[] }
  >;
};
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);

/** Every `leash <command>` line of the workflow, continuation lines joined. */
function leashLines(command: string): string[] {
  return steps
    .flatMap((step) => (step.run ?? '').replace(/\\\n\s*/g, ' ').split('\n'))
    .filter((line) => line.includes(`npx leash ${command} `))
    .map((line) => line.trim());
}

function optionsOf(
  register: (program: Command, context: { io: ReturnType<typeof memoryIo>; exitCode: number }) => void,
  name: string,
) {
  const program = new Command('leash').exitOverride();
  register(program, { io: memoryIo(), exitCode: 0 });
  return new Set(program.commands.find((c) => c.name() === name)?.options.map((option) => option.long));
}

describe('the nightly audit workflow template', () => {
  it('runs on a schedule and on demand, with OIDC to AWS and code scanning uploads', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(workflow.permissions).toEqual({ contents: 'read', 'security-events': 'write', 'id-token': 'write' });
  });

  it('reads the organization once and audits the snapshot in every format', () => {
    expect(leashLines('snapshot')).toHaveLength(1);
    expect(leashLines('snapshot')[0]).toMatch(/--org .*--out leash-snapshot\.json/);
    const formats = leashLines('audit').map((line) => /--format (\w+)/.exec(line)?.[1]);
    expect(formats).toEqual(['sarif', 'json', 'markdown']);
    for (const line of leashLines('audit')) expect(line).toContain('--input leash-snapshot.json');
  });

  it('gates on the SARIF run (default --fail-on) and never on the JSON or Markdown runs', () => {
    const [sarif, ...others] = leashLines('audit');
    expect(sarif).not.toContain('--fail-on');
    for (const line of others) expect(line).toContain('--fail-on none');
    const gate = steps.find((step) => step.name === 'Fail on findings at or above the threshold');
    expect(gate?.run).toContain('exit 1');
  });

  it('uploads the SARIF under its own category and keeps the JSON, which holds every finding', () => {
    const upload = steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.with).toEqual({ sarif_file: 'leash-audit.sarif', category: 'leash-audit' });
    const artifact = steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'));
    expect(artifact?.with?.path).toBe('leash-audit.json');
  });

  it('only uses options that leash snapshot and leash audit have', () => {
    for (const [command, known] of [
      ['snapshot', optionsOf(registerSnapshotCommand, 'snapshot')],
      ['audit', optionsOf(registerAuditCommand, 'audit')],
    ] as const) {
      for (const line of leashLines(command)) {
        for (const flag of line.match(/--[a-z-]+/g) ?? [])
          expect({ command, flag, known: known.has(flag) }).toEqual({ command, flag, known: true });
      }
    }
  });
});
