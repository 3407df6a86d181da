// Parsing policy documents from objects, JSON text or the URL-encoded strings IAM APIs return, checking
// them against the grammar and the rules of each policy type, and normalising them for the evaluator.
import { checkActionPattern, actionMatches } from './action';
import { jsonNestingProblem, MAX_JSON_DEPTH, scanJson } from '../util/json-scan';
import { lineColumn } from '../util/read-input';
import { formatPath, problem, zodIssuesToProblems, type PathPart } from './problems';
import { CONDITION_OPERATORS, CONDITION_SET_OPERATORS, describeValue } from './grammar';
import type { PolicyDocument, PolicyStatementDocument, PrincipalDocument } from './schema';
import { wellFormedDocument } from './well-formed';
import { globalConditionKeyProblem } from './global-keys';
import type {
  NormalizedCondition,
  NormalizedPolicy,
  NormalizedStatement,
  ParseResult,
  PolicyProblem,
  PolicyType,
  PrincipalMap,
} from './types';

export interface ParseOptions {
  /** Apply the rules of this policy type as well as the grammar. */
  readonly type?: PolicyType;
  /** Recorded on every problem, e.g. the file name or policy ARN. */
  readonly where?: string;
  /**
   * Reuse the analysis of a document object this cache has seen (per policy type). Only for documents
   * that are never changed afterwards, such as an audit's snapshot: the result's `document` and `policy`
   * may then share parts with the input rather than copy them. @default no reuse
   */
  readonly cache?: PolicyParseCache;
}

export const CURRENT_POLICY_VERSION = '2012-10-17';
export const LEGACY_POLICY_VERSION = '2008-10-17';

/**
 * Actions a role trust policy may name (IAM User Guide, "Role trust policies" and the STS actions that act
 * on the session being created: tags, source identity, context for trusted identity propagation).
 */
export const TRUST_POLICY_ACTIONS: readonly string[] = [
  'sts:AssumeRole',
  'sts:AssumeRoleWithSAML',
  'sts:AssumeRoleWithWebIdentity',
  'sts:TagSession',
  'sts:SetSourceIdentity',
  'sts:SetContext',
];

const TYPE_NAMES: Record<PolicyType, string> = {
  identity: 'an identity policy',
  trust: 'a trust policy',
  resource: 'a resource policy',
  boundary: 'a permissions boundary',
  scp: 'an SCP',
  rcp: 'an RCP',
};

/** IAM accepts only letters and digits in a Sid; some resource policies (SQS, SNS) accept any string. */
const IAM_SID = /^[A-Za-z0-9]*$/;

/**
 * A decoded document, with the problems only the text shows (a key given twice, which JSON.parse silently
 * resolves by keeping the last), or why there is no document at all.
 */
export type DecodeResult =
  { ok: true; value: unknown; problems: PolicyProblem[] } | { ok: false; problems: PolicyProblem[] };

function jsonSyntaxProblem(text: string, error: Error): PolicyProblem {
  const offset = scanJson(text).errorOffset;
  const where =
    offset === undefined ? '' : (({ line, column }) => ` at line ${line}, column ${column}`)(lineColumn(text, offset));
  // Node's own wording, without the position and the echo of the text that some versions append.
  const reason = error.message
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/,? ?\(line \d+ column \d+\)$/, '')
    .replace(/, ".*" is not valid JSON$/s, '');
  return problem([], `invalid JSON${where}: ${reason}`);
}

