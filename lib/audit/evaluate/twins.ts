// Principals the evaluator cannot tell apart ("twins"): the same statements in every layer, the same answers
// to every condition on principal keys, and no policy variables. Every request gets the same answer from
// each of them, so they share service plans and bulk answers: the first one asked pays, the others look up
// (a team's roles, the users of one group, roles made from one template).
import type { CatalogAction } from '../../catalog/types';
import { answerCondition } from './org-paths';
import type { CompiledStatement } from './compile-policy';
import { principalKeyValue, type PrincipalFacts } from './context';
import { roleSessionId } from './role-session-id';
import { TRI_CODE, type ServicePlan } from './plan';
import { MAYBE } from './tri';
import type { ActionDecision, DecisionCounts, DecisionRuns, OrganizationLayerState, RequestContext } from './types';

/** What twins share. Bulk answers are kept by the (caller's) list or flag array, then the request context. */
export class Twins {
  /** Service plans by service: what one twin's planNode finds is what every other's would. */
  readonly plans = new Map<string, ServicePlan>();
  readonly counts = new WeakMap<Uint8Array, Map<RequestContext, DecisionCounts>>();
  readonly runs = new WeakMap<readonly CatalogAction[], Map<RequestContext, DecisionRuns>>();
  readonly many = new WeakMap<readonly CatalogAction[], Map<RequestContext, ActionDecision[]>>();
  readonly kinds = new WeakMap<readonly CatalogAction[], Map<RequestContext, Uint8Array>>();
}

/**
 * The answers of a statement's principal conditions for a principal, coded: principals with equal codes get
 * equal answers from the statement under any request context (a context that gives a principal key's value
 * gives it to every principal alike). The statement must not use policy variables, which no code captures.
 */
export function principalAnswerCode(statement: CompiledStatement, facts: PrincipalFacts): string {
  const lookup = (lowerKey: string) => principalKeyValue(facts, lowerKey);
  let code = '';
  const conditions = statement.principalConditions;
  for (let i = 0; i < conditions.length; i++) {
    const result = answerCondition(conditions[i], lookup, facts.orgPaths, roleSessionId(facts));
    code += TRI_CODE[result.tri] + (result.tri === MAYBE ? result.dependsOn.join('\u0000') : '');
  }
  return code;
}

/** What decides a principal's answers, apart from its facts (see twinKey). */
export interface TwinParts {
  readonly facts: PrincipalFacts;
  readonly scp: OrganizationLayerState;
  readonly rcp: OrganizationLayerState;
  /** `-` without a boundary, `?` for one that cannot be read, else its ARN (one boundary index per ARN). */
  readonly boundary: string;
  readonly allows: readonly CompiledStatement[];
  readonly denies: readonly CompiledStatement[];
  readonly boundaryStatements: readonly CompiledStatement[];
  /** The organization's statements (SCP Allows of every level, SCP and RCP Denies) when they apply, else none. */
  readonly organization: readonly CompiledStatement[];
}

/**
 * A key equal for twins only: the organization states, the boundary, the ids of the identity Allow and of
 * the Deny statements in order (statement order decides the order of the evidence), and the principal
 * condition answers of every statement that has them. Undefined when a statement uses policy variables:
 * such a principal has no twin.
 */
export function twinKey(parts: TwinParts): string | undefined {
  const key: (string | number)[] = [parts.scp, parts.rcp, parts.boundary, 'A'];
  // Indexed loops: for-of allocates an iterator result per element until its function is optimized, and
  // these run once per principal.
  const { allows, denies } = parts;
  for (let i = 0; i < allows.length; i++) key.push(allows[i].id);
  key.push('D');
  for (let i = 0; i < denies.length; i++) key.push(denies[i].id);
  key.push('P');
  const lists = [allows, denies, parts.boundaryStatements, parts.organization];
  for (let l = 0; l < lists.length; l++) {
    const list = lists[l];
    for (let i = 0; i < list.length; i++) {
      const statement = list[i];
      if (!statement.principalDependent) continue;
      if (statement.usesVariables) return undefined;
      key.push(statement.id, principalAnswerCode(statement, parts.facts));
    }
  }
  return key.join('\u0001');
}
