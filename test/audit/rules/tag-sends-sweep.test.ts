// The tags an agent may send (rules/support/tag-sends.ts) swept over every action of the catalog that carries
// tags, through @cloud-copilot/iam-simulate (AGPL: tests only). The identity policy grants only on request
// tags (an ABAC grant on one tag, one on a policy variable of the principal's own tags, one on the tag keys
// alone) and the SCPs deny on them (a request-tag value, a tag-key prefix) and on the Region (Control Tower's
// kind). For every tag set the audit asks, sent in each Region it picks, our answer must be the simulator's given
// those tags and that Region, never "depends"; and some request must let every action that carries request tags
// through, since the first grant allows everything to a request tagged owner=agent.
import { createValidatedPolicy } from '@cloud-copilot/iam-policy';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { auditAccount } from '../../../lib/audit/audit';
import { compileAccount } from '../../../lib/audit/evaluate';
import { withCallerPick, type CallerPick } from '../../../lib/audit/evaluate/caller-picks';
import { actionFacts } from '../../../lib/audit/evaluate/context';
import type { RequestContext } from '../../../lib/audit/evaluate/types';
import { policiesInUse } from '../../../lib/audit/rules/support/policies';
import { productionTagQuestions } from '../../../lib/audit/rules/support/production-values';
import { loadCatalog } from '../../../lib/catalog';
import { LeashConfig } from '../../../lib/config/schema';
import { sweepStride } from '../../support/sweep';
import { ACCOUNT, allow, deny, FULL_AWS_ACCESS, policy, principal, snapshot } from '../evaluate/helpers';

const catalog = loadCatalog();
const STRIDE = sweepStride(12);
const TEAM = 'platform';

const IDENTITY = policy(
  allow('*', '*', { Condition: { StringEquals: { 'aws:RequestTag/owner': 'agent' } } }),
  allow('ec2:*', '*', { Condition: { StringEquals: { 'aws:RequestTag/team': '${aws:PrincipalTag/team}' } } }),
  allow('s3:*', '*', { Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['cost', 'owner'] } } }),
);
const SCPS = {
  full: FULL_AWS_ACCESS,
  project: policy(deny('*', '*', { Condition: { StringNotEqualsIfExists: { 'aws:RequestTag/project': 'p1' } } })),
  prefix: policy(deny('*', '*', { Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['dp:*'] } } })),
  regions: policy({
    Effect: 'Deny',
    NotAction: ['iam:*', 'sts:*'],
    Resource: '*',
    Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1'] } },
  }),
};

const validated = (name: string, document: unknown) => createValidatedPolicy(document, () => [], { name });
const SIMULATED = {
  identity: validated('abac', IDENTITY),
  scps: Object.entries(SCPS).map(([name, document]) => ({ name, policy: validated(name, document) })),
};