/** Accepts an object, JSON text, or URL-encoded JSON text (as returned by GetPolicyVersion and friends). */
export function decodePolicyInput(input: unknown): DecodeResult {
  if (typeof input !== 'string') return { ok: true, value: input, problems: [] };
  let text = input;
  const trimmed = input.trim();
  const notes: PolicyProblem[] = [];
  if (/^%(25)*7b/i.test(trimmed)) {
    // Some exports encode the API's already URL-encoded text once more; read through up to three layers.
    let layers = 0;
    text = trimmed;
    while (/^%(25)*7b/i.test(text) && layers < 3) {
      try {
        text = decodeURIComponent(text).trim();
      } catch {
        return { ok: false, problems: [problem([], 'looks URL-encoded (starts with %7B) but does not decode')] };
      }
      layers++;
    }
    if (layers > 1) notes.push(problem([], `URL-encoded ${layers} times; read after decoding each layer`, 'warning'));
  } else if (!trimmed.startsWith('{') && trimmed.includes('%')) {
    try {
      const decoded = decodeURIComponent(trimmed);
      if (decoded.trimStart().startsWith('{')) text = decoded;
    } catch {
      // Not URL-encoded after all: JSON.parse reports what is wrong with the text.
    }
  }
  if (text.trim() === '') return { ok: false, problems: [problem([], 'policy document is empty')] };
  const nesting = jsonNestingProblem(text);
  if (nesting) {
    const { line, column } = lineColumn(text, nesting.offset);
    return {
      ok: false,
      problems: [problem([], `JSON nested more than ${MAX_JSON_DEPTH} levels deep at line ${line}, column ${column}`)],
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [jsonSyntaxProblem(text, err as Error)] };
  }
  const problems = scanJson(text).duplicateKeys.map(({ path, key }) =>
    problem([...path, key], `${key} is given more than once in the same object: only the last would count`),
  );
  return { ok: true, value, problems: [...notes, ...problems] };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function has(object: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key) && object[key] !== undefined;
}

/**
 * A document's statements as written: the `Statement` list, or the one statement given without a list
 * (`single`); none when the document is not an object or has no `Statement`.
 */
function statementList(document: unknown): { statements: readonly unknown[]; single: boolean } {
  const listed = isPlainObject(document) ? document.Statement : undefined;
  if (Array.isArray(listed)) return { statements: listed, single: false };
  return listed === undefined ? { statements: [], single: false } : { statements: [listed], single: true };
}

/** The raw statements with their JSON paths (`Statement` for a single object, `Statement[i]` otherwise). */
export function rawStatements(document: unknown): { path: PathPart[]; index: number; statement: unknown }[] {
  const { statements, single } = statementList(document);
  return statements.map((statement, index) => ({
    path: single ? ['Statement'] : ['Statement', index],
    index,
    statement,
  }));
}

/** Paths of the first statements by index, as rawStatements() gives them, made once: they are only read. */
const STATEMENT_PATHS: (readonly PathPart[])[] = [];
const SHARED_STATEMENT_PATHS = 256;
const SINGLE_STATEMENT_PATH: readonly PathPart[] = Object.freeze(['Statement']);

/** The JSON path of statement `index`: `Statement` for a single object, `Statement[index]` in a list. */
function statementPath(single: boolean, index: number): readonly PathPart[] {
  if (single) return SINGLE_STATEMENT_PATH;
  if (index >= SHARED_STATEMENT_PATHS) return ['Statement', index];
  return (STATEMENT_PATHS[index] ??= Object.freeze(['Statement', index]));
}

/** One string of a string-or-array element; its JSON path is built only when a problem names it. */
class ElementString {
  constructor(
    readonly value: string,
    private readonly base: readonly PathPart[],
    private readonly key: string,
    private readonly index?: number,
  ) {}

  get path(): PathPart[] {
    return this.index === undefined ? [...this.base, this.key] : [...this.base, this.key, this.index];
  }
}

/** Each string of a string-or-array element with its path; non-strings are left to the schema. */
export function elementStrings(
  statement: Record<string, unknown>,
  key: string,
  base: readonly PathPart[],
): { readonly path: PathPart[]; readonly value: string }[] {
  const value = statement[key];
  if (typeof value === 'string') return [new ElementString(value, base, key)];
  const out: ElementString[] = [];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'string') out.push(new ElementString(item, base, key, i));
    }
  }
  return out;
}

/**
 * Adds a problem for each string of a string-or-array element that `check` faults, in order; non-strings are
 * left to the schema. A string's JSON path is made only for a problem: an audit checks every action and
 * resource of thousands of statements, nearly all fine.
 */
function checkStrings(
  out: PolicyProblem[],
  statement: Record<string, unknown>,
  key: string,
  base: readonly PathPart[],
  check: (value: string) => string | undefined,
  severity: 'error' | 'warning' = 'error',
): void {
  const value = statement[key];
  if (typeof value === 'string') {
    const why = check(value);
    if (why) out.push(problem([...base, key], why, severity));
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== 'string') continue;
      const why = check(item);
      if (why) out.push(problem([...base, key, i], why, severity));
    }
  }
}

