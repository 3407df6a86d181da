// Who can switch off what protects or recovers a production resource: deletion or termination protection,
// backup retention and vaults, versioning and object locks, KMS keys, the audit trail, organization policies.
// The resource survives the call, so can-delete-production does not see it; the next delete, or time, is final.
import type { CatalogAction } from '../../catalog/types';
import type { Goal, RuleFinding, RuleContext, RuleMeta, Severity, TransitivePart } from './types';
import { tallyOf, worstProductionKey } from './support/production-tally';
import { docsUrl, grantedEvidence, listActions } from './support/meta';
import { unlistedValueNote } from './support/production-values';
import {
  productionArnQuestions,
  productionTagText,
  inPick,
  pickDetails,
  picksAndSends,
  requestsPerTag,
  SCP_GAP_TEXT,
  scpGapFinder,
  type ScpGap,
} from './support/production';
import {
  besideDirect,
  directGoalOf,
  pathCaveat,
  pathDetails,
  pathEvidence,
  pathSeverity,
  pathText,
  reachOwnAndOrganizationGoals,
} from './support/transitive';

import { tagFirstDeletions, tagFirstDetails, tagFirstText, withTagFirst, type TagFirst } from './support/tag-first';

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
    'SCPs (leash generate), which deny these on production to everyone not exempt. Also reported for a ' +
    'principal that can act as one that can (the shortest path).',
  docsUrl: docsUrl('can-disarm-production'),
};

/** Tamper actions other than tagging: tag changes have their own rule. */
export function disarmingActions(actions: readonly CatalogAction[]): CatalogAction[] {
  return actions.filter((a) => a.classes.includes('tamper') && a.accessLevel !== 'Tagging');
}

export function check(context: RuleContext): RuleFinding[] {
  const { catalog, account, analysis, snapshot, guardrails } = context;
  if (analysis.principals.length === 0) return [];
  const actions = disarmingActions(catalog.destructive);
  // A production resource has its production tag and not the other production keys; any other tag is unknown.
  const requestsFor = requestsPerTag({ resourceTagKeysKnown: guardrails.production.tagKeys });
  const scpGap = scpGapFinder(snapshot, analysis.policies);
  const findings: RuleFinding[] = [];
  for (const principal of analysis.principals) {
    if (principal.serviceLinked) continue;
    const compiled = account.principal(principal.arn);
    if (!compiled) continue;
    const asked = analysis.restrict(principal, actions);
    if (asked.length === 0) continue;
    const requests = requestsFor(analysis.productionTags(principal), picksAndSends(analysis, principal));
    const byTag = worstProductionKey(compiled, asked, requests, scpGap, principal.serviceLinked);
    const productionTag = byTag.tag;
    let pick = byTag.pick;
    let { runs, tally } = byTag;
    // A production resource known by ARN (the config's, or one the input defines): a grant on its ARN switches
    // its protection off for certain, where the tag question can only say it depends on the resource.
    let productionArn: string | undefined;
    for (const question of productionArnQuestions(guardrails, snapshot, actions)) {
      const onIt = analysis.restrict(principal, question.actions);
      if (onIt.length === 0) continue;
      const found = compiled.decisionRuns(onIt, question.request);
      const counted = tallyOf(found, onIt, scpGap, principal.serviceLinked);
      const more =
        counted.allowedCount > tally.allowedCount ||
        (counted.allowedCount === tally.allowedCount && counted.dependsCount > tally.dependsCount);
      if (more) {
        ({ runs, tally, productionArn } = { runs: found, tally: counted, productionArn: question.arn });
        pick = undefined;
      }
    }
    // A safety catch guarded by another tag of the resource, which the principal may write first.
    let tagFirst: TagFirst | undefined;
    if (productionArn === undefined && tally.dependsCount > 0) {
      const chosen = requests.find((r) => r.tag === byTag.tag && r.pick === byTag.pick);
      tagFirst =
        chosen &&
        tagFirstDeletions(compiled, catalog, asked, runs, chosen.request, guardrails.production.tagKeys, principal);
      if (tagFirst) tally = withTagFirst(tally, tagFirst);
    }
    if (tally.allowedCount === 0 && tally.dependsCount === 0) continue;
    const exempt = analysis.isExempt(principal.arn);
    const severity: Severity = exempt ? 'info' : tally.allowedCount > 0 ? 'high' : 'medium';
    const sample = tally.allowed.concat(tally.depends.slice(0, Math.max(0, 6 - tally.allowed.length)));
    const gaps = (Object.keys(tally.gaps) as ScpGap[]).filter((gap) => tally.gaps[gap] > 0);
    findings.push({
      severity,
      message: [
        productionArn
          ? `can switch off the protection or recovery of production resource ${productionArn}:`
          : `can switch off the protection or recovery of resources tagged ${productionTag}${inPick(pick)}:`,
        `${tally.allowedCount} action(s) allowed`,
        tally.dependsCount > 0 ? `and ${tally.dependsCount} depending on ${listActions([...tally.dependsOn], 4)}` : '',
        `(${listActions(sample, 6, tally.allowedCount + tally.dependsCount)}).`,
        tagFirst ? `${tagFirstText(tagFirst)}: a guard on that tag holds only while nobody may write it.` : '',
        gaps.length > 0
          ? `SCPs: ${gaps.map((gap) => `${tally.gaps[gap]} action(s): ${SCP_GAP_TEXT[gap]}`).join('; ')}.`
          : '',
        productionArn ? '' : unlistedValueNote(productionTag, context.guardrails),
        exempt ? 'The principal is exempt in the config (break-glass or pipeline).' : '',
      ]
        .filter(Boolean)
        .join(' '),
      principalArn: principal.arn,
      location: principal.location,
      evidence: grantedEvidence(runs.decisions),
      details: {
        ...(productionArn ? { productionArn } : { productionTag }),
        ...pickDetails(pick),
        allowedCount: tally.allowedCount,
        dependsCount: tally.dependsCount,
        allowed: tally.allowed,
        depends: tally.depends,
        dependsOn: [...tally.dependsOn],
        ...tagFirstDetails(tagFirst),
        scpGaps: Object.fromEntries(gaps.map((gap) => [gap, tally.gaps[gap]])),
        exempt,
      },
      remediation:
        'Attach the production-protection SCPs (leash generate): they deny these actions on production-tagged resources to everyone but the exempt principals; scope the identity policy to the resources the principal works on.',
    });
  }
  return findings;
}

