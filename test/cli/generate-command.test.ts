import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo, runCli } from '../../lib/cli/program';
import { policySize } from '../../lib/policy';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'leash-generate-'));
}

describe('leash generate', () => {
  it('writes the boundary, SCPs, RCPs and coverage for the documented defaults and prints the summary', async () => {
    const out = join(tempDir(), 'guardrails');
    const io = memoryIo();
    const code = await runCli(['generate', '--out', out], io);
    expect({ code, err: io.err }).toEqual({ code: 0, err: '' });
    const files = readdirSync(out).sort();
    expect(files).toEqual(
      expect.arrayContaining(['boundary.json', 'coverage.json', 'coverage.md', 'scp-1.json', 'rcp-1.json']),
    );
    expect(io.out).toMatch(/Guardrail coverage/);
    expect(io.out).toMatch(/management account/);
    for (const name of files.filter((f) => /^(scp|rcp)-\d+\.json$/.test(f))) {
      const text = readFileSync(join(out, name), 'utf8');
      expect({ name, size: policySize(text, 'scp') <= 5120 }).toEqual({ name, size: true });
      expect(JSON.parse(text).Statement.length).toBeGreaterThan(0);
    }
    const boundary = JSON.parse(readFileSync(join(out, 'boundary.json'), 'utf8'));
    expect(JSON.stringify(boundary)).toContain('aws:ResourceTag/environment');
  });

  it('reads the guardrail spec from --config', async () => {
    const dir = tempDir();
    const config = join(dir, 'leash.config.json');
    writeFileSync(config, JSON.stringify({ guardrails: { production: { tagKeys: ['stage'], values: ['live'] } } }));
    const io = memoryIo();
    const code = await runCli(['generate', '--config', config, '--out', join(dir, 'out'), '--format', 'json'], io);
    expect({ code, err: io.err }).toEqual({ code: 0, err: '' });
    expect(readFileSync(join(dir, 'out', 'scp-1.json'), 'utf8')).toContain('aws:ResourceTag/stage');
    expect(JSON.parse(io.out).totals.destructive).toBeGreaterThan(0);
  });

  it('warns about a production key or value that reads as a misspelling, on stderr and in the coverage', async () => {
    const dir = tempDir();
    const config = join(dir, 'leash.config.json');
    const production = { tagKeys: ['enviroment'], values: ['prodution', 'prd'] };
    writeFileSync(config, JSON.stringify({ guardrails: { production } }));
    const io = memoryIo();
    const code = await runCli(['generate', '--config', config, '--out', join(dir, 'out'), '--format', 'json'], io);
    expect(code).toBe(0);
    const warnings = io.err.split('\n').filter((line) => line.startsWith('leash: warning:'));
    expect(warnings).toEqual([
      expect.stringContaining(
        `${config}: guardrails.production.tagKeys[0]: "enviroment" reads as a misspelling of "environment"`,
      ),
      expect.stringContaining(
        `${config}: guardrails.production.values[0]: "prodution" reads as a misspelling of "production"`,
      ),
    ]);
    expect(JSON.parse(io.out).caveats.slice(0, 2)).toEqual([
      expect.stringMatching(/^guardrails\.production\.tagKeys\[0\]: "enviroment"/),
      expect.stringMatching(/^guardrails\.production\.values\[0\]: "prodution"/),
    ]);
    expect(readFileSync(join(dir, 'out', 'coverage.md'), 'utf8')).toContain('"prodution" reads as a misspelling');
  });

  it('names the production deletions agents.productionWriteAllowlist opens to agents, on stderr', async () => {
    const dir = tempDir();
    const config = join(dir, 'leash.config.json');
    const allowlist = ['dynamodb:DeleteTable', 'dynamodb:PutItem'];
    writeFileSync(config, JSON.stringify({ guardrails: { agents: { productionWriteAllowlist: allowlist } } }));
    const io = memoryIo();
    const code = await runCli(['generate', '--config', config, '--out', join(dir, 'out'), '--format', 'json'], io);
    expect(code).toBe(0);
    expect(io.err).toContain(
      'lets agents delete or recreate production resources with 1 action(s): dynamodb:DeleteTable',
    );
  });

  it('prints the coverage report as one self-contained HTML page with --format html', async () => {
    const io = memoryIo();
    const code = await runCli(['generate', '--out', join(tempDir(), 'out'), '--format', 'html'], io);
    expect({ code, err: io.err }).toEqual({ code: 0, err: '' });
    expect(io.out.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(io.out).toContain("default-src 'none'");
    expect(io.out).toContain('"kind":"coverage"');
    // The markup around the scripts loads nothing (the browser test checks what the script does).
    expect(io.out.replace(/<script[^>]*>[\s\S]*?<\/script>/g, '')).not.toMatch(/\s(src|href)=|url\(/);
  });

  it('names the file and JSON path of a bad config field and exits 2', async () => {
    const dir = tempDir();
    const config = join(dir, 'leash.config.json');
    writeFileSync(config, JSON.stringify({ guardrails: { agents: { allowedServices: ['S3*'] } } }));
    const io = memoryIo();
    const code = await runCli(['generate', '--config', config, '--out', join(dir, 'out')], io);
    expect(code).toBe(2);
    expect(io.err).toContain(`${config}: guardrails.agents.allowedServices[0]:`);
  });

  it('rejects a value that is both production and non-production, naming the field, and exits 2', async () => {
    const dir = tempDir();
    const config = join(dir, 'leash.config.json');
    writeFileSync(config, JSON.stringify({ guardrails: { production: { nonProductionValues: ['prod'] } } }));
    const io = memoryIo();
    const code = await runCli(['generate', '--config', config, '--out', join(dir, 'out')], io);
    expect(code).toBe(2);
    expect(io.err).toContain('production.nonProductionValues[0]: "prod" is also a production value');
  });

  it('explains what does not fit and exits 2 when the spec is too large for four SCPs', async () => {
    const dir = tempDir();
    const config = join(dir, 'leash.config.json');
    const exempt = Array.from({ length: 90 }, (_, i) => `arn:aws:iam::*:role/break-glass-role-number-${i}`);
    writeFileSync(config, JSON.stringify({ guardrails: { exemptPrincipalArns: exempt } }));
    const io = memoryIo();
    const code = await runCli(['generate', '--config', config, '--out', join(dir, 'out')], io);
    expect(code).toBe(2);
    expect(io.err).toMatch(/SCP: statement \w+ does not fit/);
  });

  it('removes numbered policy files left over from an earlier run', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'scp-9.json'), '{}');
    writeFileSync(join(out, 'notes.txt'), 'keep me');
    const code = await runCli(['generate', '--out', out], memoryIo());
    expect(code).toBe(0);
    expect(readdirSync(out)).not.toContain('scp-9.json');
    expect(readdirSync(out)).toContain('notes.txt');
  });
});
