// The organization layer: the generated SCPs (and RCPs) as AWS::Organizations::Policy resources attached
// to OUs, the root or accounts, with the Organizations quotas checked before anything is deployed.
import { Annotations, Token } from 'aws-cdk-lib';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
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
   * Where to attach every policy: root (`r-...`), OU (`ou-...-...`) or account (12 digits) ids.
   * The management account is not a valid target in effect: SCPs and RCPs never apply to it.
   */
  readonly targetIds: readonly string[];

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
    if (props.targetIds.length === 0) {
      throw new Error(`${where}: targetIds is empty; name at least one root, OU or account id`);
    }
    const seen = new Set<string>();
    for (const target of props.targetIds) {
      if (!Token.isUnresolved(target) && !TARGET_ID.test(target)) {
        throw new Error(
          `${where}: target id "${target}" is not a root (r-...), OU (ou-...-...) or account id (12 digits)`,
        );
      }
      if (seen.has(target)) throw new Error(`${where}: target id "${target}" is listed twice`);
      seen.add(target);
    }
    checkQuota(where, 'service control policies', scps.length, props.existingServiceControlPoliciesPerTarget ?? 1);
    if (rcps.length > 0) {
      checkQuota(where, 'resource control policies', rcps.length, props.existingResourceControlPoliciesPerTarget ?? 1);
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
        targetIds: [...props.targetIds],
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
