// For any input, the policy parser and the template reader give a result or a clear problem: never a throw
// (the policy parser), never anything but an InputError naming the file (the template reader).
import fc from 'fast-check';
import { parsePolicy, salvagePolicy } from '../../lib/policy';
import { parseTemplateText } from '../../lib/check/template-file';
import { InputError } from '../../lib/util/read-input';

const KEYS = [
  'Version',
  'Statement',
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Principal',
  'NotPrincipal',
  'Condition',
  'AWS',
  'Service',
  'StringEquals',
  'Bool',
  'aws:ResourceTag/env',
  'Resources',
  'Type',
  'Properties',
  'Fn::Sub',
  'Ref',
];
const WORDS = [
  'Allow',
  'Deny',
  '*',
  's3:GetObject',
  'ec2:Delete*',
  '*:Delete*',
  'arn:aws:s3:::b/*',
  '2012-10-17',
  'sts:AssumeRole',
  '%7B',
  '{',
  'AWS::IAM::Role',
  '!Ref',
  '&a',
  '*a',
  '',
];

/** JSON-like values shaped like policies and templates, with every kind of wrong type mixed in. */
const policyLike = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(...WORDS),
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 5 }),
  ),
})).value;

const runs = { numRuns: 400, seed: 16 };

describe('fuzz', () => {
  it('parsePolicy and salvagePolicy return a result or problems for any value, object or text', () => {
    fc.assert(
      fc.property(
        policyLike,
        fc.constantFrom('identity', 'trust', 'resource', 'boundary', 'scp', 'rcp'),
        (value, type) => {
          for (const input of [value, JSON.stringify(value) ?? '', encodeURIComponent(JSON.stringify(value) ?? '')]) {
            const parsed = parsePolicy(input, { type: type as never });
            expect(typeof parsed.ok).toBe('boolean');
            const salvaged = salvagePolicy(input, { type: type as never });
            // Whatever cannot be read is accounted for: readable statements plus unreadable ones, or the whole.
            if (!parsed.ok) expect(salvaged.unreadable.length > 0 || salvaged.policy.statements.length > 0).toBe(true);
          }
        },
      ),
      runs,
    );
  });

  it('parsePolicy survives arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        expect(typeof parsePolicy(text).ok).toBe('boolean');
      }),
      runs,
    );
  });

  it('the template reader gives a template or an InputError naming the file, for JSON and YAML text', () => {
    const yamlish = fc
      .array(
        fc.tuple(fc.nat(6), fc.constantFrom(...KEYS), fc.constantFrom(...WORDS, '[', ']', '- ', ': ', '&x', '*x')),
        {
          maxLength: 12,
        },
      )
      .map((lines) => lines.map(([indent, key, word]) => `${' '.repeat(indent)}${key}: ${word}`).join('\n'));
    fc.assert(
      fc.property(
        fc.oneof(
          policyLike.map((v) => JSON.stringify(v) ?? ''),
          yamlish,
          fc.string({ maxLength: 120 }),
        ),
        (text) => {
          try {
            const template = parseTemplateText(text, 'fuzz.yaml');
            expect(typeof template.template.Resources).toBe('object');
          } catch (err) {
            expect(err).toBeInstanceOf(InputError);
            expect((err as Error).message).toContain('fuzz.yaml');
          }
        },
      ),
      runs,
    );
  });
});
