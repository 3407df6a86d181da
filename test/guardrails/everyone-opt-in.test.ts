// everyone.denyEscalationAndExecution: the opt-in that denies on production, to everyone but the exempt and
// operator principals, the tag-aware destructive actions that are only escalation or execution. Sizes and
// placement from the generator, decisions from the independent simulator (@cloud-copilot/iam-simulate).
import {
  ACCOUNT,
  proofPolicies,
  proveActions,
  seededSample,
  simulate,
  type PrincipalKind,
  type ProofPolicies,
} from '../../bench/guardrail-proof';
import { loadCatalog } from '../../lib/catalog';
import type { CatalogAction } from '../../lib/catalog/types';
import {
  generateGuardrails,
  GuardrailSizeError,
  GuardrailSpec,
  GuardrailSpecError,
  parseGuardrailSpec,
  renderCoverage,
  type GeneratedGuardrails,
} from '../../lib/guardrails';
import { isEscalateOrExecuteOnly } from '../../lib/guardrails/select';

const catalog = loadCatalog();
const OPERATOR = 'arn:aws:iam::*:role/leash-production-operator';
const CFN_EXEC = 'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*';
const optIn = (extra: object = {}) => ({ everyone: { denyEscalationAndExecution: true, ...extra } });

const SPECS: [string, GuardrailSpec][] = [
  ['one tag key, an operator role', GuardrailSpec.parse(optIn({ operatorPrincipalArns: [OPERATOR] }))],
  [
    "one tag key, CloudFormation's execution role as an operator",
    GuardrailSpec.parse(optIn({ operatorPrincipalArns: [OPERATOR, CFN_EXEC] })),
  ],
  [
    // With the MCP agent layer too, two keys need more than the 12 free SCP slots (see "when it does not fit").
    'two tag keys, no operator (deployments through the exempt pipeline), no MCP agent layer',
    GuardrailSpec.parse({
      production: { tagKeys: ['environment', 'stage'] },
      agents: { mcp: { treatAsAgent: false } },
      ...optIn(),
    }),
  ],
  [
    'two tag keys, an operator role, no MCP agent layer',
    GuardrailSpec.parse({
      production: { tagKeys: ['environment', 'stage'] },
      agents: { mcp: { treatAsAgent: false } },
      ...optIn({ operatorPrincipalArns: [OPERATOR] }),
    }),
  ],
];
const generated = new Map<string, GeneratedGuardrails>();
beforeAll(() => {
  for (const [label, spec] of SPECS) generated.set(label, generateGuardrails(spec, catalog));
});

const escalateOrExecute = catalog.destructive.filter((a) => a.tagAware && isEscalateOrExecuteOnly(a));

describe('the spec', () => {
  it('is off by default: the default SCPs carry no escalation or execution deny and the report no opt-in', () => {
    const defaults = generateGuardrails({}, catalog);
    expect(defaults.serviceControlPolicies.flatMap((p) => p.document.Statement.map((s) => s.Sid))).not.toContainEqual(
      expect.stringMatching(/^(DenyOperateProduction|ProtectOperator)/),
    );
    expect(defaults.coverage.everyone).toBeUndefined();
    expect(defaults.coverage.totals.tagAwareProtectedForEveryone).toBeLessThan(defaults.coverage.totals.tagAware);
  });

  it.each([
    [{ everyone: { denyExecution: true } }, 'everyone.denyExecution: unknown key'],
    [{ everyone: { denyEscalationAndExecution: 'yes' } }, 'everyone.denyEscalationAndExecution'],
    [{ everyone: { operatorPrincipalArns: [OPERATOR] } }, 'only everyone.denyEscalationAndExecution: true'],
    [optIn({ operatorPrincipalArns: ['arn:aws:lambda:*:*:function:x'] }), 'everyone.operatorPrincipalArns[0]'],
    [optIn({ operatorPrincipalArns: ['arn:aws:iam::*:role'] }), 'everyone.operatorPrincipalArns[0]'],
  ] as [unknown, string][])('refuses %j', (input, message) => {
    // As a config file gives it: parsed at the edge, then checked against the catalog.
    const run = () => generateGuardrails(parseGuardrailSpec(input), catalog);
    expect(run).toThrow(GuardrailSpecError);
    expect(run).toThrow(message);
  });
});

