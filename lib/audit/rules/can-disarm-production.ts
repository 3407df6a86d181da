// Who can switch off what protects or recovers a production resource: deletion or termination protection,
// backup retention and vaults, versioning and object locks, KMS keys, the audit trail, organization policies.
// The resource survives the call, so can-delete-production does not see it; the next delete, or time, is final.
import type { CatalogAction } from '../../catalog/types';
import type { DecisionRuns } from '../evaluate/types';
import type { RuleFinding, RuleContext, RuleMeta, Severity } from './types';
import { docsUrl, grantedEvidence, listActions } from './support/meta';
import { productionContexts, SCP_GAP_TEXT, scpGapFinder, type ScpGap } from './support/production';

/** The check: each principal alone, on a production-tagged resource. */
export const scope = 'principal' as const;

export const meta: RuleMeta = {
  id: 'can-disarm-production',
  category: 'production-destruction',
  severity: 'high',
  title: 'Can switch off the protection or recovery of production resources',
  help:
    'The principal is allowed (or allowed depending on a condition) to take a safety catch off a resource tagged ' +
    'as production without deleting it: deletion or termination protection, backup retention and vault locks, ' +
    'versioning and legal holds, KMS keys, CloudTrail and Config, organization policies (the catalog class ' +
    '"tamper", tag changes aside: can-change-production-tag reports those). Attach the production-protection ' +
    'SCPs (leash generate), which deny these on production to everyone not exempt.',
  docsUrl: docsUrl('can-disarm-production'),
};

/** Shown per finding, like can-delete-production: the first ones suffice. */
const DETAIL_LIMIT = 200;

/** Tamper actions other than tagging: tag changes have their own rule. */
export function disarmingActions(actions: readonly CatalogAction[]): CatalogAction[] {
  return actions.filter((a) => a.classes.includes('tamper') && a.accessLevel !== 'Tagging');
}

export function check(context: RuleContext): RuleFinding[] {
  const { catalog, account, analysis, snapshot, guardrails } = context;
  if (analysis.principals.length === 0) return [];
  const actions = disarmingActions(catalog.destructive);
  const requests = productionContexts(guardrails);
  const scpGap = scpGapFinder(snapshot, analysis.policies);
  const findings: RuleFinding[] = [];
  for (const principal of analysis.principals) {
    if (principal.serviceLinked) continue;
    const compiled = account.principal(principal.arn);
    if (!compiled) continue;
    const asked = analysis.restrict(principal, actions);
    if (asked.length === 0) continue;
    const gapOf = (action: CatalogAction) => scpGap(action, principal.serviceLinked);
    let runs = compiled.decisionRuns(asked, requests[0].request);
    let tally = tallyOf(runs, asked, gapOf);
    let productionTag = requests[0].tag;
    // With several production tag keys, the key the principal can do most under is the one reported.
    for (let q = 1; q < requests.length; q++) {
      const next = compiled.decisionRuns(asked, requests[q].request);
      const nextTally = tallyOf(next, asked, gapOf);
      const more =
        nextTally.allowedCount > tally.allowedCount ||
        (nextTally.allowedCount === tally.allowedCount && nextTally.dependsCount > tally.dependsCount);
      if (more) [runs, tally, productionTag] = [next, nextTally, requests[q].tag];
    }
    if (tally.allowedCount === 0 && tally.dependsCount === 0) continue;
    const exempt = analysis.isExempt(principal.arn);
    const severity: Severity = exempt ? 'info' : tally.allowedCount > 0 ? 'high' : 'medium';
    const sample = tally.allowed.concat(tally.depends.slice(0, Math.max(0, 6 - tally.allowed.length)));
    const gaps = (Object.keys(tally.gaps) as ScpGap[]).filter((gap) => tally.gaps[gap] > 0);
    findings.push({
      severity,
      message: [
        `can switch off the protection or recovery of resources tagged ${productionTag}:`,
        `${tally.allowedCount} action(s) allowed`,
        tally.dependsCount > 0 ? `and ${tally.dependsCount} depending on ${listActions([...tally.dependsOn], 4)}` : '',
        `(${listActions(sample, 6, tally.allowedCount + tally.dependsCount)}).`,
        gaps.length > 0
          ? `SCPs: ${gaps.map((gap) => `${tally.gaps[gap]} action(s): ${SCP_GAP_TEXT[gap]}`).join('; ')}.`
          : '',
        exempt ? 'The principal is exempt in the config (break-glass or pipeline).' : '',
      ]
        .filter(Boolean)
        .join(' '),
      principalArn: principal.arn,
      location: principal.location,
      evidence: grantedEvidence(runs.decisions),
      details: {
        productionTag,
        allowedCount: tally.allowedCount,
        dependsCount: tally.dependsCount,
        allowed: tally.allowed,
        depends: tally.depends,
        dependsOn: [...tally.dependsOn],
        scpGaps: Object.fromEntries(gaps.map((gap) => [gap, tally.gaps[gap]])),
        exempt,
      },
      remediation:
        'Attach the production-protection SCPs (leash generate): they deny these actions on production-tagged resources to everyone but the exempt principals; scope the identity policy to the resources the principal works on.',
    });
  }
  return findings;
}

interface Tally {
  allowedCount: number;
  dependsCount: number;
  readonly allowed: string[];
  readonly depends: string[];
  readonly dependsOn: Set<string>;
  readonly gaps: Record<ScpGap, number>;
}

/** Counts, and the first DETAIL_LIMIT actions of each kind, a run of actions sharing one decision at a time. */
function tallyOf(
  runs: DecisionRuns,
  asked: readonly CatalogAction[],
  scpGap: (action: CatalogAction) => ScpGap,
): Tally {
  const tally: Tally = {
    allowedCount: 0,
    dependsCount: 0,
    allowed: [],
    depends: [],
    dependsOn: new Set(),
    gaps: {
      'management-account': 0,
      'service-linked-role': 0,
      'scps-unknown': 0,
      'tag-condition-unsupported': 0,
      'no-scp-deny': 0,
    },
  };
  const { ends, decisions } = runs;
  for (let k = 0; k < decisions.length; k++) {
    const decision = decisions[k];
    if (decision.decision === 'denied') continue;
    const from = k === 0 ? 0 : ends[k - 1];
    const to = ends[k];
    for (const key of decision.dependsOn) tally.dependsOn.add(key);
    const names = decision.decision === 'allowed' ? tally.allowed : tally.depends;
    for (let i = from; i < to; i++) {
      if (names.length < DETAIL_LIMIT) names.push(asked[i].action);
      tally.gaps[scpGap(asked[i])]++;
    }
    if (decision.decision === 'allowed') tally.allowedCount += to - from;
    else tally.dependsCount += to - from;
  }
  return tally;
}
