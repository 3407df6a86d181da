// Counts in messages and summaries, as `toLocaleString('en-US')` writes them (`22,056`), without it: the first
// call with a locale loads ICU's number formatting (about 8 ms), and each call builds an Intl.NumberFormat,
// which in a rule run per principal cost more than the rule itself.

/** `value` grouped by thousands with commas; anything but a non-negative safe integer goes to ICU. */
export function countText(value: number): string {
  if (Number.isSafeInteger(value) && value >= 0 && !Object.is(value, -0)) {
    return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }
  return value.toLocaleString('en-US');
}

/** The first `max` items, then how many more: `a, b, c and 12 more` (all of them when there are no more). */
export function firstFew(items: readonly string[], max: number): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${countText(items.length - max)} more` : shown;
}
