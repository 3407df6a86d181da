import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as leash from '../../lib';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  main: string;
  bin: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  dependencies: Record<string, string>;
};

describe('the agent-leash package', () => {
  it('exports the generators, the audit, the check and the CDK constructs from one entry point', () => {
    const api: Record<string, unknown> = leash;
    for (const name of [
      'loadCatalog',
      'parsePolicy',
      'generateGuardrails',
      'compileAccount',
      'auditAccount',
      'loadAuditInput',
      'renderReport',
      'reportChunks',
      'runCheck',
      'AgentRole',
      'AgentPermissionsBoundary',
      'ProductionGuardrails',
      'ProductionProtection',
      'LeashValidationPlugin',
    ]) {
      expect(typeof api[name]).toBe('function');
    }
  });

  it('points main and the leash binary at files the build produces', () => {
    expect(manifest.main).toBe('dist/lib/index.js');
    expect(manifest.bin.leash).toBe('dist/bin/leash.js');
  });

  it('asks its user for aws-cdk-lib, constructs and cdk-nag, optionally, instead of bundling a second copy', () => {
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['aws-cdk-lib', 'cdk-nag', 'constructs']);
    for (const peer of Object.keys(manifest.peerDependencies)) {
      expect({ peer, meta: manifest.peerDependenciesMeta[peer] }).toEqual({ peer, meta: { optional: true } });
      expect(manifest.dependencies[peer]).toBeUndefined();
    }
  });

  it('generates guardrails end to end through the public API', () => {
    const generated = leash.generateGuardrails(leash.defaultGuardrailSpec());
    expect(generated.boundary.characters).toBeLessThanOrEqual(generated.boundary.limit);
    expect(generated.serviceControlPolicies.length).toBeGreaterThan(0);
  });
});

describe('what the CLI and agent-leash/core load', () => {
  const ROOT = join(__dirname, '..', '..');
  const CDK = /^(aws-cdk-lib|constructs|cdk-nag)(\/|$)/;

  /** Modules loaded at run time (type-only imports are erased), with the packages each one loads. */
  function runtimeGraph(entry: string): { modules: Set<string>; packages: Map<string, string> } {
    const modules = new Set<string>();
    const packages = new Map<string, string>();
    const queue = [entry];
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (modules.has(file)) continue;
      modules.add(file);
      const source = readFileSync(file, 'utf8');
      const specifiers = [
        ...[...source.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'";]*?from\s+'([^']+)'/gm)].map((m) => m[1]),
        ...[...source.matchAll(/^\s*import\s+'([^']+)'/gm)].map((m) => m[1]),
        ...[...source.matchAll(/\b(?:require|import)\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]),
      ];
      for (const specifier of specifiers) {
        if (!specifier.startsWith('.')) {
          packages.set(specifier, file);
          continue;
        }
        const base = join(dirname(file), specifier);
        // A data file (JSON) loads nothing further.
        if (specifier.endsWith('.json') && existsSync(base)) continue;
        const resolved = [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
        if (!resolved) throw new Error(`${file}: cannot resolve ${specifier}`);
        queue.push(resolved);
      }
    }
    return { modules, packages };
  }

  it.each([
    ['the leash CLI', 'bin/leash.ts'],
    ['agent-leash/core', 'lib/core.ts'],
    ['agent-leash/cli', 'lib/cli/index.ts'],
  ])('%s loads no aws-cdk-lib, constructs or cdk-nag on any path', (_name, entry) => {
    const { modules, packages } = runtimeGraph(join(ROOT, entry));
    expect(modules.size).toBeGreaterThan(entry === 'lib/cli/index.ts' ? 20 : 50);
    const cdk = [...packages.entries()]
      .filter(([name]) => CDK.test(name))
      .map(([name, file]) => `${name} from ${file}`);
    expect(cdk).toEqual([]);
  });

  it('sees a CDK import where there is one (the graph walk can fail)', () => {
    const { packages } = runtimeGraph(join(ROOT, 'lib', 'index.ts'));
    expect([...packages.keys()].some((name) => CDK.test(name))).toBe(true);
  });
});