/** Principals that cannot switch a protection off themselves but can act as one that can: the shortest path. */
function transitiveCheck(context: RuleContext, direct: ReadonlyMap<string, Goal>): RuleFinding[] {
  const { analysis, guardrails } = context;
  const { goals, reach } = reachOwnAndOrganizationGoals(context, meta.id, direct);
  const findings: RuleFinding[] = [];
  for (const principal of analysis.principals) {
    if (principal.serviceLinked || goals.get(principal.arn)?.certain) continue;
    const path = reach.path(principal.arn);
    if (!path) continue;
    const beside = besideDirect(goals, principal.arn, path);
    if (beside === undefined) continue;
    const goal = goals.get(path.to);
    const goalCertain = goal?.certain ?? false;
    const productionTag = goal?.tag ?? productionTagText(guardrails);
    const exempt = analysis.isExempt(principal.arn);
    findings.push({
      severity: exempt ? 'info' : pathSeverity(path, 'high', goalCertain),
      message: (
        `can switch off the protection or recovery of resources tagged ${productionTag} through another ` +
        `principal: ${pathText(path, context.snapshot.accountId)} → ${listActions([...(goal?.actions ?? [])], 3)}` +
        `${goalCertain ? '' : ' (depending on conditions)'}. ${pathCaveat(path)}`
      ).trimEnd(),
      principalArn: principal.arn,
      location: principal.location,
      evidence: pathEvidence(path),
      details: {
        productionTag,
        transitive: true,
        ...beside,
        path: pathDetails(path),
        reachedActions: goal?.actions ?? [],
        exempt,
      },
      remediation:
        'Cut the first hop you do not need, and put the production guardrails on the principal at the end of the path.',
    });
  }
  return findings;
}

/** Direct findings are goals: of the transitive part, and of audits over several accounts (organizationGoals). */
export const goalOf = directGoalOf;

export const transitive: TransitivePart = { goalOf, check: transitiveCheck };
