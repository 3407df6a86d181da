// Transitive rules: a principal that cannot do something itself but can act as one that can. Goals are the
// principals that can do it directly; the graph gives every other principal its shortest path to one, taking
// a path of certain hops over a shorter uncertain one. Severity follows certainty and length.
import { citationKey, type Evidence, type Finding, type Severity } from '../../findings';
import type { Goal, RuleContext } from '../types';
import { describePath, pathCertainty, shortName, type AccessGraph, type Path } from '../../graph';

export interface GoalReach {
  /** The shortest certain path to a certain goal, else the shortest path to any goal; undefined if none. */
  path(from: string): Path | undefined;
  /** Whether `from` is a goal or reaches one (no path built). */
  reaches(from: string): boolean;
}

/** `goals`: principal ARN → whether it can do the thing for certain (`true`) or depending on conditions. */
export function reachGoals(graph: AccessGraph, goals: ReadonlyMap<string, boolean>): GoalReach {
  if (goals.size === 0 || graph.edgeCount === 0) return { path: () => undefined, reaches: (from) => goals.has(from) };
  const certainGoals = [...goals].filter(([, certain]) => certain).map(([arn]) => arn);
  const certain = graph.pathsTo(certainGoals, { edges: 'certain' });
  const any = graph.pathsTo(goals.keys());
  return {
    path: (from) => {
      const sure = certain.path(from);
      if (sure && sure.hops.length > 0) return sure;
      const maybe = any.path(from);
      return maybe && maybe.hops.length > 0 ? maybe : undefined;
    },
    reaches: (from) => any.distance(from) !== undefined,
  };
}

/**
 * A goal rule's goals and who reaches them: its direct goals, then, over an organization's graph, those of
 * the other accounts (RuleContext.organizationGoals) whose principals it has not already.
 */
export function reachOwnAndOrganizationGoals(
  context: RuleContext,
  ruleId: string,
  direct: ReadonlyMap<string, Goal>,
): { readonly goals: ReadonlyMap<string, Goal>; readonly reach: GoalReach } {
  const goals = new Map(direct);
  for (const [arn, goal] of context.organizationGoals?.of(ruleId) ?? []) {
    if (!goals.has(arn)) goals.set(arn, goal);
  }
  const certain = new Map([...goals].map(([arn, goal]) => [arn, goal.certain]));
  return { goals, reach: reachGoals(context.graph, certain) };
}

const ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

function lower(severity: Severity, steps: number): Severity {
  return ORDER[Math.min(ORDER.indexOf(severity) + steps, ORDER.length - 2)];
}

/**
 * `top` for a certain path of one or two hops to a certain goal; one step lower for longer ones or an
 * uncertain goal, two for hops that depend on conditions; `info` when a hop needs something the snapshot
 * cannot show (a function, an instance), naming it.
 */
export function pathSeverity(path: Path, top: Severity, goalCertain: boolean): Severity {
  const certainty = pathCertainty(path.hops);
  if (certainty === 'needs') return 'info';
  let steps = certainty === 'depends' ? 2 : 0;
  if (path.hops.length > 2) steps += 1;
  if (!goalCertain) steps += 1;
  return lower(top, steps);
}

/**
 * Hops a finding shows of a long path: its first and its last this many. An account whose roles trust each other
 * in a chain gives paths of hundreds of hops, and every principal on the chain a finding that lists them all:
 * 500 MB of JSON at 2,000 roles, and the memory to write it. `leash paths` prints a path whole.
 */
export const PATH_END_HOPS = 8;

/** The hops a finding shows, and how many are left out after the first PATH_END_HOPS (none for a short path). */
function shownHops(path: Path): { head: Path['hops']; tail: Path['hops']; omitted: number } {
  const omitted = path.hops.length - 2 * PATH_END_HOPS;
  if (omitted <= 0) return { head: path.hops, tail: [], omitted: 0 };
  return { head: path.hops.slice(0, PATH_END_HOPS), tail: path.hops.slice(-PATH_END_HOPS), omitted };
}

/**
 * The path as JSON: every hop with its actions, decision, what it depends on or needs, and its statements. Of a
 * path longer than twice PATH_END_HOPS only the first and last hops, with `hopCount` and `omittedHops` saying
 * what was left out (unless `whole`).
 */
