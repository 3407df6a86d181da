// aws:userid in an SCP, answered from the unique ids (context.ts for a user, role-session-id.ts for a role's
// sessions), swept over every action of the catalog through @cloud-copilot/iam-simulate (AGPL: tests only). The
// SCP keeps the principals a condition names to a few services' reads (a NotAction deny, so every action's name
// is matched against the read patterns). A user's answer must be the simulator's for its id. A role's answer must
// be the simulator's for every session name when it is decided; "depends" only where session names differ.
import { createValidatedPolicy } from '@cloud-copilot/iam-policy';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { compileAccount } from '../../../lib/audit/evaluate';
import { loadCatalog } from '../../../lib/catalog';
import { ACCOUNT, FULL_AWS_ACCESS, policy, principal, snapshot } from './helpers';
import { strided, sweepStride } from '../../support/sweep';

const catalog = loadCatalog();
const ROLE_ID = 'AROAAPPROLE0000000001';
const USER_ID = 'AIDAALICE00000000001';
/** Session names a role's sessions may carry: those the conditions below name, and others. */
const SESSION_NAMES = ['ops', 'OPS', 'alice', 'leash-other'];

const CONDITIONS: readonly [string, Record<string, Record<string, string | string[]>>][] = [
  ['every session of the role', { StringLike: { 'aws:userid': `${ROLE_ID}:*` } }],
  ['one session of the role', { StringEquals: { 'aws:userid': `${ROLE_ID}:ops` } }],
  ['one session name, any case', { StringEqualsIgnoreCase: { 'aws:userid': `${ROLE_ID.toLowerCase()}:OPS` } }],
  ['everyone but the role and the user', { StringNotLike: { 'aws:userid': [`${ROLE_ID}:*`, USER_ID] } }],
  ['everyone but the session ops', { StringNotEquals: { 'aws:userid': `${ROLE_ID}:ops` } }],
  ['another role', { StringLike: { 'aws:userid': 'AROAOTHERROLE00000001:*' } }],
  ['the user', { StringEquals: { 'aws:userid': USER_ID } }],
  ['a session name in any role', { 'ForAnyValue:StringLike': { 'aws:userid': '*:alice' } }],
];

const validated = (name: string, document: unknown) => createValidatedPolicy(document, () => [], { name });
const IDENTITY = validated('allow', FULL_AWS_ACCESS);
const RCPS = [
  {
    name: 'rcp-full',
    policy: validated('rcp-full', policy({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' })),
  },
];

function readOnlyFor(condition: object) {
  return policy({
    Effect: 'Deny',
    NotAction: ['s3:Get*', 's3:List*', 'ec2:Describe*', 'iam:Get*', 'iam:List*', 'sts:*'],
    Resource: '*',
    Condition: condition,
  });
}

function simulated(action: string, principalArn: string, userId: string, deny: unknown): 'allowed' | 'denied' {
  const scps = [
    { name: 'full', policy: validated('full', FULL_AWS_ACCESS) },
    { name: 'deny', policy: validated('deny', deny) },
  ];
  const outcome = runUnsafeSimulation(
    {
      request: {
        principal: principalArn,
        action,
        resource: { resource: '*', accountId: ACCOUNT },
        contextVariables: { 'aws:userid': userId },
      },
      identityPolicies: [{ name: 'allow', policy: IDENTITY }],
      serviceControlPolicies: [{ orgIdentifier: 'r-root', policies: scps }],
      resourceControlPolicies: [{ orgIdentifier: 'r-root', policies: RCPS }],
    },
    {},
  );
  return outcome === 'Allowed' ? 'allowed' : 'denied';
}

describe('aws:userid, over the whole catalog, agrees with iam-simulate', () => {
  it.each(CONDITIONS)('an SCP deny of %s', (_name, condition) => {
    const deny = readOnlyFor(condition);
    const account = compileAccount(
      snapshot({
        principals: [
          { ...principal('app', { inline: { p: FULL_AWS_ACCESS } }), uniqueId: ROLE_ID },
          { ...principal('alice', { kind: 'user', inline: { p: FULL_AWS_ACCESS } }), uniqueId: USER_ID },
        ],
        scps: [{ full: FULL_AWS_ACCESS, deny }, { full: FULL_AWS_ACCESS }],
      }),
      catalog,
    );
    expect(account.invalidPolicies).toEqual([]);
    const [role, user] = account.principals;
    // npm test asks the simulator about every 16th action (all with SWEEP_STRIDE=1, npm run prove:sweeps).
    const sample = strided(catalog.actions, sweepStride(16));
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/app`;
    const disagree: string[] = [];
    const roleAnswers = role.decideMany(sample);
    const userAnswers = user.decideMany(sample);
    sample.forEach((_action, i) => {
      const name = roleAnswers[i].action;
      const expectedUser = simulated(name, `arn:aws:iam::${ACCOUNT}:user/alice`, USER_ID, deny);
      if (userAnswers[i].decision !== expectedUser) {
        disagree.push(`user ${name}: ours ${userAnswers[i].decision}, simulator ${expectedUser}`);
      }
      const bySession = SESSION_NAMES.map((session) => simulated(name, roleArn, `${ROLE_ID}:${session}`, deny));
      const ours = roleAnswers[i];
      if (ours.decision === 'depends') {
        // Depends only on the key, and only where session names get different answers.
        if (new Set(bySession).size < 2 || !ours.dependsOn.includes('aws:userid')) {
          disagree.push(`role ${name}: ours depends (${ours.dependsOn}), simulator ${bySession.join('/')}`);
        }
      } else if (bySession.some((answer) => answer !== ours.decision)) {
        disagree.push(`role ${name}: ours ${ours.decision}, simulator ${bySession.join('/')}`);
      }
    });
    expect(disagree).toEqual([]);
    // The sweep means something: the deny's both sides are reached for some principal.
    expect([...roleAnswers, ...userAnswers].some((d) => d.decision === 'allowed')).toBe(true);
  });
});
