// Removes the run's temporary directory (global-setup.ts) once every suite has finished.
import { rmSync } from 'node:fs';
import { RUN_DIRECTORY_VARIABLE } from './global-setup';

export default function globalTeardown(): void {
  const run = process.env[RUN_DIRECTORY_VARIABLE];
  if (run) rmSync(run, { recursive: true, force: true });
}
