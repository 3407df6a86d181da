// The RCP's production delete deny keys on the production tag, so the RCPs must also keep a principal of
// another account (which no SCP of ours binds) from removing or changing that tag first, when a resource
// policy lets it tag the resource. Decided by an independent simulator (@cloud-copilot/iam-simulate) on the
// generated RCPs alone, as they bind an outsider.
import {
  createValidatedPolicy,
  validateIdentityPolicy,
  validateResourceControlPolicy,
  validateResourcePolicy,
} from '@cloud-copilot/iam-policy';
import { runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { resourceArnFor } from '../../bench/guardrail-proof';
import { loadCatalog } from '../../lib/catalog';
import { defaultGuardrailSpec, generateGuardrails, type GeneratedGuardrails } from '../../lib/guardrails';
import { isTagWrite, reportsTagKeys } from '../../lib/guardrails/select';

const catalog = loadCatalog();
const spec = defaultGuardrailSpec();
const OWNER = '111111111111';
const OUTSIDER = 'arn:aws:iam::999999999999:role/partner-sync';
const QUEUE = `arn:aws:sqs:us-east-1:${OWNER}:orders`;
const BUCKET = 'arn:aws:s3:::orders-data';
const TAG = spec.production.tagKeys[0];

let generated: GeneratedGuardrails;
beforeAll(() => {
  generated = generateGuardrails(spec, catalog);
});

interface Request {
  readonly action: string;
  readonly resource: string;
  readonly principal?: string;
  readonly resourceTags: Record<string, string>;
  /** Tags the request passes; for an untag, the keys alone. */
  readonly requestTags?: Record<string, string>;
  readonly tagKeys?: string[];
}

/** Validated with the simulator's own validator (a problem throws); AWS's RCPFullAWSAccess is exempt from it. */
function validated(name: string, document: unknown, validate: (policy: unknown) => unknown[]) {
  const policy = createValidatedPolicy(document, validate as never, { name });
  if (policy.errors.length > 0) throw new Error(`${name}: ${JSON.stringify(policy.errors)}`);
  return policy;
}

function decide(request: Request): 'allowed' | 'denied' {
  const principal = request.principal ?? OUTSIDER;
  const contextVariables: Record<string, string | string[]> = {
    'aws:PrincipalArn': principal,
    'aws:PrincipalAccount': principal.split(':')[4],
    'aws:ResourceAccount': OWNER,
    'aws:PrincipalIsAWSService': 'false',
  };
  for (const [key, value] of Object.entries(request.resourceTags)) contextVariables[`aws:ResourceTag/${key}`] = value;
  for (const [key, value] of Object.entries(request.requestTags ?? {}))
    contextVariables[`aws:RequestTag/${key}`] = value;
  const keys = request.tagKeys ?? Object.keys(request.requestTags ?? {});
  if (keys.length > 0) contextVariables['aws:TagKeys'] = keys;
  const simulation: Simulation = {
    request: {
      principal,
      action: request.action,
      resource: { resource: request.resource, accountId: OWNER },
      contextVariables,
    },
    identityPolicies: [
      {
        name: 'tagger',
        policy: validated(
          'tagger',
          { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
          validateIdentityPolicy,
        ),
      },
    ],
    // The resource policy that lets the outsider in: what an RCP is there to overrule.
    resourcePolicy: validated(
      'resource-policy',
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: '*', Resource: '*' }],
      },
      validateResourcePolicy,
    ),
    serviceControlPolicies: [],
    resourceControlPolicies: [
      {
        orgIdentifier: 'ou-leash-production',
        policies: [
          {
            name: 'RCPFullAWSAccess',
            policy: createValidatedPolicy(
              { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] },
              () => [],
              { name: 'RCPFullAWSAccess' },
            ),
          },
          ...generated.resourceControlPolicies.map((p) => ({
            name: p.name,
            policy: validated(p.name, p.document, validateResourceControlPolicy),
          })),
        ],
      },
    ],
    additionalSettings: { s3: { bucketAbacEnabled: true } },
  };
  return runUnsafeSimulation(simulation, {}) === 'Allowed' ? 'allowed' : 'denied';
}

