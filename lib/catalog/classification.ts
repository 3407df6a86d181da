// How an action is matched against the classification rules and overrides; the rules themselves are data
// in classification-rules.ts and overrides.ts.
import type { AccessLevel, DestructiveClass } from './types';
import { DESTRUCTIVE_CLASSES } from './types';

/**
 * One classification rule. An action matches when every constraint that is set holds. The action name is
 * read as `<verb><object>`: `DeleteDBInstance` is verb `Delete`, object `DBInstance`.
 */
export interface ClassificationRule {
  /** Stable id, `<class>.<what>`, shown in reports (`classReasons`). */
  readonly id: string;
  readonly class: DestructiveClass;
  /** One sentence: why matching actions do this kind of damage. */
  readonly why: string;
  /**
   * Leading verbs, matched as whole words: `Delete` matches `DeleteBucket` and `Delete`, never `Deleted...`.
   * Omitted: any verb.
   */
  readonly verbs?: readonly string[];
  /** Access levels the action must have. */
  readonly accessLevels: readonly AccessLevel[];
  /** Only these service prefixes. */
  readonly services?: readonly string[];
  /** Not these service prefixes (their policies are identity policies, classed by rules of their own). */
  readonly exceptServices?: readonly string[];
  /** The object (name after the verb) must match. */
  readonly object?: RegExp;
  /** Not when the object matches. */
  readonly exceptObject?: RegExp;
  /** Only when the action acts on one of these resource types (resource type keys, any case). */
  readonly resourceTypes?: readonly string[];
  /** Not when the reference's description of the action matches (e.g. "create a new ..."). */
  readonly exceptDescription?: RegExp;
  /** Only when the reference's description of the action matches (an action with no description never does). */
  readonly description?: RegExp;
}

/** A documented exception to the rules for one action. */
export interface ClassificationOverride {
  /** `service:Action`, any case; a test checks it still exists in the data. */
  readonly action: string;
  readonly add?: readonly DestructiveClass[];
  readonly remove?: readonly DestructiveClass[];
  /** Why the rules get this action wrong. */
  readonly reason: string;
}

/** What the rules look at. */
export interface ClassifiableAction {
  readonly service: string;
  readonly name: string;
  readonly accessLevel: AccessLevel;
  readonly resourceTypeNames: readonly string[];
  readonly description?: string;
}

export interface Classification {
  readonly classes: readonly DestructiveClass[];
  readonly classReasons: readonly string[];
}

/** The object after `verb` when `name` starts with `verb` as a whole word, else undefined. */
export function objectAfterVerb(name: string, verb: string): string | undefined {
  if (!name.startsWith(verb)) return undefined;
  const next = name.charAt(verb.length);
  if (next !== '' && !/[A-Z0-9]/.test(next)) return undefined;
  return name.slice(verb.length);
}

export function ruleMatches(rule: ClassificationRule, action: ClassifiableAction): boolean {
  if (!rule.accessLevels.includes(action.accessLevel)) return false;
  if (rule.services && !rule.services.includes(action.service)) return false;
  if (rule.exceptServices && rule.exceptServices.includes(action.service)) return false;
  if (rule.description && !(action.description !== undefined && rule.description.test(action.description))) {
    return false;
  }
  if (rule.resourceTypes) {
    const wanted = rule.resourceTypes.map((type) => type.toLowerCase());
    if (!action.resourceTypeNames.some((type) => wanted.includes(type.toLowerCase()))) return false;
  }
  if (rule.exceptDescription && action.description !== undefined && rule.exceptDescription.test(action.description)) {
    return false;
  }
  const objects =
    rule.verbs === undefined
      ? [action.name]
      : rule.verbs.map((verb) => objectAfterVerb(action.name, verb)).filter((o): o is string => o !== undefined);
  return objects.some(
    (object) => (!rule.object || rule.object.test(object)) && !(rule.exceptObject && rule.exceptObject.test(object)),
  );
}

/**
 * Classes for one action: every matching rule adds its class, then an override for this action adds or
 * removes classes. Classes come out in DESTRUCTIVE_CLASSES order; reasons in rule order, overrides last.
 */
export function classifyAction(
  action: ClassifiableAction,
  rules: readonly ClassificationRule[],
  override: ClassificationOverride | undefined,
): Classification {
  const classes = new Set<DestructiveClass>();
  const reasons: string[] = [];
  for (const rule of rules) {
    if (ruleMatches(rule, action)) {
      classes.add(rule.class);
      reasons.push(`${rule.class}: rule ${rule.id}: ${rule.why}`);
    }
  }
  if (override) {
    for (const cls of override.remove ?? []) {
      if (classes.delete(cls)) {
        for (let i = reasons.length - 1; i >= 0; i--) {
          if (reasons[i].startsWith(`${cls}: `)) reasons.splice(i, 1);
        }
        reasons.push(`not ${cls}: override: ${override.reason}`);
      }
    }
    for (const cls of override.add ?? []) {
      classes.add(cls);
      reasons.push(`${cls}: override: ${override.reason}`);
    }
  }
  return { classes: DESTRUCTIVE_CLASSES.filter((cls) => classes.has(cls)), classReasons: reasons };
}
