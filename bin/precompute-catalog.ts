#!/usr/bin/env node
// Run by `npm run build` after tsc: writes the precomputed catalog beside the compiled catalog modules, so
// the file always matches the code and data it was built from (loadCatalog() checks its fingerprint).
import { writePrecomputedCatalog } from '../lib/catalog/precomputed';

const written = writePrecomputedCatalog();
process.stdout.write(
  `precomputed catalog: ${written.actions} actions, ${(written.bytes / 1024 / 1024).toFixed(1)} MB, ${written.file}\n`,
);
