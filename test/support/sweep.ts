// How much of a long sweep a run covers. `npm test` runs a sample (every `sampled`-th item); the `prove:*`
// scripts set SWEEP_STRIDE=1 and run all of it. A stride that is not a whole number of at least 1 is a
// mistake in the script, refused rather than read as "all" or "none".
export function sweepStride(sampled: number): number {
  const given = process.env.SWEEP_STRIDE;
  if (given === undefined) return sampled;
  const stride = Number(given);
  if (!Number.isInteger(stride) || stride < 1) {
    throw new Error(`SWEEP_STRIDE must be a whole number of at least 1 (1: the whole sweep); got "${given}"`);
  }
  return stride;
}

/** Every `stride`-th item (the first included), and every item `keep` names whatever its place. */
export function strided<T>(items: readonly T[], stride: number, keep: (item: T) => boolean = () => false): T[] {
  return items.filter((item, i) => i % stride === 0 || keep(item));
}

/** "second", "third", "4th": how a test title names its stride. */
export function ordinal(n: number): string {
  return ({ 2: 'second', 3: 'third' } as Record<number, string>)[n] ?? `${n}th`;
}
