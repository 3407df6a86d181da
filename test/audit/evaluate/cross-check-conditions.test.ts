// Cross-check of the evaluator's request context against @cloud-copilot/iam-simulate (AGPL: used here, in tests,
// only). cross-check.test.ts covers actions, resources and resource-tag / principal conditions; this file covers
// what else a request carries: request tags and aws:TagKeys under set operators, MFA, the requested Region, the
// principal's organization, policy variables in Resource and Condition values (users and roles), RCPs next to
// SCPs, and Deny guardrails in SCPs, boundaries and RCPs. Roles and users share one compiled account, so answers
// also go through the plans and templates principals share. Same contract as the other cross-check: a definite
// answer must match the simulator; a `depends` must name only keys left unknown, and is counted as confirmed
// when making them concrete can go both ways (imprecision is safe, so it is counted, not failed).
// Where the simulator departs from the IAM User Guide the vocabulary steps around it, and the guide's answer is
// pinned on our engine alone at the end of the file.
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import fc from 'fast-check';
import { compileAccount, type ActionDecision, type RequestContext } from '../../../lib/audit/evaluate';
import { loadCatalog } from '../../../lib/catalog';
import type { CatalogAction } from '../../../lib/catalog/types';
import { ACCOUNT, managedArn, principal as makePrincipal, snapshot } from './helpers';
import {
  ALLOW_ALL,
  doc,
  list,
  oneOrMany,
  organizationLevels,
  scpLevelPolicies,
  statementArb,
  type Document,
  type Vocabulary,
} from './policy-arbitraries';
import { sweepStride } from '../../support/sweep';

// npm test runs half the random cases of each property (the same seeds); all with SWEEP_STRIDE=1.
const STRIDE = sweepStride(2);

const catalog = loadCatalog();
const REGION = 'us-east-1';
const ORG = 'o-a1b2c3d4e5';

const PRINCIPALS = [
  { kind: 'role', name: 'agent' },
  { kind: 'role', name: 'break-glass' },
  { kind: 'user', name: 'alice' },
  { kind: 'user', name: 'bob' },
] as const;
const arnOf = (who: (typeof PRINCIPALS)[number]) => `arn:aws:iam::${ACCOUNT}:${who.kind}/${who.name}`;
const [AGENT, BREAK_GLASS, ALICE, BOB] = [0, 1, 2, 3];

/** Whether a request for this action can carry a condition key, as the catalog lists them (action and resources). */
function carries(action: CatalogAction, key: 'aws:RequestTag/' | 'aws:TagKeys'): boolean {
  const keys = [...action.conditionKeys, ...action.resourceTypes.flatMap((type) => type.conditionKeys)];
  return keys.some((listed) => listed.toLowerCase().startsWith(key.toLowerCase()));
}

/**
 * Actions with resources of one type each. The first group accepts request tags (aws:RequestTag/* and
 * aws:TagKeys both, per the catalog); the untag actions carry aws:TagKeys alone (keys, no values); the last
 * group accepts neither, so tags sent with them must not count.
 */
const REQUESTS: Record<string, string[]> = {
  'sqs:CreateQueue': [`arn:aws:sqs:${REGION}:${ACCOUNT}:payments-jobs`, `arn:aws:sqs:${REGION}:${ACCOUNT}:alice-jobs`],
  'sqs:TagQueue': [`arn:aws:sqs:${REGION}:${ACCOUNT}:payments-jobs`],
  'dynamodb:TagResource': [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/payments`],
  'iam:TagRole': [`arn:aws:iam::${ACCOUNT}:role/app`],
  'lambda:CreateFunction': [`arn:aws:lambda:${REGION}:${ACCOUNT}:function:alice-api`],
  's3:CreateBucket': ['arn:aws:s3:::home-alice', 'arn:aws:s3:::shared-data'],
  'secretsmanager:TagResource': [`arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:payments-db-AbCdEf`],
  'rds:CreateDBInstance': [`arn:aws:rds:${REGION}:${ACCOUNT}:db:prod-db`],

  'sqs:UntagQueue': [`arn:aws:sqs:${REGION}:${ACCOUNT}:payments-jobs`],
  'iam:UntagRole': [`arn:aws:iam::${ACCOUNT}:role/app`],
  'dynamodb:UntagResource': [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/payments`],

  'sqs:DeleteQueue': [`arn:aws:sqs:${REGION}:${ACCOUNT}:payments-jobs`, `arn:aws:sqs:${REGION}:${ACCOUNT}:bob-jobs`],
  's3:DeleteBucket': ['arn:aws:s3:::home-alice', 'arn:aws:s3:::payments-data'],
  's3:GetObject': ['arn:aws:s3:::home-alice/notes.txt', 'arn:aws:s3:::home-bob/notes.txt'],
  'dynamodb:DeleteTable': [
    `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/payments`,
    `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/data`,
  ],
  'rds:DeleteDBInstance': [`arn:aws:rds:${REGION}:${ACCOUNT}:db:prod-db`],
  'iam:DeleteRole': [`arn:aws:iam::${ACCOUNT}:role/app`],
  'lambda:DeleteFunction': [`arn:aws:lambda:${REGION}:${ACCOUNT}:function:alice-api`],
  'ec2:DescribeInstances': ['*'],
};
const ACTIONS = Object.keys(REQUESTS);

