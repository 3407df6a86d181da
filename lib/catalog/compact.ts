// The catalog in a compact, precomputable form: every distinct string once, every distinct string list once,
// and the actions as one flat array of numbers. `npm run build` writes it next to the compiled catalog so a
// process loads the catalog in tens of milliseconds instead of reading 15 MB of reference data and
// classifying 22,000 actions. Pure: encoding and decoding, and the bytes of the file; precomputed.ts reads
// and writes it.
import { assembleCatalog } from './build';
import type { AccessLevel, Catalog, CatalogAction, CatalogResourceType, DestructiveClass, TagSupport } from './types';

/** Bumped whenever the layout below or the file's bytes change; a file of another format is never decoded. */
export const COMPACT_CATALOG_FORMAT = 3;

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
   * Every action in catalog order, ACTION_NUMBERS each: name, access level, description (-1: none), condition
   * keys (list), flags (1 wildcard-only, 2 tag-aware), tag support, classes (list), class reasons (list), and
   * its resource types (the number of a list in `typeLists`).
   */
  readonly actions: ArrayLike<number>;
  /**
   * Every distinct resource type, TYPE_NUMBERS each: name, flags (1 required), ARN template (-1: none),
   * condition keys (list). 21,931 resource types of actions are 4,321 distinct ones.
   */
  readonly resourceTypes: ArrayLike<number>;
  /** Every distinct list of resource types, one after another: its length, then the number of each type. */
  readonly typeLists: ArrayLike<number>;
}

const ACTION_NUMBERS = 9;
const TYPE_NUMBERS = 4;

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
  readonly resourceTypes: number[] = [];
  readonly typeLists: number[] = [];
  private readonly stringIds = new Map<string, number>();
  private readonly listIds = new Map<string, number>();
  private readonly typeIds = new Map<string, number>();
  private readonly typeListIds = new Map<string, number>();
  private typeListCount = 0;

  string(value: string): number {
    return numberOf(this.stringIds, value, () => this.strings.push(value) - 1);
  }

  list(values: readonly string[]): number {
    const ids = values.map((value) => this.string(value));
    return numberOf(this.listIds, ids.join(','), () => this.lists.push(ids) - 1);
  }

  resourceType(type: CatalogResourceType): number {
    const numbers = [
      this.string(type.name),
      type.required ? 1 : 0,
      type.arnTemplate === undefined ? NO_STRING : this.string(type.arnTemplate),
      this.list(type.conditionKeys),
    ];
    return numberOf(this.typeIds, numbers.join(','), () => {
      this.resourceTypes.push(...numbers);
      return this.resourceTypes.length / TYPE_NUMBERS - 1;
    });
  }

  typeList(types: readonly CatalogResourceType[]): number {
    const ids = types.map((type) => this.resourceType(type));
    return numberOf(this.typeListIds, ids.join(','), () => {
      this.typeLists.push(ids.length, ...ids);
      return this.typeListCount++;
    });
  }
}

