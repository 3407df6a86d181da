// What "a production resource" means in a request, and which guardrail fails to stop an action on one.
import { anyResourceTagKeyOf } from '../../evaluate/context';
import {
  choosesSession,
  picksBeyondRegion,
  sendsTags,
  SOURCE_IDENTITY,
  withCallerPick,
  type CallerPick,
} from '../../evaluate/caller-picks';
import { setsNoSourceIdentity } from '../../evaluate/compile-account';
import type { AccountSnapshot, Principal } from '../../sources/snapshot';
import { compileActionMatcher } from '../../../policy';
import { innerStore, memoize2, newWeakMap } from '../../../util/memo';
import type { Catalog, CatalogAction } from '../../../catalog/types';
import { conditionalDeletes } from '../../../guardrails/conditional-deletes';
import type { GuardrailSpec } from '../../../guardrails/spec';
import type { RequestContext } from '../../evaluate/types';
import type { PolicyInUse } from './policies';

/** One production tag a resource can carry, e.g. key `environment`, value `prod`. */
export interface ProductionTag {
  readonly key: string;
  readonly value: string;
  /** `key=value`, as findings name it. */
  readonly text: string;
}

/** A request on a resource tagged as production, e.g. `environment=production`: the first key and value. */
export function productionContext(guardrails: GuardrailSpec): RequestContext {
  const { tagKeys, values } = guardrails.production;
  return { resourceTags: { [tagKeys[0]]: values[0] }, resourceTagKeysKnown: tagKeys };
}

/**
 * A request on a resource with each of `tags` (AccountAnalysis.productionTags: every production tag key, and
 * each value a policy tells apart), with the tag it asks about, in that order.
 */
export function productionContexts(tags: readonly ProductionTag[]): { request: RequestContext; tag: string }[] {
  const resourceTagKeysKnown = productionKeysOf(tags);
  return tags.map(({ key, value, text }) => ({
    request: { resourceTags: { [key]: value }, resourceTagKeysKnown },
    tag: text,
  }));
}

/**
 * The production tag keys of a list of production tags (every key is in it): a production resource in a question
 * has one of them and not the others, and any other tag (team, owner) is unknown.
 */
export function productionKeysOf(tags: readonly ProductionTag[]): string[] {
  return [...new Set(tags.map((tag) => tag.key))];
}

/**
 * What can-delete-production asks: every delete and recreate of the catalog, and the calls that delete only
 * when a request parameter says so (route53:ChangeResourceRecordSets), asked with the parameter that deletes.
 */
export function productionDeletion(
  catalog: Catalog,
  guardrails: GuardrailSpec,
): { actions: CatalogAction[]; request: RequestContext } {
  const conditional = conditionalDeletes(catalog);
  const actions = catalog.destructive.filter((a) => a.classes.includes('delete') || a.classes.includes('recreate'));
  const contextKeys = Object.fromEntries(conditional.map(({ entry }) => [entry.key.toLowerCase(), [entry.values[0]]]));
  return {
    actions: [...actions, ...conditional.map(({ action }) => action)],
    request: { ...productionContext(guardrails), contextKeys },
  };
}

/**
 * productionDeletion() asked once per production tag of `tags` (a grant or an SCP may name one key and not
 * the other, or compare one value only, case-sensitively), each with the tag it asks about, in that order.
 */
export function productionDeletions(
  catalog: Catalog,
  guardrails: GuardrailSpec,
  tags: readonly ProductionTag[],
): { actions: readonly CatalogAction[]; requests: readonly { request: RequestContext; tag: string }[] } {
  // Made once per catalog and guardrails, with one request object per tag: asked for every principal (of an
  // account whose policies cannot all be read), and the evaluator shares its answers by request object.
  const { actions, perTag } = memoize2<Catalog, GuardrailSpec, DeletionsAsked>(
    deletionsAsked,
    catalog,
    guardrails,
    newWeakMap,
    () => {
      const { actions: asked, request } = productionDeletion(catalog, guardrails);
      return { actions: asked, perTag: requestsPerTag(request) };
    },
  );
  return { actions, requests: perTag(tags) };
}

interface DeletionsAsked {
  readonly actions: readonly CatalogAction[];
  readonly perTag: ReturnType<typeof requestsPerTag>;
}

const deletionsAsked = new WeakMap<Catalog, WeakMap<GuardrailSpec, DeletionsAsked>>();

