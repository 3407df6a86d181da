// Production ARN patterns cover the destructive actions whose resources live under the ARN's service, whatever
// the actions' own prefix: kafka-cluster:DeleteTopic acts on arn:aws:kafka:...:topic/..., and
// cloudfront-keyvaluestore:DeleteKey on arn:aws:cloudfront::...:key-value-store/.... Decided by the simulator.
import { ACCOUNT, proofPolicies, simulate, type Decision, type PrincipalKind } from '../../bench/guardrail-proof';
import { loadCatalog } from '../../lib/catalog';
import { generateGuardrails, GuardrailSpec, GuardrailSpecError, type GeneratedGuardrails } from '../../lib/guardrails';
import { actionsOnArnsOf } from '../../lib/guardrails/scp';
import { resourceMatches } from '../../lib/policy/resource';
import { isListedDestructive } from '../../lib/guardrails/select';

const catalog = loadCatalog();
const spec = GuardrailSpec.parse({
  production: {
    arnPatterns: [
      `arn:aws:kafka:us-east-1:${ACCOUNT}:topic/prod-msk/*`,
      `arn:aws:kafka:us-east-1:${ACCOUNT}:group/prod-msk/*`,
      `arn:aws:cloudfront::${ACCOUNT}:key-value-store/prod-*`,
      `arn:aws:s3-object-lambda:us-east-1:${ACCOUNT}:accesspoint/prod-*`,
    ],
  },
});

let generated: GeneratedGuardrails;
beforeAll(() => {
  generated = generateGuardrails(spec, catalog);
});

type Case = [string, string, PrincipalKind, Decision];
const topic = `arn:aws:kafka:us-east-1:${ACCOUNT}:topic/prod-msk/4f1e-uuid/orders`;
const cases: Case[] = [
  ['kafka-cluster:DeleteTopic', topic, 'ordinary', 'denied'],
  ['kafka-cluster:DeleteTopic', topic, 'cloudformation', 'denied'],
  ['kafka-cluster:DeleteTopic', topic, 'exempt', 'allowed'],
  [
    'kafka-cluster:DeleteTopic',
    `arn:aws:kafka:us-east-1:${ACCOUNT}:topic/dev-msk/4f1e-uuid/orders`,
    'ordinary',
    'allowed',
  ],
  [
    'kafka-cluster:DeleteGroup',
    `arn:aws:kafka:us-east-1:${ACCOUNT}:group/prod-msk/4f1e-uuid/billing`,
    'ordinary',
    'denied',
  ],
  [
    'cloudfront-keyvaluestore:DeleteKey',
    `arn:aws:cloudfront::${ACCOUNT}:key-value-store/prod-redirects`,
    'ordinary',
    'denied',
  ],
  [
    's3:DeleteAccessPointForObjectLambda',
    `arn:aws:s3-object-lambda:us-east-1:${ACCOUNT}:accesspoint/prod-resize`,
    'ordinary',
    'denied',
  ],
];

describe('production ARN patterns, decided by the simulator', () => {
  it.each(cases)('%s on %s for the %s role is %s', (name, resourceArn, principal, expected) => {
    const action = catalog.get(name)!;
    const outcome = simulate(proofPolicies(generated), spec, { action, resource: 'untagged', principal, resourceArn });
    expect(outcome).toEqual({ decision: expected });
  });

  it('are reported as covering those actions for everyone', () => {
    for (const [name] of cases) {
      const entry = generated.coverage.actions.find((a) => a.action === name)!;
      expect({ name, enforcement: entry.enforcement }).toEqual({
        name,
        enforcement: expect.arrayContaining(['scp-arn-pattern']),
      });
    }
  });
});

describe('actionsOnArnsOf', () => {
  it('holds every destructive action of the catalog under each service its resource ARNs name', () => {
    const byService = new Map<string, Set<string>>();
    const missed: string[] = [];
    for (const action of catalog.destructive.filter(isListedDestructive)) {
      for (const type of action.resourceTypes) {
        const service = type.arnTemplate?.split(':')[2];
        if (!service || service.startsWith('${')) continue;
        let covered = byService.get(service);
        if (!covered) {
          covered = new Set(actionsOnArnsOf(service, catalog).map((a) => a.action));
          byService.set(service, covered);
        }
        if (!covered.has(action.action)) missed.push(`${action.action} (${service})`);
      }
    }
    expect(missed).toEqual([]);
  });

  it('names nothing for a service no ARN of the catalog has (the pattern then covers every service)', () => {
    expect(actionsOnArnsOf('no-such-service', catalog)).toEqual([]);
  });
});

