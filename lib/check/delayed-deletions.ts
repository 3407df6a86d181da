// Deletions a deployment schedules rather than performs: an EventBridge Scheduler schedule, a Step Functions
// state machine or a Systems Manager Automation document that calls a delete API through AWS's integrations (`arn:aws:scheduler:::aws-sdk:
// dynamodb:deleteTable`, `arn:aws:states:::aws-sdk:s3:deleteBucket`, the optimised `states:::dynamodb:
// deleteItem`). Nothing in the diff of the data stores shows them, and they run later, with the schedule's or
// state machine's role, outside any review: the gate judges them when they are added or changed.
import { parse as parseYaml } from 'yaml';
import type { Catalog } from '../catalog/types';
import type { Finding, RuleMeta } from '../audit/rules/types';
import type { ProductionSelector } from '../guardrails/spec';
import { changeHash } from './change-hash';
import { destructiveAction, texts } from './custom-resources';
import { commandCalls, documentRunCalls } from './document-runs';
import { productionTagOf } from './production-tag';
import type { ResourcePair } from './stack-pairs';
import type { CfnResource } from './template-file';

export const DELAYED_DELETION_RULE: RuleMeta = {
  id: 'scheduled-deletion',
  category: 'destructive-change',
  severity: 'high',
  title: 'Deployment schedules a call to a delete API',
  help:
    'A Scheduler schedule, Step Functions state machine or Systems Manager Automation document added or changed ' +
    "in this deployment calls, through AWS's integrations, an API that deletes or recreates (as classified in the " +
    'action catalog, ' +
    'or named delete/remove/terminate/purge/drop/destroy/truncate). It runs later with its own role, so no review ' +
    'of the data stores sees it. Also a Systems Manager document the deployment makes AWS run by itself (an ' +
    'association, a maintenance window task, a Config remediation, an EventBridge or Scheduler target) that ' +
    'deletes: by the commands it is given, its steps, an AWS-managed name, or because the gate cannot read it. ' +
    'Critical in a production stack.',
  docsUrl: 'https://github.com/agent-leash/agent-leash/blob/main/docs/ci.md#scheduled-deletions',
};

/** Where each type keeps the integration ARNs it calls. */
const CALL_SITES: Readonly<Record<string, readonly string[]>> = {
  'AWS::Scheduler::Schedule': ['Target'],
  // Substitutions fill `${Name}` placeholders of the definition: an integration ARN can hide there.
  'AWS::StepFunctions::StateMachine': ['Definition', 'DefinitionString', 'DefinitionSubstitutions'],
};

