// Pairs every new stack with what is deployed (top-level stacks, nested stacks at every depth, the templates
// inside StackSets), puts both sides in their effective form and diffs them with @aws-cdk/cloudformation-diff,
// the library behind `cdk diff`. The rules of the change gate read the resulting resource pairs.
import type { ResourceDifference } from '@aws-cdk/cloudformation-diff';
import { useResourceOnlySpec } from '../audit/sources/resource-spec';
import type { ResolveScope } from '../audit/sources/templates-intrinsics';
import type { LoadedStack } from './assembly';
import {
  effectiveTemplate,
  scopeOf,
  type EffectiveTemplate,
  type ResourceNotes,
  type StackIdentity,
} from './effective-template';
import { canonicalJson } from './change-hash';
import { macrosOf } from './macros';
import { resourceDiff } from './resource-diff';
import { sameTags, type OverridableParameters } from './production-tag';
import { parseTemplateText, type CfnResource, type CfnTemplate } from './template-file';

/** One logical id of one stack, before and after. */
export interface ResourcePair {
  readonly stack: LoadedStack;
  /** Stack tags of the deployed stack (the new stack's are on `stack`). */
  readonly baselineStackTags: Readonly<Record<string, string>>;
  readonly logicalId: string;
  /** Absent for an unchanged resource kept only for what it cannot show, and for change sets. */
  readonly diff?: ResourceDifference;
  /** Whether deployment changes the resource (added, removed or modified). */
  readonly changed: boolean;
  readonly before?: CfnResource;
  readonly after?: CfnResource;
  /** The resources as written (before intrinsics), for tags written as a parameter reference. */
  readonly rawBefore?: CfnResource;
  readonly rawAfter?: CfnResource;
  readonly notes: ResourceNotes;
  /** Set when the whole stack goes: `Parent/LogicalId` of the removed nested stack or StackSet. */
  readonly removedWith?: string;
  /** Set for resources of a StackSet's template: they exist in every target account. */
  readonly inStackSet?: string;
  /** For a nested stack or StackSet resource: whether its contents are compared (else they are not visible). */
  readonly contentsCompared?: boolean;
  /** Parameters of either template that deployment may set, for values read from their defaults. */
  readonly overridable?: OverridableParameters;
}

export interface StackPairing {
  readonly pairs: readonly ResourcePair[];
  readonly newStacks: readonly string[];
  readonly baselineOnly: readonly string[];
  /** Stacks whose deployed contents are not in the baseline, though their parent is: `key: reason`. */
  readonly notVisible: readonly { readonly stack: LoadedStack; readonly reason: string }[];
  /** Top-level stacks paired with their baseline, with the stack tags before (the new ones are on `stack`). */
  readonly paired: readonly {
    readonly stack: LoadedStack;
    readonly baselineStackTags: Readonly<Record<string, string>>;
  }[];
}

/** What resolved templates hold for the account and Region a stack does not name. */
export const PLACEHOLDER = { accountId: '123456789012', region: 'us-east-1' } as const;

