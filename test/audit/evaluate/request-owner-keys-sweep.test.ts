// The keys the audit answers for the request's maker (context.ts: aws:ResourceAccount and aws:ResourceOrgID of
// the account's own resources, aws:SecureTransport over TLS, aws:RequestedRegion as a region the rules ask in),
// swept over every action of the catalog through @cloud-copilot/iam-simulate (AGPL: tests only). An identity
// policy allows everything; a resource-perimeter SCP, a region deny SCP (global services exempt) and an
// insecure-transport RCP stand in the way. For each action our answer, asked as the rules ask it (no resource
// ARN, the region in the request), must be the simulator's given those key values, and never "depends".
import { createValidatedPolicy } from '@cloud-copilot/iam-policy';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { compileAccount } from '../../../lib/audit/evaluate';
import { loadCatalog } from '../../../lib/catalog';
import { strided, sweepStride } from '../../support/sweep';
import { ACCOUNT, FULL_AWS_ACCESS, policy, principal, snapshot } from './helpers';

const catalog = loadCatalog();
const ORG = 'o-a1b2c3d4e5';

const PERIMETER = policy({
  Effect: 'Deny',
  Action: '*',
  Resource: '*',
  Condition: { StringNotEqualsIfExists: { 'aws:ResourceOrgID': ORG } },
});
const OWN_ACCOUNT_ONLY = policy({
  Effect: 'Deny',
  NotAction: ['iam:*', 'sts:*', 'organizations:*'],
  Resource: '*',
  Condition: { StringNotEquals: { 'aws:ResourceAccount': ACCOUNT } },
});
const REGIONS = policy({
  Effect: 'Deny',
  NotAction: ['iam:*', 'sts:*', 'organizations:*', 'route53:*', 'cloudfront:*', 'support:*'],
  Resource: '*',
  Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } },
});
// KMS is left out: the simulator would need a key policy for it.
const TLS_ONLY = policy({
  Effect: 'Deny',
  Principal: '*',
  Action: ['s3:*', 'sqs:*', 'secretsmanager:*', 'dynamodb:*'],
  Resource: '*',
  Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } },
});
const RCP_FULL_AWS_ACCESS = policy({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' });

const validated = (name: string, document: unknown) => createValidatedPolicy(document, () => [], { name });
const SIMULATED = {
  identity: validated('allow', FULL_AWS_ACCESS),
  scps: [
    { name: 'full', policy: validated('full', FULL_AWS_ACCESS) },
    { name: 'perimeter', policy: validated('perimeter', PERIMETER) },
    { name: 'own', policy: validated('own', OWN_ACCOUNT_ONLY) },
    { name: 'regions', policy: validated('regions', REGIONS) },
  ],
  rcps: [
    { name: 'rcp-full', policy: validated('rcp-full', RCP_FULL_AWS_ACCESS) },
    { name: 'tls', policy: validated('tls', TLS_ONLY) },
  ],
};

function simulated(action: string, organization: string, region: string): 'allowed' | 'denied' {
  const outcome = runUnsafeSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/app`,
        action,
        resource: { resource: '*', accountId: ACCOUNT },
        contextVariables: {
          'aws:ResourceAccount': ACCOUNT,
          'aws:ResourceOrgID': organization,
          'aws:SecureTransport': 'true',
          'aws:RequestedRegion': region,
          'aws:PrincipalOrgID': organization,
        },
      },
      identityPolicies: [{ name: 'allow', policy: SIMULATED.identity }],
      serviceControlPolicies: [{ orgIdentifier: 'r-root', policies: SIMULATED.scps }],
      resourceControlPolicies: [{ orgIdentifier: 'r-root', policies: SIMULATED.rcps }],
    },
    {},
  );
  return outcome === 'Allowed' ? 'allowed' : 'denied';
}

describe('the request-owner keys, over the whole catalog, agree with iam-simulate', () => {
  it.each([
    ['in its organization, in an allowed region', ORG, 'eu-west-1'],
    ['in another organization', 'o-zzzzzzzzzz', 'eu-west-1'],
    ['in a region the SCP denies', ORG, 'ap-south-1'],
  ])('%s', (_name, organization, region) => {
    const account = compileAccount(
      {
        ...snapshot({
          principals: [principal('app', { inline: { p: FULL_AWS_ACCESS } })],
          scps: [{ full: FULL_AWS_ACCESS, perimeter: PERIMETER, own: OWN_ACCOUNT_ONLY, regions: REGIONS }],
          rcps: [{ full: RCP_FULL_AWS_ACCESS, tls: TLS_ONLY }],
        }),
        organizationId: organization,
      },
      catalog,
    );
    expect(account.invalidPolicies).toEqual([]);
    const ours = account.principals[0].decideMany(catalog.actions, {
      contextKeys: { 'aws:requestedregion': [region] },
    });
    const undecided = ours.filter((d) => d.decision === 'depends').map((d) => `${d.action} (${d.dependsOn})`);
    expect(undecided).toEqual([]);
    // sts:GetCallerIdentity needs no permission and no Deny stops it (STS API reference); the evaluator does not
    // model that read, which no finding turns on: left out here, not decided.
    // npm test asks the simulator about every fourth action (all with SWEEP_STRIDE=1, npm run prove:sweeps).
    const disagree = strided(ours, sweepStride(4))
      .filter((d) => d.action !== 'sts:GetCallerIdentity')
      .filter((d) => d.decision !== simulated(d.action, organization, region))
      .map((d) => `${d.action}: ours ${d.decision}`);
    expect(disagree).toEqual([]);
    // The sweep means something: each side of the guards is reached where it can be.
    const inside = organization === ORG;
    expect(ours.some((d) => d.decision === 'allowed')).toBe(inside);
    expect(ours.some((d) => d.decision === 'denied')).toBe(!inside || region !== 'eu-west-1');
  });
});
