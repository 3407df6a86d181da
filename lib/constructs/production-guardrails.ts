// The organization layer: the generated SCPs (and RCPs) as AWS::Organizations::Policy resources attached
// to OUs, the root or accounts, with the Organizations quotas checked before anything is deployed.
import { Annotations, Token } from 'aws-cdk-lib';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import type { PlacementLevel } from '../guardrails/spec';
import type { GeneratedPolicy } from '../guardrails/types';
import { policySize, POLICY_SIZE_LIMITS } from '../policy';

/** Organizations quota: policies of one type directly attached to one root, OU or account. */
export const MAX_POLICIES_PER_TARGET = 5;

export interface ProductionGuardrailsProps {
  /** The SCPs, normally `generateGuardrails(spec).serviceControlPolicies`. */
  readonly serviceControlPolicies: readonly GeneratedPolicy[];

  /**
   * The RCPs, normally `generateGuardrails(spec).resourceControlPolicies`.
   *
   * @default - no RCPs
   */
  readonly resourceControlPolicies?: readonly GeneratedPolicy[];

  /**
   * Where to attach the policies that name no level: root (`r-...`), OU (`ou-...-...`) or account
   * (12 digits) ids. The management account is not a valid target in effect: SCPs and RCPs never apply to it.
   *
   * @default - none; every policy must then name a level that `levelTargetIds` gives targets for
   */
  readonly targetIds?: readonly string[];

  /**
   * Targets per organization level, for policies the generator placed at a level (`GeneratedPolicy.level`):
   * the root id, the production OU ids, and every production account id. A policy is attached to every
   * target of its level; a level that has policies but no targets is an error, because the accounts under
   * it would silently miss part of the guardrails. The total coverage holds for an account only when it is
   * under every level that has policies (in one of the OUs, and listed itself when the account level is used).
   *
   * @default - no level targets
   */
  readonly levelTargetIds?: Partial<Readonly<Record<PlacementLevel, readonly string[]>>>;

  /**
   * SCPs already attached directly to each target that stay attached. `FullAWSAccess` is attached to
   * every target when SCPs are enabled and must stay (a deny-list SCP strategy needs it), hence 1.
   *
   * @default 1
   */
  readonly existingServiceControlPoliciesPerTarget?: number;

  /**
   * RCPs already attached directly to each target. `RCPFullAWSAccess` is attached everywhere and cannot
   * be detached; it is counted here so the quota check errs on the safe side.
   *
   * @default 1
   */
  readonly existingResourceControlPoliciesPerTarget?: number;

  /**
   * Prefix for the policy names in Organizations (names are unique per organization and type).
   *
   * @default '' - the generated names (`leash-scp-1`, ...)
   */
  readonly namePrefix?: string;
}

const TARGET_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/;

/** SCPs and RCPs from the guardrail generator, attached to the given roots, OUs or accounts. */
export class ProductionGuardrails extends Construct {
  /** The SCP resources, in the generator's order. */
  public readonly serviceControlPolicies: readonly organizations.CfnPolicy[];
  /** The RCP resources, in the generator's order. */
  public readonly resourceControlPolicies: readonly organizations.CfnPolicy[];

