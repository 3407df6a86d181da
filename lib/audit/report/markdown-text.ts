// Text from an account, a template or a config file inside the Markdown GitHub renders (a pull-request comment,
// a job summary). A role path may hold `<!--` (hides the rest of a comment), `<img>` or `![x](url)` (an image
// that can claim anything), `[text](url)`, `@org/team` (pings a team) or a backtick or `|` that ends a code span
// or a table cell. These writers make such text show as typed and do nothing else.
import { terminalText } from './terminal-text';

/** ASCII punctuation that starts Markdown or HTML inline syntax; a backslash makes each literal. */
const MARKDOWN_ACTIVE = /[\\`*_[\]<>!|~&]/g;
/** What GitHub turns into a link by itself: `scheme://` and `www.` (a backslash before `:` or `.` stops it). */
const AUTOLINK = /(:)(?=\/\/)|(?<=\bwww)(\.)/gi;

/**
 * Plain text for Markdown prose or a table cell: control and invisible characters as visible `\u{…}` escapes
 * (a line break would end the cell), inline syntax escaped, and `@` in a code span of its own: GitHub reads
 * mentions in the rendered text, where a backslash is already gone, but never inside code.
 */
export function markdownText(text: string): string {
  return terminalText(text).replace(MARKDOWN_ACTIVE, '\\$&').replace(AUTOLINK, '\\$&').replace(/@/g, '`@`');
}

/**
 * Inline code: the text as typed, in a fence of more backticks than any run of them in it. In a table cell
 * (`inTable`), `|` is escaped: GitHub splits the row at a bare pipe even inside code.
 */
export function markdownCode(text: string, inTable: boolean): string {
  let code = terminalText(text);
  if (inTable) code = code.replace(/\|/g, '\\|');
  if (code === '') return '';
  const longest = (code.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length), 0);
  const fence = '`'.repeat(longest + 1);
  // A space each side keeps a backtick at either end from joining the fence (CommonMark strips one of each).
  const padded = code.startsWith('`') || code.endsWith('`') || /^ .* $/.test(code) ? ` ${code} ` : code;
  return `${fence}${padded}${fence}`;
}
