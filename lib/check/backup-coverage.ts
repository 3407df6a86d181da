// Recovery of production taken away without deleting anything: an AWS Backup selection that backs up production
// resources removed, or changed so it no longer selects them, stops new recovery points; a backup plan's rules
// cut to a shorter retention delete the ones already made. Neither resource holds data or carries the production
// tag, so the resource diff saw nothing of it. It is the first half of a destruction in two steps.
import type { Finding } from '../audit/rules/types';
import type { ProductionSelector } from '../guardrails/spec';
import { wildcardMatch } from '../policy/wildcard';
import { DESTRUCTIVE_CHANGE_RULE } from './change-gate';
import { changeHash } from './change-hash';
import { productionTagOf } from './production-tag';
import { referencedIds } from './references';
import type { ResourcePair } from './stack-pairs';
import type { LoadedStack } from './assembly';
import type { CfnResource } from './template-file';

const SELECTION = 'AWS::Backup::BackupSelection';

/** A resource of the stack's templates by logical id (the deployed one first). */
export type ResourceLookup = (stack: LoadedStack, logicalId: string) => CfnResource | undefined;

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** A value AWS Backup compares with a production value: an intrinsic (unknown until deployment) may be one. */
function mayBeProductionValue(value: unknown, production: ProductionSelector, wildcards: boolean): boolean {
  if (typeof value !== 'string') return true;
  return production.values.some((wanted) =>
    wildcards ? wildcardMatch(value.toLowerCase(), wanted.toLowerCase()) : same(value, wanted),
  );
}