/**
 * Problem text for a Resource / NotResource value, or undefined when it is `*` or an ARN: `arn:` and six
 * colon-separated segments, or fewer when the last one ends in `*` (it then covers the rest).
 */
export function checkResourcePattern(value: string): string | undefined {
  if (value === '*') return undefined;
  if (!value.startsWith('arn:')) return `${JSON.stringify(value)} is not an ARN or "*"`;
  // Six segments are five colons; counted without splitting the ARN.
  let colons = 0;
  for (let at = value.indexOf(':'); at !== -1 && colons < 5; at = value.indexOf(':', at + 1)) colons++;
  if (colons < 5 && !value.endsWith('*')) {
    return (
      `${JSON.stringify(value)} is not a complete ARN: expected arn:partition:service:region:account:resource ` +
      `(or end it with "*")`
    );
  }
  return undefined;
}

/** Problem text for a condition operator, or undefined when IAM knows it. */
export function checkConditionOperator(operator: string): string | undefined {
  let rest = operator;
  for (const prefix of CONDITION_SET_OPERATORS) {
    if (rest.startsWith(`${prefix}:`)) {
      rest = rest.slice(prefix.length + 1);
      break;
    }
  }
  const ifExists = rest.endsWith('IfExists');
  const base = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  if ((CONDITION_OPERATORS as readonly string[]).includes(base)) {
    if (base === 'Null' && ifExists) return `"NullIfExists" is not a condition operator: Null already tests existence`;
    return undefined;
  }
  const near = CONDITION_OPERATORS.find((known) => known.toLowerCase() === base.toLowerCase());
  const hint = near ? `; did you mean ${JSON.stringify(operator.replace(base, near))}?` : '';
  return `unknown condition operator ${JSON.stringify(operator)}${hint}`;
}

/**
 * What a value of a Bool, Null or Numeric condition must look like, or undefined for other operators. AWS
 * compares a value of the wrong kind with nothing: a Deny conditioned on `"Bool": {"aws:SecureTransport":
 * "flase"}` never applies, and the guard it was meant to be disappears without a word. A policy variable is
 * left alone: its value is known only at request time.
 */
function expectedConditionValue(operator: string): { what: string; test: (text: string) => boolean } | undefined {
  const base = operator.replace(/^(ForAllValues|ForAnyValue):/, '').replace(/IfExists$/, '');
  if (base === 'Bool' || base === 'Null') {
    return { what: '"true" or "false"', test: (text) => /^\s*(true|false)\s*$/i.test(text) };
  }
  if (base.startsWith('Numeric')) {
    return { what: 'a number', test: (text) => /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(text) };
  }
  return undefined;
}

/** Adds a problem for each value of a Bool, Null or Numeric condition that can match nothing. */
function checkConditionValues(
  out: PolicyProblem[],
  operator: string,
  keys: Record<string, unknown>,
  path: readonly PathPart[],
): void {
  const expected = expectedConditionValue(operator);
  if (!expected) return;
  for (const key of Object.keys(keys)) {
    const value = keys[key];
    const values: unknown[] = Array.isArray(value) ? value : [value];
    for (let i = 0; i < values.length; i++) {
      const item = values[i];
      if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') continue;
      const text = String(item);
      if (text.includes('${') || expected.test(text)) continue;
      const where = Array.isArray(value) ? [...path, key, i] : [...path, key];
      out.push(
        problem(
          where,
          `${operator} expects ${expected.what}, got ${describeValue(item)}: AWS matches no request value with it`,
        ),
      );
    }
  }
}

function checkVersion(document: Record<string, unknown>): PolicyProblem[] {
  const version = document.Version;
  if (version === undefined) {
    return [
      problem(
        [],
        `Version is missing: AWS then applies "${LEGACY_POLICY_VERSION}", where policy variables such as ` +
          `\${aws:username} are plain text; add "Version": "${CURRENT_POLICY_VERSION}"`,
        'warning',
      ),
    ];
  }
  if (typeof version !== 'string' || version === CURRENT_POLICY_VERSION) return [];
  if (version === LEGACY_POLICY_VERSION) {
    return [
      problem(
        ['Version'],
        `"${LEGACY_POLICY_VERSION}" is the legacy policy language: policy variables such as \${aws:username} ` +
          `are plain text; use "${CURRENT_POLICY_VERSION}"`,
        'warning',
      ),
    ];
  }
  return [
    problem(
      ['Version'],
      `expected "${CURRENT_POLICY_VERSION}" (or the legacy "${LEGACY_POLICY_VERSION}"), got ${describeValue(version)}`,
    ),
  ];
}

