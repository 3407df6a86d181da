// `leash check` as a library: templates → snapshot → audit rules, plus the change gate against a baseline,
// with every finding pointing at a template file, logical id and construct path.
import { auditAccount, sortFindings, type AuditResult } from '../audit/audit';
import type { ReportInput } from '../audit/report';
import { severityRank } from '../audit/report/common';
import type { Finding, RuleMeta, Severity } from '../audit/rules/types';
import { readTemplates, type DeployedAccount } from '../audit/sources/templates';
import { withLeashBoundary } from './leash-boundary';
import type { SnapshotProblem, SourceLocation } from '../audit/sources/snapshot';
import type { Catalog } from '../catalog/types';
import { DEFAULT_BOUNDARY_NAME, defaultConfig } from '../config/defaults';
import { parseConfig } from '../config/parse';
import type { LeashConfig, Suppression } from '../config/schema';
import { loadCatalog } from '../catalog';
import { applyChangeSuppressions, auditSuppressionsOf, coversChange } from './approvals';
import { suppressionMatches } from '../audit/audit';
import { loadStacks, type LoadedStack } from './assembly';
import {
  DESTRUCTIVE_CHANGE_RULE,
  NOT_VISIBLE_RULE,
  changeFindings,
  findDestructiveChanges,
  notVisibleFindings,
  type ChangeGateResult,
  type NotVisibleChange,
} from './change-gate';
import { CUSTOM_RESOURCE_RULE, customResourceFindings } from './custom-resources';
import { DELAYED_DELETION_RULE, delayedDeletionFindings } from './delayed-deletions';
import { TAG_LOOKALIKE_RULE, tagLookalikeFindings } from './tag-lookalikes';
import { TAGS_NOT_EVALUATED_RULE, tagsNotEvaluatedFindings } from './unevaluated-tags';
import { DATA_SETTING_RULE, dataSettingFindings, untaggedStackFindings } from './data-settings';
import { stackSetInstanceFindings } from './stackset-instances';
import { auditStackSetMember, stackSetMembers } from './stack-set-members';
import { unseenTemplateCaveats } from './unseen-templates';
import { backupCoverageFindings, productionBackupPlans, type ResourceLookup } from './backup-coverage';
import { DENY_REMOVED_RULE, denyRemovedFindings } from './resource-policy-denies';
import { NAMED_GRANT_RULE, OPEN_GRANT_RULE, openGrantFindings } from './resource-policy-grants';
import { judgeChangeSets, loadChangeSets, type ChangeSet, type ChangeSetGateResult } from './change-set';
import type { ApprovalVerification } from './review-rules';
import { InputError } from '../util/read-input';
import type { CfnResource } from './template-file';

/** The rules of the change gate, in report order. */
export const CHANGE_GATE_RULES = [
  DESTRUCTIVE_CHANGE_RULE,
  DATA_SETTING_RULE,
  CUSTOM_RESOURCE_RULE,
  DELAYED_DELETION_RULE,
  DENY_REMOVED_RULE,
  OPEN_GRANT_RULE,
  NAMED_GRANT_RULE,
  NOT_VISIBLE_RULE,
  TAG_LOOKALIKE_RULE,
  TAGS_NOT_EVALUATED_RULE,
];

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
  /** Change sets (`--change-set`): CloudFormation's own list of replacements and deletions. */
  readonly changeSets?: readonly ChangeSet[];
  /**
   * Other names the agent permissions boundary goes by (the base branch's config: a pull request cannot rename
   * it away for its own change). @default none
   */
  readonly agentBoundaryNames?: readonly string[];
  /**
   * The base branch's suppressions (`--baseline-config`): a suppression of the rules' findings that the pull
   * request adds or edits applies only with two approvers, as a destructive change's does. @default all apply
   */
  readonly baseSuppressions?: readonly Suppression[];
  /**
   * The account as deployed (`--account`): customer managed policies the templates attach without defining are
   * judged by their default version there. @default none: such a policy is an unknown grant
   */
  readonly deployed?: DeployedAccount;
}

export interface CheckResult {
  readonly stacks: readonly LoadedStack[];
  readonly audit: AuditResult;
  /** Absent when no baseline was given: the template change gate did not run. */
  readonly gate?: ChangeGateResult;
  /** Absent when no change set was given. */
  readonly changeSetGate?: ChangeSetGateResult;
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
  changeSetFiles: readonly string[] = [],
): CheckResult {
  if (inputs.length === 0 && changeSetFiles.length === 0) {
    throw new InputError('name a cdk.out directory or template files, or give --change-set');
  }
  const stacks = inputs.length > 0 ? loadStacks(inputs) : [];
  const baselineStacks = baseline && baseline.length > 0 ? loadStacks(baseline, { allowEmpty: true }) : undefined;
  const changeSets = changeSetFiles.length > 0 ? loadChangeSets(changeSetFiles) : undefined;
  return checkStacks(stacks, baselineStacks, [...inputs, ...changeSetFiles].join(', '), {
    ...options,
    changeSets: changeSets ?? options.changeSets,
  });
}

