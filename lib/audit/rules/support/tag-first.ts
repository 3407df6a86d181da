// A guard keyed on a tag of the resource other than the production key (`Deny rds:Delete* unless
// aws:ResourceTag/delete-ok is true`) holds only while nobody can set that tag: a principal that may tag the
// production resource first (rds:AddTagsToResource with delete-ok=true) writes the tag, then deletes. So does a
// grant that compares the resource's tag with the principal's own (ABAC: `aws:ResourceTag/team` is
// `${aws:PrincipalTag/team}`) for a principal that may write its own team on a production resource. These are
// the deletions that "depend on" such a tag and that the principal lets through by tagging, each only where it
// may write that tag on the resource with its service's own tagging action.
import { normalizeConditions, type NormalizedCondition, type PolicyStatementDocument } from '../../../policy';
import { memoize2, newMap } from '../../../util/memo';
import { withWildcardsFilled } from '../../../policy/wildcard';
import type { Catalog, CatalogAction } from '../../../catalog/types';
import { TAG_KEYS } from '../../evaluate/caller-picks';
import { anyResourceTagKeyOf } from '../../evaluate/context';
import type {
  ActionDecision,
  CompiledPrincipal,
  DecisionRuns,
  RequestContext,
  RunDecision,
} from '../../evaluate/types';
import type { Principal } from '../../sources/snapshot';
import { DETAIL_LIMIT, type ProductionTally } from './production-tally';

/** What tagging first lets through: the tags written, the actions that write them, and the deletions. */
export interface TagFirst {
  readonly tags: Readonly<Record<string, string>>;
  readonly tagActions: readonly string[];
  readonly actions: readonly string[];
  /** The actions' answers once the resource carries the tags (evidence), not reported. */
  readonly decisions: readonly ActionDecision[];
}

/** A value that is one principal tag and nothing else. */
const PRINCIPAL_TAG_VARIABLE = /^\$\{aws:principaltag\/([^}]+)\}$/i;
/** A value no policy names: what escapes a Deny that names the tag's values. */
const OTHER_VALUE = 'leash-other';
/** At most this many tag sets are asked (values of one key each): a policy names a handful. */
const MAX_TAG_SETS = 16;

/**
 * Tagging actions of a service that write tags rather than remove them, made once per catalog and service: only
 * candidates, named by verb (the catalog does not say which tagging call adds); whether one lets the tag be
 * written is the evaluator's answer, asked with the tag it sends.
 */
const tagWriters = new WeakMap<Catalog, Map<string, readonly CatalogAction[]>>();

function tagWritersOf(catalog: Catalog, service: string): readonly CatalogAction[] {
  return memoize2(tagWriters, catalog, service, newMap<string, readonly CatalogAction[]>, () =>
    catalog
      .serviceActions(service)
      .filter((action) => action.accessLevel === 'Tagging' && !/^(Untag|Remove|Delete)/.test(action.name)),
  );
}

/**
 * Whether `writer` tags what `deletion` deletes: they share a resource type (s3:PutBucketTagging tags the bucket
 * s3:DeleteBucket deletes, s3:PutObjectTagging does not). A deletion that names no resource type takes any.
 */
function tagsWhatItDeletes(writer: CatalogAction, deletion: CatalogAction): boolean {
  if (deletion.resourceTypes.length === 0) return true;
  return writer.resourceTypes.some((type) => deletion.resourceTypes.some((other) => other.name === type.name));
}

/**
 * The deletions among `runs` (over `asked`, answered in `request`) that depend only on tags of the resource other
 * than `productionKeys`, and that the principal lets through by writing one such tag first; undefined when none.
 * The tag set that lets the most through is taken.
 */
