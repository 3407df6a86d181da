// A general modify call that can shorten automated backup retention (rds:ModifyDBInstance with
// BackupRetentionPeriod=0, redshift:ModifyCluster with a shorter AutomatedSnapshotRetentionPeriod...) deletes
// the backups outside the new window: the way back after a deletion. The production deny must stop it for
// everyone not exempt, while the same call on other resources stays open. Decided by the simulator.
import { catalog, defaultGuardrails, PRODUCTION_DENY_STATES, simulatedDecision } from './simulated-defaults';

const guardrails = defaultGuardrails();

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
const cases = RETENTION_IN_MODIFY.flatMap((name) =>
  PRODUCTION_DENY_STATES.map(([r, p, d]) => [name, r, p, d] as const),
);

describe('shortening backup retention, decided by the simulator', () => {
  it.each(cases)('%s on a %s resource for the %s role is %s', (name, resource, principal, expected) => {
    const action = catalog.get(name);
    expect(action?.classes).toContain('tamper');
    const outcome = simulatedDecision(guardrails(), name, resource, principal);
    expect(outcome).toEqual({ decision: expected });
  });
});
