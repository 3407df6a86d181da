// The terminal table: cli-table3's layout (which the reports and `leash catalog` used before), but every word
// kept whole or broken across lines, never cut with "…", and a group heading row spanning the columns.
import fc from 'fast-check';
import stringWidth from 'string-width';
import { renderBoxTable, wrapText } from '../../lib/util/box-table';

/** Word wrapping measured character by character with string-width: what wrapText must give for any text. */
function wrapMeasured(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      const pieces: string[] = [];
      let piece = '';
      for (const character of stringWidth(word) > width ? word : '') {
        if (piece !== '' && stringWidth(piece + character) > width) {
          pieces.push(piece);
          piece = '';
        }
        piece += character;
      }
      if (piece !== '') pieces.push(piece);
      for (const part of pieces.length > 0 ? pieces : [word]) {
        if (line !== '' && stringWidth(line) + 1 + stringWidth(part) > width) {
          lines.push(line);
          line = '';
        }
        line += line !== '' ? ` ${part}` : part;
      }
    }
    lines.push(line);
  }
  return lines;
}

describe('renderBoxTable', () => {
  it('draws heading, group and finding rows with the rules joining the right columns', () => {
    const text = renderBoxTable({ head: ['Sev', 'Rule', 'Finding'], widths: [7, 8, 12] }, [
      { span: 'role/app' },
      ['high', 'full', 'is admin'],
      ['low', 'trust', 'trusts'],
      { span: 'role/ci' },
      { span: 'role/other' },
    ]);
    expect(text.split('\n')).toEqual([
      '┌───────┬────────┬────────────┐',
      '│ Sev   │ Rule   │ Finding    │',
      '├───────┴────────┴────────────┤',
      '│ role/app                    │',
      '├───────┬────────┬────────────┤',
      '│ high  │ full   │ is admin   │',
      '├───────┼────────┼────────────┤',
      '│ low   │ trust  │ trusts     │',
      '├───────┴────────┴────────────┤',
      '│ role/ci                     │',
      '├─────────────────────────────┤',
      '│ role/other                  │',
      '└─────────────────────────────┘',
    ]);
  });

  it('wraps long cells on word boundaries and pads the other cells of the row', () => {
    const text = renderBoxTable({ head: ['A', 'B'], widths: [5, 12] }, [['x', 'one two three four']]);
    expect(text.split('\n').slice(3, 6)).toEqual([
      '│ x   │ one two    │',
      '│     │ three four │',
      '└─────┴────────────┘',
    ]);
  });

  it('breaks a word wider than its column instead of cutting it off', () => {
    const arn = 'arn:aws:iam::072528804237:role/aws-service-role/stacksets.cloudformation.amazonaws.com/Admin';
    const lines = wrapText(`lets ${arn} assume`, 30);
    expect(lines.every((line) => line.length <= 30)).toBe(true);
    expect(lines.join('').replace(/ /g, '')).toBe(`lets${arn}assume`);
    expect(renderBoxTable({ head: ['A'], widths: [32] }, [[arn]])).not.toContain('…');
  });

  it('wraps any text, ASCII or not, as measuring every word and piece would', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'b', ' ', ' ', '\n', '\t', '-', '環', 'é'),
      maxLength: 80,
    });
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 12 }), (t, width) => {
        expect(wrapText(t, width)).toEqual(wrapMeasured(t, width));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps a cell’s own line breaks', () => {
    expect(wrapText('finding\n[suppressed until 2099-01-01: reason]', 40)).toEqual([
      'finding',
      '[suppressed until 2099-01-01: reason]',
    ]);
  });

  it('counts wide characters as two columns', () => {
    const text = renderBoxTable({ head: ['Tag'], widths: [8] }, [['環境']]);
    expect(text.split('\n')[3]).toBe('│ 環境   │');
  });

  it('fits columns to their widest line when no widths are given, and draws compact bodies', () => {
    const text = renderBoxTable({ head: ['action', 'level'], compact: true }, [
      ['s3:DeleteBucket', 'Write'],
      ['iam:PassRole', 'Permissions management'],
    ]);
    expect(text.split('\n')).toEqual([
      '┌─────────────────┬────────────────────────┐',
      '│ action          │ level                  │',
      '├─────────────────┼────────────────────────┤',
      '│ s3:DeleteBucket │ Write                  │',
      '│ iam:PassRole    │ Permissions management │',
      '└─────────────────┴────────────────────────┘',
    ]);
  });
});