describe.each(SPECS)('with the opt-in on, %s', (label, spec) => {
  it('denies every tag-aware destructive action on production for everyone, within the SCP limits and free slots', () => {
    const g = generated.get(label)!;
    const { totals, everyone } = g.coverage;
    expect(totals.tagAwareProtectedForEveryone).toBe(totals.tagAware);
    expect(everyone).toMatchObject({
      denyEscalationAndExecution: true,
      escalateOrExecuteOnly: escalateOrExecute.length,
      deniedForEveryone: escalateOrExecute.length,
    });
    // Nothing of the SCPs is dropped; the boundary's only optional statement (creates that change an
    // untagged resource they name) has no room with two production tag keys and is reported.
    expect(g.coverage.dropped.filter((d) => d.policyType !== 'boundary')).toEqual([]);
    expect(g.coverage.dropped.map((d) => d.statement)).toEqual(
      spec.production.tagKeys.length > 1 ? ['DenyUntaggedChangedByCreate'] : [],
    );
    for (const p of g.serviceControlPolicies) expect(p.characters).toBeLessThanOrEqual(5120);
    for (const level of g.placement.levels) {
      expect(level.serviceControlPolicies.length).toBeLessThanOrEqual(level.freeServiceControlPolicySlots);
    }
    for (const key of spec.production.tagKeys) {
      const sid = `DenyOperateProduction${key[0].toUpperCase()}${key.slice(1)}`;
      expect(everyone!.statements.some((s) => s.startsWith(sid))).toBe(true);
    }
  });

  it('says in the report which mode is on, what it stops and why each action is denied', () => {
    const g = generated.get(label)!;
    const invoke = g.coverage.actions.find((a) => a.action === 'lambda:InvokeFunction')!;
    expect(invoke.reason).toContain('everyone but the exempt and operator principals');
    const markdown = renderCoverage(g.coverage, 'markdown');
    expect(markdown).toContain('## Escalation and execution on production (opt-in)');
    expect(markdown).toContain('CloudFormation deployments of production stacks');
    expect(markdown).not.toContain('NOT PROTECTED');
    expect(renderCoverage(g.coverage, 'table')).toContain('everyone.denyEscalationAndExecution is on');
  });

  it('the simulator allows no sampled tag-aware destructive action on production to a non-exempt, non-operator role', () => {
    const sample = [
      ...seededSample(escalateOrExecute, 10, 20261202),
      ...seededSample(
        catalog.destructive.filter((a) => !escalateOrExecute.includes(a)),
        6,
        20261203,
      ),
    ];
    const summary = proveActions(generated.get(label)!, spec, sample);
    expect(summary.errors).toEqual([]);
    expect(summary.disagreements).toEqual([]);
    expect(summary.allowedOnProduction).toEqual([]);
  });
});

