// Which text encoding a user's file is in. JSON and YAML read alike: UTF-8 with or without a byte-order
// mark, and UTF-16 with one (what Windows PowerShell 5's `>` writes). Anything else is refused by name
// rather than read as garbage that might parse.

export type DecodedText = { ok: true; text: string; encoding: string } | { ok: false; problem: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeText(bytes: Uint8Array): DecodedText {
  const b = bytes;
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) {
    return { ok: false, problem: 'the file is UTF-32 (little-endian): save it as UTF-8' };
  }
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) {
    return { ok: false, problem: 'the file is UTF-32 (big-endian): save it as UTF-8' };
  }
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return utf16(b.subarray(2), 'utf-16le');
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return utf16(b.subarray(2), 'utf-16be');
  const withoutMark = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? b.subarray(3) : b;
  try {
    return { ok: true, text: utf8.decode(withoutMark), encoding: 'utf-8' };
  } catch {
    const offset = firstInvalidUtf8(withoutMark);
    const guess = looksUtf16WithoutMark(withoutMark) ? 'UTF-16 without a byte-order mark' : 'Latin-1 or Windows-1252';
    return {
      ok: false,
      problem: `not UTF-8 (invalid byte 0x${(withoutMark[offset] ?? 0).toString(16)} at byte ${offset}; it looks like ${guess}): save it as UTF-8`,
    };
  }
}

function utf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): DecodedText {
  try {
    return { ok: true, text: new TextDecoder(encoding, { fatal: true }).decode(bytes), encoding };
  } catch {
    return {
      ok: false,
      problem: `the file starts with a ${encoding.toUpperCase()} byte-order mark but is not valid ${encoding.toUpperCase()}`,
    };
  }
}

function looksUtf16WithoutMark(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 200);
  let zeros = 0;
  for (const byte of sample) if (byte === 0) zeros++;
  return sample.length > 0 && zeros * 3 >= sample.length;
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i];
    const length =
      byte < 0x80
        ? 1
        : byte >= 0xc2 && byte < 0xe0
          ? 2
          : byte >= 0xe0 && byte < 0xf0
            ? 3
            : byte >= 0xf0 && byte < 0xf5
              ? 4
              : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += length;
  }
  return Math.max(0, bytes.length - 1);
}
