// S3 evaluates a general purpose bucket's tags in IAM only with ABAC enabled: a production bucket without it is
// protected by no tag deny, and switching it off is the first half of an unguarded deletion.
import { checkStacks } from '../../lib/check/check';
import { LeashConfig } from '../../lib/config/schema';
import { catalog, gate, now, stack } from './gate-helpers';

const bucket = (tags: { Key: string; Value: string }[], extra: object = {}) => ({
  Type: 'AWS::S3::Bucket',
  Properties: { Tags: tags, ...extra },
});
const prod = [{ Key: 'environment', Value: 'production' }];

function unevaluated(template: object, stackTags: Record<string, string> = {}) {
  return checkStacks([stack(template, 'Data', { stackTags })], undefined, 'test', {
    catalog,
    now,
    config: LeashConfig.parse({}),
  }).findings.filter((finding) => finding.ruleId === 'production-tag-not-evaluated');
}

describe('production-tag-not-evaluated', () => {
  it('reports a production bucket whose AbacStatus is unset or Disabled, naming the state', () => {
    const found = unevaluated({
      Resources: {
        Unset: bucket(prod),
        Off: bucket(prod, { AbacStatus: 'Disabled' }),
        On: bucket(prod, { AbacStatus: 'Enabled' }),
        Dev: bucket([{ Key: 'environment', Value: 'dev' }]),
      },
    });
    const byId = new Map(found.map((finding) => [finding.location?.logicalId, finding]));
    expect([...byId.keys()].sort()).toEqual(['Off', 'Unset']);
    expect(found.every((finding) => finding.severity === 'high')).toBe(true);
    expect(byId.get('Unset')?.message).toContain('AbacStatus is not set (off by default)');
    expect(byId.get('Off')?.message).toContain('AbacStatus is "Disabled"');
  });

  it('reports a bucket that is production through its stack tag', () => {
    expect(unevaluated({ Resources: { Logs: bucket([]) } }, { environment: 'prod' })).toHaveLength(1);
  });

  it('gates switching ABAC off on a production bucket as critical, and not an unchanged setting', () => {
    const on = { Resources: { Data: bucket(prod, { AbacStatus: 'Enabled' }) } };
    const off = gate(on, { Resources: { Data: bucket(prod) } });
    expect(off).toHaveLength(1);
    expect(off[0]).toMatchObject({ ruleId: 'data-destroying-setting', severity: 'critical' });
    expect(off[0].message).toContain('attribute-based access control');
    expect(gate(on, { Resources: { Data: bucket(prod, { AbacStatus: 'Enabled', BucketName: 'x' }) } })).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ ruleId: 'data-destroying-setting' })]),
    );
  });
});
