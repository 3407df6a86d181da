// Who can raise its own privileges: in place (IAM writes on itself, the policies and groups it holds, its
// boundary), or by acting as a principal that can (assume a role, pass a role to a service, run code on
// compute that runs as one, take another user's credentials, rewrite a trust policy), or by acting as one that
// simply has more. Every escalation path (graph/escalation-paths.ts) is resolved against the snapshot's real
// targets: AWS managed policies cannot be changed, a policy attached to nothing raises no one, date
// conditions are answered at the audit time, and an edge to a principal with no more access is no escalation.
import type { CatalogAction } from '../../catalog/types';
import type { CompiledPrincipal } from '../evaluate/types';
import { auditTimeContext, type Edge, type Path, type SelfEscalation } from '../graph';
import type { Principal } from '../sources/snapshot';
import type { RuleContext, RuleFinding, RuleMeta, Severity } from './types';
import { docsUrl, uniqueEvidence } from './support/meta';
import { createdBy } from './support/escalated';
import { pathCaveat, pathDetails, pathEvidence, pathSeverity, pathText, reachGoals } from './support/transitive';

/** Transitive: reads the whole account (who can act as whom), so it is never run over batches of principals. */
export const scope = 'account' as const;

export const meta: RuleMeta = {
  id: 'privilege-escalation',
  category: 'privilege-escalation',
  severity: 'high',
  title: 'Can escalate its own privileges',
  help:
    'The principal can give itself more permissions: it holds every action of a known IAM privilege-escalation ' +
    'path against a target that exists (CreatePolicyVersion on a policy it holds, PassRole of a more powerful ' +
    'role to a service that runs its code, AttachRolePolicy on itself, UpdateAssumeRolePolicy, ...), or it can ' +
    'act as a principal that can. Remove the actions, or scope them to resources that cannot lead back to more ' +
    'power (iam:PassRole to one named role with iam:PassedToService, IAM writes behind a permissions boundary ' +
    'condition), and cut the trust or PassRole hop the path shows.',
  docsUrl: docsUrl('privilege-escalation'),
};

const WRITE_LEVELS = new Set(['Write', 'Permissions management', 'Tagging']);
const ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const worst = (a: Severity, b: Severity): Severity => (ORDER.indexOf(a) <= ORDER.indexOf(b) ? a : b);

