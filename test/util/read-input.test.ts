import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonNestingProblem } from '../../lib/util/json-scan';
import {
  formatZodIssues,
  InputError,
  jsonPath,
  nestsDeeperThan,
  parseJsonText,
  readJsonFile,
} from '../../lib/util/read-input';
import { z } from 'zod';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('reading user JSON files', () => {
  it.each([
    ['a missing value', '{\n  "Version": "2012-10-17",\n  "Statement": }', 'policy.json:3:16: invalid JSON'],
    ['a trailing comma', '[1,\n2,\n]', 'policy.json:3:1: invalid JSON'],
    ['an unterminated string', '{"a": "b', 'policy.json:1:9: invalid JSON'],
  ])('names the file, line and column of %s', (_what, text, expected) => {
    expect(messageOf(() => parseJsonText(text, 'policy.json'))).toContain(expected);
  });

  it('says a file is YAML where it looks like it (the AWS CLI with output = yaml), and not of broken JSON', () => {
    const yaml = 'RoleDetailList:\n- RoleName: app\n  Arn: arn:aws:iam::111122223333:role/app\n';
    expect(messageOf(() => parseJsonText(yaml, 'authz.json'))).toMatch(
      /^authz\.json:1:1: invalid JSON: .*this looks like YAML: save it as JSON, with the AWS CLI's --output json/,
    );
    expect(messageOf(() => parseJsonText('---\nStatement: []\n', 'p.json'))).toContain('this looks like YAML');
    expect(messageOf(() => parseJsonText('{"Statement": }', 'p.json'))).not.toContain('YAML');
    expect(messageOf(() => parseJsonText('arn:aws:iam::1:role/x', 'p.json'))).not.toContain('YAML');
  });

  it('parses valid JSON unchanged', () => {
    expect(parseJsonText('{"a":[1,"x"]}', 'f.json')).toEqual({ a: [1, 'x'] });
  });

  it('refuses JSON nested more than 256 levels deep, naming where it goes too deep, before any syntax error', () => {
    const deep = `{"a": [\n  ${'['.repeat(256)}1${']'.repeat(256)}]}`;
    expect(messageOf(() => parseJsonText(deep, 'deep.json'))).toBe(
      'deep.json:2:257: JSON nested more than 256 levels deep',
    );
    expect(messageOf(() => parseJsonText(`${deep.slice(0, -1)},`, 'deep.json'))).toBe(
      'deep.json:2:257: JSON nested more than 256 levels deep',
    );
    const deepest = `{"a": [${'['.repeat(254)}1${']'.repeat(254)}]}`;
    expect(parseJsonText(deepest, 'f.json')).toEqual(JSON.parse(deepest));
  });

  it('measures the nesting of a parsed value as the scan of its text does', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 8 }), (value, limit) => {
        expect(nestsDeeperThan(value, limit)).toBe(jsonNestingProblem(JSON.stringify(value), limit) !== undefined);
      }),
      { numRuns: 2000 },
    );
  });

  it('says when a file does not exist, and which', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leash-read-'));
    expect(messageOf(() => readJsonFile(join(dir, 'nope.json')))).toMatch(/nope\.json: cannot read: no such file/);
    expect(messageOf(() => readJsonFile(dir))).toMatch(/cannot read: is a directory/);
    writeFileSync(join(dir, 'bad.json'), '{\n"x": tru }');
    expect(messageOf(() => readJsonFile(join(dir, 'bad.json')))).toContain('bad.json:2:');
  });

  it('writes JSON paths the way IAM users read them', () => {
    expect(jsonPath(['Statement', 2, 'Effect'])).toBe('Statement[2].Effect');
    expect(jsonPath([0, 'Action', 1])).toBe('[0].Action[1]');
  });
});

describe('zod problems in the words a user reads', () => {
  const Role = z.object({ RoleName: z.string(), AssumeRolePolicyDocument: z.unknown() });

  it('says a missing required key is missing, with what was expected, and keeps other messages', () => {
    const missing = Role.safeParse({});
    expect(missing.success).toBe(false);
    const text = formatZodIssues('a.json', missing.error!.issues);
    expect(text).toContain('a.json: RoleName: is required but missing (expected string)');
    expect(text).toContain('a.json: AssumeRolePolicyDocument: is required but missing');
    expect(text).not.toMatch(/nonoptional|received undefined/);
    const wrong = Role.safeParse({ RoleName: 7, AssumeRolePolicyDocument: {} });
    expect(formatZodIssues('a.json', wrong.error!.issues)).toMatch(
      /^a\.json: RoleName: .*expected string, received number/,
    );
  });

  it("says zod's bounds and choices in plain words, and keeps a schema's own message", () => {
    const Limits = z.object({
      tagKeys: z.array(z.string()).min(1),
      name: z.string().min(1),
      hours: z.number().int().min(1).max(12),
      weight: z.number().positive(),
      few: z.array(z.string()).max(2),
      mode: z.enum(['audit', 'check']),
      version: z.literal('2012-10-17'),
      own: z.array(z.string()).min(1, 'name at least one account'),
    });
    const result = Limits.safeParse({
      tagKeys: [],
      name: '',
      hours: 13,
      weight: 0,
      few: ['a', 'b', 'c'],
      mode: 'fix',
      version: '2008-10-17',
      own: [],
    });
    expect(formatZodIssues('c.json', result.error!.issues).split('\n')).toEqual([
      'c.json: tagKeys: expected at least one item, found an empty list',
      'c.json: name: expected a non-empty string',
      'c.json: hours: expected a number of at most 12',
      'c.json: weight: expected a number greater than 0',
      'c.json: few: expected at most 2 items',
      'c.json: mode: expected one of "audit", "check"',
      'c.json: version: expected "2012-10-17"',
      'c.json: own: name at least one account',
    ]);
  });
});
