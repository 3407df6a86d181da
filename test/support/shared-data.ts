// Test data from the shared/ folder that sits beside the project's root (../shared), wherever the
// checkout is: CI clones the project into another folder with a copy of shared/ next to it.
import { join } from 'node:path';

const SHARED_DATA = join(__dirname, '..', '..', '..', 'shared', 'data');

/** The Cloudsplaining example `get-account-authorization-details` file (see shared/data/README.md). */
export const CLOUDSPLAINING_AUTHZ = join(SHARED_DATA, 'cloudsplaining-example-authz.json');
