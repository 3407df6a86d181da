// A Deny taken out of a resource policy that guards production: a bucket policy that lets only the pipeline
// delete objects, a key policy that forbids scheduling the key's deletion, a vault policy that forbids deleting
// recovery points. The resource stays, and nothing is deleted now, but the next deletion no longer meets the
// guard. Any policy document in a resource's properties is read (BucketPolicy, QueuePolicy, TopicPolicy,
// KeyPolicy, a table's ResourcePolicy, a repository's RepositoryPolicyText...), not a list of types.
import type { Finding, RuleMeta } from '../audit/rules/types';
import type { ProductionSelector } from '../guardrails/spec';
import type { LoadedStack } from './assembly';
import type { ResourceLookup } from './backup-coverage';
import { canonicalJson, changeHash } from './change-hash';
import { productionTagOf } from './production-tag';
import { referencedIds } from './references';
import type { ResourcePair } from './stack-pairs';
import type { CfnResource } from './template-file';

export const DENY_REMOVED_RULE: RuleMeta = {
  id: 'production-deny-removed',
  category: 'destructive-change',
  severity: 'critical',
  title: 'Removes a Deny of a resource policy that guards production',
  help:
    'A resource policy of a production resource (or one the templates cannot show is not production) loses a Deny ' +
    'statement, by removing or changing it, or with the whole policy: whatever it kept from deleting or changing ' +
    'the resource is open from the next deployment on. The same for an organization policy (SCP or RCP, also when ' +
    'it is detached from a target) and a permissions boundary, which guard by what they are (critical), and any ' +
    'other identity policy (high). Critical for production, high when the target is not in the templates.',
  docsUrl: 'https://github.com/agent-leash/agent-leash/blob/main/docs/ci.md#resource-policy-denies',
};

/** Keys of a statement whose string-or-array values are sets: their order means nothing. */
const SET_KEYS = new Set(['Action', 'NotAction', 'Resource', 'NotResource']);

/** A statement in a form where reordering its lists or keys changes nothing. */
export function canonicalStatement(statement: Record<string, unknown>): string {
  const normal = (value: unknown): unknown => {
    if (typeof value === 'string') return [value];
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return [...value].sort();
    return value;
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(statement)) {
    if (SET_KEYS.has(key)) out[key] = normal(value);
    else if (key === 'Principal' && value && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([kind, who]) => [kind, normal(who)]));
    } else out[key] = value;
  }
  return canonicalJson(out);
}

/** The policy documents in a resource's properties: objects with a Statement, or JSON text of one. */
export function policyDocuments(value: unknown, depth = 0): Record<string, unknown>[] {
  if (depth > 6 || value === null) return [];
  if (typeof value === 'string') {
    if (!value.includes('"Statement"')) return [];
    try {
      return policyDocuments(JSON.parse(value), depth + 1);
    } catch {
      return [];
    }
  }
  if (typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item) => policyDocuments(item, depth + 1));
  const record = value as Record<string, unknown>;
  if ('Statement' in record) return [record];
  return Object.values(record).flatMap((item) => policyDocuments(item, depth + 1));
}

/** The Deny statements of every policy document of the resource, canonical, with the statement as written. */
function denies(resource: CfnResource | undefined): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  for (const document of policyDocuments(resource?.Properties)) {
    const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
    for (const statement of statements) {
      if (!statement || typeof statement !== 'object') continue;
      const effect = (statement as Record<string, unknown>).Effect;
      // An Effect only deployment knows may be Deny.
      if (effect === 'Allow') continue;
      found.set(canonicalStatement(statement as Record<string, unknown>), statement as Record<string, unknown>);
    }
  }
  return found;
}

/**
 * Whether the policy guards production: the resource or its stack is tagged so, or a resource it names (Ref,
 * GetAtt, Sub) is. `unseen` when it names something the templates do not hold (a bucket by name, an import).
 */
export function guards(
  pair: ResourcePair,
  resource: CfnResource,
  production: ProductionSelector,
  lookup: ResourceLookup,
  boundaryNames: readonly string[] = [],
): { production?: string; unseen?: string } {
  const byNature = guardsByNature(pair, resource, boundaryNames);
  if (byNature) return byNature;
  const stackTags = [pair.stack.stackTags, pair.baselineStackTags];
  const own = productionTagOf([pair.before, pair.after], stackTags, production);
  if (own) return { production: `${pair.logicalId} is tagged ${own}` };
  const ids = [...new Set(referencedIds(resource.Properties))];
  let unseen: string | undefined;
  for (const id of ids) {
    const target = lookup(pair.stack as LoadedStack, id);
    if (!target) continue;
    const tag = productionTagOf([target], stackTags, production);
    if (tag) return { production: `it guards ${id}, tagged ${tag}` };
  }
  const targets = Object.entries(resource.Properties ?? {}).filter(([name]) =>
    /^(Bucket|Queues|Topics|SecretId|ResourceArn|KeyId|RepositoryName|BackupVaultName|FunctionName)$/.test(name),
  );
  for (const [name, value] of targets) {
    if (referencedIds(value).length === 0) unseen ??= `its ${name} is not a resource of the templates`;
  }
  return unseen ? { unseen } : {};
}

/** Identity policy resources: their Deny statements bind the principals they are attached to. */
const IDENTITY_POLICY_TYPES = new Set([
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::Policy',
  'AWS::IAM::RolePolicy',
  'AWS::IAM::UserPolicy',
  'AWS::IAM::GroupPolicy',
  'AWS::IAM::Role',
  'AWS::IAM::User',
  'AWS::IAM::Group',
]);

