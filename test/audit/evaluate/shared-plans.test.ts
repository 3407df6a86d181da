// Principals that meet the same statements of a service share one plan and its decisions. The sharing must
// never carry an answer from one principal to another whose own facts (ARN, tags, name) answer differently:
// checked against accounts compiled for one principal at a time, in either order of asking.
import { readFileSync } from 'node:fs';
import { compileAccount, CompileCache } from '../../../lib/audit/evaluate';
import type { CompiledAccount, RequestContext } from '../../../lib/audit/evaluate';
import { parseAuthorizationDetails } from '../../../lib/audit/sources/authorization-details';
import type { AccountSnapshot } from '../../../lib/audit/sources/snapshot';
import { loadCatalog } from '../../../lib/catalog';
import type { CatalogAction } from '../../../lib/catalog/types';
import { ACCOUNT, allow, deny, FULL_AWS_ACCESS, managedArn, policy, principal, snapshot } from './helpers';
import { CLOUDSPLAINING_AUTHZ } from '../../support/shared-data';
import { sweepStride } from '../../support/sweep';

const catalog = loadCatalog();
const PRODUCTION: RequestContext = { resourceTags: { env: 'prod' } };

/** Flags for countDecisions: every third catalog action. */
const FLAGGED = Uint8Array.from(catalog.actions, (_, i) => (i % 3 === 0 ? 1 : 0));

/**
 * What one principal answers to the bulk questions (decideMany, decisionKinds, decisionRuns, countDecisions).
 * `runs`: the decision runs as given, or spelled out action by action (a run may be cut in two where its actions'
 * answers come from two alike templates: runs promise ranges of one answer, not the longest such ranges).
 */
function bulkAnswers(
  p: CompiledAccount['principals'][number],
  asked: readonly CatalogAction[],
  context: RequestContext,
  runs: 'as-given' | 'by-action' = 'as-given',
): string {
  const found = p.decisionRuns(asked, context);
  const fields = (d: (typeof found.decisions)[number]) => [
    d.decision,
    d.allowedBy,
    d.deniedBy,
    d.blockedAt,
    d.dependsOn,
    d.unevaluated,
  ];
  const decided =
    runs === 'as-given'
      ? [found.ends, found.decisions.map(fields)]
      : [asked.map((_, i) => fields(found.decisions[found.ends.findIndex((end) => i < end)]))];
  return JSON.stringify([
    p.decideMany(asked, context),
    [...p.decisionKinds(asked, context)],
    ...decided,
    p.countDecisions(FLAGGED, context),
  ]);
}

const answersByAction = (
  p: CompiledAccount['principals'][number],
  asked: readonly CatalogAction[],
  context: RequestContext,
) => bulkAnswers(p, asked, context, 'by-action');

/** Every principal's decisions, asked in the given order of principals, from one shared compiled account. */
function sharedDecisions(
  account: AccountSnapshot,
  asked: readonly CatalogAction[],
  order: number[],
  context: RequestContext,
) {
  const compiled = compileAccount(account, catalog);
  const out = new Map<string, string>();
  for (const n of order) {
    const p = compiled.principals[n];
    out.set(p.arn, bulkAnswers(p, asked, context));
  }
  return out;
}

/** The same, each principal from an account compiled for it alone (groups kept: users need them). */
function aloneDecisions(
  account: AccountSnapshot,
  asked: readonly CatalogAction[],
  context: RequestContext,
  answers = bulkAnswers,
) {
  const out = new Map<string, string>();
  const groups = account.principals.filter((p) => p.kind === 'group');
  for (const p of account.principals) {
    const own: CompiledAccount = compileAccount(
      { ...account, principals: [p, ...groups.filter((g) => g !== p)] },
      catalog,
    );
    out.set(p.arn, answers(own.principal(p.arn)!, asked, context));
  }
  return out;
}

/**
 * The same, each principal compiled alone (`only`) in an account of its own, every one through one compile cache
 * of one account (rules/support/escalated.ts asks this way): compiled documents, groups, plans and templates are
 * shared between those accounts, in the given order of principals.
 */
