// Action patterns (`s3:Get*`): validity, matching (IAM compares actions case-insensitively) and expansion
// against the catalog of real actions.
import type { Catalog, CatalogAction } from '../catalog/types';
import type { NormalizedStatement } from './types';
import { hasWildcard, wildcardMatch } from './wildcard';

const SERVICE_CHARACTERS = /^[A-Za-z0-9-]+$/;
// Action names in the Service Authorization Reference are letters and digits, with one hyphenated exception
// (`AssociateViaAWSService-EventsAndStates`); underscores are accepted as well to stay lenient.
const NAME_CHARACTERS = /^[A-Za-z0-9_\-*?]+$/;
/** A literal service, one colon and a name: what every check of checkActionPattern accepts. */
const PLAIN_PATTERN = /^[A-Za-z0-9-]+:[A-Za-z0-9_\-*?]+$/;

/**
 * Problem text for an invalid action pattern, or undefined when AWS accepts it. `"*"` alone is valid; the
 * service prefix must be literal (IAM rejects `*:Delete*`, and the IAM User Guide says wildcards cannot
 * identify the service), and exactly one colon separates it from the action name.
 */
export function checkActionPattern(pattern: string): string | undefined {
  // Nearly every pattern is plainly valid: one test, and the checks below only say what is wrong.
  if (PLAIN_PATTERN.test(pattern)) return undefined;
  if (pattern.length === 0) return 'action is empty: expected "service:Action", e.g. "s3:GetObject"';
  if (pattern === '*') return undefined;
  if (pattern.trim() !== pattern) return `action ${JSON.stringify(pattern)} has leading or trailing white space`;
  const colon = pattern.indexOf(':');
  if (colon === -1) {
    return `action ${JSON.stringify(pattern)} has no service prefix: expected "service:Action", e.g. "s3:GetObject"`;
  }
  if (pattern.indexOf(':', colon + 1) !== -1) {
    return `action ${JSON.stringify(pattern)} has more than one ":": expected "service:Action"`;
  }
  const service = pattern.slice(0, colon);
  const name = pattern.slice(colon + 1);
  if (service.length === 0) return `action ${JSON.stringify(pattern)} has an empty service prefix`;
  if (hasWildcard(service)) {
    return (
      `action ${JSON.stringify(pattern)} has a wildcard in the service prefix, which AWS rejects: ` +
      `name each service, e.g. "ec2:${name || '*'}"`
    );
  }
  if (!SERVICE_CHARACTERS.test(service)) {
    return `action ${JSON.stringify(pattern)} has invalid characters in the service prefix ${JSON.stringify(service)}`;
  }
  if (name.length === 0) {
    return `action ${JSON.stringify(pattern)} has no action name: use "${service}:*" for every action of the service`;
  }
  if (!NAME_CHARACTERS.test(name)) {
    return `action ${JSON.stringify(pattern)} has invalid characters in the action name ${JSON.stringify(name)}`;
  }
  return undefined;
}

/** Whether `action` (e.g. `ec2:TerminateInstances`) matches `pattern`, case-insensitively, with `*` and `?`. */
export function actionMatches(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  return wildcardMatch(pattern.toLowerCase(), action.toLowerCase());
}

/** Whether a statement's Action covers `action`, or its NotAction leaves it out (a statement has one of them). */
export function statementCoversAction(
  statement: Pick<NormalizedStatement, 'actions' | 'notActions'>,
  action: string,
): boolean {
  if (statement.notActions) return !statement.notActions.some((pattern) => actionMatches(pattern, action));
  return (statement.actions ?? []).some((pattern) => actionMatches(pattern, action));
}

interface ServicePatterns {
  /** `service:*` was given: every action of the service matches. */
  all: boolean;
  /** Name prefixes from patterns like `ec2:Delete*` (lower case, without the star). */
  readonly prefixes: string[];
  /** Other name patterns with wildcards, lower case. */
  readonly names: string[];
}

/**
 * A matcher equivalent to `patterns.some((p) => actionMatches(p, action))`, built for policies with
 * hundreds of patterns queried tens of thousands of times: exact names go in a set, wildcard patterns are
 * grouped by their (literal) service prefix, and answers are remembered per action string.
 */
