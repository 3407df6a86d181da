// A parsed policy turned into statements ready for bulk evaluation: action matchers built once, each
// statement filed under the services it can match, resource patterns precompiled, and the condition keys
// that vary by action listed so answers can be remembered per action "shape" rather than per action.
import type { CatalogAction } from '../../catalog/types';
import type { NormalizedCondition, NormalizedPolicy, NormalizedStatement } from '../../policy/types';
import { compileActionMatcher, compileResourceMatcher, CURRENT_POLICY_VERSION, rawStatement } from '../../policy';
import { hasWildcard, wildcardMatch } from '../../policy/wildcard';
import { isActionDependentKey, isPrincipalKey } from './context';
import { parsePolicyValue, type ParsedValue } from './policy-variables';
import type { DecisionLayer, StatementRef } from './types';
import type { Evidence } from '../findings';

/** The one frozen empty list every statement list and plan of the evaluator shares when it has nothing. */
export const EMPTY: readonly never[] = Object.freeze([]);

export type ResourceTest =
  /** `Resource` includes `*`. */
  | { readonly kind: 'all' }
  /** `NotResource` includes `*`: matches nothing. */
  | { readonly kind: 'nothing' }
  | {
      readonly kind: 'patterns';
      /** True for NotResource. */
      readonly negated: boolean;
      /** The patterns parsed when one may hold a policy variable; else none (the matcher reads them). */
      readonly patterns: readonly ParsedValue[];
      /** Matcher over the patterns when none has a policy variable. */
      readonly matcher?: (arn: string) => boolean;
      /** The patterns as written. */
      readonly written: readonly string[];
    };

/** Which actions of one service a statement matches: all, none, or a byte per action (1 = matches). */
export type MatchTable = 'all' | 'none' | Uint8Array;

export interface CompiledStatement {
  /** Unique within a compiled account: keys the per-request memo of statement answers. */
  readonly id: number;
  readonly effect: 'Allow' | 'Deny';
  readonly ref: StatementRef;
  /** Lower-cased services the statement's Action names; undefined when it may match any service. */
  readonly services?: readonly string[];
  matchesAction(action: string): boolean;
  /** The match table over `actions` (the catalog's actions of `service`), computed once per service. */
  matchTable(service: string, actions: readonly CatalogAction[]): MatchTable;
  readonly resource: ResourceTest;
  readonly conditions: readonly NormalizedCondition[];
  /** Lower-cased condition keys whose presence varies by action (tags, service-specific keys). */
  readonly actionDependentKeys: readonly string[];
  /** Whether anything in Resource or Condition reads principal facts (keys or policy variables). */
  readonly principalDependent: boolean;
  /**
   * The conditions on principal keys (aws:PrincipalArn, aws:PrincipalTag/..., aws:username): each answers
   * the same for every action of one principal. When the statement has no policy variable either, two
   * principals whose answers to these agree get the same answers from the statement.
   */
  readonly principalConditions: readonly NormalizedCondition[];
  /** Whether Resource or a condition value holds a policy variable (`${aws:username}`). */
  readonly usesVariables: boolean;
  /** Applies whenever the action matches (Resource `*`, no conditions). */
  readonly unconditional: boolean;
  /** Whether the answer can differ between actions of one service (resource patterns, action-dependent keys). */
  readonly shapeDependent: boolean;
}

export interface PolicySource {
  readonly policy: string;
  readonly policyKind: Evidence['policyKind'];
  readonly layer: DecisionLayer;
  /** For SCPs and RCPs: where in the organization the policy is attached, e.g. `OU ou-ab12-cdef5678`. */
  readonly attachedAt?: string;
}

function lowerCase(text: string): string {
  return text.toLowerCase();
}

function servicesOf(patterns: readonly string[]): string[] | undefined {
  const services = new Set<string>();
  for (let i = 0; i < patterns.length; i++) {
    const pattern = patterns[i];
    const colon = pattern.indexOf(':');
    if (pattern === '*' || colon <= 0) return undefined;
    const service = pattern.slice(0, colon).toLowerCase();
    if (service.includes('*') || service.includes('?')) return undefined;
    services.add(service);
  }
  return [...services];
}

