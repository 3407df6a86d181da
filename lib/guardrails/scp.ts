// Service control policy statements: production protection for every principal that is not exempt
// (CloudFormation's execution role included), tag-tamper protection, and an agent layer keyed on the
// agent principal tag that still holds when someone strips a role's permissions boundary.
import type { Catalog } from '../catalog/types';
import {
  agentPrincipal,
  allOf,
  boundaryPolicyArnInCallerAccount,
  boundaryPolicyArnPattern,
  notExempt,
  notNonProductionTagged,
  productionTagged,
  requestTagNotIn,
  resourceTagKey,
  touchesTagKeys,
} from './conditions';
import { exemptionGuardTemplates } from './exemptions';
import type { StatementTemplate } from './packing';
import { TIER } from './priority';
import {
  isAgentFailClosed,
  isListedDestructive,
  isProductionDeny,
  isTagSetWrite,
  isTagWrite,
  patternItems,
  reportsTagKeys,
  servicesSet,
} from './select';
import type { GuardrailSpec } from './spec';

/** A letters-and-digits rendering of a tag key for statement ids (`leash:agent` -> `LeashAgent`). */
export function sidPart(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const joined = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return joined || 'Key';
}

/** Agent statements shared by the SCP agent layer (with the principal-tag condition) and the boundary. */
export function agentGuardTemplates(
  spec: GuardrailSpec,
  scope: { readonly principal?: ReturnType<typeof agentPrincipal>; readonly sidPrefix: string },
): StatementTemplate[] {
  const { key, value } = spec.agents.principalTag;
  const when = scope.principal;
  const p = scope.sidPrefix;
  return [
    {
      sid: `${p}KeepBoundaryOnPrincipals`,
      role: 'agent-guard',
      effect: 'Deny',
      action: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary'],
      resource: '*',
      condition: allOf(when),
      mandatory: true,
    },
    {
      sid: `${p}RequireBoundaryOnNewPrincipals`,
      role: 'agent-guard',
      effect: 'Deny',
      action: ['iam:CreateRole', 'iam:CreateUser', 'iam:PutRolePermissionsBoundary', 'iam:PutUserPermissionsBoundary'],
      resource: '*',
      // StringNotEquals as in the IAM User Guide's boundary examples; the ARN holds a policy variable.
      condition: allOf(when, {
        StringNotEquals: { 'iam:PermissionsBoundary': boundaryPolicyArnInCallerAccount(spec) },
      }),
      mandatory: true,
    },
    {
      sid: `${p}RequireAgentTagOnNewPrincipals`,
      role: 'agent-guard',
      effect: 'Deny',
      action: ['iam:CreateRole', 'iam:CreateUser'],
      resource: '*',
      condition: allOf(when, requestTagNotIn(key, [value])),
      mandatory: true,
    },
    {
      // IAM has no condition key for the boundary of the role being passed or assumed; the agent tag stands
      // in for it, because agents can only create roles that carry both the tag and this boundary, nobody
      // who is not exempt can remove the tag, and the SCP agent layer binds every role that carries it.
      sid: `${p}OnlyAgentRoles`,
      role: 'agent-guard',
      effect: 'Deny',
      action: ['iam:PassRole', 'sts:AssumeRole'],
      resource: '*',
      condition: allOf(when, { StringNotEqualsIgnoreCase: { [resourceTagKey(key)]: value } }),
      mandatory: true,
    },
  ];
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

/** STS actions whose aws:RequestTag / aws:TagKeys are session tags, not tags of the role. */
const SESSION_TAG_ACTIONS = ['sts:AssumeRole', 'sts:TagSession'];

/** Every SCP statement template, mandatory ones first, in the order they appear in the documents. */
export function scpTemplates(spec: GuardrailSpec, catalog: Catalog): StatementTemplate[] {
  const exempt = notExempt(spec.exemptPrincipalArns);
  const prod = spec.production;
  const agent = agentPrincipal(spec);
  const allowed = servicesSet(spec.agents.allowedServices);
  const templates: StatementTemplate[] = [];

  // Tag tamper: one statement per key, because ResourceTag/<k> and RequestTag/<k> must name the same key.
  // Every action but two is safe here: the statement needs aws:TagKeys to contain the production key, which
  // only tag writes (and creates that tag a new resource inside a production-tagged parent) carry. Listing
  // the ~575 tag-write actions of 269 services by name would take more than 15,000 characters. The two left
  // out carry session tags: assuming a production-tagged role with a session tag `environment=dev` changes
  // no tag of the role, and denying it would only lock people out.
  const tagSetWrites = catalog.actions.filter((a) => isTagSetWrite(a) && a.tagAware);
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

  templates.push({
    sid: 'AgentOnlyAllowedServices',
    role: 'agent-ceiling',
    effect: 'Deny',
    notAction: [...allowed].sort().map((s) => `${s}:*`),
    resource: '*',
    condition: agent,
    mandatory: true,
  });
  templates.push(...agentGuardTemplates(spec, { principal: agent, sidPrefix: 'Agent' }));

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

  // Production by ARN: covers actions without tag support, per service named in the ARN.
  const arns = [...prod.arnPatterns, ...prod.arns];
  const byService = new Map<string, string[]>();
  for (const arn of arns) {
    const service = arn.split(':')[2] ?? '';
    const group = /^[a-z0-9-]+$/.test(service) && catalog.hasService(service) ? service : '*';
    byService.set(group, [...(byService.get(group) ?? []), arn]);
  }
  for (const [service, resources] of byService) {
    const actions =
      service === '*'
        ? catalog.destructive.filter(isListedDestructive)
        : catalog.serviceActions(service).filter(isListedDestructive);
    if (actions.length === 0) continue;
    templates.push({
      sid: `DenyDestroyProductionArns${service === '*' ? 'AnyService' : sidPart(service)}`,
      role: 'production-arn',
      effect: 'Deny',
      items: patternItems(actions, isListedDestructive, catalog),
      resource: resources.length === 1 ? resources[0] : resources,
      condition: allOf(exempt),
      mandatory: false,
    });
  }

  // Agent layer: fail-closed for agents even without a boundary.
  const agentActions = catalog.actions.filter((a) => allowed.has(a.service) && isAgentFailClosed(a));
  templates.push({
    sid: 'AgentDenyDestroyUnlessNonProduction',
    role: 'agent-fail-closed',
    effect: 'Deny',
    items: patternItems(agentActions, isAgentFailClosed, catalog, () => TIER.agentLayer),
    resource: '*',
    condition: allOf(agent, notNonProductionTagged(spec)),
    mandatory: false,
  });
  const agentTagWrites = catalog.actions.filter((a) => allowed.has(a.service) && isTagWrite(a) && reportsTagKeys(a));
  if (agentTagWrites.length > 0) {
    templates.push({
      sid: 'AgentDenyRetagUnlessNonProduction',
      role: 'agent-tagging',
      effect: 'Deny',
      items: patternItems(
        agentTagWrites,
        (a) => isTagWrite(a) || a.classes.length > 0,
        catalog,
        () => TIER.agentLayer,
      ),
      resource: '*',
      condition: allOf(agent, touchesTagKeys(prod.tagKeys), notNonProductionTagged(spec), {
        Null: { 'ec2:CreateAction': 'true' },
      }),
      mandatory: false,
    });
  }
  return templates;
}
