// Pretty JSON written piece by piece: exactly the text of `JSON.stringify(value, null, 2)`, but an array can
// be a LazyJsonArray whose items are made a batch at a time while the text is written. A report of tens of
// thousands of findings is then never held as one string, nor as a second object tree beside the findings.
// (json-stream-stringify gives the same text through a Readable stream, but took 3.5 s where native
// JSON.stringify takes 0.5 s on a 100 MB SARIF log.)

/**
 * An array written batch by batch; each item is an ordinary JSON value (no lazy array inside it), made only
 * when its batch is written.
 */
export class LazyJsonArray {
  constructor(readonly items: Iterable<unknown>) {}

  /** Where prettyJsonChunks does not look for lazy arrays (inside one's items), fail instead of writing `{}`. */
  toJSON(): never {
    throw new Error('a LazyJsonArray inside an item of a lazy array (or of a class instance) cannot be written');
  }
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

/**
 * About how many characters of a lazy array are stringified at once. One native JSON.stringify per batch
 * indents the items itself (see batchText), so a batch costs no more than the same items inside one big
 * JSON.stringify; the size bounds how much text and how many made items are held at a time. It is kept small
 * so that a batch's text (up to 2 bytes a character) stays below V8's large-object size (128 KiB): it is then
 * made and dropped in the young generation, where dead strings cost the collector nothing, instead of filling
 * the old generation a mebibyte at a time (r1000 report writing about 65 M instructions less than at 1 MiB).
 */
const BATCH_CHARS = 1 << 15;
/** Items in the first batch; later batches are sized from the characters per item seen so far. */
const FIRST_BATCH = 16;

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
  if (value instanceof LazyJsonArray) {
    yield* writeLazyArray(value, indent);
    return;
  }
  if (Array.isArray(value)) {
    let first = true;
    for (const item of value) {
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

/** A lazy array whose `[` sits at `indent`: its items in batches of about BATCH_CHARS characters. */
function* writeLazyArray(array: LazyJsonArray, indent: string): Generator<string> {
  const depth = indent.length / STEP.length + 1;
  let batch: unknown[] = [];
  let size = FIRST_BATCH;
  let first = true;
  const opening = `\n${STEP.repeat(depth)}`;
  function* flush(): Generator<string> {
    const text = batchText(batch, depth);
    // Sized from the last batch, growing at most twofold so a run of small items cannot make a huge batch.
    size = Math.max(1, Math.min(size * 2, Math.floor((BATCH_CHARS * batch.length) / Math.max(1, text.length))));
    batch = [];
    // The batch's text goes out as its own piece, not glued to the opening: a writer can pass it on uncopied.
    yield first ? `[${opening}` : `,${opening}`;
    yield text;
    first = false;
  }
  for (const item of array.items) {
    batch.push(item);
    if (batch.length >= size) yield* flush();
  }
  if (batch.length > 0) yield* flush();
  yield first ? '[]' : `\n${indent}]`;
}

/**
 * The items of an array whose items sit `depth` levels deep, as JSON.stringify(…, null, 2) writes them
 * there: from the first item's first character to the last item's last, joined by `,` and a line break.
 * The items are wrapped in depth - 1 more arrays so that JSON.stringify indents them itself (what cannot
 * be written becomes null, as in any array), and the wrapping's own text is cut off: it is `[` and a line
 * break per level, then the items' indentation, before them (depth² + 3·depth characters), and a line
 * break, indentation and `]` per level after them (depth² + depth).
 */
function batchText(items: unknown[], depth: number): string {
  let wrapped: unknown = items;
  for (let level = 1; level < depth; level++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, STEP);
  return text.slice(depth * depth + 3 * depth, text.length - (depth * depth + depth));
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
