// The shell every HTML report shares: one self-contained page whose data sits in a JSON script element and whose
// code is one inline script. A Content-Security-Policy of `default-src 'none'` lets the page load nothing at all
// (no fonts, images, scripts or requests), so opening it never touches the network.
import { sha256 } from '../../util/sha256';
import { HTML_CLIENT_SCRIPT, HTML_STYLE } from './html-client';

/** JSON made safe inside a `<script>` element: `<` is escaped, so no `</script>` or `<!--` can occur. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const hash = (text: string) => `'sha256-${sha256(text, 'base64')}'`;

/**
 * The Content-Security-Policy of every report: only its own inline script and style may run. Made when a page
 * is, not when this module loads: an audit loads every report format but writes only the ones asked for.
 */
export function htmlCsp(): string {
  return [
    "default-src 'none'",
    `script-src ${hash(HTML_CLIENT_SCRIPT)}`,
    `style-src ${hash(HTML_STYLE)}`,
    "img-src 'none'",
    "connect-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/**
 * The page in pieces: the head, then `data` (already script-safe JSON text, possibly in many pieces), then the
 * code. `title` is plain text.
 */
export function* htmlPageChunks(title: string, data: Iterable<string>): Generator<string> {
  yield [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${htmlCsp()}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${HTML_STYLE}</style>`,
    '</head>',
    '<body>',
    `<noscript>This report needs JavaScript to show its findings; the same data is in the JSON report.</noscript>`,
    '<main id="app" aria-live="polite">Loading the report…</main>',
    '<script id="leash-data" type="application/json">',
  ].join('\n');
  yield* data;
  yield `</script>\n<script>${HTML_CLIENT_SCRIPT}</script>\n</body>\n</html>\n`;
}