/** `path` extended by `more`: made only for a problem. */
function pathTo(path: readonly PathPart[], ...more: PathPart[]): PathPart[] {
  return [...path, ...more];
}

/** A problem when the statement has both `a` and `b`. */
function checkBoth(
  out: PolicyProblem[],
  statement: Record<string, unknown>,
  path: readonly PathPart[],
  a: string,
  b: string,
): void {
  if (has(statement, a) && has(statement, b)) out.push(problem(path, `has both ${a} and ${b}: use one`));
}

const PRINCIPAL_ELEMENTS = ['Principal', 'NotPrincipal'] as const;

/**
 * Adds the problems of the rules between elements of one statement and of the policy type to `out`, in the
 * order found. Into the caller's list, with no helper closures: an audit checks thousands of statements.
 */
function checkStatement(
  out: PolicyProblem[],
  statement: Record<string, unknown>,
  path: readonly PathPart[],
  type: PolicyType | undefined,
): void {
  if (!has(statement, 'Action') && !has(statement, 'NotAction')) {
    out.push(problem(path, 'needs Action or NotAction'));
  }
  checkBoth(out, statement, path, 'Action', 'NotAction');
  checkBoth(out, statement, path, 'Resource', 'NotResource');
  checkBoth(out, statement, path, 'Principal', 'NotPrincipal');

  checkStrings(out, statement, 'Action', path, checkActionPattern);
  checkStrings(out, statement, 'NotAction', path, checkActionPattern);

  if (isPlainObject(statement.Condition)) {
    const operators = Object.keys(statement.Condition);
    for (let i = 0; i < operators.length; i++) {
      const operator = operators[i];
      const why = checkConditionOperator(operator);
      if (why) out.push(problem(pathTo(path, 'Condition', operator), why));
      // A `__proto__` key is lost on its way into an object (the schema's records drop it): the condition
      // would read as if it were not there, and a Deny it limits would seem to deny everything.
      const keys = statement.Condition[operator];
      if (isPlainObject(keys) && Object.prototype.hasOwnProperty.call(keys, '__proto__')) {
        out.push(
          problem(pathTo(path, 'Condition', operator, '__proto__'), 'a condition key "__proto__" cannot be read'),
        );
      }
      if (!why && isPlainObject(keys)) {
        checkConditionValues(out, operator, keys, pathTo(path, 'Condition', operator));
        for (const key of Object.keys(keys)) {
          const misspelt = globalConditionKeyProblem(key, operator, keys[key]);
          if (misspelt) out.push(problem(pathTo(path, 'Condition', operator, key), misspelt));
        }
      }
    }
  }

  for (let i = 0; i < PRINCIPAL_ELEMENTS.length; i++) {
    const key = PRINCIPAL_ELEMENTS[i];
    const principal = statement[key];
    if (Array.isArray(principal) && principal.length > 0 && principal.every((p) => p === '*')) {
      out.push(
        problem(pathTo(path, key), `read as "*" (everyone): IAM expects "${key}": "*" rather than a list`, 'warning'),
      );
    }
    if (isPlainObject(principal) && Object.keys(principal).length === 0) {
      out.push(problem(pathTo(path, key), 'must name at least one of AWS, Service, Federated or CanonicalUser'));
    }
  }

  const effect = statement.Effect;
  if (has(statement, 'NotPrincipal') && effect === 'Allow') {
    out.push(problem(pathTo(path, 'NotPrincipal'), 'NotPrincipal is supported only with "Effect": "Deny"'));
  }

  if (typeof statement.Sid === 'string' && type && type !== 'resource' && !IAM_SID.test(statement.Sid)) {
    // IAM documents and enforces this; for SCPs and RCPs we have no documented rule, so only warn.
    const severity = type === 'scp' || type === 'rcp' ? 'warning' : 'error';
    out.push(
      problem(
        pathTo(path, 'Sid'),
        `Sid ${JSON.stringify(statement.Sid)} may contain only letters and digits`,
        severity,
      ),
    );
  }

  if (type && type !== 'trust') {
    // IAM: "Resource ... must be in ARN format or "*"". Some services' resource policies take other forms.
    const severity = type === 'resource' ? 'warning' : 'error';
    checkStrings(out, statement, 'Resource', path, checkResourcePattern, severity);
    checkStrings(out, statement, 'NotResource', path, checkResourcePattern, severity);
  }

  if (type) checkTypeRules(out, statement, path, type);
}

