// The agent permissions boundary: one managed policy that caps what an agent role can ever do, fail-closed.
// It allows only the agent services, holds the agent invariant (anything not positively tagged
// non-production is read-only, whatever the identity policies grant), and keeps the agent from escaping
// (editing or dropping the boundary, creating unbounded roles, passing or assuming roles that are not agent
// roles, touching the organization).
import type { Catalog } from '../catalog/types';
import { agentGuardTemplates } from './agent-guards';
import {
  agentInvariantParts,
  boundaryInvariantTemplates,
  changingExistingDeny,
  roleFromResourceDeny,
} from './agent-invariant';
import { allOf, boundaryPolicyArnPattern, requestTagNotIn, touchesTagKeys } from './conditions';
import type { StatementTemplate } from './packing';
import { patternItems, servicesSet } from './select';
import type { GuardrailSpec } from './spec';

/** Services whose destructive actions agents never get, even when listed in allowedServices. */
export const ACCOUNT_LEVEL_SERVICES = ['organizations', 'account', 'cloudtrail', 'backup'] as const;

export function boundaryTemplates(
  spec: GuardrailSpec,
  catalog: Catalog,
  options: { readonly controlTowerForm?: boolean } = {},
): StatementTemplate[] {
  const allowed = servicesSet(spec.agents.allowedServices);
  const { key, value } = spec.agents.principalTag;
  const parts = agentInvariantParts(spec, catalog);
  const templates: StatementTemplate[] = [
    // The allow ceiling is the invariant itself (agent-invariant.ts).
    ...boundaryInvariantTemplates(spec, parts, options),
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
    ...agentGuardTemplates(spec, {
      sidPrefix: 'Deny',
      unnamedTargets: parts.unnamedTargets,
      principalActions: parts.actAsPrincipal,
    }),
    ...roleFromResourceDeny(parts, { sidPrefix: 'Deny' }),
    ...changingExistingDeny(spec, parts, { sidPrefix: 'Deny' }),
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

  return templates;
}
