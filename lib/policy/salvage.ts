// Reading what can be read of a policy AWS would reject or that was damaged on the way (a statement with
// `"Action": 7`, `"Condition": null`): each statement that parses on its own is kept, with its position in
// the document, and each one that does not is returned as unreadable with its problems. The audit analyses
// the first and treats the second as the worst case, so one bad statement neither hides the rest of the
// policy nor lets the gate pass.
import { decodePolicyInput, parsePolicy, rawStatements, type ParseOptions } from './parse';
import { formatPath } from './problems';
import type { NormalizedPolicy, NormalizedStatement, PolicyProblem } from './types';

export interface UnreadableStatement {
  /** Position in the Statement list; undefined when the document as a whole cannot be read. */
  readonly index?: number;
  /** `Statement[2]`, `Statement`, or empty for the whole document. */
  readonly path: string;
  readonly problems: readonly PolicyProblem[];
}

export interface SalvagedPolicy {
  /** The readable statements, each with its index in the original document. */
  readonly policy: NormalizedPolicy;
  /** The decoded document (statements as written), or the input when it could not be decoded. */
  readonly document: unknown;
  readonly unreadable: readonly UnreadableStatement[];
  /** Every problem of the document (errors and warnings), as parsePolicy reports them. */
  readonly problems: readonly PolicyProblem[];
}

const salvaged = new WeakMap<object, Map<string, SalvagedPolicy>>();

/**
 * The readable part of a policy. A valid policy comes back whole with nothing unreadable. Otherwise each
 * statement is parsed alone (with the document's Version) and kept when it parses; problems of the document
 * itself (an unknown top-level key, no Statement, text that is not JSON) make all of it unreadable.
 */
export function salvagePolicy(input: unknown, options: ParseOptions = {}): SalvagedPolicy {
  const key = `${options.type ?? ''}|${options.where ?? ''}`;
  // Only documents a cache holder promised not to change are remembered (see PolicyParseCache).
  const cacheable = options.cache !== undefined && typeof input === 'object' && input !== null;
  const cached = cacheable ? salvaged.get(input)?.get(key) : undefined;
  if (cached) return cached;
  const result = salvageNow(input, options);
  if (cacheable) {
    let byKey = salvaged.get(input);
    if (!byKey) salvaged.set(input, (byKey = new Map()));
    byKey.set(key, result);
  }
  return result;
}

function salvageNow(input: unknown, options: ParseOptions): SalvagedPolicy {
  const parsed = parsePolicy(input, options);
  if (parsed.ok) {
    return { policy: parsed.policy, document: parsed.document, unreadable: [], problems: parsed.warnings };
  }
  const problems = parsed.problems;
  const decoded = decodePolicyInput(input);
  const document = decoded.ok ? decoded.value : input;
  const errors = problems.filter((p) => p.severity !== 'warning');
  const whole = (): SalvagedPolicy => ({
    policy: { statements: [] },
    document,
    unreadable: [{ path: '', problems: errors }],
    problems,
  });
  if (!decoded.ok) return whole();
  const statements = rawStatements(document);
  // Problems outside any statement (top-level keys, Statement itself) leave no statement we can trust.
  const documentLevel = errors.filter((p) => !/^Statement(\[\d+\])?(\.|\[|$)/.test(p.path) || p.path === 'Statement');
  if (
    statements.length === 0 ||
    (documentLevel.length > 0 && !Array.isArray((document as { Statement?: unknown }).Statement))
  ) {
    return whole();
  }
  const textErrors = decoded.problems.filter((p) => p.severity !== 'warning');
  const version = (document as { Version?: unknown }).Version;
  const readable: NormalizedStatement[] = [];
  const unreadable: UnreadableStatement[] = [];
  for (const { path, index, statement } of statements) {
    const alone = parsePolicy(
      { ...(typeof version === 'string' ? { Version: version } : {}), Statement: [statement] },
      { type: options.type, where: options.where },
    );
    const at = formatPath(path);
    // What only the text shows (a key given twice, which JSON.parse resolved to the last) is lost once the
    // statement is parsed alone: such a statement says two things, and neither can be trusted.
    const fromText = textErrors.filter(
      (p) => p.path === at || p.path.startsWith(`${at}.`) || p.path.startsWith(`${at}[`),
    );
    if (alone.ok && fromText.length === 0) {
      readable.push(...alone.policy.statements.map((s) => ({ ...s, index })));
      continue;
    }
    // The statement's own problems, with paths into the original document (Statement[0] → Statement[index]).
    const own = [
      ...fromText,
      ...(alone.ok ? [] : alone.problems)
        .filter((p) => p.severity !== 'warning')
        .map((p) => ({ ...p, path: p.path.replace(/^Statement(\[0\])?/, at) })),
    ];
    unreadable.push({ index, path: at, problems: own });
  }
  if (documentLevel.length > 0) unreadable.unshift({ path: '', problems: documentLevel });
  const version_ = typeof version === 'string' ? { version } : {};
  return { policy: { ...version_, statements: readable }, document, unreadable, problems };
}
