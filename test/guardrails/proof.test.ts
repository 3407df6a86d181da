// Table-driven cases decided by an independent simulator (@cloud-copilot/iam-simulate): what the generated
// boundary, SCPs and RCPs must allow and deny. proof-sweep.test.ts compares whole services with the coverage
// report; bench/prove-guardrails.ts sweeps every destructive action.
import {
  ACCOUNT,
  proofPolicies,
  seededSample,
  simulate,
  type Decision,
  type PrincipalKind,
  type ProofPolicies,
  type ResourceState,
} from '../../bench/guardrail-proof';
import { loadCatalog } from '../../lib/catalog';
import { checkReadPatterns } from '../../lib/catalog/read-patterns';
import { agentInvariantParts } from '../../lib/guardrails/agent-invariant';
import {
  defaultGuardrailSpec,
  generateGuardrails,
  GuardrailSpec,
  type GeneratedGuardrails,
} from '../../lib/guardrails';

const catalog = loadCatalog();
const spec = defaultGuardrailSpec();
const boundaryArn = `arn:aws:iam::${ACCOUNT}:policy/${spec.agents.boundaryPolicyName}`;

let generated: GeneratedGuardrails;
let policies: ProofPolicies;
beforeAll(() => {
  generated = generateGuardrails(spec, catalog);
  policies = proofPolicies(generated);
});

function action(name: string) {
  const found = catalog.get(name);
  if (!found) throw new Error(`${name} is not in the catalog`);
  return found;
}

type Case = [string, string, ResourceState, PrincipalKind, Decision];

describe('production protection, decided by the simulator', () => {
  const cases: Case[] = [
    ['denies', 'rds:DeleteDBInstance', 'production', 'ordinary', 'denied'],
    ['denies', 'rds:DeleteDBInstance', 'production', 'agent', 'denied'],
    ['allows', 'rds:DeleteDBInstance', 'production', 'exempt', 'allowed'],
    ['allows', 'rds:DeleteDBInstance', 'non-production', 'ordinary', 'allowed'],
    ['allows', 'rds:DeleteDBInstance', 'non-production', 'agent', 'allowed'],
    ['denies', 'rds:DeleteDBInstance', 'untagged', 'agent', 'denied'],
    ['allows', 'rds:DeleteDBInstance', 'untagged', 'ordinary', 'allowed'],
    ['denies', 'dynamodb:DeleteTable', 'production', 'ordinary', 'denied'],
    ['denies', 's3:DeleteBucket', 'production', 'ordinary', 'denied'],
    // For everyone, lambda:DeleteFunction gives way to the agent layers in four SCPs (generate.test.ts).
    ['denies', 'lambda:DeleteFunction', 'production', 'agent', 'denied'],
    ['denies', 'cloudformation:DeleteStack', 'production', 'ordinary', 'denied'],
    ['denies', 'kms:ScheduleKeyDeletion', 'production', 'ordinary', 'denied'],
    ['denies', 'ec2:TerminateInstances', 'production', 'ordinary', 'denied'],
    ['denies', 'ec2:TerminateInstances', 'untagged', 'agent', 'denied'],
    ['denies', 'glue:DeleteDatabase', 'non-production', 'agent', 'denied'],
    ['denies', 'organizations:LeaveOrganization', 'non-production', 'agent', 'denied'],
    ['denies', 'iam:DeleteRolePermissionsBoundary', 'non-production', 'agent', 'denied'],
  ];
  it.each(cases)('%s %s on a %s resource for the %s role', (_verb, name, resource, principal, expected) => {
    const outcome = simulate(policies, spec, { action: action(name), resource, principal });
    expect(outcome).toEqual({ decision: expected });
  });

  it('denies rds:DeleteDBInstance on an instance tagged "Production" (tag values compared ignoring case)', () => {
    const outcome = simulate(policies, spec, {
      action: action('rds:DeleteDBInstance'),
      resource: 'production',
      principal: 'ordinary',
      resourceTags: { environment: 'Production' },
    });
    expect(outcome).toEqual({ decision: 'denied' });
  });

  it('still denies an agent whose boundary was stripped (the SCP agent layer)', () => {
    for (const [name, resource] of [
      ['rds:DeleteDBInstance', 'untagged'],
      ['glue:DeleteDatabase', 'non-production'],
    ] as const) {
      const outcome = simulate(policies, spec, {
        action: action(name),
        resource,
        principal: 'agent',
        withBoundary: false,
      });
      expect({ name, outcome }).toEqual({ name, outcome: { decision: 'denied' } });
    }
  });
});