const ANYTHING = policy(allow('*'));
const GIVEN_STRIDE = sweepStride(3);

function aloneSharedDecisions(
  account: AccountSnapshot,
  asked: readonly CatalogAction[],
  order: number[],
  context: RequestContext,
) {
  const cache = new CompileCache(catalog, { oneAccount: true });
  const groups = account.principals.filter((p) => p.kind === 'group');
  const out = new Map<string, string>();
  for (const n of order) {
    const p = account.principals[n];
    // First the same principal given everything (one document object for all, as escalated.ts gives it): one ARN
    // with other statements, through the same cache, answers as compiled on its own, and leaves nothing behind.
    // Every GIVEN_STRIDE-th principal in `npm test` (it doubles the work), all in prove:evaluator-sharing.
    if (n % GIVEN_STRIDE === 0) {
      const given = { ...p, inlinePolicies: [...p.inlinePolicies, { name: 'anything', document: ANYTHING }] };
      const alike = { ...account, principals: [given, ...groups.filter((g) => g !== p)] };
      const probe = compileAccount(alike, catalog, cache, undefined, p.arn).principal(p.arn)!;
      const through = answersByAction(probe, asked, context);
      const alone = answersByAction(compileAccount(alike, catalog).principal(p.arn)!, asked, context);
      if (through !== alone) expect({ arn: p.arn, given: through }).toEqual({ arn: p.arn, given: alone });
    }
    const own = compileAccount(
      { ...account, principals: [p, ...groups.filter((g) => g !== p)] },
      catalog,
      cache,
      undefined,
      p.arn,
    );
    expect(own.principals.map((compiled) => compiled.arn)).toEqual([p.arn]);
    out.set(p.arn, answersByAction(own.principal(p.arn)!, asked, context));
  }
  return out;
}

function expectSharingChangesNothing(
  account: AccountSnapshot,
  asked: readonly CatalogAction[],
  context: RequestContext,
) {
  const alone = aloneDecisions(account, asked, context);
  const aloneByAction = aloneDecisions(account, asked, context, answersByAction);
  const forward = account.principals.map((_, i) => i);
  for (const order of [forward, [...forward].reverse()]) {
    const shared = sharedDecisions(account, asked, order, context);
    const aloneShared = aloneSharedDecisions(account, asked, order, context);
    for (const [arn, decisions] of alone) {
      if (shared.get(arn) !== decisions) expect({ arn, decisions: shared.get(arn) }).toEqual({ arn, decisions });
      const byAction = aloneByAction.get(arn);
      if (aloneShared.get(arn) !== byAction)
        expect({ arn, alone: aloneShared.get(arn) }).toEqual({ arn, alone: byAction });
    }
  }
}

const dynamodb = catalog.serviceActions('dynamodb');
const s3 = catalog.serviceActions('s3');

