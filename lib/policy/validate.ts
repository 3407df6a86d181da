// Full validation of one policy: grammar, policy-type rules, actions against the catalog, and size.
import type { Catalog } from '../catalog/types';
import {
  isKnownServiceConditionKey,
  isMultivaluedServiceConditionKey,
  serviceConditionKeys,
} from '../catalog/condition-keys';
import { checkActionPattern, expandActionPattern } from './action';
import { checkDocument, decodePolicyInput, rawStatements, sortProblems, type PolicyParseCache } from './parse';
import { didYouMean, nearest } from '../util/edit-distance';
import { problem, type PathPart } from './problems';
import { isGlobalConditionKey, isSingleValuedGlobalKey } from './global-keys';
import { absentKeyOutcome } from './absent-key';
import { POLICY_SIZE_LIMITS, policySize, type PolicySizeKind } from './size';
import type { PolicyProblem, PolicyType } from './types';
import { innerStore, newMap } from '../util/memo';

/** The size quota that applies by default to each policy type; resource policies' limits vary by service. */
export const DEFAULT_SIZE_KIND: Readonly<Record<PolicyType, PolicySizeKind | undefined>> = {
  identity: 'managed',
  boundary: 'managed',
  trust: 'trust',
  scp: 'scp',
  rcp: 'rcp',
  resource: undefined,
};

const SIZE_KIND_NAMES: Record<PolicySizeKind, string> = {
  scp: 'an SCP (AWS Organizations counts every character, white space included)',
  rcp: 'an RCP (AWS Organizations counts every character, white space included)',
  managed: 'a managed policy (IAM does not count white space)',
  inlineRole: 'the inline policies of a role (IAM does not count white space)',
  inlineUser: 'the inline policies of a user (IAM does not count white space)',
  inlineGroup: 'the inline policies of a group (IAM does not count white space)',
  trust: 'a role trust policy at the default quota (IAM does not count white space)',
};

export interface ValidateOptions {
  /** The quota to check the size against; `false` skips it. @default DEFAULT_SIZE_KIND[type] */
  readonly sizeKind?: PolicySizeKind | false;
  /** Recorded on every problem. */
  readonly where?: string;
  /** See ParseOptions.cache: only for documents that are never changed afterwards. @default no reuse */
  readonly cache?: PolicyParseCache;
}

/**
 * What the catalog says of one action pattern: whether it is valid at all (checkActionPattern reports an
 * invalid one), a known service, and whether the pattern names any action.
 */
interface PatternVerdict {
  readonly valid: boolean;
  readonly knownService: boolean;
  readonly matchesAny: boolean;
}

/**
 * Verdicts per catalog and pattern as written: an account repeats the same patterns in thousands of policies
 * (a verdict depends on the pattern alone, so spellings that differ in case merely take an entry each).
 */
const verdicts = new WeakMap<Catalog, Map<string, PatternVerdict>>();

const INVALID: PatternVerdict = { valid: false, knownService: false, matchesAny: false };

/**
 * The verdict on a pattern other than `*`, from the catalog's verdicts (`byPattern`). Whether the pattern is
 * valid is remembered too: the map is asked anyway, and the pattern's syntax need not be checked again.
 */
function patternVerdict(pattern: string, catalog: Catalog, byPattern: Map<string, PatternVerdict>): PatternVerdict {
  let verdict = byPattern.get(pattern);
  if (!verdict) {
    if (checkActionPattern(pattern)) verdict = INVALID;
    else {
      // Valid, so with one colon after its service prefix.
      const knownService = catalog.hasService(pattern.slice(0, pattern.indexOf(':')));
      verdict = {
        valid: true,
        knownService,
        matchesAny: knownService && expandActionPattern(pattern, catalog).length > 0,
      };
    }
    byPattern.set(pattern, verdict);
  }
  return verdict;
}

/** `; did you mean "s3:GetObject"?` for a misspelt action name (not for wildcard patterns). */
function suggestAction(value: string, service: string, catalog: Catalog): string {
  if (/[*?]/.test(value)) return '';
  const name = value.slice(value.indexOf(':') + 1);
  const near = nearest(
    name,
    catalog.serviceActions(service.toLowerCase()).map((action) => action.name),
  );
  return near.length === 0 ? '' : `; did you mean ${near.map((n) => JSON.stringify(`${service}:${n}`)).join(' or ')}?`;
}