const ACTION_PATTERNS = [
  ...ACTIONS,
  '*',
  'sqs:*',
  'sqs:Create*',
  's3:*',
  's3:Delete*',
  'dynamodb:*',
  'iam:*Role',
  'lambda:*',
  'secretsmanager:*',
  'rds:*',
  'ec2:Describe*',
];

/**
 * Resource patterns, with policy variables: for a role, aws:username is absent and matches nothing. No variable
 * opens a resource part that has no `/` or `:` of its own, as in `arn:aws:sqs:*:*:${aws:username}-*`: the
 * simulator cuts the resource part at the colon inside `${aws:...}` (the guide's answer is pinned below).
 */
const RESOURCE_PATTERNS = [
  '*',
  'arn:aws:s3:::home-${aws:username}',
  'arn:aws:s3:::home-${aws:username}/*',
  "arn:aws:s3:::${aws:PrincipalTag/team, 'shared'}-data",
  'arn:aws:sqs:*:*:payments-*',
  'arn:aws:dynamodb:*:*:table/${aws:PrincipalTag/team}',
  'arn:aws:lambda:*:*:function:${aws:username}-*',
  'arn:aws:secretsmanager:*:*:secret:${aws:PrincipalTag/team}-*',
  'arn:aws:s3:::*',
  'arn:aws:sqs:*:*:*',
  `arn:aws:*:*:${ACCOUNT}:*`,
  'arn:aws:iam::*:role/*',
  'arn:aws:rds:*:*:db:prod-*',
];

