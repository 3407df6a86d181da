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
  let byFirst = outer.get(first);
  if (!byFirst) {
    byFirst = inner();
    outer.set(first, byFirst);
  }
  let value = byFirst.get(second);
  if (value === undefined) {
    value = make();
    byFirst.set(second, value);
  }
  return value;
}
