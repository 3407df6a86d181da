// The caller's picks (evaluate/caller-picks.ts, rules/support/caller-pick-candidates.ts) swept over every action
// of the catalog through @cloud-copilot/iam-simulate (AGPL: tests only). An identity policy allows everything;
// a network perimeter, a region deny written as a pattern, a deny on chat-channel requests, one on requests
// through services and a guard on tag keys stand in the way. For every pick the audit asks, our answer must be
// the simulator's given the same request, never "depends"; and some pick must let everything through, since
// none of these policies stops a caller that stands inside the network, names a European region, calls
// directly and sends no tags. A role session named as a break-glass SCP exempts, or with or without an agent
// source identity, is swept the same way.
import { createValidatedPolicy } from '@cloud-copilot/iam-policy';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { compileAccount } from '../../../lib/audit/evaluate';
import { withCallerPick, type CallerPick } from '../../../lib/audit/evaluate/caller-picks';
import { policiesInUse } from '../../../lib/audit/rules/support/policies';
import { productionDeletion, requestsPerTag, type ScpGap } from '../../../lib/audit/rules/support/production';
import { tallyOf, worstProductionKey } from '../../../lib/audit/rules/support/production-tally';
import { productionTagQuestions } from '../../../lib/audit/rules/support/production-values';
import { loadCatalog } from '../../../lib/catalog';
import { LeashConfig } from '../../../lib/config/schema';
import { sweepStride } from '../../support/sweep';
import { ACCOUNT, FULL_AWS_ACCESS, policy, principal, snapshot } from './helpers';

const catalog = loadCatalog();
const STRIDE = sweepStride(18);
const GLOBAL = ['iam:*', 'sts:*', 'organizations:*', 'route53:*', 'cloudfront:*', 'support:*'];

const SCPS = {
  full: FULL_AWS_ACCESS,
  network: policy({
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: {
      NotIpAddressIfExists: { 'aws:SourceIp': ['10.0.0.0/8'] },
      StringNotEqualsIfExists: { 'aws:SourceVpc': ['vpc-0a1b2c3d'] },
      BoolIfExists: { 'aws:ViaAWSService': 'false' },
    },
  }),
  regions: policy({
    Effect: 'Deny',
    NotAction: GLOBAL,
    Resource: '*',
    Condition: { StringNotLike: { 'aws:RequestedRegion': ['eu-*'] } },
  }),
  chat: policy({
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: { ArnLike: { 'aws:ChatbotSourceArn': 'arn:aws:chatbot::*:chat-configuration/*' } },
  }),
  services: policy({
    Effect: 'Deny',
    Action: ['dynamodb:*', 'rds:*'],
    Resource: '*',
    Condition: { Bool: { 'aws:ViaAWSService': 'true' } },
  }),
  tags: policy({
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['dp:*'] } },
  }),
};

const validated = (name: string, document: unknown) => createValidatedPolicy(document, () => [], { name });
const SIMULATED = {
  identity: validated('allow', FULL_AWS_ACCESS),
  scps: Object.entries(SCPS).map(([name, document]) => ({ name, policy: validated(name, document) })),
};

/**
 * The simulator's answer for a request made with `pick` under `scps` (the sweep's own by default): a key the pick
 * sets absent is left out.
 */