const CONDITIONS: Record<string, Record<string, unknown>>[] = [
  // Request tags and their keys.
  { StringEquals: { 'aws:RequestTag/env': 'prod' } },
  { StringEquals: { 'aws:RequestTag/env': ['dev', 'test'] } },
  { StringNotEquals: { 'aws:RequestTag/env': 'prod' } },
  { StringLike: { 'aws:RequestTag/env': 'pr*' } },
  { StringEqualsIfExists: { 'aws:RequestTag/env': 'dev' } },
  { Null: { 'aws:RequestTag/env': 'true' } },
  { Null: { 'aws:RequestTag/env': 'false' } },
  { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env', 'team'] } },
  { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } },
  { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'c*' } },
  { 'ForAllValues:StringLike': { 'aws:TagKeys': ['env', 'own*'] } },
  { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['env', 'team', 'owner'] } },
  { Null: { 'aws:TagKeys': 'false' } },
  // MFA, Region, organization.
  { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
  { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
  { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
  { Null: { 'aws:MultiFactorAuthPresent': 'true' } },
  { StringEquals: { 'aws:RequestedRegion': REGION } },
  { StringNotEquals: { 'aws:RequestedRegion': [REGION, 'us-west-2'] } },
  { StringLike: { 'aws:RequestedRegion': 'eu-*' } },
  { StringEquals: { 'aws:PrincipalOrgID': ORG } },
  { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': ORG } },
  // Policy variables in condition values (a variable with no value and no default matches nothing).
  { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } },
  { StringEquals: { 'aws:RequestTag/team': '${aws:PrincipalTag/team}' } },
  { StringLike: { 'aws:ResourceTag/owner': ['${aws:username}', 'shared-*'] } },
  { StringEquals: { 'aws:ResourceTag/team': "${aws:PrincipalTag/team, 'none'}" } },
  // A negated operator only with a default: on a variable with no value the simulator departs (pinned below).
  { StringNotEquals: { 'aws:ResourceTag/owner': "${aws:username, 'nobody'}" } },
  // The variable only in the ARN's last part: the simulator splits a policy ARN at its colons before it
  // substitutes, so `arn:aws:iam::${aws:PrincipalAccount}:...` never matches there (pinned below).
  { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/\${aws:username}` } },
  // Principal and resource tags, as the guardrails combine them.
  { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/break-glass' } },
  { StringEquals: { 'aws:username': 'alice' } },
  { StringEquals: { 'aws:ResourceTag/env': 'prod' } },
  {
    StringEquals: { 'aws:ResourceTag/env': 'prod' },
    ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/break-glass' },
  },
  { StringEquals: { 'aws:ResourceTag/env': 'prod' }, BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
];

const FULL = doc(ALLOW_ALL);

const TAGGING = [
  'sqs:CreateQueue',
  'sqs:TagQueue',
  'dynamodb:TagResource',
  'iam:TagRole',
  'secretsmanager:TagResource',
  'sqs:UntagQueue',
  'iam:UntagRole',
  'dynamodb:UntagResource',
];
/** Deny guardrails as organizations write them into SCPs and boundaries. */
const PRODUCTION_PROTECTION = {
  Effect: 'Deny',
  Action: ['s3:DeleteBucket', 'rds:DeleteDBInstance', 'dynamodb:DeleteTable', 'sqs:DeleteQueue', 'iam:DeleteRole'],
  Resource: '*',
  Condition: {
    StringEquals: { 'aws:ResourceTag/env': 'prod' },
    ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/break-glass' },
  },
};
/** Global services are exempt. */
const REGION_LOCK = {
  Effect: 'Deny',
  NotAction: ['iam:*', 'sts:*'],
  Resource: '*',
  Condition: { StringNotEquals: { 'aws:RequestedRegion': [REGION, 'us-west-2'] } },
};
/** Long-term credentials carry no MFA key at all: IfExists denies them too. */
const DELETES_NEED_MFA = {
  Effect: 'Deny',
  Action: ['s3:Delete*', 'sqs:Delete*', 'dynamodb:Delete*', 'rds:Delete*'],
  Resource: '*',
  Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
};
const CREATE_NEEDS_ENV_TAG = {
  Effect: 'Deny',
  Action: ['sqs:CreateQueue', 's3:CreateBucket', 'lambda:CreateFunction', 'rds:CreateDBInstance'],
  Resource: '*',
  Condition: { Null: { 'aws:RequestTag/env': 'true' } },
};
const KNOWN_TAG_KEYS_ONLY = {
  Effect: 'Deny',
  Action: TAGGING,
  Resource: '*',
  Condition: { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['env', 'team', 'owner'] } },
};
const TEAM_TAG_RESERVED = {
  Effect: 'Deny',
  Action: TAGGING,
  Resource: '*',
  Condition: {
    'ForAnyValue:StringEquals': { 'aws:TagKeys': 'team' },
    ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/break-glass' },
  },
};
const GUARDRAILS = [
  PRODUCTION_PROTECTION,
  REGION_LOCK,
  DELETES_NEED_MFA,
  CREATE_NEEDS_ENV_TAG,
  KNOWN_TAG_KEYS_ONLY,
  TEAM_TAG_RESERVED,
];

/** RCPs: Deny only, Principal "*". KMS is left out: the simulator needs a key policy for it. */
const ORGANIZATION_ONLY = {
  Effect: 'Deny',
  Principal: '*',
  Action: ['s3:*', 'sqs:*', 'dynamodb:*', 'secretsmanager:*'],
  Resource: '*',
  Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': ORG } },
};
const RCP_PRODUCTION_PROTECTION = {
  Effect: 'Deny',
  Principal: '*',
  Action: ['s3:DeleteBucket', 'sqs:DeleteQueue', 'dynamodb:DeleteTable'],
  Resource: '*',
  Condition: PRODUCTION_PROTECTION.Condition,
};
const RCP_GUARDRAILS = [ORGANIZATION_ONLY, RCP_PRODUCTION_PROTECTION];
const RCP_ACTION_PATTERNS = [
  's3:*',
  's3:Delete*',
  'sqs:*',
  'sqs:Create*',
  'sqs:DeleteQueue',
  'dynamodb:*',
  'secretsmanager:*',
];
const RCP_RESOURCES = ACTIONS.filter((action) => catalog.rcpServices.has(action.split(':')[0])).flatMap(
  (action) => REQUESTS[action],
);

/** One or two conditions from the vocabulary, merged; a key named twice keeps its first values. */
const conditionArb = fc.option(list(CONDITIONS, 2), { freq: 2, nil: undefined }).map((picked) => {
  if (!picked) return undefined;
  const merged: Record<string, Record<string, unknown>> = {};
  for (const condition of picked) {
    for (const [operator, keys] of Object.entries(condition)) merged[operator] = { ...keys, ...merged[operator] };
  }
  return merged;
});

const VOCABULARY: Vocabulary = {
  actionPatterns: ACTION_PATTERNS,
  resourcePatterns: RESOURCE_PATTERNS,
  condition: conditionArb,
  // NotResource without policy variables: with a variable that has no value the simulator departs (pinned below).
  accept: (s) => !s.notResource || s.resources.every((pattern) => !pattern.includes('${')),
};

const documentArb = (effect: fc.Arbitrary<'Allow' | 'Deny'>, max = 3) =>
  fc.array(statementArb(effect, VOCABULARY), { minLength: 1, maxLength: max }).map((statements) => doc(...statements));

/** A broad grant that only its condition narrows: what makes conditions, not Action lists, decide. */
const conditionalAllowArb = fc
  .record({
    actions: fc.constantFrom(
      ['*'],
      ['sqs:*', 's3:*'],
      ['dynamodb:*', 'iam:*Role', 'rds:*'],
      ['lambda:*', 'secretsmanager:*', 'ec2:Describe*'],
    ),
    condition: fc.constantFrom(...CONDITIONS),
  })
  .map(({ actions, condition }) => ({
    Effect: 'Allow',
    Action: oneOrMany(actions),
    Resource: '*',
    Condition: condition,
  }));

const anyEffect = fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Allow', 'Deny');
/** A document that allows everything but one or two guardrails. */
const guardedArb = list(GUARDRAILS, 2).map((denies) => doc(ALLOW_ALL, ...denies));

const rcpStatementArb = fc
  .record({
    actions: list(RCP_ACTION_PATTERNS, 2),
    resources: fc.oneof(fc.constant<string[]>(['*']), list(RCP_RESOURCES, 2)),
    condition: conditionArb,
  })
  .map((s) => ({
    Effect: 'Deny',
    Principal: '*',
    Action: oneOrMany(s.actions),
    Resource: oneOrMany(s.resources),
    ...(s.condition ? { Condition: s.condition } : {}),
  }));
const rcpDocumentArb = fc.oneof(
  list(RCP_GUARDRAILS, 2).map((statements) => doc(...statements)),
  fc.array(rcpStatementArb, { minLength: 1, maxLength: 2 }).map((statements) => doc(...statements)),
);

/** No tags, one tag, several tags. */
const REQUEST_TAG_CHOICES: Record<string, string>[] = [
  {},
  { env: 'prod' },
  { team: 'data' },
  { env: 'dev', team: 'payments' },
  { env: 'test', owner: 'alice', cost: '42' },
];
const RESOURCE_TAG_CHOICES: Record<string, string>[] = [
  {},
  { env: 'prod' },
  { env: 'dev', team: 'payments', owner: 'alice' },
  { env: 'prod', team: 'data', owner: 'shared-ops' },
];
const MFA_CHOICES = ['true', 'false', undefined];
const REGION_CHOICES = [REGION, 'us-west-2', 'eu-west-1'];
const ORG_CHOICES = [ORG, 'o-other', undefined];

interface ConcreteRequest {
  readonly requestTags: Record<string, string>;
  readonly resourceTags: Record<string, string>;
  /** aws:MultiFactorAuthPresent; undefined: the key is absent (long-term credentials). */
  readonly mfa?: string;
  readonly region?: string;
  readonly orgId?: string;
}

/** Requests lean to what a guardrail lets through (MFA, home Region, own organization), or most would be denied. */
const requestArb: fc.Arbitrary<ConcreteRequest> = fc.record({
  requestTags: fc.constantFrom(...REQUEST_TAG_CHOICES),
  resourceTags: fc.constantFrom(...RESOURCE_TAG_CHOICES),
  mfa: fc.constantFrom('true', ...MFA_CHOICES),
  region: fc.constantFrom<string | undefined>(REGION, ...REGION_CHOICES),
  orgId: fc.constantFrom(ORG, ORG, ...ORG_CHOICES),
});

interface Case {
  /** Each principal's `team` tag, in PRINCIPALS order. */
  readonly teams: readonly (string | undefined)[];
  /** A managed policy every principal has (shared plans), and one more: roles' inline, the users' group's. */
  readonly identity: readonly Document[];
  readonly boundary?: Document;
  /** SCP levels from the root down: FullAWSAccess or not, plus an optional policy. */
  readonly scps?: readonly { readonly full: boolean; readonly extra?: Document }[];
  /** RCP levels, each a list of policies (RCPFullAWSAccess is implicit on both sides). */
  readonly rcps?: readonly (readonly Document[])[];
  readonly action: string;
  readonly resource: string;
  readonly request: ConcreteRequest;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    teams: fc.array(fc.constantFrom<string | undefined>('payments', 'data', undefined), {
      minLength: PRINCIPALS.length,
      maxLength: PRINCIPALS.length,
    }),
    grants: fc.array(conditionalAllowArb, { maxLength: 2 }),
    identity: fc.array(documentArb(anyEffect), { minLength: 1, maxLength: 2 }),
    boundary: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 3 },
      { arbitrary: documentArb(anyEffect, 2), weight: 1 },
      { arbitrary: guardedArb, weight: 1 },
    ),
    scps: fc.option(
      fc.array(
        fc.record({
          full: fc.constantFrom(true, true, true, false),
          extra: fc.option(fc.oneof(documentArb(anyEffect, 2), guardedArb), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      { freq: 3, nil: undefined },
    ),
    rcps: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 2 },
      {
        arbitrary: fc.array(fc.array(rcpDocumentArb, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 2 }),
        weight: 1,
      },
    ),
    action: fc.constantFrom(...ACTIONS),
    resourceIndex: fc.nat(),
    request: requestArb,
  })
  .map(({ grants, identity: [first, ...rest], resourceIndex, ...c }) => ({
    ...c,
    identity: [doc(...grants, ...first.Statement), ...rest],
    resource: REQUESTS[c.action][resourceIndex % REQUESTS[c.action].length],
  }));

function rcpLevels(c: Case): Record<string, unknown>[] | undefined {
  return c.rcps?.map((level) => Object.fromEntries(level.map((policy, i) => [`rcp${i}`, policy])));
}

/** What can be left unknown, the values it takes when made concrete, and the keys that stand for it. */
const DIMENSIONS = {
  requestTags: { values: REQUEST_TAG_CHOICES, keys: ['aws:requesttag/', 'aws:tagkeys'] },
  resourceTags: { values: RESOURCE_TAG_CHOICES, keys: ['aws:resourcetag/'] },
  mfa: { values: MFA_CHOICES, keys: ['aws:multifactorauthpresent'] },
  region: { values: [...REGION_CHOICES, undefined], keys: ['aws:requestedregion'] },
  orgId: { values: ORG_CHOICES, keys: ['aws:principalorgid'] },
} as const;
type Dimension = keyof typeof DIMENSIONS;
const standsFor = (dimension: Dimension, lowerKey: string) =>
  DIMENSIONS[dimension].keys.some((key) => (key.endsWith('/') ? lowerKey.startsWith(key) : lowerKey === key));

/**
 * Our request context: what is known of the request, with `unknown` left out (any value, or none). A context
 * key known to be absent is given as an empty list.
 */
function ourContext(c: Case, unknown?: Dimension): RequestContext {
  const { request } = c;
  const contextKeys: Record<string, string[]> = {};
  if (unknown !== 'mfa') contextKeys['aws:multifactorauthpresent'] = request.mfa ? [request.mfa] : [];
  if (unknown !== 'region') contextKeys['aws:requestedregion'] = request.region ? [request.region] : [];
  if (unknown !== 'orgId') contextKeys['aws:principalorgid'] = request.orgId ? [request.orgId] : [];
  return {
    resourceArn: c.resource === '*' ? undefined : c.resource,
    ...(unknown === 'resourceTags' ? {} : { resourceTags: request.resourceTags }),
    ...(unknown === 'requestTags' ? {} : { requestTags: request.requestTags }),
    contextKeys,
  };
}

function compile(c: Case) {
  const [shared, second] = c.identity;
  const account = compileAccount(
    snapshot({
      principals: [
        ...PRINCIPALS.map((who, i) =>
          makePrincipal(who.name, {
            kind: who.kind,
            tags: c.teams[i] ? { team: c.teams[i] } : {},
            managed: [managedArn('shared')],
            inline: second && who.kind === 'role' ? { own: second } : {},
            groups: who.kind === 'user' ? ['devs'] : [],
            boundary: c.boundary ? managedArn('boundary') : undefined,
          }),
        ),
        makePrincipal('devs', { kind: 'group', inline: second ? { team: second } : {} }),
      ],
      managed: { shared, ...(c.boundary ? { boundary: c.boundary } : {}) },
      scps: scpLevelPolicies(c.scps),
      rcps: rcpLevels(c),
    }),
    catalog,
  );
  expect(account.invalidPolicies).toEqual([]);
  return account;
}

/** One principal's decision, held to what the bulk path says (its action classes see the same keys). */
function ours(account: ReturnType<typeof compile>, who: number, c: Case, context: RequestContext): ActionDecision {
  const principal = account.principal(arnOf(PRINCIPALS[who]))!;
  const decision = principal.decide(c.action, context);
  const catalogAction = catalog.get(c.action)!;
  const serviceActions = catalog.serviceActions(catalogAction.service);
  const bulk = principal.decideMany(serviceActions, context)[serviceActions.indexOf(catalogAction)];
  expect(bulk.decision).toBe(decision.decision);
  return decision;
}

async function theirs(c: Case, who: number, request: ConcreteRequest = c.request): Promise<'allowed' | 'denied'> {
  const principal = PRINCIPALS[who];
  const principalArn = arnOf(principal);
  const action = catalog.get(c.action)!;
  // The simulator fills in no context key from the principal (its README): pass what the snapshot knows.
  const contextVariables: Record<string, string | string[]> = {
    'aws:PrincipalArn': principalArn,
    'aws:PrincipalAccount': ACCOUNT,
  };
  // "aws:username ... is always included in the request context for IAM users ... requests made using ... IAM
  // roles do not include this key" (IAM User Guide, global condition context keys).
  if (principal.kind === 'user') contextVariables['aws:username'] = principal.name;
  if (c.teams[who]) contextVariables['aws:PrincipalTag/team'] = c.teams[who];
  // The simulator takes global keys for every action (its README); a request carries a tag key only when the
  // action lists it, as our catalog says.
  if (action.tagSupport !== 'none') {
    for (const [key, value] of Object.entries(request.resourceTags)) contextVariables[`aws:ResourceTag/${key}`] = value;
  }
  if (carries(action, 'aws:RequestTag/')) {
    for (const [key, value] of Object.entries(request.requestTags)) contextVariables[`aws:RequestTag/${key}`] = value;
  }
  // A request without tags has no aws:TagKeys at all, not an empty list.
  const tagKeys = Object.keys(request.requestTags);
  if (carries(action, 'aws:TagKeys') && tagKeys.length > 0) contextVariables['aws:TagKeys'] = tagKeys;
  if (request.mfa !== undefined) contextVariables['aws:MultiFactorAuthPresent'] = request.mfa;
  if (request.region !== undefined) contextVariables['aws:RequestedRegion'] = request.region;
  if (request.orgId !== undefined) contextVariables['aws:PrincipalOrgID'] = request.orgId;
  // RCPs restrict only the services that support them (Organizations User Guide, "Resource control policies",
  // list of supported services); the simulator applies them to any service.
  const rcpApplies = catalog.rcpServices.has(action.service.toLowerCase());
  const simulation: Simulation = {
    request: {
      principal: principalArn,
      action: c.action,
      resource: { resource: c.resource, accountId: ACCOUNT },
      contextVariables,
    },
    identityPolicies: c.identity.map((policy, i) => ({ name: `p${i}`, policy })),
    permissionBoundaryPolicies: c.boundary ? [{ name: 'boundary', policy: c.boundary }] : undefined,
    serviceControlPolicies: organizationLevels(scpLevelPolicies(c.scps)),
    resourceControlPolicies: rcpApplies ? organizationLevels(rcpLevels(c)) : [],
    // S3 evaluates aws:ResourceTag on buckets only with ABAC enabled; our requests state the tags as known.
    additionalSettings: { s3: { bucketAbacEnabled: true } },
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') throw new Error(`simulator rejected the case: ${JSON.stringify(result.errors)}`);
  if (result.resultType === 'single') expect(result.result.ignoredContextKeys).toEqual([]);
  return result.overallResult === 'Allowed' ? 'allowed' : 'denied';
}

/** Fails with what a reader needs to reproduce the case by hand. */
function disagreement(c: Case, who: number, decision: ActionDecision, expected: string): Error {
  return new Error(
    `ours ${decision.decision}, simulator ${expected} for ${arnOf(PRINCIPALS[who])} (team ${c.teams[who]}) ` +
      `${c.action} on ${c.resource}\n${JSON.stringify({ decision, c }, null, 1)}`,
  );
}

const counts = {
  principalCases: 0,
  allowed: 0,
  denied: 0,
  dependsWhenConcrete: 0,
  unknownCases: 0,
  definiteWhenUnknown: 0,
  dependsConfirmed: 0,
  dependsImprecise: 0,
};

afterAll(() => {
  console.log(`iam-simulate cross-check (request context): ${JSON.stringify(counts)}`);
});

describe('agreement with @cloud-copilot/iam-simulate on request context', () => {
  it('has the vocabulary it claims (request-tag actions, tagless actions, RCP services)', () => {
    // An action that passes tags passes their keys too; the untag actions pass keys alone.
    for (const action of ACTIONS) {
      const known = catalog.get(action)!;
      if (carries(known, 'aws:RequestTag/')) expect([action, carries(known, 'aws:TagKeys')]).toEqual([action, true]);
    }
    const keysOnly = ACTIONS.filter(
      (action) => carries(catalog.get(action)!, 'aws:TagKeys') && !carries(catalog.get(action)!, 'aws:RequestTag/'),
    );
    expect(keysOnly).toEqual(['sqs:UntagQueue', 'iam:UntagRole', 'dynamodb:UntagResource']);
    const tagged = ACTIONS.filter((action) => carries(catalog.get(action)!, 'aws:RequestTag/'));
    expect(tagged).toEqual(expect.arrayContaining(['sqs:CreateQueue', 'dynamodb:TagResource', 's3:CreateBucket']));
    expect(tagged).not.toContain('sqs:DeleteQueue');
    expect(catalog.get('ec2:DescribeInstances')?.isWildcardOnly).toBe(true);
    expect(['s3', 'sqs', 'dynamodb', 'secretsmanager'].every((service) => catalog.rcpServices.has(service))).toBe(true);
    expect(['rds', 'iam', 'lambda', 'ec2'].some((service) => catalog.rcpServices.has(service))).toBe(false);
  });

  it('agrees on every definite answer for a concrete request, for roles and users sharing policies', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const account = compile(c);
        const context = ourContext(c);
        for (let who = 0; who < PRINCIPALS.length; who++) {
          const decision = ours(account, who, c, context);
          counts.principalCases++;
          if (decision.decision === 'depends') {
            counts.dependsWhenConcrete++;
            continue;
          }
          counts[decision.decision]++;
          const expected = await theirs(c, who);
          if (decision.decision !== expected) throw disagreement(c, who, decision, expected);
        }
      }),
      { numRuns: Math.ceil(300 / STRIDE), seed: 20261129 },
    );
  });

  it('with one part of the request unknown: definite answers hold for all its values, `depends` names only it', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, fc.nat(PRINCIPALS.length - 1), fc.nat(), async (c, who, pick) => {
        // Leave unknown a part the policies read, where there is one: the others cannot change the answer.
        const text = JSON.stringify([c.identity, c.boundary, c.scps, c.rcps]).toLowerCase();
        const all = Object.keys(DIMENSIONS) as Dimension[];
        const read = all.filter((dimension) => DIMENSIONS[dimension].keys.some((key) => text.includes(key)));
        const candidates = read.length > 0 ? read : all;
        const unknown = candidates[pick % candidates.length];
        const decision = ours(compile(c), who, c, ourContext(c, unknown));
        counts.unknownCases++;
        const outcomes = new Set<string>();
        for (const value of DIMENSIONS[unknown].values) {
          outcomes.add(await theirs(c, who, { ...c.request, [unknown]: value }));
        }
        if (decision.decision === 'depends') {
          expect(decision.dependsOn.filter((key) => !standsFor(unknown, key.toLowerCase()))).toEqual([]);
          expect(decision.dependsOn.length).toBeGreaterThan(0);
          if (outcomes.size === 2) counts.dependsConfirmed++;
          else counts.dependsImprecise++;
        } else {
          counts.definiteWhenUnknown++;
          expect([...outcomes]).toEqual([decision.decision]);
        }
      }),
      { numRuns: Math.ceil(300 / STRIDE), seed: 1129 },
    );
  });
});

/** A case with everything a guardrail lets through unless a test says otherwise. */
function pinned(
  overrides: Partial<Omit<Case, 'request'>> &
    Pick<Case, 'action' | 'resource'> & { request?: Partial<ConcreteRequest> },
): Case {
  const request: ConcreteRequest = { requestTags: {}, resourceTags: {}, mfa: 'true', region: REGION, orgId: ORG };
  return {
    teams: ['payments', undefined, 'payments', 'data'],
    identity: [FULL],
    ...overrides,
    request: { ...request, ...overrides.request },
  };
}

const PROD_DB = `arn:aws:rds:${REGION}:${ACCOUNT}:db:prod-db`;
const JOBS = `arn:aws:sqs:${REGION}:${ACCOUNT}:payments-jobs`;
const guardedBy = (...statements: Record<string, unknown>[]) => [{ full: true, extra: doc(...statements) }];
const PROD = { resourceTags: { env: 'prod' } };

describe('guardrail shapes, pinned against the simulator', () => {
  const cases: [string, number, Case, 'allowed' | 'denied'][] = [
    [
      'an SCP denies rds:DeleteDBInstance on a production-tagged instance',
      AGENT,
      pinned({
        scps: guardedBy(PRODUCTION_PROTECTION),
        action: 'rds:DeleteDBInstance',
        resource: PROD_DB,
        request: PROD,
      }),
      'denied',
    ],
    [
      'the same SCP lets the break-glass role through',
      BREAK_GLASS,
      pinned({
        scps: guardedBy(PRODUCTION_PROTECTION),
        action: 'rds:DeleteDBInstance',
        resource: PROD_DB,
        request: PROD,
      }),
      'allowed',
    ],
    [
      'the same SCP lets a dev-tagged instance be deleted',
      ALICE,
      pinned({
        scps: guardedBy(PRODUCTION_PROTECTION),
        action: 'rds:DeleteDBInstance',
        resource: PROD_DB,
        request: { resourceTags: { env: 'dev' } },
      }),
      'allowed',
    ],
    [
      'a permissions boundary with the same Deny denies a user',
      BOB,
      pinned({
        boundary: doc(ALLOW_ALL, PRODUCTION_PROTECTION),
        action: 'sqs:DeleteQueue',
        resource: JOBS,
        request: PROD,
      }),
      'denied',
    ],
    [
      'BoolIfExists denies a delete made with long-term credentials (no MFA key)',
      ALICE,
      pinned({
        scps: guardedBy(DELETES_NEED_MFA),
        action: 'sqs:DeleteQueue',
        resource: JOBS,
        request: { mfa: undefined },
      }),
      'denied',
    ],
    [
      'BoolIfExists lets an MFA session delete',
      AGENT,
      pinned({ scps: guardedBy(DELETES_NEED_MFA), action: 'sqs:DeleteQueue', resource: JOBS }),
      'allowed',
    ],
    [
      'the Region lock denies SQS outside the allowed Regions',
      AGENT,
      pinned({
        scps: guardedBy(REGION_LOCK),
        action: 'sqs:DeleteQueue',
        resource: JOBS,
        request: { region: 'eu-west-1' },
      }),
      'denied',
    ],
    [
      'the Region lock exempts IAM',
      AGENT,
      pinned({
        scps: guardedBy(REGION_LOCK),
        action: 'iam:DeleteRole',
        resource: `arn:aws:iam::${ACCOUNT}:role/app`,
        request: { region: 'eu-west-1' },
      }),
      'allowed',
    ],
    [
      'sqs:CreateQueue without an env request tag is denied',
      AGENT,
      pinned({ scps: guardedBy(CREATE_NEEDS_ENV_TAG), action: 'sqs:CreateQueue', resource: JOBS }),
      'denied',
    ],
    [
      'sqs:CreateQueue with an env request tag is allowed',
      AGENT,
      pinned({
        scps: guardedBy(CREATE_NEEDS_ENV_TAG),
        action: 'sqs:CreateQueue',
        resource: JOBS,
        request: { requestTags: { env: 'dev' } },
      }),
      'allowed',
    ],
    [
      'tagging with a key outside env/team/owner is denied',
      AGENT,
      pinned({
        scps: guardedBy(KNOWN_TAG_KEYS_ONLY),
        action: 'sqs:TagQueue',
        resource: JOBS,
        request: { requestTags: { env: 'dev', cost: '42' } },
      }),
      'denied',
    ],
    [
      'ForAllValues on aws:TagKeys allows a request that carries no tags at all',
      AGENT,
      pinned({
        identity: [
          doc({ ...ALLOW_ALL, Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } } }),
        ],
        action: 'sqs:CreateQueue',
        resource: JOBS,
      }),
      'allowed',
    ],
    [
      'ForAnyValue on aws:TagKeys does not match a request that carries no tags',
      AGENT,
      pinned({
        identity: [doc({ ...ALLOW_ALL, Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': '*' } } })],
        action: 'sqs:CreateQueue',
        resource: JOBS,
      }),
      'denied',
    ],
    [
      'an RCP denies S3 to a principal outside the organization',
      ALICE,
      pinned({
        rcps: [[doc(ORGANIZATION_ONLY)]],
        action: 's3:DeleteBucket',
        resource: 'arn:aws:s3:::home-alice',
        request: { orgId: 'o-other' },
      }),
      'denied',
    ],
    [
      'an RCP does not reach a service without RCP support',
      ALICE,
      pinned({
        rcps: [[doc({ ...ORGANIZATION_ONLY, Action: '*' })]],
        action: 'rds:DeleteDBInstance',
        resource: PROD_DB,
        request: { orgId: 'o-other' },
      }),
      'allowed',
    ],
    ...[ALICE, BOB, AGENT].map((who): [string, number, Case, 'allowed' | 'denied'] => [
      `\${aws:username} in Resource lets only alice delete home-alice (${PRINCIPALS[who].name})`,
      who,
      pinned({
        identity: [doc({ Effect: 'Allow', Action: 's3:DeleteBucket', Resource: 'arn:aws:s3:::home-${aws:username}' })],
        action: 's3:DeleteBucket',
        resource: 'arn:aws:s3:::home-alice',
      }),
      who === ALICE ? 'allowed' : 'denied',
    ]),
    ...[ALICE, BREAK_GLASS].map((who): [string, number, Case, 'allowed' | 'denied'] => [
      `aws:ResourceTag/team must equal \${aws:PrincipalTag/team} (${PRINCIPALS[who].name})`,
      who,
      pinned({
        identity: [
          doc({ ...ALLOW_ALL, Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } } }),
        ],
        action: 'dynamodb:DeleteTable',
        resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/payments`,
        request: { resourceTags: { team: 'payments' } },
      }),
      who === ALICE ? 'allowed' : 'denied',
    ]),
  ];

  it.each(cases)('%s', async (_, who, c, expected) => {
    expect(ours(compile(c), who, c, ourContext(c)).decision).toBe(expected);
    expect(await theirs(c, who)).toBe(expected);
  });
});

