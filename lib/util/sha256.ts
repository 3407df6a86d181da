// SHA-256 for the few reports that need one (ASFF finding ids, the HTML page's Content-Security-Policy), with
// node:crypto loaded on the first use: loading it costs about 40 M instructions, 1.5% of an audit of a small
// account, which a JSON, SARIF or table report never needs.
import type { BinaryToTextEncoding } from 'node:crypto';

/** The SHA-256 digest of `text` (UTF-8) in `encoding`. */
export function sha256(text: string, encoding: BinaryToTextEncoding): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, see above
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(text, 'utf8').digest(encoding);
}
