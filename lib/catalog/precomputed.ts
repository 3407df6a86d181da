// The precomputed catalog file: written by `npm run build` (bin/precompute-catalog.ts) next to the compiled
// catalog modules, read by loadCatalog(). It is used only when its fingerprint (the data package's version
// and the text of every catalog module) matches this installation; otherwise the catalog is built afresh.
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { buildCatalog } from './build';
import {
  COMPACT_CATALOG_FORMAT,
  decodeCatalog,
  encodeCatalog,
  parseCompactCatalog,
  serializeCompactCatalog,
} from './compact';
import { dataPackageRoot, readReferenceData } from './load';
import type { Catalog } from './types';

export const PRECOMPUTED_CATALOG_FILE = 'catalog.compact.bin';

/** Where the precomputed file of this installation lives: beside the catalog modules. */
export function precomputedCatalogPath(): string {
  return join(__dirname, PRECOMPUTED_CATALOG_FILE);
}

/** The installed data package's version, without reading its data. */
export function installedDataVersion(root: string = dataPackageRoot()): string {
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown }).version;
  if (typeof version !== 'string') throw new Error(`${join(root, 'package.json')}: expected a version string`);
  return version;
}

/**
 * What a catalog is built from: the data version and the text of every module beside this one (the builder,
 * the classification rules and overrides, the codec). Any edit that could change the catalog changes it.
 * It is that text itself (about 70 kB), not a hash of it: comparing it costs less than loading node:crypto
 * into every audit, and no two different installations can ever match.
 */
export function catalogFingerprint(
  dataVersion: string,
  moduleDir: string = __dirname,
  extension: string = extname(__filename),
): string {
  const modules = readdirSync(moduleDir)
    .filter((name) => extname(name) === extension && !name.endsWith('.d.ts'))
    .sort();
  // Each text after its name and length, so no two different sets of modules read alike.
  const parts = [`format ${COMPACT_CATALOG_FORMAT}\ndata ${dataVersion}\n`];
  for (const name of modules) {
    const text = readFileSync(join(moduleDir, name), 'utf8');
    parts.push(`${name} ${text.length}\n`, text);
  }
  return parts.join('');
}

export type PrecomputedRead =
  | { readonly catalog: Catalog }
  | { readonly catalog?: undefined; /** Why the file was not used. */ readonly reason: string };

/** The precomputed catalog when its file exists and matches this installation; else why not. */
export function readPrecomputedCatalog(
  file: string = precomputedCatalogPath(),
  expectedFingerprint?: () => string,
): PrecomputedRead {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    return { reason: `${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  try {
    const compact = parseCompactCatalog(bytes);
    const expected = expectedFingerprint ? expectedFingerprint() : catalogFingerprint(installedDataVersion());
    if (compact.fingerprint !== expected) {
      return { reason: `${file}: stale (built from other data or other catalog code); run npm run build` };
    }
    return { catalog: decodeCatalog(compact) };
  } catch (err) {
    return { reason: `${file}: ${(err as Error).message}` };
  }
}

/**
 * Build the catalog afresh from the reference data and write its compact form (atomically: a reader never
 * sees half a file). Returns what was written.
 */
export function writePrecomputedCatalog(file: string = precomputedCatalogPath()): {
  readonly file: string;
  readonly actions: number;
  readonly bytes: number;
} {
  const data = readReferenceData();
  const catalog = buildCatalog(data);
  const bytes = serializeCompactCatalog(encodeCatalog(catalog, catalogFingerprint(data.version)));
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  writeFileSync(temporary, bytes);
  renameSync(temporary, file);
  return { file, actions: catalog.actions.length, bytes: bytes.length };
}
