// `leash check --change-set`: CloudFormation's own answer to what a deployment replaces and deletes, read from
// the JSON of `aws cloudformation describe-change-set` (pages of one change set, and the nested change sets of
// nested stacks), and judged with the same rules, findings and approvals as the template diff.
import { loadResourceModel } from '../audit/sources/resource-spec';
import { InputError, parseJsonTextUnique, readTextFile } from '../util/read-input';
import type { LoadedStack } from './assembly';
import type { DescribeChangeSetOutput, ResourceChange } from './change-set-schema';
import { changeHash } from './change-hash';
import type { DestructiveChange, NotVisibleChange } from './change-gate';
import { productionTagOf } from './production-tag';
import type { ResourcePair } from './stack-pairs';
import { statefulReason } from './stateful-types';
import type { CfnResource } from './template-file';

/** The schema of one page, loaded with the first change set read (`leash check` without one never loads zod). */
function describeChangeSetSchema(): (typeof import('./change-set-schema'))['DescribeChangeSetOutput'] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, see above
  return (require('./change-set-schema') as typeof import('./change-set-schema')).DescribeChangeSetOutput;
}

/** One change set, its pages merged. */
export interface ChangeSet {
  readonly file: string;
  readonly text: string;
  readonly id: string;
  readonly name: string;
  readonly stackName: string;
  readonly parentId?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly changes: readonly ResourceChange[];
}

/** Read describe-change-set outputs (a file may hold one output or an array of them); exit 2 on bad input. */
export function loadChangeSets(files: readonly string[]): ChangeSet[] {
  const pages: { file: string; text: string; output: DescribeChangeSetOutput }[] = [];
  for (const file of files) {
    const text = readTextFile(file);
    if (text.trim() === '')
      throw new InputError(`${file}: empty; expected the JSON of aws cloudformation describe-change-set`);
    const value = parseJsonTextUnique(text, file);
    // An empty list would leave the gate without a change set to judge, and so without a verdict.
    if (Array.isArray(value) && value.length === 0) {
      throw new InputError(`${file}: an empty list; expected the JSON of aws cloudformation describe-change-set`);
    }
    for (const [index, item] of (Array.isArray(value) ? value : [value]).entries()) {
      const where = Array.isArray(value) ? `${file}[${index}]` : file;
      const parsed = describeChangeSetSchema().safeParse(item);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
        throw new InputError(
          `${where}${path ? ` ${path.replace(/^\./, '')}` : ''}: ${issue.message}; expected the JSON of aws cloudformation describe-change-set`,
        );
      }
      pages.push({ file: where, text, output: parsed.data });
    }
  }
  const byId = new Map<string, typeof pages>();
  for (const page of pages) byId.set(page.output.ChangeSetId, [...(byId.get(page.output.ChangeSetId) ?? []), page]);
  const changeSets: ChangeSet[] = [];
  for (const [id, group] of byId) {
    const first = group[0];
    const { Status, StatusReason } = first.output;
    const empty =
      Status === 'FAILED' && /didn't contain changes|No updates are to be performed/i.test(StatusReason ?? '');
    if (Status !== 'CREATE_COMPLETE' && !empty) {
      throw new InputError(
        `${first.file}: change set ${first.output.ChangeSetName} is ${Status}${StatusReason ? ` (${StatusReason})` : ''}; only a complete change set can be judged`,
      );
    }
    // Each page but the last carries NextToken: with every page given, exactly one has none.
    const last = group.filter((page) => !page.output.NextToken);
    if (last.length !== 1) {
      throw new InputError(
        `${first.file}: change set ${first.output.ChangeSetName} is truncated (NextToken set and the following page not given); describe it again with --next-token and pass every page`,
      );
    }
    changeSets.push({
      file: first.file,
      text: first.text,
      id,
      name: first.output.ChangeSetName,
      stackName: first.output.StackName,
      parentId: first.output.ParentChangeSetId,
      tags: Object.fromEntries((first.output.Tags ?? []).map((tag) => [tag.Key, tag.Value])),
      changes: group.flatMap((page) => page.output.Changes.map((change) => change.ResourceChange)),
    });
  }
  return changeSets;
}

export interface ChangeSetGateResult {
  readonly changes: DestructiveChange[];
  readonly notVisible: NotVisibleChange[];
  /** Resource pairs from the property values (`--include-property-values`), for the setting and custom-resource rules. */
  readonly pairs: ResourcePair[];
  /** Stacks the change sets cover, by stack name and by key (`Root/NestedLogicalId` for nested stacks). */
  readonly stackNames: ReadonlySet<string>;
  readonly stackKeys: ReadonlySet<string>;
}