/** Built once per service list: wildcard patterns scan the lower-cased names (by position). */
const serviceNames = new WeakMap<readonly CatalogAction[], readonly string[]>();

function namesOf(actions: readonly CatalogAction[]): readonly string[] {
  let names = serviceNames.get(actions);
  if (!names) {
    const lower: string[] = [];
    for (let i = 0; i < actions.length; i++) lower.push(actions[i].action.toLowerCase());
    names = lower;
    serviceNames.set(actions, names);
  }
  return names;
}

/**
 * The position of each lower-cased name, for literal patterns: built once per service list, and only for
 * services some literal pattern names (a wildcard pattern only scans the names).
 */
const namePositions = new WeakMap<readonly CatalogAction[], ReadonlyMap<string, number>>();

function positionsByName(actions: readonly CatalogAction[]): ReadonlyMap<string, number> {
  let positions = namePositions.get(actions);
  if (!positions) {
    const names = namesOf(actions);
    const made = new Map<string, number>();
    for (let i = 0; i < names.length; i++) made.set(names[i], i);
    positions = made;
    namePositions.set(actions, positions);
  }
  return positions;
}

/** One lower-cased pattern's match table over a service's actions, and the positions it matches. */
interface PatternMatch {
  readonly table: MatchTable;
  /** The positions set in `table` when it is a byte table (empty for 'all' and 'none'). */
  readonly positions: Int32Array;
}

const NO_POSITIONS = new Int32Array(0);

function patternMatch(pattern: string, actions: readonly CatalogAction[]): PatternMatch {
  if (!hasWildcard(pattern)) {
    // A literal action: one lookup instead of a pass over the service.
    const position = positionsByName(actions).get(pattern);
    if (position === undefined) return { table: 'none', positions: NO_POSITIONS };
    if (actions.length === 1) return { table: 'all', positions: NO_POSITIONS };
    const bytes = new Uint8Array(actions.length);
    bytes[position] = 1;
    return { table: bytes, positions: Int32Array.of(position) };
  }
  // Names lower-cased once per service, not once per pattern that scans them.
  const names = namesOf(actions);
  const bytes = new Uint8Array(actions.length);
  const matched: number[] = [];
  for (let i = 0; i < names.length; i++) {
    if (wildcardMatch(pattern, names[i])) {
      bytes[i] = 1;
      matched.push(i);
    }
  }
  if (matched.length === 0) return { table: 'none', positions: NO_POSITIONS };
  if (matched.length === actions.length) return { table: 'all', positions: NO_POSITIONS };
  return { table: bytes, positions: Int32Array.from(matched) };
}

/** How a statement's Action (or NotAction) list matches actions: shared by statements with the same list. */
interface ActionMatch {
  /** Lower-cased services the patterns name literally; undefined when one may match any service. */
  readonly named: readonly string[] | undefined;
  readonly matchesAction: (action: string) => boolean;
  readonly matchTable: (service: string, actions: readonly CatalogAction[]) => MatchTable;
}

/**
 * Allocates statement ids for one compiled account, and shares action matching between statements: thousands
 * of principals repeat the same Action lists and the same patterns, so a match table is computed once per
 * distinct pattern and service (and combined once per distinct list), not once per statement.
 */
export class StatementIds {
  private next = 0;
  private readonly actionMatches = new Map<string, ActionMatch>();
  /** Match of one lower-cased pattern over one service's actions, by service then pattern. */
  private readonly patternTables = new Map<string, Map<string, PatternMatch>>();

  actionMatch(patterns: readonly string[], negated: boolean): ActionMatch {
    const key = (negated ? '!' : '=') + patterns.join('\u0000');
    let match = this.actionMatches.get(key);
    if (!match) {
      match = this.compileActionMatch(patterns, negated);
      this.actionMatches.set(key, match);
    }
    return match;
  }

  private patternMatchOf(pattern: string, service: string, actions: readonly CatalogAction[]): PatternMatch {
    let ofService = this.patternTables.get(service);
    if (!ofService) {
      ofService = new Map();
      this.patternTables.set(service, ofService);
    }
    let match = ofService.get(pattern);
    if (match === undefined) {
      match = patternMatch(pattern, actions);
      ofService.set(pattern, match);
    }
    return match;
  }

