// zod's every entry point (`zod`, `zod/mini`, `zod/v4/core`) loads all of its 63 locales to offer
// `z.locales.fr()` and the like, about 0.02 s CPU of every command that validates anything; leash never
// configures a locale (English messages come from `locales/en` which zod loads itself). For the `leash`
// process only, this puts an equivalent of the locales index into the module cache whose members are loaded
// on first use: `z.locales.fr` is still zod's French locale, only later.
//
// It reproduces what the compiled index does, entry by entry, and only when the index has exactly the layout
// it knows (one `require` and one getter per locale); any other layout or version of zod is left alone.
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname } from 'node:path';

/** The two statements the compiled index has per locale: the require, and the getter of its default export. */
const LOCALE_ENTRY =
  /var (\w+) = require\("(\.\/[\w-]+\.cjs)"\);\nObject\.defineProperty\(exports, "(\w+)", \{ enumerable: true, get: function \(\) \{ return __importDefault\(\1\)\.default; \} \}\);/g;

/** [export name, file] of each locale, or undefined when the index is not laid out as expected. */
export function localeEntries(indexText: string): [name: string, file: string][] | undefined {
  const entries = [...indexText.matchAll(LOCALE_ENTRY)].map((m): [string, string] => [m[3], m[2]]);
  const requires = indexText.match(/\brequire\(/g)?.length ?? 0;
  return entries.length > 0 && entries.length === requires ? entries : undefined;
}

/** TypeScript's __importDefault, as the index applies it to each locale module. */
function importDefault(mod: unknown): unknown {
  return mod && (mod as { __esModule?: boolean }).__esModule ? (mod as { default: unknown }).default : mod;
}

/**
 * Register the lazy locales index for the zod that `from` resolves (the one leash's modules load); true when
 * registered. Call before zod is first loaded. Until zod asks for its index, the module cache only has a
 * hidden getter for it: a command that never loads zod does not load (nor list) any of it.
 */
export function deferZodLocales(from: string = __filename): boolean {
  try {
    const index = require.resolve('zod/v4/locales', { paths: [dirname(from)] });
    const cache = require.cache;
    if (index in cache) return false;
    const entries = localeEntries(readFileSync(index, 'utf8'));
    if (!entries) return false;
    Object.defineProperty(cache, index, {
      configurable: true,
      enumerable: false,
      get: () => {
        const module = lazyIndex(index, entries);
        Object.defineProperty(cache, index, { configurable: true, enumerable: true, writable: true, value: module });
        return module;
      },
    });
    return true;
  } catch {
    // No zod where expected, or an exports map without this entry: zod loads its own index.
    return false;
  }
}

/** A loaded module at `index` whose exports are the locales, each required on first use. */
function lazyIndex(index: string, entries: readonly [name: string, file: string][]): Module {
  const module = new Module(index);
  module.filename = index;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(index));
  const exports: Record<string, unknown> = {};
  Object.defineProperty(exports, '__esModule', { value: true });
  for (const [name, file] of entries) {
    Object.defineProperty(exports, name, { enumerable: true, get: () => importDefault(module.require(file)) });
  }
  module.exports = Object.freeze(exports);
  module.loaded = true;
  return module;
}
