// What a template value reads from other resources of its template (or parameters): by `Ref`, `Fn::GetAtt`
// and the `${Id}` / `${Id.Attribute}` of `Fn::Sub`.

/** Logical ids a value reads: `Ref`, `Fn::GetAtt` and `${Id}` / `${Id.Attribute}` in `Fn::Sub`. */
export function referencedIds(value: unknown, depth = 0): string[] {
  if (depth > 40 || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item) => referencedIds(item, depth + 1));
  const ids: string[] = [];
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'Ref' && typeof item === 'string') ids.push(item);
    if (key === 'Fn::GetAtt') {
      const target = Array.isArray(item) ? item[0] : typeof item === 'string' ? item.split('.')[0] : undefined;
      if (typeof target === 'string') ids.push(target);
    }
    const text = key === 'Fn::Sub' ? (Array.isArray(item) ? item[0] : item) : undefined;
    if (typeof text === 'string') {
      for (const match of text.matchAll(/\$\{([^!}][^}]*)\}/g)) ids.push(match[1].split('.')[0]);
    }
    ids.push(...referencedIds(item, depth + 1));
  }
  return ids;
}