function simulated(action: string, pick: CallerPick, scps = SIMULATED.scps): 'allowed' | 'denied' {
  const contextVariables: Record<string, string | string[]> = {};
  for (const [key, values] of Object.entries(pick.keys)) {
    if (values.length === 0) continue;
    contextVariables[key] = key === 'aws:calledvia' ? [...values] : values[0];
  }
  const outcome = runUnsafeSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/app`,
        action,
        resource: { resource: '*', accountId: ACCOUNT },
        contextVariables,
      },
      identityPolicies: [{ name: 'allow', policy: SIMULATED.identity }],
      serviceControlPolicies: [{ orgIdentifier: 'r-root', policies: scps }],
      resourceControlPolicies: [],
    },
    {},
  );
  return outcome === 'Allowed' ? 'allowed' : 'denied';
}

describe('the caller picks, over the whole catalog, agree with iam-simulate', () => {
  const account = snapshot({ principals: [principal('app', { inline: { p: FULL_AWS_ACCESS } })], scps: [SCPS] });
  const compiled = compileAccount(account, catalog);
  const app = account.principals[0];
  const picks = productionTagQuestions(account, policiesInUse(account), LeashConfig.parse({}).guardrails).picksOf(app);

  it('asks a handful of picks, each naming every kind the policies read', () => {
    expect(compiled.invalidPolicies).toEqual([]);
    expect(picks.length).toBeGreaterThan(1);
    expect(picks.length).toBeLessThanOrEqual(64);
    for (const pick of picks) {
      expect(pick.region).toEqual(expect.any(String));
      expect(pick.label).toMatch(/aws:SourceIp|VPC endpoint/);
      expect(pick.label).toMatch(/called (directly|through)/);
      expect(pick.label).toContain('sending no tags');
    }
  });

  it('answers every action under every pick as the simulator does, and some pick lets all through', () => {
    // sts:GetCallerIdentity needs no permission and no Deny stops it (STS API reference): not modelled.
    const actions = catalog.actions.filter((a) => a.action !== 'sts:GetCallerIdentity');
    let best = 0;
    const disagree: string[] = [];
    for (const pick of picks) {
      const ours = compiled.principals[0].decideMany(actions, withCallerPick({}, pick));
      const undecided = ours.filter((d) => d.decision === 'depends').map((d) => `${d.action} (${d.dependsOn})`);
      expect(undecided).toEqual([]);
      // Every STRIDE-th action is simulated here (npm test); `npm run prove:caller-picks` simulates them all.
      for (let i = 0; i < ours.length; i += STRIDE) {
        const d = ours[i];
        if (d.decision !== simulated(d.action, pick)) disagree.push(`${pick.label}: ${d.action} ours ${d.decision}`);
      }
      best = Math.max(best, ours.filter((d) => d.decision === 'allowed').length);
    }
    expect(disagree.slice(0, 10)).toEqual([]);
    expect(best).toBe(actions.length);
  });
});

describe('the production question under caller picks, over every deletion of the catalog', () => {
  // A grant on anything that carries the team tag (an answer that also turns on a fact, the resource's tag) and
  // one on every RDS action (turning on the picks alone), behind the same perimeter.
  const abac = policy(
    { Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'core' } } },
    { Effect: 'Allow', Action: 'rds:*', Resource: '*' },
  );
  const account = snapshot({ principals: [principal('app', { inline: { p: abac } })], scps: [SCPS] });
  const compiled = compileAccount(account, catalog).principals[0];
  const app = account.principals[0];
  const guardrails = LeashConfig.parse({}).guardrails;
  const questions = productionTagQuestions(account, policiesInUse(account), guardrails);
  const gap = (): ScpGap => 'no-scp-deny';

  it('re-asking only the answers a pick can change gives what asking every deletion in full gives', () => {
    const { actions, request } = productionDeletion(catalog, guardrails);
    const requests = requestsPerTag(request)(questions.of(app), questions.picksOf(app));
    expect(requests.some((r) => r.pick !== undefined)).toBe(true);
    const found = worstProductionKey(compiled, actions, requests, gap, false);
    const chosen = requests.find((r) => r.tag === found.tag && r.pick === found.pick)!;
    expect(chosen.pick).toBeDefined();
    // The merged answer is the chosen question's answer asked in full...
    expect(found.tally).toEqual(tallyOf(compiled.decisionRuns(actions, chosen.request), actions, gap, false));
    // ...and no question, asked in full, lets more through (the picks skipped as alike lost nothing).
    const most = Math.max(
      ...requests.map((r) => tallyOf(compiled.decisionRuns(actions, r.request), actions, gap, false).allowedCount),
    );
    expect(found.tally.allowedCount).toBe(most);
    expect(found.tally.dependsOn.has('aws:ResourceTag/team')).toBe(true);
  });
});

describe("a role session's name and source identity, as its maker picks them, over the whole catalog", () => {
  // Break-glass sessions are exempt by name; agent sessions (by source identity) are held to reads; and a region
  // deny. Whoever assumes the role names the session and may set a source identity (its trust allows it).
  const SESSION_SCPS = {
    full: FULL_AWS_ACCESS,
    breakglass: policy({
      Effect: 'Deny',
      NotAction: GLOBAL,
      Resource: '*',
      Condition: { StringNotLike: { 'aws:userid': '*:breakglass-*' } },
    }),
    agents: policy({
      Effect: 'Deny',
      NotAction: ['s3:Get*', 's3:List*', 'ec2:Describe*'],
      Resource: '*',
      Condition: { StringLike: { 'aws:SourceIdentity': 'agent-*' } },
    }),
    regions: SCPS.regions,
  };
  const scps = Object.entries(SESSION_SCPS).map(([name, document]) => ({ name, policy: validated(name, document) }));
  const roleId = 'AROAAPP0000000000001';
  const trust = policy({
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
    Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
  });
  const app = { ...principal('app', { inline: { p: FULL_AWS_ACCESS } }), uniqueId: roleId, trustPolicy: trust };
  const account = snapshot({ principals: [app], scps: [SESSION_SCPS] });
  const compiled = compileAccount(account, catalog).principals[0];
  const picks = productionTagQuestions(account, policiesInUse(account), LeashConfig.parse({}).guardrails).picksOf(
    account.principals[0],
  );

  it('answers every action under every pick as the simulator does, and a break-glass session gets everything', () => {
    expect(picks.some((p) => p.label.includes('as a session named breakglass-'))).toBe(true);
    expect(picks.some((p) => p.label.includes('with source identity agent-'))).toBe(true);
    const actions = catalog.actions.filter((a) => a.action !== 'sts:GetCallerIdentity');
    let best = 0;
    const disagree: string[] = [];
    for (const pick of picks) {
      const ours = compiled.decideMany(actions, withCallerPick({}, pick));
      expect(ours.filter((d) => d.decision === 'depends').map((d) => `${d.action} (${d.dependsOn})`)).toEqual([]);
      for (let i = 0; i < ours.length; i += STRIDE) {
        const d = ours[i];
        if (d.decision !== simulated(d.action, pick, scps)) {
          disagree.push(`${pick.label}: ${d.action} ours ${d.decision}`);
        }
      }
      best = Math.max(best, ours.filter((d) => d.decision === 'allowed').length);
    }
    expect(disagree.slice(0, 10)).toEqual([]);
    expect(best).toBe(actions.length);
  });
});
