// Which catalog actions each guardrail statement is about, and which extra actions its patterns may touch.
import { TAG_EVALUATION_SWITCH } from '../catalog/classification-rules';
import type { Catalog, CatalogAction } from '../catalog/types';
import { compressActions } from './patterns';
import type { PatternItem } from './packing';
import { actionTier } from './priority';

/**
 * Tag writes (`TagResource`, `ec2:CreateTags`, `s3:PutBucketTagging`) are classed as tamper by the catalog,
 * but denying them outright would stop harmless cost or owner tagging; the tag statements deny them only
 * when they touch a production tag key.
 */
export function isTagWrite(action: CatalogAction): boolean {
  return action.accessLevel === 'Tagging';
}

/** Destructive actions that the production and fail-closed denies list by name. */
export function isListedDestructive(action: CatalogAction): boolean {
  return action.classes.length > 0 && !isTagWrite(action);
}

/**
 * What the production denies (SCP, RCP) require: destructive actions other than pure escalation or
 * execution (both everyday deployment and operations work; agents get them only on non-production).
 */
export function isProductionDeny(action: CatalogAction): boolean {
  return isListedDestructive(action) && action.classes.some((c) => c !== 'escalate' && c !== 'execute');
}

/**
 * Destructive actions that are only escalation or execution: what the production deny leaves out, and what
 * the opt-in everyone.denyEscalationAndExecution adds.
 */
export function isEscalateOrExecuteOnly(action: CatalogAction): boolean {
  return isListedDestructive(action) && !isProductionDeny(action);
}

/**
 * Actions that turn attribute-based access control off for a bucket or an account (s3:PutBucketAbac,
 * dynamodb:UpdateAbacStatus): afterwards AWS evaluates every tag condition as if the resource had no tags.
 */
export function switchesTagEvaluation(action: CatalogAction): boolean {
  return action.classes.includes('tamper') && TAG_EVALUATION_SWITCH.test(action.name);
}

/** Condition keys the request context can carry for this action (its row plus its resource types). */
export function actionConditionKeys(action: CatalogAction): Set<string> {
  const keys = new Set(action.conditionKeys.map((k) => k.toLowerCase()));
  for (const resourceType of action.resourceTypes) {
    for (const key of resourceType.conditionKeys) keys.add(key.toLowerCase());
  }
  return keys;
}

/** Whether `aws:TagKeys` can be in the request context of this action. */
export function reportsTagKeys(action: CatalogAction): boolean {
  return actionConditionKeys(action).has('aws:tagkeys');
}

/**
 * Tag writes that replace a resource's whole tag set (`s3:PutBucketTagging`) or otherwise do not report
 * `aws:TagKeys`: a production tag can vanish by omission, so an `aws:TagKeys` condition would never fire.
 */
export function isTagSetWrite(action: CatalogAction): boolean {
  return isTagWrite(action) && !reportsTagKeys(action);
}

/**
 * What the agent fail-closed deny lists: destructive actions, plus tag-set writes (they cannot be caught
 * by an `aws:TagKeys` condition, so agents may use them only on resources already tagged non-production).
 */
export function isAgentFailClosed(action: CatalogAction): boolean {
  return isListedDestructive(action) || isTagSetWrite(action);
}

export function servicesSet(services: readonly string[]): ReadonlySet<string> {
  return new Set(services.map((s) => s.toLowerCase()));
}

/** Compress `required` into pattern items whose tier is the best tier of the actions each one covers. */
export function patternItems(
  required: readonly CatalogAction[],
  acceptable: (action: CatalogAction) => boolean,
  catalog: Catalog,
  tierOf: (action: CatalogAction) => number = actionTier,
): PatternItem[] {
  return compressActions(required, acceptable, catalog).map(({ pattern, covers }) => ({
    pattern,
    covers,
    tier: Math.min(...covers.map(tierOf)),
  }));
}
