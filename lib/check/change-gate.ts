// The change gate: which resources a deployment of the new templates would delete or replace, judged by
// CloudFormation's own update semantics as @aws-cdk/cloudformation-diff models them (not our own table).
import { ResourceImpact, type ResourceDifference } from '@aws-cdk/cloudformation-diff';
import { loadResourceModel } from '../audit/sources/resource-spec';
import type { Finding, RuleMeta, Severity } from '../audit/rules/types';
import type { ProductionSelector } from '../guardrails/spec';
import type { LoadedStack } from './assembly';
import { changeHash } from './change-hash';
import { isDataSetting } from './data-settings';
import { productionTagOf } from './production-tag';
import { pairStacks, stackSetBody, type ResourcePair } from './stack-pairs';
import { referencedIds } from './references';
import { isModuleType, statefulReason } from './stateful-types';
import type { CfnResource } from './template-file';

export { productionTagOf } from './production-tag';

export const DESTRUCTIVE_CHANGE_RULE: RuleMeta = {
  id: 'destructive-change',
  category: 'destructive-change',
  severity: 'critical',
  title: 'Deployment would delete or replace a stateful or production resource',
  help:
    'Compares the new templates with the deployed ones (the baseline) and lists every stateful resource ' +
    '(as marked in the AWS service specification) or production-tagged resource that CloudFormation would ' +
    'delete, or replace because a property that forces replacement changed. Fix: keep the property value, ' +
    'or set DeletionPolicy and UpdateReplacePolicy to Retain (CDK: RemovalPolicy.RETAIN) and migrate the ' +
    'data, or record an approved suppression with two distinct approvers.',
  docsUrl: 'https://github.com/agent-leash/agent-leash/blob/main/docs/ci.md#the-change-gate',
};

/** What CloudFormation would do to one existing resource. */
export interface DestructiveChange {
  readonly stack: LoadedStack;
  readonly logicalId: string;
  readonly resourceType: string;
  /** `delete`: removed from the template; `replace`: a new physical resource, the old one deleted. */
  readonly action: 'delete' | 'replace';
  /** For `replace`: true when the spec says the property change only may force replacement. */
  readonly conditional: boolean;
  /** Properties whose change forces (or may force) the replacement, or `Type`. */
  readonly causes: readonly string[];
  /** Set when the stack itself goes: a nested stack or StackSet removed in its parent. */
  readonly viaNestedStack?: string;
  /** Set for resources of a StackSet's template: deleted in every target account. */
  readonly inStackSet?: string;
  readonly stateful: boolean;
  /** Why it counts as stateful (the specification's flag or the data-store list). */
  readonly statefulReason?: string;
  /** The production tag that marks it, e.g. `environment=production`, with any assumption made. */
  readonly productionTag?: string;
  /** `Retain` keeps the old resource; `Snapshot` keeps a final snapshot; undefined: it is destroyed. */
  readonly protection?: 'Retain' | 'Snapshot';
  /** A nested stack or StackSet removed whose contents the baseline does not show. */
  readonly contentsNotVisible?: boolean;
  /** Binds an approval to this change: a hash of the stack, logical id and the resource before and after. */
  readonly changeHash: string;
}

/** A stateful or production resource whose fate depends on values only deployment knows. */
export interface NotVisibleChange {
  readonly stack: LoadedStack;
  readonly logicalId?: string;
  readonly resourceType?: string;
  readonly reasons: readonly string[];
  readonly productionTag?: string;
  /** A whole template is unknown (a nested stack's, or one a macro rewrites): anything in it may go. */
  readonly contentsUnknown?: boolean;
  /** The resource as the templates give it, before and after: an approval names this state. */
  readonly before?: CfnResource;
  readonly after?: CfnResource;
}

export interface ChangeGateResult {
  readonly changes: readonly DestructiveChange[];
  readonly notVisible: readonly NotVisibleChange[];
  /** Every changed resource, for the other rules of the gate. */
  readonly pairs: readonly ResourcePair[];
  /** Stacks with no baseline: all new, nothing to delete. */
  readonly newStacks: readonly string[];
  /** Baseline stacks missing from the new templates: `cdk deploy` does not delete them, so not judged. */
  readonly baselineOnly: readonly string[];
  /** Stacks whose production stack tag goes: every resource in them that takes tags leaves production. */
  readonly untaggedStacks: readonly { readonly stack: LoadedStack; readonly productionTag: string }[];
}

