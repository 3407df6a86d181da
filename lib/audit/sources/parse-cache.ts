// The policy parse cache of a snapshot. Its own module, without zod: the audit reads every snapshot's
// documents through it, and the snapshot schemas are needed only to read a snapshot file.
import { PolicyParseCache } from '../../policy';

const parseCaches = new WeakMap<object, PolicyParseCache>();

/**
 * The policy parse cache of one snapshot: everything that reads its documents (the evaluator, the rules,
 * the validator) analyses each document once. Keyed by the snapshot object (typed `object` so this module
 * needs nothing of the snapshot's schema). A snapshot's documents are never changed once loaded.
 */
export function snapshotParseCache(snapshot: object): PolicyParseCache {
  let cache = parseCaches.get(snapshot);
  if (!cache) {
    cache = new PolicyParseCache();
    parseCaches.set(snapshot, cache);
  }
  return cache;
}

/**
 * Let `derived`, a snapshot made from `original` that holds some of its documents unchanged (a principal alone,
 * a write applied), read them through the original's cache: each is then analysed once for all the snapshots
 * made from it, not once per snapshot (per principal, for the rules that ask about a principal alone).
 */
export function shareParseCache(original: object, derived: object): void {
  if (!parseCaches.has(derived)) parseCaches.set(derived, snapshotParseCache(original));
}