export function pathDetails(path: Path, whole = false): Record<string, unknown> {
  const { head, tail, omitted } = whole ? { head: path.hops, tail: [], omitted: 0 } : shownHops(path);
  return {
    from: path.from,
    to: path.to,
    certain: path.certain,
    ...(omitted > 0
      ? {
          hopCount: path.hops.length,
          omittedHops: {
            after: PATH_END_HOPS,
            count: omitted,
            reason: `a path of ${path.hops.length} hops is shown by its first and last ${PATH_END_HOPS}; \`leash paths\` prints it whole`,
          },
        }
      : {}),
    hops: [...head, ...tail].map((hop) => ({
      from: hop.from,
      to: hop.to,
      kind: hop.kind,
      actions: hop.actions,
      ...(hop.pathId ? { pathId: hop.pathId } : {}),
      decision: hop.decision,
      dependsOn: hop.dependsOn,
      ...(hop.needs ? { needs: hop.needs } : {}),
      ...(hop.runsOn ? { runsOn: hop.runsOn } : {}),
      evidence: hop.evidence,
    })),
  };
}

/** Every hop's statements, each once, in path order. */
export function pathEvidence(path: Path, max = 8): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const hop of path.hops) {
    for (const evidence of hop.evidence) {
      const key = citationKey(evidence);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(evidence);
      if (out.length >= max) return out;
    }
  }
  return out;
}

/** A sentence on what the path rests on beyond its statements. */
export function pathCaveat(path: Path): string {
  const needs = [...new Set(path.hops.flatMap((hop) => (hop.needs ? [hop.needs] : [])))];
  const dependsOn = [...new Set(path.hops.flatMap((hop) => hop.dependsOn))];
  const parts: string[] = [];
  if (needs.length) parts.push(`It needs what the snapshot cannot show: ${needs.join('; ')}.`);
  if (dependsOn.length) parts.push(`It depends on ${dependsOn.slice(0, 4).join(', ')}.`);
  return parts.join(' ');
}

/** The path in words; of a long one, its first and last hops with the count of those between (pathDetails). */
export function pathText(path: Path, homeAccount: string): string {
  const short = (arn: string) => shortName(arn, homeAccount);
  const { head, tail, omitted } = shownHops(path);
  if (omitted === 0) return describePath(path, short);
  return (
    `${describePath({ ...path, hops: head }, short)} → (${omitted} more hops) → ` +
    describePath({ ...path, from: tail[0].from, hops: tail }, short)
  );
}

/**
 * The goal a direct finding of a goal rule (can-delete-production, can-change-production-tag) makes of its
 * principal, what it can do itself, for audits over several accounts; undefined for a transitive finding.
 */
export function directGoalOf(finding: Pick<Finding, 'details' | 'principalArn'>): Goal | undefined {
  const details = finding.details as
    | {
        transitive?: boolean;
        allowedCount?: number;
        allowed?: string[];
        depends?: string[];
        escalation?: { decision?: string; needs?: string };
        productionTag?: unknown;
        sourceIdentityPicked?: boolean;
      }
    | undefined;
  // A finding of what the principal can do once it raises its own permissions (no path) is a goal too.
  const escalation = details?.escalation;
  if (!details || (details.transitive && !escalation) || finding.principalArn === undefined) return undefined;
  const allowed = (details.allowedCount ?? 0) > 0;
  // What it does only with a source identity of its session's maker's choosing is no certain goal for another:
  // a caller's own session may carry one, which every role it assumes carries on.
  const certain =
    allowed &&
    !details.sourceIdentityPicked &&
    (!escalation || (escalation.decision === 'allowed' && !escalation.needs));
  return {
    certain,
    actions: ((allowed ? details.allowed : details.depends) ?? []).slice(0, 3),
    ...(escalation ? { afterEscalation: true } : {}),
    ...(typeof details.productionTag === 'string' ? { tag: details.productionTag } : {}),
    ...(details.allowedCount === undefined ? {} : { allowedCount: details.allowedCount }),
  };
}

/**
 * Whether a principal gets a transitive finding, given the goals (direct findings) and its shortest path:
 * `{}` when it has no goal of its own; when its own goal is uncertain (it depends on conditions, or on an
 * escalation that needs a fact), only a certain path to a certain goal is reported beside it (the direct
 * finding alone would understate what it can do), with a `key` that gives that second finding a fingerprint
 * of its own; undefined otherwise.
 */
export function besideDirect(
  goals: ReadonlyMap<string, Goal>,
  principalArn: string,
  path: Path,
): { key?: string } | undefined {
  const own = goals.get(principalArn);
  if (!own) return {};
  if (own.certain || !path.certain || !goals.get(path.to)?.certain) return undefined;
  return { key: 'through-another-principal' };
}