  constructor(scope: Construct, id: string, props: ProductionGuardrailsProps) {
    super(scope, id);
    const where = this.node.path;
    const scps = props.serviceControlPolicies;
    const rcps = props.resourceControlPolicies ?? [];
    if (scps.length + rcps.length === 0) {
      throw new Error(`${where}: no service or resource control policies to deploy`);
    }
    const unplacedTargets = checkTargets(where, 'targetIds', props.targetIds ?? [], undefined);
    const levelTargets = new Map<PlacementLevel, readonly string[]>();
    for (const [level, ids] of Object.entries(props.levelTargetIds ?? {}) as [PlacementLevel, readonly string[]][]) {
      levelTargets.set(level, checkTargets(where, `levelTargetIds.${level}`, ids, level));
    }
    /** The targets one policy is attached to; an empty list is an error, never a policy left unattached. */
    const targetsOf = (policy: GeneratedPolicy): readonly string[] => {
      const targets = policy.level ? (levelTargets.get(policy.level) ?? []) : unplacedTargets;
      if (targets.length === 0) {
        throw new Error(
          policy.level
            ? `${where}: ${policy.name} belongs at the ${policy.level} level but levelTargetIds.${policy.level} is ` +
                'empty; name its targets, or give that level no free slots in guardrails.placement and regenerate'
            : `${where}: targetIds is empty; name at least one root, OU or account id for ${policy.name}`,
        );
      }
      return targets;
    };
    const count = (policies: readonly GeneratedPolicy[]): Map<string, number> => {
      const perTarget = new Map<string, number>();
      for (const policy of policies) {
        for (const target of targetsOf(policy)) perTarget.set(target, (perTarget.get(target) ?? 0) + 1);
      }
      return perTarget;
    };
    for (const [target, n] of count(scps)) {
      checkQuota(where, `service control policies on ${target}`, n, props.existingServiceControlPoliciesPerTarget ?? 1);
    }
    for (const [target, n] of count(rcps)) {
      checkQuota(
        where,
        `resource control policies on ${target}`,
        n,
        props.existingResourceControlPoliciesPerTarget ?? 1,
      );
    }

    const prefix = props.namePrefix ?? '';
    const names = new Set<string>();
    const define = (policy: GeneratedPolicy, type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY') => {
      const kind = type === 'SERVICE_CONTROL_POLICY' ? 'scp' : 'rcp';
      const name = `${prefix}${policy.name}`;
      if (names.has(`${kind}:${name}`)) throw new Error(`${where}: two ${kind.toUpperCase()}s are named "${name}"`);
      names.add(`${kind}:${name}`);
      if (name.length > 128) throw new Error(`${where}: policy name "${name}" is longer than 128 characters`);
      if (policy.description.length > 512) {
        throw new Error(`${where}: description of "${name}" has ${policy.description.length} characters; at most 512`);
      }
      const size = policySize(policy.document, kind);
      const limit = POLICY_SIZE_LIMITS[kind];
      if (size > limit) {
        throw new Error(
          `${where}: ${kind.toUpperCase()} "${name}" has ${size} characters; Organizations allows at most ${limit}`,
        );
      }
      return new organizations.CfnPolicy(this, policy.name, {
        name,
        description: policy.description,
        type,
        content: policy.document,
        targetIds: [...targetsOf(policy)],
      });
    };
    this.serviceControlPolicies = scps.map((policy) => define(policy, 'SERVICE_CONTROL_POLICY'));
    this.resourceControlPolicies = rcps.map((policy) => define(policy, 'RESOURCE_CONTROL_POLICY'));

    Annotations.of(this).addInfo(
      'SCPs and RCPs do not apply to the management account, and SCPs do not apply to service-linked roles: ' +
        'keep agents and workloads out of the management account.',
    );
  }
}

const LEVEL_ID: Readonly<Record<PlacementLevel, { pattern: RegExp; what: string }>> = {
  root: { pattern: /^r-[0-9a-z]{4,32}$/, what: 'a root id (r-...)' },
  'organizational-unit': { pattern: /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, what: 'an OU id (ou-...-...)' },
  account: { pattern: /^\d{12}$/, what: 'an account id (12 digits)' },
};

/** Each id well formed (for its level, when it has one) and listed once. */
function checkTargets(
  where: string,
  field: string,
  ids: readonly string[],
  level: PlacementLevel | undefined,
): string[] {
  const seen = new Set<string>();
  for (const target of ids) {
    if (!Token.isUnresolved(target)) {
      if (!TARGET_ID.test(target)) {
        throw new Error(
          `${where}: ${field}: target id "${target}" is not a root (r-...), OU (ou-...-...) or account id (12 digits)`,
        );
      }
      if (level && !LEVEL_ID[level].pattern.test(target)) {
        throw new Error(`${where}: ${field}: "${target}" is not ${LEVEL_ID[level].what}`);
      }
    }
    if (seen.has(target)) throw new Error(`${where}: ${field}: target id "${target}" is listed twice`);
    seen.add(target);
  }
  return [...seen];
}

function checkQuota(where: string, kind: string, ours: number, existing: number): void {
  if (!Number.isInteger(existing) || existing < 0) {
    throw new Error(`${where}: the number of existing ${kind} per target must be a whole number >= 0`);
  }
  if (ours + existing > MAX_POLICIES_PER_TARGET) {
    throw new Error(
      `${where}: ${ours} ${kind} plus ${existing} already attached exceed the Organizations limit of ` +
        `${MAX_POLICIES_PER_TARGET} per root, OU or account`,
    );
  }
}
