// The per-call state of the evaluator: statement answers for one request context, interned so equal answers
// share one object (and one serial the template keys are made of), and the scratch a template is collected in.
import { resourceMatches } from '../../policy';
import type { NormalizedCondition } from '../../policy/types';
import { shapeCode } from './action-classes';
import { answerFromAuditTime, isAuditTimeKey } from './audit-time';
import { refWithDependsOn, type CompiledStatement } from './compile-policy';
import { RequestKeys, type ActionFacts, type PrincipalFacts } from './context';
import type { KeyLookup } from './key-value';
import { answerCondition } from './org-paths';
import { roleSessionId } from './role-session-id';
import {
  EMPTY,
  KeyNode,
  newPlanTemplates,
  RESOURCE,
  union,
  type Applies,
  type PlanTemplates,
  type ServicePlan,
  type Template,
} from './plan';
import { substitute } from './policy-variables';
import { MAYBE, NO, YES, type Tri } from './tri';
import type { RequestContext } from './types';

/** Statement answers collected for one action, per layer (reused between actions). */
export class Scratch {
  readonly denies: Applies[] = [];
  readonly scp: Applies[][] = [];
  readonly identity: Applies[] = [];
  readonly boundary: Applies[] = [];
  /**
   * The parts of the template key (KEY_PART codes and answer serials), the first `keyLength` of them: looked
   * up number by number (KeyNode), no key string built per template. Never truncated, only overwritten:
   * setting an array's length to 0 drops its storage, which every template would then grow again.
   */
  readonly key: number[] = [];
  keyLength = 0;
  /** Every collected answer comes from a shared statement. */
  shared = true;

  addKeyPart(part: number): void {
    this.key[this.keyLength++] = part;
  }
}

/**
 * Template key parts other than answers: the unevaluated organization layers (unevaluatedPart), then a marker
 * before each layer's answers. An answer's part is its serial plus SERIAL_PART, so no answer reads as a marker.
 */
export const KEY_PART = {
  denies: 4,
  organizationDenies: 5,
  scp: 6,
  identity: 7,
  boundary: 8,
  boundaryMissing: 9,
} as const;
export const SERIAL_PART = 10;

/**
 * The key part (0-3) of a plan's unevaluated organization layers, read from what the list holds (one bit per
 * layer), not from its length or first entry: two plans share templates only when they leave the same layers
 * unevaluated, since the caveat a finding carries comes from the template.
 */
export function unevaluatedPart(layers: readonly ('scp' | 'rcp')[]): number {
  return (layers.includes('scp') ? 1 : 0) + (layers.includes('rcp') ? 2 : 0);
}

/**
 * One scratch for every call: template() fills it and reads it back before returning, never re-entering
 * itself, and what it keeps (the template) is built from copies.
 */
export const SCRATCH = new Scratch();

/**
 * Answers are interned per statement, so equal answers (across principals and calls) share one object: the
 * definite ones by answer (NO, YES), the MAYBE ones by what they depend on. Named fields, not an array
 * indexed by answer: an array filled at index 1 first is holey, at 0 first packed, and the mix deopts.
 */
class Interned {
  no: Applies | undefined = undefined;
  yes: Applies | undefined = undefined;
  /**
   * The first MAYBE answer inline (by its dependsOn key), the others in a map made for the second: a
   * statement's MAYBE answers nearly always depend on one list of keys, and an account keeps thousands.
   */
  maybeKey: string | undefined = undefined;
  maybe: Applies | undefined = undefined;
  moreMaybe: Map<string, Applies> | undefined = undefined;
}
const interned = new WeakMap<CompiledStatement, Interned>();
let nextSerial = 0;

function intern(statement: CompiledStatement, tri: Tri, dependsOn: readonly string[]): Applies {
  let byAnswer = interned.get(statement);
  if (!byAnswer) {
    byAnswer = new Interned();
    interned.set(statement, byAnswer);
  }
  if (tri === NO) return (byAnswer.no ??= answer(statement, tri, dependsOn));
  if (tri === YES) return (byAnswer.yes ??= answer(statement, tri, dependsOn));
  const key = dependsOn.join('\u0000');
  if (key === byAnswer.maybeKey) return byAnswer.maybe!;
  if (byAnswer.maybeKey === undefined) {
    byAnswer.maybeKey = key;
    return (byAnswer.maybe = answer(statement, tri, dependsOn));
  }
  const more = (byAnswer.moreMaybe ??= new Map());
  let applies = more.get(key);
  if (!applies) {
    applies = answer(statement, tri, dependsOn);
    more.set(key, applies);
  }
  return applies;
}

function answer(statement: CompiledStatement, tri: Tri, found: readonly string[]): Applies {
  // Interned answers are kept for the whole run: a MAYBE answer's list (grown by push, 16 slots) is copied to
  // its exact length.
  const dependsOn = found.length ? found.slice() : found;
  return {
    serial: nextSerial++,
    shared: statement.ref.policyKind !== 'inline',
    tri,
    dependsOn,
    ref: tri === MAYBE ? refWithDependsOn(statement.ref, dependsOn) : statement.ref,
  };
}

/** Templates of shared context-free plans (see ServicePlan.contextFree), whatever the request context. */
const CONTEXT_FREE_TEMPLATES = new WeakMap<ServicePlan, PlanTemplates>();

