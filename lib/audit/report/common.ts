// Helpers every format shares: counting, grouping and the short name of a principal.
import type { Finding, Severity } from '../rules/types';
import { SEVERITIES } from '../rules/types';
import type { ReportInput } from './types';
import { compareText } from '../../util/text-order';

export type SeverityCounts = Record<Severity, number>;

export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const finding of findings) if (!finding.suppressed) counts[finding.severity]++;
  return counts;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** `arn:aws:iam::123:role/path/name` → `role/path/name`; anything else unchanged. */
export function shortPrincipal(arn: string): string {
  const match = /^arn:[^:]+:iam::[^:]*:(.+)$/.exec(arn);
  return match ? match[1] : arn;
}

/** What a finding is about: its template location, else its principal, else its policy or account. */
export function subjectOf(finding: Finding): string {
  // Template findings are about a resource in a file; their principal ARN is only a stand-in.
  if (finding.location) {
    return finding.location.logicalId
      ? `${finding.location.file}#${finding.location.logicalId}`
      : finding.location.file;
  }
  if (finding.principalArn) return finding.principalArn;
  const policy = finding.details?.policyArn;
  if (typeof policy === 'string') return policy;
  return finding.accountId ? `account ${finding.accountId}` : '(no subject)';
}

/** Findings grouped by subject, worst group first, each group worst finding first. */
export function groupBySubject(findings: readonly Finding[]): { subject: string; findings: Finding[] }[] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const subject = subjectOf(finding);
    let group = groups.get(subject);
    if (!group) groups.set(subject, (group = []));
    group.push(finding);
  }
  // Each group's worst severity is its first finding's once sorted: computed once, not per comparison.
  return [...groups.entries()]
    .map(([subject, list]) => {
      const sorted = [...list].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
      return { subject, findings: sorted, worst: severityRank(sorted[0].severity) };
    })
    .sort((a, b) => a.worst - b.worst || compareText(a.subject, b.subject))
    .map(({ subject, findings: sorted }) => ({ subject, findings: sorted }));
}

/** Sentence for the totals line: `3 critical, 1 high (2 suppressed)`. */
export function totalsLine(input: ReportInput): string {
  const counts = countBySeverity(input.findings);
  const parts = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  const suppressed = input.findings.filter((f) => f.suppressed).length;
  const text = parts.length > 0 ? parts.join(', ') : 'no findings';
  return suppressed > 0 ? `${text} (${suppressed} suppressed)` : text;
}

export function isPartial(input: ReportInput): boolean {
  return input.notAudited.length > 0;
}
