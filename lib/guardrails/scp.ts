// Service control policy statements: production protection for every principal that is not exempt
// (CloudFormation's execution role included), tag-tamper protection, and an agent layer keyed on the
// agent principal tag that still holds when someone strips a role's permissions boundary.
import type { Catalog, CatalogAction } from '../catalog/types';
import {
  allOf,
  boundaryPolicyArnPattern,
  notExempt,
  productionTagged,
  requestTagNotIn,
  resourceTagKey,
  touchesTagKeys,
} from './conditions';
import { conditionalDeletes, deletingRequest } from './conditional-deletes';
import { exemptionGuardTemplates, operatorGuardTemplates } from './exemptions';
import type { StatementTemplate } from './packing';
import { TIER } from './priority';
import { agentLayerTemplates } from './scp-agent';
import { compressActions } from './patterns';
import {
  isEscalateOrExecuteOnly,
  isListedDestructive,
  isProductionDeny,
  isTagSetWrite,
  isTagWrite,
  patternItems,
  reportsTagKeys,
  switchesTagEvaluation,
} from './select';
import type { GuardrailSpec } from './spec';

export { agentGuardTemplates } from './agent-guards';

/** A letters-and-digits rendering of a tag key for statement ids (`leash:agent` -> `LeashAgent`). */
export function sidPart(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const joined = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return joined || 'Key';
}

/** Statements that keep the agent tag and the boundary policy intact, for everyone who is not exempt. */
function identityGuardTemplates(spec: GuardrailSpec): StatementTemplate[] {
  const { key, value } = spec.agents.principalTag;
  const exempt = notExempt(spec.exemptPrincipalArns);
  return [
    {
      // Session tags override role tags in aws:PrincipalTag, so sts:TagSession is guarded too.
      sid: 'ProtectAgentTag',
      role: 'identity-guard',
      effect: 'Deny',
      action: ['iam:TagRole', 'iam:TagUser', 'iam:UntagRole', 'iam:UntagUser', 'sts:TagSession'],
      resource: '*',
      condition: allOf(touchesTagKeys([key]), requestTagNotIn(key, [value]), exempt),
      mandatory: true,
    },
    {
      sid: 'ProtectAgentBoundary',
      role: 'identity-guard',
      effect: 'Deny',
      action: ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'],
      resource: boundaryPolicyArnPattern(spec),
      condition: allOf(exempt),
      mandatory: true,
    },
    {
      sid: 'KeepBoundaryOnAgents',
      role: 'identity-guard',
      effect: 'Deny',
      action: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary'],
      resource: '*',
      condition: allOf({ StringEqualsIgnoreCase: { [resourceTagKey(key)]: value } }, exempt),
      mandatory: true,
    },
  ];
}

/**
 * Tag removals in the older API style (`DeleteTags`, `RemoveTags...`), where the key list can be left out:
 * ec2:DeleteTags without Tags deletes every tag, and such a request carries no aws:TagKeys. The newer
 * `UntagResource` style requires the keys (AWS's tagging API conventions), so aws:TagKeys is always there.
 */
export function isKeylessTagRemoval(action: CatalogAction): boolean {
  return (
    isTagWrite(action) && action.tagAware && reportsTagKeys(action) && /^(DeleteTags|RemoveTags)/.test(action.name)
  );
}

/**
 * The two calls that can lift a stack policy: SetStackPolicy replaces it, and UpdateStack alone accepts a
 * temporary one for the update (StackPolicyDuringUpdateBody has no condition key, so the call itself is
 * denied; change sets cannot override a stack policy).
 */
const STACK_POLICY_ACTIONS = ['cloudformation:SetStackPolicy', 'cloudformation:UpdateStack'];

/**
 * Stack policies of production stacks stay as the pipeline set them: non-exempt principals may neither
 * replace nor override them. Mandatory, so packing never drops it; the production deny leaves these out.
 */
