// The grammar's fast path gives what the zod schema gives: the same value (same keys, same order, undefined
// optional keys kept) for every document it accepts, and it accepts no document the schema rejects.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { PolicyDocumentSchema } from '../../lib/policy/schema';
import { wellFormedDocument } from '../../lib/policy/well-formed';

/** Keys in order, undefined values and arrays spelt out: what toEqual would let through unseen. */
function exact(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (v === undefined ? '<undefined>' : v));
}

/** Checks the two agree on `document`, with and without reuse; true when the fast path took it. */
function agrees(document: unknown): boolean {
  const fast = wellFormedDocument(document);
  const reused = wellFormedDocument(document, true);
  const schema = PolicyDocumentSchema.safeParse(document);
  expect(reused === undefined).toBe(fast === undefined);
  if (fast === undefined) return false;
  expect(schema.success).toBe(true);
  expect(exact(fast)).toBe(exact(schema.data));
  expect(exact(reused)).toBe(exact(schema.data));
  return true;
}

const stringish = fc.oneof(
  fc.constantFrom('', '*', 's3:GetObject', 'ec2:*', 'arn:aws:s3:::b/*', 'Allow', 'Deny', '2012-10-17', '__proto__'),
  fc.string({ maxLength: 6 }),
);
const scalarish = fc.oneof(stringish, fc.integer(), fc.boolean(), fc.constant(Number.NaN), fc.constant(null));
/** Mostly what the schema accepts, now and then something it does not. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: invalid, weight: 1 });
const nonEmpty = fc.constantFrom('*', 's3:GetObject', 'ec2:*', 'arn:aws:s3:::b/*', 'x');
const listish = mostly(
  fc.oneof(nonEmpty, fc.array(nonEmpty, { minLength: 1, maxLength: 3 })),
  fc.oneof(fc.constantFrom('', undefined), fc.array(scalarish, { maxLength: 2 }), scalarish),
);
const principalish = mostly(
  fc.oneof(
    fc.constant('*'),
    fc.array(fc.constant('*'), { minLength: 1, maxLength: 2 }),
    fc.dictionary(fc.constantFrom('AWS', 'Service', 'Federated', 'CanonicalUser'), listish, { maxKeys: 3 }),
  ),
  fc.oneof(fc.constant([]), fc.constant(['x']), fc.constant({ Other: '*' }), scalarish),
);
const conditionValue = fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.boolean());
const conditionish = mostly(
  fc.dictionary(
    fc.constantFrom('StringEquals', 'Bool', 'ForAnyValue:StringLike', 'x'),
    fc.dictionary(
      fc.constantFrom('aws:PrincipalTag/team', 'aws:SecureTransport', 'k'),
      mostly(fc.oneof(conditionValue, fc.array(conditionValue, { minLength: 1, maxLength: 3 })), scalarish),
      { maxKeys: 2 },
    ),
    { maxKeys: 2 },
  ),
  fc.oneof(scalarish, fc.constant({ StringEquals: 'x' }), fc.constant({ Bool: { k: [] } })),
);
const statementish = mostly(
  fc
    .record(
      {
        Sid: mostly(fc.string({ maxLength: 3 }), fc.oneof(fc.integer(), fc.constant(undefined))),
        Effect: mostly(fc.constantFrom('Allow', 'Deny'), fc.constantFrom('allow', undefined)),
        Action: listish,
        NotAction: listish,
        Resource: listish,
        NotResource: listish,
        Principal: principalish,
        NotPrincipal: principalish,
        Condition: conditionish,
        Extra: fc.constant(1),
      },
      { requiredKeys: ['Effect'] },
    )
    .map((statement) => {
      // Extra (an unknown key) only now and then.
      const { Extra, ...rest } = statement;
      return Extra !== undefined && Math.abs(JSON.stringify(rest).length % 13) === 0 ? statement : rest;
    }),
  scalarish,
);
const documentish = fc.record(
  {
    Version: mostly(fc.constantFrom('2012-10-17', '2008-10-17', ''), fc.oneof(fc.integer(), fc.constant(undefined))),
    Id: mostly(fc.string({ maxLength: 3 }), fc.constant(undefined)),
    Statement: mostly(
      fc.oneof(statementish, fc.array(statementish, { minLength: 1, maxLength: 3 })),
      fc.constantFrom(undefined, []),
    ),
  },
  { requiredKeys: ['Statement'] },
);

describe('wellFormedDocument', () => {
  it('gives the schema’s value, keys in the schema’s order, or leaves the document to the schema', () => {
    let accepted = 0;
    fc.assert(
      fc.property(documentish, (document) => {
        if (agrees(document)) accepted++;
      }),
      { numRuns: 3000 },
    );
    // Enough of the random documents are well formed for the equality to be exercised, not only the refusals.
    expect(accepted).toBeGreaterThan(30);
  });

  it('accepts well-formed documents written in any key order', () => {
    const document = {
      Statement: [
        {
          Condition: { StringEquals: { 'aws:PrincipalTag/team': ['a', 'b'] }, Bool: { 'aws:SecureTransport': true } },
          Resource: '*',
          Principal: { Service: 'ec2.amazonaws.com', AWS: ['arn:aws:iam::111122223333:root'] },
          Action: ['sts:AssumeRole'],
          Effect: 'Allow',
          Sid: undefined,
        },
        { Effect: 'Deny', NotAction: 'iam:*', NotResource: ['arn:aws:iam::*:role/x'], NotPrincipal: ['*'] },
      ],
      Version: '2012-10-17',
    };
    expect(wellFormedDocument(document)).toBeDefined();
    agrees(document);
  });

  it('with reuse, gives back the document itself, or the parts in the schema’s order, rather than copies', () => {
    const inOrder = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'A', Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*', Condition: { Bool: { k: [true] } } },
        { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: ['arn:aws:iam::111122223333:root'] } },
      ],
    };
    expect(wellFormedDocument(inOrder, true)).toBe(inOrder);
    expect(wellFormedDocument(inOrder)).not.toBe(inOrder);
    const [first, second] = inOrder.Statement;
    const outOfOrder = { Statement: [first, { Principal: second.Principal, ...second }], Version: '2012-10-17' };
    const reused = wellFormedDocument(outOfOrder, true) as unknown as { Statement: unknown[] };
    expect(reused).not.toBe(outOfOrder);
    expect(reused.Statement).not.toBe(outOfOrder.Statement);
    expect(reused.Statement[0]).toBe(first);
    expect(reused.Statement[1]).not.toBe(outOfOrder.Statement[1]);
    agrees(outOfOrder);
  });

  it('leaves to the schema what it does not plainly accept: holes, __proto__ keys, non-finite numbers, class instances', () => {
    const holes = [, { Effect: 'Allow', Action: '*', Resource: '*' }]; // eslint-disable-line no-sparse-arrays
    const proto = JSON.parse('{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "__proto__": 1}}');
    for (const document of [
      { Statement: holes },
      proto,
      { Statement: { Effect: 'Allow', Action: '*', Condition: { NumericEquals: { n: Infinity } } } },
      { Statement: Object.assign(Object.create({ inherited: 1 }), { Effect: 'Allow', Action: '*' }) },
      { Statement: [] },
      { Version: '2012-10-17' },
    ]) {
      expect(wellFormedDocument(document)).toBeUndefined();
    }
  });

  it('agrees with the schema on every policy of the example account', () => {
    const file = join(__dirname, '..', 'fixtures', 'cloudsplaining', 'example-authz.json');
    const details = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>[]>;
    const documents: unknown[] = [];
    for (const policy of details.Policies ?? []) {
      for (const version of (policy.PolicyVersionList as { Document: unknown }[] | undefined) ?? []) {
        documents.push(
          typeof version.Document === 'string' ? JSON.parse(decodeURIComponent(version.Document)) : version.Document,
        );
      }
    }
    for (const key of ['RoleDetailList', 'UserDetailList', 'GroupDetailList']) {
      for (const principal of details[key] ?? []) {
        if (principal.AssumeRolePolicyDocument) documents.push(principal.AssumeRolePolicyDocument);
        for (const list of ['RolePolicyList', 'UserPolicyList', 'GroupPolicyList']) {
          for (const inline of (principal[list] as { PolicyDocument: unknown }[] | undefined) ?? []) {
            documents.push(inline.PolicyDocument);
          }
        }
      }
    }
    expect(documents.length).toBeGreaterThan(100);
    let accepted = 0;
    for (const document of documents) {
      if (wellFormedDocument(document)) accepted++;
      agrees(document);
    }
    expect(accepted).toBe(documents.length);
  });
});
