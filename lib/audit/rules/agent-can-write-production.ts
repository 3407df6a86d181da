// The agent invariant, checked on real principals: an agent (principal tag), or anyone whose request comes
// through an AWS managed MCP server or carries an agent source identity, must not be able to write to a
// production-tagged or untagged resource beyond agents.productionWriteAllowlist. Names the layer that lets
// the write through: no boundary, a boundary that is not the leash agent boundary, or SCPs that lack (or
// were not read for) the agent layer.
import type { CatalogAction } from '../../catalog/types';
import { withWildcardsFilled } from '../../policy/wildcard';
import type { CompiledPrincipal, DecisionRuns, RequestContext, RunDecision } from '../evaluate/types';
import {
  choosesSession,
  dependsOnCallerPick,
  isCallerPickKey,
  picksBeyondRegion,
  sendsTags,
  withCallerPick,
  type CallerPick,
} from '../evaluate/caller-picks';
import type { Principal } from '../sources/snapshot';
import {
  escalatedPrincipals,
  escalationTargetText,
  whatTheWriteLeaves,
  type EscalatedPrincipal,
} from './support/escalated';
import { uncappedGrantNames } from '../evaluate/resource-policy-grants';
import { allowEvidence, docsUrl, listActions, uncappedText } from './support/meta';
import { mayCarrySourceIdentity } from './support/production';
import { tagFirstDetails, tagFirstText, tagFirstWrites, type TagFirst } from './support/tag-first';
import { directGoalOf, pathCaveat, pathDetails, pathEvidence, pathSeverity, pathText } from './support/transitive';
import {
  inputResourceStates,
  protectedWrites,
  resourceStates,
  statesText,
  wroteAnything,
  type ResourceState,
  WriteTally,
} from './support/writes';
import { askRuns, tagSendRuns, type WriteQuestion } from './support/tag-sends';
import type { Finding, Goal, RuleContext, RuleFinding, RuleMeta, Severity, TransitivePart } from './types';
import { revealed } from '../../util/lookalike';

/** Looks at principals one by one: safe to run over batches of principals. */
export const scope = 'principal' as const;

export const meta: RuleMeta = {
  id: 'agent-can-write-production',
  category: 'production-destruction',
  severity: 'critical',
  title: 'Agent can write to production or untagged resources',
  help:
    'Production and anything not positively tagged non-production must be read-only for agents: only Read ' +
    'and List actions, plus agents.productionWriteAllowlist. The agent (by principal tag), or a request through ' +
    'an AWS managed MCP server or with an agent source identity, can still write there, itself or by acting as a ' +
    'principal that can (the path is shown hop by hop). Give agent roles the ' +
    'leash agent boundary and attach the leash SCPs, whose agent layers hold the invariant without the boundary.',
  docsUrl: docsUrl('agent-can-write-production'),
};

const DETAIL_LIMIT = 200;

interface Recognition {
  readonly how: string;
  readonly contextKeys: Readonly<Record<string, readonly string[]>>;
}

/** How a request of this principal can be an agent's: its tag, or (for anyone) MCP and source identity. */
function recognitions(context: RuleContext, principal: Principal): Recognition[] {
  const { guardrails, analysis } = context;
  const out: Recognition[] = [];
  if (analysis.isAgent(principal.arn)) {
    const lookalike = analysis.agentTagLookalike(principal.arn);
    const how = analysis.agentTagUnknown(principal.arn)
      ? 'agent principal tag (its value only deployment knows: taken as an agent)'
      : lookalike
        ? `a tag ${revealed(lookalike.key)}=${revealed(lookalike.value)} that reads as the agent tag ` +
          `${guardrails.agents.principalTag.key}=${guardrails.agents.principalTag.value} but that IAM does not match, so no agent guardrail holds it`
        : 'agent principal tag';
    out.push({ how, contextKeys: {} });
  }
  // MCP and source-identity agents are held by the SCP agent layers only: judged where the SCPs were read
  // (or cannot apply, in the management account); without them every writer would be reported.
  const scpsJudged = context.snapshot.organizationPoliciesKnown || context.snapshot.isManagementAccount;
  if (principal.kind === 'role' && !analysis.isAgent(principal.arn) && scpsJudged) {
    if (
      guardrails.agents.mcp.treatAsAgent &&
      (guardrails.agents.mcp.includeExemptPrincipals || !analysis.isExempt(principal.arn))
    ) {
      out.push({
        how: 'request through an AWS managed MCP server',
        contextKeys: { 'aws:viaawsmcpservice': ['true'], 'aws:calledviaawsmcp': ['aws-mcp.amazonaws.com'] },
      });
    }
    const pattern = guardrails.agents.sourceIdentityPatterns[0];
    // A role whose trust lets no one set a source identity never has one (a chained session needs that too).
    if (pattern && mayCarrySourceIdentity(context.snapshot, principal)) {
      out.push({
        how: `agent source identity (${pattern})`,
        contextKeys: { 'aws:sourceidentity': [withWildcardsFilled(pattern)] },
      });
    }
  }
  return out;
}

