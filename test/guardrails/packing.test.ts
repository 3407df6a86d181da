import { loadCatalog } from '../../lib/catalog';
import { generatedPolicyProblems, generateGuardrails } from '../../lib/guardrails';
import { GuardrailSizeError, packStatements, type StatementTemplate } from '../../lib/guardrails/packing';
import { policySize } from '../../lib/policy';

function items(prefix: string, count: number, tier: number) {
  return Array.from({ length: count }, (_, i) => ({
    pattern: `svc:${prefix}${String(i).padStart(4, '0')}${'x'.repeat(20)}`,
    tier,
    covers: [],
  }));
}

const fixed: StatementTemplate = {
  sid: 'Fixed',
  role: 'identity-guard',
  effect: 'Deny',
  action: ['iam:DeletePolicy'],
  resource: '*',
  mandatory: true,
};

function chunkable(sid: string, list: ReturnType<typeof items>, mandatory = false): StatementTemplate {
  return {
    sid,
    role: 'production-tag',
    effect: 'Deny',
    items: list,
    resource: '*',
    condition: { StringEqualsIgnoreCase: { 'aws:ResourceTag/environment': ['production', 'prod'] } },
    mandatory,
  };
}

describe('packStatements', () => {
  it('splits a long action list across statements and policies, each within the limit', () => {
    const result = packStatements([fixed, chunkable('Prod', items('A', 400, 1))], {
      kind: 'scp',
      limit: 5120,
      maxPolicies: 4,
      label: 'SCP',
    });
    expect(result.dropped).toEqual([]);
    expect(result.policies.length).toBeGreaterThan(1);
    for (const policy of result.policies) {
      expect(policySize(JSON.stringify(policy.document), 'scp')).toBe(policy.characters);
      expect(policy.characters).toBeLessThanOrEqual(5120);
    }
    const sids = result.policies.flatMap((p) => p.document.Statement.map((s) => s.Sid));
    expect(sids).toEqual(expect.arrayContaining(['Fixed', 'Prod', 'Prod2']));
    const emitted = result.policies.flatMap((p) => p.statements.flatMap((s) => s.items.map((i) => i.pattern)));
    expect(emitted.sort()).toEqual(items('A', 400, 1).map((i) => i.pattern));
  });

  it('drops the lowest tier first and reports every dropped pattern', () => {
    const result = packStatements([chunkable('Low', items('L', 200, 5)), chunkable('High', items('H', 200, 1))], {
      kind: 'scp',
      limit: 5120,
      maxPolicies: 1,
      label: 'SCP',
    });
    const kept = result.policies[0].statements.flatMap((s) => s.items);
    expect(kept.length).toBeGreaterThan(0);
    expect(result.dropped.length + kept.length).toBe(400);
    // Every high-tier pattern that was dropped means no low-tier pattern was kept.
    if (result.dropped.some((d) => d.item.tier === 1)) expect(kept.every((i) => i.tier === 1)).toBe(true);
    expect(result.dropped.every((d) => d.sid === 'Low' || kept.every((i) => i.tier === 1))).toBe(true);
  });

  it('keeps every pattern when only packing each statement together fits (fewer chunks), rather than dropping by tier', () => {
    // By tier, B's patterns would join the first policy after A's tier-1 patterns, and A's tier-3 patterns
    // would need a third chunk that does not fit; statement by statement, three chunks hold everything.
    const a = chunkable('A', [...items('A', 60, 1), ...items('a', 150, 3)]);
    const b = chunkable('B', items('B', 90, 2));
    const result = packStatements([a, b], { kind: 'scp', limit: 5120, maxPolicies: 2, label: 'SCP' });
    expect(result.dropped).toEqual([]);
    expect(result.policies.map((p) => p.statements.map((s) => `${s.sid}:${s.items.length}`))).toEqual([
      ['A:154'],
      ['A2:56', 'B:90'],
    ]);
    for (const policy of result.policies) expect(policy.characters).toBeLessThanOrEqual(5120);
  });

  it('throws an error naming the statement when a mandatory statement cannot fit', () => {
    const huge = chunkable('MustFit', items('M', 400, 1), true);
    expect(() => packStatements([huge], { kind: 'scp', limit: 5120, maxPolicies: 1, label: 'SCP' })).toThrow(
      GuardrailSizeError,
    );
    expect(() => packStatements([huge], { kind: 'scp', limit: 5120, maxPolicies: 1, label: 'SCP' })).toThrow(
      /SCP: statement MustFit does not fit: no room left for svc:M/,
    );
  });
});

describe('statement ids', () => {
  // IAM and Organizations refuse a policy whose Sids repeat; `leash validate` says so too.
  it.each([[['Environment', 'environment']], [['env', 'env2']], [['environment', 'set-environment']]])(
    'are unique in every generated document with production tag keys %j',
    (tagKeys) => {
      const generated = generateGuardrails({ production: { tagKeys } }, loadCatalog());
      for (const policy of [
        generated.boundary,
        ...generated.serviceControlPolicies,
        ...generated.resourceControlPolicies,
      ]) {
        const sids = policy.document.Statement.map((s) => String(s.Sid).toLowerCase());
        const repeated = sids.filter((sid, i) => sids.indexOf(sid) !== i);
        expect({ policy: policy.name, repeated }).toEqual({ policy: policy.name, repeated: [] });
      }
    },
  );
});

describe('generatedPolicyProblems', () => {
  const catalog = loadCatalog();
  const policy = (statements: Record<string, unknown>[]) => ({
    name: 'leash-scp-9',
    description: 'test',
    document: { Version: '2012-10-17' as const, Statement: statements },
    characters: 0,
    limit: 5120,
  });
  const deny = { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' };

  it('names each error of a policy AWS would refuse, by policy and JSON path', () => {
    const bad = policy([
      { Sid: 'Same', ...deny },
      { Sid: 'Same', ...deny },
    ]);
    expect(generatedPolicyProblems([{ policy: bad, type: 'scp' }], catalog)).toEqual([
      'leash-scp-9: Statement[1].Sid: duplicate Sid "Same", first used at Statement[0]',
    ]);
  });

  it('finds nothing in what generateGuardrails emits for the defaults', () => {
    const g = generateGuardrails({}, catalog);
    const all = [
      { policy: g.boundary, type: 'boundary' as const },
      ...g.serviceControlPolicies.map((p) => ({ policy: p, type: 'scp' as const })),
      ...g.resourceControlPolicies.map((p) => ({ policy: p, type: 'rcp' as const })),
    ];
    expect(generatedPolicyProblems(all, catalog)).toEqual([]);
  });
});