function stackPolicyGuardTemplates(spec: GuardrailSpec, catalog: Catalog): StatementTemplate[] {
  const actions = STACK_POLICY_ACTIONS.map((name) => catalog.get(name)).filter(
    (a): a is NonNullable<typeof a> => a !== undefined && a.tagAware,
  );
  if (actions.length !== STACK_POLICY_ACTIONS.length) {
    throw new Error(`internal: the catalog lacks tag support for ${STACK_POLICY_ACTIONS.join(' or ')}`);
  }
  return spec.production.tagKeys.map((tagKey) => ({
    sid: `ProtectStackPolicy${sidPart(tagKey)}`,
    role: 'production-tag' as const,
    effect: 'Deny' as const,
    action: STACK_POLICY_ACTIONS,
    resource: '*',
    condition: allOf(productionTagged(spec, tagKey), notExempt(spec.exemptPrincipalArns)),
    mandatory: true,
    tagKey,
  }));
}

/** The service segment of a resource type's ARN template (`kafka` in `arn:${Partition}:kafka:...`). */
function arnServiceOf(type: CatalogAction['resourceTypes'][number]): string | undefined {
  return type.arnTemplate?.split(':')[2];
}

/**
 * The destructive actions a production ARN of `service` can be the resource of: the service's own, those of
 * any service whose resource types have ARNs in `service`, and those whose ARN names its service with a
 * placeholder (AWS Backup recovery points: `arn:${Partition}:${Vendor}:...`). Empty when no action names
 * `service` itself (a typo, or a service the catalog does not know).
 */
export function actionsOnArnsOf(service: string, catalog: Catalog): CatalogAction[] {
  const listed = catalog.destructive.filter(isListedDestructive);
  const names = (action: CatalogAction): boolean =>
    action.service === service || action.resourceTypes.some((type) => arnServiceOf(type) === service);
  if (!listed.some(names)) return [];
  return listed.filter(
    (action) => names(action) || action.resourceTypes.some((type) => /^\$\{[^}]*\}$/.test(arnServiceOf(type) ?? '')),
  );
}

/**
 * Switching tag evaluation off disarms every production tag deny at once. A switch of a tagged resource
 * (s3:PutBucketAbac) is in the production deny: while the bucket's ABAC is on, its production tag is seen.
 * A switch with nothing to condition on (dynamodb:UpdateAbacStatus, one per account and Region) is denied
 * outright to everyone not exempt; mandatory, so packing never drops it.
 */
function tagEvaluationGuardTemplates(spec: GuardrailSpec, catalog: Catalog): StatementTemplate[] {
  const switches = catalog.destructive.filter((a) => switchesTagEvaluation(a) && !a.tagAware);
  if (switches.length === 0) return [];
  return [
    {
      sid: 'ProtectTagEvaluation',
      role: 'tag-evaluation-guard',
      effect: 'Deny',
      action: switches.map((a) => a.action),
      resource: '*',
      condition: allOf(notExempt(spec.exemptPrincipalArns)),
      mandatory: true,
    },
  ];
}

/** STS actions whose aws:RequestTag / aws:TagKeys are session tags, not tags of the role. */
const SESSION_TAG_ACTIONS = ['sts:AssumeRole', 'sts:TagSession'];

