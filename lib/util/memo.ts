// Two-key memoisation over (Weak)Maps: the value for (first, second), made once by `make` and kept while the
// first key's entry lives. Used where rules and the evaluator ask the same question of shared objects.

/** The map-like part of Map and WeakMap that memoisation needs. */
interface KeyedStore<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): unknown;
}

/**
 * `outer.get(first).get(second)`, made by `make()` on first use; the inner store comes from `inner()` (a Map
 * or a WeakMap) when `first` has none yet.
 */
export function memoize2<A, B, V>(
  outer: KeyedStore<A, KeyedStore<B, V>>,
  first: A,
  second: B,
  inner: () => KeyedStore<B, V>,
  make: () => V,
): V {
  const byFirst = innerStore(outer, first, inner);
  let value = byFirst.get(second);
  if (value === undefined) {
    value = make();
    byFirst.set(second, value);
  }
  return value;
}

/**
 * `outer.get(first)`, made by `inner()` and kept when `first` has none yet: the first half of memoize2, for hot
 * callers that look the second key up themselves rather than pass a fresh `make` closure on every question
 * (`inner` is then a function made once, such as `newMap` below).
 */
export function innerStore<A, S>(outer: KeyedStore<A, S>, first: A, inner: () => S): S {
  let store = outer.get(first);
  if (store === undefined) {
    store = inner();
    outer.set(first, store);
  }
  return store;
}

/** A new Map, as a function made once (see innerStore). */
export const newMap = <K, V>(): Map<K, V> => new Map<K, V>();

/** A new WeakMap, as a function made once (see innerStore). */
export const newWeakMap = <K extends object, V>(): WeakMap<K, V> => new WeakMap<K, V>();

/**
 * `store.get(key)`, made by `make()` on first use (a value of undefined is kept too); without a store, made every
 * time.
 */
export function memoized<K, T>(store: Map<K, unknown> | undefined, key: K, make: () => T): T {
  if (!store) return make();
  if (store.has(key)) return store.get(key) as T;
  const made = make();
  store.set(key, made);
  return made;
}

const objectIds = new WeakMap<object, number>();
let lastObjectId = 0;

/**
 * A number naming an object for as long as it lives (0 for none), to build string memo keys from objects shared
 * by what says the same (a parsed statement of documents with the same text).
 */
export function idOf(value: object | undefined): number {
  if (value === undefined) return 0;
  let id = objectIds.get(value);
  if (id === undefined) objectIds.set(value, (id = ++lastObjectId));
  return id;
}
