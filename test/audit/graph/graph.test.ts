// The access graph's edges, specified on small accounts: sts trust semantics (a same-account trust naming the
// caller needs no sts grant, a trust of the account root does), boundaries, SCPs and Denies that cap an edge,
// trust conditions, cycles, self-trust, cross-account trust inside and outside the organization, and the
// closure's shortest paths.
import { compileAccount } from '../../../lib/audit/evaluate';
import { regionPick } from '../../../lib/audit/evaluate/caller-picks';
import { buildAccessGraph, describePath, type AccessGraph } from '../../../lib/audit/graph';
import { policiesInUse } from '../../../lib/audit/rules/support/policies';
import { productionTagQuestions } from '../../../lib/audit/rules/support/production-values';
import { AccountSnapshot, type OrganizationPolicyLevel } from '../../../lib/audit/sources/snapshot';
import { LeashConfig } from '../../../lib/config/schema';
import { ACCOUNT, allow, catalog, deny, doc, REGION_DENY_LEVEL, snapshot, type AccountSpec } from '../rules/helpers';

const NOW = new Date('2026-12-01T00:00:00Z');
const OTHER = '444455556666';
const arn = (kind: 'role' | 'user', name: string, account = ACCOUNT) => `arn:aws:iam::${account}:${kind}/${name}`;
const trusting = (principal: string, extra: object = {}) =>
  doc({ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole', ...extra });
const root = (account = ACCOUNT) => `arn:aws:iam::${account}:root`;

function graphOf(
  spec: AccountSpec,
  more: AccountSnapshot[] = [],
  organizationOf?: (account: string) => string | undefined,
): AccessGraph {
  const accounts = [snapshot(spec), ...more].map((s) => ({
    snapshot: s,
    account: compileAccount(s, catalog, undefined, NOW),
  }));
  return buildAccessGraph(accounts, { catalog, now: NOW, organizationOf });
}

function edgesBetween(graph: AccessGraph, from: string, to: string) {
  return graph.edgesFrom(from).filter((e) => e.to === to);
}

function edge(graph: AccessGraph, from: string, to: string) {
  return graph.edgesFrom(from).find((e) => e.to === to);
}

/** A second account, as its own snapshot. */
function otherAccount(principals: AccountSpec['principals']): AccountSnapshot {
  const base = snapshot({ principals });
  const rename = (value: string) => value.split(ACCOUNT).join(OTHER);
  return AccountSnapshot.parse({
    ...base,
    accountId: OTHER,
    principals: base.principals.map((p) => ({
      ...p,
      arn: rename(p.arn),
      managedPolicyArns: p.managedPolicyArns.map(rename),
    })),
    managedPolicies: base.managedPolicies.map((m) => ({ ...m, arn: rename(m.arn) })),
  });
}

const scpDenying = (action: string): OrganizationPolicyLevel[] => [
  {
    kind: 'root',
    id: 'r-1',
    policies: [
      { name: 'all', document: doc(allow('*')) },
      { name: 'no', document: doc(deny(action)) },
    ],
  },
];

describe('assume-role edges', () => {
  it('follows a same-account trust that names the caller, with no sts grant of its own', () => {
    const graph = graphOf({
      principals: [
        { name: 'alice', kind: 'user', policies: [doc(allow('s3:GetObject'))] },
        { name: 'deleter', trust: trusting(arn('user', 'alice')) },
      ],
    });
    expect(edge(graph, arn('user', 'alice'), arn('role', 'deleter'))).toMatchObject({
      kind: 'assume-role',
      decision: 'allowed',
    });
  });

  it('reads a trust policy that cannot be read as letting in anyone, each edge depending on it', () => {
    // NotPrincipal in an Allow, which IAM refuses in a trust policy: who may assume the role is unknown.
    const unreadable = doc({ Effect: 'Allow', NotPrincipal: { AWS: arn('user', 'bob') }, Action: 'sts:AssumeRole' });
    const graph = graphOf({
      principals: [
        { name: 'alice', kind: 'user', policies: [doc(allow('sts:AssumeRole'))] },
        { name: 'admin', trust: unreadable, policies: [doc(allow('*'))] },
      ],
    });
    const through = edge(graph, arn('user', 'alice'), arn('role', 'admin'));
    expect(through).toMatchObject({ kind: 'assume-role', decision: 'depends' });
    expect(through?.dependsOn).toContain(
      'the trust policy, which could not be read (who may assume the role is unknown)',
    );
    expect(through?.evidence).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          policyKind: 'trust',
          note: expect.stringMatching(/^could not be read \(Statement\[0\]/),
        }),
      ]),
    );
    // So with many such roles, which a caller reaches through a hub: each edge still depends on the trust.
    const many = graphOf({
      principals: [
        { name: 'alice', kind: 'user', policies: [doc(allow('sts:AssumeRole'))] },
        ...Array.from({ length: 30 }, (_, i) => ({
          name: `admin-${i}`,
          trust: unreadable,
          policies: [doc(allow('*'))],
        })),
      ],
    });
    expect(many.hubCount).toBeGreaterThan(0);
    for (const i of [0, 17, 29]) {
      const hop = edge(many, arn('user', 'alice'), arn('role', `admin-${i}`));
      expect(hop).toMatchObject({ kind: 'assume-role', decision: 'depends' });
      expect(hop?.dependsOn).toContain(
        'the trust policy, which could not be read (who may assume the role is unknown)',
      );
      expect(hop?.evidence).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ policy: `${arn('role', `admin-${i}`)} trust`, policyKind: 'trust' }),
          expect.objectContaining({ note: expect.stringMatching(/^could not be read \(Statement\[0\]/) }),
        ]),
      );
    }
    // Nor does a service: the role may be passed to one, and that edge depends on the trust too.
    const passing = graphOf({
      principals: [
        {
          name: 'dev',
          kind: 'user',
          policies: [doc(allow(['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction']))],
        },
        { name: 'admin', trust: unreadable, policies: [doc(allow('*'))] },
      ],
    });
    const passed = edgesBetween(passing, arn('user', 'dev'), arn('role', 'admin')).find((e) => e.kind === 'pass-role');
    expect(passed).toMatchObject({ decision: 'depends' });
    expect(passed?.dependsOn).toContain(
      'the trust policy, which could not be read (who may assume the role is unknown)',
    );
    // With iam:PassRole alone: the role may trust a service no path and no other role names.
    const anyService = graphOf({
      principals: [
        { name: 'dev', kind: 'user', policies: [doc(allow('iam:PassRole'))] },
        { name: 'admin', trust: unreadable, policies: [doc(allow('*'))] },
      ],
    });
    const handed = edgesBetween(anyService, arn('user', 'dev'), arn('role', 'admin')).find(
      (e) => e.kind === 'pass-role',
    );
    expect(handed).toMatchObject({ decision: 'depends', pathId: 'passrole-unmodelled-service' });
    expect(handed?.needs).toContain('its trust policy could not be read');
    // A readable trust is read as written: alice is not let in by a trust naming only carol.
    const readable = graphOf({
      principals: [
        { name: 'alice', kind: 'user', policies: [doc(allow('sts:AssumeRole'))] },
        { name: 'carol', kind: 'user' },
        { name: 'admin', trust: trusting(arn('user', 'carol')), policies: [doc(allow('*'))] },
      ],
    });
    expect(edge(readable, arn('user', 'alice'), arn('role', 'admin'))).toBeUndefined();
  });

  it('needs an sts grant when the trust names the account root', () => {
    const trust = trusting(root());
    const without = graphOf({
      principals: [
        { name: 'alice', kind: 'user' },
        { name: 'admin', trust },
      ],
    });
    expect(edge(without, arn('user', 'alice'), arn('role', 'admin'))).toBeUndefined();
    const withGrant = graphOf({
      principals: [
        { name: 'alice', kind: 'user', policies: [doc(allow('sts:AssumeRole', arn('role', 'admin')))] },
        { name: 'admin', trust },
      ],
    });
    expect(edge(withGrant, arn('user', 'alice'), arn('role', 'admin'))?.decision).toBe('allowed');
  });

  it('is stopped by a Deny on sts:AssumeRole, even when the trust names the caller', () => {
    const graph = graphOf({
      principals: [
        { name: 'alice', kind: 'user', policies: [doc(deny('sts:AssumeRole'))] },
        { name: 'deleter', trust: trusting(arn('user', 'alice')) },
      ],
    });
    expect(edge(graph, arn('user', 'alice'), arn('role', 'deleter'))).toBeUndefined();
  });

  it('is capped by an SCP that denies sts:AssumeRole', () => {
    const graph = graphOf({
      principals: [
        { name: 'alice', kind: 'user', policies: [doc(allow('sts:AssumeRole'))] },
        { name: 'admin', trust: trusting(root()) },
      ],
      scps: scpDenying('sts:AssumeRole'),
    });
    expect(edge(graph, arn('user', 'alice'), arn('role', 'admin'))).toBeUndefined();
  });

  it('is capped by a boundary that does not allow sts:AssumeRole (a role named in the trust included)', () => {
    const graph = graphOf({
      principals: [
        { name: 'ci', policies: [doc(allow('sts:AssumeRole'))], boundary: 'narrow' },
        { name: 'admin', trust: trusting(root()) },
        { name: 'named', trust: trusting(arn('role', 'ci')) },
      ],
      managed: { narrow: doc(allow('s3:*')) },
    });
    expect(edge(graph, arn('role', 'ci'), arn('role', 'admin'))).toBeUndefined();
    expect(edge(graph, arn('role', 'ci'), arn('role', 'named'))).toBeUndefined();
  });

  it('is not capped by a user’s boundary when the trust names the user (IAM: a resource policy naming a user ARN)', () => {
    const graph = graphOf({
      principals: [
        { name: 'alice', kind: 'user', boundary: 'narrow' },
        { name: 'named', trust: trusting(arn('user', 'alice')) },
      ],
      managed: { narrow: doc(allow('s3:*')) },
    });
    expect(edge(graph, arn('user', 'alice'), arn('role', 'named'))?.decision).toBe('allowed');
  });

  it("is not capped by a role's boundary when the trust names the role's session, only by an explicit Deny", () => {
    const session = `arn:aws:sts::${ACCOUNT}:assumed-role/ci/deploy`;
    const spec = (boundary: unknown): AccountSpec => ({
      principals: [
        { name: 'ci', boundary: 'narrow' },
        { name: 'named', trust: trusting(session) },
      ],
      managed: { narrow: boundary },
    });
    const found = edge(graphOf(spec(doc(allow('s3:*')))), arn('role', 'ci'), arn('role', 'named'));
    // Only a session of that name may assume it: the edge depends on the session name.
    expect(found?.decision).toBe('depends');
    expect(
      edge(graphOf(spec(doc(allow('s3:*'), deny('sts:AssumeRole')))), arn('role', 'ci'), arn('role', 'named')),
    ).toBeUndefined();
  });

  it('names a caller whatever the case of its name in the trust: IAM names are unique regardless of case', () => {
    const graph = graphOf({
      principals: [
        { name: 'ci' },
        { name: 'named', trust: trusting(arn('role', 'CI')) },
        { name: 'session', trust: trusting(`arn:aws:sts::${ACCOUNT}:assumed-role/Ci/deploy`) },
      ],
    });
    expect(edge(graph, arn('role', 'ci'), arn('role', 'named'))?.decision).toBe('allowed');
    expect(edge(graph, arn('role', 'ci'), arn('role', 'session'))).toBeDefined();
  });

  it('keeps trust conditions the snapshot cannot answer (MFA) as what the edge depends on', () => {
    const graph = graphOf({
      principals: [
        { name: 'alice', kind: 'user' },
        {
          name: 'guarded',
          trust: trusting(arn('user', 'alice'), { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }),
        },
      ],
    });
    const found = edge(graph, arn('user', 'alice'), arn('role', 'guarded'))!;
    expect(found.decision).toBe('depends');
    expect(found.dependsOn).toEqual(['aws:MultiFactorAuthPresent']);
  });

  // Session tags and a source identity are what the caller passes, when both the trust and the caller's own
  // side allow it (sts:TagSession, sts:SetSourceIdentity); a request that passes them otherwise is refused.
  describe('session tags and a source identity the trust asks for', () => {
    const askingTag = (actions: string[], principal = root()) =>
      doc({
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: actions,
        Condition: { StringEquals: { 'aws:RequestTag/team': 'ops' } },
      });
    const tagGraph = (trust: unknown, callerActions: string[], scps?: OrganizationPolicyLevel[]) =>
      graphOf({
        principals: [
          { name: 'alice', kind: 'user', policies: [doc(allow(callerActions))] },
          { name: 'ops', trust },
        ],
        ...(scps ? { scps } : {}),
      });
    const aliceToOps = (graph: AccessGraph) => edge(graph, arn('user', 'alice'), arn('role', 'ops'));

    it('are met for certain by a caller that may pass them: it passes the tag the trust asks for', () => {
      const found = aliceToOps(tagGraph(askingTag(['sts:AssumeRole', 'sts:TagSession']), ['sts:*']));
      expect(found).toMatchObject({ decision: 'allowed', dependsOn: [] });
    });

    it('are met when sts:TagSession is allowed by a statement of its own', () => {
      const trust = doc(
        {
          Effect: 'Allow',
          Principal: { AWS: root() },
          Action: 'sts:AssumeRole',
          Condition: { StringLike: { 'aws:RequestTag/team': 'o*' } },
        },
        { Effect: 'Allow', Principal: { AWS: root() }, Action: 'sts:TagSession' },
      );
      expect(aliceToOps(tagGraph(trust, ['sts:AssumeRole', 'sts:TagSession']))?.decision).toBe('allowed');
    });

    it.each([
      ['the trust does not allow sts:TagSession', askingTag(['sts:AssumeRole']), ['sts:*'], undefined],
      ['its own policies do not', askingTag(['sts:AssumeRole', 'sts:TagSession']), ['sts:AssumeRole'], undefined],
      ['an SCP denies it', askingTag(['sts:AssumeRole', 'sts:TagSession']), ['sts:*'], scpDenying('sts:TagSession')],
    ])('can never be met when %s: no edge', (_why, trust, callerActions, scps) => {
      expect(aliceToOps(tagGraph(trust, callerActions, scps))).toBeUndefined();
    });

    it('are passed role by role where the caller may pass them to some roles that ask alike and not others', () => {
      const graph = graphOf({
        principals: [
          {
            name: 'alice',
            kind: 'user',
            policies: [doc(allow('sts:AssumeRole'), allow('sts:TagSession', arn('role', 'ops')))],
          },
          { name: 'ops', trust: askingTag(['sts:AssumeRole', 'sts:TagSession']) },
          { name: 'billing', trust: askingTag(['sts:AssumeRole', 'sts:TagSession']) },
        ],
      });
      expect(aliceToOps(graph)?.decision).toBe('allowed');
      expect(edge(graph, arn('user', 'alice'), arn('role', 'billing'))).toBeUndefined();
    });

    it('are passed for certain under an SCP that denies passing other tag keys (the leash agent tag)', () => {
      const protectAgentTag: OrganizationPolicyLevel[] = [
        {
          kind: 'root',
          id: 'r-1',
          policies: [
            { name: 'all', document: doc(allow('*')) },
            {
              name: 'agent-tag',
              document: doc(
                deny('sts:TagSession', '*', {
                  Condition: {
                    'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': 'leash:agent' },
                    StringNotEqualsIgnoreCase: { 'aws:RequestTag/leash:agent': 'true' },
                  },
                }),
              ),
            },
          ],
        },
      ];
      const found = aliceToOps(
        tagGraph(
          askingTag(['sts:AssumeRole', 'sts:TagSession']),
          ['sts:AssumeRole', 'sts:TagSession'],
          protectAgentTag,
        ),
      );
      expect(found).toMatchObject({ decision: 'allowed', dependsOn: [] });
    });

    it('escape a trust Deny unless tagged, for a caller that may pass the tag, and stop one that may not', () => {
      const trust = doc(
        { Effect: 'Allow', Principal: { AWS: root() }, Action: ['sts:AssumeRole', 'sts:TagSession'] },
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'sts:AssumeRole',
          Condition: { StringNotEquals: { 'aws:RequestTag/approved': 'yes' } },
        },
      );
      expect(aliceToOps(tagGraph(trust, ['sts:AssumeRole', 'sts:TagSession']))?.decision).toBe('allowed');
      expect(aliceToOps(tagGraph(trust, ['sts:AssumeRole']))).toBeUndefined();
    });

    it('need no grant of its own from a caller the same-account trust names', () => {
      const trust = askingTag(['sts:AssumeRole', 'sts:TagSession'], arn('user', 'alice'));
      expect(aliceToOps(tagGraph(trust, ['s3:GetObject']))?.decision).toBe('allowed');
    });

    it("are passed across accounts where the caller's own policies allow sts:TagSession on the role", () => {
      const remoteRole = (actions: string[]) =>
        otherAccount([
          {
            name: 'remote',
            trust: doc({
              Effect: 'Allow',
              Principal: { AWS: root(ACCOUNT) },
              Action: ['sts:AssumeRole', 'sts:TagSession'],
              Condition: { StringEquals: { 'aws:RequestTag/team': 'ops' } },
            }),
            policies: [doc(allow(actions))],
          },
        ]);
      const reach = (callerActions: string[]) =>
        edge(
          graphOf({ principals: [{ name: 'alice', kind: 'user', policies: [doc(allow(callerActions))] }] }, [
            remoteRole(['s3:*']),
          ]),
          arn('user', 'alice'),
          arn('role', 'remote', OTHER),
        );
      expect(reach(['sts:AssumeRole', 'sts:TagSession'])?.decision).toBe('allowed');
      // The trust allows it, but across accounts its own side must too.
      expect(reach(['sts:AssumeRole'])).toBeUndefined();
    });

    it('stay what the edge depends on where the caller may pass them only under a condition', () => {
      const graph = graphOf({
        principals: [
          {
            name: 'alice',
            kind: 'user',
            policies: [
              doc(allow('sts:AssumeRole'), {
                Effect: 'Allow',
                Action: 'sts:TagSession',
                Resource: '*',
                Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
              }),
            ],
          },
          { name: 'ops', trust: askingTag(['sts:AssumeRole', 'sts:TagSession']) },
        ],
      });
      const found = aliceToOps(graph);
      expect(found?.decision).toBe('depends');
      expect(found?.dependsOn).toContain('aws:RequestTag/team');
    });

    it('a source identity: passed by a caller sts:SetSourceIdentity allows, never set by a user otherwise', () => {
      const trust = (actions: string[]) =>
        doc({
          Effect: 'Allow',
          Principal: { AWS: arn('user', 'alice') },
          Action: actions,
          Condition: { StringEquals: { 'sts:SourceIdentity': 'alice@example.com' } },
        });
      const setting = aliceToOps(tagGraph(trust(['sts:AssumeRole', 'sts:SetSourceIdentity']), []));
      expect(setting).toMatchObject({ decision: 'allowed', dependsOn: [] });
      expect(aliceToOps(tagGraph(trust(['sts:AssumeRole']), []))).toBeUndefined();
    });

    // Its own policies may ask it to pass them (AWS documents `"sts:SourceIdentity": "${aws:username}"`).
    describe("that the caller's own policies ask it to pass", () => {
      const asking = (condition: object, trustActions: string[], principal = root()) =>
        graphOf({
          principals: [
            {
              name: 'alice',
              kind: 'user',
              policies: [
                doc(
                  allow(['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'], '*', {
                    Condition: condition,
                  }),
                ),
              ],
            },
            { name: 'ops', trust: doc({ Effect: 'Allow', Principal: { AWS: principal }, Action: trustActions }) },
          ],
        });
      const sourceIdentity = { StringEquals: { 'sts:SourceIdentity': '${aws:username}' } };
      const teamTag = { StringEquals: { 'aws:RequestTag/team': 'ops' } };

      it.each([
        ['its user name as source identity', sourceIdentity, 'sts:SetSourceIdentity'],
        ['a session tag', teamTag, 'sts:TagSession'],
      ])('are passed, for certain, where the trust lets it pass %s', (_what, condition, action) => {
        const found = aliceToOps(asking(condition, ['sts:AssumeRole', action]));
        expect(found).toMatchObject({ decision: 'allowed', dependsOn: [] });
        expect(found?.evidence.map((e) => e.note).join(' ')).toContain('as its own policies ask');
      });

      it.each([
        ['a source identity', sourceIdentity],
        ['a session tag', teamTag],
      ])('leave no way where the trust does not let it pass %s', (_what, condition) => {
        expect(aliceToOps(asking(condition, ['sts:AssumeRole']))).toBeUndefined();
      });

      it("keep a way into another account's role whose trust cannot be read: it may let anyone pass them", () => {
        const unreadable = doc({
          Effect: 'Allow',
          NotPrincipal: { AWS: arn('user', 'bob') },
          Action: 'sts:AssumeRole',
        });
        const alice = {
          name: 'alice',
          kind: 'user' as const,
          policies: [doc(allow(['sts:AssumeRole', 'sts:TagSession'], '*', { Condition: teamTag }))],
        };
        const graph = graphOf({ principals: [alice] }, [otherAccount([{ name: 'remote', trust: unreadable }])]);
        expect(edge(graph, arn('user', 'alice'), arn('role', 'remote', OTHER))?.decision).toBe('depends');
      });

      it('do not hold back a caller the same-account trust names, which needs no grant of its own', () => {
        const found = aliceToOps(asking(teamTag, ['sts:AssumeRole'], arn('user', 'alice')));
        expect(found?.decision).toBe('allowed');
      });
    });

    it("a source identity a role's session may carry from an earlier hop stays what the edge depends on", () => {
      // The trust must allow sts:SetSourceIdentity even to pass one on (role chaining): without it, none passes.
      const chained = (actions: string[]) =>
        graphOf({
          principals: [
            { name: 'ci', policies: [doc(allow('sts:AssumeRole'))] },
            {
              name: 'ops',
              trust: trusting(root(), {
                Action: actions,
                Condition: { StringEquals: { 'sts:SourceIdentity': 'alice@example.com' } },
              }),
            },
          ],
        });
      const found = edge(chained(['sts:AssumeRole', 'sts:SetSourceIdentity']), arn('role', 'ci'), arn('role', 'ops'));
      expect(found?.decision).toBe('depends');
      expect(found?.dependsOn).toContain('sts:SourceIdentity');
      expect(edge(chained(['sts:AssumeRole']), arn('role', 'ci'), arn('role', 'ops'))).toBeUndefined();
    });
  });

  // The external ID is in the trust policy for anyone who can read it (AWS: not a secret), and the session name is
  // the caller's: an IAM caller passes whatever a trust asks of them.
  it.each([
    [
      'an external ID the trust names',
      trusting(arn('user', 'alice'), { Condition: { StringEquals: { 'sts:ExternalId': 'x-1' } } }),
    ],
    [
      'a session name pattern, for every caller of the account',
      trusting(root(), { Condition: { StringLike: { 'sts:RoleSessionName': 'ops-*' } } }),
    ],
    [
      'a Deny of other session names',
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: arn('user', 'alice') }, Action: 'sts:AssumeRole' },
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sts:AssumeRole',
            Condition: { StringNotLike: { 'sts:RoleSessionName': 'ops-*' } },
          },
        ],
      },
    ],
  ])('lets the caller meet %s', (_what, trust) => {
    const graph = graphOf({
      principals: [
        { name: 'alice', kind: 'user', policies: [doc(allow('sts:AssumeRole'))] },
        { name: 'guarded', trust },
      ],
    });
    expect(edge(graph, arn('user', 'alice'), arn('role', 'guarded'))).toMatchObject({
      decision: 'allowed',
      dependsOn: [],
    });
  });

  describe("aws:userid: a user's unique id, a role session's the role's id and the session name", () => {
    const DEPLOYER_ID = 'AROADEPLOYER000000001';
    const ALICE_ID = 'AIDAALICE000000000001';
    const byUserId = (test: object) => trusting(root(), { Condition: test });
    const graph = graphOf({
      principals: [
        { name: 'deployer', uniqueId: DEPLOYER_ID, policies: [doc(allow('sts:AssumeRole'))] },
        { name: 'alice', kind: 'user', uniqueId: ALICE_ID, policies: [doc(allow('sts:AssumeRole'))] },
        { name: 'any-deployer-session', trust: byUserId({ StringLike: { 'aws:userid': `${DEPLOYER_ID}:*` } }) },
        { name: 'one-deployer-session', trust: byUserId({ StringEquals: { 'aws:userid': `${DEPLOYER_ID}:ops` } }) },
        { name: 'another-role', trust: byUserId({ StringLike: { 'aws:userid': 'AROAOTHER000000000001:*' } }) },
        { name: 'alice-only', trust: byUserId({ StringEquals: { 'aws:userid': ALICE_ID } }) },
        {
          name: 'not-deployer',
          trust: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { AWS: root() }, Action: 'sts:AssumeRole' },
              {
                Effect: 'Deny',
                Principal: { AWS: '*' },
                Action: 'sts:AssumeRole',
                Condition: { StringLike: { 'aws:userid': `${DEPLOYER_ID}:*` } },
              },
            ],
          },
        },
      ],
    });

    it('lets every session of the role named by its id in, and no session of another role', () => {
      expect(edge(graph, arn('role', 'deployer'), arn('role', 'any-deployer-session'))).toMatchObject({
        decision: 'allowed',
        dependsOn: [],
      });
      expect(edge(graph, arn('role', 'deployer'), arn('role', 'another-role'))).toBeUndefined();
      expect(edge(graph, arn('role', 'deployer'), arn('role', 'not-deployer'))).toBeUndefined();
      expect(edge(graph, arn('user', 'alice'), arn('role', 'not-deployer'))).toMatchObject({ decision: 'allowed' });
    });

    it('lets one session name in as depending on the key: whoever makes the session names it', () => {
      expect(edge(graph, arn('role', 'deployer'), arn('role', 'one-deployer-session'))).toMatchObject({
        decision: 'depends',
        dependsOn: ['aws:userid'],
      });
    });

    it("answers a user's from its unique id", () => {
      expect(edge(graph, arn('user', 'alice'), arn('role', 'alice-only'))).toMatchObject({
        decision: 'allowed',
        dependsOn: [],
      });
      expect(edge(graph, arn('user', 'alice'), arn('role', 'any-deployer-session'))).toBeUndefined();
      expect(edge(graph, arn('role', 'deployer'), arn('role', 'alice-only'))).toBeUndefined();
    });

    it('leaves the key depending where the input does not hold the unique id', () => {
      const unknown = graphOf({
        principals: [
          { name: 'deployer', policies: [doc(allow('sts:AssumeRole'))] },
          { name: 'another-role', trust: byUserId({ StringLike: { 'aws:userid': 'AROAOTHER000000000001:*' } }) },
        ],
      });
      expect(edge(unknown, arn('role', 'deployer'), arn('role', 'another-role'))).toMatchObject({
        decision: 'depends',
      });
    });
  });

  it('lets the caller pass a value written with a wildcard character as it is (StringEquals "*")', () => {
    const graph = graphOf({
      principals: [
        { name: 'alice', kind: 'user', policies: [doc(allow('sts:AssumeRole'))] },
        { name: 'starred', trust: trusting(root(), { Condition: { StringEquals: { 'sts:ExternalId': '*' } } }) },
      ],
    });
    expect(edge(graph, arn('user', 'alice'), arn('role', 'starred'))).toMatchObject({ decision: 'allowed' });
  });

  it('answers a policy variable in a session-name condition from the caller, not from the chosen value', () => {
    // Only a user has an aws:username to name its session after: a role caller cannot meet this for certain.
    const named = trusting(root(), { Condition: { StringEquals: { 'sts:RoleSessionName': '${aws:username}' } } });
    const graph = graphOf({
      principals: [
        { name: 'deployer', policies: [doc(allow('sts:AssumeRole'))] },
        { name: 'named', trust: named },
      ],
    });
    expect(edge(graph, arn('role', 'deployer'), arn('role', 'named'))?.decision).not.toBe('allowed');
    // A user names its session after itself: certain.
    const byUser = graphOf({
      principals: [
        { name: 'alice', kind: 'user', policies: [doc(allow('sts:AssumeRole'))] },
        { name: 'named', trust: named },
      ],
    });
    expect(edge(byUser, arn('user', 'alice'), arn('role', 'named'))).toMatchObject({
      decision: 'allowed',
      dependsOn: [],
    });
  });

  describe('under a network perimeter SCP that does not exempt sts (the caller picks where it calls from)', () => {
    const perimeter: OrganizationPolicyLevel = {
      kind: 'root',
      id: 'r-test',
      policies: [
        { name: 'FullAWSAccess', document: doc(allow('*')) },
        {
          name: 'network',
          document: doc({
            Effect: 'Deny',
            Action: '*',
            Resource: '*',
            Condition: { NotIpAddressIfExists: { 'aws:SourceIp': '10.0.0.0/8' } },
          }),
        },
      ],
    };
    const spec: AccountSpec = {
      principals: [
        { name: 'alice', kind: 'user', policies: [doc(allow('sts:AssumeRole'))] },
        { name: 'admin', trust: trusting(root()) },
      ],
      scps: [perimeter],
    };
    const withPicks = (picks: boolean) => {
      const s = snapshot(spec);
      const questions = productionTagQuestions(s, policiesInUse(s), LeashConfig.parse({}).guardrails);
      return buildAccessGraph([{ snapshot: s, account: compileAccount(s, catalog) }], {
        catalog,
        now: NOW,
        ...(picks ? { picksOf: (principal) => questions.picksOf(principal) } : {}),
      });
    };

    it('assumes the role from inside the network, and the evidence names the place and the Deny it escapes', () => {
      const found = edge(withPicks(true), arn('user', 'alice'), arn('role', 'admin'))!;
      expect(found).toMatchObject({ decision: 'allowed', dependsOn: [] });
      expect(found.evidence).toContainEqual(
        expect.objectContaining({ policyKind: 'scp', note: expect.stringContaining('from 10.0.0.0 (aws:SourceIp)') }),
      );
    });

    it('passes a role to a service from inside the network too', () => {
      const s = snapshot({
        principals: [
          {
            name: 'deployer',
            kind: 'user',
            policies: [doc(allow(['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction']))],
          },
          {
            name: 'fn',
            trust: doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }),
          },
        ],
        scps: [perimeter],
      });
      const questions = productionTagQuestions(s, policiesInUse(s), LeashConfig.parse({}).guardrails);
      const graph = buildAccessGraph([{ snapshot: s, account: compileAccount(s, catalog) }], {
        catalog,
        now: NOW,
        picksOf: (principal) => questions.picksOf(principal),
      });
      expect(edge(graph, arn('user', 'deployer'), arn('role', 'fn'))).toMatchObject({ decision: 'allowed' });
    });

    it('meets a trust that asks for the corporate network from there, with or without picks', () => {
      const graph = graphOf({
        principals: [
          { name: 'alice', kind: 'user', policies: [doc(allow('sts:AssumeRole'))] },
          {
            name: 'office-only',
            trust: trusting(root(), { Condition: { IpAddress: { 'aws:SourceIp': ['192.0.2.0/24'] } } }),
          },
        ],
      });
      expect(edge(graph, arn('user', 'alice'), arn('role', 'office-only'))).toMatchObject({
        decision: 'allowed',
        dependsOn: [],
      });
    });

    it('leaves the edge depending on aws:SourceIp when no pick is given', () => {
      expect(edge(withPicks(false), arn('user', 'alice'), arn('role', 'admin'))).toMatchObject({
        decision: 'depends',
        dependsOn: ['aws:SourceIp'],
      });
    });
  });

  describe('under a region deny SCP (the caller picks aws:RequestedRegion)', () => {
    const regionDeny = [REGION_DENY_LEVEL()];
    const spec = {
      principals: [
        {
          name: 'deployer',
          kind: 'user' as const,
          policies: [doc(allow(['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction']))],
        },
        {
          name: 'fn',
          trust: doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }),
        },
      ],
      scps: regionDeny,
    };
    const withRegions = (regions: readonly string[]) => {
      const s = snapshot(spec);
      return buildAccessGraph([{ snapshot: s, account: compileAccount(s, catalog) }], {
        catalog,
        now: NOW,
        picksOf: () => regions.map(regionPick),
      });
    };

    it('takes a path in a region the SCP allows, and its evidence says which and what that escapes', () => {
      const found = edge(withRegions(['eu-west-1']), arn('user', 'deployer'), arn('role', 'fn'))!;
      expect(found).toMatchObject({ decision: 'allowed', dependsOn: [] });
      expect(found.evidence).toContainEqual(
        expect.objectContaining({
          policy: 'regions',
          policyKind: 'scp',
          note: expect.stringContaining('does not apply to a request to eu-west-1'),
        }),
      );
    });

    it('leaves it depending on the region where no region is given, or none lets it through', () => {
      for (const regions of [[], ['ap-south-1']]) {
        expect(edge(withRegions(regions), arn('user', 'deployer'), arn('role', 'fn'))).toMatchObject({
          decision: 'depends',
          dependsOn: ['aws:RequestedRegion'],
        });
      }
    });
  });

  it('does not let a service pass the external ID a trust asks of it', () => {
    const graph = graphOf({
      principals: [
        {
          name: 'deployer',
          kind: 'user',
          policies: [doc(allow(['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction']))],
        },
        {
          name: 'fn',
          trust: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'lambda.amazonaws.com' },
                Action: 'sts:AssumeRole',
                Condition: { StringEquals: { 'sts:ExternalId': 'x-1' } },
              },
            ],
          },
        },
      ],
    });
    expect(edge(graph, arn('user', 'deployer'), arn('role', 'fn'))?.decision).toBe('depends');
  });

  it('answers caller and date conditions of the trust: a tag the caller lacks, a date past', () => {
    const graph = graphOf({
      principals: [
        { name: 'alice', kind: 'user' as const, tags: { team: 'web' } },
        { name: 'bob', kind: 'user' as const, tags: { team: 'data' } },
        { name: 'data', trust: trusting(root(), { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'data' } } }) },
        {
          name: 'expired',
          trust: trusting(arn('user', 'alice'), {
            Condition: { DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } },
          }),
        },
      ].map((p) => (p.kind === 'user' ? { ...p, policies: [doc(allow('sts:AssumeRole'))] } : p)),
    });
    expect(edge(graph, arn('user', 'bob'), arn('role', 'data'))?.decision).toBe('allowed');
    expect(edge(graph, arn('user', 'alice'), arn('role', 'data'))).toBeUndefined();
    expect(edge(graph, arn('user', 'alice'), arn('role', 'expired'))).toBeUndefined();
  });

  it('keeps a way that opens later: a trust that starts next year, a grant whose Deny lapses', () => {
    const later = { DateGreaterThan: { 'aws:CurrentTime': '2027-06-01T00:00:00Z' } };
    const graph = graphOf({
      principals: [
        { name: 'alice', kind: 'user', policies: [doc(allow('sts:AssumeRole'))] },
        {
          name: 'bob',
          kind: 'user',
          policies: [
            doc(
              allow('sts:AssumeRole'),
              deny('sts:AssumeRole', '*', { Condition: { DateLessThan: { 'aws:CurrentTime': '2027-01-01' } } }),
            ),
          ],
        },
        {
          name: 'carol',
          kind: 'user',
          policies: [
            doc(allow('sts:AssumeRole', '*', { Condition: { DateLessThan: { 'aws:EpochTime': '1577836800' } } })),
          ],
        },
        { name: 'scheduled', trust: trusting(arn('user', 'alice'), { Condition: later }) },
        { name: 'ops', trust: trusting(root()) },
      ],
    });
    const scheduled = edge(graph, arn('user', 'alice'), arn('role', 'scheduled'));
    expect(scheduled?.decision).toBe('depends');
    expect(scheduled?.dependsOn).toContain('aws:CurrentTime');
    const lapsing = edge(graph, arn('user', 'bob'), arn('role', 'ops'));
    expect(lapsing?.decision).toBe('depends');
    expect(lapsing?.dependsOn).toContain('aws:CurrentTime');
    // A grant that ran out in 2020 is no way at all.
    expect(edge(graph, arn('user', 'carol'), arn('role', 'ops'))).toBeUndefined();
    expect(edge(graph, arn('user', 'alice'), arn('role', 'ops'))?.decision).toBe('allowed');
  });

  it.each([
    ['sts:AssumeRoleWithSAML', false],
    ['sts:AssumeRoleWithWebIdentity', false],
    ['sts:TagSession', false],
    ['sts:AssumeRole*', true],
    ['sts:*', true],
  ])('lets an IAM principal in only when the trust allows sts:AssumeRole: %s → %s', (action, reached) => {
    const trust = doc({ Effect: 'Allow', Principal: { AWS: root() }, Action: action });
    const graph = graphOf({
      principals: [
        { name: 'alice', kind: 'user', policies: [doc(allow('sts:AssumeRole'))] },
        { name: 'admin', trust },
      ],
    });
    expect(edge(graph, arn('user', 'alice'), arn('role', 'admin')) !== undefined).toBe(reached);
  });

  it('is not stopped by a trust Deny of sts:AssumeRoleWithSAML alone', () => {
    const trust = doc(
      { Effect: 'Allow', Principal: { AWS: root() }, Action: 'sts:AssumeRole' },
      { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRoleWithSAML' },
    );
    const graph = graphOf({
      principals: [
        { name: 'alice', kind: 'user', policies: [doc(allow('sts:AssumeRole'))] },
        { name: 'admin', trust },
      ],
    });
    expect(edge(graph, arn('user', 'alice'), arn('role', 'admin'))?.decision).toBe('allowed');
  });

  describe('a principal pattern (a template principal only deployment knows, widened) names all it may name', () => {
    it('a role or user pattern: each principal it matches, as a trust naming it (no sts grant needed)', () => {
      const graph = graphOf({
        principals: [
          { name: 'ci-deploy', policies: [doc(allow('s3:GetObject'))] },
          { name: 'ops', kind: 'user' },
          { name: 'admin', trust: trusting(`arn:aws:iam::${ACCOUNT}:role/ci-*`) },
        ],
      });
      expect(edge(graph, arn('role', 'ci-deploy'), arn('role', 'admin'))).toMatchObject({ decision: 'allowed' });
      expect(edge(graph, arn('user', 'ops'), arn('role', 'admin'))).toBeUndefined();
    });

    it('a root pattern (unknown partition or account): the account, each caller through its own sts grant', () => {
      const principals = (policies: ReturnType<typeof doc>[]) => [
        { name: 'alice', kind: 'user' as const, policies },
        { name: 'admin', trust: trusting(`arn:*:iam::${ACCOUNT}:root`) },
        { name: 'audit', trust: trusting('arn:aws:iam::*:root') },
      ];
      const without = graphOf({ principals: principals([]) });
      expect(without.edgesFrom(arn('user', 'alice'))).toEqual([]);
      const withGrant = graphOf({ principals: principals([doc(allow('sts:AssumeRole'))]) });
      expect(edge(withGrant, arn('user', 'alice'), arn('role', 'admin'))?.decision).toBe('allowed');
      expect(edge(withGrant, arn('user', 'alice'), arn('role', 'audit'))?.decision).toBe('allowed');
    });

    it('a session pattern: the roles whose sessions it may name; a pattern in a Deny stops no one', () => {
      const graph = graphOf({
        principals: [
          { name: 'builder', policies: [doc(allow('s3:GetObject'))] },
          { name: 'other', policies: [doc(allow('s3:GetObject'))] },
          { name: 'admin', trust: trusting(`arn:aws:sts::${ACCOUNT}:assumed-role/build*/*`) },
          {
            name: 'guarded',
            trust: doc(
              { Effect: 'Allow', Principal: { AWS: arn('role', 'builder') }, Action: 'sts:AssumeRole' },
              { Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/*` }, Action: 'sts:AssumeRole' },
            ),
          },
        ],
      });
      expect(edge(graph, arn('role', 'builder'), arn('role', 'admin'))?.dependsOn).toContain('role session name');
      expect(edge(graph, arn('role', 'other'), arn('role', 'admin'))).toBeUndefined();
      expect(edge(graph, arn('role', 'builder'), arn('role', 'guarded'))?.decision).toBe('allowed');
    });
  });

  it('never links a role to itself (self-trust)', () => {
    const graph = graphOf({
      principals: [{ name: 'loop', trust: trusting(arn('role', 'loop')), policies: [doc(allow('sts:AssumeRole'))] }],
    });
    expect(graph.edgesFrom(arn('role', 'loop'))).toEqual([]);
  });

  it('follows cross-account trust: a role of another account trusting this account’s root', () => {
    const graph = graphOf({ principals: [{ name: 'alice', kind: 'user', policies: [doc(allow('sts:AssumeRole'))] }] }, [
      otherAccount([{ name: 'remote', trust: trusting(root(ACCOUNT)) }]),
    ]);
    expect(edge(graph, arn('user', 'alice'), arn('role', 'remote', OTHER))?.decision).toBe('allowed');
  });

  describe('under an SCP resource perimeter, decides each role in its own account and organization', () => {
    const perimeter = (condition: object): OrganizationPolicyLevel[] => [
      {
        kind: 'root',
        id: 'r-1',
        policies: [
          { name: 'all', document: doc(allow('*')) },
          { name: 'perimeter', document: doc(deny('*', '*', { Condition: condition })) },
        ],
      },
    ];
    const alice = { name: 'alice', kind: 'user' as const, policies: [doc(allow('sts:AssumeRole'))] };
    const ORG = 'o-a1b2c3d4e5';
    const inOrganization = { StringNotEqualsIfExists: { 'aws:ResourceOrgID': ORG } };

    it('a role of its own account that trusts the account is inside the perimeter', () => {
      const spec = { principals: [alice, { name: 'admin', trust: trusting(root()) }], scps: perimeter(inOrganization) };
      const inside = graphOf({ ...spec, organizationId: ORG });
      expect(edge(inside, arn('user', 'alice'), arn('role', 'admin'))?.decision).toBe('allowed');
      // The organization not known: whether the perimeter lets it through is not either.
      expect(edge(graphOf(spec), arn('user', 'alice'), arn('role', 'admin'))).toMatchObject({
        decision: 'depends',
        dependsOn: ['aws:ResourceOrgID'],
      });
    });

    it('a role of another account: inside or outside the organization, or not known', () => {
      const remote = otherAccount([{ name: 'remote', trust: trusting(root(ACCOUNT)) }]);
      const spec = { principals: [alice], scps: perimeter(inOrganization), organizationId: ORG };
      const target = arn('role', 'remote', OTHER);
      const from = arn('user', 'alice');
      expect(
        edge(
          graphOf(spec, [remote], () => ORG),
          from,
          target,
        )?.decision,
      ).toBe('allowed');
      expect(
        edge(
          graphOf(spec, [remote], (id) => (id === OTHER ? 'o-zzzzzzzzzz' : ORG)),
          from,
          target,
        ),
      ).toBeUndefined();
      expect(edge(graphOf(spec, [remote]), from, target)).toMatchObject({
        decision: 'depends',
        dependsOn: ['aws:ResourceOrgID'],
      });
    });

    it('an own-account-only SCP lets it assume roles of its account and of no other', () => {
      const spec = {
        principals: [alice, { name: 'admin', trust: trusting(root()) }],
        scps: perimeter({ StringNotEquals: { 'aws:ResourceAccount': ACCOUNT } }),
      };
      const graph = graphOf(spec, [otherAccount([{ name: 'remote', trust: trusting(root(ACCOUNT)) }])]);
      expect(edge(graph, arn('user', 'alice'), arn('role', 'admin'))?.decision).toBe('allowed');
      expect(edge(graph, arn('user', 'alice'), arn('role', 'remote', OTHER))).toBeUndefined();
    });
  });

  it('answers aws:PrincipalOrgID of a cross-account trust inside and outside the organization', () => {
    const remote = otherAccount([
      { name: 'org-only', trust: trusting('*', { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-ours' } } }) },
    ]);
    const spec = { principals: [{ name: 'alice', kind: 'user' as const, policies: [doc(allow('sts:AssumeRole'))] }] };
    const target = arn('role', 'org-only', OTHER);
    expect(
      edge(
        graphOf(spec, [remote], () => 'o-ours'),
        arn('user', 'alice'),
        target,
      )?.decision,
    ).toBe('allowed');
    expect(
      edge(
        graphOf(spec, [remote], () => 'o-theirs'),
        arn('user', 'alice'),
        target,
      ),
    ).toBeUndefined();
    const unknown = edge(graphOf(spec, [remote]), arn('user', 'alice'), target)!;
    expect(unknown).toMatchObject({ decision: 'depends', dependsOn: ['aws:PrincipalOrgID'] });
  });

  describe('aws:PrincipalOrgPaths, from the organization id and the root and OUs above the caller', () => {
    const ORG = 'o-a1b2c3d4e5';
    const PROD_OU = 'ou-ab12-11111111';
    const level = (kind: 'root' | 'ou' | 'account', id: string) => ({
      kind,
      id,
      policies: [{ name: 'FullAWSAccess', document: doc(allow('*')) }],
    });
    // alice's account sits in `units`, below the root r-ab12; the role of OTHER trusts everyone on a condition.
    function decide(condition: object, units: string[] | undefined, org: string | null = ORG) {
      const own = snapshot({ principals: [{ name: 'alice', kind: 'user', policies: [doc(allow('sts:AssumeRole'))] }] });
      const placed = AccountSnapshot.parse({
        ...own,
        ...(units
          ? {
              organizationPoliciesKnown: true,
              serviceControlPolicies: [
                level('root', 'r-ab12'),
                ...units.map((u) => level('ou', u)),
                level('account', ACCOUNT),
              ],
            }
          : {}),
      });
      const remote = otherAccount([{ name: 'ou-only', trust: trusting('*', { Condition: condition }) }]);
      const accounts = [placed, remote].map((s) => ({ snapshot: s, account: compileAccount(s, catalog) }));
      const graph = buildAccessGraph(accounts, { catalog, now: NOW, organizationOf: () => org ?? undefined });
      return edge(graph, arn('user', 'alice'), arn('role', 'ou-only', OTHER));
    }
    const under = { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${ORG}/r-ab12/${PROD_OU}/*` } };

    it('lets in a caller whose account is in the OU or below it, and no other', () => {
      expect(decide(under, [PROD_OU])?.decision).toBe('allowed');
      expect(decide(under, [PROD_OU, 'ou-ab12-33333333'])?.decision).toBe('allowed');
      expect(decide(under, ['ou-ab12-22222222'])).toBeUndefined();
      expect(decide(under, [])).toBeUndefined();
      // The other way round: everyone but that OU.
      const outside = { 'ForAllValues:StringNotLike': { 'aws:PrincipalOrgPaths': `${ORG}/r-ab12/${PROD_OU}/*` } };
      expect(decide(outside, [PROD_OU])).toBeUndefined();
      expect(decide(outside, ['ou-ab12-22222222'])?.decision).toBe('allowed');
    });

    it('depends on the path where it is not known, or where the two ways AWS writes it give other answers', () => {
      expect(decide(under, undefined)).toMatchObject({ decision: 'depends', dependsOn: ['aws:PrincipalOrgPaths'] });
      expect(decide(under, [PROD_OU], null)).toMatchObject({ decision: 'depends' });
      // A chain made up from --scp policy files has no real root id.
      expect(decide(under, ['not-an-ou'])).toMatchObject({ decision: 'depends' });
      const exact = { 'ForAnyValue:StringEquals': { 'aws:PrincipalOrgPaths': `${ORG}/r-ab12/${PROD_OU}/` } };
      expect(decide(exact, [PROD_OU])).toMatchObject({ decision: 'depends', dependsOn: ['aws:PrincipalOrgPaths'] });
      expect(decide(exact, ['ou-ab12-22222222'])).toBeUndefined();
    });
  });
});

describe('conditions on the target’s own tags', () => {
  // ABAC: a grant on roles or users by their tags. The snapshot holds every role's and user's tags, so each edge
  // is decided on the target's tags: certain where they let it through, absent where they do not (not "depends").
  const onTeam = (key: string) => ({ Condition: { StringEquals: { [key]: 'x' } } });
  const lambdaTrust = doc({
    Effect: 'Allow',
    Principal: { Service: 'lambda.amazonaws.com' },
    Action: 'sts:AssumeRole',
  });
  const run = ['lambda:CreateFunction', 'lambda:InvokeFunction'];
  const role = (tags: Record<string, string>, trust: unknown) => ({ name: 'target', trust, tags });
  type Case = readonly [
    string,
    AccountSpec['principals'][number],
    (tags: Record<string, string>) => AccountSpec['principals'][number],
    'role' | 'user',
    Record<string, string>,
    readonly Record<string, string>[],
  ];
  const CASES: readonly Case[] = [
    [
      'sts:AssumeRole on roles tagged team=x (a trust of the account root)',
      { name: 'alice', kind: 'user', policies: [doc(allow('sts:AssumeRole', '*', onTeam('aws:ResourceTag/team')))] },
      (tags) => role(tags, trusting(root())),
      'role',
      { team: 'x' },
      [{ team: 'y' }, {}],
    ],
    [
      'iam:PassRole of roles tagged team=x (iam:ResourceTag)',
      {
        name: 'alice',
        kind: 'user',
        policies: [doc(allow(run), allow('iam:PassRole', '*', onTeam('iam:ResourceTag/team')))],
      },
      (tags) => role(tags, lambdaTrust),
      'role',
      { team: 'x' },
      [{ team: 'y' }, {}],
    ],
    [
      'iam:CreateAccessKey on users tagged team=x',
      {
        name: 'alice',
        kind: 'user',
        policies: [doc(allow('iam:CreateAccessKey', '*', onTeam('aws:ResourceTag/team')))],
      },
      (tags) => ({ name: 'target', kind: 'user', tags }),
      'user',
      { team: 'x' },
      [{ team: 'y' }, {}],
    ],
    [
      'iam:PassRole denied on roles not tagged team=y',
      {
        name: 'alice',
        kind: 'user',
        policies: [
          doc(allow([...run, 'iam:PassRole'])),
          doc(deny('iam:PassRole', '*', { Condition: { StringNotEquals: { 'aws:ResourceTag/team': 'y' } } })),
        ],
      },
      (tags) => role(tags, lambdaTrust),
      'role',
      { team: 'y' },
      [{ team: 'x' }, {}],
    ],
  ];

  it.each(CASES)('decides %s on the target’s tags', (_, alice, target, kind, through, blocked) => {
    const reached = graphOf({ principals: [alice, target(through)] });
    expect(edge(reached, arn('user', 'alice'), arn(kind, 'target'))).toMatchObject({
      decision: 'allowed',
      dependsOn: [],
    });
    for (const tags of blocked) {
      const graph = graphOf({ principals: [alice, target(tags)] });
      expect(edge(graph, arn('user', 'alice'), arn(kind, 'target'))).toBeUndefined();
    }
  });
});

describe('shortest paths', () => {
  it('follows a chain of three roles, each trusting the previous one by ARN, and survives a cycle', () => {
    const graph = graphOf({
      principals: [
        { name: 'a', trust: trusting(arn('role', 'c')) },
        { name: 'b', trust: trusting(arn('role', 'a')) },
        { name: 'c', trust: trusting(arn('role', 'b')), policies: [doc(allow('rds:DeleteDBInstance'))] },
      ],
    });
    const reach = graph.pathsTo([arn('role', 'c')]);
    expect(describePath(reach.path(arn('role', 'a'))!)).toBe('role/a → assume role/b → assume role/c');
    expect(reach.distance(arn('role', 'b'))).toBe(1);
    expect(graph.shortestPath(arn('role', 'c'), (x) => x === arn('role', 'a'))?.hops).toHaveLength(1);
  });

  it('counts a hop through a hub (every role trusting the account) as one hop, and prefers certain paths on request', () => {
    const graph = graphOf({
      principals: [
        { name: 'alice', kind: 'user', policies: [doc(allow('sts:AssumeRole'))] },
        { name: 'admin', trust: trusting(root()) },
        {
          name: 'guarded',
          trust: trusting(arn('user', 'alice'), { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }),
        },
      ],
    });
    const path = graph.pathsTo([arn('role', 'admin')]).path(arn('user', 'alice'))!;
    expect(path.hops).toHaveLength(1);
    expect(graph.hubCount).toBeGreaterThan(0);
    expect(graph.pathsTo([arn('role', 'guarded')], { edges: 'certain' }).path(arn('user', 'alice'))).toBeUndefined();
    expect(graph.pathsTo([arn('role', 'guarded')]).path(arn('user', 'alice'))?.certain).toBe(false);
  });

  it('walks the same exits by node number as exits() gives, in the same order, and stops when asked', () => {
    const graph = graphOf({
      principals: [
        { name: 'alice', kind: 'user', policies: [doc(allow(['sts:AssumeRole', 'iam:PassRole']))] },
        { name: 'admin', trust: trusting(root()), policies: [doc(allow('sts:AssumeRole'))] },
        { name: 'ops', trust: trusting(root()) },
        { name: 'named', trust: trusting(arn('user', 'alice')) },
      ],
    });
    expect(graph.hubCount).toBeGreaterThan(0);
    for (const from of [arn('user', 'alice'), arn('role', 'admin'), arn('role', 'ops')]) {
      const walked: string[] = [];
      graph.forEachExit(from, (to, way) => {
        walked.push(`${graph.nameOf(to)} ${way.pathId ?? way.kind}`);
        return true;
      });
      expect(walked).toEqual([...graph.exits(from)].map((exit) => `${exit.to} ${exit.pathId ?? exit.kind}`));
      let seen = 0;
      graph.forEachExit(from, () => ++seen < 2);
      expect(seen).toBe(Math.min(2, walked.length));
    }
    // Alice may assume every role: the two that trust the account through a hub (the hub's half given), the one
    // that names her directly; never herself.
    const fromAlice = new Map<string, boolean>();
    graph.forEachExit(arn('user', 'alice'), (to, _way, after) => {
      fromAlice.set(graph.nameOf(to), after !== undefined);
      return true;
    });
    expect(fromAlice).toEqual(
      new Map([
        [arn('role', 'admin'), true],
        [arn('role', 'ops'), true],
        [arn('role', 'named'), false],
      ]),
    );
  });

  it('gives the ways out towards a goal that expanding every exit gives, hubs tested once', () => {
    const graph = graphOf({
      principals: [
        { name: 'alice', kind: 'user', policies: [doc(allow(['sts:AssumeRole', 'iam:PassRole']))] },
        { name: 'bob', kind: 'user', policies: [doc(allow('sts:AssumeRole'))] },
        { name: 'admin', trust: trusting(root()), policies: [doc(allow('sts:AssumeRole'))] },
        { name: 'ops', trust: trusting(root()) },
        { name: 'named', trust: trusting(arn('user', 'bob')) },
      ],
    });
    const viaExits = (from: string, leads: (to: string) => boolean, also?: string) => {
      const ways = new Set<string>();
      for (const exit of graph.exits(from)) if (leads(exit.to) || exit.to === also) ways.add(exit.pathId ?? exit.kind);
      return [...ways];
    };
    const froms = ['alice', 'bob', 'admin', 'ops'].map((n) => arn(n === 'alice' || n === 'bob' ? 'user' : 'role', n));
    const goals: ((to: string) => boolean)[] = [
      (to) => to === arn('role', 'admin'),
      (to) => to === arn('role', 'named'),
      (to) => to.endsWith('ops') || to.endsWith('admin'),
      () => false,
    ];
    for (const leads of goals) {
      const towards = graph.waysTowards(leads);
      for (const from of froms) {
        expect(towards(from)).toEqual(viaExits(from, leads));
        for (const also of [arn('role', 'ops'), arn('role', 'named')]) {
          expect(towards(from, also)).toEqual(viaExits(from, leads, also));
        }
      }
    }
    expect(graph.waysTowards((to) => to === arn('role', 'admin'))(arn('role', 'admin'))).toEqual([]);
  });

  it('grows with callers and tag sets, not their product, when sts:AssumeRole is granted by the roles’ tags (ABAC)', () => {
    // 600 roles in three teams, each trusting its account and allowed to assume the roles of its own team; each
    // has a policy of its own, so no two share a plan. One admin per team.
    const teams = ['a', 'b', 'c'];
    const principals = Array.from({ length: 600 }, (_, i) => ({
      name: `r${i}`,
      trust: trusting(root()),
      tags: { team: teams[i % 3], ...(i % 2 ? { stage: 'dev' } : {}) },
      policies: [
        doc(
          allow('sts:AssumeRole', '*', { Condition: { StringEquals: { 'aws:ResourceTag/team': teams[i % 3] } } }),
          allow('s3:GetObject', `arn:aws:s3:::bucket-${i}/*`),
        ),
        ...(i < 3 ? [doc(allow('rds:DeleteDBInstance'))] : []),
      ],
    }));
    const graph = graphOf({ principals });
    // Each caller reaches its team's two tag sets (with and without stage) through a hub each.
    expect(graph.edgeCount).toBeLessThanOrEqual(3 * principals.length);
    // r4 (team b) reaches r1 (team b's admin) in one hop, certainly; never r0 or r2 (teams a and c).
    const toB = graph.pathsTo([arn('role', 'r1')], { edges: 'certain' });
    expect(toB.distance(arn('role', 'r4'))).toBe(1);
    expect(describePath(toB.path(arn('role', 'r4'))!)).toBe('role/r4 → assume role/r1');
    const toA = graph.pathsTo([arn('role', 'r0')]);
    expect(toA.distance(arn('role', 'r4'))).toBeUndefined();
    expect(toA.distance(arn('role', 'r3'))).toBe(1);
    // The edge's evidence names the caller's tag-conditioned grant and the role's trust.
    const [hop] = toB.path(arn('role', 'r4'))!.hops;
    expect(hop.evidence.map((e) => e.policy)).toEqual(['inline:r4-inline-0', `${arn('role', 'r1')} trust`]);
  });

  it('grows with callers and classes of roles when sts:AssumeRole is granted by role name patterns, Denies kept', () => {
    const teams = ['a', 'b', 'c'];
    const principals = Array.from({ length: 600 }, (_, i) => ({
      name: `team-${teams[i % 3]}-r${i}`,
      trust: trusting(root()),
      policies: [
        doc(
          allow('sts:AssumeRole', arn('role', `team-${teams[i % 3]}-*`)),
          allow('s3:GetObject', `arn:aws:s3:::bucket-${i}/*`),
          // One caller of team b may not assume team b's admin.
          ...(i === 4 ? [deny('sts:AssumeRole', arn('role', 'team-b-r1'))] : []),
        ),
        ...(i < 3 ? [doc(allow('rds:DeleteDBInstance'))] : []),
      ],
    }));
    const graph = graphOf({ principals });
    expect(graph.edgeCount).toBeLessThanOrEqual(4 * principals.length);
    const toB = graph.pathsTo([arn('role', 'team-b-r1')], { edges: 'certain' });
    expect(describePath(toB.path(arn('role', 'team-b-r7'))!)).toBe('role/team-b-r7 → assume role/team-b-r1');
    expect(toB.distance(arn('role', 'team-a-r0'))).toBeUndefined();
    // The caller denied the admin itself still reaches it through another role of its team: two hops.
    expect(toB.distance(arn('role', 'team-b-r4'))).toBe(2);
  });

  it.each([
    ['passing a role to a new function', ['iam:PassRole'], ['lambda:CreateFunction', 'lambda:InvokeFunction']],
    ['rewriting its trust policy', ['iam:UpdateAssumeRolePolicy'], ['sts:AssumeRole']],
  ])('grows with callers and classes of roles when the way in is %s, granted by name pattern', (_, byName, more) => {
    const teams = ['a', 'b', 'c'];
    const principals = Array.from({ length: 450 }, (_, i) => ({
      name: `team-${teams[i % 3]}-r${i}`,
      trust: doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }),
      policies: [
        doc(
          allow(byName, arn('role', `team-${teams[i % 3]}-*`)),
          ...(more.length ? [allow(more)] : []),
          allow('s3:GetObject', `arn:aws:s3:::bucket-${i}/*`),
        ),
        ...(i < 3 ? [doc(allow('rds:DeleteDBInstance'))] : []),
      ],
    }));
    const graph = graphOf({ principals });
    // Per way in, one edge per caller to its team's hub and one from the hub to each role (not 150 per caller).
    expect(graph.edgeCount).toBeLessThanOrEqual(4 * principals.length);
    const toB = graph.pathsTo([arn('role', 'team-b-r1')]);
    expect(toB.distance(arn('role', 'team-b-r7'))).toBe(1);
    expect(toB.distance(arn('role', 'team-a-r0'))).toBeUndefined();
  });

  it('links many roles whose trusts name everyone through hubs, each trust and Deny still weighed', () => {
    const ORG = 'o-a1b2c3d4e5';
    const everyone = (condition: object) =>
      doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: condition });
    const principals = [
      // 60 roles any principal of the organization may assume, and 30 only principals tagged team=red may.
      ...Array.from({ length: 90 }, (_, i) => ({
        name: `shared-${i}`,
        trust: everyone(
          i < 60
            ? { StringEquals: { 'aws:PrincipalOrgID': ORG } }
            : { StringEquals: { 'aws:PrincipalTag/team': 'red' } },
        ),
        policies: [
          doc(allow('s3:GetObject', `arn:aws:s3:::shared-${i}/*`)),
          ...(i === 0 || i === 60 ? [doc(allow('rds:DeleteDBInstance'))] : []),
        ],
      })),
      // Callers with no sts grant of their own (none needed); one may not assume shared-0, one is tagged red.
      ...Array.from({ length: 200 }, (_, i) => ({
        name: `caller-${i}`,
        tags: i === 2 ? { team: 'red' } : ({} as Record<string, string>),
        policies: [
          doc(
            allow('s3:GetObject', `arn:aws:s3:::caller-${i}/*`),
            ...(i === 1 ? [deny('sts:AssumeRole', arn('role', 'shared-0'))] : []),
          ),
        ],
      })),
    ];
    const graph = graphOf({ principals, organizationId: ORG });
    // Not 290 callers x 90 roles: an edge per caller and hub, and one per hub and role.
    expect(graph.edgeCount).toBeLessThan(5 * principals.length);
    const toFirst = graph.pathsTo([arn('role', 'shared-0')]);
    expect(describePath(toFirst.path(arn('role', 'caller-0'))!)).toBe('role/caller-0 → assume role/shared-0');
    expect(toFirst.path(arn('role', 'caller-0'))!.hops[0].evidence.map((e) => e.policy)).toEqual([
      `${arn('role', 'shared-0')} trust`,
      `${arn('role', 'shared-0')} trust`,
    ]);
    // Denied shared-0 itself, caller-1 gets there through a role that may assume it: two hops.
    expect(toFirst.distance(arn('role', 'caller-1'))).toBe(2);
    // Only the caller tagged red may assume shared-60, certainly; no one else, even through another role.
    const toRed = graph.pathsTo([arn('role', 'shared-60')]);
    expect(toRed.distance(arn('role', 'caller-2'))).toBe(1);
    expect(toRed.distance(arn('role', 'caller-0'))).toBeUndefined();
  });

  it('links many roles trusting the account for callers tagged with their team through hubs, Denies kept', () => {
    const teams = ['red', 'blue'];
    const principals = [
      // 40 roles of each team, each trusting the account for callers tagged with its team.
      ...Array.from({ length: 80 }, (_, i) => ({
        name: `${teams[i % 2]}-${i}`,
        tags: { team: teams[i % 2] },
        trust: trusting(root(), { Condition: { StringEquals: { 'aws:PrincipalTag/team': teams[i % 2] } } }),
        policies: [
          doc(allow('s3:GetObject', `arn:aws:s3:::b-${i}/*`)),
          ...(i < 2 ? [doc(allow('rds:DeleteDBInstance'))] : []),
        ],
      })),
      // Callers of each team with sts:AssumeRole on every role; one red caller may not assume red-0.
      ...Array.from({ length: 200 }, (_, i) => ({
        name: `caller-${i}`,
        tags: { team: teams[i % 2] },
        policies: [
          doc(
            allow('sts:AssumeRole'),
            allow('s3:GetObject', `arn:aws:s3:::c-${i}/*`),
            ...(i === 2 ? [deny('sts:AssumeRole', arn('role', 'red-0'))] : []),
          ),
        ],
      })),
    ];
    const graph = graphOf({ principals });
    expect(graph.edgeCount).toBeLessThan(5 * principals.length);
    const toRed = graph.pathsTo([arn('role', 'red-0')], { edges: 'certain' });
    expect(describePath(toRed.path(arn('role', 'caller-0'))!)).toBe('role/caller-0 → assume role/red-0');
    expect(toRed.path(arn('role', 'caller-0'))!.hops[0].evidence.map((e) => e.policy)).toEqual([
      'inline:caller-0-inline-0',
      `${arn('role', 'red-0')} trust`,
    ]);
    // Denied red-0 itself (the red roles cannot assume it for it); blue callers are no team of red-0's.
    expect(toRed.distance(arn('role', 'caller-2'))).toBeUndefined();
    expect(toRed.distance(arn('role', 'caller-4'))).toBe(1);
    expect(graph.pathsTo([arn('role', 'red-0')]).distance(arn('role', 'caller-1'))).toBeUndefined();
  });

  it('links callers to many roles of another account trusting everyone in the organization through hubs', () => {
    const ORG = 'o-a1b2c3d4e5';
    const remote = otherAccount(
      Array.from({ length: 40 }, (_, i) => ({
        name: `shared-${i}`,
        trust: doc({
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } },
        }),
        policies: [doc(allow('s3:GetObject', `arn:aws:s3:::shared-${i}/*`))],
      })),
    );
    const principals = Array.from({ length: 200 }, (_, i) => ({
      name: `caller-${i}`,
      policies: [
        doc(
          allow('sts:AssumeRole'),
          allow('s3:GetObject', `arn:aws:s3:::caller-${i}/*`),
          ...(i === 1 ? [deny('sts:AssumeRole', arn('role', 'shared-0', OTHER))] : []),
        ),
      ],
    }));
    const graph = graphOf({ principals, organizationId: ORG }, [remote], () => ORG);
    expect(graph.edgeCount).toBeLessThan(3 * (principals.length + 40));
    const toFirst = graph.pathsTo([arn('role', 'shared-0', OTHER)]);
    expect(describePath(toFirst.path(arn('role', 'caller-0'))!)).toBe('role/caller-0 → assume role/shared-0');
    expect(toFirst.path(arn('role', 'caller-0'))!.hops[0].evidence.map((e) => e.policy)).toEqual([
      'inline:caller-0-inline-0',
      `${arn('role', 'shared-0', OTHER)} trust`,
    ]);
    // Denied shared-0 itself, it gets there through another role there, which that trust lets in with no grant.
    expect(toFirst.distance(arn('role', 'caller-1'))).toBe(2);
    expect(graph.pathsTo([arn('role', 'shared-7', OTHER)]).distance(arn('role', 'caller-1'))).toBe(1);
  });

  it('grows linearly: a chain of 2,000 roles is closed in one pass', () => {
    const principals = Array.from({ length: 2000 }, (_, i) => ({
      name: `r${i}`,
      trust: trusting(i === 0 ? root() : arn('role', `r${i - 1}`)),
    }));
    const graph = graphOf({ principals });
    const reach = graph.pathsTo([arn('role', 'r1999')]);
    expect(reach.distance(arn('role', 'r0'))).toBe(1999);
    expect(graph.edgeCount).toBeLessThan(2 * principals.length);
  });
});