function layerText(context: RuleContext, principal: Principal, how: string): string[] {
  const { snapshot, guardrails } = context;
  const out: string[] = [];
  const boundaryName = guardrails.agents.boundaryPolicyName;
  const boundary = principal.permissionsBoundaryArn;
  if (how === 'agent principal tag') {
    if (!boundary) out.push('no permissions boundary');
    else if (!boundary.endsWith(`:policy/${boundaryName}`)) {
      out.push(`a permissions boundary other than ${boundaryName} (${boundary.split('/').pop()})`);
    } else out.push(`its boundary ${boundaryName} lets them through (an older version?)`);
  }
  const uncapped = uncappedGrantNames(snapshot, principal.arn);
  if (boundary && uncapped.length > 0) out.push(uncappedText(uncapped));
  if (snapshot.isManagementAccount) out.push('SCPs never apply to the management account');
  else if (!snapshot.organizationPoliciesKnown)
    out.push('the SCPs were not read (pass --scp), so the SCP agent layer is unknown');
  // `how` is what makes it an agent: "agent principal tag" or "request through an AWS managed MCP server".
  else out.push(`no SCP agent layer denies them for ${/^[aeiou]/i.test(how) ? 'an' : 'a'} ${how}`);
  return out;
}

export function check(context: RuleContext): Finding[] {
  const { catalog, account, analysis, guardrails } = context;
  // The writes to ask about, made when the first principal needs them: making every action of the catalog
  // is most of what this rule costs on an account with nobody in it.
  let asking: { writes: readonly CatalogAction[]; agentServiceWrites: readonly CatalogAction[] } | undefined;
  const writesToAsk = () => {
    if (asking) return asking;
    const writes = protectedWrites(catalog, guardrails);
    // Requests through MCP or with an agent source identity are checked on the agent services' writes: the SCP
    // agent layers deny every other service to them, and asking about 16,000 writes per role would not scale.
    const agentServices = new Set(guardrails.agents.allowedServices.map((s) => s.toLowerCase()));
    asking = { writes, agentServiceWrites: writes.filter((a) => agentServices.has(a.service)) };
    return asking;
  };
  // One request object per resource state and way of being recognised, whoever asks: the evaluator shares
  // decision templates between principals by request object, so a fresh one per principal would rebuild them.
  const requests = new Map<string, RequestContext>();
  const requestFor = (state: ResourceState, recognition: Recognition, pick?: CallerPick): RequestContext => {
    const key = `${state.name}\u0000${recognition.how}`;
    let request = requests.get(key);
    if (!request) {
      // By its tag, the agent asks with no context keys: the very request the transitive part asks with.
      const keyless = Object.keys(recognition.contextKeys).length === 0;
      request = keyless ? state.request : { ...state.request, contextKeys: recognition.contextKeys };
      requests.set(key, request);
    }
    return pick === undefined ? request : withCallerPick(request, pick);
  };
  const findings: Finding[] = [];
  for (const principal of analysis.principals) {
    if (principal.serviceLinked) continue;
    const compiled = account.principal(principal.arn);
    if (!compiled) continue;
    const summary = analysis.summary(principal.arn);
    const writesNothing = summary !== undefined && summary.writeAllowed + summary.writeDepends === 0;
    for (const recognition of recognitions(context, principal)) {
      if (writesNothing) continue;
      const { writes, agentServiceWrites } = writesToAsk();
      const asked: readonly CatalogAction[] = analysis.restrict(
        principal,
        recognition.how === 'agent principal tag' ? writes : agentServiceWrites,
      );
      if (asked.length === 0) continue;
      // A write that depends on the resource (a grant on named ARNs: the production table, the bucket's objects)
      // or on a condition the request may meet (a region) breaks the invariant as surely for the resources it
      // names: reported too, one step lower, naming what it depends on.
      const allowed = new Map<string, RunDecision>();
      const depends = new Map<string, RunDecision>();
      const dependsOn = new Set<string>();
      const where = new Set<string>();
      const states = resourceStates(
        guardrails,
        analysis.productionTags(principal),
        analysis.comparedProductionKeys(principal),
      );
      // The resources the input defines and tags other than non-production, each by its ARN: only the writes
      // that can act on it (a bucket's ARN is not its objects').
      const byArn = inputResourceStates(guardrails, context.snapshot, writesToAsk().writes).map((state) => ({
        state,
        actions: asked.filter((action) => state.fits.has(action)),
      }));
      const questions = [
        ...states.map((state) => ({ state, actions: asked })),
        ...byArn.filter(({ actions }) => actions.length > 0),
      ];
      // By runs of actions that share one decision: a denied run is skipped whole, and no decision is made
      // per action (most of a principal's writes are denied alike).
      for (const { state, actions: askedHere } of questions) {
        addRuns(
          { allowed, depends, where },
          askedHere,
          askRuns(compiled, askedHere, requestFor(state, recognition)),
          state,
        );
      }
      // The caller picks the request's region, where it calls from and how: a write that depends on those (a
      // region deny, a network perimeter) is made with a pick the policies let through, each write in its own
      // request. Named in the finding.
      const picksUsed = new Set<CallerPick>();
      const picks = depends.size > 0 ? analysis.productionPicks(principal) : [];
      // The writes whose answer turns on a pick: each is let through by the first pick that allows it.
      const open = new Set<string>();
      if (picks.length > 0) for (const [action, d] of depends) if (dependsOnCallerPick(d)) open.add(action);
      for (const pick of picks) {
        if (open.size === 0) break;
        for (const { state, actions: askedHere } of questions) {
          const here = askedHere.filter((action) => open.has(action.action));
          if (here.length === 0) continue;
          const { ends, decisions } = askRuns(compiled, here, requestFor(state, recognition, pick));
          for (let k = 0; k < decisions.length; k++) {
            const decision = decisions[k];
            if (decision.decision === 'denied') continue;
            for (let i = k === 0 ? 0 : ends[k - 1]; i < ends[k]; i++) {
              const action = here[i].action;
              const known = depends.get(action);
              if (!known) continue;
              if (decision.decision === 'allowed') {
                allowed.set(action, decision);
                depends.delete(action);
                open.delete(action);
              } else if (dependsOnCallerPick(known) && !dependsOnCallerPick(decision)) {
                // Still depending, but no longer on the pick: the plainer answer.
                depends.set(action, decision);
                open.delete(action);
              } else continue;
              picksUsed.add(pick);
            }
          }
        }
      }
      // A tagging call or a create carries the tags the agent sends (support/tag-sends.ts).
      const sends = analysis.tagSends(principal);
      if (sends.length > 0) {
        const found = { allowed, depends, where, picksUsed };
        addTagSendWrites(compiled, questions, sends, guardrails.production, found, (state, send) =>
          requestFor(state, recognition, send),
        );
      }
      // A write guarded by another tag of the resource, which the agent may write on it first (support/tag-first.ts).
      let tagFirst: TagFirst | undefined;
      if (depends.size > 0) {
        for (const { state, actions: askedHere } of questions) {
          const candidates = askedHere.flatMap((action) => {
            const decision = depends.get(action.action);
            return decision ? [{ action, decision }] : [];
          });
          if (candidates.length === 0) continue;
          const found = tagFirstWrites(
            compiled,
            catalog,
            candidates,
            requestFor(state, recognition),
            guardrails.production.tagKeys,
            principal,
          );
          if (!found) continue;
          for (const decision of found.decisions) {
            allowed.set(decision.action, decision);
            depends.delete(decision.action);
          }
          tagFirst ??= found;
        }
      }
      for (const decision of depends.values()) for (const key of decision.dependsOn) dependsOn.add(key);
      if (allowed.size === 0 && depends.size === 0) continue;
      const actions = [...allowed.keys()];
      const dependent = [...depends.keys()];
      const layers = layerText(context, principal, recognition.how);
      const agent = analysis.isAgent(principal.arn);
      const counts = [
        actions.length ? `${actions.length} action(s) (${listActions(actions)})` : '',
        dependent.length
          ? `${actions.length ? 'and ' : ''}${dependent.length} action(s) depending on ${listActions([...dependsOn], 4)} (${listActions(dependent)})`
          : '',
      ];
      findings.push({
        ruleId: meta.id,
        category: meta.category,
        severity: actions.length ? (agent ? 'critical' : 'high') : agent ? 'high' : 'medium',
        title: meta.title,
        message:
          `as an agent (${recognition.how}) it can write to resources ${statesText(where)}` +
          picksText(picksUsed) +
          ': ' +
          `${counts.filter(Boolean).join(' ')}.` +
          (tagFirst ? ` ${tagFirstText(tagFirst)}.` : '') +
          ` Let through by: ${layers.join('; ')}.`,
        principalArn: principal.arn,
        location: principal.location,
        evidence: allowEvidence([...allowed.values(), ...depends.values()]),
        details: {
          recognisedBy: recognition.how,
          allowedCount: actions.length,
          allowed: actions.slice(0, DETAIL_LIMIT),
          dependsCount: dependent.length,
          depends: dependent.slice(0, DETAIL_LIMIT),
          dependsOn: [...dependsOn],
          resourceStates: [...where],
          ...picksDetails(picksUsed),
          ...tagFirstDetails(tagFirst),
          layers,
          permissionsBoundaryArn: principal.permissionsBoundaryArn ?? null,
        },
        remediation:
          'Attach the leash agent boundary (leash generate) to agent roles and the leash SCPs to their accounts; ' +
          'declare writes that are safe on production in agents.productionWriteAllowlist instead of granting them.',
        docsUrl: meta.docsUrl,
      });
    }
  }
  return findings;
}

