// The package as users get it: `npm pack`, unpacked into a new directory with its dependencies from this repo's
// node_modules (no network), then used the two ways people use it. The CLI runs with no aws-cdk-lib, constructs
// or cdk-nag anywhere it could find them; the CDK app of docs/constructs.md synthesizes against the package.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  bin: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
  dependencies: Record<string, string>;
};

const dir = mkdtempSync(join(tmpdir(), 'leash-tarball-'));
const app = join(dir, 'app');
const installed = join(app, 'node_modules', 'agent-leash');
let packed: string[] = [];

function link(name: string): void {
  const target = join(app, 'node_modules', name);
  if (existsSync(target)) return;
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules', name), target, 'dir');
}

/** Runs node in the app directory, with nothing from this repo on its module path. */
function node(args: string[], cwd = app) {
  const env = { ...process.env };
  delete env.NODE_PATH;
  return spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'bin', 'leash.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
  }
  // --ignore-scripts: pack what the build made, without building again.
  const output = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [result] = JSON.parse(output) as { filename: string; files: { path: string }[] }[];
  packed = result.files.map((f) => f.path);
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, result.filename), '-C', dir]);
  renameSync(join(dir, 'package'), installed);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  for (const dependency of Object.keys(manifest.dependencies)) link(dependency);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the packed agent-leash package', () => {
  it('holds the build, LICENSE, docs and templates, and no source maps, build info or generated coverage', () => {
    expect(packed).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'docs/constructs.md']));
    expect(packed.filter((file) => file.endsWith('.map'))).toEqual([]);
    expect(packed.filter((file) => /tsbuildinfo/.test(file))).toEqual([]);
    expect(packed.filter((file) => /^templates\/guardrails\/coverage\./.test(file))).toEqual([]);
    expect(packed).toEqual(
      expect.arrayContaining(['templates/guardrails/boundary.json', 'templates/guardrails/scp-1.json']),
    );
    // No compiled file points at a map or a source that is not shipped.
    const js = packed.filter((file) => file.endsWith('.js'));
    const dangling = js.filter((file) => readFileSync(join(installed, file), 'utf8').includes('sourceMappingURL'));
    expect(dangling).toEqual([]);
  });

  it('ships every file its exports and its bin point at', () => {
    const targets = Object.values(manifest.exports).flatMap((target) =>
      typeof target === 'string' ? [target] : [target.types, target.default],
    );
    targets.push(...Object.values(manifest.bin));
    for (const target of targets)
      expect({ target, shipped: packed.includes(target.replace(/^\.\//, '')) }).toEqual({ target, shipped: true });
  });

  describe('installed without aws-cdk-lib, constructs or cdk-nag', () => {
    it('cannot find aws-cdk-lib from the installed package (the test would prove nothing otherwise)', () => {
      const probe = node(['-e', "require.resolve('aws-cdk-lib', { paths: [process.argv[1]] })", installed]);
      expect(probe.status).not.toBe(0);
    });

    it('runs leash audit and leash check (the import-graph test covers every command)', () => {
      const bin = join(installed, manifest.bin.leash);
      const example = join(installed, 'examples', 'example-account', 'authorization-details.json');
      const audit = node([bin, 'audit', '--input', example, '--format', 'json', '--fail-on', 'none']);
      expect({ status: audit.status, stderr: audit.stderr }).toEqual({ status: 0, stderr: '' });
      expect(JSON.parse(audit.stdout).findings.length).toBeGreaterThan(10);
      const check = node([
        bin,
        'check',
        join(ROOT, 'test', 'fixtures', 'templates', 'wildcard-admin.yaml'),
        '--format',
        'json',
      ]);
      expect(check.status).toBe(1);
      expect(JSON.parse(check.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toContain('full-admin');
    });

    it('loads agent-leash/core and agent-leash/cli; the root entry names the missing aws-cdk-lib', () => {
      const core = node([
        '-e',
        "const c = require('agent-leash/core'); console.log(typeof c.generateGuardrails, typeof c.auditAccount)",
      ]);
      expect(core.stdout.trim()).toBe('function function');
      const cli = node(['-e', "console.log(typeof require('agent-leash/cli').runCli)"]);
      expect(cli.stdout.trim()).toBe('function');
      const root = node(['-e', "require('agent-leash')"]);
      expect(root.status).not.toBe(0);
      expect(root.stderr).toContain("Cannot find module 'aws-cdk-lib'");
    });
  });

  describe('in a CDK app', () => {
    beforeAll(() => {
      for (const peer of ['aws-cdk-lib', 'constructs', 'cdk-nag']) link(peer);
    });

    it('synthesizes the app of docs/constructs.md', () => {
      const doc = readFileSync(join(ROOT, 'docs', 'constructs.md'), 'utf8');
      const section = doc.slice(doc.indexOf('## A small app'));
      const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
      expect(code).toBeDefined();
      const js = ts.transpileModule(code as string, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      }).outputText;
      writeFileSync(join(app, 'app.js'), js);
      const out = join(app, 'cdk.out');
      const env: NodeJS.ProcessEnv = { ...process.env, CDK_OUTDIR: out };
      delete env.NODE_PATH;
      const run = spawnSync(process.execPath, ['app.js'], { cwd: app, env, encoding: 'utf8' });
      expect({ status: run.status, stderr: run.stderr.split('\n').filter((l) => /Error/.test(l)) }).toEqual({
        status: 0,
        stderr: [],
      });
      const orders = JSON.parse(readFileSync(join(out, 'Orders.template.json'), 'utf8'));
      const table = Object.values(orders.Resources as Record<string, { Type: string; DeletionPolicy?: string }>).find(
        (r) => r.Type === 'AWS::DynamoDB::Table',
      );
      expect(table?.DeletionPolicy).toBe('Retain');
      const agents = JSON.parse(readFileSync(join(out, 'Agents.template.json'), 'utf8'));
      const resources = Object.values(
        agents.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>,
      );
      const boundary = resources.find((r) => r.Type === 'AWS::IAM::ManagedPolicy');
      expect(boundary?.Properties.ManagedPolicyName).toBe('leash-agent-boundary');
      const role = resources.find((r) => r.Type === 'AWS::IAM::Role');
      expect(JSON.stringify(role?.Properties.PermissionsBoundary)).toContain('Boundary');
    });
  });
});
