// The catalog in a compact, precomputable form: every distinct string once, every distinct string list once,
// and the actions as one flat array of numbers. `npm run build` writes it next to the compiled catalog so a
// process loads the catalog in tens of milliseconds instead of reading 15 MB of reference data and
// classifying 22,000 actions. Pure: encoding and decoding, and the bytes of the file; precomputed.ts reads
// and writes it.
import { assembleCatalog } from './build';
import type { AccessLevel, Catalog, CatalogAction, CatalogResourceType, DestructiveClass, TagSupport } from './types';

/** Bumped whenever the layout below or the file's bytes change; a file of another format is never decoded. */
export const COMPACT_CATALOG_FORMAT = 2;

export interface CompactCatalog {
  readonly format: number;
  readonly dataVersion: string;
  /** What the file was built from (data version and catalog code); the loader refuses a file that differs. */
  readonly fingerprint: string;
  readonly rcpServices: readonly string[];
  /** Every distinct string. */
  readonly strings: readonly string[];
  /** Every distinct string list (condition keys, classes, class reasons), as positions in `strings`. */
  readonly lists: readonly (readonly number[])[];
  /** Service prefixes in catalog order, each with its number of actions: `[prefix, count, prefix, count, ...]`. */
  readonly services: readonly (string | number)[];
  /**
   * Every action in catalog order: name, access level, description (-1: none), condition keys (list),
   * flags (1 wildcard-only, 2 tag-aware), tag support, classes (list), class reasons (list), the number of
   * resource types, then per resource type: name, flags (1 required), ARN template (-1: none), condition keys (list).
   */
  readonly actions: ArrayLike<number>;
}

const TAG_SUPPORTS: readonly TagSupport[] = ['action', 'resource-type', 'none'];
const NO_STRING = -1;

/** A compact file that cannot be decoded: it is never used, the catalog is built afresh instead. */
export class CompactCatalogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompactCatalogError';
  }
}

class Interner {
  readonly strings: string[] = [];
  readonly lists: number[][] = [];
  private readonly stringIds = new Map<string, number>();
  private readonly listIds = new Map<string, number>();

  string(value: string): number {
    let id = this.stringIds.get(value);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(value);
      this.stringIds.set(value, id);
    }
    return id;
  }

  list(values: readonly string[]): number {
    const ids = values.map((value) => this.string(value));
    const key = ids.join(',');
    let id = this.listIds.get(key);
    if (id === undefined) {
      id = this.lists.length;
      this.lists.push(ids);
      this.listIds.set(key, id);
    }
    return id;
  }
}

/** The compact form of a catalog; `fingerprint` says what it was built from. */
export function encodeCatalog(catalog: Catalog, fingerprint: string): CompactCatalog {
  const interner = new Interner();
  const services: (string | number)[] = [];
  const actions: number[] = [];
  for (const service of catalog.services) {
    const members = catalog.serviceActions(service);
    services.push(service, members.length);
    for (const action of members) {
      if (action.service !== service || action.action !== `${service}:${action.name}`) {
        throw new CompactCatalogError(`${action.action}: listed under service ${service}`);
      }
      actions.push(
        interner.string(action.name),
        interner.string(action.accessLevel),
        action.description === undefined ? NO_STRING : interner.string(action.description),
        interner.list(action.conditionKeys),
        (action.isWildcardOnly ? 1 : 0) | (action.tagAware ? 2 : 0),
        TAG_SUPPORTS.indexOf(action.tagSupport),
        interner.list(action.classes),
        interner.list(action.classReasons),
        action.resourceTypes.length,
      );
      for (const type of action.resourceTypes) {
        actions.push(
          interner.string(type.name),
          type.required ? 1 : 0,
          type.arnTemplate === undefined ? NO_STRING : interner.string(type.arnTemplate),
          interner.list(type.conditionKeys),
        );
      }
    }
  }
  return {
    format: COMPACT_CATALOG_FORMAT,
    dataVersion: catalog.dataVersion,
    fingerprint,
    rcpServices: [...catalog.rcpServices].sort(),
    strings: interner.strings,
    lists: interner.lists,
    services,
    actions,
  };
}

/**
 * The catalog a compact form describes; throws CompactCatalogError when the form is not one we wrote. Every
 * number is checked here, so a bad file is refused at load; the actions themselves are made per service
 * when the catalog first needs them (assembleCatalog).
 */