/** The per-call state: request keys, remembered statement answers, plans and templates. */
export class Call {
  readonly keys: RequestKeys;
  /**
   * Answers remembered by statement id (per action shape code for shape-dependent statements). A map, not
   * an array indexed by id: ids are account-wide, and an array sized by the account's statement count made
   * every call cost as much as the whole account.
   */
  private memo?: Map<number, Applies | Map<number, Applies>>;
  // The memo and the rest are made on first use: most calls are short (a probe of a few actions), or find
  // every template already made, and never need them.
  /** Templates built from statements of this principal's own (inline) policies. */
  private ownTemplates?: KeyNode<Template>;
  /** Templates of the principal's own (unshared) plans in this call. */
  private ownPlanTemplates?: Map<ServicePlan, PlanTemplates>;

  constructor(
    facts: PrincipalFacts,
    readonly context: RequestContext,
    /** Templates of shared plans for this context, for every principal of the account. */
    private readonly sharedPlanTemplates: Map<ServicePlan, PlanTemplates>,
  ) {
    this.keys = new RequestKeys(facts, context);
  }

  get templates(): KeyNode<Template> {
    return (this.ownTemplates ??= new KeyNode());
  }

  /** The plan's templates in this call's context; `classCount` is 1 for a uniform plan (see PlanTemplates). */
  templatesOf(plan: ServicePlan, classCount: number): PlanTemplates {
    // A shared plan of unconditional statements has one set of templates for every context.
    const table = !plan.shared
      ? (this.ownPlanTemplates ??= new Map())
      : plan.contextFree
        ? CONTEXT_FREE_TEMPLATES
        : this.sharedPlanTemplates;
    let templates = table.get(plan);
    if (!templates) {
      templates = newPlanTemplates(classCount);
      table.set(plan, templates);
    }
    return templates;
  }

  applies(statement: CompiledStatement, facts: ActionFacts, wildcardOnly: boolean): Applies {
    const memo = (this.memo ??= new Map());
    if (!statement.shapeDependent) {
      let known = memo.get(statement.id) as Applies | undefined;
      if (!known) {
        known = this.compute(statement, facts, wildcardOnly);
        memo.set(statement.id, known);
      }
      return known;
    }
    const shape = shapeCode(statement, facts, wildcardOnly);
    if (shape < 0) return this.compute(statement, facts, wildcardOnly);
    let map = memo.get(statement.id) as Map<number, Applies> | undefined;
    if (!map) {
      map = new Map();
      memo.set(statement.id, map);
    }
    let known = map.get(shape);
    if (!known) {
      known = this.compute(statement, facts, wildcardOnly);
      map.set(shape, known);
    }
    return known;
  }

  private compute(statement: CompiledStatement, facts: ActionFacts, wildcardOnly: boolean): Applies {
    if (statement.unconditional) return intern(statement, YES, EMPTY);
    const dependsOn: string[] = [];
    let tri: Tri = this.resourceTri(statement, facts, wildcardOnly, dependsOn);
    if (tri !== NO) {
      const lookup = this.keys.lookupFor(facts);
      const conditions = statement.conditions;
      const { orgPaths, auditTime } = this.keys.principal;
      const roleId = roleSessionId(this.keys.principal);
      for (let i = 0; i < conditions.length; i++) {
        const condition = conditions[i];
        const result =
          auditTime !== undefined && asksAuditTime(condition, lookup)
            ? answerFromAuditTime(condition, statement.effect, auditTime, lookup)
            : answerCondition(condition, lookup, orgPaths, roleId);
        if (result.tri === NO) {
          tri = NO;
          break;
        }
        if (result.tri === MAYBE) {
          tri = MAYBE;
          union(dependsOn, result.dependsOn);
        }
      }
    }
    return intern(statement, tri, tri === MAYBE ? dependsOn : EMPTY);
  }

  private resourceTri(
    statement: CompiledStatement,
    facts: ActionFacts,
    wildcardOnly: boolean,
    dependsOn: string[],
  ): Tri {
    const test = statement.resource;
    if (test.kind === 'all') return YES;
    if (test.kind === 'nothing') return NO;
    // Actions that only support `Resource: "*"` are authorized against `*` itself.
    const target = wildcardOnly ? '*' : this.context.resourceArn;
    if (target === undefined) {
      dependsOn.push(RESOURCE);
      return MAYBE;
    }
    let matched: Tri = NO;
    if (test.matcher) {
      matched = test.matcher(target) ? YES : NO;
    } else {
      const lookup = this.keys.lookupFor(facts);
      const unknown: string[] = [];
      for (let i = 0; i < test.patterns.length; i++) {
        const resolved = substitute(test.patterns[i], lookup);
        if (resolved === 'dropped') continue;
        if ('unknown' in resolved) {
          matched = MAYBE;
          union(unknown, resolved.unknown);
          continue;
        }
        if (resourceMatches(resolved.text, target)) {
          matched = YES;
          break;
        }
      }
      if (matched === MAYBE) union(dependsOn, unknown);
    }
    if (matched === MAYBE) return MAYBE;
    return (matched === YES) !== test.negated ? YES : NO;
  }
}

/** A condition on the time that the request context does not give itself (a context may name a time). */
function asksAuditTime(condition: NormalizedCondition, lookup: KeyLookup): boolean {
  const lowerKey = condition.key.toLowerCase();
  return isAuditTimeKey(lowerKey) && lookup(lowerKey).state === 'unknown';
}