/** The number `key` has in `numbers`; the first time, `add()` stores it and gives its number. */
function numberOf(numbers: Map<string, number>, key: string, add: () => number): number {
  let number = numbers.get(key);
  if (number === undefined) {
    number = add();
    numbers.set(key, number);
  }
  return number;
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
        interner.typeList(action.resourceTypes),
      );
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
    resourceTypes: interner.resourceTypes,
    typeLists: interner.typeLists,
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
  const { strings, actions: stream, resourceTypes: types, typeLists } = compact;
  // Lists are shared by every action that has the same one: frozen, so no reader can change another's.
  const lists = compact.lists.map((ids) => Object.freeze(ids.map((id) => strings[id])));
  // The checks are written out in the loops below, not called: they run for each of ~240,000 numbers, and a
  // call per number cost more than the check.
  const noString = (id: number) => new CompactCatalogError(`no string ${id}`);
  const noList = (id: number) => new CompactCatalogError(`no list ${id}`);
  for (const ids of compact.lists) {
    for (const id of ids) if (typeof strings[id] !== 'string') throw noString(id);
  }
  if (types.length % TYPE_NUMBERS !== 0) throw new CompactCatalogError('resource types: numbers left over');
  const typeCount = types.length / TYPE_NUMBERS;
  for (let at = 0; at < types.length; at += TYPE_NUMBERS) {
    const typeName = types[at];
    const arnTemplate = types[at + 2];
    if (typeof strings[typeName] !== 'string') throw noString(typeName);
    if (arnTemplate !== NO_STRING && typeof strings[arnTemplate] !== 'string') throw noString(arnTemplate);
    if (lists[types[at + 3]] === undefined) throw noList(types[at + 3]);
  }
  // Where each list of resource types starts, checking every number on the way.
  const typeListStarts: number[] = [];
  for (let at = 0; at < typeLists.length;) {
    const count = typeLists[at];
    if (!(count >= 0) || at + 1 + count > typeLists.length) {
      throw new CompactCatalogError('resource type lists: too few numbers');
    }
    typeListStarts.push(at);
    for (let t = 1; t <= count; t++) {
      const id = typeLists[at + t];
      if (!(id >= 0 && id < typeCount)) throw new CompactCatalogError(`no resource type ${id}`);
    }
    at += 1 + count;
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
    for (let i = 0; i < count; i++, at += ACTION_NUMBERS) {
      if (at + ACTION_NUMBERS > stream.length) throw new CompactCatalogError(`too few numbers in ${service}`);
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
      if (typeListStarts[stream[at + 8]] === undefined) {
        throw new CompactCatalogError(`no resource type list ${stream[at + 8]}`);
      }
    }
  }
  if (at !== stream.length) throw new CompactCatalogError(`${stream.length - at} numbers left over after the actions`);

  // Resource types and their lists are made once, when an action first needs them, and shared by every action
  // that has the same one (frozen, as the string lists are): an audit keeps all 22,000 actions for the whole
  // run, and one object per distinct type and list instead of one per action is about 2 MB less for the
  // collector to copy and mark.
  const typeObjects: (CatalogResourceType | undefined)[] = new Array(typeCount);
  const typeOf = (id: number): CatalogResourceType => {
    let type = typeObjects[id];
    if (type === undefined) {
      const at = id * TYPE_NUMBERS;
      const typeName = strings[types[at]];
      const required = types[at + 1] === 1;
      const arnTemplate = types[at + 2];
      const typeKeys = lists[types[at + 3]];
      // Literals rather than spreads (several times faster), with the keys in buildCatalog()'s order.
      type = Object.freeze(
        arnTemplate === NO_STRING
          ? { name: typeName, required, conditionKeys: typeKeys }
          : { name: typeName, required, arnTemplate: strings[arnTemplate], conditionKeys: typeKeys },
      );
      typeObjects[id] = type;
    }
    return type;
  };
  const typeListObjects: (readonly CatalogResourceType[] | undefined)[] = new Array(typeListStarts.length);
  const typeListOf = (id: number): readonly CatalogResourceType[] => {
    let list = typeListObjects[id];
    if (list === undefined) {
      const start = typeListStarts[id];
      const members: CatalogResourceType[] = [];
      for (let t = 1; t <= typeLists[start]; t++) members.push(typeOf(typeLists[start + t]));
      list = Object.freeze(members);
      typeListObjects[id] = list;
    }
    return list;
  };

  const actionsOf = (service: string): CatalogAction[] => {
    let { at } = starts.get(service)!;
    const { count } = starts.get(service)!;
    const members: CatalogAction[] = new Array(count);
    for (let i = 0; i < count; i++, at += ACTION_NUMBERS) {
      const name = strings[stream[at]];
      const accessLevel = strings[stream[at + 1]] as AccessLevel;
      const description = stream[at + 2];
      const conditionKeys = lists[stream[at + 3]];
      const flags = stream[at + 4];
      const tagSupport = TAG_SUPPORTS[stream[at + 5]];
      const classes = lists[stream[at + 6]] as readonly DestructiveClass[];
      const classReasons = lists[stream[at + 7]];
      const resourceTypes = typeListOf(stream[at + 8]);
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
//   "LEASHCAT", uint32 LE length of the header, header (JSON: every field but strings and the numbers, with
//   their sizes), zero padding to a multiple of 4, the actions, resource types and resource type lists as
//   int32 LE, the strings joined by NUL.
const MAGIC = 'LEASHCAT';
const SEPARATOR = '\0';

interface CompactHeader extends Omit<CompactCatalog, 'strings' | 'actions' | 'resourceTypes' | 'typeLists'> {
  readonly stringCount: number;
  readonly stringBytes: number;
  /** How many numbers `actions`, `resourceTypes` and `typeLists` hold. */
  readonly actionCount: number;
  readonly resourceTypeCount: number;
  readonly typeListCount: number;
}

const aligned = (offset: number) => (offset + 3) & ~3;

/** The bytes of the precomputed file. */
export function serializeCompactCatalog(compact: CompactCatalog): Buffer {
  const { strings, actions, resourceTypes, typeLists, ...rest } = compact;
  if (strings.some((value) => value.includes(SEPARATOR))) {
    throw new CompactCatalogError('a catalog string holds a NUL character, the separator of the file');
  }
  const text = Buffer.from(strings.join(SEPARATOR), 'utf8');
  const header: CompactHeader = {
    ...rest,
    stringCount: strings.length,
    stringBytes: text.length,
    actionCount: actions.length,
    resourceTypeCount: resourceTypes.length,
    typeListCount: typeLists.length,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const numbersAt = aligned(MAGIC.length + 4 + headerBytes.length);
  const numbers = [actions, resourceTypes, typeLists];
  const numberCount = actions.length + resourceTypes.length + typeLists.length;
  const file = Buffer.alloc(numbersAt + 4 * numberCount + text.length);
  file.write(MAGIC, 0, 'latin1');
  file.writeUInt32LE(headerBytes.length, MAGIC.length);
  headerBytes.copy(file, MAGIC.length + 4);
  let at = numbersAt;
  for (const run of numbers) {
    for (let i = 0; i < run.length; i++, at += 4) file.writeInt32LE(run[i], at);
  }
  text.copy(file, at);
  return file;
}

/** The compact form in a precomputed file's bytes; throws CompactCatalogError when they are not such a file. */
export function parseCompactCatalog(file: Buffer): CompactCatalog {
  if (file.length < MAGIC.length + 4 || file.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    throw new CompactCatalogError('not a precomputed catalog file');
  }
  const headerEnd = MAGIC.length + 4 + file.readUInt32LE(MAGIC.length);
  if (headerEnd > file.length) throw new CompactCatalogError('truncated header');
  const { stringCount, stringBytes, actionCount, resourceTypeCount, typeListCount, ...rest } = JSON.parse(
    file.toString('utf8', MAGIC.length + 4, headerEnd),
  ) as CompactHeader;
  if (rest.format !== COMPACT_CATALOG_FORMAT) {
    throw new CompactCatalogError(`format ${String(rest.format)}, expected ${COMPACT_CATALOG_FORMAT}`);
  }
  const counts = [actionCount, resourceTypeCount, typeListCount];
  if (!counts.every((count) => Number.isInteger(count) && count >= 0)) {
    throw new CompactCatalogError('bad number counts in the header');
  }
  const numbersAt = aligned(headerEnd);
  const typesAt = numbersAt + 4 * actionCount;
  const listsAt = typesAt + 4 * resourceTypeCount;
  const textAt = listsAt + 4 * typeListCount;
  if (textAt + stringBytes !== file.length) {
    throw new CompactCatalogError(`${file.length} bytes, expected ${textAt + stringBytes}`);
  }
  const strings = stringCount === 0 ? [] : file.toString('utf8', textAt, textAt + stringBytes).split(SEPARATOR);
  if (strings.length !== stringCount)
    throw new CompactCatalogError(`${strings.length} strings, expected ${stringCount}`);
  return {
    ...rest,
    strings,
    actions: int32s(file, numbersAt, actionCount),
    resourceTypes: int32s(file, typesAt, resourceTypeCount),
    typeLists: int32s(file, listsAt, typeListCount),
  };
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
