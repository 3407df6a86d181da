// Tags that read as the production tag but that IAM does not match: a lookalike (`prod `, a Cyrillic о) or a typo
// (`prodution`, or a production key misspelt in the config). Whoever reads them takes the resource for
// production; the SCPs, RCPs and stack policies, which match the exact text, leave it unprotected. Used by the CI
// gate (templates) and the audit (tags a live read returns).
import type { ProductionSelector } from './spec';
import { isLookalike, isMisspelling } from '../util/lookalike';

/** A tag that reads as a production tag but is not one to IAM. */
export interface LookalikeTag {
  readonly key: string;
  readonly value: string;
  /** The production key and value it reads as. */
  readonly meantKey: string;
  readonly meantValue: string;
  /** `typo`: a letter or two differ (in the tag, or in the config that names the production tag). */
  readonly kind: 'lookalike' | 'typo';
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const readsAs = (written: string, meant: string) =>
  same(written, meant) || isLookalike(written, meant) || isMisspelling(written, meant);

/** The production tag key `key` reads as (equal ignoring case, a lookalike, or a typo of it), if any. */
export function productionKeyReadAs(key: string, production: ProductionSelector): string | undefined {
  return (
    production.tagKeys.find((wanted) => same(key, wanted) || isLookalike(key, wanted)) ??
    production.tagKeys.find((wanted) => readsAs(key, wanted))
  );
}

/**
 * The production value `value` reads as (equal ignoring case, a lookalike, or a typo of it), if any. A value the
 * config calls non-production is never taken for a typo of a production one.
 */
export function productionValueReadAs(value: string, production: ProductionSelector): string | undefined {
  const closest = production.values.find((wanted) => same(value, wanted) || isLookalike(value, wanted));
  if (closest !== undefined) return closest;
  if (production.nonProductionValues.some((other) => same(value, other))) return undefined;
  return production.values.find((wanted) => readsAs(value, wanted));
}

/**
 * The tags among `tags` that read as a production tag (productionKeyReadAs, productionValueReadAs) without being
 * one as IAM compares them: key ignoring case, value ignoring case (the guardrails use the IgnoreCase
 * operators), every other character exact.
 */
export function lookalikeProductionTags(
  tags: Readonly<Record<string, unknown>>,
  production: ProductionSelector,
): LookalikeTag[] {
  const found: LookalikeTag[] = [];
  for (const [key, value] of Object.entries(tags)) {
    if (typeof value !== 'string') continue;
    const meantKey = productionKeyReadAs(key, production);
    if (meantKey === undefined) continue;
    const meantValue = productionValueReadAs(value, production);
    if (meantValue === undefined) continue;
    if (same(key, meantKey) && same(value, meantValue)) continue;
    const typo = isMisspelling(key, meantKey) || isMisspelling(value, meantValue);
    found.push({ key, value, meantKey, meantValue, kind: typo ? 'typo' : 'lookalike' });
  }
  return found;
}