export function pairStacks(current: readonly LoadedStack[], baseline: readonly LoadedStack[]): StackPairing {
  const byKey = new Map(baseline.map((stack) => [stack.key, stack]));
  const currentKeys = new Set(current.map((stack) => stack.key));
  const pairs: ResourcePair[] = [];
  const newStacks: string[] = [];
  const notVisible: { stack: LoadedStack; reason: string }[] = [];
  const paired: { stack: LoadedStack; baselineStackTags: Readonly<Record<string, string>> }[] = [];
  const topLevel = (stacks: readonly LoadedStack[]) => stacks.filter((stack) => !stack.nestedIn);
  // One template file against one template file: the same stack whatever the files are called.
  const plainFile = (stacks: readonly LoadedStack[]) => stacks.length === 1 && stacks[0].cdkPaths === undefined;
  const single = plainFile(current) && plainFile(baseline);
  const scopes = new Map<string, { old?: ResolveScope; next?: ResolveScope }>();
  const baselineKeys = new Set(baseline.map((stack) => stack.key));

  for (const stack of current) {
    const old =
      byKey.get(stack.key) ??
      (!stack.nestedIn ? baseline.find((candidate) => candidate.stackName === stack.stackName) : undefined) ??
      (single && !stack.nestedIn ? topLevel(baseline)[0] : undefined);
    const identity = { ...identityOf(stack), environments: environmentsNamed([old?.template, stack.template]) };
    const parentScopes = stack.nestedIn ? scopes.get(stack.nestedIn.parentKey) : undefined;
    scopes.set(stack.key, {
      next: scopeOf(stack.template, identity),
      old: old ? scopeOf(old.template, identity) : undefined,
    });
    if (!old) {
      const parentOld = stack.nestedIn ? byKey.get(stack.nestedIn.parentKey) : undefined;
      const existed = parentOld?.template.Resources?.[stack.nestedIn?.logicalId ?? ''] !== undefined;
      if (stack.nestedIn && (parentOld || currentKeys.has(stack.nestedIn.parentKey)) && existed) {
        notVisible.push({
          stack,
          reason: `the deployed template of nested stack ${stack.key} is not in the baseline`,
        });
      } else {
        newStacks.push(stack.key);
      }
      // Nothing of a new stack is deleted, but what it adds runs: a custom resource in a new stack can
      // delete a table of another stack. Its resources are kept as additions for the rules that judge those.
      pairs.push(
        ...diffTemplates({ Resources: {} }, stack.template, stack, {}, identity, { baselineHasChild: () => false }),
      );
      continue;
    }
    if (!stack.nestedIn) paired.push({ stack, baselineStackTags: old.stackTags });
    const macros = [...new Set([...macrosOf(old.template), ...macrosOf(stack.template)])];
    if (macros.length > 0 && canonicalJson(old.template) !== canonicalJson(stack.template)) {
      notVisible.push({
        stack,
        reason: `${macros.join(', ')} rewrites the template at deployment: what it deploys, and so deletes, is not in the template`,
      });
    }
    pairs.push(
      ...diffTemplates(old.template, stack.template, stack, old.stackTags, identity, {
        oldParent:
          parentScopes?.old && nestedValues(byKey.get(stack.nestedIn?.parentKey ?? ''), stack, parentScopes.old),
        newParent:
          parentScopes?.next &&
          nestedValues(
            current.find((s) => s.key === stack.nestedIn?.parentKey),
            stack,
            parentScopes.next,
          ),
        baselineHasChild: (logicalId) => baselineKeys.has(`${stack.key}/${logicalId}`),
      }),
    );
  }
  // A nested stack gone from the new templates while an ancestor stays is deleted with everything in it,
  // at every depth: the grandchild of a removed nested stack goes too.
  for (const old of baseline) {
    if (currentKeys.has(old.key) || !old.nestedIn) continue;
    let removed = old;
    let ancestor = old.nestedIn.parentKey;
    while (!currentKeys.has(ancestor) && byKey.get(ancestor)?.nestedIn) {
      removed = byKey.get(ancestor) as LoadedStack;
      ancestor = (removed.nestedIn as { parentKey: string }).parentKey;
    }
    if (!currentKeys.has(ancestor)) continue;
    const via = `${(removed.nestedIn as { parentKey: string }).parentKey}/${(removed.nestedIn as { logicalId: string }).logicalId}`;
    for (const pair of diffTemplates(old.template, { Resources: {} }, old, old.stackTags, identityOf(old), {
      baselineHasChild: (logicalId) => baselineKeys.has(`${old.key}/${logicalId}`),
    })) {
      pairs.push({ ...pair, removedWith: via });
    }
  }
  const baselineOnly = single
    ? []
    : topLevel(baseline)
        .filter((stack) => !currentKeys.has(stack.key) && !current.some((other) => other.stackName === stack.stackName))
        .map((stack) => stack.key);
  return { pairs, newStacks, baselineOnly, notVisible, paired };
}

/**
 * The placeholders stand in for what the stack does not say: its account, its Region (and with it the
 * partition), and its name when it comes from a template file (named after the file) or is nested
 * (CloudFormation adds a random suffix).
 */
function identityOf(stack: LoadedStack): StackIdentity {
  const unknown = ['AWS::StackId'];
  if (!stack.accountId) unknown.push('AWS::AccountId');
  if (!stack.region) unknown.push('AWS::Region', 'AWS::Partition', 'AWS::URLSuffix');
  if (stack.cdkPaths === undefined || stack.nestedIn) unknown.push('AWS::StackName');
  return {
    stackName: stack.stackName,
    accountId: stack.accountId ?? PLACEHOLDER.accountId,
    region: stack.region ?? PLACEHOLDER.region,
    unknownPseudoParameters: unknown,
  };
}

const MAX_CONDITION_STRINGS = 64;