/**
 * Requests on a resource with each production tag, made once per tag and shared by every principal that asks
 * (the evaluator shares decision templates between principals by request object): `base` plus the tag.
 */
export function requestsPerTag(
  base: RequestContext,
): (tags: readonly ProductionTag[], picks?: readonly CallerPick[]) => TagRequest[] {
  const byText = new Map<string, TagRequest>();
  const byList = new Map<readonly ProductionTag[], Map<readonly CallerPick[], TagRequest[]>>();
  const withPicks = new Map<TagRequest, Map<CallerPick, TagRequest>>();
  const one = ({ key, value, text }: ProductionTag, pick?: CallerPick): TagRequest => {
    let made = byText.get(text);
    if (!made) {
      made = { request: { ...base, resourceTags: { [key]: value } }, tag: text };
      byText.set(text, made);
    }
    if (pick === undefined) return made;
    let picked = withPicks.get(made);
    if (!picked) withPicks.set(made, (picked = new Map()));
    let found = picked.get(pick);
    if (!found) {
      found = { request: withCallerPick(made.request, pick), tag: text, pick };
      picked.set(pick, found);
    }
    return found;
  };
  return (tags, picks = NO_PICKS) => {
    let byPicks = byList.get(tags);
    if (!byPicks) byList.set(tags, (byPicks = new Map()));
    let list = byPicks.get(picks);
    if (!list) {
      // With the picked keys unknown first: a pick is named only where it lets more through.
      list = [...tags.map((tag) => one(tag)), ...picks.flatMap((pick) => tags.map((tag) => one(tag, pick)))];
      byPicks.set(picks, list);
    }
    return list;
  };
}

/**
 * Where a caller pick lets more through than those keys left unknown: the pick, which the finding names (its
 * counts are those of a request made so).
 */
export function inPick(pick: CallerPick | undefined): string {
  return pick === undefined ? '' : ` ${pick.label} (${pickReason(pick)})`;
}

/** Why a finding may assume the pick: the caller makes it. */
export function pickReason(pick: CallerPick): string {
  if (!picksBeyondRegion(pick)) return 'a region the policies let the request name';
  if (choosesSession(pick)) {
    return "a request the caller may make so: the role's trust lets whoever assumes it choose how its session is made";
  }
  if (sendsTags(pick)) {
    return 'a request the caller may make so: the tags it sends are its pick';
  }
  return 'a request the caller may make so: where and how it calls is its pick';
}

/** What a finding's details say of the pick it names. */
export function pickDetails(pick: CallerPick | undefined): Record<string, unknown> {
  if (pick === undefined) return {};
  const rest = picksBeyondRegion(pick);
  return {
    ...(pick.region === undefined ? {} : { requestedRegion: pick.region }),
    ...(rest ? { callerPick: pick.label } : {}),
    // A source identity is chosen by whoever made the first session of a chain: a goal for this principal's
    // sessions, not for a caller whose own session may carry another (support/transitive.ts directGoalOf).
    ...(pick.keys[SOURCE_IDENTITY] !== undefined ? { sourceIdentityPicked: true } : {}),
  };
}

/**
 * Whether the principal's requests may carry a source identity someone else chose: a role whose trust allows
 * sts:SetSourceIdentity. Such a session passes it on to every role it assumes, and so to a role it creates.
 */
export function mayCarrySourceIdentity(snapshot: AccountSnapshot, principal: Principal): boolean {
  return principal.kind === 'role' && !setsNoSourceIdentity(snapshot, principal);
}

const combined = new WeakMap<readonly CallerPick[], WeakMap<readonly CallerPick[], readonly CallerPick[]>>();

/**
 * The caller picks and then the tag sets the principal may send (AccountAnalysis.productionPicks, tagSends): what
 * a production question whose answer turns on the request's tags is asked again with. One array per pair.
 */
export function picksAndSends(
  analysis: {
    productionPicks(principal: Principal): readonly CallerPick[];
    tagSends(principal: Principal): readonly CallerPick[];
  },
  principal: Principal,
): readonly CallerPick[] {
  const picks = analysis.productionPicks(principal);
  const sends = analysis.tagSends(principal);
  if (sends.length === 0) return picks;
  let bySends = combined.get(picks);
  if (!bySends) combined.set(picks, (bySends = new WeakMap()));
  let both = bySends.get(sends);
  if (!both) bySends.set(sends, (both = [...picks, ...sends]));
  return both;
}

