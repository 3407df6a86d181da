// Exemptions are matched by ARN, so the identities they name must not be claimable: nobody but the exempt
// principals may create, re-trust, re-policy, re-bound, re-tag or pass a role (or user) whose ARN an exempt
// pattern matches. This module turns the exempt patterns into the IAM resources to protect and the SCP
// statements that protect them, and does the same for the operator principals (everyone.operatorPrincipalArns).
import type { Catalog, CatalogAction } from '../catalog/types';
import { allOf, notExempt, principalArnPatterns, type ConditionBlock } from './conditions';
import type { StatementTemplate } from './packing';
import { TIER } from './priority';
import { patternItems } from './select';
import type { GuardrailSpec } from './spec';

/** The IAM identities one exempt pattern stands for. */
export interface ExemptIdentity {
  /** The pattern as configured (`arn:aws:iam::*:role/leash-break-glass`). */
  readonly pattern: string;
  /** `role`, `user`, or `root` (an account's root user: it cannot be created, so nothing to protect). */
  readonly kind: 'role' | 'user' | 'root';
  /** IAM resource ARN patterns to protect (empty for `root`). */
  readonly resources: readonly string[];
}

export class ExemptPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExemptPatternError';
  }
}

const ARN = /^arn:([^:]+):(iam|sts)::([^:]*):(.+)$/;

/**
 * What each exempt pattern names. An assumed-role pattern (`arn:aws:sts::111:assumed-role/Name/*`) is exempt
 * through its role, which may sit at any path: both `role/Name` and `role/*\/Name` are protected, and the SCP
 * conditions match them (principalArnPatterns). It must cover every session: aws:PrincipalArn names the role.
 * Patterns of any other shape (a service, a federated user, a bare `*`) are refused: an exemption this
 * generator cannot protect would be claimable.
 */
export function exemptIdentities(patterns: readonly string[], field = 'exemptPrincipalArns'): ExemptIdentity[] {
  return patterns.map((pattern, index) => {
    const match = ARN.exec(pattern);
    const where = `${field}[${index}]: ${JSON.stringify(pattern)}`;
    if (!match) {
      throw new ExemptPatternError(`${where} is not an IAM role, user or assumed-role ARN (arn:aws:iam::...)`);
    }
    const [, partition, service, account, resource] = match;
    if (account === '') throw new ExemptPatternError(`${where} has no account field`);
    if (service === 'iam' && resource === 'root') return { pattern, kind: 'root', resources: [] };
    if (service === 'iam' && /^role\/./.test(resource)) return { pattern, kind: 'role', resources: [pattern] };
    if (service === 'iam' && /^user\/./.test(resource)) return { pattern, kind: 'user', resources: [pattern] };
    const session = /^assumed-role\/([^/]+)\/(.+)$/.exec(resource);
    if (service === 'sts' && session && session[2] !== '*') {
      // aws:PrincipalArn carries the role, not the session name: one session cannot be told from another.
      throw new ExemptPatternError(
        `${where}: the SCPs match principals by aws:PrincipalArn, which for a role session is the role's ARN ` +
          `without the session name; exempt every session (assumed-role/${session[1]}/*) or the role ` +
          `(arn:${partition}:iam::${account}:role/${session[1]})`,
      );
    }
    if (service === 'sts' && session) return { pattern, kind: 'role', resources: principalArnPatterns([pattern]) };
    throw new ExemptPatternError(
      `${where}: only role/..., user/..., sts assumed-role/... and root ARNs can be exempt and protected`,
    );
  });
}

/** IAM writes on a resource of type `resourceType`: everything but Read and List. */
function iamWrites(catalog: Catalog, resourceType: 'role' | 'user'): CatalogAction[] {
  return catalog
    .serviceActions('iam')
    .filter(
      (a) =>
        a.accessLevel !== 'Read' && a.accessLevel !== 'List' && a.resourceTypes.some((r) => r.name === resourceType),
    );
}

/** The actions the exemption guard denies on roles (or users) that match an exempt pattern. */
export function exemptionGuardActions(catalog: Catalog, kind: 'role' | 'user'): CatalogAction[] {
  return iamWrites(catalog, kind);
}

/**
 * Everyone but the exempt principals is denied every IAM write on an exempt-named role or user: creating it,
 * its trust policy, its inline and attached policies, its boundary, its tags, iam:PassRole (which also
 * guards instance profiles and every service that takes a role) and deleting it. The patterns are checked
 * against the catalog to match IAM writes on that resource type only.
 */
export function exemptionGuardTemplates(spec: GuardrailSpec, catalog: Catalog): StatementTemplate[] {
  return identityGuards(exemptIdentities(spec.exemptPrincipalArns), notExempt(spec.exemptPrincipalArns), catalog, {
    sid: 'ProtectExempt',
    role: 'exemption-guard',
    mandatory: true,
    tier: TIER.tamper,
  });
}

/**
 * Operator principals keep escalation and execution on production (everyone.denyEscalationAndExecution), so
 * their names are guarded the same way: only exempt and operator principals may write an operator-named role
 * or user. Not mandatory, so it never displaces the default statements; generation fails when it does not fit.
 */
export function operatorGuardTemplates(spec: GuardrailSpec, catalog: Catalog): StatementTemplate[] {
  const operators = spec.everyone.operatorPrincipalArns;
  return identityGuards(
    exemptIdentities(operators, 'everyone.operatorPrincipalArns'),
    notExempt([...spec.exemptPrincipalArns, ...operators]),
    catalog,
    { sid: 'ProtectOperator', role: 'operator-guard', mandatory: false, tier: TIER.escalate },
  );
}

function identityGuards(
  identities: readonly ExemptIdentity[],
  exempt: ConditionBlock | undefined,
  catalog: Catalog,
  options: { sid: string; role: 'exemption-guard' | 'operator-guard'; mandatory: boolean; tier: number },
): StatementTemplate[] {
  const templates: StatementTemplate[] = [];
  for (const kind of ['role', 'user'] as const) {
    const resources = [...new Set(identities.filter((i) => i.kind === kind).flatMap((i) => i.resources))];
    if (resources.length === 0) continue;
    const actions = exemptionGuardActions(catalog, kind);
    const writes = new Set(actions);
    templates.push({
      sid: `${options.sid}${kind === 'role' ? 'Roles' : 'Users'}`,
      role: options.role,
      effect: 'Deny',
      items: patternItems(
        actions,
        (a) => writes.has(a),
        catalog,
        () => options.tier,
      ),
      resource: resources.length === 1 ? resources[0] : resources,
      condition: allOf(exempt),
      mandatory: options.mandatory,
    });
  }
  return templates;
}
