// Reports list findings worst first, then by principal, rule and message, in the collator's order
// (localeCompare). sortFindings ranks principals and rules once; it must give compareFindings' order.
import fc from 'fast-check';
import { compareFindings, sortFindings } from '../../../lib/audit/audit';
import { SEVERITIES, type Finding } from '../../../lib/audit/rules/types';

const findingArb = fc.record({
  severity: fc.constantFrom(...SEVERITIES),
  principalArn: fc.option(
    fc.constantFrom(
      'arn:aws:iam::111122223333:role/a',
      'arn:aws:iam::111122223333:role/B',
      'arn:aws:iam::111122223333:role/b',
      'arn:aws:iam::111122223333:role/a-b',
      'arn:aws:iam::111122223333:user/ä',
      'arn:aws:iam::111122223333:user/a\u0308',
    ),
    { nil: undefined },
  ),
  ruleId: fc.constantFrom('full-admin', 'can-delete-production', 'Full-admin', 'weak-boundary'),
  message: fc.constantFrom('x', 'X', 'y', 'é', 'e\u0301', 'can delete 2', 'can delete 10'),
});

const asFinding = (fields: {
  severity: Finding['severity'];
  principalArn?: string;
  ruleId: string;
  message: string;
}): Finding =>
  ({
    ...fields,
    category: 'over-broad',
    title: 't',
    evidence: [],
    details: {},
    remediation: 'r',
    docsUrl: 'u',
  }) as Finding;

describe('sortFindings', () => {
  it('puts findings in the order compareFindings gives', () => {
    fc.assert(
      fc.property(fc.array(findingArb, { maxLength: 60 }), (fields) => {
        const findings = fields.map(asFinding);
        const expected = [...findings]
          .sort(compareFindings)
          .map((f) => [f.severity, f.principalArn, f.ruleId, f.message]);
        const actual = sortFindings([...findings]).map((f) => [f.severity, f.principalArn, f.ruleId, f.message]);
        expect(actual).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('puts critical before high, then principals in collation order', () => {
    const sorted = sortFindings([
      asFinding({ severity: 'high', principalArn: 'arn:aws:iam::1:role/a', ruleId: 'r', message: 'm' }),
      asFinding({ severity: 'critical', principalArn: 'arn:aws:iam::1:role/b', ruleId: 'r', message: 'm' }),
      asFinding({ severity: 'critical', principalArn: 'arn:aws:iam::1:role/B', ruleId: 'r', message: 'm' }),
    ]);
    expect(sorted.map((f) => `${f.severity} ${f.principalArn}`)).toEqual([
      'critical arn:aws:iam::1:role/b',
      'critical arn:aws:iam::1:role/B',
      'high arn:aws:iam::1:role/a',
    ]);
  });
});
