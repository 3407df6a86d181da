// Resource control policy statements: the resource side of the production deny, for services that support
// RCPs. They also bind principals from other accounts (which SCPs never see) and resource policies that
// grant them access.
import type { Catalog } from '../catalog/types';
import { allOf, productionTagged } from './conditions';
import type { StatementTemplate } from './packing';
import { sidPart } from './scp';
import { isListedDestructive, isProductionDeny, patternItems } from './select';
import type { GuardrailSpec } from './spec';

/**
 * Exempt patterns with a wildcard account (`arn:aws:iam::*:role/leash-break-glass`) are safe in an SCP,
 * which only sees principals of its own organization, but in an RCP they would exempt a same-named role in
 * any AWS account. The account field is pinned to the resource's account with a policy variable; patterns
 * that name an account keep it.
 */
export function rcpExemptPatterns(exemptArns: readonly string[]): string[] {
  return exemptArns.map((arn) => {
    const parts = arn.split(':');
    if (parts.length >= 6 && parts[4] === '*') parts[4] = '${aws:ResourceAccount}';
    return parts.join(':');
  });
}

export function rcpTemplates(spec: GuardrailSpec, catalog: Catalog): StatementTemplate[] {
  const actions = catalog.destructive.filter(
    (a) => catalog.rcpServices.has(a.service) && a.tagAware && isProductionDeny(a),
  );
  if (actions.length === 0) return [];
  const items = patternItems(actions, isListedDestructive, catalog);
  const exempt = rcpExemptPatterns(spec.exemptPrincipalArns);
  return spec.production.tagKeys.map((tagKey) => ({
    sid: `DenyDestroyProduction${sidPart(tagKey)}`,
    role: 'production-tag' as const,
    effect: 'Deny' as const,
    principal: '*' as const,
    items,
    resource: '*',
    condition: allOf(
      productionTagged(spec, tagKey),
      // StringNotLike rather than ArnNotLike: the account field holds a policy variable whose name contains
      // a colon, which ARN-wise matching splits on before substituting.
      exempt.length > 0
        ? { StringNotLike: { 'aws:PrincipalArn': exempt.length === 1 ? exempt[0] : exempt } }
        : undefined,
      // AWS service principals acting on their own (no aws:PrincipalArn) are left to the services.
      { BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
    ),
    mandatory: false,
    tagKey,
  }));
}