/** Pair stacks with their baseline and collect every deletion and replacement of an existing resource. */
export function findDestructiveChanges(
  current: readonly LoadedStack[],
  baseline: readonly LoadedStack[],
  production: ProductionSelector,
): ChangeGateResult {
  const pairing = pairStacks(current, baseline);
  const changes: DestructiveChange[] = [];
  const inherited = (stack: LoadedStack) => [...nestedStackTags(stack, current), ...nestedStackTags(stack, baseline)];
  const notVisible: NotVisibleChange[] = pairing.notVisible.map(({ stack, reason }) => ({
    stack,
    reasons: [reason],
    productionTag: productionTagOf([], [stack.stackTags, ...inherited(stack)], production),
    contentsUnknown: true,
  }));
  const hiddenStacks = new Set(pairing.notVisible.map(({ stack }) => stack.key));
  // Per stack, the resources this deployment changes (a launch template's new version changes what reads it).
  const changedIn = new Map<string, Set<string>>();
  for (const pair of pairing.pairs) {
    if (!pair.changed) continue;
    const ids = changedIn.get(pair.stack.key) ?? new Set<string>();
    ids.add(pair.logicalId);
    changedIn.set(pair.stack.key, ids);
  }
  for (const pair of pairing.pairs) {
    const type = (pair.before ?? pair.after)?.Type;
    if (typeof type !== 'string') continue;
    const productionTag = productionTagOf(
      [pair.before, pair.after],
      [pair.stack.stackTags, pair.baselineStackTags, ...inherited(pair.stack)],
      production,
      [pair.rawBefore, pair.rawAfter],
      pair.notes.assumed,
      pair.overridable,
    );
    const stateful = statefulReason(type);
    const seen = { stack: pair.stack, logicalId: pair.logicalId, resourceType: type, before: pair.before };
    if (pair.before && pair.after && (stateful || productionTag)) {
      const reasons = relevantInvisible(type, pair.notes.invisible);
      if (reasons.length > 0) notVisible.push({ ...seen, after: pair.after, reasons, productionTag });
    }
    // A nested stack or StackSet kept but changed, whose template the baseline lacks, may delete anything.
    const hidden = pair.contentsCompared === false && !hiddenStacks.has(`${pair.stack.key}/${pair.logicalId}`);
    if (pair.before && pair.after && pair.changed && hidden) {
      const changed = Object.keys(pair.diff?.propertyUpdates ?? {}).join(', ') || 'definition';
      const reasons = [
        `the template of nested stack ${pair.logicalId} is not in the baseline and its ${changed} changes: what it deletes or replaces there is not visible`,
      ];
      notVisible.push({ ...seen, after: pair.after, reasons, productionTag, contentsUnknown: true });
    }
    // A module makes its resources at deployment from a registry template no input holds: new or changed, what
    // it makes, replaces or deletes there is not visible (removed, it is judged below like a nested stack).
    if (isModuleType(type) && pair.after && (!pair.before || pair.changed)) {
      const reasons = [
        pair.before
          ? `module ${pair.logicalId} makes its resources at deployment and its definition changes: what it replaces or deletes there is not visible`
          : `new module ${pair.logicalId} makes its resources at deployment from a registry template: what it deploys, roles and custom resources included, is not visible`,
      ];
      notVisible.push({ ...seen, after: pair.after, reasons, productionTag, contentsUnknown: true });
      // The same module kept: the finding above says it all. A type changed to or from a module is judged below.
      if (!pair.before || pair.before.Type === pair.after.Type) continue;
    }
    // A new nested stack or StackSet whose template the input lacks (a TemplateURL the gate cannot fetch) creates
    // nothing that exists yet, but what it runs at deployment (a custom resource, an association) may delete.
    if (!pair.before && pair.after && contentsUnseen(pair, type, current)) {
      const what = type === 'AWS::CloudFormation::StackSet' ? 'StackSet' : 'nested stack';
      const reasons = [
        `the template of new ${what} ${pair.logicalId} is not in the input (TemplateURL): what it runs at deployment, custom resources included, is not visible`,
      ];
      notVisible.push({ ...seen, after: pair.after, reasons, productionTag, contentsUnknown: true });
    }
    const destructive =
      versionReplacement(pair.before, pair.after) ??
      (pair.diff ? classify(pair.diff) : undefined) ??
      replacingUpdate(pair.stack.key, pair.before, pair.after, changedIn);
    if (!destructive || !pair.before) continue;
    // A nested stack whose template the baseline holds is judged by its contents; otherwise by itself.
    if (type === 'AWS::CloudFormation::Stack' && pair.contentsCompared) continue;
    changes.push({
      stack: pair.stack,
      logicalId: pair.logicalId,
      resourceType: type,
      action: destructive.action,
      conditional: destructive.conditional,
      causes: destructive.causes,
      viaNestedStack: pair.removedWith,
      inStackSet: pair.inStackSet,
      stateful: stateful !== undefined,
      statefulReason: stateful,
      productionTag,
      protection: protectionOf(destructive.action, pair.before, pair.after),
      contentsNotVisible:
        isModuleType(type) ||
        ((type === 'AWS::CloudFormation::Stack' || type === 'AWS::CloudFormation::StackSet') && !pair.contentsCompared),
      changeHash: changeHash(pair.stack.key, pair.logicalId, pair.before, pair.after),
    });
  }
  changes.push(...readersReplacedByUpdatePolicy(changes, current, changedIn, production, inherited));
  changes.push(...cascadedReplacements(changes, current, production, inherited));
  const untaggedStacks = pairing.paired.flatMap(({ stack, baselineStackTags }) => {
    // A lookalike tag protects nothing: whether the stack was or still is protected asks IAM's question.
    const was = productionTagOf([], [baselineStackTags], production, [], [], new Map(), false);
    const now = productionTagOf([], [stack.stackTags], production, [], [], new Map(), false);
    return was && !now ? [{ stack, productionTag: was.replace(/ \(stack tag\)$/, '') }] : [];
  });
  return {
    changes,
    notVisible,
    untaggedStacks,
    pairs: pairing.pairs,
    newStacks: pairing.newStacks,
    baselineOnly: pairing.baselineOnly,
  };
}