/** The simulator's answer for `action` sent with `tags` to `region`, on a resource without tags. */
function simulated(action: string, tags: Readonly<Record<string, string>>, region: string): 'allowed' | 'denied' {
  const facts = actionFacts(catalog.get(action)!);
  const contextVariables: Record<string, string | string[]> = {
    'aws:PrincipalTag/team': TEAM,
    'aws:RequestedRegion': region,
  };
  if (facts.requestTags)
    for (const [key, value] of Object.entries(tags)) contextVariables[`aws:RequestTag/${key}`] = value;
  if (facts.tagKeys && Object.keys(tags).length > 0) contextVariables['aws:TagKeys'] = Object.keys(tags);
  const outcome = runUnsafeSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/agent`,
        action,
        resource: { resource: '*', accountId: ACCOUNT },
        contextVariables,
      },
      identityPolicies: [{ name: 'abac', policy: SIMULATED.identity }],
      serviceControlPolicies: [{ orgIdentifier: 'r-root', policies: SIMULATED.scps }],
      resourceControlPolicies: [],
    },
    {},
  );
  return outcome === 'Allowed' ? 'allowed' : 'denied';
}

describe('the tags an agent may send, over every action that carries tags, agree with iam-simulate', () => {
  const account = snapshot({
    principals: [principal('agent', { tags: { 'leash:agent': 'true', team: TEAM }, inline: { p: IDENTITY } })],
    scps: [SCPS],
  });
  const compiled = compileAccount(account, catalog).principals[0];
  const agent = account.principals[0];
  const guardrails = LeashConfig.parse({}).guardrails;
  const sends = productionTagQuestions(account, policiesInUse(account), guardrails).tagSendsOf(agent);
  const untagged: RequestContext = { resourceTags: {}, resourceTagKeysKnown: ['environment'], requestTags: {} };
  const carrying = catalog.actions.filter((a) => actionFacts(a).tagKeys);

  it('asks the tags each grant asks for, the tag that escapes the SCP, and a rewrite of the production tag', () => {
    const sent = sends.map((send: CallerPick) => send.requestTags);
    expect(sent).toEqual(
      expect.arrayContaining([{ owner: 'agent' }, { team: TEAM }, { project: 'p1' }, { environment: 'dev' }]),
    );
    expect(sent).toContainEqual({ cost: expect.any(String), owner: expect.any(String) });
    for (const send of sends) expect(send.keys['aws:tagkeys']).toEqual(Object.keys(send.requestTags ?? {}));
    // Each tag set in a Region the SCP lets through and in one it denies, named in that order.
    expect(new Set(sends.map((send) => send.region))).toEqual(new Set(['eu-west-1', 'us-east-1']));
    expect(sends.find((send) => send.requestTags?.owner === 'agent')?.label).toBe(
      'in eu-west-1, sending the tags owner=agent',
    );
  });

  it('answers every action that carries tags under every tag set as the simulator does', () => {
    expect(carrying.length).toBeGreaterThan(1000);
    const disagree: string[] = [];
    const allowedBySome = new Set<string>();
    for (const send of sends) {
      const ours = compiled.decideMany(carrying, withCallerPick(untagged, send));
      const undecided = ours.filter((d) => d.decision === 'depends').map((d) => `${d.action} (${d.dependsOn})`);
      expect(undecided).toEqual([]);
      for (const d of ours) if (d.decision === 'allowed') allowedBySome.add(d.action);
      // Every STRIDE-th action is simulated here (npm test); `npm run prove:sweeps` simulates them all.
      for (let i = 0; i < ours.length; i += STRIDE) {
        const d = ours[i];
        if (d.decision !== simulated(d.action, send.requestTags ?? {}, send.region ?? 'no region picked')) {
          disagree.push(`${send.label}: ${d.action} ours ${d.decision}`);
        }
      }
    }
    expect(disagree.slice(0, 10)).toEqual([]);
    const missed = carrying.filter((a) => actionFacts(a).requestTags && !allowedBySome.has(a.action));
    expect(missed.map((a) => a.action).slice(0, 10)).toEqual([]);
  });

  it('says so when the policies of a principal ask for more tag sets than are sent', () => {
    const grants = Array.from({ length: 20 }, (_, i) =>
      allow('ec2:CreateTags', '*', { Condition: { StringEquals: { 'aws:RequestTag/owner': `team-${i}` } } }),
    );
    const many = snapshot({ principals: [principal('tagger', { inline: { p: policy(...grants) } })] });
    const caveats = auditAccount(many, { catalog, rules: [], config: LeashConfig.parse({}) }).caveats;
    expect(caveats).toContainEqual(
      expect.stringMatching(
        /^1 principal\(s\) \(tagger\): .*more sets of request tags than the 16 sent, .* made \(up to 5 more\)/,
      ),
    );
    expect(
      auditAccount(account, { catalog, rules: [], config: LeashConfig.parse({}) }).caveats.join(' '),
    ).not.toContain('sets of request tags');
  });

  it('asks nothing more of a principal whose policies never read the request tags', () => {
    const plain = snapshot({ principals: [principal('agent', { inline: { p: FULL_AWS_ACCESS } })] });
    const questions = productionTagQuestions(plain, policiesInUse(plain), guardrails);
    expect(questions.tagSendsOf(plain.principals[0])).toEqual([]);
  });
});
