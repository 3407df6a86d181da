// The audit asks one candidate value per group that every condition answers alike (valueSignature): a tag's
// value, a Region, an address is one value, and a condition compares it with its list as with a set, so its
// answer turns only on whether the value matches none, some or all of the list. That claim decides which values
// are never asked, so it is checked here against an independent simulator (@cloud-copilot/iam-simulate, AGPL:
// tests only): for every string, address and ARN operator of the policy grammar, as written plain, IfExists and
// with each set qualifier, and for every list below, every value of a group gets the simulator's answer of every
// other value of that group.
import { createValidatedPolicy } from '@cloud-copilot/iam-policy';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { conditionOperator } from '../../../lib/audit/evaluate/conditions';
import { literalValue, valueSignature, type ValueTest } from '../../../lib/audit/rules/support/value-tests';
import { parsePolicy } from '../../../lib/policy';
import { CONDITION_OPERATORS } from '../../../lib/policy/grammar';

const ACCOUNT = '111122223333';

/** Every way a condition block may write an operator of one family: as is, IfExists, and each set qualifier. */
function writtenForms(family: RegExp): string[] {
  return CONDITION_OPERATORS.filter((operator) => family.test(operator)).flatMap((operator) => [
    operator,
    `${operator}IfExists`,
    `ForAnyValue:${operator}`,
    `ForAllValues:${operator}`,
  ]);
}

/** A single-valued key of each family the audit groups candidates of, its lists of values, and candidates. */
const FAMILIES = [
  {
    name: 'string',
    key: 'aws:RequestTag/environment',
    operators: writtenForms(/^String/),
    lists: [
      ['dev'],
      ['dev', 'test'],
      ['dev', 'development', 'test', 'sandbox', 'staging'],
      ['production', 'prod'],
      ['Dev', 'dev'],
      ['d*', 'test'],
      ['prod*', 'dev'],
      ['*-prod', 'prod', 'PROD'],
      ['dev', 'dev*', 'de?'],
    ],
    others: ['devx', 'deb', 'eu-prod', 'qa', 'unlisted'],
  },
  {
    name: 'address',
    key: 'aws:SourceIp',
    operators: writtenForms(/IpAddress$/),
    lists: [
      ['10.0.0.0/8'],
      ['10.0.0.0/8', '192.168.1.0/24'],
      ['10.1.0.0/16', '10.0.0.0/8'],
      ['2001:db8::/32', '10.0.0.0/8'],
    ],
    others: ['10.0.0.1', '10.1.2.3', '192.168.1.7', '172.16.0.1', '203.0.113.10', '2001:db8::1'],
  },
  {
    name: 'ARN',
    key: 'aws:SourceArn',
    operators: writtenForms(/^Arn/),
    lists: [
      ['arn:aws:sns:eu-west-1:111122223333:topic-a'],
      ['arn:aws:sns:*:111122223333:*', 'arn:aws:sqs:eu-west-1:111122223333:queue'],
      ['arn:aws:chatbot::111122223333:chat-configuration/*', 'arn:aws:sns:eu-west-1:111122223333:topic-a'],
    ],
    others: [
      'arn:aws:sns:eu-west-1:111122223333:topic-a',
      'arn:aws:sns:us-east-1:111122223333:topic-b',
      'arn:aws:sqs:eu-west-1:111122223333:queue',
      'arn:aws:chatbot::111122223333:chat-configuration/slack',
      'arn:aws:sns:eu-west-1:444455556666:topic-a',
    ],
  },
];

/** Values a policy names (wildcards left out), their casings, and values none names. */
function candidatesOf(family: (typeof FAMILIES)[number]): string[] {
  const named = family.lists.flat().filter((value) => !/[*?]/.test(value) && !value.includes('/'));
  const casings =
    family.name === 'string' ? named.flatMap((v) => [v, v.toUpperCase(), v[0].toUpperCase() + v.slice(1)]) : named;
  return [...new Set([...casings, ...family.others])];
}

function conditionOf(key: string, operator: string, values: string[]) {
  const document = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'ec2:CreateTags', Resource: '*', Condition: { [operator]: { [key]: values } } },
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

function simulated(document: object, key: string, value: string): string {
  return runUnsafeSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/app`,
        action: 'ec2:CreateTags',
        resource: { resource: `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-0abc`, accountId: ACCOUNT },
        contextVariables: { [key]: value, 'aws:TagKeys': ['environment'] },
      },
      identityPolicies: [{ name: 'p', policy: createValidatedPolicy(document, () => [], { name: 'p' }) }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
}

describe('values a condition answers alike, as the simulator answers them', () => {
  it('covers every operator of the families the audit groups', () => {
    expect(FAMILIES.map((family) => family.operators.length)).toEqual([24, 8, 16]);
  });

  describe.each(FAMILIES.map((family) => [family.name, family] as const))('%s values', (_name, family) => {
    const candidates = candidatesOf(family);
    it.each(family.operators)('%s, over every list', (operator) => {
      const disagree: string[] = [];
      let merged = 0;
      for (const values of family.lists) {
        const { document, test } = conditionOf(family.key, operator, values);
        const groups = new Map<string, string[]>();
        for (const candidate of candidates) {
          const signature = valueSignature(test, candidate, undefined);
          const group = groups.get(signature);
          if (group) group.push(candidate);
          else groups.set(signature, [candidate]);
        }
        for (const members of groups.values()) {
          const first = simulated(document, family.key, members[0]);
          for (const other of members.slice(1)) {
            merged++;
            const answer = simulated(document, family.key, other);
            if (answer !== first)
              disagree.push(`${JSON.stringify(values)}: ${members[0]} ${first}, ${other} ${answer}`);
          }
        }
      }
      expect(disagree).toEqual([]);
      // The grouping does merge values (the point of it), for every operator.
      expect(merged).toBeGreaterThan(family.lists.length);
    });
  });
});