  private compileActionMatch(patterns: readonly string[], negated: boolean): ActionMatch {
    let matcher: ((action: string) => boolean) | undefined;
    const matches = (action: string): boolean => (matcher ??= compileActionMatcher(patterns))(action);
    const matchesAction = negated ? (action: string) => !matches(action) : matches;
    // Services named literally by the patterns; a service none of them names is matched by none (Action) or
    // by all (NotAction) of the patterns, without looking at its actions.
    const named = servicesOf(patterns);
    const everything = !negated && patterns.includes('*');
    // Tables by service: the first inline, the others in a map made for the second. Nearly every list names
    // one service, and thousands of lists each kept a one-entry Map (with its hash table) here.
    let firstService: string | undefined;
    let firstTable: MatchTable | undefined;
    let tables: Map<string, MatchTable> | undefined;
    // The patterns that can match a service: those naming it literally, and those whose service part has a
    // wildcard. Grouped once, on the first table asked for (many lists never are), so a list of hundreds of
    // patterns (ReadOnlyAccess) is not read whole per service. Not for a list naming one service literally:
    // all its patterns are that service's (none has a wildcard service), and its one table is made once.
    let byService: Map<string, string[]> | undefined;
    const anyService: string[] = [];
    const group = (): Map<string, string[]> => {
      const grouped = new Map<string, string[]>();
      for (let i = 0; i < patterns.length; i++) {
        const lower = patterns[i].toLowerCase();
        const colon = lower.indexOf(':');
        const service = colon > 0 ? lower.slice(0, colon) : '';
        if (service === '' || hasWildcard(service)) anyService.push(lower);
        else {
          const list = grouped.get(service);
          if (list) list.push(lower);
          else grouped.set(service, [lower]);
        }
      }
      return grouped;
    };
    // The list matches an action when one of its patterns does (compileActionMatcher's definition), so the
    // list's table is the union of its patterns' tables (in any order), complemented for NotAction.
    const unionTable = (service: string, actions: readonly CatalogAction[]): MatchTable => {
      const own = named?.length === 1 ? patterns.map(lowerCase) : ((byService ??= group()).get(service) ?? EMPTY);
      // The first pattern that matches some actions lends its table as it is; from a second one on, a copy is
      // made and each further pattern sets only the positions it matches (most match a few actions of a
      // service of hundreds), counting as it goes.
      let first: Uint8Array | undefined;
      let union: Uint8Array | undefined;
      let count = 0;
      for (let i = 0, total = own.length + anyService.length; i < total; i++) {
        const pattern = i < own.length ? own[i] : anyService[i - own.length];
        if (pattern === '*') return 'all';
        const match = this.patternMatchOf(pattern, service, actions);
        const table = match.table;
        if (table === 'all') return 'all';
        if (table === 'none') continue;
        if (!first) {
          first = table;
          count = match.positions.length;
          continue;
        }
        union ??= first.slice();
        const positions = match.positions;
        for (let k = 0; k < positions.length; k++) {
          const position = positions[k];
          if (union[position] === 0) {
            union[position] = 1;
            count++;
          }
        }
      }
      if (!first) return 'none';
      if (!union) return first;
      return count === union.length ? 'all' : union;
    };
    const matchTable = (service: string, actions: readonly CatalogAction[]): MatchTable => {
      if (everything) return 'all';
      if (named && !named.includes(service)) return negated ? 'all' : 'none';
      if (service === firstService) return firstTable!;
      let table = tables?.get(service);
      if (table === undefined) {
        table = unionTable(service, actions);
        if (negated) {
          if (table === 'all') table = 'none';
          else if (table === 'none') table = 'all';
          else table = table.map((bit) => 1 - bit);
        }
        if (firstService === undefined) {
          firstService = service;
          firstTable = table;
        } else (tables ??= new Map()).set(service, table);
      }
      return table;
    };
    return { named, matchesAction, matchTable };
  }

  take(): number {
    return this.next++;
  }
  get count(): number {
    return this.next;
  }
}

