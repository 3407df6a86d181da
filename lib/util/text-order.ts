// The one order of text wherever leash sorts what it shows (findings, principals, rules, accounts,
// suggestions, guardrail coverage): the en-US collation, whatever the machine's locale. With the default
// locale, the same input gave differently ordered reports on differently configured machines: Danish sorts
// `aa` after `z`, Estonian `z` after `s`, Lithuanian `y` with `i`.

let collator: Intl.Collator['compare'] | undefined;

/**
 * Compares as `a.localeCompare(b, 'en-US')` does, from one collator made on first use: localeCompare builds
 * one per call, and building one costs about 9 ms, which a command with nothing to sort need not pay.
 */
export function compareText(a: string, b: string): number {
  return (collator ??= new Intl.Collator('en-US').compare)(a, b);
}