export function tagFirstDeletions(
  compiled: Pick<CompiledPrincipal, 'decide' | 'decideMany'>,
  catalog: Catalog,
  asked: readonly CatalogAction[],
  runs: DecisionRuns,
  request: RequestContext,
  productionKeys: readonly string[],
  principal: Pick<Principal, 'tags'>,
): TagFirst | undefined {
  const candidates: { action: CatalogAction; decision: RunDecision }[] = [];
  const { ends, decisions } = runs;
  for (let k = 0; k < decisions.length; k++) {
    const decision = decisions[k];
    if (decision.decision !== 'depends') continue;
    for (let i = k === 0 ? 0 : ends[k - 1]; i < ends[k]; i++) candidates.push({ action: asked[i], decision });
  }
  return tagFirstWrites(compiled, catalog, candidates, request, productionKeys, principal);
}

/**
 * tagFirstDeletions for any actions, each with its answer in `request`: those that depend only on tags of the
 * resource other than `productionKeys` and that the principal lets through by writing one such tag first.
 */
export function tagFirstWrites(
  compiled: Pick<CompiledPrincipal, 'decide' | 'decideMany'>,
  catalog: Catalog,
  candidates: readonly { readonly action: CatalogAction; readonly decision: RunDecision }[],
  request: RequestContext,
  productionKeys: readonly string[],
  principal: Pick<Principal, 'tags'>,
): TagFirst | undefined {
  if (request.resourceTags === undefined) return undefined;
  const principalTags = new Map(Object.entries(principal.tags).map(([key, value]) => [key.toLowerCase(), value]));
  const production = new Set(productionKeys.map((key) => key.toLowerCase()));
  const open: CatalogAction[] = [];
  const values = new Map<string, Set<string>>();
  const read = new Set<RunDecision>();
  for (const { action, decision } of candidates) {
    if (decision.decision !== 'depends' || !onOtherTagsOnly(decision, production)) continue;
    open.push(action);
    if (read.has(decision)) continue;
    read.add(decision);
    writtenTagValues(decision, principalTags, values);
  }
  if (open.length === 0) return undefined;
  let best: TagFirst | undefined;
  for (const tags of tagSets(values)) {
    // First whether it may write the tag at all (a few questions), on the production resource as it is before
    // the write, with the tag sent: only then are the deletions asked again.
    // Only the tag written is sent: the question's own tag keys (a rewrite of the production tag) are not.
    const writing: RequestContext = { ...request, requestTags: tags, contextKeys: withoutTagKeys(request.contextKeys) };
    const allowedWriter = new Map<CatalogAction, boolean>();
    const writerFor = (deletion: CatalogAction) =>
      tagWritersOf(catalog, deletion.service).find((writer) => {
        if (!tagsWhatItDeletes(writer, deletion)) return false;
        let allowed = allowedWriter.get(writer);
        if (allowed === undefined) {
          allowed = compiled.decide(writer.action, writing).decision === 'allowed';
          allowedWriter.set(writer, allowed);
        }
        return allowed;
      });
    const writers = new Map<string, string>();
    for (const deletion of open) {
      const writer = writerFor(deletion);
      if (writer !== undefined) writers.set(deletion.action, writer.action);
    }
    if (writers.size === 0) continue;
    const tagged: RequestContext = { ...request, resourceTags: { ...request.resourceTags, ...tags } };
    const writable = open.filter((action) => writers.has(action.action));
    const allowed = compiled.decideMany(writable, tagged).filter((d) => d.decision === 'allowed');
    if (allowed.length > (best?.actions.length ?? 0)) {
      const actions = allowed.map((d) => d.action);
      best = {
        tags,
        tagActions: [...new Set(actions.map((action) => writers.get(action)!))],
        actions,
        decisions: allowed,
      };
    }
  }
  return best;
}

/** Context keys without aws:TagKeys (any spelling), so that the request's tags give it. */
function withoutTagKeys(keys: RequestContext['contextKeys']): RequestContext['contextKeys'] {
  if (keys === undefined) return undefined;
  const kept = Object.entries(keys).filter(([key]) => key.toLowerCase() !== TAG_KEYS);
  return kept.length === Object.keys(keys).length ? keys : Object.fromEntries(kept);
}

