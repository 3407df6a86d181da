// Audit inputs damaged in ways that JSON and the schema both accept: an entry listed twice, a key given twice,
// a policy or group that is attached but absent, a page of a truncated export. None may let the audit pass on
// what it did not read: each is refused (exit 2) or fails the run, naming the file and the JSON path.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo, runCli } from '../../lib/cli/program';

const dir = mkdtempSync(join(tmpdir(), 'leash-damaged-input-'));
function file(name: string, content: string | object): string {
  writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 1));
  return join(dir, name);
}

const ACCOUNT = '111122223333';
const trust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const admin = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const readOnly = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
const role = (name: string, inline: unknown[] = [], managed: string[] = []) => ({
  RoleName: name,
  Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
  Path: '/',
  AssumeRolePolicyDocument: trust,
  RolePolicyList: inline.map((document, i) => ({ PolicyName: `inline${i}`, PolicyDocument: document })),
  AttachedManagedPolicies: managed.map((arn) => ({ PolicyName: arn.split('/').pop(), PolicyArn: arn })),
});
const managed = (name: string, document: unknown) => ({
  PolicyName: name,
  Arn: `arn:aws:iam::${ACCOUNT}:policy/${name}`,
  DefaultVersionId: 'v1',
  PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: document }],
});
const details = (parts: object) => ({
  UserDetailList: [],
  GroupDetailList: [],
  RoleDetailList: [],
  Policies: [],
  ...parts,
});

/** An account snapshot as `leash snapshot` writes it, read live, holding `principals` (and `extra` fields). */
const liveSnapshot = (principals: unknown[], extra: object = {}) => ({
  schemaVersion: 1,
  accountId: ACCOUNT,
  source: { kind: 'live', location: 'live' },
  principals,
  managedPolicies: [],
  ...extra,
});

async function audit(...args: string[]): Promise<{ code: number; output: string }> {
  const io = memoryIo();
  const code = await runCli(['audit', '--format', 'table', ...args], io);
  return { code, output: `${io.err}${io.out}` };
}

