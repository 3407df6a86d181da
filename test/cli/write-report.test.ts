// Reports are written in blocks: small pieces are gathered so a write is not paid per line, and nothing is
// lost or reordered on the way.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo } from '../../lib/cli/program';
import { inBlocks, warnOfSarifLimit, writeReportToFile } from '../../lib/cli/write-report';
import { InputError } from '../../lib/util/read-input';
import { auditFinding } from '../audit/report/fixtures';

describe('inBlocks', () => {
  it('gathers pieces into blocks of at least the size, the last one shorter, in order', () => {
    const pieces = Array.from({ length: 50 }, (_, i) => `line ${i}\n`);
    const blocks = [...inBlocks(pieces, 64)];
    expect(blocks.join('')).toBe(pieces.join(''));
    expect(blocks.slice(0, -1).every((block) => block.length >= 64)).toBe(true);
    expect(blocks.length).toBeGreaterThan(1);
  });

  it('writes nothing for no pieces or only empty ones', () => {
    expect([...inBlocks([], 64)]).toEqual([]);
    expect([...inBlocks(['', ''], 64)]).toEqual([]);
  });
});

describe('warnOfSarifLimit', () => {
  it('says nothing while the findings fit in one SARIF run', () => {
    const io = memoryIo();
    warnOfSarifLimit(
      io,
      'audit',
      Array.from({ length: 25_000 }, () => auditFinding),
    );
    expect(io.err).toBe('');
  });

  it('says how many findings the SARIF report left out, and where they are', () => {
    const io = memoryIo();
    warnOfSarifLimit(
      io,
      'audit',
      Array.from({ length: 25_002 }, () => auditFinding),
    );
    expect(io.err).toBe(
      'leash audit: the SARIF report holds the 25000 most severe of 25002 findings (GitHub code scanning rejects a run of more); 2 left out are in --format json\n',
    );
  });
});

describe('writeReportToFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leash-write-report-'));
  /** A report whose second block fails as a full disk would. */
  function* failingAfterOneBlock(error: Error): Generator<string> {
    yield 'x'.repeat(2 << 20);
    throw error;
  }

  it('writes every piece, in order', () => {
    const file = join(dir, 'whole.json');
    const pieces = Array.from({ length: 3000 }, (_, i) => `${'y'.repeat(1000)} ${i}\n`);
    writeReportToFile(file, pieces);
    expect(readFileSync(file, 'utf8')).toBe(pieces.join(''));
  });

  it('removes a half-written report and names the file and the system error', () => {
    const file = join(dir, 'full-disk.json');
    writeFileSync(file, 'yesterday');
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(() => writeReportToFile(file, failingAfterOneBlock(full))).toThrow(
      new InputError(`${file}: cannot write: ENOSPC: no space left on device, write; the partial file was removed`),
    );
    expect(existsSync(file)).toBe(false);
  });

  it('removes it too when rendering fails, and keeps that error as it is', () => {
    const file = join(dir, 'bug.json');
    const bug = new TypeError('cannot read properties of undefined');
    expect(() => writeReportToFile(file, failingAfterOneBlock(bug))).toThrow(bug);
    expect(existsSync(file)).toBe(false);
  });
});