/**
 * The accounts, Regions, stack names and parameter values a template can tell apart: the top-level keys of its
 * mappings, its parameters' AllowedValues and the strings its conditions compare with (at most 64 of those, for
 * a bounded cost).
 */
function environmentsNamed(templates: readonly (CfnTemplate | undefined)[]): string[] {
  const names = new Set<string>();
  const compared = new Set<string>();
  const strings = (value: unknown, depth: number): void => {
    if (depth > 40 || compared.size >= MAX_CONDITION_STRINGS) return;
    if (typeof value === 'string') compared.add(value);
    else if (value && typeof value === 'object') Object.values(value).forEach((item) => strings(item, depth + 1));
  };
  for (const template of templates) {
    for (const parameter of Object.values(
      (template?.Parameters ?? {}) as Record<string, { AllowedValues?: unknown }>,
    )) {
      const allowed = parameter?.AllowedValues;
      if (Array.isArray(allowed))
        allowed.filter((value) => typeof value === 'string').forEach((value) => names.add(value));
    }
    for (const mapping of Object.values((template?.Mappings ?? {}) as Record<string, unknown>)) {
      if (!mapping || typeof mapping !== 'object') continue;
      // Either level may be read by a parameter or the Region: both levels' keys are environments.
      for (const [key, row] of Object.entries(mapping)) {
        names.add(key);
        if (row && typeof row === 'object') Object.keys(row).forEach((second) => names.add(second));
      }
    }
    strings(template?.Conditions, 0);
  }
  return [...new Set([...names, ...compared])].sort();
}

/** The parameter values a parent passes to a nested stack, to be resolved in the parent's scope. */
function nestedValues(parent: LoadedStack | undefined, stack: LoadedStack, scope: ResolveScope) {
  const resource = parent?.template.Resources?.[stack.nestedIn?.logicalId ?? ''];
  const values = resource?.Properties?.Parameters;
  return values && typeof values === 'object' ? { values: values as Record<string, unknown>, scope } : undefined;
}

interface DiffContext {
  readonly oldParent?: { values: Record<string, unknown>; scope: ResolveScope };
  readonly newParent?: { values: Record<string, unknown>; scope: ResolveScope };
  /** Whether the baseline holds the template of this nested stack (then its contents are compared). */
  readonly baselineHasChild: (logicalId: string) => boolean;
  readonly inStackSet?: string;
  readonly depth?: number;
}

function diffTemplates(
  oldTemplate: CfnTemplate,
  newTemplate: CfnTemplate,
  stack: LoadedStack,
  baselineStackTags: Readonly<Record<string, string>>,
  identity: StackIdentity,
  context: DiffContext,
): ResourcePair[] {
  const before = effectiveTemplate(oldTemplate, identity, context.oldParent);
  const after = effectiveTemplate(newTemplate, identity, context.newParent);
  const afterResources = existingEverywhereBefore(before, after);
  const overridable = overridableParameters([
    [oldTemplate, context.oldParent],
    [newTemplate, context.newParent],
  ]);
  // The diff reads the resource specification: only its resource types (see resource-spec.ts).
  useResourceOnlySpec();
  const diff = resourceDiff({ Resources: before.resources }, { Resources: afterResources });
  const pairs: ResourcePair[] = [];
  diff.resources.forEachDifference((logicalId, change) => {
    const oldResource = before.resources[logicalId];
    const newResource = afterResources[logicalId];
    const notes = mergeNotes(before.notes.get(logicalId), after.notes.get(logicalId));
    const type = (oldResource ?? newResource)?.Type;
    let contentsCompared: boolean | undefined;
    if (type === 'AWS::CloudFormation::Stack') contentsCompared = context.baselineHasChild(logicalId);
    if (type === 'AWS::CloudFormation::StackSet') contentsCompared = stackSetBody(oldResource) !== undefined;
    pairs.push({
      stack,
      baselineStackTags,
      logicalId,
      diff: change,
      changed: change.isDifferent,
      before: oldResource,
      after: newResource,
      rawBefore: oldTemplate.Resources?.[logicalId],
      rawAfter: newTemplate.Resources?.[logicalId],
      notes,
      inStackSet: context.inStackSet,
      contentsCompared,
      overridable,
    });
  });
  // Unchanged resources can still hide what only deployment decides; keep them for the visibility rule.
  for (const logicalId of Object.keys(before.resources)) {
    if (!afterResources[logicalId] || (diff.resources.has(logicalId) && diff.resources.get(logicalId).isDifferent))
      continue;
    const notes = mergeNotes(before.notes.get(logicalId), after.notes.get(logicalId));
    // Tags written otherwise that resolve alike (`production` become `!Ref Env`, defaulting to production):
    // what deployment passes decides them now, which the production tag check asks about.
    const tagsRewritten = !sameTags(oldTemplate.Resources?.[logicalId], newTemplate.Resources?.[logicalId]);
    if (notes.invisible.length === 0 && !tagsRewritten) continue;
    const change = diff.resources.has(logicalId) ? diff.resources.get(logicalId) : undefined;
    pairs.push({
      stack,
      baselineStackTags,
      logicalId,
      diff: change,
      changed: false,
      before: before.resources[logicalId],
      after: afterResources[logicalId],
      rawBefore: oldTemplate.Resources?.[logicalId],
      rawAfter: newTemplate.Resources?.[logicalId],
      notes,
      inStackSet: context.inStackSet,
      overridable,
    });
  }
  // StackSets carry a template of their own: its resources exist in every target account, at any depth.
  if ((context.depth ?? 0) < 10) {
    for (const [logicalId, oldResource] of Object.entries(before.resources)) {
      if (oldResource.Type !== 'AWS::CloudFormation::StackSet') continue;
      const oldBody = stackSetBody(oldResource);
      if (!oldBody) continue;
      const newResource = afterResources[logicalId];
      const newBody =
        newResource?.Type === 'AWS::CloudFormation::StackSet' ? (stackSetBody(newResource) ?? oldBody) : undefined;
      const where = `${stack.key}/${logicalId}`;
      const inner = diffTemplates(oldBody, newBody ?? { Resources: {} }, stack, baselineStackTags, identity, {
        baselineHasChild: () => false,
        inStackSet: context.inStackSet ? `${context.inStackSet} > ${logicalId}` : logicalId,
        depth: (context.depth ?? 0) + 1,
      });
      for (const pair of inner) pairs.push(newBody ? pair : { ...pair, removedWith: where });
    }
  }
  return pairs;
}