/** `arn:<partition>:scheduler:::aws-sdk:<service>:<api>` and `arn:<partition>:states:::[aws-sdk:]<service>:<api>`. */
const INTEGRATION =
  /arn:[^:"\s]*:(scheduler|states):::(aws-sdk:)?([a-z0-9-]+):([A-Za-z][A-Za-z0-9]*)(?:\.(?:sync|waitForTaskToken)(?::\d+)?)?/g;

/**
 * The destructive APIs a resource calls through integrations, as `service:Action (integration ARN)`, and what
 * the Systems Manager documents it makes AWS run destroy (document-runs.ts; `template` holds the documents a
 * `Ref` names).
 */
export function scheduledCalls(
  resource: CfnResource,
  catalog: Catalog,
  template: Readonly<Record<string, CfnResource>> = {},
): string[] {
  if (resource.Type === 'AWS::SSM::Document') {
    // Automation steps, and the commands of a Command document (run by an association or a window task).
    const content = resource.Properties?.Content;
    return [...new Set([...automationCalls(content, catalog), ...commandCalls(texts(content).join('\n'), catalog)])];
  }
  const calls = new Set<string>(
    documentRunCalls(resource, catalog, template, (content) => automationCalls(content, catalog)),
  );
  const sites = CALL_SITES[resource.Type] ?? [];
  for (const site of sites) {
    for (const text of texts(resource.Properties?.[site])) {
      for (const match of text.matchAll(INTEGRATION)) {
        const [integration, , sdk, service, api] = match;
        // The optimised Step Functions integrations name a few services directly (states:::dynamodb:deleteItem);
        // a run of another state machine or a job (states:::states:startExecution) deletes nothing itself.
        if (!sdk && match[1] === 'scheduler') continue;
        const action = destructiveAction(service, api, catalog);
        if (action) calls.add(`${action} (${integration})`);
      }
    }
  }
  return [...calls];
}

export function delayedDeletionFindings(
  pairs: readonly ResourcePair[],
  production: ProductionSelector,
  catalog: Catalog,
  templates: ReadonlyMap<string, Readonly<Record<string, CfnResource>>>,
): Finding[] {
  const findings: Finding[] = [];
  for (const pair of pairs) {
    // A schedule that is removed calls nothing more; one added or changed is what this deployment sets up.
    if (!pair.after || !pair.changed) continue;
    const calls = scheduledCalls(pair.after, catalog, templates.get(pair.stack.key) ?? {});
    // A definition kept in S3 is not in the template: what it calls is unknown, so it may delete.
    const unread =
      pair.after.Type === 'AWS::StepFunctions::StateMachine' && pair.after.Properties?.DefinitionS3Location;
    if (unread) calls.push('whatever its definition in S3 calls (DefinitionS3Location, which the gate cannot read)');
    if (calls.length === 0) continue;
    const productionTag = productionTagOf(
      [pair.before, pair.after],
      [pair.stack.stackTags, pair.baselineStackTags],
      production,
    );
    const when = pair.before ? 'changed' : 'added';
    const hash = changeHash(pair.stack.key, pair.logicalId, pair.before, pair.after);
    findings.push({
      ruleId: DELAYED_DELETION_RULE.id,
      category: DELAYED_DELETION_RULE.category,
      severity: productionTag ? 'critical' : 'high',
      title: `${pair.after.Type} ${pair.logicalId} ${unread ? 'may call' : 'calls'} delete APIs later`,
      message:
        `Deploying stack ${pair.stack.displayName} sets up ${pair.after.Type} ${pair.logicalId} (${when}), which ` +
        `will call ${calls.join(', ')} with its own role${productionTag ? `; tagged ${productionTag}` : ''}. ` +
        `Change ${hash}.`,
      location: {
        file: pair.stack.file,
        logicalId: pair.logicalId,
        cdkPath: pair.stack.cdkPaths?.get(pair.logicalId),
        jsonPath: `Resources.${pair.logicalId}`,
      },
      evidence: [{ policy: `template:${pair.stack.key}`, policyKind: 'template', note: calls.join('; ') }],
      details: {
        stack: pair.stack.key,
        logicalId: pair.logicalId,
        resourceType: pair.after.Type,
        calls,
        productionTag: productionTag ?? null,
        changeHash: hash,
      },
      remediation: `Make the deletion a reviewed change of the resource itself; a deliberate schedule needs a suppression naming change ${hash}, approved by two people.`,
      docsUrl: DELAYED_DELETION_RULE.docsUrl,
    });
  }
  return findings;
}

/**
 * Steps of a Systems Manager Automation document that delete: `aws:executeAwsApi` with a destructive
 * Service/Api, and `aws:deleteStack`. Content is an object, or JSON or YAML text (parsed; text that does not
 * parse is searched for the two keys instead, so a broken document is not a clean one).
 */
function automationCalls(content: unknown, catalog: Catalog): string[] {
  const calls = new Set<string>();
  const visit = (value: unknown, depth: number) => {
    if (depth > 64 || !value || typeof value !== 'object') return;
    const step = value as { action?: unknown; inputs?: { Service?: unknown; Api?: unknown } };
    if (step.action === 'aws:deleteStack') calls.add('cloudformation:DeleteStack (aws:deleteStack step)');
    if (step.action === 'aws:executeAwsApi' && typeof step.inputs?.Api === 'string') {
      const service = typeof step.inputs.Service === 'string' ? step.inputs.Service : undefined;
      const action = destructiveAction(service, step.inputs.Api, catalog);
      if (action) calls.add(`${action} (aws:executeAwsApi step)`);
    }
    Object.values(value).forEach((item) => visit(item, depth + 1));
  };
  if (typeof content === 'string') {
    let parsed: unknown;
    try {
      parsed = parseYaml(content);
    } catch {
      parsed = undefined;
    }
    if (parsed && typeof parsed === 'object') visit(parsed, 0);
    else {
      for (const match of content.matchAll(/\bApi\b["']?\s*:\s*["']?([A-Za-z][A-Za-z0-9]*)/g)) {
        const around = content.slice(Math.max(0, (match.index ?? 0) - 300), (match.index ?? 0) + 300);
        const service = /\bService\b["']?\s*:\s*["']?([a-z0-9-]+)/.exec(around)?.[1];
        const action = destructiveAction(service, match[1], catalog);
        if (action) calls.add(`${action} (aws:executeAwsApi step)`);
      }
    }
  } else {
    // An object, or an intrinsic (Fn::Sub of a text): every string in it is searched as above.
    visit(content, 0);
    for (const text of texts(content))
      if (text.length > 20) automationCalls(text, catalog).forEach((c) => calls.add(c));
  }
  return [...calls];
}
