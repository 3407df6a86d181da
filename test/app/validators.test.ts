// AWS's own validators on what the CDK app synthesizes: cfn-guard with the AWS Control Tower proactive-control
// rules (from the npm package @cdklabs/cdk-validator-cfnguard) and cfn-lint (when it is on the machine), over
// every stack template and the StackSet's member template written out as its own file.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildLeashApp } from '../../bin/app';
import { loadCatalog } from '../../lib/catalog';
import { CFN_LINT_NEWER_ACTIONS } from '../../lib/constructs/agent-permissions-boundary';

const dir = mkdtempSync(join(tmpdir(), 'leash-validators-'));
const templates: string[] = [];
let memberTemplate: Record<string, unknown> | undefined;

function synthesize(env: NodeJS.ProcessEnv, prefix: string): void {
  const app = new App();
  const stacks = buildLeashApp(app, env, () => undefined);
  const assembly = app.synth();
  for (const stack of assembly.stacks) {
    const file = join(dir, `${prefix}-${stack.stackName}.template.json`);
    writeFileSync(file, JSON.stringify(stack.template, null, 1));
    templates.push(file);
  }
  const stackSet = stacks.organization?.boundaryStackSet;
  if (stackSet) {
    memberTemplate = stackSet.memberTemplate as Record<string, unknown>;
    const file = join(dir, `${prefix}-stackset-member.template.json`);
    writeFileSync(file, JSON.stringify(memberTemplate, null, 1));
    templates.push(file);
  }
}

beforeAll(() => {
  // The example (boundary in the StackSet's member template) and an agent stack that creates the boundary.
  synthesize({ LEASH_CONFIG: 'leash.config.example.json' }, 'example');
  const standalone = join(dir, 'standalone.json');
  writeFileSync(
    standalone,
    JSON.stringify({ deployment: { organization: { enabled: false }, agentStack: { createBoundary: true } } }),
  );
  synthesize({ LEASH_CONFIG: standalone }, 'standalone');
}, 300_000);

function guardBinary(): string | undefined {
  const root = dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
  const os = process.platform === 'darwin' ? 'macos' : process.platform === 'linux' ? 'ubuntu' : undefined;
  const arch = process.arch === 'arm64' ? 'aarch64' : process.arch === 'x64' ? 'x86_64' : undefined;
  const binary = os && arch ? join(root, 'bin', os, arch, 'cfn-guard') : undefined;
  return binary && existsSync(binary) ? binary : undefined;
}

/**
 * The Control Tower rule files that can apply to these templates, copied to one directory: each rule selects
 * resources by type (`Resources.*[ Type == 'AWS::IAM::Role' ]`), so a rule naming none of the templates' types
 * only skips, and running all 237 cost 7 s of the 7.3. A rule naming no type at all is kept.
 */
function rulesFor(files: readonly string[]): string {
  const root = join(
    dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
    'rules',
    'control-tower',
    'cfn-guard',
  );
  const typeNames = (text: string) => new Set(text.match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g) ?? []);
  const present = new Set(files.flatMap((file) => [...typeNames(readFileSync(file, 'utf8'))]));
  const out = join(dir, 'guard-rules');
  mkdirSync(out, { recursive: true });
  const kept: string[] = [];
  // `readdirSync(root, { recursive: true })` without Dirent.parentPath, which Node.js 20 has only from 20.12.
  const guardFiles = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? guardFiles(join(folder, entry.name)) : [join(folder, entry.name)],
    );
  for (const file of guardFiles(root)) {
    if (!file.endsWith('.guard')) continue;
    const names = typeNames(readFileSync(file, 'utf8'));
    if (names.size > 0 && ![...names].some((name) => present.has(name))) continue;
    copyFileSync(file, join(out, basename(file)));
    kept.push(basename(file));
  }
  // Every rule file has its own name: none was copied over another.
  expect(new Set(kept).size).toBe(kept.length);
  // The rules on what the app makes: roles, policies, the boundary (CT.IAM.PR.1-3 and the rest of iam/).
  expect(kept).toEqual(expect.arrayContaining(['ct-iam-pr-1.guard', 'ct-iam-pr-2.guard', 'ct-iam-pr-3.guard']));
  return out;
}

describe('cfn-guard with the AWS Control Tower proactive-control rules', () => {
  it('passes every synthesized template and the StackSet member template (CT.IAM.PR.3 included)', () => {
    expect(templates.some((t) => t.endsWith('stackset-member.template.json'))).toBe(true);
    const binary = guardBinary();
    if (!binary) {
      console.warn(
        `cfn-guard: no binary of @cdklabs/cdk-validator-cfnguard for ${process.platform}/${process.arch}; skipped`,
      );
      return;
    }
    const rules = rulesFor(templates);
    const run = spawnSync(binary, ['validate', '--rules', rules, '--data', dir, '--show-summary', 'fail'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect({ status: run.status, output: run.status === 0 ? '' : `${run.stdout}${run.stderr}` }).toEqual({
      status: 0,
      output: '',
    });
  });
});

interface LintMatch {
  readonly Level: string;
  readonly Message: string;
  readonly Rule: { readonly Id: string };
  readonly Filename: string;
}

function cfnLint(files: readonly string[]): LintMatch[] | undefined {
  const run = spawnSync('cfn-lint', ['--format', 'json', ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  return JSON.parse(run.stdout || '[]') as LintMatch[];
}

describe('cfn-lint', () => {
  it('finds no error and no warning: the only one, unknown actions in the boundary, is suppressed with a reason', () => {
    const matches = cfnLint(templates);
    if (!matches) {
      console.warn('cfn-lint is not on the PATH: the cfn-lint check is skipped');
      return;
    }
    expect(matches.map((m) => `${m.Rule.Id} ${m.Filename}: ${m.Message.slice(0, 120)}`)).toEqual([]);
  });

  it('warns without the suppression only about actions the AWS catalog has and cfn-lint does not know', () => {
    const resources = (memberTemplate?.Resources ?? {}) as Record<string, { Metadata?: Record<string, unknown> }>;
    const stripped = Object.fromEntries(
      Object.entries(resources).map(([id, r]) => {
        const { 'cfn-lint': _ignored, ...metadata } = r.Metadata ?? {};
        return [id, { ...r, Metadata: metadata }];
      }),
    );
    const file = join(dir, 'unsuppressed', 'member.template.json');
    spawnSync('mkdir', ['-p', dirname(file)]);
    writeFileSync(file, JSON.stringify({ ...memberTemplate, Resources: stripped }));
    const matches = cfnLint([file]);
    if (!matches) return;
    expect(matches.length).toBeGreaterThan(0);
    const catalog = loadCatalog();
    const names = catalog.actions.map((a) => a.name.toLowerCase());
    for (const match of matches) {
      expect(match.Rule.Id).toBe(CFN_LINT_NEWER_ACTIONS);
      const unknown = /^'([^']+)' is not one of/.exec(match.Message)?.[1] ?? match.Message;
      const prefix = unknown.replace(/[*?].*$/, '');
      const known = unknown.includes('*') ? names.some((n) => n.startsWith(prefix)) : names.includes(unknown);
      expect({ unknown, inCatalog: known }).toEqual({ unknown, inCatalog: true });
    }
  });
});