/** Every Remove, and every Replacement True or Conditional (or a Dynamic change), of each change set. */
export function judgeChangeSets(
  changeSets: readonly ChangeSet[],
  production: Parameters<typeof productionTagOf>[2],
  templates: readonly LoadedStack[] = [],
): ChangeSetGateResult {
  const byId = new Map(changeSets.map((changeSet) => [changeSet.id, changeSet]));
  const result: ChangeSetGateResult = {
    changes: [],
    notVisible: [],
    pairs: [],
    stackNames: new Set(),
    stackKeys: new Set(),
  };
  const visited = new Set<string>();
  const visit = (changeSet: ChangeSet, key: string, inheritedTags: Readonly<Record<string, string>>, via?: string) => {
    if (visited.has(changeSet.id)) return;
    visited.add(changeSet.id);
    (result.stackNames as Set<string>).add(changeSet.stackName);
    (result.stackKeys as Set<string>).add(key);
    const stackTags = { ...inheritedTags, ...changeSet.tags };
    const stack: LoadedStack = {
      key,
      displayName: `${changeSet.stackName} (change set ${changeSet.name})`,
      stackName: changeSet.stackName,
      file: changeSet.file,
      text: changeSet.text,
      template: { Resources: {} },
      stackTags,
    };
    const template =
      templates.find((candidate) => candidate.stackName === changeSet.stackName)?.template.Resources ?? {};
    for (const change of changeSet.changes) {
      const before = resourceFrom(change.ResourceType, change.BeforeContext, template[change.LogicalResourceId]);
      const after = resourceFrom(change.ResourceType, change.AfterContext, undefined);
      const nested =
        change.ResourceType === 'AWS::CloudFormation::Stack' && change.ChangeSetId
          ? byId.get(change.ChangeSetId)
          : undefined;
      if (nested) visit(nested, `${key}/${change.LogicalResourceId}`, stackTags, via);
      const verdict = destructiveVerdict(change);
      const productionTag =
        productionTagOf([before, after], [stackTags], production) ??
        (verdict && tagsUnseen(change, template[change.LogicalResourceId]) ? TAGS_UNSEEN : undefined);
      if (
        change.Action === 'Modify' ||
        change.Action === 'Remove' ||
        change.Action === 'Add' ||
        change.Action === 'Dynamic'
      ) {
        result.pairs.push({
          stack,
          baselineStackTags: stackTags,
          logicalId: change.LogicalResourceId,
          changed: true,
          before: change.Action === 'Add' ? undefined : before,
          after: change.Action === 'Remove' ? undefined : after,
          notes: { assumed: [], invisible: [] },
        });
      }
      if (
        change.ResourceType === 'AWS::CloudFormation::Stack' &&
        change.ChangeSetId &&
        !nested &&
        change.Action !== 'Remove'
      ) {
        result.notVisible.push({
          stack,
          logicalId: change.LogicalResourceId,
          resourceType: change.ResourceType,
          reasons: [
            `nested change set ${change.ChangeSetId} was not given (describe it and pass it with --change-set)`,
          ],
          productionTag,
          // What the nested stack deploys is unknown, whatever its own tags: it may delete anything in it.
          contentsUnknown: true,
        });
      }
      if (!verdict) continue;
      // A nested stack whose change set is given is judged by its contents; a removed one by itself too.
      if (nested && verdict.action === 'replace') continue;
      const stateful = statefulReason(change.ResourceType);
      result.changes.push({
        stack,
        logicalId: change.LogicalResourceId,
        resourceType: change.ResourceType,
        action: verdict.action,
        conditional: verdict.conditional,
        causes: verdict.causes,
        viaNestedStack: via,
        stateful: stateful !== undefined,
        statefulReason: stateful,
        productionTag,
        protection: protectionOf(change),
        contentsNotVisible: change.ResourceType === 'AWS::CloudFormation::Stack' && !nested,
        changeHash: changeHash(
          `changeset:${changeSet.stackName}`,
          change.LogicalResourceId,
          beforeFacts(change),
          afterFacts(change),
        ),
      });
    }
  };
  // Roots first (their nested change sets are reached through them), then any nested one given alone.
  for (const changeSet of changeSets.filter((item) => !item.parentId || !byId.has(item.parentId))) {
    visit(changeSet, changeSet.stackName, {});
  }
  for (const changeSet of changeSets) visit(changeSet, changeSet.stackName, {});
  return result;
}

