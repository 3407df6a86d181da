// The IAM policy grammar as zod schemas: the single source of truth for what a raw document may look like.
// Cross-element rules (Action xor NotAction, per-policy-type rules, pattern syntax) live in parse.ts, which
// reports them alongside these schemas' issues.
import { z } from 'zod';

import { describeValue } from './grammar';

export {
  CONDITION_OPERATORS,
  CONDITION_SET_OPERATORS,
  PRINCIPAL_TYPES,
  describeValue,
  type ConditionOperator,
} from './grammar';

/** zod error callback: "is required" when absent, otherwise "expected <what>, got <value>". */
function expected(what: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? 'is required' : `expected ${what}, got ${describeValue(issue.input)}`;
}

const NonEmptyString = (what: string) => z.string({ error: expected(what) }).min(1, { error: 'must not be empty' });

/** IAM's "string or array of strings"; an empty array is rejected. */
const StringOrStrings = (what: string) =>
  z.union(
    [
      NonEmptyString(what),
      z.array(NonEmptyString(what), { error: expected(`${what} or an array of them`) }).min(1, {
        error: 'must not be an empty array',
      }),
    ],
    { error: expected(`${what} or an array of them`) },
  );

export const PrincipalMapSchema = z.strictObject(
  {
    AWS: StringOrStrings('an account id, ARN or "*"').optional(),
    Service: StringOrStrings('a service principal such as "ec2.amazonaws.com"').optional(),
    Federated: StringOrStrings('an identity provider').optional(),
    CanonicalUser: StringOrStrings('a canonical user id').optional(),
  },
  { error: expected('an object of AWS, Service, Federated or CanonicalUser') },
);

/** `["*"]`: not IAM's form, but its meaning (everyone) is plain, so it is read as `"*"` with a warning. */
const EveryoneList = z.array(z.literal('*')).min(1);

export const PrincipalSchema = z.union([z.literal('*', { error: expected('"*"') }), EveryoneList, PrincipalMapSchema], {
  error: expected('"*" or an object such as {"AWS": "arn:aws:iam::111122223333:root"}'),
});

const ConditionScalar = z.union([z.string(), z.number(), z.boolean()], {
  error: expected('a string, number or boolean'),
});

export const ConditionValueSchema = z.union(
  [ConditionScalar, z.array(ConditionScalar).min(1, { error: 'must not be an empty array' })],
  { error: expected('a string, number, boolean or an array of them') },
);

/** `{ operator: { key: value-or-values } }`; operator names are checked in parse.ts for a clearer message. */
export const ConditionSchema = z.record(
  z.string(),
  z.record(z.string(), ConditionValueSchema, { error: expected('an object of condition keys to values') }),
  { error: expected('an object of condition operators') },
);

export const EffectSchema = z.enum(['Allow', 'Deny'], { error: expected('"Allow" or "Deny"') });

export const StatementSchema = z.strictObject(
  {
    Sid: z.string({ error: expected('a string') }).optional(),
    Effect: EffectSchema,
    Action: StringOrStrings('an action such as "s3:GetObject"').optional(),
    NotAction: StringOrStrings('an action such as "s3:GetObject"').optional(),
    Resource: StringOrStrings('an ARN or "*"').optional(),
    NotResource: StringOrStrings('an ARN or "*"').optional(),
    Principal: PrincipalSchema.optional(),
    NotPrincipal: PrincipalSchema.optional(),
    Condition: ConditionSchema.optional(),
  },
  { error: expected('a statement object') },
);

export const PolicyDocumentSchema = z.strictObject(
  {
    Version: z.string({ error: expected('"2012-10-17"') }).optional(),
    Id: z.string({ error: expected('a string') }).optional(),
    Statement: z.union(
      [StatementSchema, z.array(StatementSchema).min(1, { error: 'must contain at least one statement' })],
      { error: expected('a statement object or an array of statements') },
    ),
  },
  { error: expected('a policy document object') },
);

/** A policy document as written: every string-or-array still in whichever form the author chose. */
export type PolicyDocument = z.infer<typeof PolicyDocumentSchema>;
export type PolicyStatementDocument = z.infer<typeof StatementSchema>;
export type PrincipalDocument = z.infer<typeof PrincipalSchema>;