/** A problem when the statement has `key`, which policies of `type` do not allow. */
function notAllowed(
  out: PolicyProblem[],
  statement: Record<string, unknown>,
  path: readonly PathPart[],
  type: PolicyType,
  key: string,
  why = '',
): void {
  if (has(statement, key)) out.push(problem([...path, key], `${key} is not allowed in ${TYPE_NAMES[type]}${why}`));
}

/** Adds the problems of the rules of the policy type to `out`, in the order found. */
function checkTypeRules(
  out: PolicyProblem[],
  statement: Record<string, unknown>,
  path: readonly PathPart[],
  type: PolicyType,
): void {
  const hasResource = has(statement, 'Resource') || has(statement, 'NotResource');
  switch (type) {
    case 'identity':
    case 'boundary':
      notAllowed(out, statement, path, type, 'Principal', ': the principal is whoever the policy is attached to');
      notAllowed(out, statement, path, type, 'NotPrincipal');
      if (!hasResource) out.push(problem(path, 'needs Resource or NotResource'));
      break;
    case 'scp':
      // Since September 2025 SCPs accept the full IAM language except the principal elements
      // (Organizations User Guide, "SCP syntax"; AWS Security Blog, "SCPs now support full IAM language").
      notAllowed(
        out,
        statement,
        path,
        type,
        'Principal',
        ': an SCP applies to every principal of the accounts it is attached to',
      );
      notAllowed(out, statement, path, type, 'NotPrincipal');
      if (!hasResource) out.push(problem(path, 'has no Resource: name the resources or use "*"', 'warning'));
      break;
    case 'trust':
      notAllowed(out, statement, path, type, 'Resource', ': the resource is the role itself');
      notAllowed(out, statement, path, type, 'NotResource', ': the resource is the role itself');
      notAllowed(out, statement, path, type, 'NotPrincipal');
      if (!has(statement, 'Principal')) out.push(problem(path, 'needs Principal: who may assume the role'));
      for (const element of elementStrings(statement, 'Action', path)) {
        const { value } = element;
        if (checkActionPattern(value)) continue;
        if (!TRUST_POLICY_ACTIONS.some((action) => actionMatches(value, action))) {
          out.push(
            problem(
              element.path,
              `${JSON.stringify(value)} is not allowed in a trust policy: expected sts:AssumeRole, ` +
                `sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity, sts:TagSession, sts:SetSourceIdentity ` +
                `or sts:SetContext`,
            ),
          );
        }
      }
      break;
    case 'resource':
      if (!has(statement, 'Principal') && !has(statement, 'NotPrincipal')) {
        out.push(problem(path, 'needs Principal or NotPrincipal: who the resource grants or denies access to'));
      }
      if (!hasResource) {
        // Some services' resource policies (ECR repositories) have no Resource element at all.
        out.push(problem(path, 'has no Resource or NotResource', 'warning'));
      }
      break;
    case 'rcp':
      // Organizations User Guide, "RCP syntax": Allow only in the AWS-managed RCPFullAWSAccess (whose one
      // statement allows "*" everything on every resource, and changes no decision); Principal must be "*";
      // neither NotPrincipal nor NotAction is among the supported elements.
      if (statement.Effect === 'Allow' && !isRcpFullAccessStatement(statement)) {
        out.push(
          problem(
            pathTo(path, 'Effect'),
            'an RCP may only Deny: "Allow" is reserved for the AWS-managed RCPFullAWSAccess policy',
          ),
        );
      }
      if (!has(statement, 'Principal')) {
        out.push(problem(path, 'needs "Principal": "*" (narrow principals with conditions instead)'));
      } else if (statement.Principal !== '*') {
        out.push(
          problem(
            pathTo(path, 'Principal'),
            `must be "*" in an RCP, got ${describeValue(statement.Principal)}: narrow principals with ` +
              `conditions such as aws:PrincipalOrgID or aws:PrincipalArn`,
          ),
        );
      }
      notAllowed(out, statement, path, type, 'NotPrincipal');
      notAllowed(out, statement, path, type, 'NotAction');
      if (!hasResource) out.push(problem(path, 'has no Resource: name the resources or use "*"', 'warning'));
      break;
  }
}

