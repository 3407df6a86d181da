// leash.config.json is strict at every level: a misspelt key, a rule that does not exist, a date that is
// not in the calendar or an invalid tag is an error naming the file, the JSON path and the nearest fix.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRules } from '../../lib/audit/rules';
import { CHANGE_GATE_RULES } from '../../lib/check/check';
import { loadConfigFile } from '../../lib/config/load';
import { CHECK_RULE_IDS, knownRuleIds } from '../../lib/config/rule-ids';
import { LeashConfig } from '../../lib/config/schema';
import { generateGuardrails, GuardrailSpec, GuardrailSpecError } from '../../lib/guardrails';
import { InputError } from '../../lib/util/read-input';
import { lenientObjectPaths } from '../../lib/util/strict-object';

const dir = mkdtempSync(join(tmpdir(), 'leash-config-'));
let counter = 0;

function writeConfig(config: unknown): string {
  const file = join(dir, `c${counter++}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

function errorFor(config: unknown): string {
  const file = join(dir, `c${counter++}.json`);
  writeFileSync(file, typeof config === 'string' || Buffer.isBuffer(config) ? config : JSON.stringify(config));
  try {
    loadConfigFile(file);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    const message = (err as Error).message;
    expect(message.startsWith(`${file}: `)).toBe(true);
    return message;
  }
  throw new Error('expected the config to be refused');
}

const suppression = (overrides: object) => ({
  suppressions: [
    { ruleId: 'full-admin', reason: 'accepted until the migration ends', expires: '2099-01-31', ...overrides },
  ],
});

describe('leash.config.json is strict', () => {
  it('makes every object of the schema refuse unknown keys, including ones added later', () => {
    expect(lenientObjectPaths(LeashConfig)).toEqual([]);
    expect(lenientObjectPaths(GuardrailSpec)).toEqual([]);
  });

  it.each([
    [
      { guardrails: { production: { tagKey: ['env'] } } },
      'guardrails.production.tagKey: unknown key "tagKey"; did you mean "tagKeys"?',
    ],
    [{ supressions: [] }, 'supressions: unknown key "supressions"; did you mean "suppressions"?'],
    [
      { guardrails: { agents: { principalTag: { key: 'a', valu: 'b' } } } },
      'guardrails.agents.principalTag.valu: unknown key',
    ],
    [{ deployment: { organization: { boundaryStackSet: { enabeld: false } } } }, 'did you mean "enabled"?'],
    [
      {
        deployment: {
          agentRoles: [{ roleName: 'a', trust: { type: 'service', service: 'x.amazonaws.com', extra: 1 } }],
        },
      },
      'deployment.agentRoles[0].trust.extra: unknown key',
    ],
    [
      suppression({ ruleId: 'full-admn' }),
      'suppressions[0].ruleId: unknown rule id "full-admn"; did you mean "full-admin"?',
    ],
    [suppression({ expires: '2099-02-30' }), 'suppressions[0].expires: not a calendar date'],
    [suppression({ expires: '2099-13-01' }), 'suppressions[0].expires: not a calendar date'],
    [suppression({ principalArn: 'role/admin' }), 'suppressions[0].principalArn: "role/admin" is not an ARN'],
    [
      { guardrails: { production: { tagKeys: [''] } } },
      'guardrails.production.tagKeys[0]: a tag key must not be empty',
    ],
    [{ guardrails: { production: { tagKeys: ['aws:env'] } } }, 'reserved for AWS'],
    [
      { guardrails: { production: { values: ['prod*'] } } },
      'guardrails.production.values[0]: a tag value may hold only',
    ],
    [{ guardrails: { production: { arns: ['arn:aws:s3:::'] } } }, 'the resource part'],
    [{ guardrails: { exemptPrincipalArns: ['arn:aws:iam:1234:role/x'] } }, 'is not a complete ARN'],
    [
      { guardrails: { everyone: { denyEscalationAndExecutoin: true } } },
      'guardrails.everyone.denyEscalationAndExecutoin: unknown key "denyEscalationAndExecutoin"; did you mean "denyEscalationAndExecution"?',
    ],
    [{ guardrails: { everyone: { operatorPrincipalArns: ['role/ops'] } } }, 'is not an ARN'],
    ['{"suppressions": [], "suppressions": []}', 'suppressions: given more than once'],
    // values that are legal characters but would silently match nothing, or everything
    [
      { guardrails: { production: { values: ['Prod '] } } },
      'guardrails.production.values[0]: a tag value must not begin or end with white space',
    ],
    [
      { guardrails: { production: { tagKeys: [' environment'] } } },
      'guardrails.production.tagKeys[0]: a tag key must not begin or end with white space',
    ],
    [
      { guardrails: { agents: { principalTag: { key: 'leash:agent', value: 'true ' } } } },
      'guardrails.agents.principalTag.value: a tag value must not begin or end with white space',
    ],
    [
      { guardrails: { exemptPrincipalArns: ['arn:aws-us:iam::*:role/leash-break-glass'] } },
      'guardrails.exemptPrincipalArns[0]: "arn:aws-us:iam::*:role/leash-break-glass" is not an ARN: "aws-us" is not a partition',
    ],
    [
      { guardrails: { production: { arnPatterns: ['arn:aws-gov:rds:*:*:db:prod-*'] } } },
      'guardrails.production.arnPatterns[0]: "arn:aws-gov:rds:*:*:db:prod-*" is not an ARN: "aws-gov" is not a partition',
    ],
    [
      { guardrails: { exemptPrincipalArns: ['arn:aws:iam::*:role/*'] } },
      'guardrails.exemptPrincipalArns[0]: "arn:aws:iam::*:role/*" matches every role of every account',
    ],
    [
      { guardrails: { exemptPrincipalArns: ['arn:aws:sts::111122223333:assumed-role/*/*'] } },
      'guardrails.exemptPrincipalArns[0]: "arn:aws:sts::111122223333:assumed-role/*/*" matches every role of the account',
    ],
    [
      { guardrails: { production: { arns: ['arn:aws:rds:us-east-1:111122223333:db:prod '] } } },
      'guardrails.production.arns[0]: "arn:aws:rds:us-east-1:111122223333:db:prod " begins or ends with white space',
    ],
    [
      { guardrails: { agents: { sourceIdentityPatterns: ['agent-* '] } } },
      'guardrails.agents.sourceIdentityPatterns[0]: a source identity pattern: letters, digits',
    ],
    [
      { guardrails: { agents: { boundaryPolicyName: 'leash agent boundary' } } },
      'guardrails.agents.boundaryPolicyName: an IAM policy name',
    ],
    [
      { guardrails: { exemptPrincipalArns: ['arn:aws:iam::*:*'] } },
      'guardrails.exemptPrincipalArns[0]: "arn:aws:iam::*:*" is not a role (arn:aws:iam::ACCOUNT:role/NAME), user, assumed-role',
    ],
    [
      { guardrails: { exemptPrincipalArns: ['arn:aws:iam::111122223333:role*'] } },
      'guardrails.exemptPrincipalArns[0]: "arn:aws:iam::111122223333:role*" is not a role',
    ],
    [
      { guardrails: { everyone: { operatorPrincipalArns: ['arn:aws:iam::*:user/*'] } } },
      'guardrails.everyone.operatorPrincipalArns[0]: "arn:aws:iam::*:user/*" matches every user of every account',
    ],
  ])('refuses %j', (config, expected) => {
    expect(errorFor(config)).toContain(expected);
  });

  it('names the encoding of a file that is not UTF-8', () => {
    expect(errorFor(Buffer.from('{"guardrails": {"production": {"values": ["d\xe9v"]}}}', 'latin1'))).toContain(
      'not UTF-8 (invalid byte 0xe9 at byte 44; it looks like Latin-1 or Windows-1252): save it as UTF-8',
    );
  });

  it('accepts every real partition, a name prefix with a wildcard and a tag value with an inner space', () => {
    const config = loadConfigFile(
      writeConfig({
        guardrails: {
          production: { values: ['live prod'], arnPatterns: ['arn:aws-us-gov:rds:*:*:db:prod-*'] },
          exemptPrincipalArns: ['arn:aws-cn:iam::*:role/leash-*', 'arn:aws-iso-b:iam::*:role/break-glass'],
        },
      }),
    );
    expect(config.guardrails.exemptPrincipalArns).toHaveLength(2);
  });

  it('accepts the example config, a byte-order mark, "*" as a rule id and a leap day', () => {
    expect(() => loadConfigFile('leash.config.example.json')).not.toThrow();
    const file = join(dir, 'bom.json');
    const everyRuleForOneRole = {
      ruleId: '*',
      principalArn: 'arn:aws:iam::*:role/sandbox-admin',
      expires: '2028-02-29',
    };
    writeFileSync(file, `\ufeff${JSON.stringify(suppression(everyRuleForOneRole))}`);
    expect(loadConfigFile(file).suppressions[0].ruleId).toBe('*');
  });

  it.each([
    [{ ruleId: '*' }, 'alone it would suppress every finding'],
    [{ ruleId: '*', principalArn: 'arn:aws:iam::*:role/*' }, 'matches every role'],
    [{ ruleId: '*', principalArn: 'arn:aws:iam::111122223333:*' }, 'matches every role of the account'],
    [{ ruleId: '*', principalArn: 'arn:aws:iam::*:user/*' }, 'matches every user'],
    [{ ruleId: '*', principalArn: 'arn:aws:sts::*:assumed-role/*' }, 'matches every role session'],
    [{ ruleId: '*', logicalId: '*' }, 'matches every resource'],
  ])('refuses a suppression of every rule for everything: %j', (overrides, why) => {
    const file = join(dir, 'everything.json');
    writeFileSync(file, JSON.stringify(suppression(overrides), null, 2));
    expect(() => loadConfigFile(file)).toThrow(why);
    expect(() => loadConfigFile(file)).toThrow('suppressions[0].ruleId');
  });

  it('refuses a 16-digit change hash of an older leash: 64 bits can be made to collide', () => {
    const old = suppression({ logicalId: 'Orders', approvedBy: ['alice', 'bob'], changes: ['3f9a0c1d2e4b5a69'] });
    expect(() => LeashConfig.parse(old)).toThrow(/16-digit change hash of an older leash/);
    const now = suppression({
      logicalId: 'Orders',
      approvedBy: ['alice', 'bob'],
      changes: ['3f9a0c1d2e4b5a69'.repeat(2)],
    });
    expect(LeashConfig.parse(now).suppressions[0].changes).toHaveLength(1);
  });

  it('accepts every rule for named principals or resources, and for an approval bound to change hashes', () => {
    for (const overrides of [
      { ruleId: '*', principalArn: 'arn:aws:iam::*:role/sandbox-*' },
      { ruleId: '*', logicalId: 'LegacyQueue*' },
      { ruleId: '*', logicalId: '*', approvedBy: ['alice', 'bob'], changes: ['0123456789abcdef0123456789abcdef'] },
      { ruleId: 'missing-boundary', principalArn: 'arn:aws:iam::*:role/*' },
    ]) {
      expect(LeashConfig.parse(suppression(overrides)).suppressions).toHaveLength(1);
    }
  });

  it('knows every rule id of the audit pack and of the check gate', () => {
    const gate = CHANGE_GATE_RULES.map((r) => r.id);
    expect([...CHECK_RULE_IDS].sort()).toEqual([...gate].sort());
    expect([...knownRuleIds()].sort()).toEqual([...defaultRules.map((r) => r.meta.id), ...gate].sort());
  });
});

describe('programmatic entry points check what they are handed', () => {
  it('generateGuardrails names an unknown key instead of throwing a TypeError', () => {
    expect(() => generateGuardrails({ bad: 1 } as never)).toThrow(GuardrailSpecError);
    expect(() => generateGuardrails({ production: { tagKey: ['env'] } } as never)).toThrow(
      /production\.tagKey: unknown key "tagKey"; did you mean "tagKeys"\?/,
    );
    expect(() => generateGuardrails(7 as never)).toThrow(GuardrailSpecError);
  });
});
