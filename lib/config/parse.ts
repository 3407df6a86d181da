// A config value handed to a programmatic entry point (auditAccount, runCheck, defineLeashStacks) is checked
// like the file: a typo or a wrong type is an error naming the path, never a TypeError deep inside.
import { formatZodIssues, InputError } from '../util/read-input';
import { defaultConfig, isDefaultConfig } from './defaults';
import type { LeashConfig } from './schema';

export function parseConfig(value: unknown, where: string): LeashConfig {
  // The default configuration (an audit without --config) is what the schema would return: not worth loading it.
  if (isDefaultConfig(value)) return defaultConfig();
  const parsed = leashConfigSchema().safeParse(value);
  if (!parsed.success) throw new InputError(formatZodIssues(where, parsed.error.issues));
  return parsed.data;
}

/** The schema, loaded for the first config that is not the default one (see defaults.ts). */
function leashConfigSchema(): (typeof import('./schema'))['LeashConfig'] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./schema') as typeof import('./schema')).LeashConfig;
}
