// Fn::ForEach of the AWS::LanguageExtensions transform, written out as CloudFormation writes it out before it
// deploys: each loop `"Fn::ForEach::Name": [Identifier, Collection, {OutputKey: OutputValue}]` becomes one copy of
// its fragment per item, with `${Identifier}` and `&{Identifier}` (the item without its non-alphanumeric
// characters) replaced in keys and in Fn::Sub strings, and `{"Ref": "Identifier"}` replaced by the item.
// Loops may nest, in Resources, Conditions, Outputs and anywhere inside a resource.
//
// The gate must see the resources a loop makes to see one deleted, so a loop whose items the template alone does
// not fix (a parameter, which deployment may set; an intrinsic it cannot resolve) is refused with its JSON path
// rather than guessed: `--change-set` is CloudFormation's own answer for such a stack.
import { isIntrinsic, isRecord, ownValue } from '../audit/sources/templates-intrinsics';
import { MAX_JSON_DEPTH } from '../util/json-scan';
import { InputError } from '../util/read-input';

const LOOP_PREFIX = 'Fn::ForEach::';
/** Sections CloudFormation expands loops in; a loop anywhere else makes it refuse the template. */
const LOOP_SECTIONS = new Set(['Resources', 'Conditions', 'Outputs']);
/**
 * At most this many keys written out by loops in one template. CloudFormation's own limits (500 resources, a
 * 1 MB processed template) are far below it; nested loops of long lists must not grow without bound here.
 */
export const MAX_LOOP_OUTPUTS = 100_000;

/** Whether any key of the value (at any depth) is a loop. */
export function hasForEach(value: unknown, depth = 0): boolean {
  if (depth > MAX_JSON_DEPTH || value === null || typeof value !== 'object') return false;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (key.startsWith(LOOP_PREFIX) || hasForEach(item, depth + 1)) return true;
  }
  return false;
}

/** Loop identifiers in force and their items (a Map: a name such as `constructor` must not find anything). */
type Scope = ReadonlyMap<string, string>;

interface Expansion {
  readonly file: string;
  readonly template: Readonly<Record<string, unknown>>;
  outputs: number;
}

/** The template with every Fn::ForEach written out; the template itself when it has none. */
export function expandForEach(template: Record<string, unknown>, file: string): Record<string, unknown> {
  if (!hasForEach(template)) return template;
  for (const [section, value] of Object.entries(template)) {
    if (!LOOP_SECTIONS.has(section) && hasForEach(value)) {
      throw new InputError(
        `${file}: ${section}: Fn::ForEach is allowed only in Resources, Conditions and Outputs; CloudFormation refuses this template`,
      );
    }
  }
  const transforms = Array.isArray(template.Transform) ? template.Transform : [template.Transform];
  if (!transforms.includes('AWS::LanguageExtensions')) {
    throw new InputError(
      `${file}: Fn::ForEach needs "Transform": "AWS::LanguageExtensions"; CloudFormation refuses this template without it`,
    );
  }
  const run: Expansion = { file, template, outputs: 0 };
  const out: Record<string, unknown> = { ...template };
  for (const section of LOOP_SECTIONS) {
    if (template[section] !== undefined) out[section] = expandValue(run, template[section], new Map(), section, 1);
  }
  return out;
}

function fail(run: Expansion, path: string, message: string): InputError {
  return new InputError(`${run.file}: ${path}: ${message}`);
}

