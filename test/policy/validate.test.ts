import { validatePolicy, type PolicyProblem } from '../../lib/policy';
import { testCatalog } from './catalog-fixture';

const catalog = testCatalog();
const V = '2012-10-17';

const show = (problems: readonly PolicyProblem[]) =>
  problems.map((p) => `${p.severity === 'warning' ? 'warning ' : ''}${p.path}: ${p.message}`);

describe('validatePolicy', () => {
  it('finds nothing wrong with a sound SCP', () => {
    const scp = {
      Version: V,
      Statement: [
        {
          Sid: 'DenyProductionDeletes',
          Effect: 'Deny',
          Action: ['rds:Delete*', 'dynamodb:DeleteTable', 'ec2:TerminateInstances'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:ResourceTag/environment': 'production' } },
        },
      ],
    };
    expect(validatePolicy(scp, 'scp', catalog)).toEqual([]);
  });

  it('reports unknown services and patterns that match no action, naming what the statement fails to do', () => {
    const policy = {
      Version: V,
      Statement: [
        { Effect: 'Deny', Action: ['ec3:DeleteVolume', 'rds:DeleteDBInstances', 'rds:Delete*'], Resource: '*' },
        { Effect: 'Allow', Action: 's3:GetObjects', Resource: '*' },
        { Effect: 'Deny', NotAction: ['iam:GetRoles'], Resource: '*' },
      ],
    };
    expect(show(validatePolicy(policy, 'identity', catalog))).toEqual([
      'Statement[0].Action[0]: unknown service prefix "ec3" in "ec3:DeleteVolume" (AWS action catalog test-fixture); did you mean "ec2" or "s3"?',
      'Statement[0].Action[1]: "rds:DeleteDBInstances" matches no action of rds (AWS action catalog test-fixture): this Deny denies nothing; did you mean "rds:DeleteDBInstance" or "rds:DescribeDBInstances"?',
      'Statement[1].Action: "s3:GetObjects" matches no action of s3 (AWS action catalog test-fixture): it grants nothing; did you mean "s3:GetObject" or "s3:PutObject"?',
      'warning Statement[2].NotAction[0]: "iam:GetRoles" matches no action of iam (AWS action catalog test-fixture): it exempts nothing; did you mean "iam:GetRole"?',
    ]);
  });

  it('reports a misspelt pattern at every place it is written, in any case, policy after policy', () => {
    const policy = (action: string) => ({ Version: V, Statement: [{ Effect: 'Deny', Action: action, Resource: '*' }] });
    const first = show(validatePolicy(policy('rds:DeleteDBInstances'), 'identity', catalog));
    expect(first).toEqual([
      'Statement[0].Action: "rds:DeleteDBInstances" matches no action of rds (AWS action catalog test-fixture): this Deny denies nothing; did you mean "rds:DeleteDBInstance" or "rds:DescribeDBInstances"?',
    ]);
    expect(show(validatePolicy(policy('rds:DeleteDBInstances'), 'identity', catalog))).toEqual(first);
    expect(show(validatePolicy(policy('RDS:deletedbinstances'), 'identity', catalog))).toEqual([
      'Statement[0].Action: "RDS:deletedbinstances" matches no action of RDS (AWS action catalog test-fixture): this Deny denies nothing; did you mean "RDS:DeleteDBInstance" or "RDS:DescribeDBInstances"?',
    ]);
    expect(validatePolicy(policy('RDS:deletedbinstance'), 'identity', catalog)).toEqual([]);
  });

  it('reports actions of services without RCP support in an RCP', () => {
    const rcp = {
      Version: V,
      Statement: { Effect: 'Deny', Principal: '*', Action: ['s3:DeleteBucket', 'ec2:DeleteVolume'], Resource: '*' },
    };
    expect(show(validatePolicy(rcp, 'rcp', catalog))).toEqual([
      'Statement.Action[1]: ec2 does not support resource control policies: "ec2:DeleteVolume" has no effect in an RCP',
    ]);
  });

  it('does not check invalid patterns twice', () => {
    const policy = { Version: V, Statement: { Effect: 'Deny', Action: '*:Delete*', Resource: '*' } };
    expect(validatePolicy(policy, 'identity', catalog)).toHaveLength(1);
  });

  describe('size', () => {
    const statements = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        Sid: `S${i}`,
        Effect: 'Deny',
        Action: 'rds:DeleteDBInstance',
        Resource: '*',
      }));
    const compactLength = (n: number) => JSON.stringify({ Version: V, Statement: statements(n) }).length;
    // The largest statement count whose compact form fits in `limit`.
    const fitting = (limit: number) => {
      let n = 1;
      while (compactLength(n + 1) <= limit) n++;
      return n;
    };

    it('accepts a managed policy at the limit even when its pretty text is larger: IAM ignores white space', () => {
      const n = fitting(6144);
      const pretty = JSON.stringify({ Version: V, Statement: statements(n) }, null, 2);
      expect(pretty.length).toBeGreaterThan(6144);
      expect(validatePolicy(pretty, 'identity', catalog)).toEqual([]);
    });

    it('rejects a managed policy one statement over the limit', () => {
      const n = fitting(6144) + 1;
      const problems = validatePolicy({ Version: V, Statement: statements(n) }, 'boundary', catalog);
      expect(show(problems)).toEqual([
        `: policy is ${compactLength(n).toLocaleString('en-US')} characters, over the 6,144 limit for a managed policy (IAM does not count white space)`,
      ]);
    });

    it('counts white space in SCP text', () => {
      const n = fitting(5120);
      const compact = JSON.stringify({ Version: V, Statement: statements(n) });
      expect(validatePolicy(compact, 'scp', catalog)).toEqual([]);
      expect(show(validatePolicy(JSON.stringify(JSON.parse(compact), null, 1), 'scp', catalog))[0]).toMatch(
        /over the 5,120 limit for an SCP \(AWS Organizations counts every character, white space included\)$/,
      );
    });

    it('checks the quota chosen with sizeKind, or none', () => {
      const document = { Version: V, Statement: statements(fitting(2048) + 1) };
      expect(validatePolicy(document, 'identity', catalog)).toEqual([]);
      expect(show(validatePolicy(document, 'identity', catalog, { sizeKind: 'inlineUser' }))[0]).toMatch(
        /over the 2,048 limit for the inline policies of a user/,
      );
      expect(
        validatePolicy({ Version: V, Statement: statements(200) }, 'identity', catalog, { sizeKind: false }),
      ).toEqual([]);
    });
  });

  it('stamps every problem with where the policy came from', () => {
    const problems = validatePolicy('{"Statement": 1}', 'identity', catalog, { where: 'policy.json' });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.where === 'policy.json')).toBe(true);
  });

  it('reports undecodable input as a single problem', () => {
    expect(show(validatePolicy('{"Version": ', 'identity', catalog))).toEqual([
      expect.stringMatching(/^: invalid JSON at line 1, column 13: /),
    ]);
  });
});
