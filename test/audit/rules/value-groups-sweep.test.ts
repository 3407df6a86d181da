// The audit asks one candidate value per group that every condition answers alike (valueSignature): a tag's
// value, a Region, an address is one value, and a condition compares it with its list as with a set, so its
// answer turns only on whether the value matches none, some or all of the list. That claim decides which values
// are never asked, so it is checked here against an independent simulator (@cloud-copilot/iam-simulate, AGPL:
// tests only): for every operator, qualifier and list below, every value of a group gets the simulator's answer
// of every other value of that group.
import { createValidatedPolicy } from '@cloud-copilot/iam-policy';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { conditionOperator } from '../../../lib/audit/evaluate/conditions';
import { literalValue, valueSignature, type ValueTest } from '../../../lib/audit/rules/support/value-tests';
import { parsePolicy } from '../../../lib/policy';

const ACCOUNT = '111122223333';
const KEY = 'aws:RequestTag/environment';

const OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'StringEqualsIfExists',
  'StringNotLikeIfExists',
  'ForAnyValue:StringEquals',
  'ForAnyValue:StringNotEquals',
  'ForAllValues:StringEquals',
  'ForAllValues:StringNotEqualsIgnoreCase',
  'ForAnyValue:StringLike',
  'ForAllValues:StringNotLike',
];

const LISTS = [
  ['dev'],
  ['dev', 'test'],
  ['dev', 'development', 'test', 'sandbox', 'staging'],
  ['production', 'prod'],
  ['Dev', 'dev'],
  ['d*', 'test'],
  ['prod*', 'dev'],
  ['*-prod', 'prod', 'PROD'],
  ['dev', 'dev*', 'de?'],
];

/** Values a policy names, their casings, and values none names. */
const CANDIDATES = [
  ...new Set(
    LISTS.flat()
      .filter((value) => !/[*?]/.test(value))
      .flatMap((value) => [value, value.toUpperCase(), value[0].toUpperCase() + value.slice(1)]),
  ),
  'devx',
  'deb',
  'eu-prod',
  'qa',
  'unlisted',
];

function conditionOf(operator: string, values: string[]) {
  const document = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'ec2:CreateTags', Resource: '*', Condition: { [operator]: { [KEY]: values } } },
    ],
  };
  const parsed = parsePolicy(document);
  if (!parsed.ok) throw new Error(`${operator}: did not parse`);
  const condition = parsed.policy.statements[0].conditions[0];
  const test: ValueTest = {
    operator: conditionOperator(condition.baseOperator)!,
    values: condition.values.map(literalValue),
    variable: false,
  };
  return { document, test };
}

function simulated(document: object, value: string): string {
  return runUnsafeSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/app`,
        action: 'ec2:CreateTags',
        resource: { resource: `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-0abc`, accountId: ACCOUNT },
        contextVariables: { [KEY]: value, 'aws:TagKeys': ['environment'] },
      },
      identityPolicies: [{ name: 'p', policy: createValidatedPolicy(document, () => [], { name: 'p' }) }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
}

describe('values a condition answers alike, as the simulator answers them', () => {
  it.each(OPERATORS)('%s, over every list', (operator) => {
    const disagree: string[] = [];
    let merged = 0;
    for (const values of LISTS) {
      const { document, test } = conditionOf(operator, values);
      const groups = new Map<string, string[]>();
      for (const candidate of CANDIDATES) {
        const signature = valueSignature(test, candidate, undefined);
        const group = groups.get(signature);
        if (group) group.push(candidate);
        else groups.set(signature, [candidate]);
      }
      for (const members of groups.values()) {
        const first = simulated(document, members[0]);
        for (const other of members.slice(1)) {
          merged++;
          const answer = simulated(document, other);
          if (answer !== first) disagree.push(`${JSON.stringify(values)}: ${members[0]} ${first}, ${other} ${answer}`);
        }
      }
    }
    expect(disagree).toEqual([]);
    // The grouping does merge values (the point of it), for every operator.
    expect(merged).toBeGreaterThan(LISTS.length);
  });
});