/** A production question: the request, the tag it asks about, and the caller pick it is made with. */
export interface TagRequest {
  readonly request: RequestContext;
  readonly tag: string;
  readonly pick?: CallerPick;
}

const NO_PICKS: readonly CallerPick[] = [];

const arnQuestionsByConfig = new WeakMap<GuardrailSpec, WeakMap<Catalog, ProductionArnQuestion[]>>();

/** A deletion question on one explicit production ARN. */
export interface ProductionArnQuestion {
  readonly arn: string;
  /** The deletions whose resource types can have this ARN. */
  readonly actions: readonly CatalogAction[];
  readonly request: RequestContext;
}

/**
 * What can-delete-production asks of each ARN in `guardrails.production.arns`: the deletions whose resource
 * types can have that ARN (by the reference's ARN templates), on that resource with no tags, which is what an
 * ARN in the config is for. Made once per config and catalog.
 */
export function productionArnDeletions(catalog: Catalog, guardrails: GuardrailSpec): readonly ProductionArnQuestion[] {
  let byCatalog = arnQuestionsByConfig.get(guardrails);
  if (!byCatalog) {
    byCatalog = new WeakMap();
    arnQuestionsByConfig.set(guardrails, byCatalog);
  }
  let questions = byCatalog.get(catalog);
  if (!questions) {
    const { arns } = guardrails.production;
    if (arns.length === 0) questions = [];
    else {
      const { actions, request } = productionDeletion(catalog, guardrails);
      questions = arns.map((arn) => ({
        arn,
        actions: actions.filter((action) =>
          action.resourceTypes.some((type) => arnTemplateMatches(type.arnTemplate, arn)),
        ),
        request: { ...request, resourceArn: arn, resourceTags: {} },
      }));
    }
    byCatalog.set(catalog, questions);
  }
  return questions;
}

const inputQuestions = new WeakMap<AccountSnapshot, WeakMap<GuardrailSpec, ProductionArnQuestion[]>>();

/**
 * What can-delete-production asks of each production resource the input defines (AccountSnapshot.resources:
 * a template's tagged resources with a fixed ARN): the deletions whose resource types can have its ARN, on it
 * with its tags (other tags, a stack's own among them, unknown). A grant on its ARN then deletes it for certain
 * where the tag questions, asked of "some resource", can only say it depends on the resource.
 */
export function inputProductionDeletions(
  catalog: Catalog,
  guardrails: GuardrailSpec,
  snapshot: AccountSnapshot,
): readonly ProductionArnQuestion[] {
  if (!snapshot.resources?.length) return [];
  return memoize2(inputQuestions, snapshot, guardrails, newWeakMap<GuardrailSpec, ProductionArnQuestion[]>, () => {
    const { actions, request } = productionDeletion(catalog, guardrails);
    return arnQuestions(taggedProduction(guardrails, snapshot), actions, request, guardrails.production.tagKeys);
  });
}

const arnQuestionLists = new WeakMap<
  AccountSnapshot,
  WeakMap<GuardrailSpec, WeakMap<readonly CatalogAction[], ProductionArnQuestion[]>>
>();

/**
 * `actions` asked of each production resource known by ARN: the config's `production.arns` (no tags) and the
 * resources the input defines whose tags make them production (their tags, any other tag unknown), each with
 * the actions whose resource types can have its ARN. Made once per snapshot, config and action list.
 */
export function productionArnQuestions(
  guardrails: GuardrailSpec,
  snapshot: AccountSnapshot,
  actions: readonly CatalogAction[],
): readonly ProductionArnQuestion[] {
  const { tagKeys, arns } = guardrails.production;
  if (arns.length === 0 && !snapshot.resources?.length) return [];
  const byActions = memoize2(
    arnQuestionLists,
    snapshot,
    guardrails,
    newWeakMap<GuardrailSpec, WeakMap<readonly CatalogAction[], ProductionArnQuestion[]>>,
    newWeakMap<readonly CatalogAction[], ProductionArnQuestion[]>,
  );
  // Keyed by the action list too: each rule asks its own list, made once per check.
  return innerStore(byActions, actions, () =>
    arnQuestions(
      [...arns.map((arn) => ({ arn, tags: {} })), ...taggedProduction(guardrails, snapshot)],
      actions,
      {},
      tagKeys,
    ),
  );
}

