// Shared bits of rule metadata and finding text.
import type { StatementRef } from '../../evaluate/types';
import type { Evidence } from '../types';

export const DOCS_BASE = 'https://github.com/agent-leash/agent-leash/blob/main/docs/rules.md';

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE}#${ruleId}`;
}

/** Statements as evidence, each once (by policy and statement index), at most `max`. */
export function uniqueEvidence(refs: Iterable<Evidence | StatementRef>, max = 8): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const ref of refs) {
    const key = `${ref.policyKind}|${ref.policy}|${ref.statementIndex ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      policy: ref.policy,
      policyKind: ref.policyKind,
      ...(ref.statementIndex !== undefined ? { statementIndex: ref.statementIndex } : {}),
      ...(ref.sid ? { sid: ref.sid } : {}),
      ...(ref.statement !== undefined ? { statement: ref.statement } : {}),
      ...(ref.note ? { note: ref.note } : {}),
    });
    if (out.length >= max) break;
  }
  return out;
}

/** `a, b, c and 12 more`. */
export function listActions(actions: readonly string[], max = 6): string {
  if (actions.length <= max) return actions.join(', ');
  return `${actions.slice(0, max).join(', ')} and ${actions.length - max} more`;
}

export { rawStatement } from '../../../policy';
