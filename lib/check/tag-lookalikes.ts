// Tags that read as the production tag but are not one to IAM: `environment=prod ` with a trailing space, a
// Cyrillic letter, a zero-width space, or a typo a letter or two away (`prodution`, in the tag or the config).
// Everyone reading the template believes the resource is production; the SCPs, RCPs and stack policies key on
// the exact tag and leave it unprotected. Checked on every template, with
// or without a baseline; the change gate judges a deletion of such a resource as production (production-tag.ts).
import type { Finding, RuleMeta } from '../audit/rules/types';
import type { ProductionSelector } from '../guardrails/spec';
import type { LoadedStack } from './assembly';
import { changeHash } from './change-hash';
import { lookalikeProductionTags, resourceTags, type LookalikeTag } from './production-tag';
import { revealed } from '../util/lookalike';

export const TAG_LOOKALIKE_RULE: RuleMeta = {
  id: 'production-tag-lookalike',
  category: 'tag-tamper',
  severity: 'high',
  title: 'A tag reads as the production tag but no guardrail matches it',
  help:
    'The tag key or value differs from the production tag only by what a reader cannot see: spaces before or ' +
    'after it, an invisible character, a letter of another script drawn like a Latin one (Cyrillic о for o), ' +
    'full-width letters, a zero for an o. IAM compares tags character by character (ignoring only the case ' +
    'with the operators leash uses), so the production SCPs, RCPs and stack policies do not protect the ' +
    'resource. The same holds for a typo a letter or two away (`prodution`, `enviroment`), whether in the tag or ' +
    'in leash.config.json. Write the production tag exactly as leash.config.json names it.',
  docsUrl: 'https://github.com/agent-leash/agent-leash/blob/main/docs/ci.md#tags-that-only-look-like-production',
};

/** One finding per lookalike tag on a resource or a stack of the checked templates. */
export function tagLookalikeFindings(stacks: readonly LoadedStack[], production: ProductionSelector): Finding[] {
  const findings: Finding[] = [];
  for (const stack of stacks) {
    for (const tag of lookalikeProductionTags(stack.stackTags, production)) {
      findings.push(lookalikeFinding(stack, undefined, undefined, tag));
    }
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      if (!resource || typeof resource !== 'object' || typeof resource.Type !== 'string') continue;
      for (const tag of lookalikeProductionTags(resourceTags(resource, new Set()), production)) {
        findings.push(lookalikeFinding(stack, logicalId, resource.Type, tag));
      }
    }
  }
  return findings;
}

function lookalikeFinding(
  stack: LoadedStack,
  logicalId: string | undefined,
  resourceType: string | undefined,
  tag: LookalikeTag,
): Finding {
  const what = logicalId ? `${logicalId} (${resourceType})` : `stack ${stack.displayName}`;
  const written = `${revealed(tag.key)}=${revealed(tag.value)}`;
  const differs = [
    tag.key.toLowerCase() === tag.meantKey.toLowerCase() ? undefined : `key ${revealed(tag.key)}`,
    tag.value.toLowerCase() === tag.meantValue.toLowerCase() ? undefined : `value ${revealed(tag.value)}`,
  ].filter((part): part is string => part !== undefined);
  const hash = changeHash(stack.key, logicalId ?? '', null, { lookalikeTag: { key: tag.key, value: tag.value } });
  return {
    ruleId: TAG_LOOKALIKE_RULE.id,
    category: TAG_LOOKALIKE_RULE.category,
    severity: TAG_LOOKALIKE_RULE.severity,
    title: `Looks like production, is not: ${what}`,
    message:
      tag.kind === 'typo'
        ? `In stack ${stack.displayName}, ${what} is tagged ${written}, a letter or two from the production tag ` +
          `${tag.meantKey}=${tag.meantValue}: a typo in its ${differs.join(' and ')}, or in leash.config.json. IAM ` +
          `matches only the exact text, so no production guardrail protects it (the change gate still treats its ` +
          `deletion as production). Change ${hash}.`
        : `In stack ${stack.displayName}, ${what} is tagged ${written}, which reads as the production tag ` +
          `${tag.meantKey}=${tag.meantValue}; its ${differs.join(' and ')} is not that to IAM, so no production ` +
          `guardrail protects it (the change gate still treats its deletion as production). Change ${hash}.`,
    location: {
      file: stack.file,
      logicalId,
      cdkPath: logicalId ? stack.cdkPaths?.get(logicalId) : stack.constructPath,
      jsonPath: logicalId ? `Resources.${logicalId}` : undefined,
    },
    evidence: [{ policy: `template:${stack.key}`, policyKind: 'template', note: `tag ${written}` }],
    details: {
      stack: stack.key,
      logicalId: logicalId ?? null,
      resourceType: resourceType ?? null,
      tagKey: tag.key,
      tagValue: tag.value,
      productionTag: `${tag.meantKey}=${tag.meantValue}`,
      changeHash: hash,
    },
    remediation:
      tag.kind === 'typo'
        ? `Tag it ${tag.meantKey}=${tag.meantValue} exactly, or, if ${written} is how your resources are tagged, ` +
          'name that key and value in guardrails.production of leash.config.json (or tag it with a value that is ' +
          'not production, if it is not).'
        : `Tag it ${tag.meantKey}=${tag.meantValue} exactly (or with a value that is not production, if it is not).`,
    docsUrl: TAG_LOOKALIKE_RULE.docsUrl,
  };
}
