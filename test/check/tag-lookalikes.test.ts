// A tag that reads as the production tag but that IAM does not match: reported on every template, and the
// gate judges deleting such a resource as production.
import { checkStacks } from '../../lib/check/check';
import { LeashConfig } from '../../lib/config/schema';
import { catalog, gate, now, stack, table } from './gate-helpers';

const topic = (key: string, value: string) => ({
  Type: 'AWS::SNS::Topic',
  Properties: { Tags: [{ Key: key, Value: value }] },
});

const lookalikes: [string, string, string][] = [
  ['environment', 'prod ', 'a trailing space'],
  ['environment', 'pr\u043ed', 'a Cyrillic о'],
  ['environment', '\uff50\uff52\uff4f\uff44', 'full-width letters'],
  ['environment', 'produc\u200btion', 'a zero-width space'],
  ['Environment ', 'production', 'a trailing space in the key'],
  ['env\u0456ronment', 'production', 'a Cyrillic і in the key'],
];

function check(template: object, config: unknown = {}) {
  return checkStacks([stack(template)], undefined, 'test', { catalog, now, config: LeashConfig.parse(config) });
}

describe('production-tag-lookalike', () => {
  it.each(lookalikes)('reports %j=%j (%s) on a template checked without a baseline', (key, value) => {
    const result = check({ Resources: { Alerts: topic(key, value) } });
    const found = result.findings.filter((finding) => finding.ruleId === 'production-tag-lookalike');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'high', location: { logicalId: 'Alerts' } });
    expect(found[0].message).toMatch(/reads as the production tag environment=(prod|production)/);
    // What differs is shown: no invisible or foreign character reaches the message unescaped.
    expect(found[0].message).toMatch(/^[\x20-\x7e]*$/);
    expect(result.rules.map((rule) => rule.id)).toContain('production-tag-lookalike');
  });

  it('reports a lookalike stack tag, and nothing for exact tags in any case or for other words', () => {
    const clean = check({
      Resources: {
        A: topic('environment', 'production'),
        B: topic('ENVIRONMENT', 'Prod'),
        C: topic('environment', 'preprod'),
        D: topic('environment', 'dev'),
      },
    });
    expect(clean.findings.filter((finding) => finding.ruleId === 'production-tag-lookalike')).toEqual([]);
    const stacked = checkStacks(
      [stack({ Resources: { A: topic('team', 'x') } }, 'Data', { stackTags: { environment: 'production ' } })],
      undefined,
      'test',
      { catalog, now, config: LeashConfig.parse({}) },
    );
    const found = stacked.findings.filter((finding) => finding.ruleId === 'production-tag-lookalike');
    expect(found.map((finding) => finding.title)).toEqual(['Looks like production, is not: stack Data']);
  });

  it.each(lookalikes)('gates deleting a topic tagged %j=%j (%s) as production', (key, value) => {
    const findings = gate({ Resources: { Alerts: topic(key, value) } }, { Resources: {} });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'destructive-change', severity: 'high' });
    expect(findings[0].message).toContain('treated as production');
  });

  it.each([
    ['environment', 'prodution', 'a dropped letter in the value'],
    ['environment', 'prdo', 'two letters swapped'],
    ['enviroment', 'production', 'a dropped letter in the key'],
  ])('reports %j=%j (%s) as a typo of the production tag, and gates deleting it as production', (key, value) => {
    const result = check({ Resources: { Alerts: topic(key, value) } });
    const found = result.findings.filter((finding) => finding.ruleId === 'production-tag-lookalike');
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/a letter or two from the production tag environment=(prod|production): a typo/);
    expect(found[0].message).toContain('or in leash.config.json');
    const findings = gate({ Resources: { Alerts: topic(key, value) } }, { Resources: {} });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'destructive-change', severity: 'high' });
    expect(findings[0].message).toMatch(/a typo in the tag or in leash\.config\.json.*treated as production/);
  });

  it('finds a typo in the config: the production key misspelt there, the templates tagged with the real one', () => {
    const config = { guardrails: { production: { tagKeys: ['enviroment'] } } };
    const result = check({ Resources: { Alerts: topic('environment', 'production') } }, config);
    const found = result.findings.filter((finding) => finding.ruleId === 'production-tag-lookalike');
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('a letter or two from the production tag enviroment=production');
    expect(found[0].remediation).toContain('name that key and value in guardrails.production');
  });

  it('takes no value the config calls non-production for a typo of a production one', () => {
    const config = {
      guardrails: { production: { values: ['production'], nonProductionValues: ['productions', 'dev'] } },
    };
    const result = check({ Resources: { Alerts: topic('environment', 'productions') } }, config);
    expect(result.findings.filter((finding) => finding.ruleId === 'production-tag-lookalike')).toEqual([]);
  });

  it('still calls changing prod to "prod " taking the production tag off (a lookalike protects nothing)', () => {
    const before = { Resources: { Orders: table({ Tags: [{ Key: 'environment', Value: 'production' }] }) } };
    const after = { Resources: { Orders: table({ Tags: [{ Key: 'environment', Value: 'production ' }] }) } };
    const findings = gate(before, after);
    const removed = findings.find((finding) => /production tag .* is removed/.test(finding.message));
    expect(removed).toMatchObject({ ruleId: 'data-destroying-setting', severity: 'critical' });
  });
});
