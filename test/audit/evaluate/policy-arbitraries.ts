// Random policies for the cross-checks against @cloud-copilot/iam-simulate: statements drawn from a
// vocabulary of action and resource patterns and conditions, and SCP chains laid out the way both engines
// take them.
import fc from 'fast-check';

export const list = <T>(items: readonly T[], max = 2) =>
  fc.uniqueArray(fc.constantFrom(...items), { minLength: 1, maxLength: max });
export const oneOrMany = <T>(items: readonly T[]) => (items.length === 1 ? items[0] : items);

export type Effect = 'Allow' | 'Deny';

export interface Vocabulary {
  readonly actionPatterns: readonly string[];
  readonly resourcePatterns: readonly string[];
  readonly condition: fc.Arbitrary<Record<string, unknown> | null | undefined>;
  /** Leave out statements one engine is known to read differently (pinned elsewhere). */
  readonly accept?: (statement: { notResource: boolean; resources: string[] }) => boolean;
}

/** A statement of Action or (1 in 4) NotAction, Resource or (1 in 4) NotResource, maybe a condition. */
export const statementArb = (effect: fc.Arbitrary<Effect>, vocabulary: Vocabulary) =>
  fc
    .record({
      effect,
      notAction: fc.constantFrom(false, false, false, true),
      actions: list(vocabulary.actionPatterns, 3),
      notResource: fc.constantFrom(false, false, false, true),
      resources: fc.oneof(fc.constant<string[]>(['*']), list(vocabulary.resourcePatterns, 2)),
      condition: vocabulary.condition,
    })
    .filter((s) => vocabulary.accept?.(s) ?? true)
    .map((s) => ({
      Effect: s.effect,
      [s.notAction ? 'NotAction' : 'Action']: oneOrMany(s.actions),
      [s.notResource ? 'NotResource' : 'Resource']: oneOrMany(s.resources),
      ...(s.condition ? { Condition: s.condition } : {}),
    }));

export type Document = { Version: string; Statement: Record<string, unknown>[] };
export const doc = (...Statement: Record<string, unknown>[]): Document => ({ Version: '2012-10-17', Statement });
export const ALLOW_ALL = { Effect: 'Allow', Action: '*', Resource: '*' };

/** Each SCP level: FullAWSAccess or not, plus an optional random policy; a level with neither allows nothing. */
export interface ScpLevel {
  readonly full: boolean;
  readonly extra?: Record<string, unknown> | null;
}

export function scpLevelPolicies(levels: readonly ScpLevel[] | null | undefined) {
  return levels?.map((level) => {
    const policies: Record<string, unknown> = {};
    if (level.full) policies.FullAWSAccess = doc(ALLOW_ALL);
    if (level.extra) policies.extra = level.extra;
    if (!level.full && !level.extra) policies.nothing = doc({ Effect: 'Deny', Action: 'none:None', Resource: '*' });
    return policies;
  });
}

/** The simulator's form of a chain of levels, from the root down. */
export const organizationLevels = (levels: Record<string, unknown>[] | undefined) =>
  (levels ?? []).map((level, i) => ({
    orgIdentifier: i === 0 ? 'r-root' : `ou-${i}`,
    policies: Object.entries(level).map(([name, policy]) => ({ name, policy })),
  }));
