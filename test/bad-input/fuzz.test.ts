// For any input, the policy parser and the template reader give a result or a clear problem: never a throw
// (the policy parser), never anything but an InputError naming the file (the template reader).
import fc from 'fast-check';
import { parsePolicy, salvagePolicy } from '../../lib/policy';
import { checkStacks } from '../../lib/check/check';
import { parseTemplateText } from '../../lib/check/template-file';
import { LeashConfig } from '../../lib/config/schema';
import { InputError } from '../../lib/util/read-input';
import { catalog, now, stack } from '../check/gate-helpers';
import { sweepStride } from '../support/sweep';

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
  it('Fn::ForEach loops of any shape are written out or refused with an InputError naming the file', () => {
    const loopish = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom('${N}', '&{N}', 'x${M}y', '${AWS::Region}', 'N', 'M', 'constructor'),
        fc.string({ maxLength: 6 }),
        fc.integer(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(
          fc.constantFrom('Ref', 'Fn::Sub', 'Fn::FindInMap', 'Fn::ForEach::L', '${N}K', '&{M}', 'Type', 'T'),
          tie('value'),
          { maxKeys: 4 },
        ),
        fc
          .tuple(fc.constantFrom('N', 'M', 'constructor', 'a-b'), tie('value'), tie('value'))
          .map((loop) => ({ 'Fn::ForEach::L': loop })),
      ),
    })).value;
    fc.assert(
      fc.property(loopish, fc.constantFrom('Resources', 'Conditions', 'Outputs', 'Mappings'), (value, section) => {
        const text = JSON.stringify({
          Transform: 'AWS::LanguageExtensions',
          Mappings: { M: { a: { b: ['x', 'y'] } } },
          Resources: {},
          [section]: value,
        });
        try {
          parseTemplateText(text, 'loops.json');
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
          expect((err as Error).message).toContain('loops.json');
        }
      }),
      runs,
    );
  });

  it('the change gate on a real template with a wrong value planted anywhere gives findings or an InputError', () => {
    // A production database, an IAM role with a trust, an inline policy and a managed policy, and a bucket
    // policy: every reader of the gate (the diff, the IAM and resource policy rules, the data settings) meets
    // the planted value. A crash there once stopped the gate with a stack trace (Statement: [true]).
    const base = {
      Parameters: { Env: { Type: 'String', Default: 'production' } },
      Resources: {
        Db: {
          Type: 'AWS::RDS::DBInstance',
          DeletionPolicy: 'Snapshot',
          Properties: {
            DBInstanceIdentifier: 'orders',
            Engine: 'postgres',
            DBInstanceClass: 'db.t3.micro',
            Tags: [{ Key: 'environment', Value: { Ref: 'Env' } }],
          },
        },
        Worker: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
            },
            Policies: [
              {
                PolicyName: 'work',
                PolicyDocument: {
                  Statement: [
                    { Effect: 'Allow', Action: 'rds:*', Resource: { 'Fn::GetAtt': ['Db', 'DBInstanceArn'] } },
                  ],
                },
              },
            ],
            ManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
          },
        },
        Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'acme-data' } },
        BucketPolicy: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: {
            Bucket: { Ref: 'Bucket' },
            PolicyDocument: {
              Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:DeleteBucket', Resource: '*' }],
            },
          },
        },
      },
    };
    const paths: (string | number)[][] = [];
    const walk = (value: unknown, path: (string | number)[]) => {
      if (path.length > 0) paths.push(path);
      if (value && typeof value === 'object') {
        for (const [key, item] of Object.entries(value))
          walk(item, [...path, Array.isArray(value) ? Number(key) : key]);
      }
    };
    walk(base, []);
    const planted = (path: (string | number)[], value: unknown) => {
      const copy = JSON.parse(JSON.stringify(base)) as Record<string | number, unknown>;
      let at = copy;
      for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
      at[path[path.length - 1]] = value;
      return copy;
    };
    const config = LeashConfig.parse({});
    fc.assert(
      fc.property(fc.nat(paths.length - 1), policyLike, fc.boolean(), (at, value, asBaseline) => {
        const changed = planted(paths[at], value);
        const [before, after] = asBaseline ? [changed, base] : [base, changed];
        try {
          // Read as the CLI reads a file: the template reader refuses what no template can be first.
          const read = (template: object) => stack(parseTemplateText(JSON.stringify(template), 'fuzz.json').template);
          const result = checkStacks([read(after)], [read(before)], 'fuzz', { catalog, now, config });
          expect(Array.isArray(result.findings)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
        }
      }),
      // npm test plants half the values (the same seed: the same first half); all with SWEEP_STRIDE=1.
      { numRuns: Math.ceil(100 / sweepStride(2)), seed: 16 },
    );
  });
});
