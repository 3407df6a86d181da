// Shared bits of rule metadata and finding text.
import type { StatementRef } from '../../evaluate/types';
import type { Evidence } from '../types';
import { evidenceKey, uniqueEvidence } from '../../findings';

export const DOCS_BASE = 'https://github.com/agent-leash/agent-leash/blob/main/docs/rules.md';

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE}#${ruleId}`;
}

export { uniqueEvidence };

/**
 * The statements that allowed some of `decisions`, as evidence: what uniqueEvidence gives for all their
 * `allowedBy` lists in order, without gathering every list first (a finding can cover thousands of actions).
 */
export function allowEvidence(
  decisions: readonly { readonly allowedBy: readonly StatementRef[] }[],
  max = 8,
): Evidence[] {
  // Decisions share their statement objects: skip repeats by identity before building keys.
  const visited = new Set<StatementRef>();
  const keys = new Set<string>();
  const refs: StatementRef[] = [];
  for (const decision of decisions) {
    for (const ref of decision.allowedBy) {
      if (visited.has(ref)) continue;
      visited.add(ref);
      const key = evidenceKey(ref);
      if (keys.has(key)) continue;
      keys.add(key);
      refs.push(ref);
      if (refs.length >= max) return uniqueEvidence(refs, max);
    }
  }
  return uniqueEvidence(refs, max);
}

/** `a, b, c and 12 more`. */
export function listActions(actions: readonly string[], max = 6): string {
  if (actions.length <= max) return actions.join(', ');
  return `${actions.slice(0, max).join(', ')} and ${actions.length - max} more`;
}

export { rawStatement } from '../../../policy';