export function decodeCatalog(compact: CompactCatalog): Catalog {
  if (compact.format !== COMPACT_CATALOG_FORMAT) {
    throw new CompactCatalogError(`format ${String(compact.format)}, expected ${COMPACT_CATALOG_FORMAT}`);
  }
  const { strings, actions: stream } = compact;
  // Lists are shared by every action that has the same one: frozen, so no reader can change another's.
  const lists = compact.lists.map((ids) => Object.freeze(ids.map((id) => strings[id])));
  // The checks are written out in the loop below, not called: it runs for each of ~290,000 numbers, and a
  // call per number cost more than the check.
  const noString = (id: number) => new CompactCatalogError(`no string ${id}`);
  const noList = (id: number) => new CompactCatalogError(`no list ${id}`);
  for (const ids of compact.lists) {
    for (const id of ids) if (typeof strings[id] !== 'string') throw noString(id);
  }
  // Where each service's actions start in the stream, checking every number on the way.
  const starts = new Map<string, { readonly at: number; readonly count: number }>();
  const services: string[] = [];
  let at = 0;
  for (let s = 0; s < compact.services.length; s += 2) {
    const service = compact.services[s] as string;
    const count = compact.services[s + 1] as number;
    if (typeof service !== 'string' || !Number.isInteger(count) || count < 0 || starts.has(service)) {
      throw new CompactCatalogError(`bad service entry ${s / 2}`);
    }
    services.push(service);
    starts.set(service, { at, count });
    for (let i = 0; i < count; i++) {
      if (at + 9 > stream.length) throw new CompactCatalogError(`too few numbers in ${service}`);
      const name = stream[at];
      const accessLevel = stream[at + 1];
      const description = stream[at + 2];
      if (typeof strings[name] !== 'string') throw noString(name);
      if (typeof strings[accessLevel] !== 'string') throw noString(accessLevel);
      if (description !== NO_STRING && typeof strings[description] !== 'string') throw noString(description);
      if (lists[stream[at + 3]] === undefined) throw noList(stream[at + 3]);
      if (TAG_SUPPORTS[stream[at + 5]] === undefined) throw new CompactCatalogError(`${service}: unknown tag support`);
      if (lists[stream[at + 6]] === undefined) throw noList(stream[at + 6]);
      if (lists[stream[at + 7]] === undefined) throw noList(stream[at + 7]);
      const typeCount = stream[at + 8];
      at += 9;
      if (!(typeCount >= 0) || at + 4 * typeCount > stream.length) {
        throw new CompactCatalogError(`too few numbers in ${service}`);
      }
      for (let t = 0; t < typeCount; t++, at += 4) {
        const typeName = stream[at];
        const arnTemplate = stream[at + 2];
        if (typeof strings[typeName] !== 'string') throw noString(typeName);
        if (arnTemplate !== NO_STRING && typeof strings[arnTemplate] !== 'string') throw noString(arnTemplate);
        if (lists[stream[at + 3]] === undefined) throw noList(stream[at + 3]);
      }
    }
  }
  if (at !== stream.length) throw new CompactCatalogError(`${stream.length - at} numbers left over after the actions`);

  const actionsOf = (service: string): CatalogAction[] => {
    let { at } = starts.get(service)!;
    const { count } = starts.get(service)!;
    const members: CatalogAction[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const name = strings[stream[at]];
      const accessLevel = strings[stream[at + 1]] as AccessLevel;
      const description = stream[at + 2];
      const conditionKeys = lists[stream[at + 3]];
      const flags = stream[at + 4];
      const tagSupport = TAG_SUPPORTS[stream[at + 5]];
      const classes = lists[stream[at + 6]] as readonly DestructiveClass[];
      const classReasons = lists[stream[at + 7]];
      const typeCount = stream[at + 8];
      at += 9;
      const resourceTypes: CatalogResourceType[] = new Array(typeCount);
      for (let t = 0; t < typeCount; t++, at += 4) {
        const arnTemplate = stream[at + 2];
        const typeName = strings[stream[at]];
        const required = stream[at + 1] === 1;
        const typeKeys = lists[stream[at + 3]];
        // Literals rather than spreads (several times faster), with the keys in buildCatalog()'s order.
        resourceTypes[t] =
          arnTemplate === NO_STRING
            ? { name: typeName, required, conditionKeys: typeKeys }
            : { name: typeName, required, arnTemplate: strings[arnTemplate], conditionKeys: typeKeys };
      }
      const action = `${service}:${name}`;
      const isWildcardOnly = (flags & 1) !== 0;
      const tagAware = (flags & 2) !== 0;
      members[i] =
        description === NO_STRING
          ? {
              action,
              service,
              name,
              accessLevel,
              resourceTypes,
              conditionKeys,
              isWildcardOnly,
              tagAware,
              tagSupport,
              classes,
              classReasons,
            }
          : {
              action,
              service,
              name,
              accessLevel,
              description: strings[description],
              resourceTypes,
              conditionKeys,
              isWildcardOnly,
              tagAware,
              tagSupport,
              classes,
              classReasons,
            };
    }
    return members;
  };
  return assembleCatalog(compact.dataVersion, compact.rcpServices, services, actionsOf);
}