/** RCPFullAWSAccess's statement: Allow, Principal "*", Action "*", Resource "*", nothing else (a Sid aside). */
function isRcpFullAccessStatement(statement: Record<string, unknown>): boolean {
  const star = (value: unknown) => value === '*' || (Array.isArray(value) && value.length === 1 && value[0] === '*');
  const keys = Object.keys(statement).filter((key) => key !== 'Sid');
  return (
    keys.length === 4 &&
    statement.Effect === 'Allow' &&
    statement.Principal === '*' &&
    star(statement.Action) &&
    star(statement.Resource)
  );
}

function checkDuplicateSids(statements: readonly unknown[], single: boolean, type?: PolicyType): PolicyProblem[] {
  // IAM requires unique Sids; other services' resource policies are not all documented to, so only warn there.
  const severity = type === 'resource' ? 'warning' : 'error';
  // Made for the first Sid: many documents have none.
  let seen: Map<string, string> | undefined;
  const out: PolicyProblem[] = [];
  for (let i = 0; i < statements.length; i++) {
    const statement = statements[i];
    if (!isPlainObject(statement) || typeof statement.Sid !== 'string' || statement.Sid === '') continue;
    const path = statementPath(single, i);
    seen ??= new Map();
    const first = seen.get(statement.Sid);
    if (first !== undefined) {
      out.push(
        problem([...path, 'Sid'], `duplicate Sid ${JSON.stringify(statement.Sid)}, first used at ${first}`, severity),
      );
    } else {
      seen.set(statement.Sid, formatPath(path));
    }
  }
  return out;
}

/** Grammar and type-rule problems of a decoded document, zod issues and our own checks together. */
export function checkDocument(document: unknown, type?: PolicyType, cache?: PolicyParseCache): PolicyProblem[] {
  return [...analyseDocument(document, type, cache).problems];
}

interface DocumentAnalysis {
  readonly problems: readonly PolicyProblem[];
  readonly data?: PolicyDocument;
  normalized?: NormalizedPolicy;
}

/**
 * Analyses of document objects already seen, by policy type. An audit asks about the same document many
 * times (the evaluator, the statement rules, the validator), and one managed policy serves thousands of
 * principals. Whoever makes a cache promises that the documents it sees are not changed afterwards.
 */
export class PolicyParseCache {
  readonly analyses = new WeakMap<object, Map<PolicyType | '', DocumentAnalysis>>();
  /**
   * The same analyses by document text (JSON), for trust policies that JSON holds exactly: a trust policy
   * is a separate object per role, most roles of an account trust alike (10,000 generated roles hold 1,103
   * distinct ones), and an analysis depends on nothing but the document's content.
   */
  readonly byContent = new Map<string, Map<PolicyType | '', DocumentAnalysis>>();
}

/** Whether JSON text says all there is to the value: no undefined, functions, non-finite numbers or class instances. */
function jsonExact(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(jsonExact);
      const prototype = Object.getPrototypeOf(value) as unknown;
      if (prototype !== Object.prototype && prototype !== null) return false;
      for (const key in value) if (!jsonExact((value as Record<string, unknown>)[key])) return false;
      return true;
    }
    default:
      return false;
  }
}

function analyseDocument(document: unknown, type?: PolicyType, cache?: PolicyParseCache): DocumentAnalysis {
  if (!cache || typeof document !== 'object' || document === null) return analyseDocumentNow(document, type, false);
  let byType = cache.analyses.get(document);
  if (!byType) {
    // By content only for trust policies, which repeat role after role: for other documents, which rarely
    // repeat in separate objects, writing the key costs about as much as the analysis it would save.
    if (type === 'trust' && jsonExact(document)) {
      const content = JSON.stringify(document);
      byType = cache.byContent.get(content);
      if (!byType) {
        byType = new Map();
        cache.byContent.set(content, byType);
      }
    } else byType = new Map();
    cache.analyses.set(document, byType);
  }
  let analysis = byType.get(type ?? '');
  if (!analysis) {
    // The cache's holder promises the document is never changed: its parts can serve as their own copies.
    analysis = analyseDocumentNow(document, type, true);
    byType.set(type ?? '', analysis);
  }
  return analysis;
}

