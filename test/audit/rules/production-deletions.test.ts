// productionDeletions is asked for every principal of an account whose policies cannot all be read: the same
// questions each time, as the same request objects, so the evaluator's answers (shared by request object) are.
import { productionDeletions } from '../../../lib/audit/rules/support/production';
import { defaultConfig } from '../../../lib/config/defaults';
import { catalog } from './helpers';

describe('productionDeletions', () => {
  const guardrails = defaultConfig().guardrails;
  const tags = [
    { key: 'environment', value: 'production', text: 'environment=production' },
    { key: 'env', value: 'prod', text: 'env=prod' },
  ];

  it('asks every delete and recreate once per production tag, in the order of the tags', () => {
    const { actions, requests } = productionDeletions(catalog, guardrails, tags);
    expect(actions.length).toBeGreaterThan(1000);
    expect(
      actions.every(
        (a) =>
          a.classes.includes('delete') ||
          a.classes.includes('recreate') ||
          a.action === 'route53:ChangeResourceRecordSets',
      ),
    ).toBe(true);
    expect(requests.map((r) => [r.tag, r.request.resourceTags])).toEqual([
      ['environment=production', { environment: 'production' }],
      ['env=prod', { env: 'prod' }],
    ]);
  });

  it('gives the same actions and request objects to every principal that asks, whatever list holds its tags', () => {
    const first = productionDeletions(catalog, guardrails, tags);
    const second = productionDeletions(catalog, guardrails, [tags[1]]);
    expect(second.actions).toBe(first.actions);
    expect(second.requests[0].request).toBe(first.requests[1].request);
  });
});
