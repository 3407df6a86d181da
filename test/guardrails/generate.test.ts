import { loadCatalog } from '../../lib/catalog';
import {
  defaultGuardrailSpec,
  generateBoundary,
  generateGuardrails,
  GuardrailSizeError,
  GuardrailSpec,
  GuardrailSpecError,
  parseGuardrailSpec,
  type GeneratedGuardrails,
  type GeneratedPolicy,
} from '../../lib/guardrails';
import { checkActionPattern, expandActionPattern, policySize, validatePolicy } from '../../lib/policy';

const catalog = loadCatalog();

function allPolicies(g: GeneratedGuardrails): { policy: GeneratedPolicy; type: 'boundary' | 'scp' | 'rcp' }[] {
  return [
    { policy: g.boundary, type: 'boundary' },
    ...g.serviceControlPolicies.map((policy) => ({ policy, type: 'scp' as const })),
    ...g.resourceControlPolicies.map((policy) => ({ policy, type: 'rcp' as const })),
  ];
}

function actionsOf(statement: Readonly<Record<string, unknown>>): string[] {
  const value = statement.Action ?? statement.NotAction;
  return typeof value === 'string' ? [value] : (value as string[]);
}

/** A spec that strains every budget: several tag keys and values, many exempt principals. */
const largeSpec = GuardrailSpec.parse({
  production: {
    tagKeys: ['environment', 'Environment', 'env', 'stage'],
    values: ['production', 'prod', 'prd', 'live'],
    nonProductionValues: ['dev', 'development', 'test', 'sandbox', 'staging', 'qa', 'preview'],
    arnPatterns: ['arn:aws:rds:*:*:db:prod-*', 'arn:aws:s3:::prod-*'],
  },
  exemptPrincipalArns: Array.from({ length: 12 }, (_, i) => `arn:aws:iam::*:role/leash-exempt-${i}`),
});

describe('generateBoundary (the boundary alone, as leash check fills it in)', () => {
  it.each([
    ['the default spec', defaultGuardrailSpec()],
    // Two tag keys: the boundary falls back to Action "*" (not the Control Tower form).
    ['a spec with two tag keys', GuardrailSpec.parse({ production: { tagKeys: ['environment', 'env'] } })],
  ])('is exactly the boundary generateGuardrails makes, for %s', (_name, spec) => {
    expect(generateBoundary(spec, catalog)).toEqual(generateGuardrails(spec, catalog).boundary);
  });

  it('refuses what generateGuardrails refuses: a spec whose boundary does not fit, a spec with a problem', () => {
    expect(() => generateBoundary(largeSpec, catalog)).toThrow(GuardrailSizeError);
    expect(() => generateGuardrails(largeSpec, catalog)).toThrow(GuardrailSizeError);
    const typo = { production: { tagKeys: ['environment'] }, exemptPrincipalArns: ['arn:aws:iam::*:role/*'] };
    expect(() => generateGuardrails(typo, catalog)).toThrow(GuardrailSpecError);
    expect(() => generateBoundary(typo, catalog)).toThrow(GuardrailSpecError);
  });
});

