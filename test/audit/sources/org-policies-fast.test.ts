// The hand check that lets a plainly well-formed `--scp` / `--rcp` chain file skip zod must never accept what
// the zod schema rejects (a damaged chain would then be read instead of refused with its JSON path), and what
// it accepts must read exactly as zod's output would.
import fc from 'fast-check';
import { holeyArray } from '../../support/arbitraries';
import { parseOrganizationPolicyFile, wellFormedChain } from '../../../lib/audit/sources/org-policies';
import { Chain } from '../../../lib/audit/sources/org-policies-schema';

const wrong = fc.constantFrom<unknown>(null, undefined, 0, true, '', [], {}, ['x'], 'ROOT', 'r-', 'x');
const field = <T>(right: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: right as fc.Arbitrary<unknown>, weight: 30 }, { arbitrary: wrong, weight: 1 });
/** Every key usually there; sometimes one left out, or a key the schema does not know added. */
const object = (fields: Record<string, fc.Arbitrary<unknown>>, optional: readonly string[] = []) =>
  fc.record(fields, { requiredKeys: Object.keys(fields).filter((key) => !optional.includes(key)) }).chain((value) =>
    fc.oneof(
      { arbitrary: fc.constant<unknown>(value), weight: 20 },
      { arbitrary: fc.constant<unknown>({ ...value, Policies: [] }), weight: 1 },
      {
        arbitrary: fc.constantFrom(...Object.keys(value)).map((left) => {
          const copy: Record<string, unknown> = { ...value };
          delete copy[left];
          return copy;
        }),
        weight: Object.keys(value).length > 0 ? 1 : 0,
      },
    ),
  );
const list = (item: fc.Arbitrary<unknown>, minLength: number) =>
  field(
    fc.oneof(
      { arbitrary: fc.array(item, { minLength, maxLength: 3 }), weight: 30 },
      { arbitrary: fc.array(item, { maxLength: 1 }), weight: 1 },
      // A hole reads as undefined, as zod reads it.
      { arbitrary: holeyArray(item), weight: 1 },
    ),
  );
const policy = object(
  {
    name: field(fc.constantFrom('FullAWSAccess', 'deny-prod-delete', 'RCPFullAWSAccess')),
    arn: field(fc.constantFrom('arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess', 'p-1')),
    document: fc.constantFrom<unknown>(
      { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }] },
      null,
      'text',
    ),
  },
  ['arn', 'document'],
);
const level = (kind: string, id: string) =>
  object(
    {
      kind: field(fc.constant(kind)),
      id: field(fc.constant(id)),
      name: field(fc.constantFrom('Root', 'Production', '')),
      policies: list(policy, 1),
    },
    ['name'],
  );
/** Mostly in AWS's order (root, OUs, account); sometimes shuffled, or with an id of another kind. */
const chain = fc.oneof(
  {
    arbitrary: fc
      .tuple(
        level('root', 'r-ab12'),
        fc.array(level('ou', 'ou-ab12-abcdefgh'), { maxLength: 2 }),
        fc.option(level('account', '111122223333'), { nil: undefined }),
      )
      .map(([root, ous, account]) => [root, ...ous, ...(account === undefined ? [] : [account])] as unknown[]),
    weight: 10,
  },
  { arbitrary: fc.constantFrom<unknown>([], {}, 'x', [null], [{}]), weight: 1 },
  {
    arbitrary: fc
      .tuple(level('account', '111122223333'), level('root', 'r-ab12'), level('ou', '222233334444'))
      .map((levels) => levels as unknown[]),
    weight: 2,
  },
);

/** The levels read, or the error's message (a policy without a document is refused after the schema). */
function outcome(value: unknown): unknown {
  try {
    return parseOrganizationPolicyFile(value, 'scps.json', 'scp');
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe('the hand check of an --scp chain file', () => {
  it('accepts only chains the zod schema accepts, and reads them as zod does', () => {
    let accepted = 0;
    fc.assert(
      fc.property(chain, (value) => {
        const zod = Chain.safeParse(value);
        if (!wellFormedChain(value)) return;
        accepted++;
        expect(zod.success).toBe(true);
        // The same levels (or the same error) as from zod's own output, which the fast path skipped.
        expect(outcome(value)).toEqual(outcome(structuredClone(zod.data)));
      }),
      { numRuns: 3000 },
    );
    // The generator must reach the accepting side often, or the property says little.
    expect(accepted).toBeGreaterThan(300);
  });

  it('leaves a damaged chain to zod, which names the JSON path', () => {
    const chainFile = [
      { kind: 'root', id: 'r-ab12', policies: [{ name: 'FullAWSAccess' }] },
      { kind: 'ou', id: 'ou-ab12-abcdefgh', policies: [{ name: 'deny', documnet: {} }] },
    ];
    expect(wellFormedChain(chainFile)).toBe(false);
    expect(() => parseOrganizationPolicyFile(chainFile, 'scps.json', 'scp')).toThrow(/\[1\]\.policies\[0\]/);
  });

  it('takes a plain chain without zod', () => {
    const chainFile = [
      { kind: 'root', id: 'r-ab12', name: 'Root', policies: [{ name: 'FullAWSAccess' }] },
      { kind: 'account', id: '111122223333', policies: [{ name: 'deny-prod-delete', document: { Statement: [] } }] },
    ];
    expect(wellFormedChain(chainFile)).toBe(true);
  });
});
