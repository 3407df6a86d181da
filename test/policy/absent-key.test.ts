// What a condition answers for a key the request does not carry (a key AWS never sends): every operator of the
// grammar, plain, IfExists and with each set qualifier, against iam-simulate (AGPL: tests only). The messages
// about misspelt and unlisted keys say "always true" or "never true" from this.
import { createValidatedPolicy } from '@cloud-copilot/iam-policy';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { absentKeyOutcome } from '../../lib/policy/absent-key';
import { CONDITION_OPERATORS } from '../../lib/policy/grammar';

const ACCOUNT = '111122223333';
/** A global key the simulated request does not carry. */
const KEY = 'aws:SourceVpc';

/** A value each operator family accepts. */
function valueFor(operator: string): string {
  if (operator.startsWith('Numeric')) return '1';
  if (operator.startsWith('Date')) return '2020-01-01T00:00:00Z';
  if (operator === 'Bool' || operator === 'Null') return 'true';
  if (operator.startsWith('Binary')) return 'QQ==';
  if (operator.endsWith('IpAddress')) return '10.0.0.0/8';
  if (operator.startsWith('Arn')) return 'arn:aws:s3:::bucket';
  return 'vpc-1';
}

/** Whether iam-simulate lets an Allow with only this condition through when the request lacks the key. */
function simulatedTrue(operator: string, value: string): boolean {
  const identity = createValidatedPolicy(
    {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { [operator]: { [KEY]: value } } },
      ],
    },
    () => [],
    { name: 'allow' },
  );
  const outcome = runUnsafeSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/app`,
        action: 's3:GetObject',
        resource: { resource: 'arn:aws:s3:::bucket/key', accountId: ACCOUNT },
        contextVariables: {},
      },
      identityPolicies: [{ name: 'allow', policy: identity }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  return outcome === 'Allowed';
}

const FORMS = CONDITION_OPERATORS.flatMap((base) =>
  base === 'Null'
    ? [
        { operator: 'Null', value: 'true' },
        { operator: 'Null', value: 'false' },
      ]
    : ['', 'ForAllValues:', 'ForAnyValue:'].flatMap((qualifier) =>
        ['', 'IfExists'].map((suffix) => ({ operator: `${qualifier}${base}${suffix}`, value: valueFor(base) })),
      ),
);

describe('absentKeyOutcome agrees with iam-simulate for a key the request lacks', () => {
  it('covers every operator of the grammar in every form', () => {
    expect(FORMS).toHaveLength((CONDITION_OPERATORS.length - 1) * 6 + 2);
  });

  it.each(FORMS)('$operator $value', ({ operator, value }) => {
    expect(absentKeyOutcome(operator, value)).toBe(simulatedTrue(operator, value) ? 'always true' : 'never true');
  });
});