/** The JSON path of item `i` of a string-or-array element (`element` as written). */
function elementPath(base: readonly PathPart[], key: string, element: unknown, i: number): PathPart[] {
  return typeof element === 'string' ? [...base, key] : [...base, key, i];
}

/** The elements checked against the catalog, with the severity of a name the catalog does not know there. */
const ACTION_KEYS = [
  // An unknown name under Action makes the statement do less than it says (a Deny silently misses); under
  // NotAction it only fails to exempt, so it is a warning there.
  { key: 'Action', severity: 'error' },
  { key: 'NotAction', severity: 'warning' },
] as const;

function checkActionsAgainstCatalog(document: unknown, type: PolicyType, catalog: Catalog): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  const byPattern = innerStore(verdicts, catalog, newMap<string, PatternVerdict>);
  const statements = rawStatements(document);
  // Indexed loops: for…of makes an iterator result per item until the function is optimised.
  for (let s = 0; s < statements.length; s++) {
    const { path, statement } = statements[s];
    if (typeof statement !== 'object' || statement === null || Array.isArray(statement)) continue;
    const record = statement as Record<string, unknown>;
    for (let k = 0; k < ACTION_KEYS.length; k++) {
      const { key, severity } = ACTION_KEYS[k];
      const element = record[key];
      // A string-or-array; a string's JSON path is made only for a problem (see elementPath).
      const values: readonly unknown[] =
        typeof element === 'string' ? [element] : Array.isArray(element) ? element : [];
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        if (typeof value !== 'string' || value === '*') continue;
        const verdict = patternVerdict(value, catalog, byPattern);
        // An invalid pattern is the parser's to report (checkDocument).
        if (!verdict.valid || (verdict.matchesAny && type !== 'rcp')) continue;
        const at = elementPath(path, key, element, i);
        const found = catalogProblem(value, verdict, record, key, severity, type, catalog, at);
        if (found) out.push(found);
      }
    }
  }
  return out;
}

/**
 * Service condition keys that no condition-key table of the reference lists (catalog/condition-keys.ts): AWS
 * never sends them, so a test of one gives the same answer to every request (absent-key.ts). A warning, not an error: the
 * statement is still read (as the evaluator reads it, with the key absent), and a key newer than the pinned data
 * is possible.
 */
function checkConditionKeysAgainstCatalog(document: unknown, catalog: Catalog): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  for (const { at, operator, key, values } of conditionTests(document)) {
    if (isKnownServiceConditionKey(key) !== false) continue;
    out.push(
      problem(
        at,
        `${JSON.stringify(key)} is not a condition key of ${key.slice(0, key.indexOf(':'))} in the AWS ` +
          `reference (${catalog.dataVersion}), so AWS never sends it and this ${operator} test is ` +
          `${absentKeyOutcome(operator, values)}${didYouMean(key, keySpellings(key))}`,
        'warning',
      ),
    );
  }
  return out;
}

/** One key tested by a statement's Condition block, with where it is written. */
interface ConditionTest {
  readonly at: readonly PathPart[];
  readonly effect: unknown;
  readonly operator: string;
  readonly key: string;
  readonly values: unknown;
}

/** Every key of every operator of every statement's Condition (blocks of another shape are the grammar's to report). */
function* conditionTests(document: unknown): Generator<ConditionTest> {
  for (const { path, statement } of rawStatements(document)) {
    const condition = (statement as { Condition?: unknown } | null)?.Condition;
    if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) continue;
    const effect = (statement as { Effect?: unknown }).Effect;
    for (const [operator, tests] of Object.entries(condition as Record<string, unknown>)) {
      if (typeof tests !== 'object' || tests === null || Array.isArray(tests)) continue;
      for (const [key, values] of Object.entries(tests as Record<string, unknown>)) {
        yield { at: [...path, 'Condition', operator, key], effect, operator, key, values };
      }
    }
  }
}

/**
 * `ForAllValues:` on a key a request carries at most once, in an Allow: the set operator's test is true for a
 * request without the key, so the Allow holds wherever the key is missing (an untagged resource, a request that
 * sends no such tag), which is seldom what the condition was written to require. A Deny written so applies
 * more widely, not less, and is left alone.
 */