describe.each([
  ['the default spec', defaultGuardrailSpec()],
  [
    'a spec with two tag keys and ARN patterns',
    GuardrailSpec.parse({
      production: { tagKeys: ['environment', 'env'], arnPatterns: ['arn:aws:dynamodb:*:*:table/prod-*'] },
    }),
  ],
])('generateGuardrails for %s', (_name, spec) => {
  let g: GeneratedGuardrails;
  beforeAll(() => {
    g = generateGuardrails(spec, catalog);
  });

  it('emits a boundary, and SCPs and RCPs that each name a level with a free slot for them', () => {
    expect(g.serviceControlPolicies.length).toBeGreaterThanOrEqual(1);
    expect(g.resourceControlPolicies.length).toBeGreaterThanOrEqual(1);
    for (const entry of g.placement.levels) {
      expect(entry.serviceControlPolicies.length).toBeLessThanOrEqual(entry.freeServiceControlPolicySlots);
      expect(entry.resourceControlPolicies.length).toBeLessThanOrEqual(entry.freeResourceControlPolicySlots);
    }
    const placed = g.placement.levels.flatMap((l) => [...l.serviceControlPolicies, ...l.resourceControlPolicies]);
    expect(placed.sort()).toEqual(
      [...g.serviceControlPolicies, ...g.resourceControlPolicies].map((p) => p.name).sort(),
    );
    for (const policy of [...g.serviceControlPolicies, ...g.resourceControlPolicies])
      expect(policy.level).toBeDefined();
  });

  it('denies every tag-aware destructive action but pure escalation or execution on production for everyone, under every key', () => {
    // Pure escalation and execution (invoke, run a task, start a build) are everyday production work: the
    // production deny leaves them out by design (isProductionDeny) and the coverage report gives the reason.
    const missed = g.coverage.actions.filter(
      (a) =>
        a.tagAware &&
        !a.classes.every((c) => c === 'escalate' || c === 'execute') &&
        !spec.production.tagKeys.every((k) => a.productionTagKeys.includes(k)),
    );
    expect(missed.map((a) => a.action)).toEqual([]);
    expect(g.coverage.dropped.filter((d) => d.policyType !== 'boundary')).toEqual([]);
  });

  it('counts the actions without tag support that the production ARN patterns cover', () => {
    const { arnPatterns } = g.coverage;
    expect(arnPatterns.actionsWithoutTagSupport).toBe(g.coverage.actions.filter((a) => !a.tagAware).length);
    const covered = g.coverage.actions.filter((a) => !a.tagAware && a.enforcement.includes('scp-arn-pattern'));
    expect(arnPatterns.coveredForEveryone).toBe(covered.length);
    if (spec.production.arnPatterns.length > 0) expect(arnPatterns.coveredForEveryone).toBeGreaterThan(0);
  });

  it('reports per level what its SCPs deny alone, never more than the total', () => {
    expect(g.coverage.levels.length).toBeGreaterThan(1);
    for (const level of g.coverage.levels) {
      expect(level.tagAwareProtectedForEveryone).toBeLessThanOrEqual(g.coverage.totals.tagAwareProtectedForEveryone);
    }
  });

  it('keeps every policy within its AWS size limit, counted on the exact JSON emitted', () => {
    for (const { policy, type } of allPolicies(g)) {
      const kind = type === 'boundary' ? 'managed' : type;
      expect(policySize(JSON.stringify(policy.document), kind)).toBe(policy.characters);
      expect(policy.characters).toBeLessThanOrEqual(policy.limit);
      expect(policy.limit).toBe(type === 'boundary' ? 6144 : 5120);
    }
  });

  it('emits policies that pass validatePolicy for their type', () => {
    for (const { policy, type } of allPolicies(g)) {
      const problems = validatePolicy(policy.document, type, catalog);
      expect({ name: policy.name, problems }).toEqual({ name: policy.name, problems: [] });
    }
  });

  it('never emits a pattern with a service wildcard or one that matches no catalog action', () => {
    for (const { policy } of allPolicies(g)) {
      for (const statement of policy.document.Statement) {
        for (const pattern of actionsOf(statement)) {
          expect(checkActionPattern(pattern)).toBeUndefined();
          if (pattern !== '*') expect(expandActionPattern(pattern, catalog).length).toBeGreaterThan(0);
        }
      }
    }
  });

  it('lets a production deny pattern match only destructive actions that are not mere tag writes', () => {
    for (const policy of [...g.serviceControlPolicies, ...g.resourceControlPolicies]) {
      for (const statement of policy.document.Statement) {
        if (!String(statement.Sid).startsWith('DenyDestroyProduction')) continue;
        for (const pattern of actionsOf(statement)) {
          const harmless = expandActionPattern(pattern, catalog).filter(
            (a) => a.classes.length === 0 || a.accessLevel === 'Tagging',
          );
          expect({ pattern, harmless: harmless.map((a) => a.action) }).toEqual({ pattern, harmless: [] });
        }
      }
    }
  });

  it('reports every destructive action of the catalog exactly once', () => {
    expect(g.coverage.actions.map((a) => a.action).sort()).toEqual(catalog.destructive.map((a) => a.action).sort());
    expect(g.coverage.totals.destructive).toBe(catalog.destructive.length);
  });

  it('reports the size of every policy it emitted', () => {
    expect(g.coverage.policySizes.map((p) => p.name)).toEqual(allPolicies(g).map(({ policy }) => policy.name));
  });

  it('says that SCPs skip the management account and service-linked roles', () => {
    expect(g.coverage.caveats.join('\n')).toMatch(/management account/);
    expect(g.coverage.caveats.join('\n')).toMatch(/service-linked roles/);
  });

  it('says so when no RCP slot is free at any level: nothing holds principals outside the organization', () => {
    expect(g.coverage.caveats.join('\n')).not.toMatch(/No RCP slot/);
    const zero = { root: 0, organizationalUnit: 0, account: 0 };
    const none = generateGuardrails(parseGuardrailSpec({ placement: { resourceControlPolicies: zero } }), catalog);
    expect(none.resourceControlPolicies).toEqual([]);
    expect(none.coverage.caveats.join('\n')).toMatch(
      /No RCP slot is free at any level .* principals outside the organization/,
    );
  });

  it('says whether DNS record deletion (a DELETE or UPSERT batch) is denied to everyone', () => {
    expect(catalog.get('route53:ChangeResourceRecordSets')?.classes).toEqual([]);
    const [entry] = g.coverage.conditionalDeletes;
    expect(g.coverage.caveats.join('\n')).toMatch(
      entry.protectedForEveryone
        ? /route53:ChangeResourceRecordSets deletes when .* it is denied so to everyone not exempt/
        : /route53:ChangeResourceRecordSets deletes when .* it is not denied to principals other than agents/,
    );
  });
});

