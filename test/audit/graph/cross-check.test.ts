// Every assume-role edge decision cross-checked against @cloud-copilot/iam-simulate (AGPL: used here, in
// tests, only): the trust policy as the role's resource policy plus the caller's identity policies, boundary
// and SCPs, over every combination of how the trust names the caller (its ARN, its session, its account, someone
// else, everyone), what the caller's own policies say, its boundary, its kind, an SCP and a trust condition on
// the caller's account. An edge exists exactly when the simulator allows sts:AssumeRole (a role asks as its session).
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { compileAccount } from '../../../lib/audit/evaluate';
import { buildAccessGraph } from '../../../lib/audit/graph';
import { ACCOUNT, allow, catalog, deny, doc, snapshot } from '../rules/helpers';

const NOW = new Date('2026-12-01T00:00:00Z');
const ROLE = `arn:aws:iam::${ACCOUNT}:role/target`;

const TRUSTS = {
  'names the caller': (caller: string) => caller,
  'names the account root': () => `arn:aws:iam::${ACCOUNT}:root`,
  'names someone else': () => `arn:aws:iam::${ACCOUNT}:user/someone-else`,
  'names everyone': () => '*',
  "names the caller's sessions": (caller: string) =>
    caller.replace(/:iam::(\d+):role\/(.+)$/, ':sts::$1:assumed-role/$2/session'),
  'names the account id': () => ACCOUNT,
} as const;
const IDENTITY = {
  'no sts grant': [] as unknown[],
  'sts:AssumeRole on the role': [allow('sts:AssumeRole', ROLE)],
  'sts:AssumeRole on another role': [allow('sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/other`)],
  'grant and Deny': [allow('sts:AssumeRole'), deny('sts:AssumeRole', ROLE)],
} as const;
const BOUNDARY = { none: undefined, 'allows sts': doc(allow('sts:*')), 'allows only s3': doc(allow('s3:*')) } as const;
const SCP = { 'allows all': [allow('*')], 'denies sts:AssumeRole': [allow('*'), deny('sts:AssumeRole')] } as const;
const KINDS = ['user', 'role'] as const;
/** A condition on the trust statement, answered from the caller (met, or not). */
const CONDITION = {
  none: undefined,
  "the caller's account": { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } },
  'another account': { StringEquals: { 'aws:PrincipalAccount': '999988887777' } },
} as const;

type Case = [string, string, string, string, (typeof KINDS)[number], string];
const CASES: Case[] = [];
for (const trust of Object.keys(TRUSTS))
  for (const identity of Object.keys(IDENTITY))
    for (const boundary of Object.keys(BOUNDARY))
      for (const scp of Object.keys(SCP))
        for (const kind of KINDS)
          for (const condition of Object.keys(CONDITION)) CASES.push([trust, identity, boundary, scp, kind, condition]);

/** The target role's trust policy for a case. */
function trustPolicy(trust: string, condition: string, callerArn: string) {
  const when = CONDITION[condition as keyof typeof CONDITION];
  return doc({
    Effect: 'Allow',
    Principal: { AWS: TRUSTS[trust as keyof typeof TRUSTS](callerArn) },
    Action: 'sts:AssumeRole',
    ...(when ? { Condition: when } : {}),
  });
}

function ours([trust, identity, boundary, scp, kind, condition]: Case): boolean {
  const callerArn = `arn:aws:iam::${ACCOUNT}:${kind}/caller`;
  const statements = IDENTITY[identity as keyof typeof IDENTITY];
  const account = snapshot({
    principals: [
      {
        name: 'caller',
        kind,
        policies: statements.length ? [doc(...statements)] : [],
        boundary: BOUNDARY[boundary as keyof typeof BOUNDARY] ? 'boundary' : undefined,
      },
      { name: 'target', trust: trustPolicy(trust, condition, callerArn) },
    ],
    managed: BOUNDARY[boundary as keyof typeof BOUNDARY]
      ? { boundary: BOUNDARY[boundary as keyof typeof BOUNDARY] }
      : {},
    scps: [{ kind: 'root', id: 'r-1', policies: [{ name: 'scp', document: doc(...SCP[scp as keyof typeof SCP]) }] }],
  });
  const graph = buildAccessGraph([{ snapshot: account, account: compileAccount(account, catalog) }], {
    catalog,
    now: NOW,
  });
  const found = graph.edgesFrom(callerArn).find((e) => e.to === ROLE);
  // A trust naming a session is met by the session the simulator's request names: ours says it depends on it.
  return (
    found !== undefined && (found.decision === 'allowed' || found.dependsOn.every((k) => k === 'role session name'))
  );
}

async function theirs([trust, identity, boundary, scp, kind, condition]: Case): Promise<boolean> {
  const callerArn = `arn:aws:iam::${ACCOUNT}:${kind}/caller`;
  const statements = IDENTITY[identity as keyof typeof IDENTITY];
  const boundaryDoc = BOUNDARY[boundary as keyof typeof BOUNDARY];
  const simulation: Simulation = {
    request: {
      // A role calls as one of its sessions.
      principal: kind === 'role' ? `arn:aws:sts::${ACCOUNT}:assumed-role/caller/session` : callerArn,
      action: 'sts:AssumeRole',
      resource: { resource: ROLE, accountId: ACCOUNT },
      contextVariables: { 'aws:PrincipalArn': callerArn, 'aws:PrincipalAccount': ACCOUNT },
    },
    identityPolicies: statements.length ? [{ name: 'caller', policy: doc(...statements) }] : [],
    permissionBoundaryPolicies: boundaryDoc ? [{ name: 'boundary', policy: boundaryDoc }] : undefined,
    serviceControlPolicies: [
      { orgIdentifier: 'r-1', policies: [{ name: 'scp', policy: doc(...SCP[scp as keyof typeof SCP]) }] },
    ],
    resourceControlPolicies: [],
    resourcePolicy: trustPolicy(trust, condition, callerArn),
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') throw new Error(`simulator rejected the case: ${JSON.stringify(result.errors)}`);
  return result.overallResult === 'Allowed';
}

describe('assume-role edges agree with iam-simulate', () => {
  it(`decides all ${CASES.length} combinations as the simulator does`, async () => {
    const disagreements: string[] = [];
    let edges = 0;
    for (const scenario of CASES) {
      const [a, b] = [ours(scenario), await theirs(scenario)];
      if (a) edges++;
      if (a !== b) disagreements.push(`${scenario.join(' / ')}: ours ${a}, simulator ${b}`);
    }
    expect(disagreements).toEqual([]);
    // Both answers occur often: the sweep can fail either way.
    expect(edges).toBeGreaterThanOrEqual(19);
    expect(CASES.length - edges).toBeGreaterThan(20);
  });
});
