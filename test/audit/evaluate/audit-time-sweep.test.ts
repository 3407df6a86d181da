// Date conditions on aws:CurrentTime and aws:EpochTime, answered from the audit time on (audit-time.ts), held to
// @cloud-copilot/iam-simulate (AGPL: tests only) asked at the audit time and at every later instant where an
// answer can change. Every operator, with and without IfExists, on an Allow and on a Deny, with values before,
// at and after the audit time: "allowed" must be the simulator's answer today, "denied" its answer today and at
// every later instant, and "depends" (naming the key) only where the simulator's answer does change later.
import { createValidatedPolicy } from '@cloud-copilot/iam-policy';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { compileAccount } from '../../../lib/audit/evaluate';
import { loadCatalog } from '../../../lib/catalog';
import { CONDITION_OPERATORS } from '../../../lib/policy';
import { ACCOUNT, allow, deny, policy, principal, snapshot, type Statement } from './helpers';

const catalog = loadCatalog();
const AUDIT_TIME = new Date('2026-12-06T12:00:00Z');
const DAY = 86_400_000;
const ACTION = 'dynamodb:DeleteTable';
const TABLE = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders`;

/** Every date operator of the policy grammar. */
const OPERATORS = CONDITION_OPERATORS.filter((operator) => operator.startsWith('Date'));
/** Policy values, in days from the audit time: the past, the audit time itself, the future. */
const OFFSETS = [[-400], [0], [30], [-400, 30], [30, 400]];

function written(key: 'aws:CurrentTime' | 'aws:EpochTime', ms: number): string {
  return key === 'aws:CurrentTime' ? new Date(ms).toISOString() : String(Math.floor(ms / 1000));
}

interface Case {
  readonly name: string;
  readonly statements: Statement[];
  readonly key: 'aws:CurrentTime' | 'aws:EpochTime';
  /** Instants the simulator is asked at: the audit time first, then every later one an answer may change at. */
  readonly instants: number[];
}

function cases(): Case[] {
  const all: Case[] = [];
  for (const key of ['aws:CurrentTime', 'aws:EpochTime'] as const) {
    for (const operator of OPERATORS) {
      for (const suffix of ['', 'IfExists']) {
        for (const offsets of OFFSETS) {
          const values = offsets.map((days) => written(key, AUDIT_TIME.getTime() + days * DAY));
          const condition = { [operator + suffix]: { [key]: values } };
          const edges = offsets
            .map((days) => AUDIT_TIME.getTime() + days * DAY)
            .filter((ms) => ms > AUDIT_TIME.getTime());
          const instants = [
            AUDIT_TIME.getTime(),
            ...edges.flatMap((ms) => [ms - 1000, ms, ms + 1000]),
            AUDIT_TIME.getTime() + 4000 * DAY,
          ];
          const label = `${operator}${suffix} ${key} [${offsets.join(', ')} days]`;
          all.push({
            name: `Allow with ${label}`,
            key,
            instants,
            statements: [allow(ACTION, '*', { Condition: condition })],
          });
          all.push({
            name: `Deny with ${label}`,
            key,
            instants,
            statements: [allow(ACTION), deny(ACTION, '*', { Condition: condition })],
          });
        }
      }
    }
  }
  return all;
}

function simulated(statements: Statement[], key: string, ms: number): 'allowed' | 'denied' {
  const outcome = runUnsafeSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/app`,
        action: ACTION,
        resource: { resource: TABLE, accountId: ACCOUNT },
        contextVariables: { [key]: written(key as 'aws:CurrentTime', ms) },
      },
      identityPolicies: [{ name: 'p', policy: createValidatedPolicy(policy(...statements), () => [], { name: 'p' }) }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  return outcome === 'Allowed' ? 'allowed' : 'denied';
}

describe('date conditions answered from the audit time on agree with iam-simulate', () => {
  const all = cases();

  it.each(all.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const account = compileAccount(
      snapshot({ principals: [principal('app', { inline: { p: policy(...c.statements) } })] }),
      catalog,
      undefined,
      AUDIT_TIME,
    );
    const ours = account.principals[0].decide(ACTION, { resourceArn: TABLE });
    const answers = c.instants.map((ms) => simulated(c.statements, c.key, ms));
    if (ours.decision === 'allowed') expect(answers[0]).toBe('allowed');
    if (ours.decision === 'denied') expect(answers).toEqual(answers.map(() => 'denied'));
    if (ours.decision === 'depends') {
      expect(ours.dependsOn).toEqual([c.key]);
      // Denied today, allowed on some later day: a grant that starts, or a Deny that lapses.
      expect(answers[0]).toBe('denied');
      expect(answers).toContain('allowed');
    }
  });

  it('resolves what the time decides: most cases are answered, and each answer is reached', () => {
    const decisions = all.map(
      (c) =>
        compileAccount(
          snapshot({ principals: [principal('app', { inline: { p: policy(...c.statements) } })] }),
          catalog,
          undefined,
          AUDIT_TIME,
        ).principals[0].decide(ACTION, { resourceArn: TABLE }).decision,
    );
    const count = (decision: string) => decisions.filter((d) => d === decision).length;
    expect(count('allowed')).toBeGreaterThan(all.length / 4);
    expect(count('denied')).toBeGreaterThan(all.length / 8);
    expect(count('depends')).toBeGreaterThan(0);
    expect(count('depends')).toBeLessThan(all.length / 2);
  });
});

describe('without an audit time, or with the time given by the request', () => {
  const expired = [allow(ACTION, '*', { Condition: { DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } } })];
  const compiled = (auditTime?: Date) =>
    compileAccount(
      snapshot({ principals: [principal('app', { inline: { p: policy(...expired) } })] }),
      catalog,
      undefined,
      auditTime,
    ).principals[0];

  it('a date condition depends on its key when no audit time is given', () => {
    const decision = compiled().decide(ACTION, { resourceArn: TABLE });
    expect(decision.decision).toBe('depends');
    expect(decision.dependsOn).toEqual(['aws:CurrentTime']);
  });

  it('an expired grant is denied at the audit time', () => {
    expect(compiled(AUDIT_TIME).decide(ACTION, { resourceArn: TABLE }).decision).toBe('denied');
  });

  it('a time the request context gives is used as given', () => {
    const decision = compiled(AUDIT_TIME).decide(ACTION, {
      resourceArn: TABLE,
      contextKeys: { 'aws:currenttime': ['2019-06-01T00:00:00Z'] },
    });
    expect(decision.decision).toBe('allowed');
  });
});
