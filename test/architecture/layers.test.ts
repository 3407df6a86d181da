// The layering of lib/ as ../shared/DESIGN.md draws it: every import points down (or stays in its own layer),
// and no module reaches itself through its imports, type-only imports included. Imports are read with the
// TypeScript compiler's own pre-processor, so `import type`, re-exports and lazy `import()` all count.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const LIB = resolve(__dirname, '../../lib');

/** Layers from the bottom up: a module may import its own layer's modules and those of any layer before it. */
const LAYERS: readonly (readonly [string, (path: string) => boolean])[] = [
  ['util', (p) => p.startsWith('util/')],
  ['catalog', (p) => p.startsWith('catalog/')],
  ['policy', (p) => p.startsWith('policy/')],
  ['aws-managed', (p) => p.startsWith('aws-managed/')],
  ['guardrails', (p) => p.startsWith('guardrails/')],
  ['audit/sources', (p) => p.startsWith('audit/sources/')],
  ['audit/findings', (p) => p === 'audit/findings.ts'],
  ['audit/evaluate', (p) => p.startsWith('audit/evaluate/')],
  ['audit/graph', (p) => p.startsWith('audit/graph/')],
  ['audit/rules', (p) => p.startsWith('audit/rules/')],
  ['config', (p) => p.startsWith('config/')],
  ['audit (runners)', (p) => /^audit\/[^/]+\.ts$/.test(p)],
  ['audit/report', (p) => p.startsWith('audit/report/')],
  ['check', (p) => p.startsWith('check/')],
  ['constructs', (p) => p.startsWith('constructs/')],
  ['cli', (p) => p.startsWith('cli/')],
  ['entry points', (p) => /^[^/]+\.ts$/.test(p)],
];

function layerOf(path: string): number {
  const index = LAYERS.findIndex(([, holds]) => holds(path));
  if (index < 0) throw new Error(`lib/${path} is in no layer: add its folder to LAYERS and to DESIGN.md`);
  return index;
}

function modulesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return modulesUnder(path);
    return entry.name.endsWith('.ts') ? [relative(LIB, path)] : [];
  });
}

const modules = modulesUnder(LIB).sort();
const known = new Set(modules);

/** The project modules one module imports (relative specifiers only: packages are not layers). */
function importsOf(path: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(LIB, path), 'utf8'), true, true);
  return (
    info.importedFiles
      .map((file) => file.fileName)
      // Data files (JSON) import nothing, so they are no layer of their own; a missing one is still an error.
      .filter((specifier) => specifier.startsWith('.'))
      .filter((specifier) => !(specifier.endsWith('.json') && existsSync(resolve(dirname(join(LIB, path)), specifier))))
      .map((specifier) => {
        const target = relative(LIB, resolve(dirname(join(LIB, path)), specifier));
        const candidate = [`${target}.ts`, join(target, 'index.ts'), target].find((c) => known.has(c));
        if (candidate === undefined) throw new Error(`lib/${path} imports ${specifier}, which is no module of lib/`);
        return candidate;
      })
  );
}

const graph = new Map(modules.map((path) => [path, importsOf(path)]));

/** Strongly connected components of more than one module, or a module importing itself (Tarjan). */
function cycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (edges.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the layering of lib/', () => {
  it('puts every module in a layer', () => {
    expect(modules.length).toBeGreaterThan(100);
    for (const path of modules) expect(() => layerOf(path)).not.toThrow();
  });

  it('has every import point down or stay in its layer: evaluate/ never reads graph/ or rules/', () => {
    const upward = [...graph].flatMap(([from, targets]) =>
      targets
        .filter((to) => layerOf(to) > layerOf(from))
        .map((to) => `${from} (${LAYERS[layerOf(from)][0]}) imports ${to} (${LAYERS[layerOf(to)][0]})`),
    );
    expect(upward).toEqual([]);
  });

  it('has no import cycle, type-only imports included', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a cycle and an upward import when there is one', () => {
    const edges = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['d.ts']],
      ['e.ts', ['a.ts']],
    ]);
    expect(cycles(edges)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['d.ts']]);
    expect(layerOf('audit/evaluate/evaluator.ts')).toBeLessThan(layerOf('audit/rules/full-admin.ts'));
    expect(layerOf('audit/graph/build.ts')).toBeLessThan(layerOf('audit/rules/full-admin.ts'));
  });
});
