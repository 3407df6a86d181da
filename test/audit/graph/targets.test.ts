// resolveTargets asks a principal about each target its Allow patterns can match. Principals that decide
// alike (the same statements with the same answers: decidesAlikeAs) get the answer asked of the first, which must
// be the answer each would get on its own; a principal whose policy reads it (${aws:username}) is asked itself.
import { compileAccount } from '../../../lib/audit/evaluate';
import { resolveTargets, TargetIndex } from '../../../lib/audit/graph/targets';
import { allow, catalog, deny, doc, roleArn, snapshot } from '../rules/helpers';

const TARGETS = ['team-a', 'team-b', 'other'].map(roleArn);
const ASSUME = 'sts:AssumeRole';
/** One request object for every question, as the graph asks them (decisions are shared by context object). */
const CONTEXT = {};

function account(managed: Record<string, unknown>, principals: Parameters<typeof snapshot>[0]['principals']) {
  return compileAccount(snapshot({ principals, managed }), catalog);
}

/** What each principal resolves to on the targets, as (target, decision) pairs. */
function resolvedArns(principal: ReturnType<typeof compileAccount>['principals'][number], targets: TargetIndex) {
  const resolved = resolveTargets(principal, ASSUME, CONTEXT, targets);
  return resolved.scope === 'some' ? resolved.targets.map((t) => `${t.arn} ${t.decision.decision}`) : resolved.scope;
}

describe('resolveTargets, shared between principals that decide alike', () => {
  it('gives two holders of one managed policy the same targets, asking the targets once', () => {
    const compiled = account({ 'assume-team': doc(allow(ASSUME, roleArn('team-*'))) }, [
      { name: 'one', managed: ['assume-team'] },
      { name: 'two', managed: ['assume-team'] },
    ]);
    const [one, two] = compiled.principals;
    expect(one.decidesAlikeAs?.('sts')).toBeDefined();
    expect(one.decidesAlikeAs?.('sts')).toBe(two.decidesAlikeAs?.('sts'));
    const targets = new TargetIndex(TARGETS);
    expect(resolvedArns(one, targets)).toEqual([`${roleArn('team-a')} allowed`, `${roleArn('team-b')} allowed`]);
    const decide = jest.spyOn(two, 'decide');
    expect(resolvedArns(two, targets)).toEqual([`${roleArn('team-a')} allowed`, `${roleArn('team-b')} allowed`]);
    // Its general answer only (the default argument), not one question per target.
    expect(decide.mock.calls).toEqual([[ASSUME, CONTEXT]]);
  });

  it('asks a principal whose policies differ, or read its own name, about the targets itself', () => {
    const compiled = account(
      {
        'assume-team': doc(allow(ASSUME, roleArn('team-*'))),
        'assume-own': doc(allow(ASSUME, roleArn('${aws:username}'))),
      },
      [
        { name: 'one', managed: ['assume-team'] },
        { name: 'two', managed: ['assume-team'], policies: [doc(allow(ASSUME, roleArn('other')))] },
        { name: 'team-a', kind: 'user', managed: ['assume-own'] },
      ],
    );
    const [one, two, user] = compiled.principals;
    const targets = new TargetIndex(TARGETS);
    expect(two.decidesAlikeAs?.('sts')).not.toBe(one.decidesAlikeAs?.('sts'));
    expect(user.decidesAlikeAs?.('sts')).toBeUndefined();
    expect(resolvedArns(one, targets)).toEqual([`${roleArn('team-a')} allowed`, `${roleArn('team-b')} allowed`]);
    // Every target is asked of two: its inline Allow names one that no pattern of the first names.
    expect(resolvedArns(two, targets)).toEqual([
      `${roleArn('other')} allowed`,
      `${roleArn('team-a')} allowed`,
      `${roleArn('team-b')} allowed`,
    ]);
    // ${aws:username} is the user's own name: it reaches the role named like it, which the others' answers do not say.
    expect(resolvedArns(user, targets)).toEqual([`${roleArn('team-a')} allowed`]);
  });
});

