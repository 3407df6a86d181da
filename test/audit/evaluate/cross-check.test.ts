// Cross-check of the evaluator against @cloud-copilot/iam-simulate (AGPL: used here, in tests, only).
// fast-check builds random identity policies, boundaries and SCP chains from a vocabulary of real actions,
// wildcards, NotAction / NotResource and tag / principal conditions, plus a random request. Wherever our
// engine answers allowed or denied, the simulator must agree. Where our engine answers `depends`, the
// request context is made concrete in every way the vocabulary allows and the simulator must give both
// outcomes (otherwise the `depends` was imprecise: counted, not failed, since imprecision is safe).
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import fc from 'fast-check';
import { compileAccount, type RequestContext } from '../../../lib/audit/evaluate';
import { loadCatalog } from '../../../lib/catalog';
import { sweepStride } from '../../support/sweep';
import { ACCOUNT, managedArn, principal as makePrincipal, snapshot } from './helpers';
import { organizationLevels, scpLevelPolicies, statementArb, type Vocabulary } from './policy-arbitraries';

const catalog = loadCatalog();
const REGION = 'us-east-1';
// npm test runs a third of the 2,400 scenarios (the same seed, so the same first third); all of them with
// SWEEP_STRIDE=1 (npm run prove:sweeps).
const RUNS = 2400;
const STRIDE = sweepStride(3);

