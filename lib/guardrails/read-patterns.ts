// The invariant's read patterns: the shortest per-service patterns that reach every read-verb action of the
// agent services and nothing filed as a write, proved by the catalog before they are used.
import { checkReadPatterns, hasReadVerb, isReadLevel } from '../catalog/read-patterns';
import type { Catalog, CatalogAction } from '../catalog/types';
import { compressActions } from './patterns';

export interface ReadPatterns {
  readonly patterns: readonly string[];
  /** Reads of the agent services no pattern reaches: agents may use them on non-production only. */
  readonly unreached: readonly CatalogAction[];
}

/**
 * `excluded` reads (the sensitive ones) are kept out of the patterns: they stay with the writes, usable
 * only on resources tagged non-production.
 */
export function agentReadPatterns(
  catalog: Catalog,
  services: Iterable<string>,
  excluded: (action: CatalogAction) => boolean = () => false,
): ReadPatterns {
  const list = [...services];
  const scope = list.flatMap((s) => catalog.serviceActions(s));
  const usable = (a: CatalogAction): boolean => isReadLevel(a) && !excluded(a);
  // Reads with an odd verb (sqs:ReceiveMessage, dynamodb:PartiQLSelect) would each cost a name of their own.
  const required = scope.filter((a) => usable(a) && hasReadVerb(a));
  const patterns = compressActions(required, usable, catalog).map((p) => p.pattern);
  const check = checkReadPatterns(catalog, list, patterns);
  const wrong = [...check.writes, ...check.reached.filter(excluded).map((action) => ({ pattern: '?', action }))];
  if (wrong.length > 0) {
    const { pattern, action } = wrong[0];
    throw new Error(`internal: read pattern ${pattern} matches ${action.action} (${action.accessLevel})`);
  }
  return { patterns, unreached: check.unreached.filter((a) => !excluded(a)) };
}
