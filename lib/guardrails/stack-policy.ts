// Stack policies for production stacks, made from the synthesized template: CloudFormation itself refuses to
// replace or delete a stateful or production-tagged resource during a stack update, whoever runs it. The
// SCPs keep non-exempt principals from replacing or overriding the policy (ProtectStackPolicy*).
import { productionKeyReadAs, productionValueReadAs } from './production-lookalikes';
import type { GuardrailSpec } from './spec';

/** CloudFormation's limit for StackPolicyBody (SetStackPolicy, CreateStack). */
export const STACK_POLICY_BODY_LIMIT = 16_384;

/** The resources of a template, as much as the generator reads. */
export interface StackPolicyInput {
  readonly Resources?: Readonly<Record<string, { readonly Type?: unknown; readonly Properties?: unknown }>>;
}

export interface ProtectedResource {
  readonly logicalId: string;
  readonly type: string;
  /** `stateful type`, `tagged production`, or `tags not resolvable at synth time` (protected to be safe). */
  readonly reason: string;
}

export interface StackPolicy {
  readonly document: {
    readonly Statement: readonly Readonly<Record<string, unknown>>[];
  };
  readonly characters: number;
  /** Every resource of the template the policy protects, and why. */
  readonly protectedResources: readonly ProtectedResource[];
}

export class StackPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackPolicyError';
  }
}

type TagVerdict = 'production' | 'unknown' | 'other';

/** Whether the template's own Tags (list of Key/Value, or a key → value map) mark the resource production. */
function tagVerdict(properties: unknown, spec: GuardrailSpec): TagVerdict {
  if (!properties || typeof properties !== 'object') return 'other';
  const tags = (properties as Record<string, unknown>).Tags;
  if (tags === undefined) return 'other';
  // IAM compares the tag key without case (and leash's SCPs the value too). A tag that only reads as production
  // (`prod `, a Cyrillic о, a typo such as `prodution`) is protected as well: a stack policy too many costs an
  // approval, one too few a table.
  const judge = (key: unknown, value: unknown): TagVerdict => {
    if (typeof key !== 'string') return 'unknown';
    if (productionKeyReadAs(key, spec.production) === undefined) return 'other';
    if (typeof value !== 'string') return 'unknown';
    return productionValueReadAs(value, spec.production) === undefined ? 'other' : 'production';
  };
  let verdicts: TagVerdict[];
  if (Array.isArray(tags)) {
    verdicts = tags.map((tag) =>
      tag && typeof tag === 'object' && !Array.isArray(tag)
        ? judge((tag as Record<string, unknown>).Key, (tag as Record<string, unknown>).Value)
        : 'unknown',
    );
  } else if (typeof tags === 'object' && tags !== null) {
    const entries = Object.entries(tags as Record<string, unknown>);
    // `{ "Fn::If": [...] }` and other intrinsics: the tags are decided at deploy time.
    if (entries.length === 1 && /^(Fn::|Ref$)/.test(entries[0][0])) return 'unknown';
    verdicts = entries.map(([key, value]) => judge(key, value));
  } else {
    return 'unknown';
  }
  if (verdicts.includes('production')) return 'production';
  return verdicts.includes('unknown') ? 'unknown' : 'other';
}

/**
 * The stack policy for one template: allow every update, deny `Update:Replace` and `Update:Delete` on every
 * resource of a stateful type (by ResourceType, so a stateful resource added later is covered too) and on
 * each resource the template tags production (by logical id; tags it cannot read count as production).
 * Fails rather than emit a policy over CloudFormation's size limit.
 */
export function stackPolicyFor(
  template: StackPolicyInput,
  spec: GuardrailSpec,
  statefulTypes: readonly string[],
  isStateful: (type: string) => boolean,
): StackPolicy {
  const protectedResources: ProtectedResource[] = [];
  const byLogicalId: string[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const type = typeof resource?.Type === 'string' ? resource.Type : '';
    if (type === '') throw new StackPolicyError(`resource ${logicalId} has no Type`);
    if (isStateful(type)) {
      protectedResources.push({ logicalId, type, reason: 'stateful type' });
      continue;
    }
    const verdict = tagVerdict(resource.Properties, spec);
    if (verdict === 'other') continue;
    byLogicalId.push(`LogicalResourceId/${logicalId}`);
    protectedResources.push({
      logicalId,
      type,
      reason: verdict === 'production' ? 'tagged production' : 'tags not resolvable at synth time',
    });
  }
  const types = [...new Set([...statefulTypes, ...protectedResources.map((r) => r.type).filter(isStateful)])].sort();
  const statements: Record<string, unknown>[] = [
    { Effect: 'Allow', Principal: '*', Action: 'Update:*', Resource: '*' },
    {
      Effect: 'Deny',
      Principal: '*',
      Action: ['Update:Replace', 'Update:Delete'],
      Resource: '*',
      Condition: { StringEquals: { ResourceType: types } },
    },
  ];
  if (byLogicalId.length > 0) {
    statements.push({
      Effect: 'Deny',
      Principal: '*',
      Action: ['Update:Replace', 'Update:Delete'],
      Resource: byLogicalId.sort(),
    });
  }
  const document = { Statement: statements };
  const characters = JSON.stringify(document).length;
  if (characters > STACK_POLICY_BODY_LIMIT) {
    throw new StackPolicyError(
      `the stack policy needs ${characters} characters, over CloudFormation's ${STACK_POLICY_BODY_LIMIT}: ` +
        `${byLogicalId.length} production-tagged resources are named one by one; split the stack`,
    );
  }
  return { document, characters, protectedResources };
}
