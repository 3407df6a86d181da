// What the evaluator knows about one condition key of a request.

/** `present` with its values, known `absent`, or `unknown` (the request could carry anything or nothing). */
export type KeyValue =
  | { readonly state: 'present'; readonly values: readonly string[] }
  | { readonly state: 'absent' }
  | { readonly state: 'unknown' };

/** Looks a condition key up by its lower-cased name. */
export type KeyLookup = (lowerKey: string) => KeyValue;

export const ABSENT: KeyValue = Object.freeze({ state: 'absent' });
export const UNKNOWN: KeyValue = Object.freeze({ state: 'unknown' });

export function present(values: readonly string[]): KeyValue {
  return values.length === 0 ? ABSENT : { state: 'present', values };
}
