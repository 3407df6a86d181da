// Tag tampering: whoever can remove or change the production tag turns every tag-conditioned guardrail
// off for that resource, one call before the delete.
import type { Goal, RuleFinding, RuleContext, RuleMeta, Severity, TransitivePart } from './types';
import type { CatalogAction } from '../../catalog/types';
import type { DecisionRuns, RequestContext } from '../evaluate/types';
import { sendsTags, withCallerPick, type CallerPick } from '../evaluate/caller-picks';
import type { Principal } from '../sources/snapshot';
import { docsUrl, listActions, grantedEvidence } from './support/meta';
import { inPick, pickDetails, productionArnQuestions, productionTagText } from './support/production';
import { unlistedValueNote } from './support/production-values';
import type { ProductionTag } from './support/production';
import { tagFirstDeletions, tagFirstDetails, tagFirstText, withTagFirst } from './support/tag-first';
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

/** The check: who can rewrite the production tag itself, each principal alone; `transitive` adds the paths. */
export const scope = 'principal' as const;

export const meta: RuleMeta = {
  id: 'can-change-production-tag',
  category: 'tag-tamper',
  severity: 'high',
  title: 'Can remove or change the production tag',
  help:
    'The principal may untag or re-tag a production resource (itself, or by acting as another principal: the ' +
    'shortest path is shown), which switches off every guardrail keyed on that tag. Deny tagging actions on production-tagged resources when the request touches the production ' +
    'tag key (aws:TagKeys), for everyone but the exempt principals.',
  docsUrl: docsUrl('can-change-production-tag'),
};

/**
 * A production resource, and a request that rewrites its production tag: one per production tag of `tags` (a
 * grant or an SCP may guard one key and leave the other, or compare one value only) and per value it is
 * rewritten to (`values`: a deny may stop a rewrite to `dev` and not to `DEV` or `qa`). Made once per tag and
 * value and shared by the principals that ask (the evaluator shares decision templates by request object). A
 * tag set the principal may send (AccountAnalysis.tagSends: what a grant on aws:RequestTag or aws:TagKeys asks
 * for) goes into the same request beside the rewrite: "ec2:CreateTags where aws:RequestTag/owner is agent"
 * rewrites environment too, in a call that also sends owner=agent.
 */
function tagRewrites(
  productionKeys: readonly string[],
): (
  tags: readonly ProductionTag[],
  values: (key: string) => readonly string[],
  picks: readonly CallerPick[],
  sends: readonly CallerPick[],
) => Rewrite[] {
  const madeByPick = new Map<CallerPick | undefined, Map<string, Rewrite>>();
  const one = (tag: ProductionTag, to: string, pick?: CallerPick) => {
    const key = `${tag.text}\u0000${to}`;
    let made = madeByPick.get(pick);
    if (!made) madeByPick.set(pick, (made = new Map()));
    let rewrite = made.get(key);
    if (!rewrite) {
      const sent = sendsTags(pick);
      const requestTags = sent ? { ...pick!.requestTags, [tag.key]: to } : { [tag.key]: to };
      const request: RequestContext = {
        resourceTags: { [tag.key]: tag.value },
        resourceTagKeysKnown: productionKeys,
        requestTags,
        // A tag set sent may come with the caller's other picks (the Region): its keys go in too.
        contextKeys: { ...(sent ? pick!.keys : {}), 'aws:tagkeys': Object.keys(requestTags) },
      };
      rewrite =
        pick === undefined ? { tag, request } : { tag, request: sent ? request : withCallerPick(request, pick), pick };
      made.set(key, rewrite);
    }
    return rewrite;
  };
  // With the picked keys unknown first: a pick (AccountAnalysis.productionPicks) counts where more is allowed so.
  return (tags, values, picks, sends) =>
    [undefined, ...picks, ...sends].flatMap((pick) =>
      tags.flatMap((tag) => values(tag.key).map((to) => one(tag, to, pick))),
    );
}

/** A tag rewrite question: the production tag, the request, and the caller pick it is made with. */
interface Rewrite {
  readonly tag: ProductionTag;
  readonly request: RequestContext;
  readonly pick?: CallerPick;
}