/** Whether a nested stack's or StackSet's template is neither in the input nor written into the resource. */
function contentsUnseen(pair: ResourcePair, type: string, current: readonly LoadedStack[]): boolean {
  if (type === 'AWS::CloudFormation::StackSet') return stackSetBody(pair.after) === undefined;
  if (type !== 'AWS::CloudFormation::Stack') return false;
  return !current.some(
    (stack) => stack.nestedIn?.parentKey === pair.stack.key && stack.nestedIn.logicalId === pair.logicalId,
  );
}

/**
 * Resources replaced because a resource they read is: a replaced resource gets a new physical id (and often new
 * attributes), so a property that forces replacement and reads it with `Ref`, `Fn::GetAtt` or `Fn::Sub` changes
 * at deployment although the template text of the reader does not (an EBS volume in the AZ of a replaced
 * instance, a cache in a replaced security group). The change set calls these Conditional; so do we, to any depth,
 * and across nested stacks: a parameter a parent passes from a replaced resource is replaced in the child, and an
 * output of a nested stack that reads a replaced resource is replaced for whatever reads it in the parent (and
 * so in the parent's other nested stacks).
 */
function cascadedReplacements(
  changes: readonly DestructiveChange[],
  current: readonly LoadedStack[],
  production: ProductionSelector,
  inherited: (stack: LoadedStack) => Record<string, unknown>[],
): DestructiveChange[] {
  const found: DestructiveChange[] = [];
  /** Per stack: ids (resources, parameters, nested stacks) whose value changes, with why and the hashes behind it. */
  interface Source {
    readonly what: string;
    readonly hashes: readonly string[];
  }
  const stacks = new Map<string, { stack: LoadedStack; replaced: Map<string, Source>; judged: Set<string> }>();
  const entryOf = (stack: LoadedStack) => {
    const entry = stacks.get(stack.key) ?? { stack, replaced: new Map(), judged: new Set() };
    stacks.set(stack.key, entry);
    return entry;
  };
  for (const stack of current) entryOf(stack);
  for (const change of changes) {
    if (change.inStackSet) continue;
    const entry = entryOf(stacks.get(change.stack.key)?.stack ?? change.stack);
    entry.judged.add(change.logicalId);
    if (change.action === 'replace') {
      entry.replaced.set(change.logicalId, {
        what: `${change.logicalId}, which is replaced`,
        hashes: [change.changeHash],
      });
    }
  }
  const sourcesIn = (value: unknown, replaced: ReadonlyMap<string, Source>) =>
    [...new Set(referencedIds(value))].flatMap((id) => {
      const source = replaced.get(id);
      return source ? [{ id, source }] : [];
    });
  for (let grew = true, rounds = 0; grew && rounds < 100; rounds++) {
    grew = false;
    for (const entry of stacks.values()) {
      const { stack, replaced, judged } = entry;
      for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
        if (judged.has(logicalId) || typeof resource?.Type !== 'string') continue;
        const model = loadResourceModel(resource.Type)?.properties as
          Record<string, { causesReplacement?: string }> | undefined;
        // What the specification does not describe (a registry type, a newer property) may replace, as above.
        const unspecified = (name: string) => !JUDGED_ELSEWHERE.test(resource.Type) && !(model && name in model);
        const readers = Object.entries(resource.Properties ?? {}).flatMap(([name, value]) => {
          const replaces = model?.[name]?.causesReplacement;
          if (replaces !== 'yes' && replaces !== 'maybe' && !unspecified(name)) return [];
          const [first] = sourcesIn(value, replaced);
          return first ? [{ name, ...first }] : [];
        });
        if (readers.length === 0) continue;
        const stateful = statefulReason(resource.Type);
        const change: DestructiveChange = {
          stack,
          logicalId,
          resourceType: resource.Type,
          action: 'replace',
          conditional: true,
          causes: readers.map(({ name, source }) => `${name} (may: reads ${source.what})`),
          stateful: stateful !== undefined,
          statefulReason: stateful,
          productionTag: productionTagOf([resource], [stack.stackTags, ...inherited(stack)], production),
          protection: protectionOf('replace', resource, resource),
          changeHash: changeHash(stack.key, logicalId, resource, {
            replacedWith: readers.flatMap(({ source }) => source.hashes),
          }),
        };
        found.push(change);
        replaced.set(logicalId, { what: `${logicalId}, which is replaced`, hashes: [change.changeHash] });
        judged.add(logicalId);
        grew = true;
      }
      // Across the nested-stack boundary, both ways.
      const at = stack.nestedIn;
      const parent = at ? stacks.get(at.parentKey) : undefined;
      if (!at || !parent) continue;
      const passed = parent.stack.template.Resources?.[at.logicalId]?.Properties?.Parameters;
      if (passed && typeof passed === 'object' && !Array.isArray(passed)) {
        for (const [name, value] of Object.entries(passed as Record<string, unknown>)) {
          if (replaced.has(name)) continue;
          const sources = sourcesIn(value, parent.replaced);
          if (sources.length === 0) continue;
          replaced.set(name, {
            what: `parameter ${name}, passed from stack ${parent.stack.displayName}: ${sources.map(({ source }) => source.what).join('; ')}`,
            hashes: sources.flatMap(({ source }) => source.hashes),
          });
          grew = true;
        }
      }
      if (!parent.replaced.has(at.logicalId)) {
        const outputs = Object.entries(
          (stack.template as { Outputs?: Record<string, { Value?: unknown }> }).Outputs ?? {},
        );
        const sources = outputs.flatMap(([, output]) => sourcesIn(output?.Value, replaced));
        if (sources.length > 0) {
          parent.replaced.set(at.logicalId, {
            what: `an output of nested stack ${at.logicalId} that reads ${sources.map(({ id }) => id).join(', ')}, which ${sources.length > 1 ? 'are' : 'is'} replaced`,
            hashes: sources.flatMap(({ source }) => source.hashes),
          });
          grew = true;
        }
      }
    }
  }
  return found;
}