// Shared: a resource test is never changed once made.
const ALL_RESOURCES: ResourceTest = Object.freeze({ kind: 'all' });
const NO_RESOURCE: ResourceTest = Object.freeze({ kind: 'nothing' });

function resourceTest(statement: NormalizedStatement): ResourceTest {
  const negated = statement.notResources !== undefined;
  const list = statement.notResources ?? statement.resources;
  // No Resource element at all does not occur in identity policies that parse; treat it as `*`.
  if (!list) return ALL_RESOURCES;
  if (list.includes('*')) return negated ? NO_RESOURCE : ALL_RESOURCES;
  // Most lists hold no `${` at all: no pattern is parsed (three objects each, kept as long as the statement),
  // as only the matcher reads them.
  let parsed: readonly ParsedValue[] = EMPTY;
  if (list.some((pattern) => pattern.includes('${'))) {
    const patterns = list.map(parsePolicyValue);
    if (patterns.some((pattern) => pattern.hasVariables))
      return { kind: 'patterns', negated, patterns, matcher: undefined, written: list };
    parsed = patterns;
  }
  // Built on first use: most statements are only ever asked about with no target ARN.
  let matcher: ((arn: string) => boolean) | undefined;
  return {
    kind: 'patterns',
    negated,
    patterns: parsed,
    matcher: (arn) => (matcher ??= compileResourceMatcher(list))(arn),
    written: list,
  };
}

export function compileStatement(
  statement: NormalizedStatement,
  source: PolicySource,
  document: unknown,
  ids: StatementIds,
): CompiledStatement {
  const patterns = statement.actions ?? statement.notActions ?? [];
  const negatedAction = statement.actions === undefined;
  const resource = resourceTest(statement);
  // Made only when something is found: most statements have no conditions and no policy variables.
  let keys: Set<string> | undefined;
  let principalConditions: NormalizedCondition[] | undefined;
  let usesVariables = false;
  // Indexed loops: for-of allocates an iterator result per element until its function is optimized.
  const conditions = statement.conditions;
  for (let c = 0; c < conditions.length; c++) {
    const condition = conditions[c];
    const lower = condition.key.toLowerCase();
    if (isActionDependentKey(lower)) (keys ??= new Set()).add(lower);
    if (isPrincipalKey(lower)) (principalConditions ??= []).push(condition);
    for (let v = 0; v < condition.values.length; v++) {
      // A value without `${` has no variable: not parsed (parsing makes a value object to throw away).
      if (!condition.values[v].includes('${')) continue;
      const variables = parsePolicyValue(condition.values[v]).variableKeys;
      for (let k = 0; k < variables.length; k++) {
        if (isActionDependentKey(variables[k])) (keys ??= new Set()).add(variables[k]);
        usesVariables = true;
      }
    }
  }
  if (resource.kind === 'patterns') {
    for (let p = 0; p < resource.patterns.length; p++) {
      const variables = resource.patterns[p].variableKeys;
      for (let k = 0; k < variables.length; k++) {
        if (isActionDependentKey(variables[k])) (keys ??= new Set()).add(variables[k]);
        usesVariables = true;
      }
    }
  }
  const principalDependent = usesVariables || principalConditions !== undefined;
  // refWithDependsOn copies these properties in this order: keep the two in step.
  const ref: StatementRef = {
    policy: source.policy,
    policyKind: source.policyKind,
    statementIndex: statement.index,
    sid: statement.sid,
    statement: rawStatement(document, statement.index),
    effect: statement.effect,
    layer: source.layer,
  };
  // Added after the literal, not spread into it: a spread copies through a slow generic path per statement.
  if (source.attachedAt) (ref as { note?: string }).note = `attached at ${source.attachedAt}`;
  const { named, matchesAction, matchTable } = ids.actionMatch(patterns, negatedAction);
  return {
    id: ids.take(),
    effect: statement.effect,
    ref,
    services: negatedAction ? undefined : named,
    matchesAction,
    matchTable,
    resource,
    conditions: statement.conditions,
    actionDependentKeys: keys ? [...keys] : EMPTY,
    principalDependent,
    principalConditions: principalConditions ?? EMPTY,
    usesVariables,
    unconditional: resource.kind === 'all' && statement.conditions.length === 0,
    shapeDependent: resource.kind === 'patterns' || keys !== undefined,
  };
}

