// The agent permissions boundary: one managed policy that caps what an agent role can ever do, fail-closed.
// It allows only the agent services, denies their destructive actions unless the resource is positively
// tagged non-production, and keeps the agent from escaping (editing or dropping the boundary, creating
// unbounded roles, passing or assuming roles that are not agent roles, touching the organization).
import type { Catalog } from '../catalog/types';
import {
  allOf,
  boundaryPolicyArnPattern,
  notNonProductionTagged,
  productionTagged,
  requestTagNotIn,
  touchesTagKeys,
} from './conditions';
import type { StatementTemplate } from './packing';
import { actionTier, TIER } from './priority';
import { agentGuardTemplates, sidPart } from './scp';
import { isAgentFailClosed, isTagSetWrite, isTagWrite, patternItems, reportsTagKeys, servicesSet } from './select';
import type { GuardrailSpec } from './spec';

/** Services whose destructive actions agents never get, even when listed in allowedServices. */
export const ACCOUNT_LEVEL_SERVICES = ['organizations', 'account', 'cloudtrail', 'backup'] as const;

/** Tier offset for the per-key production denies of a multi-key boundary (packed last). */
const MIXED_TAGS_TIER = 10;

export function boundaryTemplates(spec: GuardrailSpec, catalog: Catalog): StatementTemplate[] {
  const allowed = servicesSet(spec.agents.allowedServices);
  const { key, value } = spec.agents.principalTag;
  const prod = spec.production;
  const templates: StatementTemplate[] = [
    {
      sid: 'AllowAgentServices',
      role: 'agent-ceiling',
      effect: 'Allow',
      // `s3:?*` matches exactly what `s3:*` matches (every action name has a first character). AWS Control
      // Tower's proactive control CT.IAM.PR.3 rejects any customer managed policy with an Allow of `service:*`
      // and, run as a CloudFormation hook, sees only the resource's properties: it cannot be suppressed, and
      // cannot tell this allow ceiling of a boundary from a grant. Listing each verb instead does not fit.
      action: [...allowed].sort().map((s) => `${s}:?*`),
      resource: '*',
      mandatory: true,
    },
    {
      sid: 'DenyEditingThisBoundary',
      role: 'agent-guard',
      effect: 'Deny',
      action: [
        'iam:CreatePolicyVersion',
        'iam:DeletePolicy',
        'iam:DeletePolicyVersion',
        'iam:SetDefaultPolicyVersion',
        'iam:TagPolicy',
        'iam:UntagPolicy',
      ],
      resource: boundaryPolicyArnPattern(spec),
      mandatory: true,
    },
    ...agentGuardTemplates(spec, { sidPrefix: 'Deny' }),
    {
      sid: 'DenyChangingAgentTag',
      role: 'identity-guard',
      effect: 'Deny',
      action: ['iam:TagRole', 'iam:TagUser', 'iam:UntagRole', 'iam:UntagUser', 'sts:TagSession'],
      resource: '*',
      condition: allOf(touchesTagKeys([key]), requestTagNotIn(key, [value])),
      mandatory: true,
    },
  ];

  // Organization, account settings, audit trail and backups: whole services, or their destructive actions.
  // Only for services in allowedServices: the allow ceiling above already denies every other service, so
  // repeating them here would spend boundary characters on a deny that can never add anything.
  const accountLevel: string[] = [];
  for (const service of ACCOUNT_LEVEL_SERVICES) {
    if (!catalog.hasService(service) || !allowed.has(service)) continue;
    if (service === 'organizations' || service === 'account') accountLevel.push(`${service}:*`);
    else {
      const destructive = catalog.serviceActions(service).filter((a) => a.classes.length > 0);
      accountLevel.push(...patternItems(destructive, (a) => a.classes.length > 0, catalog).map((i) => i.pattern));
    }
  }
  if (accountLevel.length > 0) {
    templates.push({
      sid: 'DenyOrganizationAccountTrailBackup',
      role: 'agent-guard',
      effect: 'Deny',
      action: accountLevel,
      resource: '*',
      mandatory: true,
    });
  }

  // Tag-set writes (s3:PutBucketTagging) replace or drop the production tag without reporting aws:TagKeys,
  // so the retag statement below can never match them: they are fail-closed here, at the agent-layer tier,
  // ahead of every other tamper and escalation pattern, because a guardrail whose tag can be rewritten is
  // one call deep.
  const agentActions = catalog.actions.filter((a) => allowed.has(a.service) && isAgentFailClosed(a));
  const failClosedItems = patternItems(agentActions, isAgentFailClosed, catalog, (a) => {
    if (isTagSetWrite(a)) return TIER.agentLayer;
    return a.classes.length > 0 ? actionTier(a) : TIER.tamper;
  });
  templates.push({
    sid: 'DenyDestroyUnlessNonProduction',
    role: 'agent-fail-closed',
    effect: 'Deny',
    items: failClosedItems,
    resource: '*',
    condition: notNonProductionTagged(spec),
    mandatory: false,
  });
  const agentTagWrites = catalog.actions.filter((a) => allowed.has(a.service) && isTagWrite(a) && reportsTagKeys(a));
  const tagWriteItems = patternItems(
    agentTagWrites,
    (a) => isTagWrite(a) || a.classes.length > 0,
    catalog,
    () => TIER.agentLayer,
  );
  if (agentTagWrites.length > 0) {
    templates.push({
      sid: 'DenyRetagUnlessNonProduction',
      role: 'agent-tagging',
      effect: 'Deny',
      items: tagWriteItems,
      resource: '*',
      condition: allOf(touchesTagKeys(prod.tagKeys), notNonProductionTagged(spec), {
        Null: { 'ec2:CreateAction': 'true' },
      }),
      mandatory: false,
    });
  }
  // With several keys, a resource tagged k1=dev and k2=production passes the fail-closed test (some key is
  // non-production) but is still production: deny destroying it and any tag write on it, per key.
  if (prod.tagKeys.length > 1) {
    for (const tagKey of prod.tagKeys) {
      templates.push({
        sid: `DenyDestroyProduction${sidPart(tagKey)}`,
        role: 'agent-production-tag',
        effect: 'Deny',
        // Kept after every fail-closed pattern: this statement only matters for resources tagged both ways.
        items: [...failClosedItems, ...tagWriteItems].map((item) => ({ ...item, tier: MIXED_TAGS_TIER + item.tier })),
        resource: '*',
        condition: productionTagged(spec, tagKey),
        mandatory: false,
        tagKey,
      });
    }
  }
  return templates;
}