/**
 * Tags of the AWS::CloudFormation::Stack resources above a nested stack, in `stacks`: CloudFormation puts
 * them on every resource of the nested stack that takes tags, like stack tags.
 */
function nestedStackTags(stack: LoadedStack, stacks: readonly LoadedStack[]): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  for (let at = stack.nestedIn, depth = 0; at && depth < 20; depth++) {
    const { parentKey, logicalId } = at;
    const parent = stacks.find((candidate) => candidate.key === parentKey);
    const tags = parent?.template.Resources?.[logicalId]?.Properties?.Tags;
    if (Array.isArray(tags)) {
      const record: Record<string, unknown> = {};
      for (const tag of tags) {
        const { Key, Value } = (tag ?? {}) as { Key?: unknown; Value?: unknown };
        if (typeof Key === 'string') record[Key] = Value;
      }
      found.push(record);
    }
    at = parent?.nestedIn;
  }
  return found;
}

/**
 * Deploy-time values that matter for a stateful or production resource: those in a property whose change
 * replaces it (the specification's `causesReplacement`), the resource's existence (a condition), its
 * retention and deletion policies, and its data settings. A password from Secrets Manager does not make a
 * table's fate unknown.
 */
function relevantInvisible(resourceType: string, reasons: readonly string[]): string[] {
  const model = loadResourceModel(resourceType);
  return reasons.filter((reason) => {
    if (reason.startsWith('Condition ')) return true;
    const [head, property] = reason.split(/[.:[]/);
    if (head === 'DeletionPolicy' || head === 'UpdateReplacePolicy') return true;
    if (head !== 'Properties' || !property) return false;
    const replaces = (model?.properties as Record<string, { causesReplacement?: string }> | undefined)?.[property]
      ?.causesReplacement;
    return replaces === 'yes' || replaces === 'maybe' || model === undefined || isDataSetting(resourceType, property);
  });
}

function classify(
  change: ResourceDifference,
): { action: 'delete' | 'replace'; conditional: boolean; causes: string[] } | undefined {
  if (change.isAddition || !change.oldValue) return undefined;
  if (change.isRemoval) return { action: 'delete', conditional: false, causes: [] };
  if (change.resourceTypeChanged) return { action: 'replace', conditional: false, causes: ['Type'] };
  const impact = change.changeImpact;
  if (impact !== ResourceImpact.WILL_REPLACE && impact !== ResourceImpact.MAY_REPLACE) {
    const unknown = unspecifiedProperties(change);
    return unknown.length > 0 ? { action: 'replace', conditional: true, causes: unknown } : undefined;
  }
  const causes = Object.entries(change.propertyUpdates)
    .filter(
      ([, property]) =>
        property.changeImpact === ResourceImpact.WILL_REPLACE || property.changeImpact === ResourceImpact.MAY_REPLACE,
    )
    .map(([name, property]) => (property.changeImpact === ResourceImpact.MAY_REPLACE ? `${name} (may)` : name));
  return { action: 'replace', conditional: impact === ResourceImpact.MAY_REPLACE, causes };
}

/** Search domains whose version property replaces the domain unless UpdatePolicy.EnableVersionUpgrade is true. */
const VERSION_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::OpenSearchService::Domain': 'EngineVersion',
  'AWS::Elasticsearch::Domain': 'ElasticsearchVersion',
};

