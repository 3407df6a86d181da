// Full validation of one policy: grammar, policy-type rules, actions against the catalog, and size.
import type { Catalog } from '../catalog/types';
import { checkActionPattern, expandActionPattern } from './action';
import {
  checkDocument,
  decodePolicyInput,
  elementStrings,
  rawStatements,
  sortProblems,
  type PolicyParseCache,
} from './parse';
import { didYouMean, nearest } from '../util/edit-distance';
import { problem } from './problems';
import { POLICY_SIZE_LIMITS, policySize, type PolicySizeKind } from './size';
import type { PolicyProblem, PolicyType } from './types';

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

/** What the catalog says of one action pattern: a known service, and whether the pattern names any action. */
interface PatternVerdict {
  readonly knownService: boolean;
  readonly matchesAny: boolean;
}

/** Verdicts per catalog and lower-cased pattern: an account repeats the same patterns in thousands of policies. */
const verdicts = new WeakMap<Catalog, Map<string, PatternVerdict>>();

function patternVerdict(pattern: string, service: string, catalog: Catalog): PatternVerdict {
  let byPattern = verdicts.get(catalog);
  if (!byPattern) {
    byPattern = new Map();
    verdicts.set(catalog, byPattern);
  }
  const key = pattern.toLowerCase();
  let verdict = byPattern.get(key);
  if (!verdict) {
    const knownService = catalog.hasService(service);
    verdict = { knownService, matchesAny: knownService && expandActionPattern(pattern, catalog).length > 0 };
    byPattern.set(key, verdict);
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

function checkActionsAgainstCatalog(document: unknown, type: PolicyType, catalog: Catalog): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  for (const { path, statement } of rawStatements(document)) {
    if (typeof statement !== 'object' || statement === null || Array.isArray(statement)) continue;
    const record = statement as Record<string, unknown>;
    const deny = record.Effect === 'Deny';
    for (const key of ['Action', 'NotAction'] as const) {
      // An unknown name under Action makes the statement do less than it says (a Deny silently misses);
      // under NotAction it only fails to exempt, so it is a warning there.
      const severity = key === 'Action' ? 'error' : 'warning';
      for (const element of elementStrings(record, key, path)) {
        const { value } = element;
        if (value === '*' || checkActionPattern(value)) continue;
        const service = value.slice(0, value.indexOf(':'));
        const verdict = patternVerdict(value, service, catalog);
        if (!verdict.knownService) {
          out.push(
            problem(
              element.path,
              `unknown service prefix ${JSON.stringify(service)} in ${JSON.stringify(value)} ` +
                `(AWS action catalog ${catalog.dataVersion})${didYouMean(service, catalog.services)}`,
              severity,
            ),
          );
          continue;
        }
        if (!verdict.matchesAny) {
          const consequence =
            key === 'NotAction' ? 'it exempts nothing' : deny ? 'this Deny denies nothing' : 'it grants nothing';
          out.push(
            problem(
              element.path,
              `${JSON.stringify(value)} matches no action of ${service} ` +
                `(AWS action catalog ${catalog.dataVersion}): ${consequence}${suggestAction(value, service, catalog)}`,
              severity,
            ),
          );
          continue;
        }
        if (type === 'rcp' && !catalog.rcpServices.has(service.toLowerCase())) {
          out.push(
            problem(
              element.path,
              `${service} does not support resource control policies: ${JSON.stringify(value)} has no effect in an RCP`,
            ),
          );
        }
      }
    }
  }
  return out;
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
