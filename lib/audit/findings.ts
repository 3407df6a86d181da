// What the audit reports: findings, the statements they rest on, and severities. A bottom-level module: the
// evaluator (which cites statements as Evidence), the graph, the rules and the reporters all read it.
import type { SourceLocation } from './sources/snapshot';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export type FindingCategory =
  | 'production-destruction'
  | 'privilege-escalation'
  | 'over-broad'
  | 'boundary'
  | 'trust'
  | 'tag-tamper'
  | 'invalid-policy'
  | 'destructive-change';

/** The policy statement that causes a finding. */
export interface Evidence {
  /** Managed policy ARN, SCP id, `inline:<name>` / `trust` / `boundary`, or `resource:<name>` (a resource policy). */
  readonly policy: string;
  readonly policyKind:
    'inline' | 'managed' | 'boundary' | 'trust' | 'scp' | 'rcp' | 'group-inline' | 'template' | 'resource';
  readonly statementIndex?: number;
  readonly sid?: string;
  /** The statement (or the part of it) as written. */
  readonly statement?: unknown;
  /** Short human note, e.g. "allows iam:PassRole on *". */
  readonly note?: string;
}

export interface Finding {
  readonly ruleId: string;
  readonly category: FindingCategory;
  readonly severity: Severity;
  readonly title: string;
  readonly message: string;
  readonly accountId?: string;
  readonly principalArn?: string;
  readonly evidence: readonly Evidence[];
  readonly location?: SourceLocation;
  /** Rule-specific data for JSON output, e.g. the list of destructive actions. */
  readonly details?: Readonly<Record<string, unknown>>;
  readonly remediation?: string;
  readonly docsUrl?: string;
  /** Set when a config suppression matched (the finding is kept, marked, and does not fail the run). */
  readonly suppressed?: { readonly reason: string; readonly expires: string };
}

/** The fields the rule runner fills from the rule's metadata, as ESLint does: a rule never copies them. */
export type FindingMetaFields = 'ruleId' | 'category' | 'title' | 'docsUrl';

/** What a rule's check returns: a finding whose id, category, title and docs URL the runner may fill. */
export type RuleFinding = Omit<Finding, FindingMetaFields> & Partial<Pick<Finding, FindingMetaFields>>;

/** The key that makes two pieces of evidence the same statement: policy kind, policy and statement index. */
export function evidenceKey(ref: Evidence): string {
  let key = evidenceKeys.get(ref);
  if (key === undefined) {
    key = `${ref.policyKind}|${ref.policy}|${ref.statementIndex ?? ''}`;
    evidenceKeys.set(ref, key);
  }
  return key;
}

/** evidenceKey and the note: the same statement cited for another reason is another citation. */
export function citationKey(ref: Evidence): string {
  return `${evidenceKey(ref)}|${ref.note ?? ''}`;
}

/**
 * Keys and stripped copies by evidence object: the evaluator's statement references are shared objects that
 * thousands of findings cite, so each is keyed and copied once. Evidence is never changed once made.
 */
const evidenceKeys = new WeakMap<Evidence, string>();
const strippedEvidence = new WeakMap<Evidence, Evidence>();

/** The Evidence fields of `ref` alone, in their fixed order (a StatementRef carries more). */
function stripped(ref: Evidence): Evidence {
  let evidence = strippedEvidence.get(ref);
  if (!evidence) {
    evidence = {
      policy: ref.policy,
      policyKind: ref.policyKind,
      ...(ref.statementIndex !== undefined ? { statementIndex: ref.statementIndex } : {}),
      ...(ref.sid ? { sid: ref.sid } : {}),
      ...(ref.statement !== undefined ? { statement: ref.statement } : {}),
      ...(ref.note ? { note: ref.note } : {}),
    };
    strippedEvidence.set(ref, evidence);
  }
  return evidence;
}

/**
 * Statements as evidence, each once (by policy and statement index), at most `max`, stripped to the Evidence
 * fields (a StatementRef carries more). Here, at the bottom level, so rules and the access graph share it.
 */
export function uniqueEvidence(refs: Iterable<Evidence>, max = 8): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const ref of refs) {
    const key = evidenceKey(ref);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(stripped(ref));
    if (out.length >= max) break;
  }
  return out;
}

/**
 * `evidence` with each statement once (same policy, statement index and note), first citing kept: the
 * runner's last pass over every finding, for rules that join evidence gathered two ways (a principal's own
 * statements and a path's hops can be the same statement). The array itself when nothing repeats.
 */
export function withoutRepeatedEvidence(evidence: readonly Evidence[]): readonly Evidence[] {
  if (evidence.length < 2) return evidence;
  const keys = evidence.map(citationKey);
  if (new Set(keys).size === keys.length) return evidence;
  return evidence.filter((_, i) => keys.indexOf(keys[i]) === i);
}

/**
 * `refs` stripped to the Evidence fields, in order: what uniqueEvidence gives for statements already distinct
 * by key and no more than its maximum (as rules gather them), without keying them again.
 */
export function distinctEvidence(refs: readonly Evidence[]): Evidence[] {
  const out: Evidence[] = [];
  for (let i = 0; i < refs.length; i++) out.push(stripped(refs[i]));
  return out;
}
