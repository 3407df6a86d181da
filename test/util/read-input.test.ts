import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, jsonPath, parseJsonText, readJsonFile } from '../../lib/util/read-input';

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

  it('parses valid JSON unchanged', () => {
    expect(parseJsonText('{"a":[1,"x"]}', 'f.json')).toEqual({ a: [1, 'x'] });
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
