// Tags that read as the production tag but that IAM does not match: a lookalike (`prod `, a Cyrillic о) or a typo
// (`prodution`, or a production key misspelt in the config). Whoever reads them takes the resource for
// production; the SCPs, RCPs and stack policies, which match the exact text, leave it unprotected. Used by the CI
// gate (templates) and the audit (tags a live read returns).
import type { ProductionSelector } from './spec';
import { isLookalike, isMisspelling, revealed } from '../util/lookalike';

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

/** Environment tag keys and production values in common use: a configured one a letter or two from these is
 * more likely a typo than a different convention. */
const USUAL_KEYS = ['environment', 'env', 'stage', 'tier'];
const USUAL_PRODUCTION_VALUES = ['production', 'prod', 'prd', 'live'];

/** A production key or value of the config that reads as a misspelling of a usual one the config lacks. */
export interface SpellingDoubt {
  /** JSON path in the config: `guardrails.production.values[1]`. */
  readonly path: string;
  readonly written: string;
  readonly meant: string;
  /** The doubt in words, with what it costs if it is a typo. */
  readonly message: string;
}

/**
 * Production keys and values of the config that look misspelt (`enviroment`, `prodution`): the guardrails match
 * the exact text, so resources tagged with the usual spelling would have no production guard. Only a spelling
 * that is itself no usual word, of a usual word the config does not also list, is doubted. A typo among the
 * non-production values only keeps agents out of more, so those are not doubted.
 */
export function productionSpellingDoubts(production: ProductionSelector): SpellingDoubt[] {
  const doubts: SpellingDoubt[] = [];
  const check = (list: readonly string[], usual: readonly string[], field: string, cost: (meant: string) => string) => {
    list.forEach((written, index) => {
      if (usual.some((word) => same(written, word))) return;
      // A typo, or a lookalike (`prоd` with a Cyrillic о, `prod ` with a space), of a usual word not also listed.
      const meant = usual.find((word) => readsAs(written, word) && !list.some((w) => same(w, word)));
      if (meant === undefined) return;
      const path = `guardrails.production.${field}[${index}]`;
      doubts.push({
        path,
        written,
        meant,
        message:
          `${path}: ${revealed(written)} reads as a misspelling of "${meant}": ${cost(meant)}. ` +
          `Correct it, or list "${meant}" too if both are in use; if ${revealed(written)} is the spelling your tags use, ignore this.`,
      });
    });
  };
  const key = production.tagKeys[0] ?? 'environment';
  check(production.tagKeys, USUAL_KEYS, 'tagKeys', (meant) => `resources tagged ${meant}=... get no production guard`);
  check(
    production.values,
    USUAL_PRODUCTION_VALUES,
    'values',
    (meant) => `resources tagged ${key}=${meant} get no production guard`,
  );
  return doubts;
}

/**
 * A tag that reads as the agent tag (its key and value equal ignoring case, lookalikes, or typos of the agent
 * tag's) without being one as the guardrails match it (key and value ignoring case): `leash:agent=true ` with a
 * space, `leash-agent=true`. Whoever wrote it meant an agent, but no agent guardrail holds what carries it.
 */
export function agentTagLookalike(
  tags: Readonly<Record<string, unknown>>,
  agentTag: { readonly key: string; readonly value: string },
): { readonly key: string; readonly value: string } | undefined {
  const entries = Object.entries(tags).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  if (entries.some(([key, value]) => same(key, agentTag.key) && same(value, agentTag.value))) return undefined;
  const found = entries.find(([key, value]) => readsAs(key, agentTag.key) && readsAs(value, agentTag.value));
  return found && { key: found[0], value: found[1] };
}