/** How an agent is recognised on the paths below: by its tag, which it leaves behind when it acts as another. */
const BY_TAG = 'agent principal tag';

/** What a principal writes on production as itself (or after its IAM write): a goal of agents' paths. */
interface Writer {
  readonly tally: WriteTally;
  readonly certain: boolean;
  readonly afterEscalation?: boolean;
}

/**
 * Agents (by tag) that can write more on production once they raise their own permissions, or by acting as a
 * principal that writes there: assume its role, pass it to a service that runs their code, run code on compute
 * that runs as it, take its credentials. That principal's requests are its own (its tags, its boundary), so the
 * agent boundary and the SCP agent layer no longer hold them. The shortest path, hop by hop.
 *
 * Every hop is itself a write (sts:AssumeRole, iam:PassRole, lambda:CreateFunction), so the agent mostly has a
 * direct finding too, which names the hop's action and not what lies behind it. A path is reported when its end
 * writes something the agent cannot write for certain itself: an administrator agent reaching a role that
 * writes less gets no second finding.
 */
function transitiveCheck(context: RuleContext): RuleFinding[] {
  const { analysis, graph, catalog, guardrails } = context;
  const agents = analysis.principals.filter((p) => !p.serviceLinked && analysis.isAgent(p.arn));
  if (agents.length === 0) return [];
  const writes = protectedWrites(catalog, guardrails);
  // The production tags any policy of the account tells apart: the principals an agent reaches are many.
  const states = resourceStates(guardrails, analysis.productionTags(), analysis.comparedProductionKeys());
  const out: RuleFinding[] = [];
  const own = new Map<string, WriteTally>();
  const writers = new Map<string, Writer | undefined>();
  for (const agent of agents) {
    const mine = ownWrites(context, agent, writes, states);
    own.set(agent.arn, mine ?? new WriteTally(catalog));
    writers.set(agent.arn, mine && wroteAnything(mine) ? { tally: mine, certain: mine.allowedCount > 0 } : undefined);
  }
  const escalatedAgents = new Set<string>();
  for (const agent of agents) {
    const found = escalatedWrites(context, agent, writes, states);
    if (!found || !beyond(own.get(agent.arn)!, found.tally, false)) continue;
    out.push(escalationFinding(agent, found, own.get(agent.arn)!));
    writers.set(agent.arn, { tally: found.tally, certain: found.tally.allowedCount > 0, afterEscalation: true });
    escalatedAgents.add(agent.arn);
  }
  // A principal is asked what it writes as itself only when a search from an agent comes to it, once: an
  // account has few agents and each search stops at the first writer, where asking every principal about
  // every write would cost as much as the rest of the audit.
  const byArn = new Map(analysis.principals.map((p) => [p.arn, p]));
  const writerAt = (arn: string): Writer | undefined => {
    if (writers.has(arn)) return writers.get(arn);
    const principal = byArn.get(arn);
    const writer = principal && !principal.serviceLinked ? writerOf(context, principal, writes, states) : undefined;
    writers.set(arn, writer);
    return writer;
  };
  // Writers of the other accounts of an organization audit (writerGoal): whatever they write is on other
  // resources, so all of it is beyond the agent's own.
  const elsewhere = context.organizationGoals?.of(meta.id) ?? new Map<string, Goal>();
  for (const agent of agents) {
    if (escalatedAgents.has(agent.arn)) continue;
    const mine = own.get(agent.arn)!;
    const leadsTo = (arn: string, certainOnly: boolean) => {
      if (!byArn.has(arn)) {
        const goal = elsewhere.get(arn);
        return goal !== undefined && (!certainOnly || goal.certain);
      }
      const writer = writerAt(arn);
      return writer !== undefined && (!certainOnly || writer.certain) && beyond(mine, writer.tally, certainOnly);
    };
    // A forward search from each agent, never ending at the agent itself (it may be another agent's goal): a
    // path of certain hops to a certain writer first, else the shortest to any.
    const path =
      graph.shortestPath(agent.arn, (arn) => leadsTo(arn, true), { edges: 'certain' }) ??
      graph.shortestPath(agent.arn, (arn) => leadsTo(arn, false));
    if (!path) continue;
    const writer = byArn.has(path.to) ? writers.get(path.to) : undefined;
    const goalCertain = writer ? writer.certain : (elsewhere.get(path.to)?.certain ?? false);
    const actions = writer ? sampleBeyond(mine, writer.tally) : (elsewhere.get(path.to)?.actions ?? []);
    const afterEscalation = writer ? writer.afterEscalation : elsewhere.get(path.to)?.afterEscalation;
    out.push({
      severity: pathSeverity(path, 'critical', goalCertain),
      message: (
        `as an agent (${BY_TAG}) it can write to production or untagged resources through another principal, ` +
        `which no agent guardrail holds: ${pathText(path, context.snapshot.accountId)}` +
        `${afterEscalation ? ' → raise its own permissions' : ''} → ${listActions(actions, 3)}` +
        `${goalCertain ? '' : ' (depending on conditions)'}. ${pathCaveat(path)}`
      ).trimEnd(),
      principalArn: agent.arn,
      location: agent.location,
      evidence: pathEvidence(path),
      details: { recognisedBy: BY_TAG, transitive: true, path: pathDetails(path), reachedActions: actions },
      remediation:
        'Cut the first hop the agent does not need (the trust policy naming it, its sts:AssumeRole or iam:PassRole ' +
        'grant, its right to run code on that compute), and give the agent the leash agent boundary: it denies ' +
        'those hops to agents.',
    });
  }
  return out;
}

