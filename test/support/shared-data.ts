// Third-party test data vendored into test/fixtures/ (with its source and licence), so a clone anywhere
// passes its tests with nothing beside it.
import { join } from 'node:path';

const FIXTURES = join(__dirname, '..', 'fixtures');

/** The Cloudsplaining example `get-account-authorization-details` file (see test/fixtures/cloudsplaining/README.md). */
export const CLOUDSPLAINING_AUTHZ = join(FIXTURES, 'cloudsplaining', 'example-authz.json');
