// The change gate: which resources a deployment of the new templates would delete or replace, judged by
// CloudFormation's own update semantics as @aws-cdk/cloudformation-diff models them (not our own table).
import { fullDiff, ResourceImpact, type ResourceDifference } from '@aws-cdk/cloudformation-diff';
import { loadResourceModel } from '@aws-cdk/cloudformation-diff/lib/diff/util';
import type { Finding, RuleMeta, Severity } from '../audit/rules/types';
import type { ProductionSelector } from '../guardrails/spec';
import type { LoadedStack } from './assembly';
import type { CfnResource } from './template-file';

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
  /** Set when the stack itself goes: a nested stack removed or replaced in its parent. */
  readonly viaNestedStack?: string;
  readonly stateful: boolean;
  /** The production tag that marks it, e.g. `environment=production`. */
  readonly productionTag?: string;
  /** `Retain` keeps the old resource; `Snapshot` keeps a final snapshot; undefined: it is destroyed. */
  readonly protection?: 'Retain' | 'Snapshot';
}

export interface ChangeGateResult {
  readonly changes: readonly DestructiveChange[];
  /** Stacks with no baseline: all new, nothing to delete. */
  readonly newStacks: readonly string[];
  /** Baseline stacks missing from the new templates: `cdk deploy` does not delete them, so not judged. */
  readonly baselineOnly: readonly string[];
}

/** Pair stacks with their baseline and collect every deletion and replacement of an existing resource. */
export function findDestructiveChanges(
  current: readonly LoadedStack[],
  baseline: readonly LoadedStack[],
  production: ProductionSelector,
): ChangeGateResult {
  const byKey = new Map(baseline.map((stack) => [stack.key, stack]));
  const currentKeys = new Set(current.map((stack) => stack.key));
  const changes: DestructiveChange[] = [];
  const newStacks: string[] = [];
  // One template file against one template file (`leash check new.yaml --baseline deployed.yaml`): they are
  // the same stack whatever the files are called. Never for cloud assemblies, whose stacks have names.
  const topLevel = (stacks: readonly LoadedStack[]) => stacks.filter((stack) => !stack.nestedIn);
  const plainFile = (stacks: readonly LoadedStack[]) => stacks.length === 1 && stacks[0].cdkPaths === undefined;
  const single = plainFile(current) && plainFile(baseline);
  for (const stack of current) {
    const old =
      byKey.get(stack.key) ??
      baseline.find((candidate) => candidate.stackName === stack.stackName && !stack.nestedIn) ??
      (single && !stack.nestedIn ? topLevel(baseline)[0] : undefined);
    if (!old) {
      newStacks.push(stack.key);
      continue;
    }
    changes.push(...diffStack(old, stack, production));
  }
  // A nested stack that is gone from the new assembly while its parent stays is deleted with everything in it.
  for (const old of baseline) {
    if (currentKeys.has(old.key) || !old.nestedIn || !currentKeys.has(old.nestedIn.parentKey)) continue;
    const gone: LoadedStack = { ...old, template: { Resources: {} }, text: '' };
    for (const change of diffStack(old, gone, production)) {
      changes.push({ ...change, viaNestedStack: `${old.nestedIn.parentKey}/${old.nestedIn.logicalId}` });
    }
  }
  const baselineOnly = single
    ? []
    : topLevel(baseline)
        .filter((stack) => !currentKeys.has(stack.key) && !current.some((other) => other.stackName === stack.stackName))
        .map((stack) => stack.key);
  return { changes, newStacks, baselineOnly };
}

function diffStack(old: LoadedStack, next: LoadedStack, production: ProductionSelector): DestructiveChange[] {
  const diff = fullDiff(old.template, next.template);
  const out: DestructiveChange[] = [];
  diff.resources.forEachDifference((logicalId, change) => {
    const destructive = classify(change);
    if (!destructive) return;
    const oldResource = change.oldValue as CfnResource;
    const newResource = change.newValue as CfnResource | undefined;
    const resourceType = oldResource.Type;
    // Nested stacks' resources are judged stack by stack; Fn::ForEach entries are not resources.
    if (typeof resourceType !== 'string' || resourceType === 'AWS::CloudFormation::Stack') return;
    out.push({
      stack: next.text ? next : old,
      logicalId,
      resourceType,
      action: destructive.action,
      conditional: destructive.conditional,
      causes: destructive.causes,
      stateful: loadResourceModel(resourceType)?.isStateful === true,
      productionTag: productionTagOf([oldResource, newResource], [old.stackTags, next.stackTags], production),
      protection: protectionOf(destructive.action, oldResource, newResource),
    });
  });
  return out;
}

