// Property-based specifications of the matchers, expansion and size functions (fast-check).
import fc from 'fast-check';
import { loadCatalog } from '../../lib/catalog';
import { scanJson } from '../../lib/util/json-scan';
import {
  actionMatches,
  compileActionMatcher,
  compileResourceMatcher,
  expandActionPattern,
  expandActionPatterns,
  minifyPolicy,
  parsePolicy,
  policySize,
  resourceMatches,
  wildcardMatch,
  type PolicySizeKind,
} from '../../lib/policy';
import { wildcardMatchesLonger } from '../../lib/policy/wildcard';
import { sweepStride } from '../support/sweep';

const catalog = loadCatalog();
const actionNames = catalog.actions.map((a) => a.action);

/** Oracle for wildcardMatch: the textbook regular expression translation. */
function regexMatch(pattern: string, text: string): boolean {
  const source = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(text);
}

/** Randomly flips the case of each letter. */
const recase = (text: string) =>
  fc
    .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
    .map((flips) => text.replace(/./g, (ch, i: number) => (flips[i] ? ch.toUpperCase() : ch.toLowerCase())));

/**
 * An action pattern made from a real action name: a stretch of the name replaced by `*`, some characters
 * by `?`, letters re-cased; now and then the whole pattern is `*` or the service's `*`.
 */
const actionPattern = fc
  .tuple(
    fc.constantFrom(...actionNames),
    fc.nat(),
    fc.nat(),
    fc.array(fc.nat(), { maxLength: 2 }),
    fc.constantFrom('name', 'name', 'name', 'name', 'service', 'all'),
  )
  .chain(([action, a, b, questions, shape]) => {
    const colon = action.indexOf(':');
    const service = action.slice(0, colon);
    if (shape === 'all') return fc.constant('*');
    if (shape === 'service') return fc.constant(`${service}:*`);
    let name = action.slice(colon + 1);
    const start = a % (name.length + 1);
    const end = start + (b % (name.length - start + 1));
    name = `${name.slice(0, start)}*${name.slice(end)}`;
    for (const q of questions) {
      const i = q % name.length;
      if (name[i] !== '*') name = `${name.slice(0, i)}?${name.slice(i + 1)}`;
    }
    return recase(`${service}:${name}`);
  });

