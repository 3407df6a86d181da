import fc from 'fast-check';
import type { Catalog, CatalogAction, DestructiveClass } from '../../lib/catalog/types';
import { compressActions, PatternVerificationError, verifyPattern } from '../../lib/guardrails/patterns';
import { actionMatches } from '../../lib/policy';

function fakeAction(service: string, name: string, classes: DestructiveClass[] = ['delete']): CatalogAction {
  return {
    action: `${service}:${name}`,
    service,
    name,
    accessLevel: 'Write',
    resourceTypes: [],
    conditionKeys: [],
    isWildcardOnly: true,
    tagAware: false,
    tagSupport: 'none',
    classes,
    classReasons: [],
  };
}

function fakeCatalog(actions: readonly CatalogAction[]): Catalog {
  const byService = new Map<string, CatalogAction[]>();
  for (const a of actions) byService.set(a.service, [...(byService.get(a.service) ?? []), a]);
  return {
    dataVersion: 'test',
    actions,
    services: [...byService.keys()].sort(),
    rcpServices: new Set(),
    get: (name) => actions.find((a) => a.action.toLowerCase() === name.toLowerCase()),
    serviceActions: (service) => byService.get(service.toLowerCase()) ?? [],
    hasService: (service) => byService.has(service.toLowerCase()),
    destructive: actions.filter((a) => a.classes.length > 0),
  };
}

const destructive = (a: CatalogAction): boolean => a.classes.length > 0;

describe('compressActions', () => {
  const catalog = fakeCatalog([
    fakeAction('db', 'DeleteTable'),
    fakeAction('db', 'DeleteBackup'),
    fakeAction('db', 'DeleteTags', []),
    fakeAction('db', 'DescribeTable', []),
    fakeAction('db', 'RestoreTableFromBackup', ['recreate']),
    fakeAction('queue', 'DeleteQueue'),
    fakeAction('queue', 'PurgeQueue'),
  ]);

  it('uses one pattern per service when every action it matches may be denied', () => {
    const queue = catalog.serviceActions('queue');
    expect(compressActions(queue, destructive, catalog).map((p) => p.pattern)).toEqual(['queue:*']);
  });

  it('never lets a pattern reach a harmless action (db:DeleteTags, db:DescribeTable)', () => {
    const required = catalog.destructive.filter((a) => a.service === 'db');
    const patterns = compressActions(required, destructive, catalog).map((p) => p.pattern);
    for (const pattern of patterns) {
      expect(actionMatches(pattern, 'db:DeleteTags')).toBe(false);
      expect(actionMatches(pattern, 'db:DescribeTable')).toBe(false);
    }
    for (const a of required) expect(patterns.some((p) => actionMatches(p, a.action))).toBe(true);
  });

  it('keeps the whole verb in a wildcard pattern (svc:Delete*, never the shorter svc:D* or svc:Del*)', () => {
    const only = fakeCatalog([
      fakeAction('svc', 'DeleteThingWithALongName'),
      fakeAction('svc', 'DescribeThing', []),
      fakeAction('svc', 'DeleteOther'),
    ]);
    const patterns = compressActions(only.destructive, destructive, only).map((p) => p.pattern);
    expect(patterns).toEqual(['svc:Delete*']);
    const lone = fakeCatalog([fakeAction('svc', 'DestroyEverythingNow'), fakeAction('svc', 'DescribeThing', [])]);
    // `svc:Dest*` would be shorter, but it cuts the verb.
    expect(compressActions(lone.destructive, destructive, lone).map((p) => p.pattern)).toEqual(['svc:Destroy*']);
  });

  it('reports which required actions each pattern covers', () => {
    const patterns = compressActions(catalog.serviceActions('queue'), destructive, catalog);
    expect(patterns[0].covers.map((a) => a.action).sort()).toEqual(['queue:DeleteQueue', 'queue:PurgeQueue']);
  });

  it('covers every required action and no unacceptable one, for any catalog (property)', () => {
    const name = fc
      .tuple(fc.constantFrom('Delete', 'Describe', 'Put', 'Purge', 'Get'), fc.constantFrom('A', 'Ab', 'B', 'Ba', 'Bc'))
      .map(([verb, object]) => verb + object);
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(name, fc.boolean(), fc.boolean()), { selector: ([n]) => n }), (rows) => {
        const actions = rows.map(([n, isDestructive]) => fakeAction('svc', n, isDestructive ? ['delete'] : []));
        const cat = fakeCatalog(actions);
        const required = actions.filter((a, i) => destructive(a) && rows[i][2]);
        const patterns = compressActions(required, destructive, cat).map((p) => p.pattern);
        for (const a of required) expect(patterns.some((p) => actionMatches(p, a.action))).toBe(true);
        for (const a of actions.filter((x) => !destructive(x))) {
          expect(patterns.some((p) => actionMatches(p, a.action))).toBe(false);
        }
      }),
    );
  });
});

describe('verifyPattern', () => {
  const catalog = fakeCatalog([fakeAction('db', 'DeleteTable'), fakeAction('db', 'DescribeTable', [])]);

  it.each([
    ['*:Delete*', /wildcard in the service prefix/],
    ['db:Nothing*', /matches no action/],
    ['db:De*', /would also match db:DescribeTable/],
  ])('rejects %s', (pattern, message) => {
    expect(() => verifyPattern(pattern, destructive, catalog)).toThrow(PatternVerificationError);
    expect(() => verifyPattern(pattern, destructive, catalog)).toThrow(message);
  });

  it('accepts a pattern that matches only acceptable actions', () => {
    expect(() => verifyPattern('db:Delete*', destructive, catalog)).not.toThrow();
  });
});
