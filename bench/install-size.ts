// Install size: what `npm install agent-leash` puts on disk for a CLI user (the package and its dependencies; the
// optional peers are not installed) and for a CDK library user (plus aws-cdk-lib and constructs), measured on this
// repository's node_modules, which holds the same versions the lockfile pins.
//   node dist/bench/install-size.js
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { benchOptions } from './options';

const ROOT = join(__dirname, '..', '..');

interface Manifest {
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

function directorySize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += directorySize(path);
    else if (entry.isFile()) total += lstatSync(path).size;
  }
  return total;
}

/** Where node would find `name` from a package in `from` (nested node_modules first, then up). */
function locate(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === ROOT || dirname(dir) === dir) return undefined;
  }
}

/** Every package directory a set of packages needs at run time (dependencies and optional ones present). */
function closure(names: readonly string[], from = ROOT): Map<string, number> {
  const seen = new Map<string, number>();
  const queue = names.map((name) => ({ name, from }));
  while (queue.length > 0) {
    const { name, from: base } = queue.pop() as { name: string; from: string };
    const dir = locate(name, base);
    if (!dir || seen.has(dir)) continue;
    // Nested node_modules are counted with their own packages, not twice.
    seen.set(
      dir,
      directorySize(dir) - (existsSync(join(dir, 'node_modules')) ? directorySize(join(dir, 'node_modules')) : 0),
    );
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
    for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      queue.push({ name: dependency, from: dir });
    }
  }
  return seen;
}

const mib = (bytes: number) => Number((bytes / 1024 / 1024).toFixed(1));
const sum = (sizes: Map<string, number>) => [...sizes.values()].reduce((a, b) => a + b, 0);

function packageSize(): { tarball: number; unpacked: number; files: number } {
  const dir = mkdtempSync(join(tmpdir(), 'leash-size-'));
  try {
    const output = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const [result] = JSON.parse(output) as { size: number; unpackedSize: number; entryCount: number }[];
    return { tarball: result.size, unpacked: result.unpackedSize, files: result.entryCount };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

benchOptions('node dist/bench/install-size.js (no options)', {});
const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const pack = packageSize();
const cli = closure(Object.keys(own.dependencies ?? {}));
const library = closure([...Object.keys(own.dependencies ?? {}), 'aws-cdk-lib', 'constructs']);
const cdk = closure(['aws-cdk-lib', 'constructs']);
const largest = [...cli.entries()]
  .sort((a, b) => b[1] - a[1])
  .slice(0, 8)
  .map(([dir, size]) => ({ package: dir.slice(dir.lastIndexOf('node_modules/') + 13), mib: mib(size) }));
console.log(
  JSON.stringify(
    {
      package: { tarballKiB: Math.round(pack.tarball / 1024), unpackedMiB: mib(pack.unpacked), files: pack.files },
      cliOnly: { packages: cli.size + 1, mib: mib(sum(cli) + pack.unpacked) },
      withCdk: { packages: library.size + 1, mib: mib(sum(library) + pack.unpacked) },
      cdkAlone: { packages: cdk.size, mib: mib(sum(cdk)) },
      largestOfCli: largest,
    },
    null,
    2,
  ),
);