/** Every SCP statement template, mandatory ones first, in the order they appear in the documents. */
export function scpTemplates(spec: GuardrailSpec, catalog: Catalog): StatementTemplate[] {
  const exempt = notExempt(spec.exemptPrincipalArns);
  const prod = spec.production;
  const templates: StatementTemplate[] = [];

  // Tag tamper: one statement per key, because ResourceTag/<k> and RequestTag/<k> must name the same key.
  // Every action but two is safe here: the statement needs aws:TagKeys to contain the production key, which
  // only tag writes (and creates that tag a new resource inside a production-tagged parent) carry. Listing
  // the ~575 tag-write actions of 269 services by name would take more than 15,000 characters. The two left
  // out carry session tags: assuming a production-tagged role with a session tag `environment=dev` changes
  // no tag of the role, and denying it would only lock people out.
  const tagSetWrites = catalog.actions.filter((a) => isTagSetWrite(a) && a.tagAware);
  const keylessRemovals = catalog.actions.filter(isKeylessTagRemoval);
  for (const tagKey of prod.tagKeys) {
    templates.push({
      sid: `ProtectProductionTag${sidPart(tagKey)}`,
      role: 'tag-tamper',
      effect: 'Deny',
      notAction: SESSION_TAG_ACTIONS,
      resource: '*',
      condition: allOf(
        productionTagged(spec, tagKey),
        touchesTagKeys([tagKey]),
        requestTagNotIn(tagKey, prod.values),
        exempt,
      ),
      mandatory: true,
      tagKey,
    });
    // A tag removal that names no key carries no aws:TagKeys, so the statement above cannot see it: deny
    // such requests on production outright.
    if (keylessRemovals.length > 0) {
      templates.push({
        sid: `ProtectProductionTagStrip${sidPart(tagKey)}`,
        role: 'tag-tamper',
        effect: 'Deny',
        action: compressActions(keylessRemovals, isTagWrite, catalog).map((p) => p.pattern),
        resource: '*',
        condition: allOf(productionTagged(spec, tagKey), { Null: { 'aws:TagKeys': 'true' } }, exempt),
        mandatory: true,
        tagKey,
      });
    }
    if (tagSetWrites.length > 0) {
      templates.push({
        sid: `ProtectProductionTagSet${sidPart(tagKey)}`,
        role: 'tag-tamper',
        effect: 'Deny',
        items: patternItems(tagSetWrites, isTagWrite, catalog, () => TIER.tamper),
        resource: '*',
        condition: allOf(productionTagged(spec, tagKey), requestTagNotIn(tagKey, prod.values), exempt),
        mandatory: true,
        tagKey,
      });
    }
  }
  templates.push(...identityGuardTemplates(spec));
  templates.push(...exemptionGuardTemplates(spec, catalog));
  templates.push(...stackPolicyGuardTemplates(spec, catalog));
  templates.push(...tagEvaluationGuardTemplates(spec, catalog));

  // The agent layers (principal tag, source identity, MCP) come before the chunked production denies.
  templates.push(...agentLayerTemplates(spec, catalog));

  // Production by tag: one statement per key (OR across keys), tag-aware destructive actions only (the
  // condition can never match the others), patterns free to cover other destructive actions. Escalation
  // alone (iam:PassRole of a production role) is everyday deployment work: it is guarded for agents only.
  const tagAware = catalog.destructive.filter(
    (a) => a.tagAware && isProductionDeny(a) && !STACK_POLICY_ACTIONS.includes(a.action),
  );
  const productionItems = patternItems(tagAware, isListedDestructive, catalog);
  for (const tagKey of prod.tagKeys) {
    templates.push({
      sid: `DenyDestroyProduction${sidPart(tagKey)}`,
      role: 'production-tag',
      effect: 'Deny',
      items: productionItems,
      resource: '*',
      condition: allOf(productionTagged(spec, tagKey), exempt),
      mandatory: false,
      tagKey,
    });
  }

  // Production by ARN: covers actions without tag support, per service named in the ARN. Like the tag deny,
  // it leaves pure escalation and execution (invoking a production function, passing its role) to the opt-in.
  templates.push(
    ...productionArnTemplates(spec, catalog, {
      sid: 'DenyDestroyProductionArns',
      select: isProductionDeny,
      mayAlsoCover: isProductionDeny,
      condition: allOf(exempt),
    }),
  );

  templates.push(...conditionalDeleteTemplates(spec, catalog));

  templates.push(...productionOperationTemplates(spec, catalog));
  return templates;
}

/**
 * Deletes that only a request parameter tells apart (conditional-deletes.ts), denied on the production ARN
 * patterns / ARNs of their service, with the condition that says the call deletes. Mandatory: small, and a
 * guard that silently did not fit would read as coverage.
 */
export function conditionalDeleteTemplates(spec: GuardrailSpec, catalog: Catalog): StatementTemplate[] {
  const arns = [...spec.production.arnPatterns, ...spec.production.arns];
  return conditionalDeletes(catalog).flatMap(({ entry, action }): StatementTemplate[] => {
    const resources = arns.filter((arn) => arn.split(':')[2] === entry.arnService);
    if (resources.length === 0) return [];
    return [
      {
        sid: `DenyConditionalDelete${sidPart(action.action.replace(':', '-'))}`,
        role: 'production-arn',
        effect: 'Deny',
        action: [action.action],
        resource: resources.length === 1 ? resources[0] : resources,
        condition: allOf(deletingRequest(entry), notExempt(spec.exemptPrincipalArns)),
        mandatory: true,
      },
    ];
  });
}