describe('resolveTargets over many targets, a question per class of targets', () => {
  // 120 roles in two accounts, named by team and stage, tagged by team (some untagged, whose tags are unknown).
  const OTHER_ACCOUNT = '999988887777';
  const many = Array.from({ length: 120 }, (_, i) => {
    const team = ['a', 'b', 'c'][i % 3];
    const stage = ['dev', 'prod'][(i >> 2) % 2];
    const account = i % 5 === 0 ? OTHER_ACCOUNT : undefined;
    const arn = `arn:aws:iam::${account ?? roleArn('x').split(':')[4]}:role/team-${team}-${stage}-${i}`;
    // Some tag keys in another case: IAM matches condition-key names ignoring case, a class must not care.
    const tags: Record<string, string> | undefined = i % 7 === 0 ? undefined : i % 11 === 0 ? { TEAM: team } : { team };
    return { arn, tags };
  });
  const tagsOf = (arn: string) => many.find((t) => t.arn === arn)?.tags;
  const policiesFor = (action: string) => [
    doc(allow(action, 'arn:aws:iam::*:role/team-a-*')),
    doc(allow(action, 'arn:aws:iam::*:role/team-*'), deny(action, 'arn:aws:iam::*:role/*-prod-*')),
    doc(allow(action, '*', { Condition: { StringEquals: { 'aws:ResourceTag/team': 'b' } } })),
    doc(
      allow(action, 'arn:aws:iam::*:role/team-*-dev-*', {
        Condition: { StringEquals: { 'aws:ResourceAccount': roleArn('x').split(':')[4] } },
      }),
    ),
    doc({ Effect: 'Allow', Action: action, NotResource: 'arn:aws:iam::*:role/team-c-*' }),
    doc(
      allow(action, ['arn:aws:iam::*:role/team-b-*', 'arn:aws:iam::*:role/team-c-prod-*']),
      deny(action, '*', {
        Condition: { StringEquals: { 'aws:ResourceTag/team': 'c' } },
      }),
    ),
    // Action wildcards and NotAction: the Resource lists of every statement that may answer count.
    doc({ Effect: 'Allow', NotAction: 's3:*', Resource: 'arn:aws:iam::*:role/team-*' }, deny('iam:*', '*-prod-*')),
  ];

  it.each([ASSUME, 'iam:PassRole', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy'])(
    '%s: every target gets the answer it gets asked on its own (Allows and Denies by name, tag, account, NotResource, NotAction, policy variables)',
    (action) => {
      const compiled = account({}, [
        ...policiesFor(action).map((policy, i) => ({ name: `caller-${i}`, policies: [policy] })),
        // Its Resource reads its own tag (a policy variable): asked target by target, not by class.
        {
          name: 'tagged',
          tags: { team: 'b' },
          policies: [doc(allow(action, 'arn:aws:iam::*:role/team-${aws:PrincipalTag/team}-*'))],
        },
      ]);
      const targets = new TargetIndex(
        many.map((t) => t.arn),
        tagsOf,
      );
      for (const principal of compiled.principals) {
        const resolved = resolveTargets(principal, action, CONTEXT, targets);
        const got = new Map(resolved.scope === 'some' ? resolved.targets.map((t) => [t.arn, t.decision]) : []);
        for (const { arn, tags } of many) {
          const own = principal.decide(action, { resourceArn: arn, ...(tags ? { resourceTags: tags } : {}) });
          const found = got.get(arn);
          expect([arn, found?.decision ?? 'denied', found?.dependsOn ?? []]).toEqual([
            arn,
            own.decision,
            own.decision === 'denied' ? [] : own.dependsOn,
          ]);
          if (found) expect(found.allowedBy.map((ref) => ref.policy)).toEqual(own.allowedBy.map((ref) => ref.policy));
          // One target looked up alone gets the same answer as in the list.
          expect(resolved.scope === 'some' ? resolved.decisionOf(arn) : undefined).toBe(found);
        }
        if (resolved.scope === 'some') expect(resolved.decisionOf(roleArn('not-a-target'))).toBeUndefined();
      }
    },
  );

  it('iam:AddUserToGroup: every group gets the answer it gets asked on its own (groups carry no tags)', () => {
    // The same policies and targets, of groups: support/escalated.ts asks which groups a user may join this way.
    const action = 'iam:AddUserToGroup';
    const toGroups = <T>(value: T): T => JSON.parse(JSON.stringify(value).replace(/:role\//g, ':group/')) as T;
    const compiled = account(
      {},
      policiesFor(action).map((policy, i) => ({ name: `caller-${i}`, policies: [toGroups(policy)] })),
    );
    const groups = many.map((t) => toGroups(t.arn));
    const targets = new TargetIndex(groups);
    for (const principal of compiled.principals) {
      const resolved = resolveTargets(principal, action, CONTEXT, targets);
      for (const arn of groups) {
        const own = principal.decide(action, { resourceArn: arn });
        const found =
          resolved.scope === 'some'
            ? resolved.decisionOf(arn)
            : resolved.scope === 'any'
              ? resolved.decision
              : undefined;
        expect([arn, found?.decision ?? 'denied', found?.dependsOn ?? []]).toEqual([
          arn,
          own.decision,
          own.decision === 'denied' ? [] : own.dependsOn,
        ]);
      }
    }
  });

  it('asks each class once, and names a class by its targets, so callers that reach the same targets share it', () => {
    const compiled = account({}, [
      {
        name: 'one',
        policies: [doc(allow(ASSUME, 'arn:aws:iam::*:role/team-a-*'), allow('s3:GetObject', 'arn:aws:s3:::one/*'))],
      },
      {
        name: 'two',
        policies: [doc(allow(ASSUME, 'arn:aws:iam::*:role/team-a-*'), allow('s3:GetObject', 'arn:aws:s3:::two/*'))],
      },
    ]);
    const [one, two] = compiled.principals;
    const targets = new TargetIndex(many.map((t) => t.arn));
    const decide = jest.spyOn(two, 'decide');
    const first = resolveTargets(one, ASSUME, CONTEXT, targets);
    const second = resolveTargets(two, ASSUME, CONTEXT, targets);
    expect(first.scope === 'some' && first.targets).toHaveLength(40);
    // Its general answer, then one question per class: team-a or not, in this account or the other.
    expect(decide.mock.calls.length).toBe(5);
    const keys = (r: typeof first) => (r.scope === 'some' ? r.groups?.map((g) => g.key) : undefined);
    expect(keys(second)).toEqual(keys(first));
    expect(keys(first)).toHaveLength(2);
  });
});
