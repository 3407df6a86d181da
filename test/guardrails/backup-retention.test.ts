// A general modify call that can shorten automated backup retention (rds:ModifyDBInstance with
// BackupRetentionPeriod=0, redshift:ModifyCluster with a shorter AutomatedSnapshotRetentionPeriod...) deletes
// the backups outside the new window: the way back after a deletion. The production deny must stop it for
// everyone not exempt, while the same call on other resources stays open. Decided by the simulator.
import {
  proofPolicies,
  simulate,
  type Decision,
  type PrincipalKind,
  type ResourceState,
} from '../../bench/guardrail-proof';
import { loadCatalog } from '../../lib/catalog';
import { defaultGuardrailSpec, generateGuardrails, type GeneratedGuardrails } from '../../lib/guardrails';

const catalog = loadCatalog();
const spec = defaultGuardrailSpec();

let generated: GeneratedGuardrails;
beforeAll(() => {
  generated = generateGuardrails(spec, catalog);
});

const RETENTION_IN_MODIFY = [
  'rds:ModifyDBInstance',
  'rds:ModifyDBCluster',
  'redshift:ModifyCluster',
  'lightsail:UpdateRelationalDatabase',
  'elasticache:ModifyReplicationGroup',
  'elasticache:ModifyCacheCluster',
  'memorydb:UpdateCluster',
  'docdb-elastic:UpdateCluster',
  'fsx:UpdateFileSystem',
];
const STATES: [ResourceState, PrincipalKind, Decision][] = [
  ['production', 'ordinary', 'denied'],
  ['production', 'cloudformation', 'denied'],
  ['production', 'agent', 'denied'],
  ['production', 'exempt', 'allowed'],
  ['untagged', 'ordinary', 'allowed'],
];
const cases = RETENTION_IN_MODIFY.flatMap((name) => STATES.map(([r, p, d]) => [name, r, p, d] as const));

describe('shortening backup retention, decided by the simulator', () => {
  it.each(cases)('%s on a %s resource for the %s role is %s', (name, resource, principal, expected) => {
    const action = catalog.get(name);
    expect(action?.classes).toContain('tamper');
    const outcome = simulate(proofPolicies(generated), spec, { action: action!, resource, principal });
    expect(outcome).toEqual({ decision: expected });
  });
});
