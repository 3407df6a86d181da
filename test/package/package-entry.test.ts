import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
