// Runs the evaluator case files in test/fixtures/evaluate-cases (see the README there for the format).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileAccount, type RequestContext } from '../../../lib/audit/evaluate';
import { ownTagPrefixOf } from '../../../lib/audit/evaluate/context';
import { loadCatalog } from '../../../lib/catalog';
import { ACCOUNT, managedArn, principal, snapshot } from './helpers';

interface Case {
  it: string;
  principal?: { name?: string; kind?: 'role' | 'user'; tags?: Record<string, string>; serviceLinked?: boolean };
  identity: Record<string, unknown>[];
  managed?: Record<string, Record<string, unknown>>;
  boundary?: Record<string, unknown>;
  scps?: Record<string, unknown>[][];
  rcps?: Record<string, unknown>[][];
  isManagementAccount?: boolean;
  request: {
    action: string;
    resource?: string;
    resourceTags?: Record<string, string>;
    requestTags?: Record<string, string>;
    context?: Record<string, string[]>;
  };
  expect: { decision: string; blockedAt?: string; dependsOn?: string[] };
  /** Why the reference simulator answers differently (the case is then not compared with it). */
  simulatorDiffers?: string;
}

const DIR = join(__dirname, '..', '..', 'fixtures', 'evaluate-cases');
const FILES = readdirSync(DIR).filter((name) => name.endsWith('.json'));
const catalog = loadCatalog();

const versioned = (document: Record<string, unknown>) => ({ Version: '2012-10-17', ...document });
const levels = (given: Record<string, unknown>[][] | undefined) =>
  given?.map((level) => Object.fromEntries(level.map((document, i) => [`policy-${i}`, versioned(document)])));

function run(c: Case) {
  const managed: Record<string, unknown> = {};
  for (const [name, document] of Object.entries(c.managed ?? {})) managed[name] = versioned(document);
  if (c.boundary) managed.boundary = versioned(c.boundary);
  const account = compileAccount(
    snapshot({
      principals: [
        principal(c.principal?.name ?? 'app', {
          kind: c.principal?.kind,
          tags: c.principal?.tags,
          serviceLinked: c.principal?.serviceLinked,
          inline: Object.fromEntries(c.identity.map((document, i) => [`inline-${i}`, versioned(document)])),
          managed: Object.keys(c.managed ?? {}).map(managedArn),
          boundary: c.boundary ? managedArn('boundary') : undefined,
        }),
      ],
      managed,
      scps: levels(c.scps),
      rcps: levels(c.rcps),
      isManagementAccount: c.isManagementAccount,
    }),
    catalog,
  );
  expect(account.invalidPolicies).toEqual([]);
  const context: RequestContext = {
    resourceArn: c.request.resource === '*' ? undefined : c.request.resource,
    resourceTags: c.request.resourceTags,
    requestTags: c.request.requestTags,
    contextKeys: c.request.context,
  };
  return account.principals[0].decide(c.request.action, context);
}

describe.each(FILES)('%s', (file) => {
  const { cases } = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { cases: Case[] };
  it.each(cases.map((c) => [c.it, c] as const))('%s', (_title, c) => {
    expect(catalog.get(c.request.action)).toBeDefined();
    const decision = run(c);
    expect(decision.decision).toBe(c.expect.decision);
    if (c.expect.blockedAt) expect(decision.blockedAt).toBe(c.expect.blockedAt);
    if (c.expect.dependsOn) expect(decision.dependsOn).toEqual(c.expect.dependsOn);
  });
});

it('reads every case file (and the account id the cases assume)', () => {
  expect(FILES.length).toBeGreaterThanOrEqual(7);
  expect(ACCOUNT).toBe('111122223333');
});

describe('the case files agree with @cloud-copilot/iam-simulate', () => {
  const all = FILES.flatMap((file) => (JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { cases: Case[] }).cases);
  // The simulator has no notion of a management account or service-linked role, and answers only concrete
  // requests: those cases are ours alone.
  const comparable = all.filter(
    (c) =>
      c.expect.decision !== 'depends' && !c.isManagementAccount && !c.principal?.serviceLinked && !c.simulatorDiffers,
  );

  it(`for the ${comparable.length} concrete cases`, async () => {
    const { runSimulation } = await import('@cloud-copilot/iam-simulate');
    for (const c of comparable) {
      const name = c.principal?.name ?? 'app';
      const principalArn = `arn:aws:iam::${ACCOUNT}:${c.principal?.kind ?? 'role'}/${name}`;
      const contextVariables: Record<string, string | string[]> = {
        'aws:PrincipalArn': principalArn,
        'aws:PrincipalAccount': ACCOUNT,
      };
      for (const [key, value] of Object.entries(c.principal?.tags ?? {}))
        contextVariables[`aws:PrincipalTag/${key}`] = value;
      const action = catalog.get(c.request.action);
      if (action?.tagSupport !== 'none') {
        // A service's own key for the resource's tags (rds:db-tag/), where AWS sends it: the simulator is told.
        const own = action && ownTagPrefixOf(action);
        for (const [key, value] of Object.entries(c.request.resourceTags ?? {})) {
          contextVariables[`aws:ResourceTag/${key}`] = value;
          if (own) contextVariables[`${own}${key}`] = value;
        }
      }
      for (const [key, value] of Object.entries(c.request.requestTags ?? {}))
        contextVariables[`aws:RequestTag/${key}`] = value;
      if (c.request.requestTags) contextVariables['aws:TagKeys'] = Object.keys(c.request.requestTags);
      for (const [key, value] of Object.entries(c.request.context ?? {})) contextVariables[key] = value;
      const orgLevels = (given: Record<string, unknown>[][] | undefined) =>
        (given ?? []).map((level, i) => ({
          orgIdentifier: `level-${i}`,
          policies: level.map((document, j) => ({ name: `policy-${j}`, policy: versioned(document) })),
        }));
      const result = await runSimulation(
        {
          request: {
            principal: principalArn,
            action: c.request.action,
            resource: { resource: c.request.resource ?? '*', accountId: ACCOUNT },
            contextVariables,
          },
          identityPolicies: [
            ...c.identity.map((document, i) => ({ name: `inline-${i}`, policy: versioned(document) })),
            ...Object.entries(c.managed ?? {}).map(([policyName, document]) => ({
              name: policyName,
              policy: versioned(document),
            })),
          ],
          permissionBoundaryPolicies: c.boundary ? [{ name: 'boundary', policy: versioned(c.boundary) }] : undefined,
          serviceControlPolicies: orgLevels(c.scps),
          resourceControlPolicies: orgLevels(c.rcps),
          additionalSettings: { s3: { bucketAbacEnabled: true } },
        },
        {},
      );
      if (result.resultType === 'error')
        throw new Error(`${c.it}: simulator rejected the case: ${JSON.stringify(result.errors)}`);
      expect([c.it, result.overallResult === 'Allowed' ? 'allowed' : 'denied']).toEqual([c.it, c.expect.decision]);
    }
  });
});
