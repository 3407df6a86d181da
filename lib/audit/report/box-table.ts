// A box-drawn terminal table with fixed column widths, word-wrapped cells and full-width group rows: the
// layout the table report needs, in time linear in its text. (cli-table3 lays out every row against every
// other, which took over a minute for a 10,000-role account, and cuts words longer than a column with "…".)
import stringWidth from 'string-width';

/** A row of cells, one per column, or a row spanning the whole table (a group heading). */
export type BoxRow = readonly string[] | { readonly span: string };

export interface BoxTableOptions {
  readonly head: readonly string[];
  /** Width of each column, one space of padding on each side included. */
  readonly widths: readonly number[];
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Columns a string takes on a terminal (wide characters take two). */
function displayWidth(text: string): number {
  return PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text);
}

/** Splits a word wider than `width` into pieces that fit, so nothing is cut off. */
function breakWord(word: string, width: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const character of word) {
    if (piece !== '' && displayWidth(piece + character) > width) {
      pieces.push(piece);
      piece = '';
    }
    piece += character;
  }
  if (piece !== '') pieces.push(piece);
  return pieces;
}

/** The lines of a cell's text wrapped at `width` columns, keeping its own line breaks. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    let lineWidth = 0;
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      for (const piece of displayWidth(word) > width ? breakWord(word, width) : [word]) {
        const pieceWidth = displayWidth(piece);
        if (lineWidth > 0 && lineWidth + 1 + pieceWidth > width) {
          lines.push(line);
          line = '';
          lineWidth = 0;
        }
        line += lineWidth > 0 ? ` ${piece}` : piece;
        lineWidth += (lineWidth > 0 ? 1 : 0) + pieceWidth;
      }
    }
    lines.push(line);
  }
  return lines;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

function isSpan(row: BoxRow): row is { readonly span: string } {
  return !Array.isArray(row);
}

export function renderBoxTable(options: BoxTableOptions, rows: readonly BoxRow[]): string {
  const { head, widths } = options;
  const full = widths.reduce((sum, width) => sum + width, 0) + widths.length - 1;
  const rule = (left: string, joint: string, right: string) =>
    left + widths.map((width) => '─'.repeat(width)).join(joint) + right;
  const spanRule = (left: string, right: string) => left + '─'.repeat(full) + right;
  const out: string[] = [];
  const cellsRow = (cells: readonly string[]) => {
    const wrapped = cells.map((cell, i) => wrapText(cell, widths[i] - 2));
    const height = Math.max(...wrapped.map((lines) => lines.length));
    for (let line = 0; line < height; line++) {
      out.push(`│${wrapped.map((lines, i) => ` ${pad(lines[line] ?? '', widths[i] - 2)} `).join('│')}│`);
    }
  };

  out.push(rule('┌', '┬', '┐'));
  cellsRow(head);
  let previousSpan = false;
  for (const row of rows) {
    // The rule between two rows joins the columns of the row above to those of the row below.
    if (isSpan(row)) {
      out.push(previousSpan ? spanRule('├', '┤') : rule('├', '┴', '┤'));
      for (const line of wrapText(row.span, full - 2)) out.push(`│ ${pad(line, full - 2)} │`);
    } else {
      out.push(previousSpan ? rule('├', '┬', '┤') : rule('├', '┼', '┤'));
      cellsRow(row);
    }
    previousSpan = isSpan(row);
  }
  out.push(previousSpan ? spanRule('└', '┘') : rule('└', '┴', '┘'));
  return out.join('\n');
}
