// The statement as the user wrote it, for evidence and explanations (normalised statements lose the original form).

/** Statement `index` of a policy document as written; a single-object Statement is index 0. */
export function rawStatement(document: unknown, index: number): unknown {
  if (typeof document !== 'object' || document === null) return undefined;
  const statement = (document as { Statement?: unknown }).Statement;
  if (Array.isArray(statement)) return statement[index];
  return index === 0 ? statement : undefined;
}
