// A principal on the command line (leash explain, leash paths and its --to): an ARN, or a name that only one
// principal of the input has; a name several have is listed, never guessed between.
import { principalFromArgument } from '../../lib/cli/principal-argument';
import { InputError } from '../../lib/util/read-input';

const PRINCIPALS = [
  'arn:aws:iam::111122223333:role/agent',
  'arn:aws:iam::111122223333:role/team/deployer',
  'arn:aws:iam::111122223333:user/deployer',
  'arn:aws:iam::444455556666:role/agent-ci',
  'arn:aws:iam::444455556666:role/Agent',
];

function refusal(given: string): string {
  try {
    principalFromArgument(given, PRINCIPALS, 'authz.json');
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('principalFromArgument', () => {
  it('takes an ARN of the input as it is', () => {
    expect(principalFromArgument(PRINCIPALS[1], PRINCIPALS, 'authz.json')).toBe(PRINCIPALS[1]);
  });

  it('takes a name only one principal has, in any case, behind any path', () => {
    expect(principalFromArgument('AGENT-ci', PRINCIPALS, 'authz.json')).toBe('arn:aws:iam::444455556666:role/agent-ci');
  });

  it('lists the principals of a name several have (a role and a user; roles of two accounts), choosing none', () => {
    expect(refusal('deployer')).toBe(
      '"deployer" names 2 principals of authz.json; give the ARN of one:\n' +
        '  arn:aws:iam::111122223333:role/team/deployer\n  arn:aws:iam::111122223333:user/deployer',
    );
    expect(refusal('agent')).toContain('"agent" names 2 principals');
  });

  it('refuses what names nothing, with close matches; an ARN is never read as a name', () => {
    expect(refusal('agnet')).toMatch(/^principal agnet is not in authz\.json; close matches:\n {2}arn:/);
    expect(refusal('arn:aws:iam::111122223333:role/agent-ci')).toContain('is not in authz.json');
    expect(principalFromArgument.bind(null, 'x', [], 'empty.json')).toThrow(
      'principal x is not in empty.json (it has no principals)',
    );
  });
});
