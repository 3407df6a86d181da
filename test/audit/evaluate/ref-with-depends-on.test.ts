// A MAYBE answer's statement reference is written out as literals (refWithDependsOn) instead of spread from
// the statement's own; it must stay exactly the spread: the same properties, in the same order, so reports
// and evidence read the same whatever compileStatement adds to a reference.
import { compilePolicy, refWithDependsOn, StatementIds } from '../../../lib/audit/evaluate/compile-policy';
import { parsePolicy } from '../../../lib/policy';

function refsOf(attachedAt?: string) {
  const parsed = parsePolicy(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Tagged',
          Effect: 'Allow',
          Action: 's3:DeleteObject',
          Resource: '*',
          Condition: { StringEquals: { 'aws:ResourceTag/env': 'prod' } },
        },
        { Effect: 'Deny', Action: 'iam:*', Resource: '*' },
      ],
    },
    { type: attachedAt ? 'scp' : 'identity' },
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return compilePolicy(
    parsed.policy,
    {
      policy: 'p',
      policyKind: attachedAt ? 'scp' : 'inline',
      layer: attachedAt ? 'scp' : 'identity',
      ...(attachedAt ? { attachedAt } : {}),
    },
    parsed.document,
    new StatementIds(),
  ).map((statement) => statement.ref);
}

describe('refWithDependsOn', () => {
  it.each([
    ['an identity statement (no note)', undefined],
    ['an SCP statement (with the note of where it is attached)', 'OU ou-ab12-cdef5678'],
  ])('%s: what { ...ref, dependsOn } would make, key for key and in order', (_, attachedAt) => {
    const refs = refsOf(attachedAt);
    expect(refs.length).toBe(2);
    for (const ref of refs) {
      const dependsOn = ['aws:ResourceTag/env'];
      const spread = { ...ref, dependsOn };
      const written = refWithDependsOn(ref, dependsOn);
      expect(written).toEqual(spread);
      expect(Object.keys(written)).toEqual(Object.keys(spread));
    }
  });
});
