// A config value handed to a programmatic entry point (auditAccount, runCheck, defineLeashStacks) is checked
// like the file: a typo or a wrong type is an error naming the path, never a TypeError deep inside.
import { formatZodIssues, InputError } from '../util/read-input';
import { LeashConfig } from './schema';

export function parseConfig(value: unknown, where: string): LeashConfig {
  const parsed = LeashConfig.safeParse(value);
  if (!parsed.success) throw new InputError(formatZodIssues(where, parsed.error.issues));
  return parsed.data;
}