/**
 * A new engine version of an OpenSearch (or Elasticsearch) domain is an in-place upgrade only with
 * `UpdatePolicy.EnableVersionUpgrade: true`; without it CloudFormation creates a new domain and deletes the old
 * one with its indices. The resource specification calls EngineVersion a plain update.
 */
function versionReplacement(
  before: CfnResource | undefined,
  after: CfnResource | undefined,
): { action: 'replace'; conditional: boolean; causes: string[] } | undefined {
  const property = after ? VERSION_PROPERTY[after.Type] : undefined;
  if (!before || !after || !property || before.Type !== after.Type) return undefined;
  if (JSON.stringify(before.Properties?.[property]) === JSON.stringify(after.Properties?.[property])) return undefined;
  const upgrade = (after as { UpdatePolicy?: { EnableVersionUpgrade?: unknown } }).UpdatePolicy?.EnableVersionUpgrade;
  if (upgrade === true || upgrade === 'true') return undefined;
  return {
    action: 'replace',
    conditional: false,
    causes: [`${property} (without UpdatePolicy EnableVersionUpgrade: true, a new domain replaces the old one)`],
  };
}

/** The properties of an Auto Scaling group whose change makes its update policy act (AWS::AutoScaling UpdatePolicy). */
const ASG_UPDATE_TRIGGERS = ['LaunchConfigurationName', 'LaunchTemplate', 'MixedInstancesPolicy', 'VPCZoneIdentifier'];