const production = { [TAG]: spec.production.values[0] };
const nonProduction = { [TAG]: spec.production.nonProductionValues[0] };

describe('the generated RCPs keep principals of other accounts off the production tag', () => {
  it.each<[string, Request, 'allowed' | 'denied']>([
    [
      'removing it from a production queue',
      { action: 'sqs:UntagQueue', resource: QUEUE, resourceTags: production, tagKeys: [TAG] },
      'denied',
    ],
    [
      'setting it to a non-production value',
      { action: 'sqs:TagQueue', resource: QUEUE, resourceTags: production, requestTags: { [TAG]: 'dev' } },
      'denied',
    ],
    [
      'setting it to a production value',
      {
        action: 'sqs:TagQueue',
        resource: QUEUE,
        resourceTags: production,
        requestTags: { [TAG]: spec.production.values[1] },
      },
      'allowed',
    ],
    [
      'tagging a production queue with another key',
      { action: 'sqs:TagQueue', resource: QUEUE, resourceTags: production, requestTags: { owner: 'data' } },
      'allowed',
    ],
    [
      'removing it from a non-production queue',
      { action: 'sqs:UntagQueue', resource: QUEUE, resourceTags: nonProduction, tagKeys: [TAG] },
      'allowed',
    ],
    [
      "replacing a production bucket's whole tag set (no aws:TagKeys: fail-closed)",
      { action: 's3:PutBucketTagging', resource: BUCKET, resourceTags: production },
      'denied',
    ],
    [
      "replacing a non-production bucket's tag set",
      { action: 's3:PutBucketTagging', resource: BUCKET, resourceTags: nonProduction },
      'allowed',
    ],
    [
      'removing it as the break-glass role of the resource account (exempt)',
      {
        action: 'sqs:UntagQueue',
        resource: QUEUE,
        principal: `arn:aws:iam::${OWNER}:role/leash-break-glass`,
        resourceTags: production,
        tagKeys: [TAG],
      },
      'allowed',
    ],
    [
      'removing it as a same-named break-glass role of another account',
      {
        action: 'sqs:UntagQueue',
        resource: QUEUE,
        principal: 'arn:aws:iam::999999999999:role/leash-break-glass',
        resourceTags: production,
        tagKeys: [TAG],
      },
      'denied',
    ],
  ])('%s', (_, request, expected) => {
    expect(decide(request)).toBe(expected);
  });

  // Every tag write of every RCP service, so a pattern that misses an action, or a condition key a service
  // does not put in the request, shows here: the untag (or tag-set replacement) an outsider would send.
  const tagWrites = catalog.actions.filter(
    (a) => catalog.rcpServices.has(a.service) && a.service !== 'sts' && isTagWrite(a) && a.tagAware,
  );
  const outsiderRemoves = (name: string, resourceTags: Record<string, string>) => {
    const candidate = catalog.get(name)!;
    return decide({
      action: name,
      resource: resourceArnFor(candidate),
      resourceTags,
      tagKeys: reportsTagKeys(candidate) ? [TAG] : [],
    });
  };

  it('cover every tag write of the RCP services', () => {
    expect(tagWrites.length).toBeGreaterThan(50);
    const notDenied = tagWrites.filter((a) => outsiderRemoves(a.action, production) !== 'denied').map((a) => a.action);
    expect(notDenied).toEqual([]);
  });

  it('leave the tags of non-production resources to the resource policy', () => {
    const denied = tagWrites.filter((a) => outsiderRemoves(a.action, nonProduction) !== 'allowed').map((a) => a.action);
    expect(denied).toEqual([]);
  });

  it('leave session tags alone: sts is not in the tag statements', () => {
    const actions = generated.resourceControlPolicies.flatMap((p) =>
      p.document.Statement.filter((s) => /^ProtectProductionTag/.test(String(s.Sid))).flatMap((s) =>
        [s.Action as string | string[]].flat(),
      ),
    );
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => a.startsWith('sts:'))).toEqual([]);
  });

  it('are reported in the coverage: an outsider cannot untag a production queue', () => {
    const untag = generated.coverage.actions.find((a) => a.action === 'sqs:UntagQueue');
    expect(untag?.enforcement).toContain('rcp-tag-condition');
  });
});