export function check(context: RuleContext): RuleFinding[] {
  const { analysis, graph, catalog, snapshot } = context;
  // Principals that can raise their own permissions in place: the goals of every path. Every principal of the
  // graph, so over an organization's graph a path may end in another account.
  const goals = new Map<string, boolean>();
  for (const arn of graph.principals) {
    const selves = graph.selfEscalationsOf(arn);
    if (selves.length)
      goals.set(
        arn,
        selves.some((s) => s.decision === 'allowed' && !s.needs),
      );
  }
  const reach = reachGoals(graph, goals);
  const waysTowards = graph.waysTowards((to) => reach.reaches(to));
  // The catalog's writes are made only when a path is weighed (an account with nobody in it never does).
  const gains = new GainCheck(context, () => catalog.actions.filter((a) => WRITE_LEVELS.has(a.accessLevel)));
  const findings: RuleFinding[] = [];
  for (const principal of analysis.principals) {
    if (principal.serviceLinked) continue;
    const selves = withGain(context, gains, principal, graph.selfEscalationsOf(principal.arn));
    const rewrites = graph.rewritesOf(principal.arn);
    // Only a certain way up of its own makes a path to another principal beside the point: one that needs a
    // fact (an Identity Center identity) or a condition must not hide a certain path.
    const path = goals.get(principal.arn) ? undefined : reach.path(principal.arn);
    let gain: { edge: Edge; path: Path } | undefined;
    if (selves.length === 0 && !path) {
      const edge = gains.firstGain(principal.arn);
      if (edge) gain = { edge, path: { from: principal.arn, to: edge.to, hops: [edge], certain: false } };
    }
    if (selves.length === 0 && !path && !gain && rewrites.length === 0) continue;

    let severity: Severity = 'info';
    const lines: string[] = [];
    const certainSelves = selves.filter((s) => s.decision === 'allowed' && !s.needs);
    if (selves.length) {
      severity = worst(severity, certainSelves.length ? 'high' : selves.every((s) => s.needs) ? 'info' : 'medium');
      const shown = (certainSelves.length ? certainSelves : selves).slice(0, 4);
      lines.push(
        `can raise its own permissions: ${shown.map((s) => `${s.pathId} on ${s.target === 'itself' ? 'itself' : short(s.target)} (${s.description})${s.needs ? `, which needs ${s.needs}` : ''}`).join('; ')}` +
          (selves.length > shown.length ? `; and ${selves.length - shown.length} more` : ''),
      );
    }
    const through = path ?? gain?.path;
    if (through) {
      const goalCertain = path ? (goals.get(path.to) ?? false) : true;
      severity = worst(severity, pathSeverity(through, 'high', goalCertain));
      lines.push(
        `${path ? 'can act as a principal that can raise its own permissions' : 'can act as a principal with more access'}: ` +
          `${pathText(through, snapshot.accountId)}. ${pathCaveat(through)}`.trimEnd(),
      );
    }
    if (rewrites.length) {
      severity = worst(severity, rewrites.some((r) => r.decision === 'allowed' && !r.needs) ? 'medium' : 'low');
      lines.push(
        `can rewrite the permissions of others: ${rewrites
          .slice(0, 3)
          .map(
            (r) =>
              `${r.pathId} on ${r.count} (${r.targets.slice(0, 2).map(short).join(', ')}${r.count > 2 ? ', ...' : ''})`,
          )
          .join('; ')}`,
      );
    }
    if (analysis.isExempt(principal.arn)) severity = 'info';

    // Every way out of the principal that leads to more power, by path id (assume-role edges by their kind).
    const towards = waysTowards(principal.arn, gain?.edge.to);
    const paths = [
      ...selves.map((s) => ({
        id: s.pathId,
        kind: 'self',
        target: s.target,
        actions: s.actions,
        decision: s.decision,
        dependsOn: s.dependsOn,
        ...(s.needs ? { needs: s.needs } : {}),
        ...(s.unresolved ? { unresolved: true } : {}),
      })),
      ...towards.map((id) => ({ id, kind: 'edge' })),
      ...rewrites.map((r) => ({
        id: r.pathId,
        kind: 'rewrite',
        targets: r.targets,
        count: r.count,
        actions: r.actions,
        decision: r.decision,
        dependsOn: r.dependsOn,
        ...(r.needs ? { needs: r.needs } : {}),
      })),
    ];
    findings.push({
      severity,
      message: `${lines.join('. ')}.`.replace(/\.\.$/, '.'),
      principalArn: principal.arn,
      location: principal.location,
      evidence: through
        ? [
            ...uniqueEvidence(
              selves.flatMap((s) => s.evidence),
              4,
            ),
            ...pathEvidence(through, 4),
          ]
        : uniqueEvidence([...selves.flatMap((s) => s.evidence), ...rewrites.flatMap((r) => r.evidence)]),
      details: { paths, ...(through ? { path: pathDetails(through) } : {}) },
      remediation:
        'Remove the IAM write and iam:PassRole grants the principal does not need; scope iam:PassRole to named roles with iam:PassedToService, require the permissions boundary (iam:PermissionsBoundary condition) on any role or user it may create, and cut the first hop of the path shown.',
    });
  }
  return findings;
}

/**
 * The escalations that give the principal something: a role or user it may create only under its own boundary
 * (the agent boundary requires it of agents) may hold no more than the principal already does, and creating one
 * is then no way up.
 */
function withGain(
  context: RuleContext,
  gains: GainCheck,
  principal: Principal,
  selves: readonly SelfEscalation[],
): readonly SelfEscalation[] {
  // Only a creation that depends on iam:PermissionsBoundary can be held to the creator's own boundary.
  const bound = (self: SelfEscalation) => self.dependsOn.some((key) => key.toLowerCase() === 'iam:permissionsboundary');
  if (!principal.permissionsBoundaryArn || !selves.some(bound)) return selves;
  const own = context.account.principal(principal.arn);
  if (!own) return selves;
  return selves.filter((self) => {
    if (!bound(self)) return true;
    const created = createdBy(context.graph, context.snapshot, context.catalog, principal, self);
    return created === undefined || gains.grantsMore(created, own);
  });
}

function short(arn: string): string {
  return arn.replace(/^arn:[^:]+:iam::\d{12}:/, '');
}

/**
 * Whether acting as another principal gives something new: a write-level action it can do and the source
 * cannot. A target allowing more such actions than the source certainly does (counted over the whole
 * catalog, once per principal); otherwise the actions are compared one by one, for at most
 * EXACT_CHECKS targets per source (a hub can lead to thousands of roles).
 */
const EXACT_CHECKS = 16;

class GainCheck {
  private readonly kinds = new Map<CompiledPrincipal, Uint8Array>();
  private readonly time;
  private writes?: readonly CatalogAction[];
  /** Each write's place in `writes`. */
  private positions?: Map<CatalogAction, number>;
  private byArn?: Map<string, Principal>;

