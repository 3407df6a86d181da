// Binds an approval to one change: a short hash of where the resource is and what it is before and after.
// Approving last month's re-keying of a table does not approve this month's deletion of the same table.
import { createHash } from 'node:crypto';

/** 16 hex digits of SHA-256 over the canonical JSON (keys sorted) of the stack, logical id, before and after. */
export function changeHash(stack: string, logicalId: string, before: unknown, after: unknown): string {
  const canonical = canonicalJson({ stack, logicalId, before: before ?? null, after: after ?? null });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