function checkSetOperatorsOnSingleValuedKeys(document: unknown): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  for (const { at, effect, operator, key } of conditionTests(document)) {
    if (effect !== 'Allow' || !/^ForAllValues:/i.test(operator)) continue;
    if (!isSingleValuedGlobalKey(key) && isMultivaluedServiceConditionKey(key) !== false) continue;
    const plain = operator.slice(operator.indexOf(':') + 1);
    out.push(
      problem(
        at,
        `${operator} on ${key}, a key a request carries at most once: the test is true for a request ` +
          `without ${key}, so this Allow holds wherever it is missing (an untagged resource, a request ` +
          `that does not send it); write ${plain}, with a Null test of false if the key must be there`,
        'warning',
      ),
    );
  }
  return out;
}

/** The service's keys to suggest, a templated one (`rds:db-tag/${TagKey}`) with the tag key written. */
function keySpellings(key: string): string[] {
  // A global key written with a service's prefix (rds:ResourceTag/environment) is the likeliest meaning.
  const global = `aws:${key.slice(key.indexOf(':') + 1)}`;
  if (isGlobalConditionKey(global)) return [global];
  const slash = key.indexOf('/');
  const written = slash < 0 ? undefined : key.slice(slash + 1);
  return serviceConditionKeys(key).map((name) => {
    const filled = name.indexOf('/');
    return filled < 0 || written === undefined ? name : `${name.slice(0, filled + 1)}${written}`;
  });
}

/**
 * The problem, if any, of one action pattern that names no catalog action or sits in an RCP. Apart from
 * checkActionsAgainstCatalog's loop, which nearly every pattern leaves early: V8 compiles a small loop cheaply.
 */
function catalogProblem(
  value: string,
  verdict: PatternVerdict,
  statement: Record<string, unknown>,
  key: 'Action' | 'NotAction',
  severity: 'error' | 'warning',
  type: PolicyType,
  catalog: Catalog,
  at: readonly PathPart[],
): PolicyProblem | undefined {
  const service = value.slice(0, value.indexOf(':'));
  if (!verdict.knownService) {
    return problem(
      at,
      `unknown service prefix ${JSON.stringify(service)} in ${JSON.stringify(value)} ` +
        `(AWS action catalog ${catalog.dataVersion})${didYouMean(service, catalog.services)}`,
      severity,
    );
  }
  if (!verdict.matchesAny) {
    const consequence =
      key === 'NotAction'
        ? 'it exempts nothing'
        : statement.Effect === 'Deny'
          ? 'this Deny denies nothing'
          : 'it grants nothing';
    return problem(
      at,
      `${JSON.stringify(value)} matches no action of ${service} ` +
        `(AWS action catalog ${catalog.dataVersion}): ${consequence}${suggestAction(value, service, catalog)}`,
      severity,
    );
  }
  if (type === 'rcp' && !catalog.rcpServices.has(service.toLowerCase())) {
    return problem(
      at,
      `${service} does not support resource control policies: ${JSON.stringify(value)} has no effect in an RCP`,
    );
  }
  return undefined;
}

/**
 * Every problem of a policy as the given type: grammar and type rules (see parsePolicy), action patterns
 * that name unknown services or match no catalog action, services without RCP support in an RCP, and the
 * size against the type's quota.
 */
export function validatePolicy(
  input: unknown,
  type: PolicyType,
  catalog: Catalog,
  options: ValidateOptions = {},
): PolicyProblem[] {
  const decoded = decodePolicyInput(input);
  const where = options.where;
  const stamp = (problems: PolicyProblem[]) =>
    where === undefined ? problems : problems.map((p) => ({ ...p, where }));
  if (!decoded.ok) return stamp(decoded.problems);
  const problems = [
    ...decoded.problems,
    ...checkDocument(decoded.value, type, options.cache),
    ...checkActionsAgainstCatalog(decoded.value, type, catalog),
    ...checkConditionKeysAgainstCatalog(decoded.value, catalog),
    ...checkSetOperatorsOnSingleValuedKeys(decoded.value),
  ];
  const sizeKind = options.sizeKind === undefined ? DEFAULT_SIZE_KIND[type] : options.sizeKind;
  if (sizeKind) {
    const size = policySize(input, sizeKind);
    const limit = POLICY_SIZE_LIMITS[sizeKind];
    if (size > limit) {
      problems.push(
        problem(
          [],
          `policy is ${size.toLocaleString('en-US')} characters, over the ${limit.toLocaleString('en-US')} ` +
            `limit for ${SIZE_KIND_NAMES[sizeKind]}`,
        ),
      );
    }
  }
  return stamp(sortProblems(problems));
}
