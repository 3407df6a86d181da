// The policy parse cache of a snapshot. Its own module, without zod: the audit reads every snapshot's
// documents through it, and the snapshot schemas are needed only to read a snapshot file.
import { PolicyParseCache } from '../../policy';
import type { AccountSnapshot } from './snapshot';

const parseCaches = new WeakMap<AccountSnapshot, PolicyParseCache>();

/**
 * The policy parse cache of one snapshot: everything that reads its documents (the evaluator, the rules,
 * the validator) analyses each document once. A snapshot's documents are never changed once loaded.
 */
export function snapshotParseCache(snapshot: AccountSnapshot): PolicyParseCache {
  let cache = parseCaches.get(snapshot);
  if (!cache) {
    cache = new PolicyParseCache();
    parseCaches.set(snapshot, cache);
  }
  return cache;
}