/** Actions with a resource of the right type for each (wildcard-only actions are requested on `*`). */
const REQUESTS: Record<string, string[]> = {
  's3:DeleteBucket': ['arn:aws:s3:::prod-data', 'arn:aws:s3:::scratch'],
  's3:GetObject': ['arn:aws:s3:::prod-data/report.csv'],
  's3:DeleteObject': ['arn:aws:s3:::scratch/tmp.txt'],
  'rds:DeleteDBInstance': [`arn:aws:rds:${REGION}:${ACCOUNT}:db:prod-db`, `arn:aws:rds:${REGION}:${ACCOUNT}:db:dev-db`],
  'rds:CreateDBSnapshot': [`arn:aws:rds:${REGION}:${ACCOUNT}:db:prod-db`],
  'dynamodb:DeleteTable': [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`],
  'ec2:TerminateInstances': [`arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`],
  'ec2:DescribeInstances': ['*'],
  'iam:DeleteRole': [`arn:aws:iam::${ACCOUNT}:role/app`],
  'iam:DeleteAccountPasswordPolicy': ['*'],
  'sqs:DeleteQueue': [`arn:aws:sqs:${REGION}:${ACCOUNT}:jobs`],
  'lambda:DeleteFunction': [`arn:aws:lambda:${REGION}:${ACCOUNT}:function:api`],
};
const ACTIONS = Object.keys(REQUESTS);

const ACTION_PATTERNS = [
  ...ACTIONS,
  '*',
  's3:*',
  's3:Delete*',
  'rds:Delete*',
  'rds:*',
  'ec2:*Instances',
  'iam:Delete*',
  'dynamodb:?eleteTable',
  'sqs:*',
  'lambda:Delete*',
];
const RESOURCE_PATTERNS = [
  '*',
  ...Object.values(REQUESTS)
    .flat()
    .filter((arn) => arn !== '*'),
  'arn:aws:s3:::prod-*',
  'arn:aws:s3:::*/*',
  'arn:aws:rds:*:*:db:prod-*',
  `arn:aws:*:*:${ACCOUNT}:*`,
  'arn:aws:iam::*:role/*',
];
const CONDITIONS: Record<string, unknown>[] = [
  { StringEquals: { 'aws:ResourceTag/env': 'prod' } },
  { StringNotEquals: { 'aws:ResourceTag/env': 'prod' } },
  { StringLike: { 'aws:ResourceTag/env': 'pr*' } },
  { StringNotLike: { 'aws:ResourceTag/env': ['dev', 'test*'] } },
  { StringEqualsIfExists: { 'aws:ResourceTag/env': 'dev' } },
  { StringEqualsIgnoreCase: { 'aws:ResourceTag/env': 'PROD' } },
  { Null: { 'aws:ResourceTag/env': 'true' } },
  { Null: { 'aws:ResourceTag/env': 'false' } },
  { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/agent' } },
  { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/break-glass' } },
  { StringEquals: { 'aws:PrincipalTag/team': 'payments' } },
  { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } },
  {
    StringEquals: { 'aws:ResourceTag/env': 'prod' },
    ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/break-glass' },
  },
];
const TAG_CHOICES: (Record<string, string> | undefined)[] = [{}, { env: 'prod' }, { env: 'dev' }, { env: 'test-1' }];

const VOCABULARY: Vocabulary = {
  actionPatterns: ACTION_PATTERNS,
  resourcePatterns: RESOURCE_PATTERNS,
  condition: fc.option(fc.constantFrom(...CONDITIONS), { freq: 2 }),
};

const documentArb = (effect: fc.Arbitrary<'Allow' | 'Deny'>, max = 3) =>
  fc
    .array(statementArb(effect, VOCABULARY), { minLength: 1, maxLength: max })
    .map((Statement) => ({ Version: '2012-10-17', Statement }));

const anyEffect = fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Deny');

const scenarioArb = fc.record({
  principalName: fc.constantFrom('agent', 'break-glass'),
  team: fc.constantFrom<string | undefined>('payments', undefined),
  identity: fc.array(documentArb(anyEffect), { minLength: 1, maxLength: 2 }),
  boundary: fc.oneof({ arbitrary: fc.constant(null), weight: 2 }, { arbitrary: documentArb(anyEffect, 2), weight: 1 }),
  // Each SCP level: FullAWSAccess or not, plus an optional random policy.
  scps: fc.option(
    fc.array(fc.record({ full: fc.boolean(), extra: fc.option(documentArb(anyEffect, 2)) }), {
      minLength: 1,
      maxLength: 3,
    }),
    { freq: 2 },
  ),
  action: fc.constantFrom(...ACTIONS),
  resourceIndex: fc.nat(),
  tags: fc.constantFrom(...TAG_CHOICES),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function ours(scenario: Scenario, context: RequestContext) {
  const account = compileAccount(
    snapshot({
      principals: [
        makePrincipal(scenario.principalName, {
          tags: scenario.team ? { team: scenario.team } : {},
          inline: Object.fromEntries(scenario.identity.map((doc, i) => [`p${i}`, doc])),
          boundary: scenario.boundary ? managedArn('boundary') : undefined,
        }),
      ],
      managed: scenario.boundary ? { boundary: scenario.boundary } : {},
      scps: scpLevelPolicies(scenario.scps),
    }),
    catalog,
  );
  expect(account.invalidPolicies).toEqual([]);
  return account.principals[0].decide(scenario.action, context);
}

async function theirs(
  scenario: Scenario,
  resource: string,
  tags: Record<string, string> | undefined,
): Promise<'allowed' | 'denied'> {
  const principalArn = `arn:aws:iam::${ACCOUNT}:role/${scenario.principalName}`;
  const contextVariables: Record<string, string> = {
    'aws:PrincipalArn': principalArn,
    'aws:PrincipalAccount': ACCOUNT,
  };
  if (scenario.team) contextVariables['aws:PrincipalTag/team'] = scenario.team;
  // The simulator accepts aws:ResourceTag for every action (its README: global keys are not yet validated
  // per action). A request for an action without resource-tag support carries none: model that here.
  if (catalog.get(scenario.action)?.tagSupport !== 'none') {
    for (const [key, value] of Object.entries(tags ?? {})) contextVariables[`aws:ResourceTag/${key}`] = value;
  }
  const simulation: Simulation = {
    request: {
      principal: principalArn,
      action: scenario.action,
      resource: { resource, accountId: ACCOUNT },
      contextVariables,
    },
    identityPolicies: scenario.identity.map((policy, i) => ({ name: `p${i}`, policy })),
    permissionBoundaryPolicies: scenario.boundary ? [{ name: 'boundary', policy: scenario.boundary }] : undefined,
    serviceControlPolicies: organizationLevels(scpLevelPolicies(scenario.scps)),
    resourceControlPolicies: [],
    // S3 evaluates aws:ResourceTag on buckets only with ABAC enabled; our requests state the tags as known.
    additionalSettings: { s3: { bucketAbacEnabled: true } },
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') throw new Error(`simulator rejected the case: ${JSON.stringify(result.errors)}`);
  return result.overallResult === 'Allowed' ? 'allowed' : 'denied';
}

const counts = {
  cases: 0,
  allowed: 0,
  denied: 0,
  depends: 0,
  dependsConfirmed: 0,
  dependsImprecise: 0,
  unknownTagCases: 0,
};

afterAll(() => {
  console.log(`iam-simulate cross-check: ${JSON.stringify(counts)}`);
});

describe('agreement with @cloud-copilot/iam-simulate', () => {
  it('has the vocabulary it claims (a tagless destructive action, a wildcard-only one)', () => {
    expect(catalog.get('iam:DeleteAccountPasswordPolicy')?.tagSupport).toBe('none');
    expect(catalog.get('ec2:DescribeInstances')?.isWildcardOnly).toBe(true);
  });

  it('agrees on every definite answer for a concrete request', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const candidates = REQUESTS[scenario.action];
        const resource = candidates[scenario.resourceIndex % candidates.length];
        const context: RequestContext = {
          resourceArn: resource === '*' ? undefined : resource,
          resourceTags: scenario.tags,
          requestTags: {},
        };
        const decision = ours(scenario, context);
        counts.cases++;
        if (decision.decision === 'depends') {
          counts.depends++;
          return;
        }
        counts[decision.decision]++;
        expect(decision.decision).toBe(await theirs(scenario, resource, scenario.tags));
      }),
      { numRuns: Math.ceil(RUNS / STRIDE), seed: 20261124 },
    );
  });

  it('with unknown resource tags: definite answers hold for every tag value, `depends` answers can go both ways', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const candidates = REQUESTS[scenario.action];
        const resource = candidates[scenario.resourceIndex % candidates.length];
        const decision = ours(scenario, { resourceArn: resource === '*' ? undefined : resource, requestTags: {} });
        counts.unknownTagCases++;
        const outcomes = new Set<string>();
        for (const tags of TAG_CHOICES) outcomes.add(await theirs(scenario, resource, tags));
        if (decision.decision === 'depends') {
          expect(decision.dependsOn.length).toBeGreaterThan(0);
          if (outcomes.size === 2) counts.dependsConfirmed++;
          else counts.dependsImprecise++;
        } else {
          expect([...outcomes]).toEqual([decision.decision]);
        }
      }),
      { numRuns: Math.ceil(RUNS / 4 / STRIDE), seed: 7 },
    );
  });
});