function classify(
  change: ResourceDifference,
): { action: 'delete' | 'replace'; conditional: boolean; causes: string[] } | undefined {
  if (change.isAddition || !change.oldValue) return undefined;
  if (change.isRemoval) return { action: 'delete', conditional: false, causes: [] };
  if (change.resourceTypeChanged) return { action: 'replace', conditional: false, causes: ['Type'] };
  const impact = change.changeImpact;
  if (impact !== ResourceImpact.WILL_REPLACE && impact !== ResourceImpact.MAY_REPLACE) return undefined;
  const causes = Object.entries(change.propertyUpdates)
    .filter(
      ([, property]) =>
        property.changeImpact === ResourceImpact.WILL_REPLACE || property.changeImpact === ResourceImpact.MAY_REPLACE,
    )
    .map(([name, property]) => (property.changeImpact === ResourceImpact.MAY_REPLACE ? `${name} (may)` : name));
  return { action: 'replace', conditional: impact === ResourceImpact.MAY_REPLACE, causes };
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

/** The first production tag on the resource (old or new template) or on its stack. */
export function productionTagOf(
  resources: readonly (CfnResource | undefined)[],
  stackTags: readonly Readonly<Record<string, string>>[],
  production: ProductionSelector,
): string | undefined {
  const values = new Set(production.values.map((value) => value.toLowerCase()));
  const match = (tags: Record<string, unknown>) => {
    for (const key of production.tagKeys) {
      const value = tags[key];
      if (typeof value === 'string' && values.has(value.toLowerCase())) return `${key}=${value}`;
    }
    return undefined;
  };
  for (const resource of resources) {
    if (!resource) continue;
    const found = match(resourceTags(resource));
    if (found) return found;
  }
  for (const tags of stackTags) {
    const found = match(tags);
    if (found) return `${found} (stack tag)`;
  }
  return undefined;
}

/** Literal tags of a resource, wherever the service spec says its tags live and in whichever shape. */
function resourceTags(resource: CfnResource): Record<string, unknown> {
  const info = loadResourceModel(resource.Type)?.tagInformation;
  const raw = resource.Properties?.[info?.tagPropertyName ?? 'Tags'];
  const tags: Record<string, unknown> = {};
  if (Array.isArray(raw)) {
    for (const tag of raw) {
      const { Key, Value } = (tag ?? {}) as { Key?: unknown; Value?: unknown };
      if (typeof Key === 'string') tags[Key] = Value;
    }
  } else if (raw && typeof raw === 'object') {
    Object.assign(tags, raw);
  }
  return tags;
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
          ? ` because nested stack ${change.viaNestedStack} is removed`
          : ' because it is removed from the template';
    const consequence =
      change.protection === 'Retain'
        ? `; the old resource is retained (${change.action === 'delete' ? 'DeletionPolicy' : 'UpdateReplacePolicy'}: Retain) but its data is not moved`
        : change.protection === 'Snapshot'
          ? '; a final snapshot is taken, but the resource and its endpoint are gone until restored'
          : '; nothing is retained';
    findings.push({
      ruleId: DESTRUCTIVE_CHANGE_RULE.id,
      category: 'destructive-change',
      severity: severityOf(change),
      title: `${verb === 'delete' ? 'Deletes' : verb === 'replace' ? 'Replaces' : 'May replace'} ${change.resourceType} ${change.logicalId}`,
      message:
        `Deploying stack ${change.stack.displayName} would ${verb} ${what} resource ${change.logicalId} ` +
        `(${change.resourceType})${because}${change.productionTag ? `; tagged ${change.productionTag}` : ''}${consequence}.`,
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
        productionTag: change.productionTag ?? null,
        protection: change.protection ?? null,
        viaNestedStack: change.viaNestedStack ?? null,
      },
      remediation:
        change.action === 'replace'
          ? `Keep ${change.causes.join(', ') || 'the replacement-forcing properties'} unchanged, or retain the old resource (RemovalPolicy.RETAIN) and migrate its data; a deliberate replacement needs a suppression approved by two people.`
          : 'Keep the resource in the template, or set DeletionPolicy: Retain first (RemovalPolicy.RETAIN) in a separate deployment; a deliberate deletion needs a suppression approved by two people.',
      docsUrl: DESTRUCTIVE_CHANGE_RULE.docsUrl,
    });
  }
  return findings;
}

/**
 * Destroyed production and stateful: critical; one of the two: high. Each of these lowers it one step: a
 * final snapshot (the data survives, the service does not), and a change that only may replace (the spec
 * says CloudFormation replaces for some values of the property, e.g. an RDS BackupRetentionPeriod). A
 * retained resource is reported for information only.
 */
function severityOf(change: DestructiveChange): Severity {
  if (change.protection === 'Retain') return 'info';
  const ladder: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
  const base = change.stateful && change.productionTag ? 0 : 1;
  const steps = (change.protection === 'Snapshot' ? 1 : 0) + (change.conditional ? 1 : 0);
  return ladder[Math.min(base + steps, ladder.length - 1)];
}
