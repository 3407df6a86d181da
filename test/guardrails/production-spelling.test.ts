import { agentTagLookalike, productionSpellingDoubts } from '../../lib/guardrails/production-lookalikes';
import { defaultGuardrailSpec } from '../../lib/guardrails';

const doubted = (tagKeys: string[], values: string[]) =>
  productionSpellingDoubts({ ...defaultGuardrailSpec().production, tagKeys, values }).map((d) => [d.path, d.meant]);

describe('production keys and values the config may have misspelt', () => {
  it('doubts a key or value a letter or two from a usual one', () => {
    expect(doubted(['enviroment'], ['prodution'])).toEqual([
      ['guardrails.production.tagKeys[0]', 'environment'],
      ['guardrails.production.values[0]', 'production'],
    ]);
    expect(doubted(['Envirnoment'], ['PRODUCTON'])).toEqual([
      ['guardrails.production.tagKeys[0]', 'environment'],
      ['guardrails.production.values[0]', 'production'],
    ]);
  });

  it('doubts a lookalike of a usual value too, and shows what hides in it', () => {
    expect(doubted(['environment'], ['pr\u043ed', 'production '])).toEqual([
      ['guardrails.production.values[0]', 'prod'],
      ['guardrails.production.values[1]', 'production'],
    ]);
    const [doubt] = productionSpellingDoubts({ ...defaultGuardrailSpec().production, values: ['pr\u043ed'] });
    expect(doubt.message).toContain('"pr\\u043ed" reads as a misspelling of "prod"');
  });

  it('trusts usual words in any case, other conventions, and a variant listed beside the usual spelling', () => {
    expect(doubted(['environment', 'Env', 'stage'], ['production', 'prod', 'PRD', 'live'])).toEqual([]);
    expect(doubted(['cost-center', 'workload'], ['critical', 'customer-facing'])).toEqual([]);
    expect(doubted(['environment'], ['production', 'prodution'])).toEqual([]);
  });

  it('says what a typo costs and how to settle it', () => {
    const [doubt] = productionSpellingDoubts({ ...defaultGuardrailSpec().production, values: ['prodution'] });
    expect(doubt.message).toBe(
      'guardrails.production.values[0]: "prodution" reads as a misspelling of "production": resources tagged ' +
        'environment=production get no production guard. Correct it, or list "production" too if both are in use; ' +
        'if "prodution" is the spelling your tags use, ignore this.',
    );
  });

  it('has nothing to say about the documented defaults', () => {
    expect(productionSpellingDoubts(defaultGuardrailSpec().production)).toEqual([]);
  });
});

describe('a tag that reads as the agent tag', () => {
  const agent = { key: 'leash:agent', value: 'true' };
  it('is found when IAM would not match it, and not when it would or when it means something else', () => {
    expect(agentTagLookalike({ 'leash:agent': 'true\u200b' }, agent)).toEqual({
      key: 'leash:agent',
      value: 'true\u200b',
    });
    expect(agentTagLookalike({ leash_agent: 'true' }, agent)).toEqual({ key: 'leash_agent', value: 'true' });
    expect(agentTagLookalike({ 'LEASH:AGENT': 'True' }, agent)).toBeUndefined();
    expect(agentTagLookalike({ 'leash:agent': 'true', 'leash-agent': 'true' }, agent)).toBeUndefined();
    expect(agentTagLookalike({ 'leash:agent': 'false', owner: 'true' }, agent)).toBeUndefined();
  });
});