describe('plans shared between principals', () => {
  const exemptingScp = policy(
    deny('dynamodb:Delete*', '*', {
      Condition: {
        StringEquals: { 'aws:ResourceTag/env': 'prod' },
        ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/break-glass` },
      },
    }),
    deny('dynamodb:UpdateTable', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'search' } } }),
  );
  const account = snapshot({
    principals: [
      principal('app', { managed: [managedArn('Data')], tags: { team: 'search' } }),
      principal('break-glass', { managed: [managedArn('Data')] }),
      principal('other', { managed: [managedArn('Data')], tags: { team: 'payments' } }),
      principal('ops', { kind: 'group', managed: [managedArn('Data')] }),
      principal('alice', { kind: 'user', groups: ['ops'] }),
    ],
    managed: { Data: policy(allow(['dynamodb:*', 's3:*'])) },
    scps: [{ FullAWSAccess: FULL_AWS_ACCESS, Protect: exemptingScp }],
  });

  it('keeps an SCP exemption by principal ARN and a deny by principal tag to the principals they name', () => {
    const compiled = compileAccount(account, catalog);
    const [app, breakGlass, other] = compiled.principals;
    expect(app.decide('dynamodb:DeleteTable', PRODUCTION).decision).toBe('denied');
    expect(breakGlass.decide('dynamodb:DeleteTable', PRODUCTION).decision).toBe('allowed');
    expect(app.decide('dynamodb:UpdateTable').decision).toBe('denied');
    expect(other.decide('dynamodb:UpdateTable').decision).toBe('allowed');
    expect(breakGlass.decideMany(dynamodb, PRODUCTION).find((d) => d.action === 'dynamodb:DeleteTable')?.decision).toBe(
      'allowed',
    );
  });

  it('answers a principal key the request context overrides (a session tag) from the context', () => {
    const compiled = compileAccount(account, catalog);
    const [app, , other] = compiled.principals;
    const asPayments = { contextKeys: { 'aws:PrincipalTag/team': ['payments'] } };
    const asSearch = { contextKeys: { 'aws:PrincipalTag/team': ['search'] } };
    expect(app.decide('dynamodb:UpdateTable').decision).toBe('denied');
    expect(app.decide('dynamodb:UpdateTable', asPayments).decision).toBe('allowed');
    expect(other.decide('dynamodb:UpdateTable', asSearch).decision).toBe('denied');
    expectSharingChangesNothing(account, dynamodb, asPayments);
    expectSharingChangesNothing(account, dynamodb, { contextKeys: { 'aws:TagKeys': ['env'] } });
  });

  it('gives every principal what an account compiled for it alone gives, in either order', () => {
    expectSharingChangesNothing(account, [...dynamodb, ...s3], PRODUCTION);
    expectSharingChangesNothing(account, [...dynamodb, ...s3], {});
  });

  it('shares bulk answers between twins only (the same statements, the same principal condition answers)', () => {
    const twins = snapshot({
      principals: [
        principal('a', { managed: [managedArn('Data')], tags: { team: 'payments' } }),
        principal('b', { managed: [managedArn('Data')], tags: { team: 'payments' } }),
        principal('c', { managed: [managedArn('Data')], tags: { team: 'search' } }),
        principal('d', { managed: [managedArn('Data'), managedArn('More')], tags: { team: 'payments' } }),
      ],
      managed: { Data: policy(allow(['dynamodb:*', 's3:*'])), More: policy(allow('s3:GetObject')) },
      scps: [{ FullAWSAccess: FULL_AWS_ACCESS, Protect: exemptingScp }],
    });
    const [a, b, c, d] = compileAccount(twins, catalog).principals;
    const runs = a.decisionRuns(dynamodb, PRODUCTION);
    expect(b.decisionRuns(dynamodb, PRODUCTION)).toBe(runs);
    expect(c.decisionRuns(dynamodb, PRODUCTION)).not.toBe(runs);
    expect(d.decisionRuns(dynamodb, PRODUCTION)).not.toBe(runs);
    expect(b.decideMany(dynamodb, PRODUCTION)).not.toBe(a.decideMany(dynamodb, PRODUCTION));
    expectSharingChangesNothing(twins, dynamodb, PRODUCTION);
  });

  it('gives twins and near-twins what each compiled alone gets, over the catalog, with principal conditions in every layer', () => {
    // The services the policies name, whole, and every sixteenth action of the rest (npm test); the whole
    // catalog with SWEEP_STRIDE=1 (npm run prove:evaluator-sharing).
    const stride = sweepStride(16);
    const named = new Set(['s3', 'ec2', 'iam', 'dynamodb', 'lambda', 'sqs']);
    const asked = catalog.actions.filter((action, i) => i % stride === 0 || named.has(action.service));
    // Principal keys in an identity Allow and Deny, the boundary, an SCP and an RCP; a policy variable; users,
    // a group and roles; twins differ only where no statement looks (their names), near-twins in one fact.
    const conditioned = policy(
      allow(['s3:*', 'ec2:*', 'iam:*'], '*', { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'data' } } }),
      allow(['dynamodb:*', 'lambda:*', 'sqs:*'], '*'),
      deny('dynamodb:Delete*', '*', { Condition: { StringLike: { 'aws:PrincipalArn': '*:role/app-*' } } }),
      deny('iam:*', '*', { Condition: { StringEquals: { 'aws:PrincipalType': 'User' } } }),
    );
    const home = policy(allow('s3:*', 'arn:aws:s3:::home/${aws:username}/*'));
    const account = snapshot({
      principals: [
        principal('app-1', { managed: [managedArn('Work')], boundary: managedArn('Edge'), tags: { team: 'data' } }),
        principal('app-2', { managed: [managedArn('Work')], boundary: managedArn('Edge'), tags: { team: 'data' } }),
        principal('job-1', { managed: [managedArn('Work')], boundary: managedArn('Edge'), tags: { team: 'data' } }),
        principal('job-2', { managed: [managedArn('Work')], boundary: managedArn('Edge'), tags: { team: 'web' } }),
        principal('job-3', { managed: [managedArn('Work')], tags: { team: 'data', tier: 'gold' } }),
        principal('job-4', { managed: [managedArn('Work')], tags: { team: 'data', tier: 'gold' } }),
        principal('builders', { kind: 'group', managed: [managedArn('Work'), managedArn('Home')] }),
        principal('ann', { kind: 'user', groups: ['builders'], tags: { team: 'data' } }),
        principal('bob', { kind: 'user', groups: ['builders'], tags: { team: 'data' } }),
        principal('cy', { kind: 'user', managed: [managedArn('Work')], tags: { team: 'data' } }),
        principal('dee', { kind: 'user', managed: [managedArn('Work')], tags: { team: 'data' } }),
      ],
      managed: {
        Work: conditioned,
        Home: home,
        Edge: policy(allow('*', '*', { Condition: { StringNotEquals: { 'aws:PrincipalTag/tier': 'blocked' } } })),
      },
      scps: [
        {
          FullAWSAccess: FULL_AWS_ACCESS,
          Gold: policy(
            deny('ec2:Terminate*', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/tier': 'gold' } } }),
          ),
        },
      ],
      rcps: [
        {
          Outside: policy(
            deny('s3:*', '*', { Condition: { StringNotEqualsIfExists: { 'aws:PrincipalAccount': ACCOUNT } } }),
          ),
        },
      ],
    });
    const contexts: RequestContext[] = [
      PRODUCTION,
      {},
      { contextKeys: { 'aws:PrincipalTag/team': ['web'] } },
      // A concrete target: ann's home, which the policy variable gives ann and not bob.
      { resourceArn: 'arn:aws:s3:::home/ann/notes.txt', resourceTags: {} },
    ];
    for (const context of contexts) {
      expectSharingChangesNothing(account, asked, context);
    }
    // One compiled account asked in every context in turn (templates of unconditional plans serve them all).
    const once = compileAccount(account, catalog);
    for (const context of contexts) {
      const alone = aloneDecisions(account, asked, context);
      for (const p of once.principals) {
        const answers = bulkAnswers(p, asked, context);
        if (answers !== alone.get(p.arn))
          expect({ arn: p.arn, answers }).toEqual({ arn: p.arn, answers: alone.get(p.arn) });
      }
    }
  });

  it('keeps answers that turn on policy variables to the principal they name', () => {
    const home = policy(allow('s3:*', 'arn:aws:s3:::home/${aws:username}/*'));
    const users = snapshot({
      principals: [
        principal('alice', { kind: 'user', managed: [managedArn('Home')] }),
        principal('bob', { kind: 'user', managed: [managedArn('Home')] }),
      ],
      managed: { Home: home },
    });
    const context = { resourceArn: 'arn:aws:s3:::home/alice/notes.txt' };
    const compiled = compileAccount(users, catalog);
    const [alice, bob] = compiled.principals;
    expect(alice.decide('s3:GetObject', context).decision).toBe('allowed');
    expect(bob.decide('s3:GetObject', context).decision).toBe('denied');
    expectSharingChangesNothing(users, s3, context);
  });

  it('changes no decision on the Cloudsplaining example (every principal, production context)', () => {
    const file = CLOUDSPLAINING_AUTHZ;
    const real = parseAuthorizationDetails(JSON.parse(readFileSync(file, 'utf8')), file);
    const asked = catalog.destructive.filter((_, i) => i % 4 === 0);
    expectSharingChangesNothing(real, asked, { resourceTags: { environment: 'production' } });
  });
});
