// Resolving a decision against the snapshot's real targets: when a principal's answer for an action turns
// on the resource, only the targets some of its Allow statements name are asked about, one ARN at a time.
// Targets are kept sorted, so a pattern with a literal prefix looks at its prefix range only.
import { resourceMatches } from '../../policy';
import { resourceTagKeyOf } from '../evaluate/context';
import type { ActionDecision, CompiledPrincipal, RequestContext, ResourceTestOf } from '../evaluate/types';
import { memoize2, newMap } from '../../util/memo';

/** A target's tags, as the snapshot holds them (roles and users); undefined: not known. */
export type TagsOf = (arn: string) => Readonly<Record<string, string>> | undefined;

/** Targets that carry the same tags (TargetIndex.tagGroups): `index` names the group within its index. */
export interface TagGroup {
  readonly index: number;
  readonly tags: Readonly<Record<string, string>> | undefined;
  readonly arns: readonly string[];
}

/** Targets sorted into classes that get one answer (TargetIndex.classes). */
export interface TargetClasses {
  readonly classOf: Int32Array;
  readonly classes: readonly { readonly arns: readonly string[]; readonly key: string }[];
}

let nextIndexId = 0;

export class TargetIndex {
  private readonly sorted: readonly string[];
  /** Names this index in the keys of its sets (keyOfSet), so no two indexes' sets share a name. */
  private readonly id = nextIndexId++;

  /** `tagsOf`: the targets' own tags, for conditions on aws:ResourceTag or iam:ResourceTag (roles, users). */
  constructor(
    arns: Iterable<string>,
    readonly tagsOf?: TagsOf,
  ) {
    this.sorted = [...new Set(arns)].sort();
  }

  get size(): number {
    return this.sorted.length;
  }

  has(arn: string): boolean {
    return this.position(arn) >= 0;
  }

  /** Where the target sits in all(); -1 when it is none of them. */
  position(arn: string): number {
    const at = this.lowerBound(arn);
    return at < this.sorted.length && this.sorted[at] === arn ? at : -1;
  }

  all(): readonly string[] {
    return this.sorted;
  }