export function compileActionMatcher(patterns: readonly string[]): (action: string) => boolean {
  if (patterns.includes('*')) return () => true;
  const exact = new Set<string>();
  const byService = new Map<string, ServicePatterns>();
  // Patterns whose service part has a wildcard or that have no colon: AWS rejects them, but matching must
  // still agree with actionMatches, so they are checked against the whole action name.
  const irregular: string[] = [];
  for (const raw of patterns) {
    const pattern = raw.toLowerCase();
    if (!hasWildcard(pattern)) {
      exact.add(pattern);
      continue;
    }
    const colon = pattern.indexOf(':');
    const service = colon === -1 ? '' : pattern.slice(0, colon);
    if (colon === -1 || hasWildcard(service) || pattern.indexOf(':', colon + 1) !== -1) {
      irregular.push(pattern);
      continue;
    }
    let entry = byService.get(service);
    if (!entry) {
      entry = { all: false, prefixes: [], names: [] };
      byService.set(service, entry);
    }
    const name = pattern.slice(colon + 1);
    if (name === '*') entry.all = true;
    else if (name.endsWith('*') && !hasWildcard(name.slice(0, -1))) entry.prefixes.push(name.slice(0, -1));
    else entry.names.push(name);
  }
  const answers = new Map<string, boolean>();
  const decide = (action: string): boolean => {
    const lower = action.toLowerCase();
    if (exact.has(lower)) return true;
    const colon = lower.indexOf(':');
    if (colon !== -1 && lower.indexOf(':', colon + 1) === -1) {
      const entry = byService.get(lower.slice(0, colon));
      if (entry) {
        if (entry.all) return true;
        const name = lower.slice(colon + 1);
        for (const prefix of entry.prefixes) if (name.startsWith(prefix)) return true;
        for (const pattern of entry.names) if (wildcardMatch(pattern, name)) return true;
      }
    }
    for (const pattern of irregular) if (wildcardMatch(pattern, lower)) return true;
    return false;
  };
  return (action: string): boolean => {
    let answer = answers.get(action);
    if (answer === undefined) {
      answer = decide(action);
      answers.set(action, answer);
    }
    return answer;
  };
}

/** The catalog actions a pattern matches (what a Deny with this pattern actually denies). */
export function expandActionPattern(pattern: string, catalog: Catalog): CatalogAction[] {
  if (pattern === '*') return [...catalog.actions];
  const lower = pattern.toLowerCase();
  const colon = lower.indexOf(':');
  const service = colon === -1 ? '' : lower.slice(0, colon);
  if (colon !== -1 && !hasWildcard(service)) {
    const name = lower.slice(colon + 1);
    if (!hasWildcard(name)) {
      // A literal action: one lookup instead of a pass over the service.
      const action = catalog.get(pattern);
      return action ? [action] : [];
    }
    return matching(name, catalog.serviceActions(service), lowerNames, (action) => action.name);
  }
  return matching(lower, catalog.actions, lowerActions, (action) => action.action);
}

/**
 * Lower-cased names (`lowerNames`) or full action names (`lowerActions`) of a catalog's action lists, by
 * list, made on first use: accounts expand thousands of patterns over the same lists.
 */
const lowerNames = new WeakMap<readonly CatalogAction[], readonly string[]>();
const lowerActions = new WeakMap<readonly CatalogAction[], readonly string[]>();

/** The actions of `actions` whose lower-cased text (`textOf`) `pattern` (lower-cased) matches, in order. */
function matching(
  pattern: string,
  actions: readonly CatalogAction[],
  lowered: WeakMap<readonly CatalogAction[], readonly string[]>,
  textOf: (action: CatalogAction) => string,
): CatalogAction[] {
  let texts = lowered.get(actions);
  if (!texts) {
    texts = actions.map((action) => textOf(action).toLowerCase());
    lowered.set(actions, texts);
  }
  const out: CatalogAction[] = [];
  for (let i = 0; i < actions.length; i++) if (wildcardMatch(pattern, texts[i])) out.push(actions[i]);
  return out;
}

/** Union of the expansions, each action once, in order of first match. */
export function expandActionPatterns(patterns: readonly string[], catalog: Catalog): CatalogAction[] {
  const seen = new Set<CatalogAction>();
  for (const pattern of patterns) {
    for (const action of expandActionPattern(pattern, catalog)) seen.add(action);
  }
  return [...seen];
}
