// The precomputed catalog `npm run build` writes: it must be the same catalog a fresh build makes, and a file
// that does not match the installed data and catalog code must never be used.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildCatalog,
  decodeCatalog,
  encodeCatalog,
  parseCompactCatalog,
  serializeCompactCatalog,
  type Catalog,
  type CompactCatalog,
} from '../../lib/catalog';
import { readReferenceData } from '../../lib/catalog/load';
import {
  catalogFingerprint,
  installedDataVersion,
  PRECOMPUTED_CATALOG_FILE,
  readPrecomputedCatalog,
  writePrecomputedCatalog,
} from '../../lib/catalog/precomputed';

/** Everything a reader can observe of a catalog, as text: key order and values of every action. */
function observable(catalog: Catalog): string {
  return JSON.stringify({
    dataVersion: catalog.dataVersion,
    services: catalog.services,
    rcpServices: [...catalog.rcpServices].sort(),
    actions: catalog.actions,
    destructive: catalog.destructive.map((action) => action.action),
    perService: catalog.services.map((service) => catalog.serviceActions(service).length),
  });
}

function expectSameLookups(decoded: Catalog, fresh: Catalog): void {
  for (const action of fresh.actions) {
    expect(decoded.get(action.action.toUpperCase())?.action).toBe(action.action);
  }
  expect(decoded.get('ec2:NoSuchAction')).toBeUndefined();
  expect(decoded.hasService('EC2')).toBe(true);
  expect(decoded.serviceActions('nosuchservice')).toEqual([]);
}

