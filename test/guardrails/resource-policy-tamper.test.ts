// A resource-based policy can hold the Deny that keeps a production resource safe (a bucket policy that lets
// only the pipeline delete objects, a vault or secret policy that forbids deletion). Deleting or overwriting
// it takes that Deny away one call before the delete, so the production deny must stop it for everyone not
// exempt, while the same call on other resources stays open. Decided by the simulator.
import { catalog, defaultGuardrails, PRODUCTION_DENY_STATES, simulatedDecision } from './simulated-defaults';

const guardrails = defaultGuardrails();

const RESOURCE_POLICY_EDITS = [
  's3:DeleteBucketPolicy',
  's3:PutBucketPolicy',
  's3:DeleteAccessPointPolicy',
  'dynamodb:DeleteResourcePolicy',
  'dynamodb:PutResourcePolicy',
  'secretsmanager:DeleteResourcePolicy',
  'secretsmanager:PutResourcePolicy',
  'ecr:DeleteRepositoryPolicy',
  'ecr:SetRepositoryPolicy',
  'elasticfilesystem:DeleteFileSystemPolicy',
  'glue:DeleteResourcePolicy',
  'kinesis:PutResourcePolicy',
  'lambda:DeleteResourcePolicy',
  'backup:DeleteBackupVaultAccessPolicy',
];
const cases = RESOURCE_POLICY_EDITS.flatMap((name) =>
  PRODUCTION_DENY_STATES.map(([r, p, d]) => [name, r, p, d] as const),
);

describe('deleting or overwriting a resource-based policy, decided by the simulator', () => {
  it.each(cases)('%s on a %s resource for the %s role is %s', (name, resource, principal, expected) => {
    expect(catalog.get(name)?.classes).toContain('tamper');
    expect(simulatedDecision(guardrails(), name, resource, principal)).toEqual({ decision: expected });
  });

  it('reports each of them as protected for everyone', () => {
    const byAction = new Map(guardrails().coverage.actions.map((entry) => [entry.action, entry]));
    const unprotected = RESOURCE_POLICY_EDITS.filter((name) => !byAction.get(name)?.protectedForEveryone);
    expect(unprotected).toEqual([]);
  });
});
