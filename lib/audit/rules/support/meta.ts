// Shared bits of rule metadata and finding text.
import type { Decision, StatementRef } from '../../evaluate/types';
import type { Evidence } from '../types';
import { distinctEvidence, evidenceKey, uniqueEvidence } from '../../findings';

export const DOCS_BASE = 'https://github.com/agent-leash/agent-leash/blob/main/docs/rules.md';

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE}#${ruleId}`;
}

export { uniqueEvidence };

/** A decision as evidence is gathered from it: the statements that allowed it. */
interface Granted {
  readonly decision?: Decision;
  readonly allowedBy: readonly StatementRef[];
}

/**
 * The statements that allowed some of `decisions`, as evidence: what uniqueEvidence gives for all their
 * `allowedBy` lists in order, without gathering every list first (a finding can cover thousands of actions).
 */
export function allowEvidence(decisions: readonly Granted[], max = 8): Evidence[] {
  const gathered = new Gathered(max);
  for (let i = 0; i < decisions.length; i++) if (!gathered.add(decisions[i].allowedBy)) break;
  return gathered.evidence();
}

/**
 * allowEvidence of the allowed decisions, then of those depending on conditions (denied ones have none),
 * without making either list: rules report a principal's thousands of decisions in that order.
 */
export function grantedEvidence(decisions: readonly Granted[], max = 8): Evidence[] {
  const gathered = new Gathered(max);
  if (gatherOf(gathered, decisions, 'allowed')) gatherOf(gathered, decisions, 'depends');
  return gathered.evidence();
}

/** Gathers from the decisions of one kind, in order; false once `gathered` is full. */
function gatherOf(gathered: Gathered, decisions: readonly Granted[], kind: Decision): boolean {
  for (let i = 0; i < decisions.length; i++) {
    if (decisions[i].decision === kind && !gathered.add(decisions[i].allowedBy)) return false;
  }
  return true;
}

/** Distinct statements, by evidence key, up to a maximum. Indexed loops: no iterators in code not yet optimised. */
class Gathered {
  // Decisions share their statement objects: skip repeats by identity before building keys.
  private readonly visited = new Set<StatementRef>();
  private readonly keys = new Set<string>();
  private readonly refs: StatementRef[] = [];

  constructor(private readonly max: number) {}

  /** Takes in one decision's statements; false once `max` are in hand. */
  add(allowedBy: readonly StatementRef[]): boolean {
    for (let k = 0; k < allowedBy.length; k++) {
      const ref = allowedBy[k];
      if (this.visited.has(ref)) continue;
      this.visited.add(ref);
      const key = evidenceKey(ref);
      if (this.keys.has(key)) continue;
      this.keys.add(key);
      this.refs.push(ref);
      if (this.refs.length >= this.max) return false;
    }
    return true;
  }

  /** What uniqueEvidence(refs, max) gives: the refs are distinct by key already, and no more than max. */
  evidence(): Evidence[] {
    return distinctEvidence(this.refs);
  }
}

/** `a, b, c and 12 more` (`total`: how many there are, when `actions` holds only the first of them). */
export function listActions(actions: readonly string[], max = 6, total = actions.length): string {
  if (total <= max) return actions.join(', ');
  return `${actions.slice(0, max).join(', ')} and ${total - max} more`;
}

export { rawStatement } from '../../../policy';

/** Why a permissions boundary did not stop what resource policies grant a principal directly. */
export function uncappedText(policyNames: readonly string[]): string {
  return (
    'a resource policy that names it by user or session ARN, or names everyone, which no permissions boundary ' +
    `caps (${policyNames.join(', ')})`
  );
}