/** Whether the answer turns only on tags of the resource, none of them a production key. */
function onOtherTagsOnly(decision: RunDecision, production: ReadonlySet<string>): boolean {
  if (decision.dependsOn.length === 0) return false;
  return decision.dependsOn.every((key) => {
    const tagKey = anyResourceTagKeyOf(key.toLowerCase());
    return tagKey !== undefined && !production.has(tagKey);
  });
}

/** Each statement's conditions, read once (statements are shared objects of the snapshot's documents). */
const conditionsOf = new WeakMap<object, readonly NormalizedCondition[]>();

function statementConditions(statement: unknown): readonly NormalizedCondition[] {
  if (typeof statement !== 'object' || statement === null) return [];
  let found = conditionsOf.get(statement);
  if (!found) {
    // A statement the evaluator compiled, so its Condition block is well formed.
    found = normalizeConditions((statement as PolicyStatementDocument).Condition);
    conditionsOf.set(statement, found);
  }
  return found;
}

/** The values the deciding statements write for each resource tag key they read (wildcards filled), by tag key. */
function writtenTagValues(
  decision: RunDecision,
  principalTags: ReadonlyMap<string, string>,
  out: Map<string, Set<string>>,
): void {
  for (const ref of [...decision.allowedBy, ...decision.deniedBy]) {
    for (const condition of statementConditions(ref.statement)) {
      const tagKey = anyResourceTagKeyOf(condition.key.toLowerCase());
      if (tagKey === undefined) continue;
      // The key as the condition spells it after its prefix: the tag is written so.
      const written = condition.key.slice(condition.key.indexOf('/') + 1);
      let set = out.get(written);
      if (!set) out.set(written, (set = new Set()));
      for (const value of condition.values) {
        // ABAC's `${aws:PrincipalTag/team}`: its own value, which it may write on any resource it may tag.
        const variable = PRINCIPAL_TAG_VARIABLE.exec(value);
        if (variable) {
          const own = principalTags.get(variable[1].toLowerCase());
          if (own !== undefined) set.add(own);
        } else if (!value.includes('${')) set.add(withWildcardsFilled(value));
      }
    }
  }
}

/** One tag set per value of each key (and a value none names), at most MAX_TAG_SETS. */
function tagSets(values: ReadonlyMap<string, ReadonlySet<string>>): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const [key, named] of values) {
    for (const value of [...named, OTHER_VALUE]) {
      out.push({ [key]: value });
      if (out.length === MAX_TAG_SETS) return out;
    }
  }
  return out;
}

/** How a finding says it: "2 of them once it tags the resource delete-ok=true first (rds:AddTagsToResource)". */
export function tagFirstText(tagFirst: TagFirst): string {
  const tags = Object.entries(tagFirst.tags)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
  return `${tagFirst.actions.length} of them once it tags the resource ${tags} first (${tagFirst.tagActions.join(', ')})`;
}

/** `details.tagFirst` of a finding: the tags, the tagging actions and the actions they let through. */
export function tagFirstDetails(tagFirst: TagFirst | undefined): Record<string, unknown> {
  return tagFirst
    ? { tagFirst: { tags: tagFirst.tags, tagActions: tagFirst.tagActions, actions: tagFirst.actions } }
    : {};
}

/** The tally with the actions tagging lets through counted as allowed (the lists keep their limit). */
export function withTagFirst<T extends Pick<ProductionTally, 'allowedCount' | 'dependsCount' | 'allowed' | 'depends'>>(
  tally: T,
  tagFirst: TagFirst,
): T {
  const moved = new Set(tagFirst.actions);
  const count = tagFirst.actions.length;
  return {
    ...tally,
    allowedCount: tally.allowedCount + count,
    dependsCount: tally.dependsCount - count,
    allowed: [...tally.allowed, ...tagFirst.actions].slice(0, Math.max(tally.allowed.length, DETAIL_LIMIT)),
    depends: tally.depends.filter((action) => !moved.has(action)),
  };
}