/** The zod schema, loaded for the first document the fast path leaves to it: checking a valid policy never loads zod. */
function documentSchema(): (typeof import('./schema'))['PolicyDocumentSchema'] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, see above
  return (require('./schema') as typeof import('./schema')).PolicyDocumentSchema;
}

function analyseDocumentNow(document: unknown, type: PolicyType | undefined, reuse: boolean): DocumentAnalysis {
  // Reporting inputs (for "got ..." in messages) costs about as much again, so only a failed parse pays it.
  const fast = wellFormedDocument(document, reuse);
  const parsed = fast ? { success: true as const, data: fast } : documentSchema().safeParse(document);
  const problems = parsed.success
    ? []
    : zodIssuesToProblems(documentSchema().safeParse(document, { reportInput: true }).error?.issues ?? []);
  if (isPlainObject(document)) problems.push(...checkVersion(document));
  // The statements without an object and a path per statement (as rawStatements() makes them): a path is
  // only read to name a problem, and nearly every statement has none.
  const { statements, single } = statementList(document);
  // Indexed loops here and below: these functions run thousands of times, often before they are optimised,
  // and for…of then makes an iterator result per item.
  for (let i = 0; i < statements.length; i++) {
    const statement = statements[i];
    if (isPlainObject(statement)) checkStatement(problems, statement, statementPath(single, i), type);
  }
  problems.push(...checkDuplicateSids(statements, single, type));
  // One shape whatever the outcome: `normalized` is filled in later, on the first successful parse.
  return { problems: sortProblems(problems), data: parsed.success ? parsed.data : undefined, normalized: undefined };
}

/** Document-level problems first, then by statement, keeping each statement's problems in order found. */
export function sortProblems(problems: readonly PolicyProblem[]): PolicyProblem[] {
  // Most documents have no problem at all: nothing to order.
  if (problems.length < 2) return [...problems];
  const rank = (path: string) => {
    const match = /^Statement(?:\[(\d+)\])?/.exec(path);
    return match ? Number(match[1] ?? 0) : -1;
  };
  return problems
    .map((p, order) => ({ p, order, rank: rank(p.path) }))
    .sort((a, b) => a.rank - b.rank || a.order - b.order)
    .map(({ p }) => p);
}

/**
 * A string-or-array as an array: a copy, or with `share` the array itself (for a document the cache's holder
 * promises never to change: the audit keeps the document and the normalised form, and one array serves both).
 */
function toArray(value: string | readonly string[] | undefined, share: boolean): readonly string[] | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? [value] : share ? value : [...value];
}

function normalizePrincipal(principal: PrincipalDocument | undefined, share: boolean): PrincipalMap | undefined {
  if (principal === undefined) return undefined;
  if (principal === '*' || Array.isArray(principal)) return { AWS: ['*'] };
  const map: Record<string, readonly string[]> = {};
  for (const [kind, value] of Object.entries(principal)) {
    if (value !== undefined) map[kind] = toArray(value, share) ?? [];
  }
  return map;
}

export function normalizeConditions(condition: PolicyStatementDocument['Condition']): NormalizedCondition[] {
  const out: NormalizedCondition[] = [];
  // Most statements have no condition: no entries of an empty object to make.
  if (condition === undefined) return out;
  const operators = Object.keys(condition);
  for (let o = 0; o < operators.length; o++) {
    const operator = operators[o];
    const entries = condition[operator];
    let rest = operator;
    let setOperator: NormalizedCondition['setOperator'];
    for (let p = 0; p < CONDITION_SET_OPERATORS.length; p++) {
      const prefix = CONDITION_SET_OPERATORS[p];
      // `${prefix}:` without making that string for every operator.
      if (rest.startsWith(prefix) && rest.charCodeAt(prefix.length) === 0x3a) {
        setOperator = prefix;
        rest = rest.slice(prefix.length + 1);
      }
    }
    const ifExists = rest.endsWith('IfExists');
    const baseOperator = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
    const keys = Object.keys(entries);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      const value = entries[key];
      const values = (Array.isArray(value) ? value : [value]).map((v) => String(v));
      // Every condition has the same fields (setOperator undefined when absent): one shape for its readers.
      out.push({ operator, baseOperator, ifExists, setOperator, key, values });
    }
  }
  return out;
}

