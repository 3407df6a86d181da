// ARN patterns in config (exemptions, suppressions) use IAM's `*` and `?` wildcards, matched case-sensitively.
const cache = new Map<string, RegExp>();

export function wildcardMatch(pattern: string, value: string): boolean {
  let regex = cache.get(pattern);
  if (!regex) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    regex = new RegExp(`^${body}$`, 's');
    cache.set(pattern, regex);
  }
  return regex.test(value);
}