export function check(context: RuleContext): RuleFinding[] {
  const { analysis, account, catalog, guardrails } = context;
  // No principal, no question: the catalog then need not make its destructive list (an empty account).
  if (analysis.principals.length === 0) return [];
  const rewritesFor = tagRewrites(guardrails.production.tagKeys);
  const actions = catalog.destructive.filter((a) => a.classes.includes('tamper') && a.accessLevel === 'Tagging');
  const byArn = arnRewrites(context, actions);
  const findings: RuleFinding[] = [];
  for (const principal of analysis.principals) {
    if (principal.serviceLinked) continue;
    const compiled = account.principal(principal.arn);
    if (!compiled) continue;
    const asked = analysis.restrict(principal, actions);
    if (asked.length === 0) continue;
    let { tag, runs, tally, pick, request } = worstKey(
      compiled,
      asked,
      rewritesFor(
        analysis.productionTags(principal),
        (key) => analysis.rewriteValues(principal, key),
        analysis.productionPicks(principal),
        analysis.tagSends(principal),
      ),
    );
    // A production resource the input defines, by its ARN: a grant on the ARN rewrites its tag for certain.
    let productionArn: string | undefined;
    let tagged = asked;
    for (const question of byArn(principal)) {
      const onIt = analysis.restrict(principal, question.actions);
      if (onIt.length === 0) continue;
      const found = worstKey(compiled, onIt, question.rewrites);
      const more =
        found.tally.allowedCount > tally.allowedCount ||
        (found.tally.allowedCount === tally.allowedCount && found.tally.dependsCount > tally.dependsCount);
      if (more)
        ({ tag, runs, tally, pick, request, productionArn, tagged } = {
          ...found,
          productionArn: question.arn,
          tagged: onIt,
        });
    }
    // A rewrite guarded by another tag of the resource (owner=agent), which the principal may write first.
    const tagFirst =
      tally.dependsCount > 0
        ? tagFirstDeletions(compiled, catalog, tagged, runs, request, guardrails.production.tagKeys, principal)
        : undefined;
    if (tagFirst) tally = withTagFirst(tally, tagFirst);
    const { key } = tag;
    const { allowedCount, dependsCount, allowed, depends } = tally;
    if (allowedCount === 0 && dependsCount === 0) continue;
    const exempt = analysis.isExempt(principal.arn);
    const severity: Severity = exempt ? 'info' : allowedCount > 0 ? 'high' : 'medium';
    // The allowed actions, then the depending ones: the first few (as many as listActions shows) suffice.
    const sample = allowed.concat(depends.slice(0, Math.max(0, 6 - allowed.length)));
    findings.push({
      severity,
      message:
        `can change or remove the tag ${tag.text} on ${productionArn ? `production resource ${productionArn}` : 'production resources'}${inPick(pick)}: ` +
        `${allowedCount} tagging action(s) allowed` +
        (dependsCount > 0 ? `, ${dependsCount} depending on conditions` : '') +
        ` (${listActions(sample, 6, allowedCount + dependsCount)}).` +
        (tagFirst ? ` ${tagFirstText(tagFirst)}: a guard on that tag holds only while nobody may write it.` : '') +
        (unlistedValueNote(tag.text, guardrails) ? ` ${unlistedValueNote(tag.text, guardrails)}` : ''),
      principalArn: principal.arn,
      location: principal.location,
      evidence: grantedEvidence(runs.decisions),
      details: {
        tagKey: key,
        productionTag: tag.text,
        ...(productionArn ? { productionArn } : {}),
        ...pickDetails(pick),
        allowedCount,
        dependsCount,
        allowed,
        depends,
        ...tagFirstDetails(tagFirst),
        exempt,
      },
      remediation: `Deny tagging actions that touch the "${key}" key (aws:TagKeys) on resources whose aws:ResourceTag/${key} is a production value, except for exempt principals (the production-protection SCP does this).`,
    });
  }
  return findings;
}

/**
 * The tag rewrites to ask of each production resource the input defines (AccountSnapshot.resources), by ARN:
 * each production tag it carries rewritten to each value a policy of the principal tells apart. Requests are
 * made once per resource, key and value, whoever asks (the evaluator shares its work by request object).
 */
function arnRewrites(
  context: RuleContext,
  actions: readonly CatalogAction[],
): (
  principal: Principal,
) => { arn: string; actions: readonly CatalogAction[]; rewrites: { tag: ProductionTag; request: RequestContext }[] }[] {
  const { guardrails, snapshot, analysis } = context;
  // The config's production ARNs carry no production tag to rewrite: only the input's tagged resources.
  const questions = productionArnQuestions(guardrails, snapshot, actions).filter((q) =>
    snapshot.resources?.some((r) => r.arn === q.arn),
  );
  if (questions.length === 0) return () => [];
  // By lower-cased key, the config's spelling: the rewrite values are kept per config key.
  const keys = new Map(guardrails.production.tagKeys.map((key) => [key.toLowerCase(), key]));
  const values = new Set(guardrails.production.values.map((value) => value.toLowerCase()));
  const made = new Map<string, { tag: ProductionTag; request: RequestContext }>();
  return (principal) =>
    questions.map((question) => {
      const tags = question.request.resourceTags ?? {};
      const rewrites = Object.entries(tags)
        .filter(([key, value]) => keys.has(key.toLowerCase()) && values.has(value.toLowerCase()))
        .map(([given, value]) => [keys.get(given.toLowerCase())!, value] as const)
        .flatMap(([key, value]) =>
          analysis.rewriteValues(principal, key).map((to) => {
            const memo = `${question.arn}\u0000${key}\u0000${to}`;
            let rewrite = made.get(memo);
            if (!rewrite) {
              rewrite = {
                tag: { key, value, text: `${key}=${value}` },
                request: { ...question.request, requestTags: { [key]: to }, contextKeys: { 'aws:tagkeys': [key] } },
              };
              made.set(memo, rewrite);
            }
            return rewrite;
          }),
        );
      return { arn: question.arn, actions: question.actions, rewrites };
    });
}

