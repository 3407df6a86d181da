// Box-drawn terminal tables (the audit report, `leash catalog`): fixed or fitted column widths, word-wrapped
// cells and full-width group rows, in time linear in the text. cli-table3 lays out every row against every
// other (81 s for a 10,000-role audit report, 34 s for the whole catalog) and cuts words longer than a
// column with "…"; this keeps its look and loses no text.
import stringWidth from 'string-width';

/** A row of cells, one per column, or a row spanning the whole table (a group heading). */
export type BoxRow = readonly string[] | { readonly span: string };

export interface BoxTableOptions {
  readonly head: readonly string[];
  /**
   * Width of each column, one space of padding on each side included; longer text wraps.
   * @default each column as wide as its widest line (nothing wraps)
   */
  readonly widths?: readonly number[];
  /** No rule between body rows, only under the heading. @default false */
  readonly compact?: boolean;
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
    if (PRINTABLE_ASCII.test(paragraph)) wrapAscii(paragraph, width, lines);
    else wrapParagraph(paragraph, width, lines);
  }
  return lines;
}

/**
 * wrapParagraph for printable ASCII, where a character is a column and the only white space is a space:
 * the same lines, without measuring each word and piece again (most of a report's text takes this way).
 */
function wrapAscii(paragraph: string, width: number, lines: string[]): void {
  // Text that fits, with single spaces between its words and none around them, is its own one line.
  const last = paragraph.length - 1;
  if (paragraph.length <= width && paragraph[0] !== ' ' && paragraph[last] !== ' ' && !paragraph.includes('  ')) {
    lines.push(paragraph);
    return;
  }
  const pieceWidth = Math.max(1, width);
  let line = '';
  for (const word of paragraph.split(' ')) {
    if (word === '') continue;
    for (let start = 0; start < word.length; start += pieceWidth) {
      const piece = word.length > width ? word.slice(start, start + pieceWidth) : word;
      if (line.length > 0 && line.length + 1 + piece.length > width) {
        lines.push(line);
        line = '';
      }
      line += line.length > 0 ? ` ${piece}` : piece;
      if (word.length <= width) break;
    }
  }
  lines.push(line);
}

function wrapParagraph(paragraph: string, width: number, lines: string[]): void {
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

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

function isSpan(row: BoxRow): row is { readonly span: string } {
  return !Array.isArray(row);
}

/** Column widths that fit every line of the heading and the cell rows (group rows wrap instead). */
function fittedWidths(head: readonly string[], rows: readonly BoxRow[]): number[] {
  const widths = head.map((cell) => Math.max(...cell.split('\n').map(displayWidth)) + 2);
  for (const row of rows) {
    if (isSpan(row)) continue;
    row.forEach((cell, i) => {
      for (const line of cell.split('\n')) widths[i] = Math.max(widths[i] ?? 2, displayWidth(line) + 2);
    });
  }
  return widths;
}

export function renderBoxTable(options: BoxTableOptions, rows: readonly BoxRow[]): string {
  const widths = options.widths ?? fittedWidths(options.head, rows);
  return [...boxTableLines({ ...options, widths }, rows)].join('\n');
}

/**
 * The lines of the table, made as they are read, from rows that may themselves be made as they are read:
 * a table of tens of thousands of rows is written without being held whole. Widths must be given.
 */
export function* boxTableLines(
  options: BoxTableOptions & { readonly widths: readonly number[] },
  rows: Iterable<BoxRow>,
): Generator<string> {
  const { head, widths } = options;
  const full = widths.reduce((sum, width) => sum + width, 0) + widths.length - 1;
  const rule = (left: string, joint: string, right: string) =>
    left + widths.map((width) => '─'.repeat(width)).join(joint) + right;
  const spanRule = (left: string, right: string) => left + '─'.repeat(full) + right;
  // The rules between body rows, drawn once rather than once per row.
  const cellsBelowCells = rule('├', '┼', '┤');
  const cellsBelowSpan = rule('├', '┬', '┤');
  const spanBelowCells = rule('├', '┴', '┤');
  const spanBelowSpan = spanRule('├', '┤');
  const blank = widths.map((width) => ` ${pad('', width - 2)} `);
  function* cellsRow(cells: readonly string[]): Generator<string> {
    const wrapped = cells.map((cell, i) => wrapText(cell, widths[i] - 2));
    let height = 0;
    for (const lines of wrapped) height = Math.max(height, lines.length);
    for (let line = 0; line < height; line++) {
      let text = '│';
      for (let i = 0; i < wrapped.length; i++) {
        const cell = wrapped[i][line];
        text += `${cell === undefined ? blank[i] : ` ${pad(cell, widths[i] - 2)} `}│`;
      }
      yield text;
    }
  }

  yield rule('┌', '┬', '┐');
  yield* cellsRow(head);
  let previousSpan = false;
  let first = true;
  for (const row of rows) {
    if (options.compact && !first && !isSpan(row) && !previousSpan) {
      yield* cellsRow(row);
      continue;
    }
    first = false;
    // The rule between two rows joins the columns of the row above to those of the row below.
    if (isSpan(row)) {
      yield previousSpan ? spanBelowSpan : spanBelowCells;
      for (const line of wrapText(row.span, full - 2)) yield `│ ${pad(line, full - 2)} │`;
    } else {
      yield previousSpan ? cellsBelowSpan : cellsBelowCells;
      yield* cellsRow(row);
    }
    previousSpan = isSpan(row);
  }
  yield previousSpan ? spanRule('└', '┘') : rule('└', '┴', '┘');
}