describe('production ARN patterns whose deny could not fire or could not be proved', () => {
  // IAM allows no wildcard in the service segment. A wildcard resource type matches in AWS (a wildcard works
  // within each colon-separated segment), but not in iam-simulate, which proves the guardrails:
  // route53:DeleteHostedZone on arn:aws:route53:::hostedzone/Z0PROD1 is Allowed there under a deny on
  // arn:aws:route53:::*/Z0PROD*. Both are refused, naming the typed form to write.
  it.each([
    ['arn:aws:rds:*:*:*:prod-*', 'resource type'],
    ['arn:aws:route53:::*/Z0PROD*', 'resource type'],
    ['arn:aws:kafka:*:*:*/prod-msk/*', 'resource type'],
    ['arn:aws:lambda:us-east-1:111122223333:f*:prod-*', 'resource type'],
    ['arn:aws:*:*:*:db:prod-*', 'service segment'],
  ])('refuses %s, naming the field and the %s', (pattern, what) => {
    const spec = { production: { arnPatterns: ['arn:aws:s3:::prod-*', pattern] } };
    expect(() => generateGuardrails(spec, catalog)).toThrow(GuardrailSpecError);
    expect(() => generateGuardrails(spec, catalog)).toThrow(new RegExp(`production\\.arnPatterns\\[1\\]: .*${what}`));
  });

  it.each([
    'arn:aws:rds:*:*:db:prod-*',
    'arn:aws:s3:::prod-*/*',
    'arn:aws:execute-api:*:*:*/prod/*',
    'arn:aws:sqs:*:*:prod-*',
    'arn:aws:ec2:*:*:*',
    'arn:*:logs:*:*:log-group:/prod/*',
  ])('accepts %s (no resource type, or a literal one)', (pattern) => {
    expect(() => generateGuardrails({ production: { arnPatterns: [pattern] } }, catalog)).not.toThrow();
  });

  it.each([
    ['arn:aws:rds:*:*:*:prod-*', 'arn:aws:rds:us-east-1:111122223333:db:prod-orders'],
    ['arn:aws:route53:::*/Z0PROD*', 'arn:aws:route53:::hostedzone/Z0PROD1'],
  ])('is refused for the proof only: the audit matches %s against %s, as AWS documents', (pattern, arn) => {
    expect(resourceMatches(pattern, arn)).toBe(true);
  });

  it('denies, provably, with the resource type written out', () => {
    const typed = GuardrailSpec.parse({ production: { arnPatterns: ['arn:aws:route53:::hostedzone/Z0PROD*'] } });
    const outcome = simulate(proofPolicies(generateGuardrails(typed, catalog)), typed, {
      action: catalog.get('route53:DeleteHostedZone')!,
      resource: 'untagged',
      principal: 'ordinary',
      resourceArn: 'arn:aws:route53:::hostedzone/Z0PROD1',
    });
    expect(outcome).toEqual({ decision: 'denied' });
  });
});

describe('production ARN patterns and pure escalation or execution', () => {
  // Like the tag deny, the ARN deny leaves invoking a production function or passing its role to the workloads
  // that run it; the opt-in everyone.denyEscalationAndExecution denies them there to all but the operators.
  const fn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:prod-api`;
  const arnPatterns = [`arn:aws:lambda:*:${ACCOUNT}:function:prod-*`];
  const plain = GuardrailSpec.parse({ production: { arnPatterns } });
  const optIn = GuardrailSpec.parse({
    production: { arnPatterns },
    everyone: { denyEscalationAndExecution: true, operatorPrincipalArns: ['arn:aws:iam::*:role/prod-workload-*'] },
  });
  const decide = (spec: GuardrailSpec, name: string, principal: PrincipalKind) =>
    simulate(proofPolicies(generateGuardrails(spec, catalog)), spec, {
      action: catalog.get(name)!,
      resource: 'untagged',
      principal,
      resourceArn: fn,
    });

  const specs = { 'without the opt-in': plain, 'with the opt-in': optIn };
  it.each<[keyof typeof specs, string, PrincipalKind, Decision]>([
    ['without the opt-in', 'lambda:InvokeFunction', 'ordinary', 'allowed'],
    ['without the opt-in', 'lambda:UpdateFunctionCode', 'ordinary', 'allowed'],
    ['without the opt-in', 'lambda:DeleteFunction', 'ordinary', 'denied'],
    ['with the opt-in', 'lambda:InvokeFunction', 'ordinary', 'denied'],
    ['with the opt-in', 'lambda:InvokeFunction', 'operator', 'allowed'],
    ['with the opt-in', 'lambda:DeleteFunction', 'operator', 'denied'],
    ['with the opt-in', 'lambda:DeleteFunction', 'exempt', 'allowed'],
  ])('%s: %s on a production function for the %s role is %s', (label, name, principal, expected) => {
    expect(decide(specs[label], name, principal)).toEqual({ decision: expected });
  });
});
