// The rule pack: every rule leash audit and leash check run by default, in report order.
import * as agentCanWriteProduction from './agent-can-write-production';
import * as allowWithNotAction from './allow-with-not-action';
import * as allowWithNotResource from './allow-with-not-resource';
import * as canChangeProductionTag from './can-change-production-tag';
import * as canDeleteProduction from './can-delete-production';
import * as canDisarmProduction from './can-disarm-production';
import * as exemptionClaimable from './exemption-claimable';
import * as fullAdmin from './full-admin';
import * as invalidPattern from './invalid-pattern';
import * as missingBoundary from './missing-boundary';
import * as privilegeEscalation from './privilege-escalation';
import * as serviceWideWriteWildcard from './service-wide-write-wildcard';
import * as trustCrossAccountNoExternalId from './trust-cross-account-no-external-id';
import * as trustGithubWildcardRepo from './trust-github-wildcard-repo';
import * as trustOidcUnconstrained from './trust-oidc-unconstrained';
import * as trustPublicPrincipal from './trust-public-principal';
import * as unreadablePolicy from './unreadable-policy';
import * as weakBoundary from './weak-boundary';
import type { Rule } from './types';

function rule(module: Rule): Rule {
  return {
    meta: module.meta,
    scope: module.scope ?? 'account',
    check: module.check,
    ...(module.transitive ? { transitive: module.transitive } : {}),
  };
}

export const defaultRules: readonly Rule[] = [
  rule(canDeleteProduction),
  rule(agentCanWriteProduction),
  rule(fullAdmin),
  rule(privilegeEscalation),
  rule(canChangeProductionTag),
  rule(canDisarmProduction),
  rule(exemptionClaimable),
  rule(missingBoundary),
  rule(weakBoundary),
  rule(serviceWideWriteWildcard),
  rule(allowWithNotAction),
  rule(allowWithNotResource),
  rule(trustPublicPrincipal),
  rule(trustCrossAccountNoExternalId),
  rule(trustOidcUnconstrained),
  rule(trustGithubWildcardRepo),
  rule(invalidPattern),
  rule(unreadablePolicy),
];

/** A rule by id, for `--rule` filters and tests. */
export function ruleById(id: string): Rule | undefined {
  return defaultRules.find((r) => r.meta.id === id);
}

export type { Rule, RuleContext, RuleMeta, Finding } from './types';