/**
 * A statement's reference with the keys a MAYBE answer depends on: the same properties in the same order as
 * `{ ...ref, dependsOn }` (compileStatement's literal, its note if any, then dependsOn), built the way
 * compileStatement builds the reference: a literal, then the note and the keys added in a fixed order, so
 * every copy follows one chain of V8 hidden classes. A spread copy got a hidden class of its own per object
 * (3,500 of them on 1,000 roles, each with its descriptors), which costs memory and makes the code that reads
 * these refs megamorphic.
 */
export function refWithDependsOn(ref: StatementRef, dependsOn: readonly string[]): StatementRef {
  const copy: { -readonly [K in keyof StatementRef]: StatementRef[K] } = {
    policy: ref.policy,
    policyKind: ref.policyKind,
    statementIndex: ref.statementIndex,
    sid: ref.sid,
    statement: ref.statement,
    effect: ref.effect,
    layer: ref.layer,
  };
  if (ref.note !== undefined) copy.note = ref.note;
  copy.dependsOn = dependsOn;
  return copy;
}

export function compilePolicy(
  policy: NormalizedPolicy,
  source: PolicySource,
  document: unknown,
  ids: StatementIds,
): CompiledStatement[] {
  const legacy = policy.version !== CURRENT_POLICY_VERSION;
  return policy.statements.map((statement) =>
    compileStatement(legacy ? withoutVariables(statement) : statement, source, document, ids),
  );
}

/**
 * In the legacy policy language (Version 2008-10-17, or no Version) `${aws:username}` is plain text, so a
 * Deny comparing with it matches nothing. Written `${$}{...}` (the escape for a literal `$`), it stays text.
 */
function withoutVariables(statement: NormalizedStatement): NormalizedStatement {
  const literal = (value: string) => value.replace(/\$\{/g, '$${$}{');
  return {
    ...statement,
    resources: statement.resources?.map(literal),
    notResources: statement.notResources?.map(literal),
    conditions: statement.conditions.map((condition) => ({ ...condition, values: condition.values.map(literal) })),
  };
}

/**
 * Statements grouped by the service they can match, so evaluating an action only looks at statements that
 * name its service plus those that may match any service (`*`, NotAction).
 */
export class ServiceIndex {
  private readonly byService = new Map<string, CompiledStatement[]>();
  /**
   * Statements that may match any service; the shared frozen EMPTY when there are none, so every statement
   * list the evaluator reads is either a non-empty array of statements or EMPTY (two array shapes, not a
   * third for an empty array never written to).
   */
  private readonly anyService: readonly CompiledStatement[];
  /** Own and any-service statements together, by service: made only for an index that has both. */
  private merged: Map<string, readonly CompiledStatement[]> | undefined = undefined;
  readonly size: number;

  constructor(statements: readonly CompiledStatement[]) {
    const anyService: CompiledStatement[] = [];
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i];
      if (!statement.services) {
        anyService.push(statement);
        continue;
      }
      for (let k = 0; k < statement.services.length; k++) {
        const service = statement.services[k];
        const list = this.byService.get(service);
        if (list) list.push(statement);
        else this.byService.set(service, [statement]);
      }
    }
    this.anyService = anyService.length > 0 ? anyService : EMPTY;
    this.size = statements.length;
  }

  /** The services some statement may match (lower case); `all` when one may match any service. */
  services(): readonly string[] | 'all' {
    return this.anyService.length > 0 ? 'all' : [...this.byService.keys()];
  }

  /** Statements that may match an action of `service` (lower case), in policy order within each group. */
  candidates(service: string): readonly CompiledStatement[] {
    const own = this.byService.get(service);
    if (!own) return this.anyService;
    if (this.anyService.length === 0) return own;
    this.merged ??= new Map();
    let list = this.merged.get(service);
    if (!list) {
      list = [...own, ...this.anyService];
      this.merged.set(service, list);
    }
    return list;
  }
}