/**
 * Whether `tally` holds a write (allowed; or depending, unless `certainOnly`) the agent cannot write for
 * certain itself (`own`'s allowed writes).
 */
function beyond(own: WriteTally, tally: WriteTally, certainOnly: boolean): boolean {
  // More writes than the agent's own: some are new, without looking.
  if (tally.allowedCount > own.allowedCount) return true;
  if (!certainOnly && tally.dependsCount > own.allowedCount) return true;
  return tally.holdsBeyond(own, certainOnly);
}

/** Up to three writes of `tally` the agent cannot write for certain itself, allowed ones first. */
function sampleBeyond(own: WriteTally | undefined, tally: WriteTally): string[] {
  return tally.sampleBeyond(own, 3);
}

/** The writes a principal gets through on production as itself, with its own tags and boundary. */
function ownWrites(
  context: WriterContext,
  principal: Principal,
  writes: readonly CatalogAction[],
  states: ReturnType<typeof resourceStates>,
): WriteTally | undefined {
  const { account, analysis } = context;
  const summary = analysis.summary(principal.arn);
  if (summary && summary.writeAllowed + summary.writeDepends === 0) return undefined;
  const compiled = account.principal(principal.arn);
  const asked = analysis.restrict(principal, writes);
  if (!compiled || asked.length === 0) return undefined;
  const tally = new WriteTally(context.catalog);
  for (const state of states) tally.addRuns(askRuns(compiled, asked, state.request), asked, state.name);
  addPickRuns(tally, compiled, asked, states, analysis.productionPicks(principal));
  const questions = states.map((state) => ({ state, actions: asked }));
  const sends = analysis.tagSends(principal);
  const production = context.guardrails.production;
  const request = (state: ResourceState, send: CallerPick) => withCallerPick(state.request, send);
  for (const found of tagSendRuns(compiled, questions, sends, production, request)) {
    tally.addRuns(found.runs, found.actions, found.state.name);
  }
  return tally;
}

