// `leash check` as a library: templates → snapshot → audit rules, plus the change gate against a baseline,
// with every finding pointing at a template file, logical id and construct path.
import { auditAccount, sortFindings, type AuditResult } from '../audit/audit';
import type { ReportInput } from '../audit/report';
import { severityRank } from '../audit/report/common';
import type { Finding, RuleMeta, Severity } from '../audit/rules/types';
import { readTemplates } from '../audit/sources/templates';
import { withLeashBoundary } from './leash-boundary';
import type { SourceLocation } from '../audit/sources/snapshot';
import type { Catalog } from '../catalog/types';
import { LeashConfig } from '../config/schema';
import { applyChangeSuppressions, coversChange } from './approvals';
import { loadStacks, type LoadedStack } from './assembly';
import { DESTRUCTIVE_CHANGE_RULE, changeFindings, findDestructiveChanges, type ChangeGateResult } from './change-gate';

export interface CheckOptions {
  /** @default the documented defaults */
  readonly config?: LeashConfig;
  /** Clock for suppression expiry. @default new Date() */
  readonly now?: Date;
  /** @default the bundled catalog */
  readonly catalog?: Catalog;
}

export interface CheckResult {
  readonly stacks: readonly LoadedStack[];
  readonly audit: AuditResult;
  /** Absent when no baseline was given: the change gate did not run. */
  readonly gate?: ChangeGateResult;
  /** Audit findings and change-gate findings, worst first. */
  readonly findings: readonly Finding[];
  readonly rules: readonly RuleMeta[];
  readonly caveats: readonly string[];
}

/** Read the inputs (and the baseline, if any) from disk and check them. */
export function runCheck(
  inputs: readonly string[],
  baseline: readonly string[] | undefined,
  options: CheckOptions = {},
): CheckResult {
  const stacks = loadStacks(inputs);
  const baselineStacks = baseline && baseline.length > 0 ? loadStacks(baseline, { allowEmpty: true }) : undefined;
  return checkStacks(stacks, baselineStacks, inputs.join(', '), options);
}

/** The pure part: already-loaded stacks in, findings out. */
export function checkStacks(
  stacks: readonly LoadedStack[],
  baselineStacks: readonly LoadedStack[] | undefined,
  location: string,
  options: CheckOptions = {},
): CheckResult {
  const config = options.config ?? LeashConfig.parse({});
  const now = options.now ?? new Date();
  const read = readTemplates(stacks, { location });
  const { managedPolicyLocations } = read;
  const boundary = withLeashBoundary(read.snapshot, config.guardrails, options.catalog);
  const snapshot = boundary.snapshot;
  const audit = auditAccount(snapshot, { config, now, catalog: options.catalog });

  const principalLocations = new Map(snapshot.principals.map((principal) => [principal.arn, principal.location]));
  const auditFindings = audit.findings.map((finding) =>
    withLocation(finding, principalLocations, managedPolicyLocations),
  );

  const caveats = [...boundary.caveats, ...audit.caveats];
  let gate: ChangeGateResult | undefined;
  let gateFindings: Finding[] = [];
  if (baselineStacks) {
    gate = findDestructiveChanges(stacks, baselineStacks, config.guardrails.production);
    gateFindings = applyChangeSuppressions(changeFindings(gate.changes), config.suppressions, now);
    if (gate.newStacks.length > 0) {
      caveats.push(`No baseline for ${gate.newStacks.join(', ')}: treated as new stacks (nothing to delete).`);
    }
    if (gate.baselineOnly.length > 0) {
      caveats.push(
        `Baseline stacks not in the new templates (cdk deploy leaves them alone; not judged): ${gate.baselineOnly.join(', ')}.`,
      );
    }
  } else {
    caveats.push('No --baseline given: the change gate (deletions and replacements) did not run.');
  }
  const findings = sortFindings([...auditFindings, ...gateFindings]);
  return {
    stacks,
    audit,
    gate,
    findings,
    rules: baselineStacks ? [...audit.rules, DESTRUCTIVE_CHANGE_RULE] : audit.rules,
    caveats,
  };
}

/** Rules about principals point at the role, user or group in the template; policy rules at the policy. */
function withLocation(
  finding: Finding,
  principals: ReadonlyMap<string, SourceLocation | undefined>,
  policies: ReadonlyMap<string, SourceLocation>,
): Finding {
  if (finding.location) return finding;
  const policyArn = typeof finding.details?.policyArn === 'string' ? finding.details.policyArn : undefined;
  const location =
    (finding.principalArn ? principals.get(finding.principalArn) : undefined) ??
    (policyArn ? policies.get(policyArn) : undefined);
  return location ? { ...finding, location } : finding;
}

/** Whether any unsuppressed finding is at or above the threshold. */
export function failsAt(findings: readonly Finding[], threshold: Severity): boolean {
  const limit = severityRank(threshold);
  return findings.some((finding) => !finding.suppressed && severityRank(finding.severity) <= limit);
}

/** What the reporters render for a check. */
export function checkReportInput(result: CheckResult, tool: ReportInput['tool']): ReportInput {
  return {
    tool,
    rules: result.rules,
    findings: result.findings,
    accounts: [
      {
        accountId: result.audit.accountId,
        source: result.audit.source.location,
        principals: result.audit.stats.principals,
        problems: [
          ...result.audit.problems,
          ...result.audit.stats.failedRules.map((failed) => ({
            where: `rule ${failed.ruleId}`,
            message: `check failed: ${failed.message}`,
          })),
        ],
        caveats: result.caveats,
      },
    ],
    notAudited: [],
    expiredSuppressions: result.audit.expiredSuppressions.map(({ suppression, matched }) => ({
      ruleId: suppression.ruleId,
      principalArn: suppression.principalArn,
      logicalId: suppression.logicalId,
      reason: suppression.reason,
      expires: suppression.expires,
      // The audit counted its own findings; the change gate's are counted here.
      matched:
        matched +
        result.findings.filter(
          (finding) => finding.category === 'destructive-change' && coversChange(suppression, finding),
        ).length,
    })),
  };
}
