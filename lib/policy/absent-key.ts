// What a condition answers when the request carries no value for its key (a key AWS never sends: misspelt, or
// of a service that does not have it). IAM's rules: a plain test fails; `...IfExists`, a negated test
// (StringNotEquals, NotIpAddress, ...) and `ForAllValues:` pass; `ForAnyValue:` fails; `Null` passes when it asks
// for `true`. So a misspelt key makes a Deny either never apply or apply to every request it names.

export type AbsentKeyOutcome = 'always true' | 'never true';

/** Negated operators, as IAM spells their base names (IfExists and set qualifiers stripped). */
const NEGATED = /^(StringNot|NumericNotEquals|DateNotEquals|NotIpAddress|ArnNot)/;

/** What `operator` (as written in a policy) answers for a key the request lacks; `values` are its policy values. */
export function absentKeyOutcome(operator: string, values: unknown): AbsentKeyOutcome {
  const colon = operator.indexOf(':');
  const qualifier = colon < 0 ? '' : operator.slice(0, colon);
  const base = colon < 0 ? operator : operator.slice(colon + 1);
  if (qualifier === 'ForAllValues') return 'always true';
  if (qualifier === 'ForAnyValue') return 'never true';
  if (base.endsWith('IfExists')) return 'always true';
  if (base === 'Null') {
    const asked = Array.isArray(values) ? values : [values];
    return asked.some((value) => String(value).toLowerCase() === 'true') ? 'always true' : 'never true';
  }
  return NEGATED.test(base) ? 'always true' : 'never true';
}