/**
 * Where writes depend on the request's region or where it comes from, which the caller picks: the same states
 * asked with each pick the policies tell apart (AccountAnalysis.productionPicks), so a write let through with
 * one counts as allowed.
 */
function addPickRuns(
  tally: WriteTally,
  compiled: Pick<CompiledPrincipal, 'decisionRuns'>,
  asked: readonly CatalogAction[],
  states: ReturnType<typeof resourceStates>,
  picks: readonly CallerPick[],
): void {
  if (picks.length === 0 || ![...tally.dependsOn].some(isCallerPickKey)) return;
  for (const pick of picks) {
    // Every write let through: no pick can add one.
    if (tally.dependsCount === 0) break;
    for (const state of states)
      tally.addRuns(askRuns(compiled, asked, withCallerPick(state.request, pick)), asked, state.name);
  }
}

/** How the message names the picks its writes were made with. */
function picksText(picks: ReadonlySet<CallerPick>): string {
  if (picks.size === 0) return '';
  const regionsOnly = [...picks].every((p) => !picksBeyondRegion(p));
  return regionsOnly
    ? ` (in ${[...picks].map((p) => p.region).join(', ')}, a region the caller may name: aws:RequestedRegion)`
    : ` (${[...picks].map((p) => p.label).join('; ')}: ${
        [...picks].some(sendsTags)
          ? 'where and how the caller makes the request, and the tags it sends, are its pick'
          : [...picks].some(choosesSession)
            ? "where and how the caller makes the request, and how its session is made (the role's trust lets whoever assumes it choose), are its pick"
            : 'where and how the caller makes the request is its pick'
      })`;
}

