import { salvagePolicy } from '../../lib/policy';

const statement = (Action: unknown) => ({ Effect: 'Allow', Action, Resource: '*' });

describe('salvagePolicy', () => {
  it('returns a valid policy whole, with nothing unreadable', () => {
    const result = salvagePolicy({ Version: '2012-10-17', Statement: [statement('s3:*')] }, { type: 'identity' });
    expect(result.unreadable).toEqual([]);
    expect(result.policy.statements).toHaveLength(1);
  });

  it('keeps the readable statements at their positions and names each unreadable one by JSON path', () => {
    const result = salvagePolicy(
      { Version: '2012-10-17', Statement: [statement('s3:*'), statement(7), statement('ec2:*')] },
      { type: 'identity' },
    );
    expect(result.policy.statements.map((s) => [s.index, s.actions])).toEqual([
      [0, ['s3:*']],
      [2, ['ec2:*']],
    ]);
    expect(result.unreadable).toEqual([
      { index: 1, path: 'Statement[1]', problems: [expect.objectContaining({ path: 'Statement[1].Action' })] },
    ]);
  });

  it('reads nothing of a document whose top level is wrong', () => {
    const result = salvagePolicy({ Version: '2012-10-17', Statment: [statement('s3:*')] }, { type: 'identity' });
    expect(result.policy.statements).toEqual([]);
    expect(result.unreadable).toHaveLength(1);
    expect(result.unreadable[0].path).toBe('');
  });

  it('reads a document URL-encoded twice, with a warning', () => {
    const text = encodeURIComponent(
      encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: statement('*') })),
    );
    const result = salvagePolicy(text, { type: 'identity' });
    expect(result.unreadable).toEqual([]);
    expect(result.policy.statements[0].actions).toEqual(['*']);
    expect(result.problems.map((p) => p.message)).toContain('URL-encoded 2 times; read after decoding each layer');
  });
});

describe('salvagePolicy of text that gives a key twice', () => {
  it('reads a statement whose Effect is given twice as unreadable, not as the last Effect', () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
        { Effect: 'Allow', Action: '*', Resource: '*' },
      ],
    }).replace('"Action":"*"', '"Action":"*","Effect":"Deny"');
    const salvaged = salvagePolicy(text, { type: 'identity' });
    expect(salvaged.policy.statements.map((s) => s.index)).toEqual([0]);
    expect(salvaged.unreadable).toEqual([
      {
        index: 1,
        path: 'Statement[1]',
        problems: [expect.objectContaining({ path: 'Statement[1].Effect', severity: 'error' })],
      },
    ]);
  });
});