/** Ask the tagging actions under each key and keep the key the principal can rewrite most: most allowed, then most depending. */
function worstKey(
  compiled: { decisionRuns(actions: readonly CatalogAction[], context?: RequestContext): DecisionRuns },
  asked: readonly CatalogAction[],
  rewrites: readonly Rewrite[],
) {
  let worst:
    | {
        tag: ProductionTag;
        runs: DecisionRuns;
        tally: ReturnType<typeof tallyOf>;
        pick: CallerPick | undefined;
        request: RequestContext;
      }
    | undefined;
  // Questions with the picked keys unknown come first: what they allow or leave depending bounds any pick, but
  // not a tag set sent beside the rewrite (those questions knew the request's tags: none but the rewrite).
  let ceiling = 0;
  for (const { tag, request, pick } of rewrites) {
    if (pick !== undefined && !sendsTags(pick) && worst && worst.tally.allowedCount >= ceiling) continue;
    const runs = compiled.decisionRuns(asked, request);
    const tally = tallyOf(runs, asked);
    if (pick === undefined) ceiling = Math.max(ceiling, tally.allowedCount + tally.dependsCount);
    // A pick counts only where more is allowed so (see tagRewrites).
    const more =
      !worst ||
      tally.allowedCount > worst.tally.allowedCount ||
      (pick === undefined &&
        tally.allowedCount === worst.tally.allowedCount &&
        tally.dependsCount > worst.tally.dependsCount);
    if (more) worst = { tag, runs, tally, pick, request };
  }
  return worst!;
}

/**
 * Counts, and the first 100 actions of each kind (all the report shows), a run of actions that share one
 * decision at a time. A function of its own: the loop is optimised alone, not with the whole check.
 */
function tallyOf(runs: DecisionRuns, asked: readonly CatalogAction[]) {
  let allowedCount = 0;
  let dependsCount = 0;
  const allowed: string[] = [];
  const depends: string[] = [];
  const { ends, decisions } = runs;
  for (let k = 0; k < decisions.length; k++) {
    const decision = decisions[k].decision;
    if (decision === 'denied') continue;
    const from = k === 0 ? 0 : ends[k - 1];
    const to = ends[k];
    const names = decision === 'allowed' ? allowed : depends;
    for (let i = from; i < to && names.length < 100; i++) names.push(asked[i].action);
    if (decision === 'allowed') allowedCount += to - from;
    else dependsCount += to - from;
  }
  return { allowedCount, dependsCount, allowed, depends };
}

/** Principals that cannot change the tag themselves but can act as one that can: the shortest path. */
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
    const goalCertain = goals.get(path.to)?.certain ?? false;
    const productionTag = goals.get(path.to)?.tag ?? productionTagText(guardrails);
    findings.push({
      severity: analysis.isExempt(principal.arn) ? 'info' : pathSeverity(path, 'high', goalCertain),
      message: (
        `can change or remove the tag ${productionTag} on production resources through another ` +
        `principal: ${pathText(path, context.snapshot.accountId)}${goalCertain ? '' : ' (depending on conditions)'}. ` +
        pathCaveat(path)
      ).trimEnd(),
      principalArn: principal.arn,
      location: principal.location,
      evidence: pathEvidence(path),
      details: {
        // A key may hold "=" itself: the configured key the tag text was made from.
        tagKey:
          guardrails.production.tagKeys
            .filter((k) => productionTag.startsWith(`${k}=`))
            .sort((a, b) => b.length - a.length)[0] ?? guardrails.production.tagKeys[0],
        productionTag,
        transitive: true,
        ...beside,
        path: pathDetails(path),
        exempt: analysis.isExempt(principal.arn),
      },
      remediation:
        'Cut the first hop of the path you do not need, and deny tag changes of the production key to the principal at its end.',
    });
  }
  return findings;
}

/** Direct findings are goals: of the transitive part, and of audits over several accounts (organizationGoals). */
export const goalOf = directGoalOf;

export const transitive: TransitivePart = { goalOf, check: transitiveCheck };
