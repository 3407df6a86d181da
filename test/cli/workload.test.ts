// The run a command line asks for (lib/cli/workload.ts), which picks the V8 heap settings of the process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHORT_AUDIT_INPUT_BYTES, workloadOf } from '../../lib/cli/workload';

const sizes: Record<string, number> = {
  'small.json': 800_000,
  'half.json': SHORT_AUDIT_INPUT_BYTES / 2,
  'large.json': SHORT_AUDIT_INPUT_BYTES + 1,
};
const sizeOf = (file: string) => sizes[file];

describe('workloadOf', () => {
  it('calls every command but an audit short, whatever its arguments', () => {
    expect(workloadOf([], sizeOf)).toBe('short');
    expect(workloadOf(['--help'], sizeOf)).toBe('short');
    expect(workloadOf(['validate', 'large.json'], sizeOf)).toBe('short');
    expect(workloadOf(['check', '--template', 'large.json'], sizeOf)).toBe('short');
    // The command is the first word that is not an option, as commander reads it.
    expect(workloadOf(['--quiet', 'explain', 'audit'], sizeOf)).toBe('short');
  });

  it('calls an audit of saved files short up to the size limit, counting every --input file', () => {
    expect(workloadOf(['audit', '--input', 'small.json', '--format', 'json'], sizeOf)).toBe('short');
    expect(workloadOf(['--quiet', 'audit', '--input=small.json'], sizeOf)).toBe('short');
    expect(workloadOf(['audit', '--input', 'half.json', 'half.json'], sizeOf)).toBe('short');
    expect(workloadOf(['audit', '--input', 'half.json', 'half.json', 'small.json'], sizeOf)).toBe('long');
    expect(
      workloadOf(['audit', '--input', 'half.json', '--scp', 'x.json', '--input', 'half.json', 'small.json'], sizeOf),
    ).toBe('long');
    expect(workloadOf(['audit', '--input', 'large.json'], sizeOf)).toBe('long');
  });

  it('calls an audit of unknown size long (the live account, or one asked for threads), and an organization its own', () => {
    expect(workloadOf(['audit'], sizeOf)).toBe('long');
    expect(workloadOf(['audit', '--profile', 'prod'], sizeOf)).toBe('long');
    expect(workloadOf(['audit', '--org'], sizeOf)).toBe('organization');
    expect(workloadOf(['audit', '--org', '--threads', '2'], sizeOf)).toBe('organization');
    expect(workloadOf(['audit', '--input', 'small.json', '--threads', '2'], sizeOf)).toBe('long');
    expect(workloadOf(['audit', '--input', 'small.json', '--threads=2'], sizeOf)).toBe('long');
  });

  it('counts a file it cannot read as empty (the audit reports it) and reads real sizes by default', () => {
    expect(workloadOf(['audit', '--input', 'missing.json'], sizeOf)).toBe('short');
    const dir = mkdtempSync(join(tmpdir(), 'leash-workload-'));
    try {
      const small = join(dir, 'small.json');
      const large = join(dir, 'large.json');
      writeFileSync(small, '{}');
      writeFileSync(large, Buffer.alloc(SHORT_AUDIT_INPUT_BYTES + 1, 32));
      expect(workloadOf(['audit', '--input', small])).toBe('short');
      expect(workloadOf(['audit', '--input', large])).toBe('long');
      expect(workloadOf(['audit', '--input', join(dir, 'missing.json')])).toBe('short');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