/**
 * Every statement has the same fields in the same order, absent ones undefined: the evaluator and the rules
 * read thousands of them, and one shape keeps their code from being deoptimised and compiled again.
 */
function normalizeStatement(statement: PolicyStatementDocument, index: number, share: boolean): NormalizedStatement {
  return {
    index,
    sid: statement.Sid,
    effect: statement.Effect,
    actions: toArray(statement.Action, share),
    notActions: toArray(statement.NotAction, share),
    resources: toArray(statement.Resource, share),
    notResources: toArray(statement.NotResource, share),
    principals: normalizePrincipal(statement.Principal, share),
    notPrincipals: normalizePrincipal(statement.NotPrincipal, share),
    conditions: normalizeConditions(statement.Condition),
  };
}

/** The normalised form: every string-or-array an array, a single statement a list of one, `"*"` principals expanded. */
export function normalizePolicy(document: PolicyDocument): NormalizedPolicy {
  return normalize(document, false);
}

/** normalizePolicy(); with `share`, for a document of the parser's own, its arrays are used rather than copied. */
function normalize(document: PolicyDocument, share: boolean): NormalizedPolicy {
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return {
    ...(document.Version === undefined ? {} : { version: document.Version }),
    ...(document.Id === undefined ? {} : { id: document.Id }),
    statements: statements.map((statement, index) => normalizeStatement(statement, index, share)),
  };
}

const isError = (p: PolicyProblem) => p.severity !== 'warning';
/** The text problems of a document given as an object: none (only read, never returned). */
const NO_TEXT_PROBLEMS: readonly PolicyProblem[] = Object.freeze([]);

function withWhere(problems: readonly PolicyProblem[], where: string | undefined): PolicyProblem[] {
  return where === undefined ? [...problems] : problems.map((p) => ({ ...p, where }));
}

/**
 * Parses a policy document. Every problem is reported with its JSON path, never just the first, and
 * nothing is silently repaired; warnings (legacy Version, ...) do not make a document invalid.
 */
export function parsePolicy(input: unknown, options: ParseOptions = {}): ParseResult {
  // A document given as an object (every document of an audit, thousands) has no text to decode.
  let value = input;
  let textProblems = NO_TEXT_PROBLEMS;
  if (typeof input === 'string') {
    const decoded = decodePolicyInput(input);
    if (!decoded.ok) return { ok: false, problems: withWhere(decoded.problems, options.where) };
    value = decoded.value;
    textProblems = decoded.problems;
  }
  const analysis = analyseDocument(value, options.type, options.cache);
  // The analysis's problems are sorted already; only the text's own (duplicate keys) need merging in.
  const problems =
    textProblems.length === 0 ? analysis.problems : sortProblems([...textProblems, ...analysis.problems]);
  if (problems.some(isError) || !analysis.data) {
    return { ok: false, problems: withWhere(problems, options.where) };
  }
  return {
    ok: true,
    // With a cache the document is never changed (ParseOptions.cache), so the normalised form may share its arrays.
    policy: (analysis.normalized ??= normalize(analysis.data, options.cache !== undefined)),
    document: analysis.data,
    warnings: withWhere(problems, options.where),
  };
}

/**
 * A best guess at a document's type when nobody said: statements with a principal are a trust policy when
 * they only name role-assumption actions and no resources, otherwise a resource policy; without principals,
 * an identity policy. SCPs, RCPs and boundaries look like identity or resource policies and must be named.
 */
export function guessPolicyType(document: unknown): PolicyType {
  const statements = rawStatements(document)
    .map(({ statement }) => statement)
    .filter(isPlainObject);
  const withPrincipal = statements.filter((s) => has(s, 'Principal') || has(s, 'NotPrincipal'));
  if (withPrincipal.length === 0) return 'identity';
  const trustLike = statements.every(
    (s) =>
      !has(s, 'Resource') &&
      !has(s, 'NotResource') &&
      elementStrings(s, 'Action', []).length > 0 &&
      elementStrings(s, 'Action', []).every(({ value }) =>
        TRUST_POLICY_ACTIONS.some((action) => actionMatches(value, action)),
      ),
  );
  return trustLike ? 'trust' : 'resource';
}
