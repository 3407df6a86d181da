// resolveTargets asks a principal about each target its Allow patterns can match. Principals that decide
// alike (the same statements with the same answers: decidesAlikeAs) get the answer asked of the first, which must
// be the answer each would get on its own; a principal whose policy reads it (${aws:username}) is asked itself.
import { compileAccount } from '../../../lib/audit/evaluate';
import { resolveTargets, TargetIndex } from '../../../lib/audit/graph/targets';
import { allow, catalog, doc, roleArn, snapshot } from '../rules/helpers';

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
