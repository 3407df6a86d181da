// Reading leash.config.json for every front door (the CLI's commands and bin/app.ts at `cdk synth`): the
// file must be JSON with each key given once, and every level of it must be known to the schema. Each
// problem names the file and the JSON path, with the nearest known key for a misspelt one.
import { parseJsonTextUnique, readTextFile } from '../util/read-input';
import { defaultConfig } from './defaults';
import { parseConfig } from './parse';
import type { LeashConfig } from './schema';

export { parseConfig };

/** Read and validate a config file; without a file, the documented defaults. */
export function loadConfigFile(file: string | undefined): LeashConfig {
  if (!file) return defaultConfig();
  const text = readTextFile(file);
  // A second "suppressions" would silently replace the first.
  return parseConfig(parseJsonTextUnique(text, file), file);
}
