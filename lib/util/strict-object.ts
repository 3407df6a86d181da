// Config objects that refuse keys they do not know: a misspelt key ("tagKey" for "tagKeys") is an error that
// names the key and the nearest known ones, never a setting silently left at its default. Every object
// schema of leash.config.json is made with this, so keys added later inherit the strictness.
import { z } from 'zod';
import { didYouMean } from './edit-distance';

export function strictObject<Shape extends z.ZodRawShape>(shape: Shape): z.ZodObject<Shape, z.core.$strict> {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      return issue.keys
        .map((key) => `unknown key ${JSON.stringify(key)}${didYouMean(key, known)} (known: ${known.join(', ')})`)
        .join('\n');
    },
  });
}

/** Whether every object schema reachable from `schema` refuses unknown keys; the paths of those that do not. */
export function lenientObjectPaths(schema: z.ZodType, path = '(root)', seen = new Set<z.ZodType>()): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  const out: string[] = [];
  const visit = (inner: unknown, at: string) => {
    if (inner) out.push(...lenientObjectPaths(inner as z.ZodType, at, seen));
  };
  switch (def.type) {
    case 'object': {
      const catchall = def.catchall as { _zod: { def: { type: string } } } | undefined;
      if (catchall?._zod.def.type !== 'never') out.push(path);
      for (const [key, value] of Object.entries(def.shape as Record<string, z.ZodType>)) visit(value, `${path}.${key}`);
      break;
    }
    case 'array':
      visit(def.element, `${path}[]`);
      break;
    case 'union':
      (def.options as z.ZodType[]).forEach((option) => visit(option, path));
      break;
    case 'record':
      visit(def.valueType, `${path}.*`);
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      visit(def.innerType, path);
      break;
    case 'pipe':
      visit(def.in, path);
      visit(def.out, path);
      break;
    case 'intersection':
      visit(def.left, path);
      visit(def.right, path);
      break;
    default:
      break;
  }
  return out;
}
