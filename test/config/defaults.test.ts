// The default configuration by value (lib/config/defaults.ts) is the schema's, and the shortcut that skips the
// schema for it takes nothing else: anything but exactly the defaults is still checked by the schema.
import { defaultConfig, isDefaultConfig } from '../../lib/config/defaults';
import { loadConfigFile } from '../../lib/config/load';
import { parseConfig } from '../../lib/config/parse';
import { LeashConfig } from '../../lib/config/schema';
import { InputError } from '../../lib/util/read-input';

describe('defaultConfig', () => {
  test('is what the schema makes of an empty file, key order included', () => {
    expect(JSON.stringify(defaultConfig())).toBe(JSON.stringify(LeashConfig.parse({})));
    expect(defaultConfig()).toStrictEqual(LeashConfig.parse({}));
    expect(loadConfigFile(undefined)).toStrictEqual(LeashConfig.parse({}));
  });

  test('the schema returns the defaults unchanged (so parseConfig may skip it for them)', () => {
    expect(LeashConfig.parse(defaultConfig())).toStrictEqual(defaultConfig());
    expect(parseConfig(defaultConfig(), 'here')).toStrictEqual(LeashConfig.parse(defaultConfig()));
  });

  test('a new object each call', () => {
    const first = defaultConfig();
    first.guardrails.production.values.push('live');
    expect(defaultConfig().guardrails.production.values).toEqual(['production', 'prod']);
    expect(parseConfig(defaultConfig(), 'here')).not.toBe(parseConfig(defaultConfig(), 'here'));
  });
});

describe('isDefaultConfig', () => {
  type Config = ReturnType<typeof defaultConfig>;
  const variant = (change: (config: Config) => void): unknown => {
    const config = JSON.parse(JSON.stringify(defaultConfig())) as Config;
    change(config);
    return config;
  };
  /** Sets what the type would not allow. */
  const put = (target: object, key: string, value: unknown) => Reflect.set(target, key, value);
  const hole = ['production', 'prod'];
  delete hole[0];

  test('the defaults, also as a copy read from JSON', () => {
    expect(isDefaultConfig(defaultConfig())).toBe(true);
    expect(isDefaultConfig(variant(() => undefined))).toBe(true);
  });

  test.each([
    ['an extra key', (c: Config) => put(c, 'extra', 1)],
    ['an extra key set to undefined', (c: Config) => put(c, '$schema', undefined)],
    ['a missing key', (c: Config) => Reflect.deleteProperty(c.deployment.agentStack, 'enabled')],
    ['another value', (c: Config) => (c.guardrails.placement.serviceControlPolicies.root = 3)],
    ['a number as a string', (c: Config) => put(c.guardrails.placement.serviceControlPolicies, 'root', '4')],
    ['a longer list', (c: Config) => c.guardrails.production.values.push('live')],
    ['an object for a list', (c: Config) => put(c, 'suppressions', {})],
    ['a list for an object', (c: Config) => put(c.deployment, 'agentStack', [])],
    ['a hole in a list', (c: Config) => put(c.guardrails.production, 'values', hole)],
  ])('not with %s, which the schema decides', (_what, change) => {
    const config = variant(change);
    expect(isDefaultConfig(config)).toBe(false);
    const parsed = LeashConfig.safeParse(config);
    if (parsed.success) expect(parseConfig(config, 'here')).toStrictEqual(parsed.data);
    else expect(() => parseConfig(config, 'here')).toThrow(InputError);
  });

  test('not for an instance of a class, nor for null or a primitive', () => {
    class Config {}
    expect(isDefaultConfig(Object.assign(new Config(), defaultConfig()))).toBe(false);
    expect(isDefaultConfig(null)).toBe(false);
    expect(isDefaultConfig('config')).toBe(false);
    expect(() => parseConfig(null, 'here')).toThrow(InputError);
  });
});
