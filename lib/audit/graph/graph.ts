// The access graph's structure and its closure. Nodes are principals, plus hub nodes: when a principal's
// answer does not depend on which target it acts on ("sts:AssumeRole on *" against every role that trusts its
// account), it gets one edge to a hub and the hub one edge to each target, so edges grow with principals plus
// targets, not their product. A hop through a hub counts as one hop and is shown as one edge.
//
// Shortest paths to a set of goals are found for every principal at once by one breadth-first search over
// the reversed edges (0-1 BFS: edges out of a hub weigh nothing), linear in nodes and edges.
import type { ProductionTags } from './tag-choices';
import type { SelfEscalation, Rewrite } from './escalation';
import type { Edge, EdgeKind, Path } from './types';

/** Half of an edge through a hub: the caller's side (into the hub) or the target's side (out of it). */
export type HalfEdge = Omit<Edge, 'from' | 'to'>;

interface StoredEdge {
  readonly from: number;
  readonly to: number;
  readonly half: HalfEdge;
}

/** Which edges a search may take. */
export type EdgeFilter = 'all' | 'certain';

export interface ReachOptions {
  /** @default 'all' */
  readonly edges?: EdgeFilter;
}

/** Shortest paths from every principal to the nearest goal. */
export interface Reach {
  /** The shortest path from `from` to a goal (length 0 when `from` is one), or undefined. */
  path(from: string): Path | undefined;
  /** Hops from `from` to the nearest goal, or undefined. */
  distance(from: string): number | undefined;
}

function certain(half: HalfEdge): boolean {
  return half.decision === 'allowed' && half.needs === undefined;
}

function merge(from: string, to: string, first: HalfEdge, second?: HalfEdge): Edge {
  if (!second) return { from, to, ...first };
  const dependsOn = [...first.dependsOn];
  for (const key of second.dependsOn) if (!dependsOn.includes(key)) dependsOn.push(key);
  const needs = [first.needs, second.needs].filter((n): n is string => n !== undefined);
  return {
    from,
    to,
    kind: first.kind,
    actions: first.actions,
    ...(first.pathId ? { pathId: first.pathId } : {}),
    decision: first.decision === 'allowed' && second.decision === 'allowed' ? 'allowed' : 'depends',
    dependsOn,
    ...(needs.length ? { needs: needs.join('; ') } : {}),
    ...(first.runsOn || second.runsOn ? { runsOn: [...(first.runsOn ?? []), ...(second.runsOn ?? [])] } : {}),
    evidence: [...first.evidence, ...second.evidence],
  };
}

export class AccessGraph {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly hub: boolean[] = [];
  private readonly edges: StoredEdge[] = [];
  private readonly out: number[][] = [];
  private readonly into: number[][] = [];
  private readonly selfEscalations = new Map<string, readonly SelfEscalation[]>();
  private readonly rewriteLists = new Map<string, readonly Rewrite[]>();

  constructor(
    /** When the graph was asked at: whoever compiles a principal anew for it asks at the same time. */
    readonly auditTime: Date = new Date(),
    /** What marks a production resource, for the tags a principal would choose (tag-choices.ts). */
    readonly productionTags?: ProductionTags,
  ) {}

  /** Principals (not hubs), in the order they were added. */
  get principals(): readonly string[] {
    return this.names.filter((_, i) => !this.hub[i]);
  }

  get edgeCount(): number {
    return this.edges.length;
  }

  get hubCount(): number {
    return this.hub.filter(Boolean).length;
  }

  has(arn: string): boolean {
    const id = this.ids.get(arn);
    return id !== undefined && !this.hub[id];
  }

