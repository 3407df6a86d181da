// Escalation in place: IAM writes a principal can make on itself (its own policies, the managed policies and
// groups it holds, its boundary) or on others, resolved against what exists in the snapshot. AWS managed
// policies cannot be changed, a policy attached to nothing raises no one, and a group is only worth joining
// when it grants something the principal lacks.
import type { Evidence } from '../findings';

export interface SelfEscalation {
  readonly pathId: string;
  readonly description: string;
  readonly actions: readonly string[];
  /** What the write lands on: the principal itself, a policy or group it holds, a group it joins, `a new role`. */
  readonly target: string;
  readonly decision: 'allowed' | 'depends';
  readonly dependsOn: readonly string[];
  /** A fact the snapshot lacks that the path needs (an older, broader policy version). */
  readonly needs?: string;
  /** The path has no resolution against targets (a path added without one): reported as held. */
  readonly unresolved?: boolean;
  readonly evidence: readonly Evidence[];
}

/** IAM writes on other principals' permissions: whoever acts as them gains what the write gives. */
export interface Rewrite {
  readonly pathId: string;
  readonly description: string;
  readonly actions: readonly string[];
  /** The principals (or policies, groups) whose permissions it can rewrite: the first few. */
  readonly targets: readonly string[];
  /** How many there are in all. */
  readonly count: number;
  readonly decision: 'allowed' | 'depends';
  readonly dependsOn: readonly string[];
  readonly needs?: string;
  readonly evidence: readonly Evidence[];
}

export const REWRITE_SAMPLE = 5;
