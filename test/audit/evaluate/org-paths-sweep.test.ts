// aws:PrincipalOrgPaths in an SCP, answered from the account's place in the organization (org-paths.ts), swept
// over every action of the catalog through @cloud-copilot/iam-simulate (AGPL: tests only). The root's SCP keeps
// accounts under the production OU to a few services' reads (a NotAction deny, so every action's name is matched
// against the read patterns); the principal's own policy allows everything. AWS may send the path down to the OU or the same
// with the account id at the end: our answer for each action must be the simulator's under both, and never
// "depends" where both forms give one answer.
import { createValidatedPolicy } from '@cloud-copilot/iam-policy';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { compileAccount } from '../../../lib/audit/evaluate';
import { loadCatalog } from '../../../lib/catalog';
import { ACCOUNT, FULL_AWS_ACCESS, policy, principal, snapshot } from './helpers';
import { strided, sweepStride } from '../../support/sweep';

const catalog = loadCatalog();
const ORG = 'o-a1b2c3d4e5';
const ROOT = 'r-ab12';
const PROD_OU = 'ou-ab12-11111111';
const DEV_OU = 'ou-ab12-22222222';

const PROD_READ_ONLY = policy({
  Effect: 'Deny',
  NotAction: ['s3:Get*', 's3:List*', 'ec2:Describe*', 'iam:Get*', 'iam:List*', 'sts:*'],
  Resource: '*',
  Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${ORG}/${ROOT}/${PROD_OU}/*` } },
});

const validated = (name: string, document: unknown) => createValidatedPolicy(document, () => [], { name });
const IDENTITY = validated('allow', FULL_AWS_ACCESS);
const SCPS = [
  { name: 'full', policy: validated('full', FULL_AWS_ACCESS) },
  { name: 'prod-read-only', policy: validated('prod-read-only', PROD_READ_ONLY) },
];

// No RCP in the account's chain: RCPFullAWSAccess, as AWS attaches it.
const RCPS = [
  {
    name: 'rcp-full',
    policy: validated('rcp-full', policy({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' })),
  },
];

function simulated(action: string, path: string): 'allowed' | 'denied' {
  const outcome = runUnsafeSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/app`,
        action,
        resource: { resource: '*', accountId: ACCOUNT },
        contextVariables: { 'aws:PrincipalOrgPaths': [path], 'aws:PrincipalOrgID': ORG },
      },
      identityPolicies: [{ name: 'allow', policy: IDENTITY }],
      serviceControlPolicies: [{ orgIdentifier: ROOT, policies: SCPS }],
      resourceControlPolicies: [{ orgIdentifier: ROOT, policies: RCPS }],
    },
    {},
  );
  return outcome === 'Allowed' ? 'allowed' : 'denied';
}

describe('aws:PrincipalOrgPaths, over the whole catalog, agrees with iam-simulate', () => {
  it.each([
    ['an account under the production OU', PROD_OU],
    ['an account under another OU', DEV_OU],
  ])('%s', (_name, unit) => {
    const level = (kind: 'root' | 'ou' | 'account', id: string, documents: Record<string, unknown>) => ({
      kind,
      id,
      policies: Object.entries(documents).map(([name, document]) => ({ name, arn: `p-${id}-${name}`, document })),
    });
    const account = compileAccount(
      {
        ...snapshot({ principals: [principal('app', { inline: { p: FULL_AWS_ACCESS } })] }),
        organizationId: ORG,
        organizationPoliciesKnown: true,
        serviceControlPolicies: [
          level('root', ROOT, { full: FULL_AWS_ACCESS, prodReadOnly: PROD_READ_ONLY }),
          level('ou', unit, { full: FULL_AWS_ACCESS }),
          level('account', ACCOUNT, { full: FULL_AWS_ACCESS }),
        ],
      },
      catalog,
    );
    expect(account.invalidPolicies).toEqual([]);
    const ours = account.principals[0].decideMany(catalog.actions);
    expect(ours.filter((d) => d.decision === 'depends').map((d) => `${d.action} (${d.dependsOn})`)).toEqual([]);
    // sts:GetCallerIdentity needs no permission and no Deny stops it; the SCP exempts sts:* anyway.
    const paths = [`${ORG}/${ROOT}/${unit}/`, `${ORG}/${ROOT}/${unit}/${ACCOUNT}`];
    // npm test asks the simulator about every fourth action (all with SWEEP_STRIDE=1, npm run prove:sweeps).
    const sample = strided(ours, sweepStride(4));
    for (const path of paths) {
      const disagree = sample
        .filter((d) => d.decision !== simulated(d.action, path))
        .map((d) => `${d.action}: ours ${d.decision} (${path})`);
      expect(disagree).toEqual([]);
    }
    // The sweep means something: under the production OU both sides of the deny are reached, elsewhere none is denied.
    expect(ours.some((d) => d.decision === 'allowed')).toBe(true);
    expect(ours.some((d) => d.decision === 'denied')).toBe(unit === PROD_OU);
  });
});