describe('generateGuardrails with the default spec', () => {
  let g: GeneratedGuardrails;
  beforeAll(() => {
    g = generateGuardrails(defaultGuardrailSpec(), catalog);
  });

  it.each(['rds:DeleteDBInstance', 'dynamodb:DeleteTable', 's3:DeleteBucket', 'kms:ScheduleKeyDeletion'])(
    'protects %s on production-tagged resources for everyone and for agents',
    (action) => {
      const entry = g.coverage.actions.find((a) => a.action === action);
      expect(entry).toMatchObject({ protectedForEveryone: true, protectedForAgents: true });
      expect(entry?.enforcement).toContain('scp-tag-condition');
    },
  );

  // The agent layers (principal tag and MCP) rank above deletes of resources that code can recreate
  // (priority.ts); in four SCPs at one level, lambda:DeleteFunction is what gives way, and says so.
  it('protects lambda:DeleteFunction for agents, and reports its production deny for everyone as dropped for size', () => {
    const entry = g.coverage.actions.find((a) => a.action === 'lambda:DeleteFunction');
    expect(entry).toMatchObject({ protectedForAgents: true, protectedForAgentsByBoundary: true });
    if (!entry?.protectedForEveryone) {
      expect(g.coverage.dropped.some((d) => d.actions.includes('lambda:DeleteFunction'))).toBe(true);
    }
  });

  it('keeps every stateful delete/recreate pattern (tier 1): nothing of that tier is dropped', () => {
    expect(g.coverage.dropped.filter((d) => d.tier === 'delete/recreate of stateful data')).toEqual([]);
  });

  it('marks actions without tag support as unprotected for everyone when no ARN pattern is configured, but the switches of tag evaluation, denied outright', () => {
    const untaggable = g.coverage.actions.filter((a) => !a.tagAware);
    expect(untaggable.length).toBeGreaterThan(0);
    const protectedOnes = untaggable.filter((entry) => entry.protectedForEveryone);
    expect(protectedOnes.map((e) => [e.action, e.enforcement.filter((x) => x.startsWith('scp-'))])).toEqual([
      ['dynamodb:UpdateAbacStatus', ['scp-outright']],
    ]);
  });

  it('records a dropped pattern for every tag-aware action that no SCP protects', () => {
    const droppedActions = new Set(g.coverage.dropped.filter((d) => d.policyType === 'scp').flatMap((d) => d.actions));
    for (const entry of g.coverage.actions) {
      const onlyEscalate = entry.classes.every((c) => c === 'escalate' || c === 'execute');
      if (entry.tagAware && !entry.protectedForEveryone && !onlyEscalate && entry.tagSupport !== 'none') {
        expect({ action: entry.action, dropped: droppedActions.has(entry.action) }).toEqual({
          action: entry.action,
          dropped: true,
        });
      }
    }
  });
});

