// Splits one service's catalog actions into classes that meet the same statements with the same answers:
// the bulk path then decides one action per class instead of every action. Two actions share a class when
// every statement either matches both or neither, and each statement whose answer varies by action sees
// the same action shape (Resource "*"-only or not, which action-dependent condition keys it carries).
import type { CatalogAction } from '../../catalog/types';
import type { CompiledStatement, MatchTable } from './compile-policy';
import { actionCarries, type ActionFacts } from './context';

/** The statements of one layer that may match the service, with their match tables over its actions. */
export interface StatementTables {
  readonly statements: readonly CompiledStatement[];
  readonly tables: readonly MatchTable[];
}

export interface ActionClasses {
  /** Class of each action, by position in the service's list. */
  readonly of: Int32Array;
  readonly count: number;
}

/** Condition keys a shape code can hold; a statement with more is answered action by action. */
const MAX_SHAPE_KEYS = 24;

/**
 * The shape of an action as a statement whose answer varies by action sees it: bit 0 for an action that
 * only supports `Resource: "*"`, one bit per action-dependent key it can carry. Equal codes mean equal
 * answers. -1 when the statement names too many such keys to code: answer that action on its own.
 */
export function shapeCode(statement: CompiledStatement, facts: ActionFacts, wildcardOnly: boolean): number {
  const keys = statement.actionDependentKeys;
  if (keys.length > MAX_SHAPE_KEYS) return -1;
  let code = wildcardOnly ? 1 : 0;
  for (let k = 0; k < keys.length; k++) if (actionCarries(facts, keys[k])) code |= 2 << k;
  return code;
}

/** Key space of one statement's split: "matched" with a shape code. */
const SPLIT_SPAN = 2 ** (MAX_SHAPE_KEYS + 2);

/** Positions set in a byte table, listed once per table (tables are shared by statements with one Action list). */
const matchedPositions = new WeakMap<Uint8Array, Int32Array>();

function positionsOf(table: Uint8Array): Int32Array {
  let positions = matchedPositions.get(table);
  if (!positions) {
    const list: number[] = [];
    for (let position = 0; position < table.length; position++) if (table[position] === 1) list.push(position);
    positions = Int32Array.from(list);
    matchedPositions.set(table, positions);
  }
  return positions;
}

/** Shape codes a statement with this many action-dependent keys can give: splits over more use a map. */
const MAX_DENSE_KEYS = 3;

/**
 * New class ids of one split by (old class, shape code), valid where `stamps` holds the split's number: typed
 * arrays reused by every split instead of a map per statement (a split runs for every statement of every plan
 * whose classes are made), and never cleared, since a stale entry carries an older number.
 */
let newIds = new Int32Array(0);
let stamps = new Int32Array(0);
let stamp = 0;

/**
 * Splits classes by one statement, touching only the actions it matches: a matched action moves to a new
 * class per (old class, key), an unmatched one stays where it was. `keyAt` gives a shape code below `width`
 * (1 for a statement that is not shape-dependent). Returns the new class count (ids are never reused, so
 * some may end up empty).
 */
function splitDense(
  of: Int32Array,
  count: number,
  matched: ArrayLike<number>,
  width: number,
  keyAt: (position: number) => number,
): number {
  const size = count * width;
  if (newIds.length < size) {
    const length = Math.max(size, 2 * newIds.length);
    newIds = new Int32Array(length);
    stamps = new Int32Array(length);
    stamp = 0;
  }
  if (stamp === 0x7fffffff) {
    stamps.fill(0);
    stamp = 0;
  }
  const current = ++stamp;
  for (let k = 0; k < matched.length; k++) {
    const position = matched[k];
    const composite = of[position] * width + keyAt(position);
    if (stamps[composite] !== current) {
      stamps[composite] = current;
      newIds[composite] = count++;
    }
    of[position] = newIds[composite];
  }
  return count;
}

/** splitDense for any shape code, or -1 for "a class of its own": by map, for statements with many keys. */
function splitSparse(
  of: Int32Array,
  count: number,
  matched: ArrayLike<number>,
  keyAt: (position: number) => number,
): number {
  const ids = new Map<number, number>();
  for (let k = 0; k < matched.length; k++) {
    const position = matched[k];
    const key = keyAt(position);
    if (key < 0) {
      of[position] = count++;
      continue;
    }
    const composite = of[position] * SPLIT_SPAN + key;
    let id = ids.get(composite);
    if (id === undefined) {
      id = count++;
      ids.set(composite, id);
    }
    of[position] = id;
  }
  return count;
}

let everyPosition = new Int32Array(0);

function allPositions(size: number): Int32Array {
  if (everyPosition.length < size) everyPosition = Int32Array.from({ length: size }, (_, i) => i);
  return everyPosition.subarray(0, size);
}

const unshaped = (): number => 0;

export function actionClasses(
  layers: readonly StatementTables[],
  actions: readonly CatalogAction[],
  factsAt: (position: number) => ActionFacts,
): ActionClasses {
  const of = new Int32Array(actions.length);
  let count = actions.length === 0 ? 0 : 1;
  const wildcardOnly = (position: number): number => (actions[position].isWildcardOnly ? 1 : 0);
  for (let l = 0; l < layers.length; l++) {
    const layer = layers[l];
    for (let k = 0; k < layer.statements.length; k++) {
      const statement = layer.statements[k];
      const table = layer.tables[k];
      if (table === 'none') continue;
      if (!statement.shapeDependent) {
        // Same answer for every action it matches: only which actions it matches can split a class.
        if (table !== 'all') count = splitDense(of, count, positionsOf(table), 1, unshaped);
        continue;
      }
      const matched = table === 'all' ? allPositions(actions.length) : positionsOf(table);
      const keys = statement.actionDependentKeys.length;
      // Without action-dependent keys the shape is only the Resource "*"-only bit: no facts to look up.
      if (keys === 0) count = splitDense(of, count, matched, 2, wildcardOnly);
      else {
        const shapeAt = (position: number): number =>
          shapeCode(statement, factsAt(position), actions[position].isWildcardOnly);
        count =
          keys <= MAX_DENSE_KEYS
            ? splitDense(of, count, matched, 2 << keys, shapeAt)
            : splitSparse(of, count, matched, shapeAt);
      }
    }
  }
  return { of, count };
}
