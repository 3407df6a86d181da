// Binds an approval to one change: a hash of where the resource is and what it is before and after.
// Approving last month's re-keying of a table does not approve this month's deletion of the same table.
// 128 bits: with 64, two changes of one hash (a harmless one to approve, a destructive one to ship) cost about
// 2^32 tries to prepare offline, which a laptop does in hours.
import { createHash } from 'node:crypto';

/** How many hex digits of SHA-256 a change hash keeps. */
export const CHANGE_HASH_DIGITS = 32;

/** 32 hex digits of SHA-256 over the canonical JSON (keys sorted) of the stack, logical id, before and after. */
export function changeHash(stack: string, logicalId: string, before: unknown, after: unknown): string {
  const canonical = canonicalJson({ stack, logicalId, before: before ?? null, after: after ?? null });
  return createHash('sha256').update(canonical).digest('hex').slice(0, CHANGE_HASH_DIGITS);
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