describe('wildcardMatch', () => {
  it('agrees with a regular-expression oracle', () => {
    const alphabet = fc.constantFrom('a', 'b', ':', '/', '*', '?');
    const text = fc.constantFrom('a', 'b', ':', '/');
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 8 }), fc.string({ unit: text, maxLength: 10 }), (p, t) => {
        expect(wildcardMatch(p, t)).toBe(regexMatch(p, t));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('wildcardMatchesLonger', () => {
  it('agrees with a search for a text that begins with the prefix and has one character or more after it', () => {
    // Every suffix over the patterns' own letters up to one longer than the pattern: a witness, if any, is there.
    const suffixes: string[] = [''];
    for (let length = 1; length <= 7; length++) {
      for (const tail of suffixes.filter((s) => s.length === length - 1))
        for (const ch of 'ab/') suffixes.push(tail + ch);
    }
    const alphabet = fc.constantFrom('a', 'b', '/', '*', '?');
    fc.assert(
      fc.property(
        fc.string({ unit: alphabet, maxLength: 6 }),
        fc.string({ unit: fc.constantFrom('a', 'b', '/'), maxLength: 5 }),
        (pattern, prefix) => {
          const oracle = suffixes.some((suffix) => suffix.length > 0 && regexMatch(pattern, prefix + suffix));
          expect(wildcardMatchesLonger(pattern, prefix)).toBe(oracle);
        },
      ),
      { numRuns: 300 },
    );
    expect(wildcardMatchesLonger('arn:aws:sts::1:assumed-role/*/*', 'arn:aws:sts::1:assumed-role/x/')).toBe(true);
    expect(wildcardMatchesLonger('arn:aws:sts::1:assumed-role/y/*', 'arn:aws:sts::1:assumed-role/x/')).toBe(false);
    // Nothing after the prefix is no session name.
    expect(wildcardMatchesLonger('arn:aws:sts::1:assumed-role/x/', 'arn:aws:sts::1:assumed-role/x/')).toBe(false);
  });
});

describe('scanJson', () => {
  it('finds no error in any valid JSON, and one exactly where JSON.parse fails for a damaged text', () => {
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.constantFrom('', '}', ']', ',', '"', ':', 'x'), (text, at, damage) => {
        expect(scanJson(text)).toEqual({ duplicateKeys: [] });
        const i = at % (text.length + 1);
        const damaged = `${text.slice(0, i)}${damage}${text.slice(i + (damage === '' ? 1 : 0))}`;
        let valid = true;
        try {
          JSON.parse(damaged);
        } catch {
          valid = false;
        }
        expect(scanJson(damaged).errorOffset === undefined).toBe(valid);
      }),
      { numRuns: 500 },
    );
  });
});

describe('action patterns', () => {
  it('expandActionPattern returns exactly the catalog actions that actionMatches accepts', () => {
    fc.assert(
      fc.property(actionPattern, (pattern) => {
        const expanded = expandActionPattern(pattern, catalog).map((a) => a.action);
        const matching = actionNames.filter((action) => actionMatches(pattern, action));
        expect(new Set(expanded)).toEqual(new Set(matching));
        expect(expanded).toHaveLength(matching.length);
      }),
      { numRuns: 100 },
    );
  });

  it('match case-insensitively', () => {
    fc.assert(
      fc.property(
        actionPattern.chain((p) => fc.tuple(fc.constant(p), recase(p))),
        fc.constantFrom(...actionNames).chain((a) => fc.tuple(fc.constant(a), recase(a))),
        ([pattern, recasedPattern], [action, recasedAction]) => {
          expect(actionMatches(recasedPattern, recasedAction)).toBe(actionMatches(pattern, action));
        },
      ),
      { numRuns: 500 },
    );
  });

  // allow-with-not-action counts what a NotAction leaves from this expansion, so it must name exactly the
  // actions the matcher excludes, for lists holding patterns AWS rejects too (they still reach the audit).
  it('expandActionPatterns names exactly the catalog actions a compiled matcher accepts, irregular patterns included', () => {
    const irregular = fc.constantFrom(
      '*:Delete*',
      'ec*:Describe*',
      '*:*',
      '*Delete*',
      '?3:GetObject',
      's3GetObject',
      's3:Get:Object',
      's3:',
      ':GetObject',
      ' s3:GetObject',
      'S3:*',
      'IAM:pass?ole',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(actionPattern, irregular), { minLength: 1, maxLength: 6 }), (patterns) => {
        const matcher = compileActionMatcher(patterns);
        const expanded = expandActionPatterns(patterns, catalog);
        expect(new Set(expanded.map((a) => a.action))).toEqual(new Set(actionNames.filter((a) => matcher(a))));
        expect(new Set(expanded).size).toBe(expanded.length);
      }),
      // Half the pattern lists in npm test (all with SWEEP_STRIDE=1, npm run prove:sweeps).
      { numRuns: Math.ceil(120 / sweepStride(2)) },
    );
  });

  it('a compiled matcher answers like the naive one', () => {
    const probe = fc.oneof(
      fc.constantFrom(...actionNames),
      actionPattern.map((p) => p.replace(/[*?]/g, 'x')),
    );
    fc.assert(
      fc.property(
        fc.array(actionPattern, { maxLength: 30 }),
        fc.array(probe, { minLength: 1, maxLength: 50 }),
        (patterns, actions) => {
          const compiled = compileActionMatcher(patterns);
          for (const action of actions) {
            expect(compiled(action)).toBe(patterns.some((p) => actionMatches(p, action)));
            expect(compiled(action)).toBe(compiled(action)); // the remembered answer is the same answer
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

// ARNs from a small alphabet so that random patterns and ARNs meet often.
const segment = fc.string({ unit: fc.constantFrom('a', 'B', '1', '-'), maxLength: 3 });
const resourcePart = fc.string({ unit: fc.constantFrom('a', 'B', '/', ':', '-'), maxLength: 6 });
const arn = fc
  .tuple(fc.constantFrom('aws', 'aws-cn'), fc.constantFrom('s3', 'ec2', 'iam'), segment, segment, resourcePart)
  .map(
    ([partition, service, region, account, resource]) => `arn:${partition}:${service}:${region}:${account}:${resource}`,
  );
/** A pattern derived from an ARN: some characters replaced by `*` or `?`, sometimes cut short after a `*`. */
const resourcePattern = fc
  .tuple(arn, fc.array(fc.tuple(fc.nat(), fc.constantFrom('*', '?')), { maxLength: 3 }), fc.boolean(), fc.nat())
  .map(([value, edits, cut, at]) => {
    let pattern = value;
    for (const [i, wildcard] of edits) {
      const index = i % pattern.length;
      pattern = `${pattern.slice(0, index)}${wildcard}${pattern.slice(index + 1)}`;
    }
    if (cut) {
      const index = at % pattern.length;
      pattern = `${pattern.slice(0, index)}*`;
    }
    return pattern;
  });

describe('resource patterns', () => {
  it('match case-sensitively: flipping the case of a letter in a literal ARN stops the match', () => {
    fc.assert(
      fc.property(arn, fc.nat(), (value, at) => {
        expect(resourceMatches(value, value)).toBe(true);
        const letters = [...value].map((ch, i) => (/[a-zA-Z]/.test(ch) ? i : -1)).filter((i) => i >= 0);
        const i = letters[at % letters.length];
        const ch = value[i];
        const flipped = ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
        expect(resourceMatches(`${value.slice(0, i)}${flipped}${value.slice(i + 1)}`, value)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('a pattern made from an ARN by replacing characters with wildcards still matches that ARN', () => {
    fc.assert(
      fc.property(arn, fc.array(fc.nat(), { maxLength: 3 }), (value, positions) => {
        let pattern = value;
        for (const p of positions) {
          const i = p % pattern.length;
          if (pattern[i] !== ':') pattern = `${pattern.slice(0, i)}?${pattern.slice(i + 1)}`;
        }
        expect(resourceMatches(pattern, value)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('a compiled matcher answers like the naive one', () => {
    fc.assert(
      fc.property(
        fc.array(resourcePattern, { maxLength: 20 }),
        fc.array(fc.oneof(arn, fc.constant('*'), segment), { minLength: 1, maxLength: 30 }),
        (patterns, arns) => {
          const compiled = compileResourceMatcher(patterns);
          for (const value of arns) {
            expect([value, compiled(value)]).toEqual([value, patterns.some((p) => resourceMatches(p, value))]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

// Random valid policy documents, written with every string-or-array choice and odd characters in values.
const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '"', '\\', '/', 'é', '\n', '*'), maxLength: 8 });
const stringOrArray = (value: fc.Arbitrary<string>) => fc.oneof(value, fc.array(value, { minLength: 1, maxLength: 3 }));
const statement = fc.record(
  {
    Sid: fc.string({ unit: fc.constantFrom('A', 'b', '1'), maxLength: 6 }),
    Effect: fc.constantFrom('Allow', 'Deny'),
    Action: stringOrArray(fc.constantFrom(...actionNames.slice(0, 500), 'ec2:Delete*', '*')),
    Resource: stringOrArray(fc.oneof(fc.constant('*'), arn)),
    Condition: fc.dictionary(
      fc.constantFrom('StringEquals', 'ForAnyValue:StringLike', 'BoolIfExists', 'NumericLessThan'),
      fc.dictionary(fc.constantFrom('aws:ResourceTag/env', 'aws:TagKeys', 'k'), stringOrArray(text), {
        minKeys: 1,
        maxKeys: 2,
      }),
      { maxKeys: 2 },
    ),
  },
  { requiredKeys: ['Effect', 'Action', 'Resource'] },
);
const policyDocument = fc.record({
  Version: fc.constant('2012-10-17'),
  Statement: fc.oneof(statement, fc.array(statement, { minLength: 1, maxLength: 4 })),
});

const KINDS: PolicySizeKind[] = ['scp', 'rcp', 'managed', 'inlineRole', 'inlineUser', 'inlineGroup', 'trust'];

describe('minifyPolicy and policySize', () => {
  it('minifying is lossless: the minified text parses to the same document and policy', () => {
    fc.assert(
      fc.property(policyDocument, fc.constantFrom(0, 2, '\t'), (document, indent) => {
        const pretty = JSON.stringify(document, null, indent);
        const minified = minifyPolicy(pretty);
        expect(JSON.parse(minified)).toEqual(document);
        const fromMinified = parsePolicy(minified);
        const fromObject = parsePolicy(document);
        expect(fromMinified.ok).toBe(fromObject.ok);
        if (!fromObject.ok) return; // duplicate random Sids: both failed alike
        expect(fromMinified.ok && fromMinified.policy).toEqual(fromObject.policy);
      }),
      { numRuns: 200 },
    );
  });

  it('the minified size is never above the pretty size, and equal for IAM quotas', () => {
    fc.assert(
      fc.property(policyDocument, fc.constantFrom(2, 4, '\t'), fc.constantFrom(...KINDS), (document, indent, kind) => {
        const pretty = JSON.stringify(document, null, indent);
        const minified = minifyPolicy(pretty);
        expect(policySize(minified, kind)).toBeLessThanOrEqual(policySize(pretty, kind));
        if (kind !== 'scp' && kind !== 'rcp') expect(policySize(minified, kind)).toBe(policySize(pretty, kind));
        expect(policySize(document, kind)).toBe(Buffer.byteLength(minified, 'utf8'));
      }),
      { numRuns: 300 },
    );
  });
});
