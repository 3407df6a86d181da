// Three-valued answers: a statement applies (YES), does not (NO), or applies only for some requests (MAYBE).
// Small integers, not strings, because the bulk path combines millions of them.

export const NO = 0;
export const YES = 1;
export const MAYBE = 2;
export type Tri = typeof NO | typeof YES | typeof MAYBE;

/** Logical AND: NO wins, then MAYBE. */
export function triAnd(a: Tri, b: Tri): Tri {
  if (a === NO || b === NO) return NO;
  if (a === MAYBE || b === MAYBE) return MAYBE;
  return YES;
}

/** Logical OR: YES wins, then MAYBE. */
export function triOr(a: Tri, b: Tri): Tri {
  if (a === YES || b === YES) return YES;
  if (a === MAYBE || b === MAYBE) return MAYBE;
  return NO;
}

/** A three-valued answer and, when MAYBE, what it turns on (condition keys, or `resource`). */
export interface TriResult {
  readonly tri: Tri;
  readonly dependsOn: readonly string[];
}

export const RESULT_YES: TriResult = Object.freeze({ tri: YES, dependsOn: Object.freeze([]) as readonly string[] });
export const RESULT_NO: TriResult = Object.freeze({ tri: NO, dependsOn: Object.freeze([]) as readonly string[] });
