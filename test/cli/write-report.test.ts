// Reports are written in blocks: small pieces are gathered so a write is not paid per line, and nothing is
// lost or reordered on the way.
import { inBlocks } from '../../lib/cli/write-report';

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