/**
 * One question's runs (over `actions`) added to what the direct check found: an allowed write replaces a
 * depending one; a depending write is kept where none is allowed, the later answer replacing an earlier one
 * unless `firstDepends`. A run that is not denied names its state. How many writes it allowed.
 */
function addRuns(
  found: Pick<FoundWrites, 'allowed' | 'depends' | 'where'>,
  actions: readonly CatalogAction[],
  runs: DecisionRuns,
  state: ResourceState,
  firstDepends = false,
): number {
  const { ends, decisions } = runs;
  let allowedHere = 0;
  for (let k = 0; k < decisions.length; k++) {
    const decision = decisions[k];
    if (decision.decision === 'denied') continue;
    for (let i = k === 0 ? 0 : ends[k - 1]; i < ends[k]; i++) {
      const action = actions[i].action;
      if (decision.decision === 'allowed') {
        found.allowed.set(action, decision);
        found.depends.delete(action);
        allowedHere++;
      } else if (!found.allowed.has(action) && !(firstDepends && found.depends.has(action))) {
        found.depends.set(action, decision);
      }
    }
    found.where.add(state.name);
  }
  return allowedHere;
}

/** What the direct check has found so far, which the tag sends add to. */
interface FoundWrites {
  readonly allowed: Map<string, RunDecision>;
  readonly depends: Map<string, RunDecision>;
  readonly where: Set<string>;
  readonly picksUsed: Set<CallerPick>;
}

