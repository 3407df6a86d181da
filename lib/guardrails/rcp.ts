// Resource control policy statements: the resource side of the production deny, and of the production tag's
// protection, for services that support RCPs. They also bind principals from other accounts (which SCPs
// never see) and resource policies that grant them access.
import type { Catalog, CatalogAction } from '../catalog/types';
import {
  allOf,
  type ConditionBlock,
  principalArnPatterns,
  productionTagged,
  requestTagNotIn,
  touchesTagKeys,
} from './conditions';
import type { StatementTemplate } from './packing';
import { TIER } from './priority';
import { sidPart } from './scp';
import {
  isListedDestructive,
  isProductionDeny,
  isTagSetWrite,
  isTagWrite,
  patternItems,
  reportsTagKeys,
} from './select';
import type { GuardrailSpec } from './spec';

/**
 * Exempt patterns with a wildcard account (`arn:aws:iam::*:role/leash-break-glass`) are safe in an SCP,
 * which only sees principals of its own organization, but in an RCP they would exempt a same-named role in
 * any AWS account. The account field is pinned to the resource's account with a policy variable; patterns
 * that name an account keep it.
 */
export function rcpExemptPatterns(exemptArns: readonly string[]): string[] {
  return principalArnPatterns(exemptArns).map((arn) => {
    const parts = arn.split(':');
    if (parts.length >= 6 && parts[4] === '*') parts[4] = '${aws:ResourceAccount}';
    return parts.join(':');
  });
}

export function rcpTemplates(spec: GuardrailSpec, catalog: Catalog): StatementTemplate[] {
  return [...productionDenyTemplates(spec, catalog), ...tagTamperTemplates(spec, catalog)];
}

/** Who an RCP statement leaves alone: the exempt principals of the resource's account, and AWS services. */
function notExemptOrService(spec: GuardrailSpec): ConditionBlock {
  const exempt = rcpExemptPatterns(spec.exemptPrincipalArns);
  return allOf(
    // StringNotLike rather than ArnNotLike: the account field holds a policy variable whose name contains
    // a colon, which ARN-wise matching splits on before substituting.
    exempt.length > 0 ? { StringNotLike: { 'aws:PrincipalArn': exempt.length === 1 ? exempt[0] : exempt } } : undefined,
    // AWS service principals acting on their own (no aws:PrincipalArn) are left to the services.
    { BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
  );
}

function productionDenyTemplates(spec: GuardrailSpec, catalog: Catalog): StatementTemplate[] {
  const actions = catalog.destructive.filter(
    (a) => catalog.rcpServices.has(a.service) && a.tagAware && isProductionDeny(a),
  );
  if (actions.length === 0) return [];
  const items = patternItems(actions, isListedDestructive, catalog);
  return spec.production.tagKeys.map((tagKey) => ({
    sid: `DenyDestroyProduction${sidPart(tagKey)}`,
    role: 'production-tag' as const,
    effect: 'Deny' as const,
    principal: '*' as const,
    items,
    resource: '*',
    condition: allOf(productionTagged(spec, tagKey), notExemptOrService(spec)),
    mandatory: false,
    tagKey,
  }));
}

/**
 * The production delete deny keys on the production tag, so a principal of another account that a resource
 * policy lets tag a production resource could remove the tag first: the SCPs' tag protection, for RCP
 * services. Tag writes are listed by name rather than `Action: "*"`, and sts is left out: session tags passed
 * to sts:AssumeRole / TagSession carry the same keys but change no tag of the role.
 */
function tagTamperTemplates(spec: GuardrailSpec, catalog: Catalog): StatementTemplate[] {
  const tagWrites = catalog.actions.filter(
    (a) => catalog.rcpServices.has(a.service) && a.service !== 'sts' && isTagWrite(a) && a.tagAware,
  );
  const withKeys = tagWrites.filter((a) => reportsTagKeys(a));
  // Tag-set writes (s3:PutBucketTagging) report no aws:TagKeys: denied on production resources unless the new
  // set keeps a production value.
  const tagSets = tagWrites.filter((a) => isTagSetWrite(a));
  const templates: StatementTemplate[] = [];
  for (const tagKey of spec.production.tagKeys) {
    const common = { effect: 'Deny' as const, principal: '*' as const, resource: '*', mandatory: false, tagKey };
    const keepsValue = requestTagNotIn(tagKey, spec.production.values);
    if (withKeys.length > 0) {
      templates.push({
        ...common,
        sid: `ProtectProductionTag${sidPart(tagKey)}`,
        role: 'tag-tamper',
        items: patternItems(withKeys, reportsTagWrite, catalog, () => TIER.tamper),
        condition: allOf(
          productionTagged(spec, tagKey),
          touchesTagKeys([tagKey]),
          keepsValue,
          notExemptOrService(spec),
        ),
      });
    }
    if (tagSets.length > 0) {
      templates.push({
        ...common,
        sid: `ProtectProductionTagSet${sidPart(tagKey)}`,
        role: 'tag-tamper',
        items: patternItems(tagSets, isTagWrite, catalog, () => TIER.tamper),
        condition: allOf(productionTagged(spec, tagKey), keepsValue, notExemptOrService(spec)),
      });
    }
  }
  return templates;
}

/** A pattern of the keyed tag statement may cover any tag write that reports aws:TagKeys (it needs the key). */
function reportsTagWrite(action: CatalogAction): boolean {
  return isTagWrite(action) && reportsTagKeys(action) && action.service !== 'sts';
}