/** A tag key written as `environment` (ListOfTags) or `aws:ResourceTag/environment` (Conditions). */
function mayBeProductionKey(key: unknown, production: ProductionSelector): boolean {
  if (typeof key !== 'string') return true;
  const bare = key.replace(/^aws:ResourceTag\//i, '');
  return production.tagKeys.some((wanted) => same(bare, wanted));
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/**
 * Why a backup selection may back up production resources, or undefined when it cannot. Read the way that
 * keeps the most: a tag condition on a production key and value, a resource ARN pattern that matches anything,
 * a production ARN, a reference to a production-tagged resource of the templates, or anything only deployment
 * knows (an intrinsic), counts.
 */
export function selectionCoversProduction(
  selection: CfnResource,
  stack: LoadedStack,
  stackTags: readonly Readonly<Record<string, unknown>>[],
  production: ProductionSelector,
  lookup: ResourceLookup,
): string | undefined {
  const body = selection.Properties?.BackupSelection as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return 'its selection is not readable here';
  for (const condition of listOf(body.ListOfTags)) {
    const { ConditionKey: key, ConditionValue: value } = (condition ?? {}) as Record<string, unknown>;
    if (mayBeProductionKey(key, production) && mayBeProductionValue(value, production, false)) {
      return `it selects resources tagged ${String(key)}=${typeof value === 'string' ? value : 'a value only deployment knows'}`;
    }
  }
  const conditions = (body.Conditions ?? {}) as Record<string, unknown>;
  for (const operator of ['StringEquals', 'StringLike']) {
    for (const condition of listOf(conditions[operator])) {
      const { ConditionKey: key, ConditionValue: value } = (condition ?? {}) as Record<string, unknown>;
      if (mayBeProductionKey(key, production) && mayBeProductionValue(value, production, operator === 'StringLike')) {
        return `it selects resources whose ${String(key)} is ${typeof value === 'string' ? value : 'a value only deployment knows'}`;
      }
    }
  }
  for (const resource of listOf(body.Resources)) {
    if (typeof resource === 'string') {
      const arn = resource.split(':');
      // `*`, or an ARN whose resource (after its type) is only wildcards, selects every resource of its kind.
      if (resource === '*' || /^([A-Za-z0-9-]+[/:])?[*?/]*$/.test(arn.slice(5).join(':'))) {
        return `it selects ${resource}`;
      }
      const named =
        production.arns.some((arn) => same(arn, resource)) ||
        production.arnPatterns.some((pattern) => wildcardMatch(pattern, resource) || wildcardMatch(resource, pattern));
      if (named) return `it selects ${resource}, a production ARN`;
      continue;
    }
    const ids = referencedIds(resource);
    if (ids.length === 0) return 'it selects a resource only deployment knows';
    for (const id of ids) {
      const target = lookup(stack, id);
      const tag = target ? productionTagOf([target], stackTags, production) : undefined;
      if (tag) return `it selects ${id}, tagged ${tag}`;
      if (!target) return `it selects ${id}, which is not in the templates`;
    }
  }
  return undefined;
}

/** The plan a selection belongs to, when it names one of its stack (`Ref` or `Fn::GetAtt`). */
function planOf(selection: CfnResource): string | undefined {
  const [id] = referencedIds(selection.Properties?.BackupPlanId);
  return id;
}

/**
 * Backup plans that back up production, by `stackKey/logicalId`, with why: a selection of the same stack, in
 * either template, that names the plan and may select production resources; and Data Lifecycle Manager
 * policies whose TargetTags select production (a tag value only deployment knows may).
 */
export function productionBackupPlans(
  stacks: readonly LoadedStack[],
  production: ProductionSelector,
  lookup: ResourceLookup,
): Map<string, string> {
  const plans = new Map<string, string>();
  for (const stack of stacks) {
    for (const [logicalId, selection] of Object.entries(stack.template.Resources ?? {})) {
      if (selection?.Type !== SELECTION) continue;
      const plan = planOf(selection);
      const key = plan && `${stack.key}/${plan}`;
      if (!key || plans.has(key)) continue;
      const why = selectionCoversProduction(selection, stack, [stack.stackTags], production, lookup);
      if (why) plans.set(key, `backs up production: selection ${logicalId} ${why.replace(/^it /, '')}`);
    }
    for (const [logicalId, policy] of Object.entries(stack.template.Resources ?? {})) {
      if (policy?.Type !== DLM_POLICY) continue;
      const selected = dlmProductionTarget(policy, production);
      if (selected) plans.set(`${stack.key}/${logicalId}`, `snapshots production: its TargetTags select ${selected}`);
    }
  }
  return plans;
}

const DLM_POLICY = 'AWS::DLM::LifecyclePolicy';

/**
 * The production tag a lifecycle policy's TargetTags select (`environment=production`), if any: read as tags
 * are everywhere else in the gate, so a value only deployment knows or a lookalike counts.
 */
function dlmProductionTarget(policy: CfnResource, production: ProductionSelector): string | undefined {
  const targets = (policy.Properties?.PolicyDetails as { TargetTags?: unknown } | undefined)?.TargetTags;
  const tags: Record<string, unknown> = {};
  for (const tag of Array.isArray(targets) ? targets : []) {
    const { Key: key, Value: value } = (tag ?? {}) as { Key?: unknown; Value?: unknown };
    if (typeof key === 'string') tags[key] = value;
  }
  return productionTagOf([], [tags], production)?.replace(/ \(stack tag\)$/, '');
}

/** A finding per backup selection that backed up production and is removed, or no longer selects it. */
export function backupCoverageFindings(
  pairs: readonly ResourcePair[],
  production: ProductionSelector,
  lookup: ResourceLookup,
): Finding[] {
  const findings: Finding[] = [];
  for (const pair of pairs) {
    const { before, after } = pair;
    if (!pair.changed || before?.Type !== SELECTION) continue;
    const tags = [pair.stack.stackTags, pair.baselineStackTags];
    const was = selectionCoversProduction(before, pair.stack, tags, production, lookup);
    if (!was) continue;
    const still = after?.Type === SELECTION && selectionCoversProduction(after, pair.stack, tags, production, lookup);
    if (still) continue;
    const hash = changeHash(pair.stack.key, pair.logicalId, before, after ?? null);
    const what = after ? 'changes so that it no longer selects them' : 'is removed';
    findings.push({
      ruleId: DESTRUCTIVE_CHANGE_RULE.id,
      category: 'destructive-change',
      severity: 'critical',
      title: `Stops backing up production: ${SELECTION} ${pair.logicalId}`,
      message:
        `Deploying stack ${pair.stack.displayName}: backup selection ${pair.logicalId} backed up production (${was}) ` +
        `and ${what}: AWS Backup makes no more recovery points of them, and those it made expire with the plan's ` +
        `retention. Nothing is deleted now; a later deletion could not be undone. Change ${hash}.`,
      location: {
        file: pair.stack.file,
        logicalId: pair.logicalId,
        cdkPath: pair.stack.cdkPaths?.get(pair.logicalId),
        jsonPath: `Resources.${pair.logicalId}`,
      },
      evidence: [{ policy: `template:${pair.stack.key}`, policyKind: 'template', note: `${pair.logicalId} ${what}` }],
      details: {
        stack: pair.stack.key,
        logicalId: pair.logicalId,
        resourceType: SELECTION,
        action: after ? 'modify' : 'delete',
        backsUp: was,
        changeHash: hash,
      },
      remediation: `Keep the selection (or another that selects the same production resources) in place; a deliberate change needs a suppression naming change ${hash}, approved by two people.`,
      docsUrl: DESTRUCTIVE_CHANGE_RULE.docsUrl,
    });
  }
  return findings;
}
