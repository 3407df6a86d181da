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