/**
 * An Auto Scaling group whose new template says `UpdatePolicy.AutoScalingReplacingUpdate.WillReplace: true`
 * is replaced as a whole (a new group, the old one and its instances deleted) when a trigger property changes,
 * which the resource specification calls a plain update. The trigger changes in the text, or because it reads a
 * resource this deployment changes (`!GetAtt Template.LatestVersionNumber`): then the replacement is conditional.
 */
function replacingUpdate(
  stackKey: string,
  before: CfnResource | undefined,
  after: CfnResource | undefined,
  changedIn: ReadonlyMap<string, ReadonlySet<string>>,
): { action: 'replace'; conditional: boolean; causes: string[] } | undefined {
  if (!before || !after || after.Type !== 'AWS::AutoScaling::AutoScalingGroup') return undefined;
  const policy = (after as { UpdatePolicy?: { AutoScalingReplacingUpdate?: { WillReplace?: unknown } } }).UpdatePolicy;
  const willReplace = policy?.AutoScalingReplacingUpdate?.WillReplace;
  if (willReplace !== true && willReplace !== 'true') return undefined;
  const why = 'UpdatePolicy AutoScalingReplacingUpdate WillReplace';
  const changed = ASG_UPDATE_TRIGGERS.filter(
    (name) => JSON.stringify(before.Properties?.[name]) !== JSON.stringify(after.Properties?.[name]),
  );
  if (changed.length > 0) return { action: 'replace', conditional: false, causes: changed.map((n) => `${n} (${why})`) };
  const changedIds = changedIn.get(stackKey) ?? new Set<string>();
  const reads = ASG_UPDATE_TRIGGERS.filter((name) =>
    referencedIds(after.Properties?.[name]).some((id) => changedIds.has(id)),
  );
  if (reads.length === 0) return undefined;
  return {
    action: 'replace',
    conditional: true,
    causes: reads.map((n) => `${n} (may: reads a changed resource; ${why})`),
  };
}

/**
 * Auto Scaling groups whose text does not change but whose trigger property reads a resource this deployment
 * changes (`!GetAtt Template.LatestVersionNumber` of an edited launch template): with WillReplace, replaced.
 */
function readersReplacedByUpdatePolicy(
  changes: readonly DestructiveChange[],
  current: readonly LoadedStack[],
  changedIn: ReadonlyMap<string, ReadonlySet<string>>,
  production: ProductionSelector,
  inherited: (stack: LoadedStack) => Record<string, unknown>[],
): DestructiveChange[] {
  const found: DestructiveChange[] = [];
  for (const stack of current) {
    const changedIds = changedIn.get(stack.key);
    if (!changedIds) continue;
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      if (changedIds.has(logicalId) || resource?.Type !== 'AWS::AutoScaling::AutoScalingGroup') continue;
      if (changes.some((change) => change.stack.key === stack.key && change.logicalId === logicalId)) continue;
      const replacement = replacingUpdate(stack.key, resource, resource, changedIn);
      if (!replacement) continue;
      found.push({
        stack,
        logicalId,
        resourceType: resource.Type,
        action: 'replace',
        conditional: true,
        causes: replacement.causes,
        stateful: statefulReason(resource.Type) !== undefined,
        statefulReason: statefulReason(resource.Type),
        productionTag: productionTagOf([resource], [stack.stackTags, ...inherited(stack)], production),
        protection: protectionOf('replace', resource, resource),
        changeHash: changeHash(stack.key, logicalId, resource, { replacedBy: replacement.causes }),
      });
    }
  }
  return found;
}

/** Custom resources are judged by what their handler calls; CDK's metadata resource holds nothing. */
const JUDGED_ELSEWHERE = /^(Custom::|AWS::CloudFormation::CustomResource$|AWS::CDK::Metadata$)/;

/**
 * Changed properties the specification does not describe (a registry or third-party type, or a property newer
 * than the specification shipped here): cloudformation-diff calls them plain updates, but whether they replace
 * the resource is unknown, so they may.
 */
function unspecifiedProperties(change: ResourceDifference): string[] {
  const type = change.newResourceType ?? change.oldResourceType;
  if (!type || JUDGED_ELSEWHERE.test(type)) return [];
  const model = loadResourceModel(type)?.properties as Record<string, unknown> | undefined;
  const where = model ? 'not in the AWS service specification' : `${type} is not in the AWS service specification`;
  return Object.keys(change.propertyUpdates)
    .filter((name) => !model || !(name in model))
    .map((name) => `${name} (may: ${where})`);
}