/**
 * Policies that guard by what they are, not by what they are attached to: an SCP or RCP holds in every account
 * it targets, and a permissions boundary caps every role that carries it (the leash guardrails themselves are
 * such policies). Any other identity policy's Deny may be what keeps its principals from production.
 */
function guardsByNature(
  pair: ResourcePair,
  resource: CfnResource,
  boundaryNames: readonly string[],
): { production?: string; unseen?: string } | undefined {
  if (resource.Type === 'AWS::Organizations::Policy') {
    return {
      production: 'it is an organization policy (SCP or RCP), whose Deny statements hold in every account it targets',
    };
  }
  if (!IDENTITY_POLICY_TYPES.has(resource.Type)) return undefined;
  const boundaryOf = Object.entries(pair.stack.template.Resources ?? {}).find(([, other]) =>
    referencedIds((other?.Properties as Record<string, unknown> | undefined)?.PermissionsBoundary).includes(
      pair.logicalId,
    ),
  );
  if (boundaryOf) return { production: `it is the permissions boundary of ${boundaryOf[0]}` };
  // The agent boundary is deployed to other accounts (a StackSet) and attached there: known by its name.
  const names = [pair.before, pair.after].map(
    (r) => (r?.Properties as Record<string, unknown> | undefined)?.ManagedPolicyName,
  );
  const agentBoundary = names.find((name): name is string => typeof name === 'string' && boundaryNames.includes(name));
  if (resource.Type === 'AWS::IAM::ManagedPolicy' && agentBoundary) {
    return {
      production: `it is the agent permissions boundary (${agentBoundary}), which caps every agent role that carries it`,
    };
  }
  return { unseen: "an identity policy's Deny may be what keeps its principals from deleting production" };
}

/** Targets (accounts, OUs, the root) an organization policy is no longer attached to. */
function detachedTargets(before: CfnResource, after: CfnResource | undefined): string[] {
  if (before.Type !== 'AWS::Organizations::Policy' || !after) return [];
  const targets = (resource: CfnResource) => {
    const ids = (resource.Properties as Record<string, unknown> | undefined)?.TargetIds;
    return (Array.isArray(ids) ? ids : ids === undefined ? [] : [ids]).map((id) =>
      typeof id === 'string' ? id : canonicalJson(id),
    );
  };
  const now = new Set(targets(after));
  return targets(before).filter((id) => !now.has(id));
}

export function denyRemovedFindings(
  pairs: readonly ResourcePair[],
  production: ProductionSelector,
  lookup: ResourceLookup,
  /** Names of the agent permissions boundary policy (config agents.boundaryPolicyName, and leash's default). */
  boundaryNames: readonly string[] = [],
): Finding[] {
  const findings: Finding[] = [];
  for (const pair of pairs) {
    const { before, after } = pair;
    if (!pair.changed || !before || (after && after.Type !== before.Type)) continue;
    const was = denies(before);
    if (was.size === 0) continue;
    const now = denies(after);
    // Detaching an organization policy from a target takes every one of its Deny statements from there.
    const detached = detachedTargets(before, after);
    const removed =
      detached.length > 0
        ? [...was.values()]
        : [...was].filter(([key]) => !now.has(key)).map(([, statement]) => statement);
    if (removed.length === 0) continue;
    const { production: why, unseen } = guards(pair, before, production, lookup, boundaryNames);
    if (!why && !unseen) continue;
    const hash = changeHash(pair.stack.key, pair.logicalId, before, after ?? null);
    const named = removed.map((statement) =>
      typeof statement.Sid === 'string' ? statement.Sid : canonicalJson(statement),
    );
    findings.push({
      ruleId: DENY_REMOVED_RULE.id,
      category: DENY_REMOVED_RULE.category,
      severity: why ? 'critical' : 'high',
      title: `${DENY_REMOVED_RULE.title}: ${before.Type} ${pair.logicalId}`,
      message:
        `Deploying stack ${pair.stack.displayName} ${after ? 'changes' : 'removes'} ${pair.logicalId} (${before.Type}): ` +
        `${removed.length} Deny statement(s) of its policy ${detached.length > 0 ? `no longer apply to ${detached.join(', ')}` : after ? 'are removed or changed' : 'go with it'} ` +
        `(${named.join('; ')}); ${why ?? `${unseen}, so it may guard production`}. Change ${hash}.`,
      location: {
        file: pair.stack.file,
        logicalId: pair.logicalId,
        cdkPath: pair.stack.cdkPaths?.get(pair.logicalId),
        jsonPath: `Resources.${pair.logicalId}`,
      },
      evidence: removed.slice(0, 4).map((statement) => ({
        policy: `template:${pair.stack.key}`,
        policyKind: 'template' as const,
        statement,
        note: 'Deny removed or changed',
      })),
      details: {
        stack: pair.stack.key,
        logicalId: pair.logicalId,
        resourceType: before.Type,
        action: after ? 'modify' : 'delete',
        removedDenies: named,
        ...(detached.length > 0 ? { detachedFrom: detached } : {}),
        guards: why ?? unseen,
        changeHash: hash,
      },
      remediation: `Keep the Deny statements (add new ones beside them); a deliberate removal needs a suppression naming change ${hash}, approved by two people.`,
      docsUrl: DENY_REMOVED_RULE.docsUrl,
    });
  }
  return findings;
}
