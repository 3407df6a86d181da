import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseCount, parseCounts, parseOptions, UsageError } from '../../bench/options';

const dist = join(__dirname, '..', '..', 'dist', 'bench');
const spec = {
  rounds: { type: 'string' },
  file: { type: 'string', multiple: true },
  'v8-defaults': { type: 'boolean' },
} as const;

describe('bench and proof script options', () => {
  it('reads declared options, repeated ones as a list', () => {
    const values = parseOptions('usage', spec, [
      '--rounds',
      '5',
      '--file',
      'a.json',
      '--file',
      'b.json',
      '--v8-defaults',
    ]);
    expect(values).toEqual({ rounds: '5', file: ['a.json', 'b.json'], 'v8-defaults': true });
  });

  it.each([
    [['--runs', '5'], /Unknown option '--runs'/],
    [['--rounds'], /'--rounds <value>' argument missing/],
    [['extra'], /Unexpected argument 'extra'/],
    [['--v8-defaults=yes'], /does not take an argument/],
  ])('refuses %j with the usage line instead of measuring the defaults', (args, message) => {
    expect(() => parseOptions('node dist/bench/x.js [--rounds N]', spec, args)).toThrow(UsageError);
    expect(() => parseOptions('node dist/bench/x.js [--rounds N]', spec, args)).toThrow(message);
    expect(() => parseOptions('node dist/bench/x.js [--rounds N]', spec, args)).toThrow(
      /usage: node dist\/bench\/x.js/,
    );
  });

  it('reads counts, and refuses what is not a whole number at least the minimum (a NaN count would run nothing)', () => {
    expect(parseCount(undefined, 'rounds', 3)).toBe(3);
    expect(parseCount('12', 'rounds', 3)).toBe(12);
    expect(parseCount('0', 'latency-ms', 5, 0)).toBe(0);
    for (const bad of ['x', '', '1.5', '-2', '1e3', '0']) {
      expect(() => parseCount(bad, 'rounds', 3)).toThrow(UsageError);
    }
    expect(() => parseCount('ten', 'limit', 1)).toThrow('--limit "ten": expected a whole number of at least 1');
    expect(parseCounts('300, 1000', 'roles', [1000])).toEqual([300, 1000]);
    expect(parseCounts(undefined, 'roles', [1000])).toEqual([1000]);
    expect(() => parseCounts('300,lots', 'roles', [1000])).toThrow(UsageError);
  });

  it.each([
    ['peer.js', ['--runs', '5'], /Unknown option '--runs'/],
    ['prove-guardrails.js', ['--limit', 'ten'], /--limit "ten": expected a whole number/],
    ['audit.js', ['--roles', 'many'], /--roles "many": expected a whole number/],
    ['startup.js', ['--round', '3'], /Unknown option '--round'/],
  ])('%s %j stops at once with exit code 2 and says why', (script, args, message) => {
    const result = spawnSync(process.execPath, [join(dist, script), ...args], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });
});