/**
 * Deletion: the old template's DeletionPolicy decides (the resource is not in the new one). Replacement: we
 * require UpdateReplacePolicy on both sides, because which template's attribute applies to the old
 * physical resource is not something to bet production on.
 */
function protectionOf(
  action: 'delete' | 'replace',
  oldResource: CfnResource,
  newResource: CfnResource | undefined,
): 'Retain' | 'Snapshot' | undefined {
  const kept = (policy: unknown) => policy === 'Retain' || policy === 'RetainExceptOnCreate';
  if (action === 'delete') {
    if (kept(oldResource.DeletionPolicy)) return 'Retain';
    return oldResource.DeletionPolicy === 'Snapshot' ? 'Snapshot' : undefined;
  }
  const policies = [oldResource.UpdateReplacePolicy, newResource?.UpdateReplacePolicy];
  if (policies.every((policy) => policy === 'Retain')) return 'Retain';
  return policies.every((policy) => policy === 'Snapshot' || policy === 'Retain') ? 'Snapshot' : undefined;
}

/** One finding per destructive change of a stateful or production resource. */
export function changeFindings(changes: readonly DestructiveChange[]): Finding[] {
  const findings: Finding[] = [];
  for (const change of changes) {
    if (!change.stateful && !change.productionTag) continue;
    const what = [change.stateful ? 'stateful' : undefined, change.productionTag ? 'production' : undefined]
      .filter(Boolean)
      .join(', ');
    const verb = change.action === 'delete' ? 'delete' : change.conditional ? 'may replace' : 'replace';
    const because =
      change.action === 'replace'
        ? ` because ${change.causes.length > 0 ? change.causes.join(', ') : 'its definition'} changed`
        : change.viaNestedStack
          ? ` because ${change.viaNestedStack} is removed`
          : ' because it is removed from the template (or its condition is now false)';
    const consequence =
      change.protection === 'Retain'
        ? `; the old resource is retained (${change.action === 'delete' ? 'DeletionPolicy' : 'UpdateReplacePolicy'}: Retain) but its data is not moved`
        : change.protection === 'Snapshot'
          ? '; a final snapshot is taken, but the resource and its endpoint are gone until restored'
          : '; nothing is retained';
    const where = change.inStackSet ? ` in every target account of StackSet ${change.inStackSet}` : '';
    const hidden = change.contentsNotVisible
      ? `; what it holds is not in the baseline: not visible here: run with --change-set`
      : '';
    findings.push({
      ruleId: DESTRUCTIVE_CHANGE_RULE.id,
      category: 'destructive-change',
      severity: severityOf(change),
      title: `${verb === 'delete' ? 'Deletes' : verb === 'replace' ? 'Replaces' : 'May replace'} ${change.resourceType} ${change.logicalId}`,
      message:
        `Deploying stack ${change.stack.displayName} ${verb === 'may replace' ? 'may replace' : `would ${verb}`} ${what} resource ${change.logicalId} ` +
        `(${change.resourceType})${where}${because}${change.productionTag ? `; tagged ${change.productionTag}` : ''}${consequence}${hidden}. ` +
        `Change ${change.changeHash}.`,
      location: {
        file: change.stack.file,
        logicalId: change.logicalId,
        cdkPath: change.stack.cdkPaths?.get(change.logicalId),
        jsonPath: `Resources.${change.logicalId}`,
      },
      evidence: [
        {
          policy: `template:${change.stack.key}`,
          policyKind: 'template',
          note: `${change.action}${change.causes.length > 0 ? ` (${change.causes.join(', ')})` : ''}`,
        },
      ],
      details: {
        stack: change.stack.key,
        logicalId: change.logicalId,
        resourceType: change.resourceType,
        action: change.action,
        conditional: change.conditional,
        replacementCauses: change.causes,
        stateful: change.stateful,
        statefulReason: change.statefulReason ?? null,
        productionTag: change.productionTag ?? null,
        protection: change.protection ?? null,
        viaNestedStack: change.viaNestedStack ?? null,
        inStackSet: change.inStackSet ?? null,
        changeHash: change.changeHash,
      },
      remediation:
        change.action === 'replace'
          ? `Keep ${change.causes.join(', ') || 'the replacement-forcing properties'} unchanged, or retain the old resource (RemovalPolicy.RETAIN) and migrate its data; a deliberate replacement needs a suppression naming change ${change.changeHash}, approved by two people.`
          : `Keep the resource in the template, or set DeletionPolicy: Retain first (RemovalPolicy.RETAIN) in a separate deployment; a deliberate deletion needs a suppression naming change ${change.changeHash}, approved by two people.`,
      docsUrl: DESTRUCTIVE_CHANGE_RULE.docsUrl,
    });
  }
  return findings;
}

