// `leash check` as a library: templates → snapshot → audit rules, plus the change gate against a baseline,
// with every finding pointing at a template file, logical id and construct path.
import { auditAccount, sortFindings, type AuditResult } from '../audit/audit';
import type { ReportInput } from '../audit/report';
import { severityRank } from '../audit/report/common';
import type { Finding, RuleMeta, Severity } from '../audit/rules/types';
import { readTemplates } from '../audit/sources/templates';
import type { SourceLocation } from '../audit/sources/snapshot';
import type { Catalog } from '../catalog/types';
import { LeashConfig } from '../config/schema';
import { loadCatalog } from '../catalog';
import { applyChangeSuppressions, coversChange } from './approvals';
import { loadStacks, type LoadedStack } from './assembly';
import {
  DESTRUCTIVE_CHANGE_RULE,
  NOT_VISIBLE_RULE,
  changeFindings,
  findDestructiveChanges,
  notVisibleFindings,
  type ChangeGateResult,
} from './change-gate';
import { CUSTOM_RESOURCE_RULE, customResourceFindings } from './custom-resources';
import { DATA_SETTING_RULE, dataSettingFindings } from './data-settings';
import type { ApprovalVerification } from './review-rules';
import type { CfnResource } from './template-file';

/** The rules of the change gate, in report order. */
export const CHANGE_GATE_RULES = [DESTRUCTIVE_CHANGE_RULE, DATA_SETTING_RULE, CUSTOM_RESOURCE_RULE, NOT_VISIBLE_RULE];

export const APPROVALS_NOT_VERIFIED =
  "Approvals were not verified: the names in approvedBy were taken as written, not checked against the pull request's reviews (run with --verify-approvals github).";

export interface CheckOptions {
  /** @default the documented defaults */
  readonly config?: LeashConfig;
  /** Clock for suppression expiry. @default new Date() */
  readonly now?: Date;
  /** @default the bundled catalog */
  readonly catalog?: Catalog;
  /** The pull request's reviews, when approvals are verified (`--verify-approvals github`). */
  readonly verification?: ApprovalVerification;
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
  const { snapshot, managedPolicyLocations } = readTemplates(stacks, { location });
  const audit = auditAccount(snapshot, { config, now, catalog: options.catalog });

  const principalLocations = new Map(snapshot.principals.map((principal) => [principal.arn, principal.location]));
  const auditFindings = audit.findings.map((finding) =>
    withLocation(finding, principalLocations, managedPolicyLocations),
  );

  const caveats = [...audit.caveats];
  let gate: ChangeGateResult | undefined;
  let gateFindings: Finding[] = [];
  if (baselineStacks) {
    const production = config.guardrails.production;
    gate = findDestructiveChanges(stacks, baselineStacks, production);
    const resources = new Map<string, Readonly<Record<string, CfnResource>>>();
    for (const stack of [...baselineStacks, ...stacks]) resources.set(stack.key, stack.template.Resources ?? {});
    const raw = [
      ...changeFindings(gate.changes),
      ...dataSettingFindings(gate.pairs, production),
      ...customResourceFindings(gate.pairs, production, options.catalog ?? loadCatalog(), resources),
      ...notVisibleFindings(gate.notVisible),
    ];
    gateFindings = applyChangeSuppressions(raw, config.suppressions, now, options.verification);
    if (!options.verification) caveats.push(APPROVALS_NOT_VERIFIED);
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
    rules: baselineStacks ? [...audit.rules, ...CHANGE_GATE_RULES] : audit.rules,
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