describe('the precomputed catalog', () => {
  const fresh = buildCatalog(readReferenceData());
  const freshText = observable(fresh);
  const dir = mkdtempSync(join(tmpdir(), 'leash-catalog-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('decodes to exactly the catalog a fresh build makes (every action, field, key order and lookup)', () => {
    const decoded = decodeCatalog(parseCompactCatalog(serializeCompactCatalog(encodeCatalog(fresh, 'test'))));
    expect(observable(decoded)).toBe(freshText);
    expectSameLookups(decoded, fresh);
  });

  it("makes a service's actions when first needed: the same objects before and after the whole list", () => {
    const decoded = decodeCatalog(parseCompactCatalog(serializeCompactCatalog(encodeCatalog(fresh, 'test'))));
    const early = decoded.get('S3:getobject');
    expect(early?.action).toBe('s3:GetObject');
    expect(decoded.get('s3:NoSuchAction')).toBeUndefined();
    expect(decoded.get('nosuchservice:GetObject')).toBeUndefined();
    expect(decoded.get('s3')).toBeUndefined();
    const ec2 = decoded.serviceActions('EC2');
    expect(ec2.length).toBeGreaterThan(100);
    expect(decoded.hasService('nosuchservice')).toBe(false);
    const all = decoded.actions;
    expect(all.includes(early!)).toBe(true);
    expect(all.filter((action) => action.service === 'ec2').every((action, i) => action === ec2[i])).toBe(true);
    expect(decoded.get('s3:GetObject')).toBe(early);
    expect(observable(decoded)).toBe(freshText);
  });

  it('is compact: a few MB, every string stored once', () => {
    const compact = encodeCatalog(fresh, 'test');
    expect(new Set(compact.strings).size).toBe(compact.strings.length);
    expect(serializeCompactCatalog(compact).length).toBeLessThan(5 * 1024 * 1024);
  });

  it('keeps every string and number through the file, non-ASCII text and an empty catalog too', () => {
    const compact: CompactCatalog = {
      ...encodeCatalog(fresh, 'test'),
      strings: ['', 'é ünïcödé ✓', 'a\nb', '"quoted"'],
      actions: [0, -1, 2_147_483_647, -2_147_483_648, 3],
    };
    const read = parseCompactCatalog(serializeCompactCatalog(compact));
    expect(read.strings).toEqual(compact.strings);
    expect(Array.from(read.actions)).toEqual(compact.actions);
    const empty = parseCompactCatalog(serializeCompactCatalog({ ...compact, strings: [], actions: [] }));
    expect(empty.strings).toEqual([]);
    expect(empty.actions.length).toBe(0);
    expect(() => serializeCompactCatalog({ ...compact, strings: ['a\0b'] })).toThrow(/NUL/);
  });

  it('is written by the writer and read back by the loader when it matches this installation', () => {
    const file = join(dir, PRECOMPUTED_CATALOG_FILE);
    const written = writePrecomputedCatalog(file);
    expect(written.actions).toBe(fresh.actions.length);
    const read = readPrecomputedCatalog(file);
    expect(read.catalog).toBeDefined();
    expect(observable(read.catalog!)).toBe(freshText);
  });

  it('is refused when it was built from other data or other catalog code (stale), corrupt, or of another format', () => {
    const bytes = readFileSync(join(dir, PRECOMPUTED_CATALOG_FILE));
    const good = parseCompactCatalog(bytes);
    const variants: [string, Buffer | string][] = [
      ['stale.bin', serializeCompactCatalog({ ...good, fingerprint: catalogFingerprint('0.0.1') })],
      ['format.bin', serializeCompactCatalog({ ...good, format: 99 })],
      ['truncated.bin', bytes.subarray(0, 100_000)],
      ['longer.bin', Buffer.concat([bytes, Buffer.from([0])])],
      ['short.bin', serializeCompactCatalog({ ...good, actions: Array.from(good.actions).slice(0, -3) })],
      ['json.bin', JSON.stringify({ ...good, actions: Array.from(good.actions) })],
      [
        'bad-string.bin',
        serializeCompactCatalog({ ...good, actions: [99_999_999, ...Array.from(good.actions).slice(1)] }),
      ],
      ['bad-list.bin', serializeCompactCatalog({ ...good, lists: [[99_999_999], ...good.lists.slice(1)] })],
      ['empty.bin', ''],
    ];
    for (const [name, text] of variants) {
      writeFileSync(join(dir, name), text);
      const read = readPrecomputedCatalog(join(dir, name));
      expect(read.catalog).toBeUndefined();
      expect(read).toHaveProperty('reason', expect.stringContaining(name));
    }
    expect(readPrecomputedCatalog(join(dir, 'missing.json'))).toHaveProperty(
      'reason',
      expect.stringContaining('ENOENT'),
    );
  });

  it('changes fingerprint with the data version and with any catalog module', () => {
    const version = installedDataVersion();
    expect(catalogFingerprint(version)).toBe(catalogFingerprint(version));
    expect(catalogFingerprint(version)).not.toBe(catalogFingerprint(`${version}-next`));
    const moduleDir = join(dir, 'modules');
    mkdirSync(moduleDir);
    writeFileSync(join(moduleDir, 'classification-rules.ts'), 'export const RULES = [];');
    const before = catalogFingerprint(version, moduleDir);
    writeFileSync(join(moduleDir, 'classification-rules.ts'), 'export const RULES = [1];');
    expect(catalogFingerprint(version, moduleDir)).not.toBe(before);
  });

  // After `npm run build` (which `npm test` runs first): the file the build wrote is current and is what the CLI loads.
  const built = join(__dirname, '..', '..', 'dist', 'lib', 'catalog');
  (existsSync(join(built, 'build.js')) ? it : it.skip)(
    'the build wrote it beside the compiled catalog, current, equal to a fresh build, and the CLI loads it',
    () => {
      const file = join(built, PRECOMPUTED_CATALOG_FILE);
      const compact = parseCompactCatalog(readFileSync(file));
      expect(compact.fingerprint).toBe(catalogFingerprint(installedDataVersion(), built, '.js'));
      expect(observable(decodeCatalog(compact))).toBe(freshText);
      const origin = execFileSync(
        process.execPath,
        [
          '-e',
          `const c = require(${JSON.stringify(built)}); c.loadCatalog(); console.log(c.loadedCatalogOrigin().kind)`,
        ],
        { encoding: 'utf8', env: { ...process.env, LEASH_CATALOG: '' } },
      );
      expect(origin.trim()).toBe('precomputed');
    },
  );
});