describe('where the simulator departs from the IAM User Guide, our answer is the guide’s', () => {
  // @cloud-copilot/iam-simulate 0.1.173 answers the opposite in each case; the random vocabulary above steps
  // around these shapes so that the cross-check keeps its meaning.
  const cases: [string, number, Case, 'allowed' | 'denied'][] = [
    [
      // "Inverted condition operators like StringNotEquals or StringNotLike do match against a null value"
      // (IAM User Guide, "IAM policy elements: Variables and tags", Policy variables with no value).
      'a negated operator matches when its policy variable has no value (a role has no aws:username)',
      AGENT,
      pinned({
        identity: [
          doc(ALLOW_ALL, {
            Effect: 'Deny',
            Action: 'sqs:DeleteQueue',
            Resource: '*',
            Condition: { StringNotEquals: { 'aws:ResourceTag/owner': '${aws:username}' } },
          }),
        ],
        action: 'sqs:DeleteQueue',
        resource: JOBS,
        request: { resourceTags: { owner: 'alice' } },
      }),
      'denied',
    ],
    [
      // "If a variable that has no value ... is used as part of the Resource or NotResource element ..., the
      // resource that includes a policy variable with no value will not match any resource" (same section): a
      // NotResource that excludes nothing covers every resource.
      'a NotResource entry whose variable has no value excludes nothing',
      AGENT,
      pinned({
        identity: [
          doc({ Effect: 'Allow', Action: 's3:DeleteBucket', NotResource: 'arn:aws:s3:::home-${aws:username}' }),
        ],
        action: 's3:DeleteBucket',
        resource: 'arn:aws:s3:::home-alice',
      }),
      'allowed',
    ],
    [
      // The guide's own example: "Resource": "arn:aws:sqs:us-east-2:*:${aws:username}-queue" (same page, Resource
      // element). The simulator cuts the resource part at the colon inside the variable's name.
      'a variable opening an SQS queue name resolves before the ARN is matched',
      ALICE,
      pinned({
        identity: [doc({ Effect: 'Allow', Action: 'sqs:DeleteQueue', Resource: 'arn:aws:sqs:*:*:${aws:username}-*' })],
        action: 'sqs:DeleteQueue',
        resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:alice-jobs`,
      }),
      'allowed',
    ],
    [
      // "When the policy is evaluated, the policy variables are replaced with values that come from the
      // conditional context keys passed in the request" (same page): before the ARN is split into its parts.
      'ArnEquals resolves a variable in the account part before it compares the parts',
      ALICE,
      pinned({
        identity: [
          doc({
            ...ALLOW_ALL,
            Condition: {
              ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}' },
            },
          }),
        ],
        action: 'rds:DeleteDBInstance',
        resource: PROD_DB,
      }),
      'allowed',
    ],
  ];

  it.each(cases)('%s', (_, who, c, expected) => {
    expect(ours(compile(c), who, c, ourContext(c)).decision).toBe(expected);
  });
});

describe('untag requests carry aws:TagKeys but no aws:RequestTag', () => {
  // sqs:UntagQueue lists aws:TagKeys and not aws:RequestTag/${TagKey} (Service Authorization Reference), and
  // aws:RequestTag "is included in the request context when tags are passed in the request" (IAM User Guide,
  // global condition context keys): removing the env tag passes its key and no value, whatever the caller's
  // `requestTags` say about the tag being touched.
  const removeEnv = (guardrail: Record<string, unknown>, requestTags: Record<string, string>) =>
    pinned({ scps: guardedBy(guardrail), action: 'sqs:UntagQueue', resource: JOBS, request: { requestTags, ...PROD } });
  const TAG_ACTIONS = ['sqs:TagQueue', 'sqs:UntagQueue'];
  /** env may only be set to prod or dev: removing it (no value) is denied. */
  const ENV_STAYS_SET = {
    Effect: 'Deny',
    Action: TAG_ACTIONS,
    Resource: '*',
    Condition: {
      'ForAnyValue:StringEquals': { 'aws:TagKeys': 'env' },
      StringNotEquals: { 'aws:RequestTag/env': ['prod', 'dev'] },
    },
  };
  /** Only re-tagging prod as dev or test is denied: removing the tag slips through. */
  const NO_DOWNGRADE = {
    Effect: 'Deny',
    Action: TAG_ACTIONS,
    Resource: '*',
    Condition: {
      StringEquals: { 'aws:ResourceTag/env': 'prod', 'aws:RequestTag/env': ['dev', 'test'] },
    },
  };
  // The `can-change-production-tag` rule asks this way: the tag's key, and a non-production value for it.
  const cases: [string, Case, 'allowed' | 'denied'][] = [
    ['a guardrail that keeps env set denies removing it', removeEnv(ENV_STAYS_SET, { env: 'prod' }), 'denied'],
    ['a guardrail against downgrades lets env be removed', removeEnv(NO_DOWNGRADE, { env: 'dev' }), 'allowed'],
  ];

  it('has the catalog facts it relies on', () => {
    expect(carries(catalog.get('sqs:UntagQueue')!, 'aws:TagKeys')).toBe(true);
    expect(carries(catalog.get('sqs:UntagQueue')!, 'aws:RequestTag/')).toBe(false);
  });

  it.each(cases)('the simulator, given the keys the request carries: %s', async (_, c, expected) => {
    expect(await theirs(c, AGENT)).toBe(expected);
  });

  // Both went wrong while one flag stood for aws:RequestTag/* and aws:TagKeys together: an untag request then
  // read aws:RequestTag/env from the context, and can-change-production-tag missed a removable production tag.
  it.each(cases)('ours: %s', (_, c, expected) => {
    expect(ours(compile(c), AGENT, c, ourContext(c)).decision).toBe(expected);
  });
});
