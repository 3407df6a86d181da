// Access level is the agent invariant's signal: Read and List actions are what agents may use on production.
// These helpers say which actions are reads and prove that a set of action patterns reaches only reads
// within the services it is used for (outside them the policy's own ceiling denies everything).
import type { Catalog, CatalogAction } from './types';

/**
 * Leading verbs of read actions the invariant's patterns are built from. Access level, not the verb,
 * decides: a pattern is kept only where everything it matches is filed as Read or List.
 */
export const READ_VERBS = ['Get', 'List', 'Describe', 'BatchGet', 'Search', 'Query', 'Scan', 'Lookup', 'Select'];

export function isReadLevel(action: CatalogAction): boolean {
  return action.accessLevel === 'Read' || action.accessLevel === 'List';
}

/** Whether a read verb begins the action's name as a whole word (`Get` in `GetObject`, not `Getaway`). */
export function hasReadVerb(action: CatalogAction): boolean {
  return READ_VERBS.some((verb) => action.name.startsWith(verb) && !/[a-z]/.test(action.name.charAt(verb.length)));
}

/** `service:Prefix*` or `service:Action`, compared ignoring case as IAM does; no wildcard in the service. */
export function servicePatternMatches(pattern: string, action: CatalogAction): boolean {
  const colon = pattern.indexOf(':');
  if (colon < 0 || pattern.slice(0, colon).toLowerCase() !== action.service) return false;
  const rest = pattern.slice(colon + 1).toLowerCase();
  const name = action.name.toLowerCase();
  return rest.endsWith('*') ? name.startsWith(rest.slice(0, -1)) : name === rest;
}

export interface ReadPatternCheck {
  /** Non-read actions in scope a pattern matches, with the pattern: must be empty. */
  readonly writes: readonly { readonly pattern: string; readonly action: CatalogAction }[];
  /** Reads in scope the patterns reach, and those they do not (denied on production: the safe side). */
  readonly reached: readonly CatalogAction[];
  readonly unreached: readonly CatalogAction[];
}

/** Checks `patterns` against every action of `services`: which writes they would let through, which reads they reach. */
export function checkReadPatterns(
  catalog: Catalog,
  services: Iterable<string>,
  patterns: readonly string[],
): ReadPatternCheck {
  const scope = [...new Set([...services].map((s) => s.toLowerCase()))].flatMap((s) => catalog.serviceActions(s));
  const writes: { pattern: string; action: CatalogAction }[] = [];
  const reached: CatalogAction[] = [];
  const unreached: CatalogAction[] = [];
  for (const action of scope) {
    const pattern = patterns.find((p) => servicePatternMatches(p, action));
    if (!isReadLevel(action)) {
      if (pattern) writes.push({ pattern, action });
    } else (pattern ? reached : unreached).push(action);
  }
  return { writes, reached, unreached };
}