describe('decided by the simulator', () => {
  const [oneKey, cfnOperator, twoKeys] = SPECS.map(([label, spec]) => ({ label, spec }));
  const policies = new Map<string, ProofPolicies>();
  beforeAll(() => {
    for (const { label } of [oneKey, cfnOperator, twoKeys]) policies.set(label, proofPolicies(generated.get(label)!));
  });
  const action = (name: string): CatalogAction => catalog.get(name)!;
  const decide = (
    which: { label: string; spec: GuardrailSpec },
    name: string,
    principal: PrincipalKind,
    resource: 'production' | 'non-production' | 'untagged',
    extra: { productionTagKey?: string; resourceArn?: string; principalArn?: string } = {},
  ) =>
    simulate(policies.get(which.label)!, which.spec, { action: action(name), resource, principal, ...extra }).decision;

  it.each([
    ['lambda:InvokeFunction', 'ordinary', 'denied'],
    ['lambda:InvokeFunction', 'cloudformation', 'denied'],
    ['lambda:InvokeFunction', 'operator', 'allowed'],
    ['lambda:InvokeFunction', 'exempt', 'allowed'],
    ['ssm:SendCommand', 'ordinary', 'denied'],
    ['ssm:SendCommand', 'operator', 'allowed'],
    ['lambda:UpdateFunctionCode', 'cloudformation', 'denied'],
    ['iam:PassRole', 'ordinary', 'denied'],
    ['iam:PassRole', 'operator', 'allowed'],
    // Operators keep escalation and execution only: deleting production stays denied to them.
    ['rds:DeleteDBInstance', 'operator', 'denied'],
    ['lambda:DeleteFunction', 'operator', 'denied'],
  ] as const)('%s on production for the %s role: %s', (name, principal, expected) => {
    expect(decide(oneKey, name, principal, 'production')).toBe(expected);
  });

  it('leaves non-production and untagged resources alone', () => {
    for (const name of ['lambda:InvokeFunction', 'ssm:SendCommand', 'iam:PassRole', 'states:StartExecution']) {
      for (const resource of ['non-production', 'untagged'] as const) {
        expect([name, resource, decide(oneKey, name, 'ordinary', resource)]).toEqual([name, resource, 'allowed']);
      }
    }
  });

  it('denies under either production tag key when two are configured', () => {
    for (const productionTagKey of ['environment', 'stage']) {
      expect(decide(twoKeys, 'lambda:InvokeFunction', 'ordinary', 'production', { productionTagKey })).toBe('denied');
      expect(decide(twoKeys, 'lambda:UpdateFunctionCode', 'cloudformation', 'production', { productionTagKey })).toBe(
        'denied',
      );
    }
  });

  it("lets CloudFormation's execution role deploy when it is an operator, and still not delete", () => {
    expect(decide(cfnOperator, 'lambda:UpdateFunctionCode', 'cloudformation', 'production')).toBe('allowed');
    expect(decide(cfnOperator, 'iam:PassRole', 'cloudformation', 'production')).toBe('allowed');
    expect(decide(cfnOperator, 'dynamodb:DeleteTable', 'cloudformation', 'production')).toBe('denied');
  });

  it('keeps operator names from being claimed: only exempt and operator principals may create, change or pass them', () => {
    const target = `arn:aws:iam::${ACCOUNT}:role/leash-production-operator`;
    const takeover = ['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:PassRole'];
    for (const name of takeover) {
      for (const principal of ['ordinary', 'cloudformation', 'agent'] as const) {
        const outcome = decide(oneKey, name, principal, 'untagged', { resourceArn: target });
        expect([name, principal, outcome]).toEqual([name, principal, 'denied']);
      }
      expect([name, decide(oneKey, name, 'exempt', 'untagged', { resourceArn: target })]).toEqual([name, 'allowed']);
    }
    // An operator (here CloudFormation's execution role) may create and pass the operator roles it deploys.
    for (const name of ['iam:CreateRole', 'iam:PassRole']) {
      expect([name, decide(cfnOperator, name, 'cloudformation', 'untagged', { resourceArn: target })]).toEqual([
        name,
        'allowed',
      ]);
    }
  });
});

describe('when it does not fit', () => {
  it('fails generation and names every action left out, rather than placing part of it', () => {
    const spec = {
      production: { tagKeys: ['environment', 'stage'] },
      placement: { serviceControlPolicies: { account: 2 } },
      ...optIn({ operatorPrincipalArns: [OPERATOR] }),
    };
    let error: unknown;
    try {
      generateGuardrails(spec, catalog);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(GuardrailSizeError);
    expect((error as Error).message).toMatch(/denyEscalationAndExecution does not fit[\s\S]*lambda:InvokeFunction/);
  });
});