/** The direct check's writes with the tags sent (tagSendRuns), added to what it found without them. */
function addTagSendWrites(
  compiled: CompiledPrincipal,
  questions: readonly WriteQuestion[],
  sends: readonly CallerPick[],
  production: RuleContext['guardrails']['production'],
  found: FoundWrites,
  requestFor: (state: ResourceState, send: CallerPick) => RequestContext,
): void {
  const allowedWithout = new Set(found.allowed.keys());
  const runs = tagSendRuns(compiled, questions, sends, production, requestFor, (a) => allowedWithout.has(a.action));
  for (const { state, send, actions: here, runs: sent } of runs) {
    // The finding names the first request that lets a write through, not every one that does too.
    const before = found.allowed.size;
    addRuns(found, here, sent, state, true);
    if (found.allowed.size > before) found.picksUsed.add(send);
  }
}

/** What a finding's details say of the picks its writes were made with. */
function picksDetails(picks: ReadonlySet<CallerPick>): Record<string, unknown> {
  if (picks.size === 0) return {};
  const regions = [...new Set([...picks].flatMap((p) => (p.region === undefined ? [] : [p.region])))];
  const beyondRegion = [...picks].some(picksBeyondRegion);
  return {
    ...(regions.length > 0 ? { requestedRegions: regions } : {}),
    ...(beyondRegion ? { callerPicks: [...picks].map((p) => p.label) } : {}),
  };
}

/** What the questions about one principal's writes need: its account, compiled, and the access graph. */
type WriterContext = Pick<RuleContext, 'account' | 'analysis' | 'graph' | 'snapshot' | 'catalog' | 'guardrails'>;

/**
 * For an audit over several accounts (organization-audit.ts): what a principal an agent of another account
 * can act as writes on production as itself, as a goal of that agent's paths; undefined when nothing.
 */
export function writerGoal(context: WriterContext, principal: Principal): Goal | undefined {
  if (principal.serviceLinked) return undefined;
  const { catalog, guardrails } = context;
  const writer = writerOf(
    context,
    principal,
    protectedWrites(catalog, guardrails),
    resourceStates(guardrails, context.analysis.productionTags(), context.analysis.comparedProductionKeys()),
  );
  if (!writer) return undefined;
  return {
    certain: writer.certain,
    actions: sampleBeyond(undefined, writer.tally),
    ...(writer.afterEscalation ? { afterEscalation: true } : {}),
  };
}