/** The pure part: already-loaded stacks in, findings out. */
export function checkStacks(
  stacks: readonly LoadedStack[],
  baselineStacks: readonly LoadedStack[] | undefined,
  location: string,
  options: CheckOptions = {},
): CheckResult {
  const config = options.config === undefined ? defaultConfig() : parseConfig(options.config, 'CheckOptions.config');
  const now = options.now ?? new Date();
  const read = readTemplates(stacks, { location, ...(options.deployed ? { deployed: options.deployed } : {}) });
  const { managedPolicyLocations } = read;
  const boundary = withLeashBoundary(read.snapshot, config.guardrails, options.catalog);
  const snapshot = boundary.snapshot;
  const judged =
    options.baseSuppressions === undefined
      ? undefined
      : auditSuppressionsOf(
          config.suppressions,
          options.baseSuppressions,
          now,
          options.verification,
          config.check.agentLogins,
        );
  const auditConfig = judged ? { ...config, suppressions: judged.kept } : config;
  const own = auditAccount(snapshot, { config: auditConfig, now, catalog: options.catalog });

  const principalLocations = new Map(snapshot.principals.map((principal) => [principal.arn, principal.location]));
  const auditFindings = own.findings.map((finding) =>
    withRefusedSuppressions(
      withLocation(finding, principalLocations, managedPolicyLocations),
      config.suppressions,
      judged?.refused ?? [],
    ),
  );

  const caveats = [...boundary.caveats, ...own.caveats];
  const deployedProblems = options.deployed?.problems ?? [];
  if (deployedProblems.length > 0) {
    caveats.push(
      `${options.deployed?.file} (--account) was read with ${deployedProblems.length} problem(s): ${deployedProblems.map((problem) => `${problem.where}: ${problem.message}`).join('; ')}.`,
    );
  }
  if (read.standInsFromDeployed.length > 0) {
    caveats.push(
      `Judged with what they hold in ${options.deployed?.file} (policies, boundary, trust, tags), besides what the ` +
        `templates give them: ${read.standInsFromDeployed.join(', ')}.`,
    );
  }
  if (read.fromDeployed.length > 0) {
    caveats.push(
      `${read.fromDeployed.length} customer managed polic${read.fromDeployed.length === 1 ? 'y' : 'ies'} the templates ` +
        `attach without defining ${read.fromDeployed.length === 1 ? 'is' : 'are'} judged by the default version in ` +
        `${options.deployed?.file} (as deployed when it was saved): ${read.fromDeployed.join(', ')}.`,
    );
  }
  // What StackSets deploy into their target accounts, each body audited as one member account.
  const sets = stackSetMembers(stacks);
  caveats.push(...sets.unread, ...unseenTemplateCaveats(stacks));
  const memberProblems: SnapshotProblem[] = [];
  for (const member of sets.members) {
    const result = auditStackSetMember(member, config, now, options.catalog);
    auditFindings.push(...result.findings);
    memberProblems.push(...result.problems);
    caveats.push(...result.caveats);
    if (result.principals > 0) {
      caveats.push(
        `StackSet ${member.logicalId} (${member.parent.file}): the ${result.principals} principal(s) of its template ` +
          'are judged as those of one target account (which accounts is decided at deployment).',
      );
    }
  }
  const audit: AuditResult =
    memberProblems.length > 0 ? { ...own, problems: [...own.problems, ...memberProblems] } : own;
  let gate: ChangeGateResult | undefined;
  let changeSetGate: ChangeSetGateResult | undefined;
  const production = config.guardrails.production;
  // The leash agent boundary by the name the config gives it, and by leash's own name for it.
  const boundaryNames = [
    ...new Set([
      config.guardrails.agents.boundaryPolicyName,
      DEFAULT_BOUNDARY_NAME,
      ...(options.agentBoundaryNames ?? []),
    ]),
  ];
  // On every template, with or without a baseline: a resource everyone reads as production that no guardrail covers.
  const raw: Finding[] = [...tagLookalikeFindings(stacks, production), ...tagsNotEvaluatedFindings(stacks, production)];
  const catalog = options.catalog ?? loadCatalog();
  if (options.changeSets && options.changeSets.length > 0) {
    changeSetGate = judgeChangeSets(options.changeSets, production, stacks);
    // A change set's resources are read against the synthesized template of the stack of the same name.
    const byName: ResourceLookup = (stack, logicalId) =>
      stacks.find((candidate) => candidate.stackName === stack.stackName)?.template.Resources?.[logicalId];
    raw.push(
      ...changeFindings(changeSetGate.changes),
      ...dataSettingFindings(changeSetGate.pairs, production, productionBackupPlans(stacks, production, byName)),
      ...backupCoverageFindings(changeSetGate.pairs, production, byName),
      ...denyRemovedFindings(changeSetGate.pairs, production, byName, boundaryNames),
      ...openGrantFindings(changeSetGate.pairs, production, byName, catalog, 'everyone', now),
      ...openGrantFindings(changeSetGate.pairs, production, byName, catalog, 'named', now),
      ...stackSetInstanceFindings(changeSetGate.pairs, production),
      ...customResourceFindings(changeSetGate.pairs, production, catalog, new Map()),
      ...delayedDeletionFindings(changeSetGate.pairs, production, catalog, new Map()),
      ...notVisibleFindings(changeSetGate.notVisible),
    );
  }
  if (baselineStacks) {
    gate = findDestructiveChanges(stacks, baselineStacks, production);
    const resources = new Map<string, Readonly<Record<string, CfnResource>>>();
    for (const stack of [...baselineStacks, ...stacks]) resources.set(stack.key, stack.template.Resources ?? {});
    const resourceOf: ResourceLookup = (stack, logicalId) =>
      baselineStacks.find((candidate) => candidate.key === stack.key)?.template.Resources?.[logicalId] ??
      stacks.find((candidate) => candidate.key === stack.key)?.template.Resources?.[logicalId];
    raw.push(
      ...changeFindings(gate.changes),
      ...dataSettingFindings(
        gate.pairs,
        production,
        productionBackupPlans([...baselineStacks, ...stacks], production, resourceOf),
      ),
      ...backupCoverageFindings(gate.pairs, production, resourceOf),
      ...denyRemovedFindings(gate.pairs, production, resourceOf, boundaryNames),
      ...openGrantFindings(gate.pairs, production, resourceOf, catalog, 'everyone', now),
      ...openGrantFindings(gate.pairs, production, resourceOf, catalog, 'named', now),
      ...untaggedStackFindings(gate.untaggedStacks),
      ...stackSetInstanceFindings(gate.pairs, production),
      ...customResourceFindings(gate.pairs, production, catalog, resources),
      ...delayedDeletionFindings(gate.pairs, production, catalog, resources),
      ...answered(notVisibleFindings(gate.notVisible), gate.notVisible, changeSetGate),
    );
    if (gate.newStacks.length > 0) {
      caveats.push(`No baseline for ${gate.newStacks.join(', ')}: treated as new stacks (nothing to delete).`);
    }
    if (gate.baselineOnly.length > 0) {
      caveats.push(
        `Baseline stacks not in the new templates (cdk deploy leaves them alone; not judged): ${gate.baselineOnly.join(', ')}.`,
      );
    }
  } else if (!changeSetGate) {
    caveats.push('No --baseline or --change-set given: the change gate (deletions and replacements) did not run.');
  }
  const gateFindings = applyChangeSuppressions(
    raw,
    config.suppressions,
    now,
    options.verification,
    config.check.agentLogins,
  );
  if (((gate || changeSetGate) && !options.verification) || (judged?.unverified ?? 0) > 0) {
    caveats.push(APPROVALS_NOT_VERIFIED);
  }
  const findings = sortFindings([...auditFindings, ...gateFindings]);
  return {
    stacks,
    audit,
    gate,
    changeSetGate,
    findings,
    rules:
      gate || changeSetGate
        ? [...audit.rules, ...CHANGE_GATE_RULES]
        : [...audit.rules, TAG_LOOKALIKE_RULE, TAGS_NOT_EVALUATED_RULE],
    caveats,
  };
}