describe('generateGuardrails size limits', () => {
  it('fits a large spec (4 tag keys, 4 values, 12 exempt ARNs) or names what does not fit', () => {
    let result: GeneratedGuardrails | undefined;
    try {
      result = generateGuardrails(largeSpec, catalog);
    } catch (err) {
      expect(err).toBeInstanceOf(GuardrailSizeError);
      expect((err as Error).message).toMatch(/statement \w+ does not fit/);
      return;
    }
    for (const { policy } of allPolicies(result)) expect(policy.characters).toBeLessThanOrEqual(policy.limit);
    expect(result.serviceControlPolicies.length).toBeLessThanOrEqual(12);
    expect(result.coverage.dropped.length).toBeGreaterThan(0);
  });

  it('fails with a clear error naming the statement when mandatory statements cannot fit', () => {
    const spec = GuardrailSpec.parse({
      exemptPrincipalArns: Array.from({ length: 90 }, (_, i) => `arn:aws:iam::*:role/break-glass-role-number-${i}`),
    });
    expect(() => generateGuardrails(spec, catalog)).toThrow(GuardrailSizeError);
    expect(() => generateGuardrails(spec, catalog)).toThrow(/SCP: statement \w+ does not fit/);
  });
});

describe('checkGuardrailSpec', () => {
  it('rejects a value that is both production and non-production, naming the field', () => {
    const spec = GuardrailSpec.parse({ production: { nonProductionValues: ['dev', 'Prod'] } });
    expect(() => generateGuardrails(spec, catalog)).toThrow(GuardrailSpecError);
    expect(() => generateGuardrails(spec, catalog)).toThrow(/production\.nonProductionValues\[1\]: "Prod"/);
  });

  it('rejects an unknown agent service prefix, naming the field', () => {
    const spec = GuardrailSpec.parse({ agents: { allowedServices: ['s3', 'not-a-service'] } });
    expect(() => generateGuardrails(spec, catalog)).toThrow(/agents\.allowedServices\[1\]: unknown service prefix/);
  });
});

describe('generateGuardrails placement', () => {
  it('packs into the free slots the spec gives each level, and drops (reported) what does not fit', () => {
    const spec = GuardrailSpec.parse({
      placement: { serviceControlPolicies: { root: 1, organizationalUnit: 2, account: 0 } },
    });
    const g = generateGuardrails(spec, catalog);
    const levels = g.serviceControlPolicies.map((p) => p.level);
    expect(levels.filter((l) => l === 'root').length).toBeLessThanOrEqual(1);
    expect(levels.filter((l) => l === 'organizational-unit').length).toBeLessThanOrEqual(2);
    expect(levels).not.toContain('account');
    expect(g.serviceControlPolicies.length).toBe(3);
    const dropped = g.coverage.dropped.filter(
      (d) => d.policyType === 'scp' && d.statement.startsWith('DenyDestroyProduction'),
    );
    expect(dropped.length).toBeGreaterThan(0);
    const droppedActions = new Set(dropped.flatMap((d) => d.actions));
    for (const entry of g.coverage.actions) {
      if (droppedActions.has(entry.action) && entry.tagAware) {
        expect({ action: entry.action, enforcement: entry.enforcement }).toEqual({
          action: entry.action,
          enforcement: expect.not.arrayContaining(['scp-tag-condition']),
        });
      }
    }
  });

  it('puts the agent layer at the root and the everyone layer in the production OU first', () => {
    const g = generateGuardrails(defaultGuardrailSpec(), catalog);
    const sidsAt = (level: string) =>
      g.serviceControlPolicies
        .filter((p) => p.level === level)
        .flatMap((p) => p.document.Statement.map((s) => String(s.Sid)));
    expect(sidsAt('root').some((sid) => sid.startsWith('Agent'))).toBe(true);
    expect(sidsAt('organizational-unit').some((sid) => sid.startsWith('DenyDestroyProduction'))).toBe(true);
    expect(sidsAt('organizational-unit').some((sid) => sid.startsWith('Agent'))).toBe(false);
  });

  it('refuses an exempt pattern it cannot protect from being claimed', () => {
    // The schema refuses it where the config is read (every front door, the audit too)...
    const parsed = GuardrailSpec.safeParse({ exemptPrincipalArns: ['arn:aws:iam::*:federated-user/ops'] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['exemptPrincipalArns', 0] });
    // ...and the generator still refuses a spec handed to it without the schema.
    const spec = { ...GuardrailSpec.parse({}), exemptPrincipalArns: ['arn:aws:iam::*:federated-user/ops'] };
    expect(() => generateGuardrails(spec, catalog)).toThrow(GuardrailSpecError);
    expect(() => generateGuardrails(spec, catalog)).toThrow(/exemptPrincipalArns\[0\]/);
  });
});