// The file: the numbers as 32-bit integers and the strings as one UTF-8 run, so loading is one read, one
// JSON.parse of a few kB and one split, instead of parsing 3 MB of JSON (about twice the CPU).
//   "LEASHCAT", uint32 LE length of the header, header (JSON: every field but strings and actions, with
//   their sizes), zero padding to a multiple of 4, the actions as int32 LE, the strings joined by NUL.
const MAGIC = 'LEASHCAT';
const SEPARATOR = '\0';

interface CompactHeader extends Omit<CompactCatalog, 'strings' | 'actions'> {
  readonly stringCount: number;
  readonly stringBytes: number;
  readonly actionCount: number;
}

const aligned = (offset: number) => (offset + 3) & ~3;

/** The bytes of the precomputed file. */
export function serializeCompactCatalog(compact: CompactCatalog): Buffer {
  const { strings, actions, ...rest } = compact;
  if (strings.some((value) => value.includes(SEPARATOR))) {
    throw new CompactCatalogError('a catalog string holds a NUL character, the separator of the file');
  }
  const text = Buffer.from(strings.join(SEPARATOR), 'utf8');
  const header: CompactHeader = {
    ...rest,
    stringCount: strings.length,
    stringBytes: text.length,
    actionCount: actions.length,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const numbersAt = aligned(MAGIC.length + 4 + headerBytes.length);
  const file = Buffer.alloc(numbersAt + 4 * actions.length + text.length);
  file.write(MAGIC, 0, 'latin1');
  file.writeUInt32LE(headerBytes.length, MAGIC.length);
  headerBytes.copy(file, MAGIC.length + 4);
  for (let i = 0; i < actions.length; i++) file.writeInt32LE(actions[i], numbersAt + 4 * i);
  text.copy(file, numbersAt + 4 * actions.length);
  return file;
}

/** The compact form in a precomputed file's bytes; throws CompactCatalogError when they are not such a file. */
export function parseCompactCatalog(file: Buffer): CompactCatalog {
  if (file.length < MAGIC.length + 4 || file.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    throw new CompactCatalogError('not a precomputed catalog file');
  }
  const headerEnd = MAGIC.length + 4 + file.readUInt32LE(MAGIC.length);
  if (headerEnd > file.length) throw new CompactCatalogError('truncated header');
  const { stringCount, stringBytes, actionCount, ...rest } = JSON.parse(
    file.toString('utf8', MAGIC.length + 4, headerEnd),
  ) as CompactHeader;
  if (rest.format !== COMPACT_CATALOG_FORMAT) {
    throw new CompactCatalogError(`format ${String(rest.format)}, expected ${COMPACT_CATALOG_FORMAT}`);
  }
  const numbersAt = aligned(headerEnd);
  const textAt = numbersAt + 4 * actionCount;
  if (textAt + stringBytes !== file.length) {
    throw new CompactCatalogError(`${file.length} bytes, expected ${textAt + stringBytes}`);
  }
  const strings = stringCount === 0 ? [] : file.toString('utf8', textAt, textAt + stringBytes).split(SEPARATOR);
  if (strings.length !== stringCount)
    throw new CompactCatalogError(`${strings.length} strings, expected ${stringCount}`);
  return { ...rest, strings, actions: int32s(file, numbersAt, actionCount) };
}

/** `count` int32 LE from `offset`: a view of the file's memory when it can be one, else a copy. */
function int32s(file: Buffer, offset: number, count: number): Int32Array {
  if (LITTLE_ENDIAN && (file.byteOffset + offset) % 4 === 0) {
    return new Int32Array(file.buffer, file.byteOffset + offset, count);
  }
  const numbers = new Int32Array(count);
  for (let i = 0; i < count; i++) numbers[i] = file.readInt32LE(offset + 4 * i);
  return numbers;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