/**
 * A template finding about values only deployment knows is answered when a change set of the same stack was
 * judged too: kept, for information, saying so.
 */
function answered(
  findings: readonly Finding[],
  items: readonly NotVisibleChange[],
  changeSets: ChangeSetGateResult | undefined,
): Finding[] {
  if (!changeSets) return [...findings];
  return findings.map((finding, index) =>
    changeSets.stackNames.has(items[index].stack.stackName) || changeSets.stackKeys.has(items[index].stack.key)
      ? { ...finding, severity: 'info', message: `${finding.message} Answered by the change set given for this stack.` }
      : finding,
  );
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

/** An unsuppressed finding that a refused suppression would have silenced says so, and why. */
function withRefusedSuppressions(
  finding: Finding,
  suppressions: readonly Suppression[],
  refused: readonly { readonly index: number; readonly problem: string }[],
): Finding {
  if (finding.suppressed || refused.length === 0) return finding;
  const reasons = refused
    .filter(({ index }) => suppressionMatches(suppressions[index], finding))
    .map(({ index, problem }) => `suppressions[${index}] does not apply: ${problem}`);
  if (reasons.length === 0) return finding;
  return {
    ...finding,
    message: `${finding.message} ${reasons.join('. ')}.`,
    details: { ...finding.details, suppressionRefused: reasons },
  };
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