/** The resources the input defines whose tags make them production (values compared in any case, as the guardrails do). */
function taggedProduction(
  guardrails: GuardrailSpec,
  snapshot: AccountSnapshot,
): { arn: string; tags: Readonly<Record<string, string>> }[] {
  const keys = new Set(guardrails.production.tagKeys.map((key) => key.toLowerCase()));
  const production = new Set(guardrails.production.values.map((value) => value.toLowerCase()));
  return (snapshot.resources ?? []).filter(({ tags }) =>
    Object.entries(tags).some(([key, value]) => keys.has(key.toLowerCase()) && production.has(value.toLowerCase())),
  );
}

/**
 * One question per resource: the actions whose resource types can have its ARN, asked on it with its tags (the
 * production keys and its own known, any other unknown); resources no action fits are left out.
 */
function arnQuestions(
  resources: readonly { arn: string; tags: Readonly<Record<string, string>> }[],
  actions: readonly CatalogAction[],
  base: RequestContext,
  productionKeys: readonly string[],
): ProductionArnQuestion[] {
  const questions: ProductionArnQuestion[] = [];
  for (const { arn, tags } of resources) {
    const fits = actions.filter((action) =>
      action.resourceTypes.some((type) => arnTemplateMatches(type.arnTemplate, arn)),
    );
    if (fits.length === 0) continue;
    questions.push({
      arn,
      actions: fits,
      request: {
        ...base,
        resourceArn: arn,
        resourceTags: tags,
        resourceTagKeysKnown: [...productionKeys, ...Object.keys(tags)],
      },
    });
  }
  return questions;
}

const templateRegexes = new Map<string, RegExp>();

/** Whether a reference ARN template (`arn:${Partition}:rds:${Region}:${Account}:db:${DbInstanceName}`) fits an ARN. */
export function arnTemplateMatches(template: string | undefined, arn: string): boolean {
  if (!template) return false;
  let regex = templateRegexes.get(template);
  if (!regex) {
    const source = template
      .split(/\$\{[^}]*\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    regex = new RegExp(`^${source}$`, 'i');
    templateRegexes.set(template, regex);
  }
  return regex.test(arn);
}

export function productionTagText(guardrails: GuardrailSpec): string {
  return `${guardrails.production.tagKeys[0]}=${guardrails.production.values[0]}`;
}

export type ScpGap =
  'management-account' | 'service-linked-role' | 'scps-unknown' | 'tag-condition-unsupported' | 'no-scp-deny';

export const SCP_GAP_TEXT: Record<ScpGap, string> = {
  'management-account': 'SCPs never apply to the management account',
  'service-linked-role': 'SCPs do not restrict service-linked roles',
  'scps-unknown': 'the SCPs were not read (pass --scp)',
  'tag-condition-unsupported':
    'an SCP denies it only on a aws:ResourceTag condition, which this action cannot evaluate (no tag support), so the deny never matches',
  'no-scp-deny': 'no SCP denies it',
};

/**
 * For an action that got through, why the organization layer did not stop it. The tag-condition case is
 * read from the parsed SCP statements: a Deny naming the action whose only handle is a resource tag.
 */
export function scpGapFinder(
  snapshot: AccountSnapshot,
  policies: readonly PolicyInUse[],
): (action: CatalogAction, serviceLinked: boolean) => ScpGap {
  const tagDenies: ((action: string) => boolean)[] = [];
  for (const policy of policies) {
    if (policy.kind !== 'scp') continue;
    for (const statement of policy.parsed()?.statements ?? []) {
      if (statement.effect !== 'Deny') continue;
      const onResourceTag = statement.conditions.some((c) => anyResourceTagKeyOf(c.key.toLowerCase()) !== undefined);
      if (!onResourceTag) continue;
      if (statement.actions) tagDenies.push(compileActionMatcher(statement.actions));
      else if (statement.notActions) {
        const excluded = compileActionMatcher(statement.notActions);
        tagDenies.push((action) => !excluded(action));
      }
    }
  }
  return (action, serviceLinked) => {
    if (snapshot.isManagementAccount) return 'management-account';
    if (serviceLinked) return 'service-linked-role';
    if (!snapshot.organizationPoliciesKnown) return 'scps-unknown';
    // A loop, not .some(): called for every action a principal gets, so a closure per call showed as
    // megabytes of garbage.
    if (action.tagSupport === 'none') {
      for (let i = 0; i < tagDenies.length; i++) if (tagDenies[i](action.action)) return 'tag-condition-unsupported';
    }
    return 'no-scp-deny';
  };
}