/**
 * One deny per service group of the production ARN patterns / ARNs (productionArnGroups): the group's actions
 * that `select` keeps, as patterns that may also reach what `mayAlsoCover` accepts.
 */
function productionArnTemplates(
  spec: GuardrailSpec,
  catalog: Catalog,
  deny: {
    sid: string;
    select: (action: CatalogAction) => boolean;
    mayAlsoCover: (action: CatalogAction) => boolean;
    condition: StatementTemplate['condition'];
  },
): StatementTemplate[] {
  return productionArnGroups(spec, catalog).flatMap(({ service, resources, actions }): StatementTemplate[] => {
    const selected = actions.filter(deny.select);
    if (selected.length === 0) return [];
    return [
      {
        sid: `${deny.sid}${service === '*' ? 'AnyService' : sidPart(service)}`,
        role: 'production-arn',
        effect: 'Deny',
        items: patternItems(selected, deny.mayAlsoCover, catalog),
        resource: resources.length === 1 ? resources[0] : resources,
        condition: deny.condition,
        mandatory: false,
      },
    ];
  });
}

/**
 * The production ARN patterns and ARNs grouped by the service their ARN names, each with the destructive
 * actions whose resources can have such an ARN. An ARN's service is not always the prefix of the actions on it
 * (kafka-cluster:DeleteTopic acts on arn:aws:kafka:...:topic/..., cloudfront-keyvaluestore:DeleteKey on
 * arn:aws:cloudfront:...); an ARN of a service no action reaches gets every destructive action (group `*`).
 */
function productionArnGroups(
  spec: GuardrailSpec,
  catalog: Catalog,
): { service: string; resources: string[]; actions: CatalogAction[] }[] {
  const byService = new Map<string, string[]>();
  for (const arn of [...spec.production.arnPatterns, ...spec.production.arns]) {
    const service = arn.split(':')[2] ?? '';
    const group = /^[a-z0-9-]+$/.test(service) && actionsOnArnsOf(service, catalog).length > 0 ? service : '*';
    byService.set(group, [...(byService.get(group) ?? []), arn]);
  }
  return [...byService].map(([service, resources]) => ({
    service,
    resources,
    actions: service === '*' ? catalog.destructive.filter(isListedDestructive) : actionsOnArnsOf(service, catalog),
  }));
}

/**
 * The opt-in (everyone.denyEscalationAndExecution): the tag-aware destructive actions that are only
 * escalation or execution, denied on production to everyone but the exempt and operator principals, one
 * statement per tag key like the production deny. Placed last (escalate tier, after every default
 * statement), so it never displaces them; generateGuardrails fails when any of it does not fit.
 */
function productionOperationTemplates(spec: GuardrailSpec, catalog: Catalog): StatementTemplate[] {
  if (!spec.everyone.denyEscalationAndExecution) return [];
  const templates: StatementTemplate[] = [...operatorGuardTemplates(spec, catalog)];
  const actions = catalog.destructive.filter((a) => a.tagAware && isEscalateOrExecuteOnly(a));
  const items = patternItems(actions, isListedDestructive, catalog);
  const excepted = notExempt([...spec.exemptPrincipalArns, ...spec.everyone.operatorPrincipalArns]);
  for (const tagKey of spec.production.tagKeys) {
    templates.push({
      sid: `DenyOperateProduction${sidPart(tagKey)}`,
      role: 'production-operation',
      effect: 'Deny',
      items,
      resource: '*',
      condition: allOf(productionTagged(spec, tagKey), excepted),
      mandatory: false,
      tagKey,
    });
  }
  // The same on the production ARN patterns / ARNs, for the actions the ARN deny leaves to this opt-in.
  templates.push(
    ...productionArnTemplates(spec, catalog, {
      sid: 'DenyOperateProductionArns',
      select: isEscalateOrExecuteOnly,
      mayAlsoCover: isListedDestructive,
      condition: allOf(excepted),
    }),
  );
  return templates;
}