describe('tag tampering, decided by the simulator', () => {
  const tag = (key: string, value?: string): Record<string, string | string[]> => ({
    'aws:TagKeys': [key],
    ...(value === undefined ? {} : { [`aws:RequestTag/${key}`]: value }),
  });
  const cases: [string, string, ResourceState, PrincipalKind, Record<string, string | string[]>, Decision][] = [
    [
      'removing the production tag from a production instance',
      'ec2:DeleteTags',
      'production',
      'ordinary',
      tag('environment'),
      'denied',
    ],
    [
      'retagging a production instance as dev',
      'ec2:CreateTags',
      'production',
      'ordinary',
      tag('environment', 'dev'),
      'denied',
    ],
    [
      're-setting the production tag on a production instance',
      'ec2:CreateTags',
      'production',
      'ordinary',
      tag('environment', 'production'),
      'allowed',
    ],
    [
      'adding a cost tag to a production instance',
      'ec2:CreateTags',
      'production',
      'ordinary',
      tag('cost-center', 'x'),
      'allowed',
    ],
    [
      'removing the production tag, by an exempt role',
      'ec2:DeleteTags',
      'production',
      'exempt',
      tag('environment'),
      'allowed',
    ],
    [
      'an agent tagging an untagged instance as dev',
      'ec2:CreateTags',
      'untagged',
      'agent',
      tag('environment', 'dev'),
      'denied',
    ],
    [
      'an agent retagging a dev instance',
      'ec2:CreateTags',
      'non-production',
      'agent',
      tag('environment', 'test'),
      'allowed',
    ],
    [
      'an agent tagging a new instance at launch',
      'ec2:CreateTags',
      'untagged',
      'agent',
      { ...tag('environment', 'dev'), 'ec2:CreateAction': 'RunInstances' },
      'allowed',
    ],
    [
      'an agent removing the tag from a production function',
      'lambda:UntagResource',
      'production',
      'agent',
      tag('environment'),
      'denied',
    ],
    ['removing the agent tag from a role', 'iam:UntagRole', 'non-production', 'ordinary', tag('leash:agent'), 'denied'],
    [
      'setting the agent session tag to false',
      'sts:TagSession',
      'untagged',
      'ordinary',
      tag('leash:agent', 'false'),
      'denied',
    ],
  ];
  it.each(cases)('decides %s (%s): %s resource, %s role', (_what, name, resource, principal, context, expected) => {
    const outcome = simulate(policies, spec, { action: action(name), resource, principal, context });
    expect(outcome).toEqual({ decision: expected });
  });
});

describe('agent escape routes, decided by the simulator', () => {
  const cases: [
    string,
    string,
    Record<string, string | string[]>,
    Readonly<Record<string, string>> | undefined,
    Decision,
  ][] = [
    [
      'creating a role with this boundary and the agent tag',
      'iam:CreateRole',
      { 'iam:PermissionsBoundary': boundaryArn, 'aws:RequestTag/leash:agent': 'true', 'aws:TagKeys': ['leash:agent'] },
      undefined,
      'allowed',
    ],
    [
      'creating a role without a boundary',
      'iam:CreateRole',
      { 'aws:RequestTag/leash:agent': 'true', 'aws:TagKeys': ['leash:agent'] },
      undefined,
      'denied',
    ],
    [
      'creating a role with another boundary',
      'iam:CreateRole',
      {
        'iam:PermissionsBoundary': `arn:aws:iam::${ACCOUNT}:policy/open`,
        'aws:RequestTag/leash:agent': 'true',
        'aws:TagKeys': ['leash:agent'],
      },
      undefined,
      'denied',
    ],
    [
      'creating a role without the agent tag',
      'iam:CreateRole',
      { 'iam:PermissionsBoundary': boundaryArn },
      undefined,
      'denied',
    ],
    [
      'passing an agent role tagged non-production',
      'iam:PassRole',
      { 'iam:PassedToService': 'lambda.amazonaws.com' },
      { 'leash:agent': 'true', environment: 'dev' },
      'allowed',
    ],
    [
      'passing an agent role not tagged non-production (fail-closed: PassRole is escalation)',
      'iam:PassRole',
      { 'iam:PassedToService': 'lambda.amazonaws.com' },
      { 'leash:agent': 'true' },
      'denied',
    ],
    [
      'passing a role without the agent tag',
      'iam:PassRole',
      { 'iam:PassedToService': 'lambda.amazonaws.com' },
      { environment: 'dev' },
      'denied',
    ],
    ['assuming a role without the agent tag', 'sts:AssumeRole', {}, { environment: 'dev' }, 'denied'],
    [
      'assuming an agent-tagged role tagged non-production',
      'sts:AssumeRole',
      {},
      { 'leash:agent': 'true', environment: 'dev' },
      'allowed',
    ],
    // Assuming a role is a write: the role must be non-production too (the invariant).
    [
      'assuming an agent-tagged role not tagged non-production',
      'sts:AssumeRole',
      {},
      { 'leash:agent': 'true' },
      'denied',
    ],
  ];
  it.each(cases)('decides an agent %s (%s)', (_what, name, context, resourceTags, expected) => {
    const outcome = simulate(policies, spec, {
      action: action(name),
      resource: 'non-production',
      principal: 'agent',
      context,
      resourceTags,
    });
    expect(outcome).toEqual({ decision: expected });
  });
});