describe('an audit input that lists an entry twice', () => {
  it('refuses a role listed again without its administrator policy, naming both places', async () => {
    const input = file('role-twice.json', details({ RoleDetailList: [role('app', [admin]), role('app')] }));
    const { code, output } = await audit('--input', input);
    expect(code).toBe(2);
    expect(output).toContain(
      `role-twice.json: RoleDetailList[1]: role arn:aws:iam::${ACCOUNT}:role/app is listed again`,
    );
    expect(output).toContain('first at RoleDetailList[0]');
  });

  it('refuses a role listed again under a name differing only in case (IAM names ignore case)', async () => {
    const input = file('role-case.json', details({ RoleDetailList: [role('app', [admin]), role('App')] }));
    const { code, output } = await audit('--input', input);
    expect(code).toBe(2);
    expect(output).toContain('role-case.json: RoleDetailList[1]: role');
  });

  it('refuses a managed policy listed again with a harmless document', async () => {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/P`;
    const input = file(
      'policy-twice.json',
      details({ RoleDetailList: [role('app', [], [arn])], Policies: [managed('P', admin), managed('P', readOnly)] }),
    );
    const { code, output } = await audit('--input', input);
    expect(code).toBe(2);
    expect(output).toContain(`policy-twice.json: Policies[1]: policy ${arn} is listed again (first at Policies[0])`);
  });

  it('refuses a group listed again without its policies', async () => {
    const group = (policies: unknown[]) => ({
      GroupName: 'admins',
      Arn: `arn:aws:iam::${ACCOUNT}:group/admins`,
      GroupPolicyList: policies.map((document, i) => ({ PolicyName: `g${i}`, PolicyDocument: document })),
      AttachedManagedPolicies: [],
    });
    const user = { UserName: 'u', Arn: `arn:aws:iam::${ACCOUNT}:user/u`, GroupList: ['admins'] };
    const input = file(
      'group-twice.json',
      details({ UserDetailList: [user], GroupDetailList: [group([admin]), group([])] }),
    );
    const { code, output } = await audit('--input', input);
    expect(code).toBe(2);
    expect(output).toContain('group-twice.json: GroupDetailList[1]: group');
  });

  it('refuses an account snapshot with a principal listed twice', async () => {
    const principal = (inline: unknown[]) => ({
      kind: 'role',
      arn: `arn:aws:iam::${ACCOUNT}:role/app`,
      name: 'app',
      inlinePolicies: inline.map((document, i) => ({ name: `i${i}`, document })),
    });
    const input = file('snapshot-twice.json', liveSnapshot([principal([admin]), principal([])]));
    const { code, output } = await audit('--input', input);
    expect(code).toBe(2);
    expect(output).toContain('snapshot-twice.json: principals[1]: role');
  });

  it('refuses a unique id given to a second principal, which would let it pass as the first for aws:userid', async () => {
    const ops = { ...role('ops'), RoleId: 'AROAOPS00000000000001' };
    const copy = { ...role('intruder', [admin]), RoleId: 'AROAOPS00000000000001' };
    const input = file('id-twice.json', details({ RoleDetailList: [ops, copy] }));
    const { code, output } = await audit('--input', input);
    expect(code).toBe(2);
    expect(output).toContain(
      'id-twice.json: RoleDetailList[1].RoleId: unique id "AROAOPS00000000000001" is given again (first at RoleDetailList[0].RoleId)',
    );
    const snapshot = liveSnapshot(
      ['ops', 'intruder'].map((name) => ({
        kind: 'role',
        arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
        name,
        uniqueId: 'AROAOPS00000000000001',
      })),
    );
    const fromSnapshot = await audit('--input', file('id-twice-snapshot.json', snapshot));
    expect(fromSnapshot.code).toBe(2);
    expect(fromSnapshot.output).toContain('id-twice-snapshot.json: principals[1].uniqueId: unique id');
  });

  it('still audits a role and a user that share a name (names are unique per kind)', async () => {
    const user = { UserName: 'app', Arn: `arn:aws:iam::${ACCOUNT}:user/app` };
    const input = file('same-name.json', details({ RoleDetailList: [role('app', [admin])], UserDetailList: [user] }));
    const { code, output } = await audit('--input', input);
    expect(code).toBe(1);
    expect(output).toContain('full-admin');
  });
});

describe('an account given twice', () => {
  it('refuses two exports of one account, which would be audited twice', async () => {
    const first = file('account-a.json', details({ RoleDetailList: [role('app', [admin])] }));
    const second = file('account-b.json', details({ RoleDetailList: [role('other', [readOnly])] }));
    const { code, output } = await audit('--input', first, second);
    expect(code).toBe(2);
    expect(output).toMatch(/account-b\.json: account 111122223333 is given again \(first in .*account-a\.json\)/);
  });
});

describe('an audit input that gives a key twice', () => {
  it('refuses a second RoleDetailList that would replace the first', async () => {
    const text = JSON.stringify(details({ RoleDetailList: [role('admin', [admin])] })).replace(
      /}$/,
      ',"RoleDetailList":[]}',
    );
    const { code, output } = await audit('--input', file('lists-twice.json', text));
    expect(code).toBe(2);
    expect(output).toContain('lists-twice.json: RoleDetailList: given more than once');
  });

  it('refuses an Effect given twice in a statement, which JSON.parse would read as the last', async () => {
    const text = JSON.stringify(details({ RoleDetailList: [role('app', [admin])] })).replace(
      '"Action":"*"',
      '"Action":"*","Effect":"Deny"',
    );
    const { code, output } = await audit('--input', file('effect-twice.json', text));
    expect(code).toBe(2);
    expect(output).toContain(
      'effect-twice.json: RoleDetailList[0].RolePolicyList[0].PolicyDocument.Statement[0].Effect: given more than once',
    );
  });

  it('refuses an SCP file whose deny is given a second Effect', async () => {
    const input = file('plain.json', details({ RoleDetailList: [role('app', [readOnly])] }));
    const scp = file(
      'scp-twice.json',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Effect":"Allow"}]}',
    );
    const { code, output } = await audit('--input', input, '--scp', scp);
    expect(code).toBe(2);
    expect(output).toContain('scp-twice.json: Statement[0].Effect: given more than once');
  });
});

describe('an audit input that leaves out what a principal has', () => {
  const arn = `arn:aws:iam::${ACCOUNT}:policy/Admin`;

  it('fails the run for a role whose attached managed policy is not in the file', async () => {
    const input = file('absent-policy.json', details({ RoleDetailList: [role('app', [], [arn])] }));
    const { code, output } = await audit('--input', input);
    expect(code).toBe(1);
    expect(output).toContain('unreadable-policy');
    expect(output).toContain(`absent-policy.json: RoleDetailList[0].AttachedManagedPolicies[0]: attached managed`);
  });

  it('fails the run for a managed policy whose default version is not in the file', async () => {
    const policy = { ...managed('Admin', admin), DefaultVersionId: 'v2' };
    policy.PolicyVersionList = [{ VersionId: 'v1', IsDefaultVersion: false, Document: admin }];
    const input = file('no-default.json', details({ RoleDetailList: [role('app', [], [arn])], Policies: [policy] }));
    const { code, output } = await audit('--input', input);
    expect(code).toBe(1);
    expect(output).toContain('unreadable-policy');
    expect(output).toContain('no-default.json: Policies[0].PolicyVersionList: no default version');
  });

  it('fails the run for a user in a group that is not in the file, and for a group policy that is not', async () => {
    const user = (name: string, groups: string[]) => ({
      UserName: name,
      Arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
      GroupList: groups,
    });
    const group = {
      GroupName: 'ops',
      Arn: `arn:aws:iam::${ACCOUNT}:group/ops`,
      GroupPolicyList: [],
      AttachedManagedPolicies: [{ PolicyName: 'Admin', PolicyArn: arn }],
    };
    const input = file(
      'absent-group.json',
      details({ UserDetailList: [user('alice', ['admins']), user('bob', ['ops'])], GroupDetailList: [group] }),
    );
    const io = memoryIo();
    const code = await runCli(['audit', '--format', 'json', '--input', input], io);
    expect(code).toBe(1);
    const findings = (JSON.parse(io.out) as { findings: { ruleId: string; principalArn?: string }[] }).findings;
    expect(findings.filter((f) => f.ruleId === 'unreadable-policy').map((f) => f.principalArn)).toEqual(
      expect.arrayContaining([`arn:aws:iam::${ACCOUNT}:user/alice`, `arn:aws:iam::${ACCOUNT}:user/bob`]),
    );
  });
});

describe('one page of a truncated export', () => {
  it.each([
    ['IsTruncated: true', { IsTruncated: true, Marker: 'AAAA' }],
    ['Marker', { Marker: 'AAAA' }],
  ])('is refused when it says %s, rather than audited as the whole account', async (said, page) => {
    const input = file('page.json', details({ RoleDetailList: [role('app', [readOnly])], ...page }));
    const { code, output } = await audit('--input', input);
    expect(code).toBe(2);
    expect(output).toContain(`page.json: ${said}: this is one page of a truncated response`);
  });
});

describe('a URL-encoded policy document that gives a key twice (as the IAM API returns documents)', () => {
  it('fails the run: the statement says Allow and Deny, and is not read as the Deny', async () => {
    const text =
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Effect":"Deny"}]}';
    const input = file('encoded-twice.json', details({ RoleDetailList: [role('app', [encodeURIComponent(text)])] }));
    const { code, output } = await audit('--input', input);
    expect(code).toBe(1);
    expect(output).toContain('unreadable-policy');
    expect(output).toContain('Statement[0].Effect: Effect is given more than once');
  });
});

describe('an SCP or RCP chain whose account level is another account', () => {
  const denyAll = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] };
  const chain = (accountId: string) => [
    { kind: 'root', id: 'r-ab12', policies: [{ name: 'FullAWSAccess' }] },
    { kind: 'account', id: accountId, policies: [{ name: 'FullAWSAccess' }, { name: 'deny-all', document: denyAll }] },
  ];
  const input = () => file('admin-role.json', details({ RoleDetailList: [role('app', [admin])] }));

  it('is refused rather than letting that account deny-all hide an administrator here', async () => {
    const { code, output } = await audit('--input', input(), '--scp', file('other-chain.json', chain('999999999999')));
    expect(code).toBe(2);
    expect(output).toContain('other-chain.json: [1].id: the account level is for "999999999999"');
    expect(output).toContain(`holds account ${ACCOUNT}`);
  });

  it('is applied when the account level is the audited account', async () => {
    const { code, output } = await audit('--input', input(), '--scp', file('own-chain.json', chain(ACCOUNT)));
    expect(code).toBe(0);
    expect(output).toContain('no findings');
  });
});

describe('a policy of an --scp file that cannot be read', () => {
  // The problem is in the SCP file: naming the account's input would send the reader to the wrong file.
  const misspelt = { Version: '2012-10-17', Statment: [{ Effect: 'Deny', Action: 'rds:Delete*', Resource: '*' }] };
  const input = () => file('scp-reader.json', details({ RoleDetailList: [role('app', [readOnly])] }));
  async function problems(scp: string): Promise<{ where: string; message: string }[]> {
    const io = memoryIo();
    await runCli(['audit', '--format', 'json', '--fail-on', 'none', '--input', input(), '--scp', scp], io);
    return (JSON.parse(io.out) as { accounts: { problems: { where: string; message: string }[] }[] }).accounts[0]
      .problems;
  }

  it('is named by the chain file and its JSON path there', async () => {
    const chain = file('misspelt-chain.json', [
      { kind: 'root', id: 'r-ab12', policies: [{ name: 'FullAWSAccess' }, { name: 'no-rds', document: misspelt }] },
    ]);
    const [problem] = await problems(chain);
    expect(problem.where).toBe(`${chain}: [0].policies[1].document (SCP no-rds at root r-ab12)`);
    expect(problem.message).toContain('unknown element "Statment"');
  });

  it('is named by the policy file when the file is one policy document', async () => {
    const badOperator = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringEqualz: { 'aws:RequestedRegion': 'x' } } },
      ],
    };
    const single = file('bad-operator-scp.json', badOperator);
    const [problem] = await problems(single);
    expect(problem.where).toBe(`${single}: SCP bad-operator-scp at root root`);
    expect(problem.message).toContain('unknown condition operator "StringEqualz"');
  });
});

describe('an --rcp chain given without --scp', () => {
  it('is said not to be applied, rather than dropped unsaid', async () => {
    const rcp = file('rcp-alone.json', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }],
    });
    const input = file('rcp-alone-input.json', details({ RoleDetailList: [role('app', [readOnly])] }));
    const io = memoryIo();
    await runCli(['audit', '--format', 'json', '--fail-on', 'none', '--input', input, '--rcp', rcp], io);
    const report = JSON.parse(io.out) as { accounts: { caveats: string[] }[] };
    expect(report.accounts[0].caveats).toContain(
      'The RCPs in the input are not applied either: the audit applies RCPs together with the SCP chain, so pass --scp ' +
        '(a chain of FullAWSAccess alone if no SCP restricts the account) to have them deny.',
    );
  });
});

describe('a role said to be service-linked that is not', () => {
  it('is refused in a snapshot, where the flag would take an administrator out of the audit', async () => {
    const input = file(
      'snapshot-service-linked.json',
      liveSnapshot([
        {
          kind: 'role',
          arn: `arn:aws:iam::${ACCOUNT}:role/admin`,
          name: 'admin',
          serviceLinked: true,
          inlinePolicies: [{ name: 'a', document: admin }],
        },
      ]),
    );
    const { code, output } = await audit('--input', input);
    expect(code).toBe(2);
    expect(output).toContain('snapshot-service-linked.json: principals[0].serviceLinked: true for');
  });

  it('is audited like any role when only its Path in authorization details says service-linked', async () => {
    const hidden = { ...role('admin', [admin]), Path: '/aws-service-role/' };
    const { code, output } = await audit('--input', file('path-only.json', details({ RoleDetailList: [hidden] })));
    expect(code).toBe(1);
    expect(output).toContain('full-admin');
    expect(output).toContain('path-only.json: RoleDetailList[0].Path');
  });
});

describe('a principal that carries one tag key twice', () => {
  const agentRole = (tags: { Key: string; Value: string }[]) => ({ ...role('agent', [admin]), Tags: tags });

  it.each([
    ['the same case', 'leash:agent'],
    ['another case (IAM tag keys ignore case)', 'LEASH:AGENT'],
  ])('is refused in authorization details, given again in %s', async (_case, again) => {
    const tags = [
      { Key: 'leash:agent', Value: 'true' },
      { Key: again, Value: 'false' },
    ];
    const input = file('tag-twice.json', details({ RoleDetailList: [agentRole(tags)] }));
    const { code, output } = await audit('--input', input);
    expect(code).toBe(2);
    expect(output).toContain(`tag-twice.json: RoleDetailList[0].Tags[1].Key: tag key "${again}" is given again`);
  });

  it('is refused in a snapshot, whose tags record holds the key in two cases', async () => {
    const input = file(
      'snapshot-tags.json',
      liveSnapshot([
        {
          kind: 'role',
          arn: `arn:aws:iam::${ACCOUNT}:role/agent`,
          name: 'agent',
          tags: { 'leash:agent': 'true', 'LEASH:AGENT': 'false' },
        },
      ]),
    );
    const { code, output } = await audit('--input', input);
    expect(code).toBe(2);
    expect(output).toContain(
      'snapshot-tags.json: principals[0].tags.LEASH:AGENT: tag key "LEASH:AGENT" is given again',
    );
  });
});

describe('an organization level listed with no policies (AWS keeps one at every level)', () => {
  const input = () => file('admin-here.json', details({ RoleDetailList: [role('app', [admin])] }));

  it('is refused in an --scp chain file, where it would deny everything and pass the audit', async () => {
    const chain = file('empty-level.json', [{ kind: 'root', id: 'r-ab12', policies: [] }]);
    const { code, output } = await audit('--input', input(), '--scp', chain);
    expect(code).toBe(2);
    expect(output).toContain('empty-level.json: [0].policies: expected at least one policy');
  });

  it('is refused in an account snapshot', async () => {
    const snapshot = file(
      'snapshot-empty-level.json',
      liveSnapshot(
        [
          {
            kind: 'role',
            arn: `arn:aws:iam::${ACCOUNT}:role/app`,
            name: 'app',
            inlinePolicies: [{ name: 'a', document: admin }],
          },
        ],
        { organizationPoliciesKnown: true, serviceControlPolicies: [{ kind: 'root', id: 'r-ab12', policies: [] }] },
      ),
    );
    const { code, output } = await audit('--input', snapshot);
    expect(code).toBe(2);
    expect(output).toContain(
      'snapshot-empty-level.json: serviceControlPolicies[0].policies: expected at least one policy',
    );
  });
});

describe('a managed policy whose default version is ambiguous', () => {
  const arn = `arn:aws:iam::${ACCOUNT}:policy/P`;
  const versions = (first: boolean, second: boolean) => [
    { VersionId: 'v1', IsDefaultVersion: first, Document: readOnly },
    { VersionId: 'v2', IsDefaultVersion: second, Document: admin },
  ];

  it.each([
    ['two versions marked default', 'v1', versions(true, true), '2 versions are marked IsDefaultVersion'],
    [
      'the mark and DefaultVersionId disagreeing',
      'v2',
      versions(true, false),
      'IsDefaultVersion and DefaultVersionId "v2" disagree',
    ],
    [
      'a DefaultVersionId the list leaves out (the export lost the version in force)',
      'v3',
      versions(true, false),
      'DefaultVersionId "v3" is not in the list, which marks "v1" as the default',
    ],
  ])('fails the run with %s, rather than reading the harmless version', async (_case, defaultId, list, says) => {
    const policy = { ...managed('P', readOnly), DefaultVersionId: defaultId, PolicyVersionList: list };
    const input = file('ambiguous.json', details({ RoleDetailList: [role('app', [], [arn])], Policies: [policy] }));
    const { code, output } = await audit('--input', input);
    expect(code).toBe(1);
    expect(output).toContain('unreadable-policy');
    expect(output).toContain(`ambiguous.json: Policies[0].PolicyVersionList: ${says}`);
  });
});