function expandValue(run: Expansion, value: unknown, scope: Scope, path: string, depth: number): unknown {
  if (depth > MAX_JSON_DEPTH) throw fail(run, path, `nested more than ${MAX_JSON_DEPTH} levels deep`);
  if (Array.isArray(value)) return value.map((item, i) => expandValue(run, item, scope, `${path}[${i}]`, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const ref = refName(record);
  if (ref !== undefined && scope.has(ref)) return scope.get(ref);
  if (keys.length === 1 && keys[0] === 'Fn::Sub') return expandSub(run, record['Fn::Sub'], scope, path, depth);
  const out: Record<string, unknown> = {};
  const put = (key: string, item: unknown, at: string) => {
    if (Object.prototype.hasOwnProperty.call(out, key)) {
      throw fail(run, at, `writes the key ${JSON.stringify(key)} a second time; CloudFormation refuses this template`);
    }
    out[key] = item;
  };
  for (const [key, item] of Object.entries(record)) {
    const at = `${path}.${key}`;
    if (key.startsWith(LOOP_PREFIX)) {
      for (const [outKey, outValue] of expandLoop(run, item, scope, at, depth)) put(outKey, outValue, at);
    } else {
      put(substitute(key, scope), expandValue(run, item, scope, at, depth + 1), at);
    }
  }
  return out;
}

/** One loop's output: each key and value of its fragment, once per item of its collection. */
function expandLoop(run: Expansion, loop: unknown, scope: Scope, path: string, depth: number): [string, unknown][] {
  if (!Array.isArray(loop) || loop.length !== 3) {
    throw fail(run, path, 'expected [Identifier, Collection, {OutputKey: OutputValue}]');
  }
  const [identifier, collection, fragment] = loop as [unknown, unknown, unknown];
  if (typeof identifier !== 'string' || !/^[A-Za-z0-9]+$/.test(identifier)) {
    throw fail(run, `${path}[0]`, 'expected the loop identifier, an alphanumeric name');
  }
  if (!isRecord(fragment)) {
    throw fail(run, `${path}[2]`, 'expected an object of OutputKey: OutputValue');
  }
  const out: [string, unknown][] = [];
  for (const item of collectionItems(run, collection, scope, `${path}[1]`)) {
    const inner = new Map(scope).set(identifier, item);
    const written = expandValue(run, fragment, inner, `${path}[2]`, depth + 1) as Record<string, unknown>;
    for (const entry of Object.entries(written)) {
      if (++run.outputs > MAX_LOOP_OUTPUTS) {
        throw fail(run, path, `Fn::ForEach loops write more than ${MAX_LOOP_OUTPUTS} keys`);
      }
      out.push(entry);
    }
  }
  return out;
}

/** The items a loop runs over, when the template alone fixes them. */
function collectionItems(run: Expansion, collection: unknown, scope: Scope, path: string): string[] {
  const unknown = (why: string) =>
    fail(
      run,
      path,
      `the loop's items ${why}, so the resources it makes are not known before deployment; judge this stack with --change-set instead`,
    );
  if (Array.isArray(collection)) {
    return collection.map((item, i) => {
      if (typeof item === 'string') return item;
      if (typeof item === 'number' || typeof item === 'boolean') return String(item);
      const ref = refName(item);
      const known = ref === undefined ? undefined : scope.get(ref);
      if (known !== undefined) return known;
      if (ref !== undefined && isParameter(run, ref))
        throw unknown(`read parameter ${ref} at [${i}], which deployment may set`);
      throw fail(run, `${path}[${i}]`, 'expected a string (or a Ref to an enclosing loop identifier)');
    });
  }
  const ref = refName(collection);
  if (ref !== undefined) {
    if (isParameter(run, ref)) throw unknown(`are parameter ${ref}, which deployment may set`);
    throw fail(run, path, `Ref ${ref}: expected a CommaDelimitedList parameter or a list`);
  }
  if (isIntrinsic(collection) && collection['Fn::FindInMap'] !== undefined) {
    const findInMap = collection['Fn::FindInMap'];
    const list = mappingList(run, findInMap, scope);
    if (list) return list;
    throw unknown('come from an Fn::FindInMap this template does not resolve to a list of strings');
  }
  throw fail(run, path, 'expected a list, a Ref to a CommaDelimitedList parameter, or Fn::FindInMap');
}

/** The name a plain `{"Ref": name}` reads. */
function refName(value: unknown): string | undefined {
  return isIntrinsic(value) && typeof value.Ref === 'string' ? value.Ref : undefined;
}

function isParameter(run: Expansion, name: string): boolean {
  return isRecord(run.template.Parameters) && Object.hasOwn(run.template.Parameters, name);
}

/** A mapping's list of strings, when the map, key and second key are literals or loop identifiers. */
function mappingList(run: Expansion, args: unknown, scope: Scope): string[] | undefined {
  if (!Array.isArray(args) || args.length < 3) return undefined;
  const names = args.slice(0, 3).map((arg: unknown) => {
    if (typeof arg === 'string') return arg;
    const ref = refName(arg);
    return ref === undefined ? undefined : scope.get(ref);
  });
  if (names.some((name) => name === undefined)) return undefined;
  const [map, first, second] = names as string[];
  const value = [map, first, second].reduce<unknown>(
    (at, key) => ownValue(at, key),
    ownValue(run.template, 'Mappings'),
  );
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return undefined;
  return value as string[];
}

/**
 * Fn::Sub with the loop identifiers written in; a string left with no `${` at all is that string (what
 * Fn::Sub of it gives), so names built from an identifier read as plain names.
 */
function expandSub(run: Expansion, sub: unknown, scope: Scope, path: string, depth: number): unknown {
  const at = `${path}.Fn::Sub`;
  if (typeof sub === 'string') {
    const text = substitute(sub, scope);
    return text.includes('${') ? { 'Fn::Sub': text } : text;
  }
  if (Array.isArray(sub) && sub.length === 2 && typeof sub[0] === 'string') {
    return { 'Fn::Sub': [substitute(sub[0], scope), expandValue(run, sub[1], scope, `${at}[1]`, depth + 1)] };
  }
  return { 'Fn::Sub': expandValue(run, sub, scope, at, depth + 1) };
}

/** `${Identifier}` as the item, `&{Identifier}` as the item without its non-alphanumeric characters. */
function substitute(text: string, scope: Scope): string {
  if (!text.includes('{')) return text;
  return text.replace(/([$&])\{([A-Za-z0-9]+)\}/g, (whole, sign: string, name: string) => {
    const item = scope.get(name);
    if (item === undefined) return whole;
    return sign === '$' ? item : item.replace(/[^A-Za-z0-9]/g, '');
  });
}
