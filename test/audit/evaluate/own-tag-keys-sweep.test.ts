// A service's key for one resource type's tags (`rds:db-tag/<key>`, `s3:BucketTag/<key>`) is read as the
// resource's tags only where ActionFacts.ownTagPrefix says the action acts on that type alone; swept over every
// action of the catalog and every such key its resource types list. Where it is read, a Deny written with it
// decides as iam-simulate decides given the key as AWS sends it; everywhere else the key never decides: the
// answer depends on it (a guard that may not apply is never credited, a grant that may not apply never counted).
import { createValidatedPolicy } from '@cloud-copilot/iam-policy';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { compileAccount } from '../../../lib/audit/evaluate';
import { ownTagPrefixOf } from '../../../lib/audit/evaluate/context';
import { loadCatalog } from '../../../lib/catalog';
import type { CatalogAction } from '../../../lib/catalog/types';
import { ACCOUNT, allow, deny, policy, principal, snapshot } from './helpers';

const catalog = loadCatalog();
/** A service's own tag key template of a resource type (not aws:, not the `<service>:ResourceTag/` form). */
const TYPE_TAG_KEY = /^([a-z0-9-]+):(.+?)-?tag\/\$\{tagkey\}$/i;

/** Every (action, key) a resource type of the action lists, with the key as the policy writes it. */
function typeTagKeys(): { action: CatalogAction; key: string }[] {
  const out: { action: CatalogAction; key: string }[] = [];
  for (const action of catalog.actions) {
    if (action.tagSupport === 'none') continue;
    const keys = new Set<string>();
    for (const type of action.resourceTypes) {
      for (const key of type.conditionKeys) {
        const match = TYPE_TAG_KEY.exec(key);
        if (!match || match[1].toLowerCase() === 'aws' || match[2].toLowerCase() === 'resource') continue;
        keys.add(key.slice(0, key.length - '${TagKey}'.length) + 'environment');
      }
    }
    for (const key of keys) out.push({ action, key });
  }
  return out;
}

const guardOf = new Map<string, ReturnType<typeof compileAccount>['principals'][number]>();

/** A principal allowed everything, denied everything where `key` is production. */
function guarded(key: string) {
  let compiled = guardOf.get(key);
  if (!compiled) {
    const document = policy(allow('*'), deny('*', '*', { Condition: { StringEquals: { [key]: 'production' } } }));
    compiled = compileAccount(snapshot({ principals: [principal('app', { inline: { p: document } })] }), catalog)
      .principals[0];
    guardOf.set(key, compiled);
  }
  return compiled;
}

function simulated(action: CatalogAction, key: string, value: string): string {
  const document = policy(allow('*'), deny('*', '*', { Condition: { StringEquals: { [key]: 'production' } } }));
  return runUnsafeSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/app`,
        action: action.action,
        resource: { resource: '*', accountId: ACCOUNT },
        contextVariables: { 'aws:ResourceTag/environment': value, [key]: value },
      },
      identityPolicies: [{ name: 'p', policy: createValidatedPolicy(document, () => [], { name: 'p' }) }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
}

describe("a resource type's own tag key, over the whole catalog", () => {
  const cases = typeTagKeys();

  it('finds the keys the services write (rds, s3, dms, ...)', () => {
    expect(cases.length).toBeGreaterThan(300);
    expect(
      cases.filter(({ action, key }) => ownTagPrefixOf(action) === key.toLowerCase().replace(/environment$/, ''))
        .length,
    ).toBeGreaterThan(200);
  });

  it("decides on the resource's tags where the key is the action's own resource's, and depends on it elsewhere", () => {
    const wrong: string[] = [];
    for (const { action, key } of cases) {
      const own = ownTagPrefixOf(action) === key.toLowerCase().replace(/environment$/, '');
      const compiled = guarded(key);
      const onProduction = compiled.decide(action.action, { resourceTags: { environment: 'production' } });
      const onDev = compiled.decide(action.action, { resourceTags: { environment: 'dev' } });
      if (own) {
        const expected = [simulated(action, key, 'production'), simulated(action, key, 'dev')].map((outcome) =>
          outcome === 'Allowed' ? 'allowed' : 'denied',
        );
        const got = [onProduction.decision, onDev.decision];
        if (got.join() !== expected.join() || got.join() !== 'denied,allowed') {
          wrong.push(`${action.action} ${key}: ${got.join()} (simulator ${expected.join()})`);
        }
      } else if (onProduction.decision !== 'depends' || !onProduction.dependsOn.includes(key)) {
        wrong.push(`${action.action} ${key}: ${onProduction.decision}, not depending on the key`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