/** The parameters of the templates that deployment may set (a parent stack's values are fixed by its template). */
function overridableParameters(
  templates: readonly [CfnTemplate, { values: Record<string, unknown> } | undefined][],
): OverridableParameters {
  const found = new Map<string, readonly unknown[] | undefined>();
  for (const [template, parent] of templates) {
    const parameters = (template.Parameters ?? {}) as Record<string, { AllowedValues?: unknown } | null>;
    for (const [name, parameter] of Object.entries(parameters)) {
      if (parent && name in parent.values) continue;
      const allowed = Array.isArray(parameter?.AllowedValues) ? parameter.AllowedValues : undefined;
      // Either side's parameter may be what deploys: no list on one side means any value.
      const previous = found.get(name);
      const unrestricted = allowed === undefined || (found.has(name) && previous === undefined);
      found.set(name, unrestricted ? undefined : [...(previous ?? []), ...allowed]);
    }
  }
  return found;
}

/**
 * The new resources, less those whose condition on the environment is new or redefined: wherever the
 * resource existed and the new condition is false, it is deleted, so it is judged as deleted. A resource
 * under the same condition as before exists in the same environments and is compared as usual.
 */
function existingEverywhereBefore(before: EffectiveTemplate, after: EffectiveTemplate): Record<string, CfnResource> {
  const resources: Record<string, CfnResource> = { ...after.resources };
  for (const [logicalId, condition] of after.perEnvironment) {
    if (before.resources[logicalId] && before.perEnvironment.get(logicalId) !== condition) delete resources[logicalId];
  }
  return resources;
}

/** A StackSet's TemplateBody as a template (string JSON/YAML or an object); undefined for TemplateURL. */
export function stackSetBody(resource: CfnResource | undefined): CfnTemplate | undefined {
  const body = resource?.Properties?.TemplateBody;
  if (typeof body === 'string') {
    try {
      return parseTemplateText(body, 'TemplateBody').template;
    } catch {
      return undefined;
    }
  }
  if (body && typeof body === 'object' && 'Resources' in body) return body as CfnTemplate;
  return undefined;
}

function mergeNotes(a: ResourceNotes | undefined, b: ResourceNotes | undefined): ResourceNotes {
  const unique = (items: string[]) => [...new Set(items)];
  return {
    assumed: unique([...(a?.assumed ?? []), ...(b?.assumed ?? [])]),
    invisible: unique([...(a?.invisible ?? []), ...(b?.invisible ?? [])]),
  };
}
