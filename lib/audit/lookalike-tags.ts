// Resources and principals of the account whose tags read as the production tag but that IAM does not match
// (`environment=prodution`, `prod ` with a space, or a production key misspelt in leash.config.json). The rules
// ask IAM's question, so they do not count them as production, and neither do the guardrails: said once per
// account, naming them, so a typo is never silent.
import type { ProductionSelector } from '../guardrails/spec';
import { lookalikeProductionTags } from '../guardrails/production-lookalikes';
import { firstFew } from '../util/count-text';
import { revealed } from '../util/lookalike';
import type { AccountSnapshot } from './sources/snapshot';

const NAMED = 5;

/** The caveat naming them, or undefined when every tag of the input is either the production tag or not like it. */
export function lookalikeTagCaveat(snapshot: AccountSnapshot, production: ProductionSelector): string | undefined {
  const tagged = [
    ...snapshot.principals.map((principal) => ({ arn: principal.arn, tags: principal.tags })),
    ...(snapshot.resources ?? []),
  ];
  const found: string[] = [];
  let typos = 0;
  for (const { arn, tags } of tagged) {
    for (const tag of lookalikeProductionTags(tags, production)) {
      if (tag.kind === 'typo') typos++;
      found.push(
        `${arn} (${revealed(tag.key)}=${revealed(tag.value)}, ` +
          `${tag.kind === 'typo' ? 'a typo of' : 'reads as'} ${tag.meantKey}=${tag.meantValue})`,
      );
    }
  }
  if (found.length === 0) return undefined;
  return (
    `${found.length} tag(s) read as the production tag but IAM does not match them, so no guardrail protects ` +
    `what carries them and the findings do not count it as production: ${firstFew(found, NAMED)}. ` +
    (typos > 0
      ? 'Tag them exactly, or, if that is how the account tags production, name the key and value in ' +
        'guardrails.production of leash.config.json.'
      : 'Tag them exactly as guardrails.production names the tag.')
  );
}
