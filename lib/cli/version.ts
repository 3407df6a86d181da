// The tool's own version, from its package.json, for `leash --version` and the reports' tool block.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let version: string | undefined;

export function toolVersion(): string {
  if (version !== undefined) return version;
  // Sources run from lib/cli, the build from dist/lib/cli: package.json is two or three levels up.
  for (const file of [join(__dirname, '..', '..', 'package.json'), join(__dirname, '..', '..', '..', 'package.json')]) {
    try {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'agent-leash' && typeof manifest.version === 'string') return (version = manifest.version);
    } catch {
      // not here; try the next
    }
  }
  return (version = '0.0.0');
}
