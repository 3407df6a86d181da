// Pretty JSON written piece by piece: exactly the text of `JSON.stringify(value, null, 2)`, but an array can
// be a LazyJsonArray whose items are made one at a time while the text is written. A report of tens of
// thousands of findings is then never held as one string, nor as a second object tree beside the findings.
// (json-stream-stringify gives the same text through a Readable stream, but took 3.5 s where native
// JSON.stringify takes 0.5 s on a 100 MB SARIF log.)

/** An array written item by item; each item is an ordinary JSON value, made only when it is written. */
export class LazyJsonArray {
  constructor(readonly items: Iterable<unknown>) {}
}

/** Map each item as it is written: `lazyMap(findings, toJson)`. */
export function lazyMap<T>(items: Iterable<T>, map: (item: T, index: number) => unknown): LazyJsonArray {
  return new LazyJsonArray({
    *[Symbol.iterator]() {
      let index = 0;
      for (const item of items) yield map(item, index++);
    },
  });
}

const STEP = '  ';

/** The text of `JSON.stringify(value, null, 2)` in pieces; join them for the whole. */
export function* prettyJsonChunks(value: unknown): Generator<string> {
  if (holdsLazyArray(value)) {
    yield* writeHolder(value as object, '');
    return;
  }
  // A value JSON cannot write at all (undefined, a function) gives no text, as JSON.stringify gives none.
  const text = plainText(value, '');
  if (text !== undefined) yield text;
}

/** An object, array or lazy array with a lazy array inside: written part by part. */
function* writeHolder(value: object, indent: string): Generator<string> {
  const inner = indent + STEP;
  if (value instanceof LazyJsonArray || Array.isArray(value)) {
    const items: Iterable<unknown> = value instanceof LazyJsonArray ? value.items : value;
    let first = true;
    for (const item of items) {
      yield first ? `[\n${inner}` : `,\n${inner}`;
      first = false;
      if (holdsLazyArray(item)) yield* writeHolder(item as object, inner);
      // In an array, what JSON cannot write becomes null.
      else yield plainText(item, inner) ?? 'null';
    }
    yield first ? '[]' : `\n${indent}]`;
    return;
  }
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    const holds = holdsLazyArray(item);
    // An object leaves out what JSON cannot write (undefined, functions, symbols).
    const text = holds ? undefined : plainText(item, inner);
    if (!holds && text === undefined) continue;
    yield `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
    first = false;
    if (holds) yield* writeHolder(item as object, inner);
    else yield text as string;
  }
  yield first ? '{}' : `\n${indent}}`;
}

/** JSON.stringify's pretty text of a value with no lazy array inside, indented to sit at `indent`. */
function plainText(value: unknown, indent: string): string | undefined {
  const text = JSON.stringify(value, null, 2) as string | undefined;
  if (text === undefined || indent === '') return text;
  // JSON text holds no raw line break but those between its own lines, so this indents every line.
  return text.replace(/\n/g, `\n${indent}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return (prototype === Object.prototype || prototype === null) && !('toJSON' in value);
}

/** Whether a lazy array is the value or sits inside it (lazy arrays' own items are not searched). */
function holdsLazyArray(value: unknown): boolean {
  if (value instanceof LazyJsonArray) return true;
  if (Array.isArray(value)) return value.some(holdsLazyArray);
  if (isPlainObject(value)) return Object.values(value).some(holdsLazyArray);
  return false;
}
