// Reports are written in blocks: small pieces are gathered so a write is not paid per line, and nothing is
// lost or reordered on the way.
import { memoryIo } from '../../lib/cli/program';
import { inBlocks, warnOfSarifLimit } from '../../lib/cli/write-report';
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
