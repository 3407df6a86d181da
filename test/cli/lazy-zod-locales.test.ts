// The lazy zod locales index of the `leash` process (lib/cli/lazy-zod-locales.ts) must be zod's own index
// loaded later: the same locale names, each the same locale, and English messages unchanged.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as zodLocales from 'zod/v4/locales';
import { join } from 'node:path';
import { localeEntries } from '../../lib/cli/lazy-zod-locales';

const built = join(__dirname, '..', '..', 'dist', 'lib', 'cli', 'lazy-zod-locales.js');
const indexFile = require.resolve('zod/v4/locales');

describe('the lazy zod locales index', () => {
  it("finds every locale of the installed zod's index, by the names zod exports", () => {
    const entries = localeEntries(readFileSync(indexFile, 'utf8'));
    expect(entries).toBeDefined();
    expect(entries!.map(([name]) => name).sort()).toEqual(Object.keys(zodLocales).sort());
    expect(entries).toContainEqual(['fr', './fr.cjs']);
  });

  it('leaves an index of any other layout alone', () => {
    const text = readFileSync(indexFile, 'utf8');
    expect(localeEntries('')).toBeUndefined();
    expect(localeEntries(`${text}\nrequire("./extra.cjs");`)).toBeUndefined();
    expect(localeEntries(text.replace('__importDefault(fr_js_1).default', 'fr_js_1'))).toBeUndefined();
  });

  (existsSync(built) ? it : it.skip)(
    'gives every locale and English message zod gives, and loads only the locales used',
    () => {
      // Every locale's message for a few issues, then the locale files loaded (after the walk: all of them).
      const script = (defer: boolean) => `
        ${defer ? `require(${JSON.stringify(built)}).deferZodLocales(${JSON.stringify(built)});` : ''}
        const { z } = require('zod');
        const loaded = () => Object.keys(require.cache).filter((f) => /locales[\\\\/][\\w-]+\\.cjs$/.test(f)).map((f) => f.replace(/.*[\\\\/]/, ''));
        const english = [z.string().safeParse(1), z.strictObject({ a: z.number() }).safeParse({ a: 'x', b: 1 })]
          .map((r) => r.error.issues.map((i) => i.message));
        const before = loaded().sort();
        const issue = { code: 'invalid_type', expected: 'string', input: 1, path: [] };
        const messages = Object.entries(z.locales).map(([name, locale]) => [name, locale().localeError(issue)]);
        console.log(JSON.stringify({ english, before, messages, after: loaded().length }));`;
      const run = (defer: boolean) => {
        const result = spawnSync(process.execPath, ['-e', script(defer)], {
          encoding: 'utf8',
          cwd: join(__dirname, '..', '..'),
        });
        if (result.status !== 0) throw new Error(result.stderr);
        return JSON.parse(result.stdout) as { english: unknown; before: string[]; messages: unknown[]; after: number };
      };
      const lazy = run(true);
      const eager = run(false);
      expect(lazy.english).toEqual(eager.english);
      expect(lazy.messages).toEqual(eager.messages);
      expect(lazy.messages.length).toBeGreaterThan(50);
      expect(lazy.before).toEqual(['en.cjs', 'index.cjs']);
      expect(eager.before.length).toBeGreaterThan(50);
      expect(lazy.after).toBe(eager.after);
    },
  );
});