describe('what agents can still do, decided by the simulator', () => {
  it('allows reads, lists and creates of the agent services on non-production resources', () => {
    const allowed = new Set(spec.agents.allowedServices);
    const guarded = new Set(['iam:CreateRole', 'iam:CreateUser', 'sts:AssumeRole']);
    const parts = agentInvariantParts(spec, catalog);
    const reached = new Set(checkReadPatterns(catalog, spec.agents.allowedServices, parts.readsAndAllowlist).reached);
    // Reads the patterns reach; creates that can tag the new resource (a create the request cannot tag looks
    // the same in production and is denied: the coverage report lists those).
    const requestTag = (a: (typeof catalog.actions)[number]): boolean =>
      [...a.conditionKeys, ...a.resourceTypes.flatMap((r) => r.conditionKeys)].some((k) =>
        k.toLowerCase().startsWith('aws:requesttag/'),
      );
    const candidates = catalog.actions.filter(
      (a) =>
        allowed.has(a.service) &&
        a.classes.length === 0 &&
        !guarded.has(a.action) &&
        (reached.has(a) || (a.accessLevel === 'Write' && a.name.startsWith('Create') && requestTag(a))),
    );
    const sample = seededSample(candidates, 120, 7);
    const denied: string[] = [];
    const errors: string[] = [];
    for (const candidate of sample) {
      const outcome = simulate(policies, spec, {
        action: candidate,
        resource: 'non-production',
        principal: 'agent',
        context: candidate.accessLevel === 'Write' ? { 'aws:RequestTag/environment': 'dev' } : {},
      });
      if (outcome.error) errors.push(`${candidate.action}: ${outcome.error}`);
      else if (outcome.decision !== 'allowed') denied.push(candidate.action);
    }
    expect(errors).toEqual([]);
    expect(denied).toEqual([]);
  });
});

describe('several production tag keys, decided by the simulator', () => {
  const multiSpec = GuardrailSpec.parse({ production: { tagKeys: ['environment', 'env'] } });
  let multi: ProofPolicies;
  beforeAll(() => {
    multi = proofPolicies(generateGuardrails(multiSpec, catalog));
  });
  const cases: [string, Readonly<Record<string, string>>, PrincipalKind, Decision][] = [
    ['production under the second key only', { env: 'production' }, 'ordinary', 'denied'],
    ['production under the first key only', { environment: 'prod' }, 'ordinary', 'denied'],
    ['dev under one key and production under the other', { environment: 'dev', env: 'production' }, 'agent', 'denied'],
    ['dev under the second key only', { env: 'dev' }, 'agent', 'allowed'],
    ['a value that is neither', { environment: 'qa' }, 'agent', 'denied'],
  ];
  it.each(cases)(
    'decides rds:DeleteDBInstance on an instance tagged %s for the %s role',
    (_what, tags, principal, expected) => {
      const outcome = simulate(multi, multiSpec, {
        action: action('rds:DeleteDBInstance'),
        resource: 'production',
        principal,
        resourceTags: tags,
      });
      expect(outcome).toEqual({ decision: expected });
    },
  );
});
