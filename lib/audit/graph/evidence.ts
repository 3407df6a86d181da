// Decisions folded into an edge's answer and evidence.
import type { ActionDecision, StatementRef } from '../evaluate/types';
import { uniqueEvidence, type Evidence } from '../findings';

export interface Combined {
  readonly decision: 'allowed' | 'depends';
  readonly dependsOn: readonly string[];
  readonly evidence: readonly Evidence[];
}

/** Statements as evidence, each once, at most `max` (the shared uniqueEvidence, with the graph's smaller cap). */
export function statementEvidence(refs: Iterable<StatementRef | Evidence>, max = 6): Evidence[] {
  return uniqueEvidence(refs, max);
}

/**
 * Several decisions that must all hold (none denied). `chosenResource`: the caller picks the resource (it
 * creates it, or any existing one will do), so an answer that turns only on the resource counts as allowed.
 */
export function combine(
  decisions: readonly ActionDecision[],
  chosenResource = false,
  extra: readonly Evidence[] = [],
): Combined {
  const dependsOn: string[] = [];
  for (const decision of decisions) {
    for (const key of decision.dependsOn) {
      if (chosenResource && key === 'resource') continue;
      if (!dependsOn.includes(key)) dependsOn.push(key);
    }
  }
  // The identity statements of every decision, and the Deny statements noted as not applying (a Deny is among
  // the statements that let a request through only as such a note: build.ts withRegionNotes), then `extra`,
  // in one list (no list per decision).
  const refs: (StatementRef | Evidence)[] = [];
  for (const decision of decisions) {
    for (const ref of decision.allowedBy) if (ref.layer === 'identity' || ref.effect === 'Deny') refs.push(ref);
  }
  for (const ref of extra) refs.push(ref);
  const evidence = statementEvidence(refs);
  const allowed = decisions.every((d) => d.decision === 'allowed') || dependsOn.length === 0;
  return { decision: allowed ? 'allowed' : 'depends', dependsOn, evidence };
}

export function union(a: readonly string[], b: readonly string[]): string[] {
  const out = [...a];
  for (const key of b) if (!out.includes(key)) out.push(key);
  return out;
}
