// Who can delete or recreate a production-tagged resource, itself or through other principals (the shortest
// path, hop by hop), and which guardrail fails to stop each action.
import type { CatalogAction } from '../../catalog/types';
import { withoutSourceIdentityPicks, type CallerPick } from '../evaluate/caller-picks';
import type { CompiledPrincipal, DecisionRuns, RequestContext } from '../evaluate/types';
import type { SelfEscalation } from '../graph';
import { denyingGroups, denyingInlinePolicies, denyingManagedPolicies } from '../graph/deny-policies';
import type { Principal } from '../sources/snapshot';
import type { Goal, RuleFinding, RuleContext, RuleMeta, Severity, TransitivePart } from './types';
import {
  escalatedPrincipals,
  type EscalatedPrincipal,
  escalationTargetText,
  makersPicks,
  whatTheWriteLeaves,
} from './support/escalated';
import { DETAIL_LIMIT, tallyOf, worstProductionKey, type ProductionTally } from './support/production-tally';
import { uncappedGrantNames } from '../evaluate/resource-policy-grants';
import { docsUrl, listActions, grantedEvidence, uncappedText } from './support/meta';
import { unlistedValueNote } from './support/production-values';
import { tagFirstDeletions, tagFirstDetails, tagFirstText, withTagFirst, type TagFirst } from './support/tag-first';
import {
  inputProductionDeletions,
  productionArnDeletions,
  productionDeletion,
  inPick,
  pickDetails,
  productionTagText,
  mayCarrySourceIdentity,
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

/** The check: who can delete production itself, each principal alone; `transitive` finds who can reach them. */
export const scope = 'principal' as const;

export const meta: RuleMeta = {
  id: 'can-delete-production',
  category: 'production-destruction',
  severity: 'critical',
  title: 'Can delete or recreate production resources',
  help:
    'The principal is allowed (or allowed depending on a condition) to delete, replace or restore-over a ' +
    'resource tagged as production, itself or by acting as another principal (assuming a role, passing a role ' +
    'to a service, running code as one); the shortest such path is shown hop by hop. Put a permissions boundary on it (agents: the leash agent boundary) and ' +
    'attach the production-protection SCPs; for actions without aws:ResourceTag support, protect by ARN pattern.',
  docsUrl: docsUrl('can-delete-production'),
};

// Small functions, each hot on its own: the principal loop, the tally of one principal's decisions (run
// over thousands of decisions) and the finding (run once per finding). One function holding all three is
// compiled, and after a deoptimisation compiled again, as a whole by the optimising compiler.
export function check(context: RuleContext): RuleFinding[] {
  const { catalog, account, analysis, snapshot, guardrails } = context;
  // No principal, no question: the catalog then need not make its destructive list (an empty account).
  if (analysis.principals.length === 0) return [];
  const { actions, request } = productionDeletion(catalog, guardrails);
  const requestsFor = requestsPerTag(request);
  const scpGap = scpGapFinder(snapshot, analysis.policies);
  // Whether a boundary's document is in the input, by ARN: a set made once, not a scan of the policies per finding.
  let managedArns: ReadonlySet<string> | undefined;
  const inInput = (arn: string) => (managedArns ??= new Set(snapshot.managedPolicies.map((p) => p.arn))).has(arn);
  const findings: RuleFinding[] = [];
  for (const principal of analysis.principals) {
    if (principal.serviceLinked) continue;
    const compiled = account.principal(principal.arn);
    if (!compiled) continue;
    const asked = analysis.restrict(principal, actions);
    if (asked.length === 0) continue;
    const requests = requestsFor(analysis.productionTags(principal), picksAndSends(analysis, principal));
    const byTag = worstProductionKey(compiled, asked, requests, scpGap, principal.serviceLinked);
    const worst = worstWithArns(context, principal, compiled, byTag, scpGap);
    const { runs, target } = worst;
    let { tally } = worst;
    // A guard on another tag of the resource, which the principal may write first.
    let tagFirst: TagFirst | undefined;
    if (target.tag !== undefined && tally.dependsCount > 0) {
      const chosen = requests.find((r) => r.tag === byTag.tag && r.pick === byTag.pick);
      tagFirst =
        chosen &&
        tagFirstDeletions(compiled, catalog, asked, runs, chosen.request, guardrails.production.tagKeys, principal);
      if (tagFirst) tally = withTagFirst(tally, tagFirst);
    }
    if (tally.allowedCount > 0 || tally.dependsCount > 0) {
      findings.push(findingOf(context, principal, compiled, runs, tally, inInput, target, tagFirst));
    }
  }
  return findings;
}

/**
 * Where a principal deletes: resources with a production tag, or one production ARN of the config (one of the
 * two is set; one object shape for both, so the finding code stays monomorphic).
 */
interface Target {
  readonly tag: string | undefined;
  readonly arn: string | undefined;
  /** The caller pick the tag question is made with (a region, where it calls from), where that lets more through. */
  readonly pick: CallerPick | undefined;
}

/**
 * The tag result, or the explicit production ARN (`guardrails.production.arns`) under which more deletions are
 * allowed (then more depend): a grant scoped to that ARN is an allowed deletion there, where the tag question,
 * asked of "some resource", can only say it depends on the resource.
 */
function worstWithArns(
  context: RuleContext,
  principal: Principal,
  compiled: CompiledPrincipal,
  byTag: { runs: DecisionRuns; tally: ProductionTally; tag: string; pick?: CallerPick },
  scpGap: ReturnType<typeof scpGapFinder>,
): { runs: DecisionRuns; tally: ProductionTally; target: Target } {
  let best: { runs: DecisionRuns; tally: ProductionTally; target: Target } = {
    runs: byTag.runs,
    tally: byTag.tally,
    target: { tag: byTag.tag, arn: undefined, pick: byTag.pick },
  };
  const questions = [
    ...productionArnDeletions(context.catalog, context.guardrails),
    ...inputProductionDeletions(context.catalog, context.guardrails, context.snapshot),
  ];
  for (const question of questions) {
    const asked = context.analysis.restrict(principal, question.actions);
    if (asked.length === 0) continue;
    const runs = compiled.decisionRuns(asked, question.request);
    const tally = tallyOf(runs, asked, scpGap, principal.serviceLinked);
    const more =
      tally.allowedCount > best.tally.allowedCount ||
      (tally.allowedCount === best.tally.allowedCount && tally.dependsCount > best.tally.dependsCount);
    if (more) best = { runs, tally, target: { tag: undefined, arn: question.arn, pick: undefined } };
  }
  return best;
}

function findingOf(
  context: RuleContext,
  principal: Principal,
  compiled: CompiledPrincipal,
  runs: DecisionRuns,
  tally: ProductionTally,
  inInput: (managedPolicyArn: string) => boolean,
  target: Target,
  tagFirst?: TagFirst,
): RuleFinding {
  const productionTag = target.tag;
  const { analysis, snapshot } = context;
  const { allowedCount, dependsCount, allowed, depends, gaps, tagConditionUnsupported, dependsOn } = tally;
  const exempt = analysis.isExempt(principal.arn);
  const severity: Severity = exempt ? 'info' : allowedCount > 0 ? 'critical' : 'high';
  const missing: string[] = [];
  const boundaryArn = principal.permissionsBoundaryArn;
  if (boundaryArn === undefined && principal.definedElsewhere) {
    missing.push('its permissions boundary, if any, is where it is defined, not in these templates');
  } else if (boundaryArn === undefined) missing.push('no permissions boundary');
  else if (!inInput(boundaryArn)) {
    // Not "allows": nothing is known of a boundary the input does not hold.
    missing.push(`its permissions boundary ${boundaryArn} is not in the input, so it could not be evaluated`);
  } else {
    const uncapped = uncappedGrantNames(snapshot, principal.arn);
    missing.push(uncapped.length > 0 ? uncappedText(uncapped) : 'its permissions boundary allows them');
  }
  for (const gap of Object.keys(gaps) as ScpGap[]) {
    if (gaps[gap] === 0) continue;
    const which = gap === 'tag-condition-unsupported' ? ` (${listActions(tagConditionUnsupported, 4, gaps[gap])})` : '';
    missing.push(`${gaps[gap]} action(s): ${SCP_GAP_TEXT[gap]}${which}`);
  }
  // The allowed actions, then the depending ones: the first few (as many as listActions shows) suffice.
  const sample = allowed.concat(depends.slice(0, Math.max(0, 6 - allowed.length)));
  const parts = [
    productionTag === undefined
      ? `can delete or recreate production resource ${target.arn}:`
      : `can delete or recreate resources tagged ${productionTag}${inPick(target.pick)}:`,
    `${allowedCount} action(s) allowed`,
    dependsCount > 0 ? `and ${dependsCount} depending on ${listActions([...dependsOn], 4)}` : '',
    `(${listActions(sample, 6, allowedCount + dependsCount)}).`,
    tagFirst ? `${tagFirstText(tagFirst)}: a guard on that tag holds only while nobody may write it.` : '',
    `Missing guardrails: ${missing.join('; ')}.`,
    productionTag === undefined ? '' : unlistedValueNote(productionTag, context.guardrails),
    exempt ? 'The principal is exempt in the config (break-glass or pipeline).' : '',
  ];
  return {
    severity,
    message: parts.filter(Boolean).join(' '),
    principalArn: principal.arn,
    location: principal.location,
    evidence: grantedEvidence(runs.decisions),
    details: {
      productionTag,
      productionArn: target.arn,
      ...pickDetails(target.pick),
      allowedCount,
      dependsCount,
      allowed,
      depends,
      dependsOn: [...dependsOn],
      ...tagFirstDetails(tagFirst),
      hasPermissionsBoundary: compiled.hasPermissionsBoundary,
      scpGaps: Object.fromEntries((Object.keys(gaps) as ScpGap[]).filter((g) => gaps[g] > 0).map((g) => [g, gaps[g]])),
      tagConditionUnsupported,
      exempt,
    },
    remediation: compiled.hasPermissionsBoundary
      ? 'Tighten the boundary to deny destructive actions on production, and attach the production-protection SCPs (leash generate).'
      : 'Attach the agent permissions boundary (leash generate) and the production-protection SCPs; scope the identity policy to the resources the principal works on.',
  };
}

/**
 * Principals that cannot do it themselves but can once they have raised their own permissions (an IAM write
 * that grants anything, see support/escalated.ts), or can act as one that can: the shortest path, hop by hop.
 */
function transitiveCheck(context: RuleContext, direct: ReadonlyMap<string, Goal>): RuleFinding[] {
  const { analysis, snapshot, guardrails } = context;
  const out = escalationFindings(context, direct);
  const escalated = new Map<string, Goal>();
  for (const finding of out) escalated.set(finding.principalArn!, directGoalOf(finding)!);
  // What a principal deletes itself stays its goal, beside an escalation that deletes more; the order of the
  // goals (direct first) decides between paths of the same length.
  const all = new Map(direct);
  for (const [arn, goal] of escalated) if (!all.has(arn)) all.set(arn, goal);
  const { goals, reach } = reachOwnAndOrganizationGoals(context, meta.id, all);
  for (const principal of analysis.principals) {
    if (principal.serviceLinked || goals.get(principal.arn)?.certain) continue;
    const path = reach.path(principal.arn);
    if (!path) continue;
    const beside = besideDirect(goals, principal.arn, path);
    if (beside === undefined) continue;
    const goalCertain = goals.get(path.to)?.certain ?? false;
    const exempt = analysis.isExempt(principal.arn);
    const actions = goals.get(path.to)?.actions ?? [];
    const productionTag = goals.get(path.to)?.tag ?? productionTagText(guardrails);
    out.push({
      severity: exempt ? 'info' : pathSeverity(path, 'critical', goalCertain),
      message: (
        `can delete or recreate resources tagged ${productionTag} through another principal: ` +
        `${pathText(path, snapshot.accountId)}${goals.get(path.to)?.afterEscalation ? ' → raise its own permissions' : ''} → ${listActions(actions, 3)}` +
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
        reachedActions: actions,
        exempt,
      },
      remediation:
        'Cut the first hop you do not need (the trust policy naming this principal, its sts:AssumeRole or iam:PassRole grant, or its right to run code on that compute), and put the production guardrails on the principal at the end of the path.',
    });
  }
  return out;
}

/**
 * Whether something beside its identity policies' grants holds the principal back (a boundary, SCPs or RCPs, a
 * Deny statement of its own): only then can an escalation that grants anything let it delete more than it does
 * itself in a way worth a finding of its own (escaping the SCP, the boundary or the Deny); without, what it
 * escalates to is plain administrator access, which privilege-escalation reports.
 */
function heldBack(context: RuleContext, principal: Principal): boolean {
  const compiled = context.account.principal(principal.arn);
  if (!compiled) return false;
  if (compiled.hasPermissionsBoundary || compiled.serviceControlPolicies === 'applied') return true;
  if (compiled.resourceControlPolicies === 'applied') return true;
  const { snapshot } = context;
  return (
    denyingInlinePolicies(snapshot, principal).length > 0 ||
    denyingManagedPolicies(snapshot, principal).length > 0 ||
    denyingGroups(snapshot, principal, 'any').length > 0
  );
}

const escalatedCounts = new WeakMap<CompiledPrincipal, WeakMap<RequestContext, RunCount>>();

/**
 * countRuns of an escalated principal's deletions, once per principal and request: a new role is the same
 * compiled principal for every creator whose new role would be the same (support/escalated.ts).
 */
function escalatedCount(
  compiled: CompiledPrincipal,
  actions: readonly CatalogAction[],
  request: RequestContext,
): RunCount {
  let byRequest = escalatedCounts.get(compiled);
  if (!byRequest) escalatedCounts.set(compiled, (byRequest = new WeakMap()));
  let counted = byRequest.get(request);
  if (!counted) byRequest.set(request, (counted = countRuns(compiled.decisionRuns(actions, request), actions)));
  return counted;
}

/** An escalation the graph takes for certain: allowed, needing no fact the snapshot lacks. */
function isSure(self: SelfEscalation): boolean {
  return self.decision === 'allowed' && !self.needs && !self.unresolved;
}

/** How far an escalation finding is from certain: 0 (a sure write, deletions allowed) to 3. */
function escalationSteps(self: { readonly decision: string }, allowedCount: number): number {
  return (self.decision === 'allowed' ? 0 : 2) + (allowedCount > 0 ? 0 : 1);
}

/**
 * Principals that can delete once they use an IAM-write escalation that grants anything: a finding each, whose
 * goal (directGoalOf) those that reach them get a path to. What still stops them is their boundary, the SCPs and
 * the Deny statements they hold (a new role of their own: the SCPs only). A principal in `direct` gets one only
 * where a certain escalation deletes more than it does itself (an administrator an SCP holds to IAM deletions,
 * that tags itself as the SCP exempts).
 */
function escalationFindings(context: RuleContext, direct: ReadonlyMap<string, Goal>): RuleFinding[] {
  const { analysis, snapshot, guardrails, catalog, graph } = context;
  const out: RuleFinding[] = [];
  let question: { actions: CatalogAction[]; requestsFor: ReturnType<typeof requestsPerTag> } | undefined;
  for (const principal of analysis.principals) {
    if (principal.serviceLinked || graph.selfEscalationsOf(principal.arn).length === 0) continue;
    if (!question) {
      const { actions, request } = productionDeletion(catalog, guardrails);
      question = { actions, requestsFor: requestsPerTag(request) };
    }
    const { actions } = question;
    const itself = direct.get(principal.arn);
    // What it deletes itself, where it deletes anything: an escalation must delete more, for certain.
    const beyond = itself === undefined ? undefined : (itself.allowedCount ?? actions.length);
    if (
      beyond !== undefined &&
      (beyond >= actions.length ||
        !graph.selfEscalationsOf(principal.arn).some(isSure) ||
        !heldBack(context, principal))
    )
      continue;
    // The escalated principal holds the same policies (and its Deny statements) as this one; its requests are
    // made as the holder may make them (a new role's session named as its creator likes).
    const tags = analysis.productionTags(principal);
    const carries = mayCarrySourceIdentity(snapshot, principal);
    const own = context.account.principal(principal.arn);
    // The worst escalation: the surest that deletes anything, and of those as sure, the one that deletes most. A
    // sure write its boundary or an SCP still caps gives way to one as sure that they do not (a new role named
    // as an SCP exempts).
    let found: EscalatedPrincipal | undefined;
    let worst: (RunCount & { tag: string; pick?: CallerPick }) | undefined;
    // Beside what it deletes itself, only an escalation out of what holds it can delete more in a way of its own.
    for (const candidate of escalatedPrincipals(graph, snapshot, catalog, principal, beyond !== undefined)) {
      if (
        found &&
        (escalationSteps(candidate.self, 1) > escalationSteps(found.self, worst!.allowedCount) ||
          worst!.allowedCount === actions.length)
      )
        break;
      // Each production tag key on its own (the boundary or an SCP may guard one key only): the key most goes
      // under; a caller pick counts only where more is allowed so.
      let most: (RunCount & { tag: string; pick?: CallerPick }) | undefined;
      let ceiling = 0;
      // A holder other than itself gets the source identity its session carries, if it may carry one, and
      // otherwise one it may set.
      const holderPicks = picksAndSends(analysis, candidate.written);
      const requests = question.requestsFor(
        tags,
        candidate.written.arn === principal.arn
          ? holderPicks
          : carries || !own
            ? withoutSourceIdentityPicks(holderPicks)
            : makersPicks(own, holderPicks),
      );
      for (const { request, tag, pick } of requests) {
        // Unpicked questions come first and bound what any pick lets through.
        if (pick !== undefined && most && most.allowedCount >= ceiling) break;
        const counted = escalatedCount(candidate.compiled, actions, request);
        if (pick === undefined) ceiling = Math.max(ceiling, counted.allowedCount + counted.dependsCount);
        const more =
          !most ||
          counted.allowedCount > most.allowedCount ||
          (!pick && counted.allowedCount === most.allowedCount && counted.dependsCount > most.dependsCount);
        if (more) most = { ...counted, tag, ...(pick ? { pick } : {}) };
      }
      if (most && most.allowedCount + most.dependsCount > 0) {
        const worse =
          !found ||
          escalationSteps(candidate.self, most.allowedCount) < escalationSteps(found.self, worst!.allowedCount) ||
          (escalationSteps(candidate.self, most.allowedCount) === escalationSteps(found.self, worst!.allowedCount) &&
            most.allowedCount > worst!.allowedCount);
        if (worse) {
          found = candidate;
          worst = most;
        }
      }
    }
    if (!found || !worst) continue;
    if (beyond !== undefined && !(isSure(found.self) && worst.allowedCount > beyond)) continue;
    const { self, holder } = found;
    const { allowedCount, dependsCount, allowed, depends, tag: productionTag, pick } = worst;
    const certain = self.decision === 'allowed' && allowedCount > 0;
    const sample = (allowedCount > 0 ? allowed : depends).slice(0, 3);
    const exempt = analysis.isExempt(principal.arn);
    const steps = escalationSteps(self, allowedCount);
    const severity: Severity = exempt || self.needs ? 'info' : (['critical', 'high', 'medium', 'low'] as const)[steps];
    const target = escalationTargetText(self, found.joined, holder);
    out.push({
      severity,
      message: (
        `can delete or recreate resources tagged ${productionTag}${inPick(pick)} once it raises its own ` +
        `permissions: ${self.pathId} on ${target} (${self.description}) → ${listActions(sample, 3)}` +
        `${certain ? '' : ' (depending on conditions)'}; ${allowedCount} action(s) allowed and ${dependsCount} ` +
        `depending on conditions by what the write cannot change (${whatTheWriteLeaves(self)}).` +
        `${self.needs ? ` It needs what the snapshot cannot show: ${self.needs}.` : ''}`
      ).trimEnd(),
      principalArn: principal.arn,
      location: principal.location,
      evidence: [...self.evidence],
      details: {
        productionTag,
        ...pickDetails(pick),
        transitive: true,
        escalation: {
          pathId: self.pathId,
          target: self.target,
          holder,
          ...(found.joined.length ? { joined: found.joined } : {}),
          actions: self.actions,
          decision: self.decision,
          dependsOn: self.dependsOn,
          ...(self.needs ? { needs: self.needs } : {}),
        },
        allowedCount,
        dependsCount,
        allowed,
        depends,
        exempt,
      },
      remediation:
        'Remove the IAM write the principal does not need (or scope it away from itself, its groups and policies, and the principals it can act as), and put a permissions boundary and the production-protection SCPs on it: they still hold after the write.',
    });
  }
  return out;
}

/** Direct findings are goals: of the transitive part, and of audits over several accounts (organizationGoals). */
export const goalOf = directGoalOf;

export const transitive: TransitivePart = { goalOf, check: transitiveCheck, graphGoals: escalationFindings };

interface RunCount {
  allowedCount: number;
  dependsCount: number;
  readonly allowed: string[];
  readonly depends: string[];
}

/** Counts, and the first DETAIL_LIMIT names of each kind, of decision runs over `actions`. */
function countRuns(runs: DecisionRuns, actions: readonly CatalogAction[]): RunCount {
  const count: RunCount = { allowedCount: 0, dependsCount: 0, allowed: [], depends: [] };
  for (let k = 0; k < runs.decisions.length; k++) {
    const decision = runs.decisions[k].decision;
    if (decision === 'denied') continue;
    const names = decision === 'allowed' ? count.allowed : count.depends;
    for (let i = k === 0 ? 0 : runs.ends[k - 1]; i < runs.ends[k]; i++) {
      if (names.length < DETAIL_LIMIT) names.push(actions[i].action);
      if (decision === 'allowed') count.allowedCount++;
      else count.dependsCount++;
    }
  }
  return count;
}