/**
 * Production state destroyed is critical whatever the retention policy: a snapshot or a retained copy still
 * leaves production without the resource until someone restores it. Otherwise stateful or production is
 * high; for state outside production a final snapshot and a change that only may replace each lower it one
 * step, and a retained resource is reported for information.
 */
function severityOf(change: DestructiveChange): Severity {
  if (change.productionTag && (change.stateful || change.contentsNotVisible)) return 'critical';
  if (change.productionTag) return 'high';
  if (change.protection === 'Retain') return 'info';
  const ladder: readonly Severity[] = ['high', 'medium', 'low'];
  const steps = (change.protection === 'Snapshot' ? 1 : 0) + (change.conditional ? 1 : 0);
  return ladder[Math.min(steps, ladder.length - 1)];
}

export const NOT_VISIBLE_RULE: RuleMeta = {
  id: 'change-not-visible',
  category: 'destructive-change',
  severity: 'medium',
  title: 'What deployment does to a stateful or production resource is not visible in the template',
  help:
    'A property that decides whether the resource is replaced, whether it exists at all, or how long its data ' +
    'is kept depends on a value only deployment knows: a parameter without a default, an SSM parameter type, a ' +
    "dynamic reference, a condition on such a value, or a nested stack whose deployed template the baseline lacks. Run `leash check --change-set` on the change set, which is CloudFormation's own answer.",
  docsUrl: 'https://github.com/agent-leash/agent-leash/blob/main/docs/ci.md#what-a-template-cannot-show',
};

/**
 * High in production, and wherever a whole template is unknown (it may hold anything): the gate fails
 * closed until a change set answers it. Each finding carries a change hash, so an approval names this
 * state of the resource and does not pass what it becomes later.
 */
export function notVisibleFindings(items: readonly NotVisibleChange[]): Finding[] {
  return items.map((item) => {
    const hash = changeHash(item.stack.key, item.logicalId ?? '', item.before ?? null, {
      after: item.after ?? null,
      notVisible: item.reasons,
    });
    return notVisibleFinding(item, hash);
  });
}

function notVisibleFinding(item: NotVisibleChange, hash: string): Finding {
  return {
    ruleId: NOT_VISIBLE_RULE.id,
    category: NOT_VISIBLE_RULE.category,
    severity: item.productionTag || item.contentsUnknown ? 'high' : NOT_VISIBLE_RULE.severity,
    title: `Not visible here: ${item.logicalId ? `${item.resourceType} ${item.logicalId}` : `stack ${item.stack.key}`}`,
    message:
      `Not visible here: run with --change-set. In stack ${item.stack.displayName}, ` +
      `${item.logicalId ? `${item.logicalId} (${item.resourceType})` : 'the stack'} depends on what only deployment knows: ` +
      `${item.reasons.join('; ')}${item.productionTag ? `; tagged ${item.productionTag}` : ''}. Change ${hash}.`,
    location: {
      file: item.stack.file,
      logicalId: item.logicalId,
      cdkPath: item.logicalId ? item.stack.cdkPaths?.get(item.logicalId) : item.stack.constructPath,
      jsonPath: item.logicalId ? `Resources.${item.logicalId}` : undefined,
    },
    evidence: [{ policy: `template:${item.stack.key}`, policyKind: 'template', note: item.reasons.join('; ') }],
    details: {
      stack: item.stack.key,
      logicalId: item.logicalId ?? null,
      resourceType: item.resourceType ?? null,
      reasons: item.reasons,
      productionTag: item.productionTag ?? null,
      changeHash: hash,
    },
    remediation: 'Run `leash check --change-set` on the change set CloudFormation creates for this deployment.',
    docsUrl: NOT_VISIBLE_RULE.docsUrl,
  };
}