  /** @internal the builder's: adds a principal or a hub (hub names start with `hub:`). */
  node(name: string, isHub = false): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
      this.hub.push(isHub);
      this.out.push([]);
      this.into.push([]);
    }
    return id;
  }

  /** @internal the builder's. */
  hasHub(name: string): boolean {
    return this.ids.has(name);
  }

  /** @internal the builder's: an edge between two nodes (a principal never gets an edge to itself). */
  link(from: number, to: number, half: HalfEdge): void {
    if (from === to) return;
    const index = this.edges.length;
    this.edges.push({ from, to, half });
    this.out[from].push(index);
    this.into[to].push(index);
  }

  /** @internal the builder's. */
  setSelfEscalations(arn: string, found: readonly SelfEscalation[]): void {
    if (found.length) this.selfEscalations.set(arn, found);
  }

  /** @internal the builder's. */
  setRewrites(arn: string, found: readonly Rewrite[]): void {
    if (found.length) this.rewriteLists.set(arn, found);
  }

  /** Ways the principal can raise its own permissions in place (IAM writes on itself, resolved). */
  selfEscalationsOf(arn: string): readonly SelfEscalation[] {
    return this.selfEscalations.get(arn) ?? [];
  }

  /** Other principals whose permissions it can rewrite (IAM writes on them, resolved). */
  rewritesOf(arn: string): readonly Rewrite[] {
    return this.rewriteLists.get(arn) ?? [];
  }

  /** Edges out of a principal, hubs expanded: one per (target, way). */
  edgesFrom(arn: string): Edge[] {
    const result: Edge[] = [];
    this.forEachExit(arn, (to, way, after) => {
      result.push(merge(arn, this.names[to], way, after));
      return true;
    });
    return result;
  }

  /** The edge from one principal to another (the first way found, through a hub or not), if any. */
  edgeBetween(from: string, to: string, pathId?: string): Edge | undefined {
    const id = this.ids.get(from);
    const target = this.ids.get(to);
    if (id === undefined || target === undefined) return undefined;
    for (const index of this.out[id]) {
      const edge = this.edges[index];
      if (pathId !== undefined && (edge.half.pathId ?? edge.half.kind) !== pathId) continue;
      if (edge.to === target) return merge(from, to, edge.half);
      if (!this.hub[edge.to]) continue;
      for (const second of this.out[edge.to]) {
        if (this.edges[second].to === target) return merge(from, to, edge.half, this.edges[second].half);
      }
    }
    return undefined;
  }

  /** Where the principal's own edges lead (hubs expanded), without building edge objects: target and way. */
  *exits(arn: string): Generator<{ readonly to: string; readonly kind: EdgeKind; readonly pathId?: string }> {
    const found: { to: string; kind: EdgeKind; pathId?: string }[] = [];
    this.forEachExit(arn, (to, way) => {
      found.push({ to: this.names[to], kind: way.kind, pathId: way.pathId });
      return true;
    });
    yield* found;
  }

  /** Nodes (principals and hubs), numbered from 0: the numbers forEachExit gives. */
  get nodeCount(): number {
    return this.names.length;
  }

  /** The principal (or hub) a node number stands for. */
  nameOf(node: number): string {
    return this.names[node];
  }

  /**
   * Where the principal's own edges lead, hubs expanded: `visit(to, way, after)` with the target's node number,
   * the way's half edge and, through a hub, the hub's half edge to the target, in the order the edges were made,
   * until it returns false. No object is made per exit: a caller that walks every role behind a hub for each
   * principal walks principals × roles, and each step must cost next to nothing.
   */
  forEachExit(arn: string, visit: (to: number, way: HalfEdge, after?: HalfEdge) => boolean): void {
    const id = this.ids.get(arn);
    if (id === undefined) return;
    for (const index of this.out[id]) {
      const edge = this.edges[index];
      const way = edge.half;
      if (!this.hub[edge.to]) {
        if (!visit(edge.to, way)) return;
        continue;
      }
      const through = this.out[edge.to];
      for (let i = 0; i < through.length; i++) {
        const next = this.edges[through[i]];
        if (next.to !== id && !visit(next.to, way, next.half)) return;
      }
    }
  }

  /**
   * The ways out of principals (pathId, else kind), each once in the order exits() first gives it, whose target
   * passes `leads` or is `also`. A hub's targets are tested once for every principal asking: expanding a hub
   * per principal, as exits() does, costs principals × roles when every role trusts the account.
   */
  waysTowards(leads: (to: string) => boolean): (from: string, also?: string) => string[] {
    // Per hub: how many of its targets lead, and the first one (a principal is never its own exit).
    const hubs = new Map<number, { count: number; first: number }>();
    const hubTargets = new Map<number, Set<number>>();
    const leading = (hub: number) => {
      let found = hubs.get(hub);
      if (!found) {
        found = { count: 0, first: -1 };
        for (const index of this.out[hub]) {
          const to = this.edges[index].to;
          if (!leads(this.names[to])) continue;
          if (found.count++ === 0) found.first = to;
          if (found.count > 1) break;
        }
        hubs.set(hub, found);
      }
      return found;
    };
    const reachesVia = (hub: number, source: number, target: number | undefined) => {
      const found = leading(hub);
      if (found.count > 1 || (found.count === 1 && found.first !== source)) return true;
      if (target === undefined || target === source) return false;
      let targets = hubTargets.get(hub);
      if (!targets) {
        targets = new Set(this.out[hub].map((index) => this.edges[index].to));
        hubTargets.set(hub, targets);
      }
      return targets.has(target);
    };
    return (from, also) => {
      const id = this.ids.get(from);
      if (id === undefined) return [];
      const alsoId = also === undefined ? undefined : this.ids.get(also);
      const ways = new Set<string>();
      for (const index of this.out[id]) {
        const edge = this.edges[index];
        const way = edge.half.pathId ?? edge.half.kind;
        if (ways.has(way)) continue;
        const leadsOut = this.hub[edge.to]
          ? reachesVia(edge.to, id, alsoId)
          : edge.to === alsoId || leads(this.names[edge.to]);
        if (leadsOut) ways.add(way);
      }
      return [...ways];
    };
  }

  /**
   * Shortest paths from every principal to the nearest of `goals` (principal ARNs), in one search over the
   * reversed edges: linear in nodes and edges, whatever the number of principals asking.
   */
  pathsTo(goals: Iterable<string>, options: ReachOptions = {}): Reach {
    const n = this.names.length;
    const dist = new Int32Array(n).fill(-1);
    const via = new Int32Array(n).fill(-1);
    const onlyCertain = options.edges === 'certain';
    // 0-1 BFS with a deque kept in one array: zero-weight pushes go to the front.
    const deque = new Int32Array(2 * n + 2);
    let head = n + 1;
    let tail = n + 1;
    for (const goal of goals) {
      const id = this.ids.get(goal);
      if (id === undefined || this.hub[id] || dist[id] === 0) continue;
      dist[id] = 0;
      deque[tail++] = id;
    }
    const settled = new Uint8Array(n);
    while (head < tail) {
      const node = deque[head++];
      if (settled[node]) continue;
      settled[node] = 1;
      for (const index of this.into[node]) {
        const edge = this.edges[index];
        if (onlyCertain && !certain(edge.half)) continue;
        const weight = this.hub[edge.from] ? 0 : 1;
        const candidate = dist[node] + weight;
        const known = dist[edge.from];
        if (known !== -1 && known <= candidate) continue;
        dist[edge.from] = candidate;
        via[edge.from] = index;
        if (weight === 0) deque[--head] = edge.from;
        else deque[tail++] = edge.from;
      }
    }
    return {
      distance: (from) => {
        const id = this.ids.get(from);
        return id === undefined || dist[id] < 0 ? undefined : dist[id];
      },
      path: (from) => {
        const id = this.ids.get(from);
        if (id === undefined || dist[id] < 0) return undefined;
        return this.walk(id, (node) => via[node]);
      },
    };
  }

  /**
   * The shortest path from one principal to the nearest other principal for which `goal` holds (a forward
   * search that stops at the first goal): the question "can any principal reachable from X do Y".
   */
  shortestPath(from: string, goal: (arn: string) => boolean, options: ReachOptions = {}): Path | undefined {
    const start = this.ids.get(from);
    if (start === undefined) return undefined;
    const n = this.names.length;
    const dist = new Int32Array(n).fill(-1);
    const via = new Int32Array(n).fill(-1);
    const settled = new Uint8Array(n);
    const onlyCertain = options.edges === 'certain';
    const deque = new Int32Array(2 * n + 2);
    let head = n + 1;
    let tail = n + 1;
    dist[start] = 0;
    deque[tail++] = start;
    while (head < tail) {
      const node = deque[head++];
      if (settled[node]) continue;
      settled[node] = 1;
      if (node !== start && !this.hub[node] && goal(this.names[node])) {
        return this.reverseWalk(start, node, via);
      }
      for (const index of this.out[node]) {
        const edge = this.edges[index];
        if (onlyCertain && !certain(edge.half)) continue;
        const weight = this.hub[node] ? 0 : 1;
        const candidate = dist[node] + weight;
        const known = dist[edge.to];
        if (known !== -1 && known <= candidate) continue;
        dist[edge.to] = candidate;
        via[edge.to] = index;
        if (weight === 0) deque[--head] = edge.to;
        else deque[tail++] = edge.to;
      }
    }
    return undefined;
  }

  /** Every principal reachable from `from` (not itself). */
  reachable(from: string, options: ReachOptions = {}): Set<string> {
    const found = new Set<string>();
    this.shortestPath(
      from,
      (arn) => {
        found.add(arn);
        return false;
      },
      options,
    );
    return found;
  }

  /** Follows `next(node)` edges from `start` towards a goal, merging hops through hubs. */
  private walk(start: number, next: (node: number) => number): Path {
    const hops: Edge[] = [];
    let node = start;
    for (let guard = 0; guard <= this.names.length; guard++) {
      const index = next(node);
      if (index < 0) break;
      const edge = this.edges[index];
      if (this.hub[edge.to]) {
        const second = this.edges[next(edge.to)];
        hops.push(merge(this.names[node], this.names[second.to], edge.half, second.half));
        node = second.to;
      } else {
        hops.push(merge(this.names[node], this.names[edge.to], edge.half));
        node = edge.to;
      }
    }
    return { from: this.names[start], to: this.names[node], hops, certain: hops.every((hop) => certain(hop)) };
  }

  private reverseWalk(start: number, end: number, via: Int32Array): Path {
    const chain: number[] = [];
    for (let node = end; node !== start; node = this.edges[via[node]].from) chain.push(via[node]);
    chain.reverse();
    const next = new Map<number, number>();
    for (const index of chain) next.set(this.edges[index].from, index);
    return this.walk(start, (node) => next.get(node) ?? -1);
  }
}