  /**
   * The targets in groups that carry the same tags (in sorted order, groups by first member), made once: an
   * answer that turns on a target's tags alone is the same for every target of a group. Needs `tagsOf`.
   */
  tagGroups(): readonly TagGroup[] {
    if (this.groups) return this.groups;
    const bySignature = new Map<string, { tags: Readonly<Record<string, string>> | undefined; arns: string[] }>();
    for (const arn of this.sorted) {
      const tags = this.tagsOf?.(arn);
      // Tags not known are a group of their own: asked without tags, as one target alone would be.
      const signature =
        tags === undefined ? '' : JSON.stringify(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      let group = bySignature.get(signature);
      if (!group) bySignature.set(signature, (group = { tags, arns: [] }));
      group.arns.push(arn);
    }
    this.groups = [...bySignature.values()].map((group, index) => ({ index, ...group }));
    const indexOf = new Map<string, number>();
    for (const group of this.groups) for (const arn of group.arns) indexOf.set(arn, group.index);
    this.groupOfSorted = Int32Array.from(this.sorted, (arn) => indexOf.get(arn)!);
    return this.groups;
  }

  /** By position in all(): the index of the target's tag group (made with tagGroups()). */
  groupIndexes(): Int32Array {
    this.tagGroups();
    return this.groupOfSorted!;
  }

  /**
   * A name for a set of these targets (given in the order all() keeps), the same for the same set whoever asks:
   * callers that reach the same targets alike share one hub to them.
   */
  keyOfSet(arns: readonly string[]): string {
    const rough = `${arns.length}\u0000${arns[0]}\u0000${arns[arns.length - 1]}`;
    let known = this.sets.get(rough);
    if (!known) this.sets.set(rough, (known = []));
    for (const set of known) {
      // The ARNs are this index's own strings: compared by reference, almost always.
      if (set.arns.every((arn, i) => arn === arns[i])) return set.key;
    }
    const key = `set:${this.id}.${this.setCount++}`;
    known.push({ arns, key });
    return key;
  }

  /**
   * The targets in classes that the Resource lists `tests` match alike and that carry the same tags (when known)
   * and account: by position in all(), each target's class, and each class's targets with the name of their set
   * (keyOfSet). Made once per set of lists: the callers of an account share a few.
   */
  classes(tests: readonly ResourceTestOf[]): TargetClasses {
    const key = tests
      .map((test) => test.key)
      .sort()
      .join('\u0001');
    let found = this.byTests.get(key);
    if (!found) {
      found = this.classesBy(tests);
      this.byTests.set(key, found);
    }
    return found;
  }

  private classesBy(tests: readonly ResourceTestOf[]): TargetClasses {
    const groupOf = this.tagsOf ? this.groupIndexes() : undefined;
    const classOf = new Int32Array(this.sorted.length);
    const bySignature = new Map<string, number>();
    const members: string[][] = [];
    for (let i = 0; i < this.sorted.length; i++) {
      const arn = this.sorted[i];
      let signature = `${groupOf ? groupOf[i] : ''}:${arn.split(':')[4] ?? ''}:`;
      for (const test of tests) signature += test.matches(arn) ? '1' : '0';
      let number = bySignature.get(signature);
      if (number === undefined) {
        bySignature.set(signature, (number = members.length));
        members.push([]);
      }
      classOf[i] = number;
      members[number].push(arn);
    }
    return { classOf, classes: members.map((arns) => ({ arns, key: this.keyOfSet(arns) })) };
  }

  private readonly byTests = new Map<string, TargetClasses>();
  private readonly sets = new Map<string, { readonly arns: readonly string[]; readonly key: string }[]>();
  private setCount = 0;
  private groups: readonly TagGroup[] | undefined;
  private groupOfSorted: Int32Array | undefined;

  /** Targets some pattern matches (a pattern's literal prefix bounds where to look). */
  matching(patterns: readonly string[]): string[] {
    const out = new Set<string>();
    for (const pattern of patterns) {
      const [first, end] = this.prefixRange(pattern);
      for (let i = first; i < end; i++) if (resourceMatches(pattern, this.sorted[i])) out.add(this.sorted[i]);
    }
    return [...out];
  }

  /** How many targets start with the literal prefix of some pattern: at least as many as the patterns match. */
  prefixCount(patterns: readonly string[]): number {
    let count = 0;
    for (const pattern of patterns) {
      const [first, end] = this.prefixRange(pattern);
      count += end - first;
    }
    return count;
  }

  /** The range of sorted targets that start with the pattern's literal prefix (up to its first `*` or `?`). */
  private prefixRange(pattern: string): [number, number] {
    const wildcard = pattern.search(/[*?]/);
    const prefix = wildcard < 0 ? pattern : pattern.slice(0, wildcard);
    const first = this.lowerBound(prefix);
    // Targets that start with the prefix sit together from `first`: the first that does not, by bisection.
    let lo = first;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid].startsWith(prefix)) lo = mid + 1;
      else hi = mid;
    }
    return [first, lo];
  }

  private lowerBound(prefix: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Resource patterns of the identity Allow statements behind a decision; undefined when any could be anything. */
function allowPatterns(decision: ActionDecision): string[] | undefined {
  const patterns: string[] = [];
  for (const ref of decision.allowedBy) {
    if (ref.layer !== 'identity') continue;
    const raw = ref.statement as { Resource?: unknown; NotResource?: unknown } | undefined;
    if (!raw || raw.NotResource !== undefined) return undefined;
    const resources = typeof raw.Resource === 'string' ? [raw.Resource] : raw.Resource;
    if (!Array.isArray(resources)) return undefined;
    for (const resource of resources) {
      if (typeof resource !== 'string') return undefined;
      // Policy variables make a pattern per principal: look at every target.
      if (resource.includes('${')) return undefined;
      patterns.push(resource);
    }
  }
  return patterns;
}

const onResource = new WeakMap<RequestContext, Map<string, RequestContext>>();
const onTaggedResource = new WeakMap<RequestContext, Map<string, RequestContext>>();

/**
 * `context` on one resource, one object per context and ARN: the evaluator shares decision templates between
 * principals by request object, and every caller asks about the same roles, users and policies. `tags`: the
 * resource's own tags when the snapshot holds them (one principal per ARN, so always the same for an ARN).
 */
export function withResource(
  context: RequestContext,
  resourceArn: string,
  tags?: Readonly<Record<string, string>>,
): RequestContext {
  if (tags !== undefined) {
    return memoize2(
      onTaggedResource,
      context,
      resourceArn,
      () => new Map(),
      () => ({ ...context, resourceArn, resourceTags: tags }),
    );
  }
  return memoize2(
    onResource,
    context,
    resourceArn,
    () => new Map(),
    () => ({ ...context, resourceArn }),
  );
}

/** A condition key on the target's own tags (`aws:ResourceTag/...`, or a service's name for them: `iam:ResourceTag/...`). */
function isResourceTagKey(key: string): boolean {
  return resourceTagKeyOf(key.toLowerCase()) !== undefined;
}

export type Resolved =
  | { readonly scope: 'none' }
  /** The answer is the same for every resource. */
  | { readonly scope: 'any'; readonly decision: ActionDecision }
  | {
      readonly scope: 'some';
      readonly targets: readonly { readonly arn: string; readonly decision: ActionDecision }[];
      /**
       * The targets in groups that share one answer, when they were found so (`targets` lists their members):
       * by tags (the answer turned on the targets' tags alone), or as principals that decide alike were
       * answered. `key` names the group's members within the TargetIndex, whoever asks.
       */
      readonly groups?: readonly TargetGroup[];
      /**
       * The answer on one target (undefined: denied, or not a target), without making `targets`: a caller that
       * looks up a few targets among thousands reached by class pays for those it looks up.
       */
      readonly decisionOf: (arn: string) => ActionDecision | undefined;
    };

/** Targets that share one answer (Resolved.groups). */
export interface TargetGroup {
  readonly key: string;
  readonly arns: readonly string[];
  readonly decision: ActionDecision;
}

/**
 * The principal's answer for `action` on each target: first without a resource (one answer for all when
 * the resource does not matter), otherwise per target that an Allow statement's pattern can match. An answer
 * that turns on the target's tags is asked per target too, with its tags, when the targets' tags are known:
 * `iam:PassRole` allowed only on roles tagged `team=x` reaches those roles for certain and no others.
 */
export function resolveTargets(
  principal: CompiledPrincipal,
  action: string,
  context: RequestContext,
  targets: TargetIndex,
  general: ActionDecision = principal.decide(action, context),
): Resolved {
  if (general.decision === 'denied') return { scope: 'none' };
  const byTags = targets.tagsOf !== undefined && general.dependsOn.some(isResourceTagKey);
  if (!byTags && !general.dependsOn.includes('resource')) return { scope: 'any', decision: general };
  const colon = action.indexOf(':');
  const alike = principal.decidesAlikeAs?.(colon > 0 ? action.slice(0, colon) : action);
  if (alike === undefined) return perTarget(principal, action, context, targets, general);
  // Principals that decide alike get the same answer on every target: asked once (an account's callers are
  // thousands, and most share the policies that let them assume or pass roles).
  const known = memoize2<TargetIndex, object, Map<string, Remembered[]>>(
    resolutions,
    targets,
    alike,
    () => new Map(),
    newMap,
  );
  const asked = `${action}\u0000${contextNumber(context)}`;
  let remembered = known.get(asked);
  if (!remembered) known.set(asked, (remembered = []));
  const same = remembered.find((r) => sameGeneral(r.general, general));
  if (same) return same.resolved;
  const resolved = perTarget(principal, action, context, targets, general);
  remembered.push({ general, resolved });
  return resolved;
}

/** What resolveTargets asked of each target for a general answer, kept for principals that decide alike. */
interface Remembered {
  readonly general: ActionDecision;
  readonly resolved: Resolved;
}

/** Whether Allow patterns (allowPatterns) reach every target. */
function everyTarget(patterns: readonly string[] | undefined): boolean {
  return patterns === undefined || patterns.every((pattern) => pattern === '*');
}

const resolutions = new WeakMap<TargetIndex, Map<object, Map<string, Remembered[]>>>();
const contextNumbers = new WeakMap<RequestContext, number>();

/** A number per request context object (decisions are shared by context object, see withResource). */
function contextNumber(context: RequestContext): number {
  let number = contextNumbers.get(context);
  if (number === undefined) contextNumbers.set(context, (number = nextContextNumber++));
  return number;
}
let nextContextNumber = 0;

/** Whether two general answers lead resolveTargets to the same targets: it reads no more of them than this. */
function sameGeneral(a: ActionDecision, b: ActionDecision): boolean {
  if (a === b) return true;
  return (
    a.decision === b.decision &&
    a.dependsOn.length === b.dependsOn.length &&
    a.dependsOn.every((key, i) => key === b.dependsOn[i]) &&
    a.allowedBy.length === b.allowedBy.length &&
    a.allowedBy.every((ref, i) => ref.layer === b.allowedBy[i].layer && ref.statement === b.allowedBy[i].statement)
  );
}

/** Targets from which perTarget asks per class of targets (perClass): below it, one by one costs less. */
const CLASS_THRESHOLD = 16;

/**
 * The principal's answer on each class of targets (TargetIndex.classes), asked of one target of each, and so
 * on each target. Exact: targets of a class are matched alike by every Resource of the statements that may
 * answer, and carry the same tags and account, which is all of a target the evaluator reads.
 */
function perClass(
  principal: CompiledPrincipal,
  action: string,
  context: RequestContext,
  targets: TargetIndex,
  tests: readonly ResourceTestOf[],
): Resolved {
  const { classOf, classes } = targets.classes(tests);
  const groups: TargetGroup[] = [];
  const byClass: (ActionDecision | undefined)[] = [];
  for (let c = 0; c < classes.length; c++) {
    const { arns, key } = classes[c];
    const decision = principal.decide(action, withResource(context, arns[0], targets.tagsOf?.(arns[0])));
    if (decision.decision === 'denied') continue;
    byClass[c] = decision;
    groups.push({ key, arns, decision });
  }
  if (groups.length === 0) return { scope: 'none' };
  return grouped(targets, classOf, byClass, groups);
}

/**
 * Resolved targets given by group: the list of targets is made when read, in the order of all(), and not kept.
 * A resolution is remembered for the principals that decide alike, and a list per caller of thousands of
 * targets, kept, grew with callers times targets (2 GB at 10,000 roles granted by name pattern).
 */
function grouped(
  index: TargetIndex,
  groupOf: Int32Array,
  byGroup: readonly (ActionDecision | undefined)[],
  groups: readonly TargetGroup[],
): Resolved {
  const all = index.all();
  return {
    scope: 'some',
    groups,
    decisionOf: (arn) => {
      const at = index.position(arn);
      return at < 0 ? undefined : byGroup[groupOf[at]];
    },
    get targets() {
      const out: { arn: string; decision: ActionDecision }[] = [];
      for (let i = 0; i < all.length; i++) {
        const decision = byGroup[groupOf[i]];
        if (decision) out.push({ arn: all[i], decision });
      }
      return out;
    },
  };
}

/** The principal's answer on each group of targets with the same tags (perTarget), and so on each target. */
function perTagGroup(
  principal: CompiledPrincipal,
  action: string,
  context: RequestContext,
  targets: TargetIndex,
): Resolved {
  const groups: TargetGroup[] = [];
  const byGroup: (ActionDecision | undefined)[] = [];
  for (const group of targets.tagGroups()) {
    const decision = principal.decide(action, withResource(context, group.arns[0], group.tags));
    if (decision.decision === 'denied') continue;
    groups.push({ key: targets.keyOfSet(group.arns), arns: group.arns, decision });
    byGroup[group.index] = decision;
  }
  if (groups.length === 0) return { scope: 'none' };
  // The targets in the order perTarget gives them (sorted), so whoever links them one by one links alike.
  return grouped(targets, targets.groupIndexes(), byGroup, groups);
}

/** The principal's answer on each target its general answer's Allow patterns can match. */
function perTarget(
  principal: CompiledPrincipal,
  action: string,
  context: RequestContext,
  targets: TargetIndex,
  general: ActionDecision,
): Resolved {
  const patterns = allowPatterns(general);
  // An answer on the targets' tags alone (no Allow or Deny reads which resource), over every target: asked once
  // per group of targets with the same tags, so a caller of an account of thousands of roles that grants
  // sts:AssumeRole by tag (ABAC) costs one question per distinct tag set, not one per role.
  if (targets.tagsOf !== undefined && !general.dependsOn.includes('resource') && everyTarget(patterns)) {
    return perTagGroup(principal, action, context, targets);
  }
  // Many targets (roles a name pattern grants, as ABAC by name does): asked once per class of targets that every
  // statement's Resource tells apart no more, and that carry the same tags and account. Counted by the patterns'
  // literal prefixes, before any is matched: matching them is itself a cost per caller and target.
  if ((patterns === undefined ? targets.size : targets.prefixCount(patterns)) > CLASS_THRESHOLD) {
    const colon = action.indexOf(':');
    const tests = principal.resourceTestsOf?.(colon > 0 ? action.slice(0, colon) : action);
    if (tests !== undefined) return perClass(principal, action, context, targets, tests);
  }
  const candidates = patterns === undefined ? targets.all() : targets.matching(patterns);
  const out: { arn: string; decision: ActionDecision }[] = [];
  for (const arn of candidates) {
    const decision = principal.decide(action, withResource(context, arn, targets.tagsOf?.(arn)));
    if (decision.decision !== 'denied') out.push({ arn, decision });
  }
  return out.length ? listed(out) : { scope: 'none' };
}

/** Resolved targets as a list: looked up one by one in it while short, by a map made once when longer. */
function listed(targets: readonly { readonly arn: string; readonly decision: ActionDecision }[]): Resolved {
  let byArn: Map<string, ActionDecision> | undefined;
  return {
    scope: 'some',
    targets,
    decisionOf: (arn) => {
      if (targets.length <= 8) return targets.find((t) => t.arn === arn)?.decision;
      byArn ??= new Map(targets.map((t) => [t.arn, t.decision]));
      return byArn.get(arn);
    },
  };
}
