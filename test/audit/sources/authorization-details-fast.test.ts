// The hand check that lets a plainly well-formed authorization-details file skip zod must never accept what
// zod rejects (a malformed file would then be read instead of refused with its JSON path), and what it accepts
// must read exactly as zod's output would.
import fc from 'fast-check';
import { holeyArray } from '../../support/arbitraries';
import {
  parseAuthorizationDetails,
  wellFormedAuthorizationDetails,
} from '../../../lib/audit/sources/authorization-details';
import { AuthorizationDetails } from '../../../lib/audit/sources/authorization-details-schema';
import { InputError } from '../../../lib/util/read-input';

const document = fc.constantFrom<unknown>(
  { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] },
  '%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D',
  null,
  undefined,
  42,
);
/** Anything that may stand where a value of another type belongs. */
const wrong = fc.oneof(
  fc.constantFrom(null, undefined, 0, true, '', 'x', [], {}, ['x'], [undefined], [null], { Key: 1 }),
  fc.string({ maxLength: 3 }),
);
/** A field: usually right, sometimes wrong, sometimes absent (the key left out by the record below). */
const field = <T>(right: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: right, weight: 80 }, { arbitrary: wrong, weight: 1 });
const record = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc
    .record(fields, { requiredKeys: [] })
    .chain((value) =>
      fc.oneof(
        { arbitrary: fc.constant<unknown>(value), weight: 10 },
        { arbitrary: fc.constant<unknown>({ ...value, Extra: 'kept out' }), weight: 1 },
      ),
    );
/** Mostly present and right, so whole files pass; each key may still be left out or wrong. */
const present = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc
    .record(fields, { requiredKeys: Object.keys(fields) })
    .chain((value) =>
      fc.oneof({ arbitrary: fc.constant<unknown>(value), weight: 8 }, { arbitrary: record(fields), weight: 1 }),
    );
const list = (item: fc.Arbitrary<unknown>) =>
  field(
    fc.oneof(
      { arbitrary: fc.array(item, { maxLength: 3 }), weight: 40 },
      // A hole reads as undefined, as zod reads it.
      { arbitrary: holeyArray(item), weight: 1 },
    ),
  );
const nullish = <T>(right: fc.Arbitrary<T>) => fc.oneof(right, fc.constantFrom(null, undefined));
const str = fc.constantFrom('/', '/team/', 'app', 'arn:aws:iam::111122223333:role/app', 'v1');
const tags = list(present({ Key: field(str), Value: field(str) }));
const attached = list(present({ PolicyName: field(nullish(str)), PolicyArn: field(str) }));
const inline = list(present({ PolicyName: field(str), PolicyDocument: document }));
const boundary = field(nullish(present({ PermissionsBoundaryType: field(str), PermissionsBoundaryArn: field(str) })));
const details = present({
  UserDetailList: list(
    present({
      Path: field(nullish(str)),
      UserName: field(str),
      Arn: field(str),
      GroupList: list(str),
      UserPolicyList: inline,
      AttachedManagedPolicies: attached,
      PermissionsBoundary: boundary,
      Tags: tags,
    }),
  ),
  GroupDetailList: list(
    present({
      Path: field(nullish(str)),
      GroupName: field(str),
      Arn: field(str),
      GroupPolicyList: inline,
      AttachedManagedPolicies: attached,
    }),
  ),
  RoleDetailList: list(
    present({
      Path: field(nullish(str)),
      RoleName: field(str),
      Arn: field(str),
      AssumeRolePolicyDocument: document,
      RolePolicyList: inline,
      AttachedManagedPolicies: attached,
      PermissionsBoundary: boundary,
      Tags: tags,
      InstanceProfileList: list(present({ InstanceProfileName: field(str) })),
    }),
  ),
  Policies: list(
    present({
      PolicyName: field(str),
      Arn: field(str),
      DefaultVersionId: field(nullish(str)),
      PolicyVersionList: list(
        present({ Document: document, VersionId: field(nullish(str)), IsDefaultVersion: field(nullish(fc.boolean())) }),
      ),
    }),
  ),
  IsTruncated: field(nullish(fc.boolean())),
});

describe('the fast check of authorization details', () => {
  it('accepts only what zod accepts, and reads it as zod would', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(details, (value) => {
        const zod = AuthorizationDetails.safeParse(value);
        if (!wellFormedAuthorizationDetails(value)) {
          refused++;
          return;
        }
        accepted++;
        expect(zod.success).toBe(true);
        // A file that lists an entry twice is refused: then both readings must refuse it alike.
        const read = (input: unknown) => {
          try {
            return parseAuthorizationDetails(input, 'f.json', { accountId: '111122223333' });
          } catch (err) {
            if (err instanceof InputError) return { refused: err.message };
            throw err;
          }
        };
        expect(read(value)).toEqual(read(zod.data));
      }),
      { numRuns: 3000, seed: 20261202 },
    );
    // Both branches are exercised: most generated files are well formed, some are not.
    expect(accepted).toBeGreaterThan(150);
    expect(refused).toBeGreaterThan(300);
  });

  it('leaves a malformed file to zod, which names the JSON path', () => {
    const malformed = { RoleDetailList: [{ RoleName: 'app', Arn: 7, AssumeRolePolicyDocument: {} }] };
    expect(wellFormedAuthorizationDetails(malformed)).toBe(false);
    expect(() => parseAuthorizationDetails(malformed, 'f.json')).toThrow(/RoleDetailList\[0\]\.Arn/);
    const missingDocument = { RoleDetailList: [{ RoleName: 'app', Arn: 'arn:aws:iam::111122223333:role/app' }] };
    expect(wellFormedAuthorizationDetails(missingDocument)).toBe(false);
  });
});