function destructiveVerdict(
  change: ResourceChange,
): { action: 'delete' | 'replace'; conditional: boolean; causes: string[] } | undefined {
  if (change.Action === 'Remove') return { action: 'delete', conditional: false, causes: [] };
  const causes = (change.Details ?? [])
    .filter(
      (detail) =>
        detail.Target?.RequiresRecreation === 'Always' || detail.Target?.RequiresRecreation === 'Conditionally',
    )
    .map((detail) => {
      const name = detail.Target?.Name ?? detail.Target?.Attribute ?? 'unknown';
      return detail.Target?.RequiresRecreation === 'Conditionally' ? `${name} (may)` : name;
    });
  if (change.Action === 'Modify' && change.Replacement === 'True')
    return { action: 'replace', conditional: false, causes };
  if (change.Action === 'Modify' && change.Replacement === 'Conditional')
    return { action: 'replace', conditional: true, causes };
  // CloudFormation says for every Modify whether it replaces; a change that does not say (a key misspelt or cut
  // out of the file) may replace: never read as an in-place change.
  if (change.Action === 'Modify' && change.Replacement === undefined)
    return { action: 'replace', conditional: true, causes: [...causes, 'Replacement not given: it may replace'] };
  // CloudFormation derives Replacement from the details: a detail that always recreates under a Replacement of
  // False is a file not as CloudFormation writes it, taken at its worst.
  const always = (change.Details ?? []).filter((detail) => detail.Target?.RequiresRecreation === 'Always');
  if (change.Action === 'Modify' && change.Replacement === 'False' && always.length > 0)
    return {
      action: 'replace',
      conditional: true,
      causes: [...causes, 'Replacement False, yet a detail says RequiresRecreation Always'],
    };
  // SyncWithActual changes only CloudFormation's record of the resource; one that still says it replaces (a file
  // not as CloudFormation writes it) is taken at its word.
  if (change.Action === 'SyncWithActual' && (change.Replacement === 'True' || change.Replacement === 'Conditional'))
    return {
      action: 'replace',
      conditional: change.Replacement === 'Conditional',
      causes: [...causes, `SyncWithActual with Replacement ${change.Replacement}`],
    };
  // Dynamic: CloudFormation decides at execution; it may replace.
  if (change.Action === 'Dynamic')
    return { action: 'replace', conditional: true, causes: [...causes, 'decided at execution (Dynamic)'] };
  return undefined;
}

const TAGS_UNSEEN =
  'tags not known (no BeforeContext: describe the change set with --include-property-values); treated as production';

/**
 * A change set described without --include-property-values has no BeforeContext, so the resource's own tags
 * are not in it; unless the templates given show the resource, or its type takes no tags, it may be production.
 */
function tagsUnseen(change: ResourceChange, fromTemplate: CfnResource | undefined): boolean {
  if (change.BeforeContext !== undefined || fromTemplate) return false;
  const model = loadResourceModel(change.ResourceType);
  return !model || model.tagInformation !== undefined;
}

/** PolicyAction says what happens to the old resource; without it, nothing is assumed to be kept. */
function protectionOf(change: ResourceChange): 'Retain' | 'Snapshot' | undefined {
  if (change.PolicyAction === 'Retain' || change.PolicyAction === 'ReplaceAndRetain') return 'Retain';
  if (change.PolicyAction === 'Snapshot' || change.PolicyAction === 'ReplaceAndSnapshot') return 'Snapshot';
  return undefined;
}

/** The resource's properties from a Before/AfterContext (present with --include-property-values). */
function resourceFrom(
  type: string,
  context: string | undefined,
  fallback: CfnResource | undefined,
): CfnResource | undefined {
  if (context) {
    try {
      const value = JSON.parse(context) as { Properties?: Record<string, unknown> } & Record<string, unknown>;
      const properties = value && typeof value === 'object' && value.Properties ? value.Properties : value;
      return { Type: type, Properties: properties as Record<string, unknown> };
    } catch {
      // An unreadable context leaves the template's view, or none.
    }
  }
  return fallback ?? { Type: type, Properties: {} };
}

function beforeFacts(change: ResourceChange): unknown {
  return { physicalId: change.PhysicalResourceId ?? null, context: change.BeforeContext ?? null };
}

function afterFacts(change: ResourceChange): unknown {
  return {
    action: change.Action,
    replacement: change.Replacement ?? null,
    policyAction: change.PolicyAction ?? null,
    details: (change.Details ?? []).map((detail) => detail.Target ?? {}),
    context: change.AfterContext ?? null,
  };
}