  constructor(
    private readonly context: RuleContext,
    private readonly makeWrites: () => readonly CatalogAction[],
  ) {
    this.time = auditTimeContext(context.now);
  }

  private get actions(): readonly CatalogAction[] {
    this.writes ??= this.makeWrites();
    return this.writes;
  }

  firstGain(source: string): Edge | undefined {
    const { graph, analysis, account } = this.context;
    const mine = analysis.summary(source);
    const compiled = account.principal(source);
    if (!mine || !compiled) return undefined;
    const writes = mine.writeAllowed + mine.writeDepends;
    let exact = EXACT_CHECKS;
    // A target may be reached several ways (PassRole to a new project, or a build of an existing one): the
    // first certain way to a principal with more access wins, else the first way at all. Targets are marked
    // by node with this call's stamp, not kept in sets: every principal may walk thousands of roles.
    const stamp = this.nextStamp(graph.nodeCount);
    const { gained, checked } = this.marks!;
    let first: Edge | undefined;
    let alternatives = EXACT_CHECKS * 4;
    graph.forEachExit(source, (to, way) => {
      if (gained[to] !== stamp) {
        if (checked[to] === stamp) return true;
        checked[to] = stamp;
        const their = this.writesOf(to);
        if (their === 0) return true;
        const more = their > writes || (exact-- > 0 && this.grantsMore(account.principal(graph.nameOf(to))!, compiled));
        if (!more) return true;
        gained[to] = stamp;
      }
      const edge = graph.edgeBetween(source, graph.nameOf(to), way.pathId ?? way.kind);
      if (edge && edge.decision === 'allowed' && edge.needs === undefined) {
        first = edge;
        return false;
      }
      first ??= edge;
      // Bounded: a hub can lead to thousands of roles, each one way alike.
      return !(first && --alternatives < 0);
    });
    return first;
  }

  /** Marks of the targets firstGain has seen and found to gain, by node, valid for the current stamp. */
  private marks?: { gained: Int32Array; checked: Int32Array };
  private stamp = 0;
  /** Write-level actions each node's principal may make (0: none, or nothing known of it), by node; -1: not asked. */
  private writeCounts?: Int32Array;

  private nextStamp(nodes: number): number {
    if (!this.marks || this.marks.gained.length < nodes) {
      this.marks = { gained: new Int32Array(nodes), checked: new Int32Array(nodes) };
    }
    return ++this.stamp;
  }

  private writesOf(node: number): number {
    const { graph, analysis, account } = this.context;
    if (!this.writeCounts || this.writeCounts.length < graph.nodeCount) {
      const counts = new Int32Array(graph.nodeCount).fill(-1);
      if (this.writeCounts) counts.set(this.writeCounts);
      this.writeCounts = counts;
    }
    let count = this.writeCounts[node];
    if (count < 0) {
      const name = graph.nameOf(node);
      const theirs = analysis.summary(name);
      count = theirs && account.principal(name) ? theirs.writeAllowed + theirs.writeDepends : 0;
      this.writeCounts[node] = count;
    }
    return count;
  }

  /** Whether `target` may make some write `source` may not (over the catalog's writes, at the audit time). */
  grantsMore(target: CompiledPrincipal, source: CompiledPrincipal): boolean {
    const theirs = this.of(target);
    const mine = this.of(source);
    for (let i = 0; i < theirs.length; i++) if (theirs[i] !== 0 && mine[i] === 0) return true;
    return false;
  }

  private of(principal: CompiledPrincipal): Uint8Array {
    let kinds = this.kinds.get(principal);
    if (!kinds) {
      const all = this.actions;
      // A principal of the account (not one an escalation makes): only the writes some identity Allow of its
      // names can be anything but denied (analysis.restrict), so only those are asked.
      const { analysis, account } = this.context;
      const known = account.principal(principal.arn) === principal ? this.principalOf(principal.arn) : undefined;
      const asked = known ? analysis.restrict(known, all) : all;
      if (asked === all) kinds = principal.decisionKinds(all, this.time);
      else {
        kinds = new Uint8Array(all.length);
        const found = principal.decisionKinds(asked, this.time);
        const positions = (this.positions ??= new Map(all.map((action, i) => [action, i])));
        for (let i = 0; i < asked.length; i++) kinds[positions.get(asked[i])!] = found[i];
      }
      this.kinds.set(principal, kinds);
    }
    return kinds;
  }

  private principalOf(arn: string): Principal | undefined {
    this.byArn ??= new Map(this.context.analysis.principals.map((p) => [p.arn, p]));
    return this.byArn.get(arn);
  }
}
