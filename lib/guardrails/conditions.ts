// Condition blocks shared by the boundary, SCPs and RCPs, and the truth tables they rely on.
//
// IAM facts these blocks are built on (IAM User Guide, "Condition operators" and "Condition element"):
// - Keys inside one operator block, and operator blocks inside one Condition, are ANDed; the values listed
//   for one key are ORed. An OR across tag keys therefore needs one statement per key.
// - When the key is absent from the request context a positive operator (StringEquals...) is false and a
//   negated operator (StringNotEquals..., ArnNotLike) is true. `aws:ResourceTag/<key>` is absent for an
//   untagged resource, for a resource without that key and for every action that cannot evaluate resource
//   tags at all.
// - Tag values are case-sensitive in AWS; the *IgnoreCase operators let `Production` match `production`.
//
// Truth table for one tag key k, production values P and non-production values N:
//
//   resource tag k               | production deny            | agent fail-closed deny
//                                | StringEqualsIgnoreCase P   | StringNotEqualsIgnoreCase N
//   -----------------------------+----------------------------+----------------------------
//   in P (production, PROD)      | true  -> denied            | true  -> denied
//   in N (dev, Staging)          | false                      | false -> allowed
//   other value (qa)             | false                      | true  -> denied
//   key absent / untagged        | false (key missing)        | true  -> denied (negated, key missing)
//   action has no tag support    | false (key never present)  | true  -> denied
//
// With several keys k1..kn: the production deny is one statement per key (denied when ANY key is
// production); the agent fail-closed deny puts every key in one StringNotEqualsIgnoreCase block (denied
// unless SOME key is non-production), and the boundary adds per-key production denies so that a resource
// tagged k1=dev, k2=production stays protected.
import type { GuardrailSpec } from './spec';

/** `{ Operator: { key: values } }`, the JSON shape of an IAM Condition element. */
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

/** Merge condition blocks (ANDed); the same key under the same operator must not appear twice. */
export function allOf(...blocks: (ConditionBlock | undefined)[]): ConditionBlock {
  const out: Record<string, Record<string, string | readonly string[]>> = {};
  for (const block of blocks) {
    if (!block) continue;
    for (const [operator, keys] of Object.entries(block)) {
      const target = (out[operator] ??= {});
      for (const [key, value] of Object.entries(keys)) {
        if (key in target) throw new Error(`condition key ${key} appears twice under ${operator}`);
        target[key] = value;
      }
    }
  }
  return out;
}

/** A single value stays a string (shorter JSON), several become an array. */
function values(list: readonly string[]): string | readonly string[] {
  return list.length === 1 ? list[0] : list;
}

export function resourceTagKey(tagKey: string): string {
  return `aws:ResourceTag/${tagKey}`;
}

/** Every session of one role: `arn:aws:sts::111:assumed-role/Ops/*`. */
const EVERY_SESSION = /^arn:([^:]+):sts::([^:]*):assumed-role\/([^/]+)\/\*$/;

/**
 * The patterns as aws:PrincipalArn can match them. For a role session aws:PrincipalArn is the role's ARN, never
 * the session's (`arn:aws:sts::111:assumed-role/Ops/alice` arrives as `arn:aws:iam::111:role/Ops`, or with the
 * role's path), so a pattern of every session of a role stands for the role at any path. A pattern naming
 * some sessions stays as written: it matches nothing, as in AWS (generation refuses it, exemptIdentities).
 */
export function principalArnPatterns(patterns: readonly string[]): string[] {
  const out = patterns.flatMap((pattern) => {
    const session = EVERY_SESSION.exec(pattern);
    if (!session) return [pattern];
    const [, partition, account, role] = session;
    return [`arn:${partition}:iam::${account}:role/${role}`, `arn:${partition}:iam::${account}:role/*/${role}`];
  });
  return [...new Set(out)];
}

/** The principal is not one of the exempt ARN patterns (break-glass, the approved pipeline). */
export function notExempt(exemptArns: readonly string[]): ConditionBlock | undefined {
  if (exemptArns.length === 0) return undefined;
  return { ArnNotLike: { 'aws:PrincipalArn': values(principalArnPatterns(exemptArns)) } };
}

/** The resource carries tag `tagKey` with a production value (any case). */
export function productionTagged(spec: GuardrailSpec, tagKey: string): ConditionBlock {
  return { StringEqualsIgnoreCase: { [resourceTagKey(tagKey)]: values(spec.production.values) } };
}

/** No production tag key holds a non-production value: untagged and tag-less actions included. */
export function notNonProductionTagged(spec: GuardrailSpec): ConditionBlock {
  const keys: Record<string, string | readonly string[]> = {};
  for (const tagKey of spec.production.tagKeys)
    keys[resourceTagKey(tagKey)] = values(spec.production.nonProductionValues);
  return { StringNotEqualsIgnoreCase: keys };
}

/** The calling principal is an agent (role or session tag). */
export function agentPrincipal(spec: GuardrailSpec): ConditionBlock {
  const { key, value } = spec.agents.principalTag;
  return { StringEqualsIgnoreCase: { [`aws:PrincipalTag/${key}`]: value } };
}

/** The request touches tag key `tagKey` (adds, changes or removes it). Tag keys compared ignoring case. */
export function touchesTagKeys(tagKeys: readonly string[]): ConditionBlock {
  return { 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': values(tagKeys) } };
}

/** The request does not (re)set `tagKey` to one of `allowed`: true for removals and for other values. */
export function requestTagNotIn(tagKey: string, allowed: readonly string[]): ConditionBlock {
  return { StringNotEqualsIgnoreCase: { [`aws:RequestTag/${tagKey}`]: values(allowed) } };
}

/** ARN of the agent boundary policy in any account (self-protection statements). */
export function boundaryPolicyArnPattern(spec: GuardrailSpec): string {
  return `arn:aws:iam::*:policy/${spec.agents.boundaryPolicyName}`;
}

/**
 * ARN of the boundary in the caller's own account, for `iam:PermissionsBoundary` checks: the policy
 * variable keeps another account's same-named policy from qualifying. The boundary must be created at the
 * root path (`/`) under `spec.agents.boundaryPolicyName`.
 */
export function boundaryPolicyArnInCallerAccount(spec: GuardrailSpec): string {
  return `arn:aws:iam::\${aws:PrincipalAccount}:policy/${spec.agents.boundaryPolicyName}`;
}

/** The boundary's ARN for a concrete account (what CDK/Terraform create). */
export function boundaryPolicyArn(spec: GuardrailSpec, account: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${account}:policy/${spec.agents.boundaryPolicyName}`;
}
