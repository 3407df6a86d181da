// What JSON.parse does not tell: where text first goes wrong (its messages differ between Node versions and
// some carry no position at all), and which object keys appear twice (it silently keeps the last one).

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

export interface JsonScan {
  /** Offset of the first syntax error, undefined when the text is valid JSON. */
  readonly errorOffset?: number;
  /** Keys that occur more than once in one object, with the path of that object. */
  readonly duplicateKeys: readonly { readonly path: readonly (string | number)[]; readonly key: string }[];
}

/** Scans JSON text for its first syntax error and for duplicate keys. */
export function scanJson(text: string): JsonScan {
  let i = 0;
  const path: (string | number)[] = [];
  const duplicateKeys: { path: (string | number)[]; key: string }[] = [];
  const fail = (): never => {
    throw i;
  };
  const skip = () => {
    while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  const string = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === 0x22) {
        i++;
        return JSON.parse(text.slice(start, i)) as string;
      }
      if (code < 0x20) fail();
      if (code === 0x5c) {
        i++;
        const escape = text[i];
        if (escape === 'u') {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) fail();
          i += 5;
          continue;
        }
        if (!'"\\/bfnrt'.includes(escape ?? 'x')) fail();
      }
      i++;
    }
    return fail();
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match || match[0] === '' || match[0] === '-') fail();
    i += match![0].length;
  };
  const value = (): void => {
    skip();
    const ch = text[i];
    if (ch === '{') {
      i++;
      skip();
      if (text[i] === '}') {
        i++;
        return;
      }
      const keys = new Set<string>();
      for (;;) {
        skip();
        if (text[i] !== '"') fail();
        const key = string();
        if (keys.has(key)) duplicateKeys.push({ path: [...path], key });
        keys.add(key);
        skip();
        if (text[i] !== ':') fail();
        i++;
        path.push(key);
        value();
        path.pop();
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail();
      }
    }
    if (ch === '[') {
      i++;
      skip();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let index = 0; ; index++) {
        path.push(index);
        value();
        path.pop();
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail();
      }
    }
    if (ch === '"') {
      string();
      return;
    }
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return number();
    fail();
  };
  try {
    value();
    skip();
    if (i < text.length) fail();
    return { duplicateKeys };
  } catch (offset) {
    if (typeof offset === 'number') return { errorOffset: offset, duplicateKeys };
    throw offset;
  }
}

/** Deeper JSON than any policy, template or snapshot needs; readers that recurse stay far from the stack's end. */
export const MAX_JSON_DEPTH = 256;

/**
 * Where JSON text first nests deeper than `limit` arrays and objects, without recursing (so 100,000 levels
 * cost a scan, not a stack overflow). Strings are skipped; the text need not be valid JSON.
 */
export function jsonNestingProblem(text: string, limit = MAX_JSON_DEPTH): { offset: number } | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) {
      // Most of a policy file is strings: jump to the closing quote with indexOf instead of a step per
      // character. An unterminated string runs to the end and holds no brackets.
      const close = closingQuote(text, i);
      if (close === -1) return undefined;
      i = close;
    } else if (code === 0x7b || code === 0x5b) {
      if (++depth > limit) return { offset: i };
    } else if (code === 0x7d || code === 0x5d) depth--;
  }
  return undefined;
}

/**
 * The quote that closes the string opened at `open`, or -1: the first quote after it not escaped, that is
 * not preceded by an odd run of backslashes (the character before such a run is never an escaping one).
 */
function closingQuote(text: string, open: number): number {
  let quote = open;
  for (;;) {
    quote = text.indexOf('"', quote + 1);
    if (quote === -1) return -1;
    let backslash = quote - 1;
    while (text.charCodeAt(backslash) === 0x5c) backslash--;
    if ((quote - 1 - backslash) % 2 === 0) return quote;
  }
}

/**
 * Whether valid JSON `text`, parsed to `value`, gives some key twice in one object. JSON.parse keeps one entry
 * per key, so the text then holds more keys than the value: counting both is about three times faster than
 * scanJson(), which is left to name the duplicates, and costs little next to reading a large audit input.
 */
export function hasDuplicateKeys(text: string, value: unknown): boolean {
  return keysInText(text) !== keysInValue(value);
}

/** Keys in valid JSON text: strings followed by a colon. Strings are jumped over with indexOf. */
function keysInText(text: string): number {
  let keys = 0;
  for (let open = text.indexOf('"'); open !== -1;) {
    const close = closingQuote(text, open);
    if (close === -1) break;
    let next = close + 1;
    while (WS.has(text.charCodeAt(next))) next++;
    if (text.charCodeAt(next) === 0x3a) keys++;
    open = text.indexOf('"', next);
  }
  return keys;
}

/** Keys of every object in a parsed JSON value. */
function keysInValue(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let keys = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) keys += keysInValue(value[i]);
    return keys;
  }
  for (const key in value) keys += 1 + keysInValue((value as Record<string, unknown>)[key]);
  return keys;
}