/** What a principal an agent can act as writes on production; undefined when nothing. */
function writerOf(
  context: WriterContext,
  principal: Principal,
  writes: readonly CatalogAction[],
  states: ReturnType<typeof resourceStates>,
): Writer | undefined {
  const tally = ownWrites(context, principal, writes, states);
  if (tally && tally.allowedCount > 0) return { tally, certain: true };
  // One IAM write away from writing (a policy it can put on itself): a goal as well, marked so, and taken over
  // what it writes now when that only depends on the resource (the IAM write itself, named on its own ARN).
  const found = escalatedWrites(context, principal, writes, states);
  if (found && (found.tally.allowedCount > 0 || !tally || !wroteAnything(tally))) {
    return { tally: found.tally, certain: found.tally.allowedCount > 0, afterEscalation: true };
  }
  return tally && wroteAnything(tally) ? { tally, certain: false } : undefined;
}

interface EscalatedWrites {
  readonly escalation: EscalatedPrincipal;
  readonly tally: WriteTally;
}

/**
 * What the principal writes once it has used an IAM-write escalation the graph finds certain (support/escalated.ts).
 * One that depends on conditions is left to privilege-escalation: the agent guardrails put conditions on the very
 * writes that would escalate (a new role must carry the agent boundary and tag), and the escalation model cannot
 * tell such a condition from one the agent meets.
 */
function escalatedWrites(
  context: WriterContext,
  principal: Principal,
  writes: readonly CatalogAction[],
  states: ReturnType<typeof resourceStates>,
): EscalatedWrites | undefined {
  const { graph, snapshot, catalog } = context;
  if (!graph.selfEscalationsOf(principal.arn).some((s) => s.decision === 'allowed' && !s.needs)) return undefined;
  // Certain escalations come first; the first that writes for certain wins, else the first that writes at all
  // (a sure write its boundary still caps does not hide a later one that does not stay capped).
  let first: EscalatedWrites | undefined;
  for (const escalation of escalatedPrincipals(graph, snapshot, catalog, principal)) {
    if (escalation.self.decision !== 'allowed' || escalation.self.needs) break;
    const tally = new WriteTally(catalog);
    for (const state of states) tally.addRuns(askRuns(escalation.compiled, writes, state.request), writes, state.name);
    addPickRuns(tally, escalation.compiled, writes, states, context.analysis.productionPicks(principal));
    if (tally.allowedCount > 0) return { escalation, tally };
    if (!first && wroteAnything(tally)) first = { escalation, tally };
  }
  return first;
}

function escalationFinding(agent: Principal, found: EscalatedWrites, own: WriteTally): RuleFinding {
  const { self, holder } = found.escalation;
  const { allowedCount, dependsCount, dependsOn, where } = found.tally;
  const severity: Severity = allowedCount > 0 ? 'critical' : 'high';
  const target = escalationTargetText(self, found.escalation.joined, holder);
  return {
    severity,
    message:
      `as an agent (${BY_TAG}) it can write to resources ${statesText(where)} once it raises its own ` +
      `permissions: ${self.pathId} on ${target} (${self.description}) → ${listActions(sampleBeyond(own, found.tally), 3)}` +
      `${allowedCount > 0 ? '' : ' (depending on conditions)'}; ${allowedCount} action(s) allowed and ${dependsCount} ` +
      `depending on conditions by what the write cannot change (${whatTheWriteLeaves(self)}).`,
    principalArn: agent.arn,
    location: agent.location,
    evidence: [...self.evidence],
    details: {
      recognisedBy: BY_TAG,
      transitive: true,
      escalation: {
        pathId: self.pathId,
        target: self.target,
        holder,
        actions: self.actions,
        decision: self.decision,
        dependsOn: self.dependsOn,
      },
      allowedCount,
      allowed: found.tally.allowed().slice(0, DETAIL_LIMIT),
      dependsCount,
      depends: found.tally.depends().slice(0, DETAIL_LIMIT),
      dependsOn: [...dependsOn],
      resourceStates: [...where],
    },
    remediation:
      'Remove the IAM write the agent does not need, and give it the leash agent boundary: the boundary still ' +
      'holds after the write, and it denies agents the writes that reach past it (a new role of their own).',
  };
}

/** A direct finding (an agent that writes itself, or a principal whose MCP requests do) is a goal elsewhere. */
export const goalOf = directGoalOf;

export const transitive: TransitivePart = { goalOf, check: (context) => transitiveCheck(context) };
