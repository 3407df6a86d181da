#!/usr/bin/env node
// Run by `npm run build` after tsc: extracts the resource types of the CloudFormation resource specification
// (@aws-cdk/aws-service-spec, the version cloudformation-diff loads) into the file lib/audit/sources/resource-spec.ts
// hands to the diff, so `leash check` does not load the whole database.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { extractResourceSpec, resourceSpecPath, specPackage } from '../lib/audit/sources/resource-spec';

const { source, databaseFile } = specPackage();
const file = extractResourceSpec(gunzipSync(readFileSync(databaseFile)).toString('utf8'), source);
const target = resourceSpecPath();
const temporary = `${target}.${process.pid}.tmp`;
const bytes = gzipSync(JSON.stringify(file));
writeFileSync(temporary, bytes);
renameSync(temporary, target);
const types = Object.keys((file.resource as { entities: object }).entities).length;
process.stdout.write(
  `CloudFormation resource types: ${types} from ${source}, ${(bytes.length / 1e6).toFixed(1)} MB, ${target}\n`,
);
