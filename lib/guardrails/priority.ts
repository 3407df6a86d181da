// What the SCP packer keeps first when everything does not fit: losing data is worse than losing a
// configuration, and a configuration is worse to lose than a permission that can be granted again.
import type { CatalogAction } from '../catalog/types';

/**
 * Services whose resources hold data or state that cannot be recreated from code: databases, storage,
 * keys and secrets, backups, queues and streams, logs, DNS, and CloudFormation stacks (deleting a stack
 * deletes everything in it).
 */
export const STATEFUL_SERVICES: ReadonlySet<string> = new Set([
  'aoss',
  'backup',
  'cassandra',
  'cloudformation',
  'cognito-idp',
  'dax',
  'docdb-elastic',
  'dsql',
  'dynamodb',
  'ebs',
  'ec2',
  'ecr',
  'elasticache',
  'elasticfilesystem',
  'es',
  'firehose',
  'fsx',
  'glacier',
  'glue',
  'kafka',
  'kinesis',
  'kms',
  'lightsail',
  'logs',
  'memorydb',
  'neptune-db',
  'qldb',
  'rds',
  'redshift',
  'redshift-serverless',
  'route53',
  's3',
  's3express',
  'secretsmanager',
  'sqs',
  'ssm',
  'storagegateway',
  'timestream',
]);

/** Tiers in the order the packer keeps them; lower numbers survive first. */
export const TIER = {
  /** delete / recreate of stateful data. */
  statefulDeleteOrRecreate: 1,
  /** The SCP agent layer (holds if a boundary is stripped). */
  agentLayer: 2,
  /** delete / recreate anywhere else. */
  otherDeleteOrRecreate: 3,
  tamper: 4,
  escalate: 5,
  /**
   * The MCP layer's deny of writes whose targets the request does not name: it has no guard statement to
   * ride on, so it is a statement of its own, and the first to give way (reported) when the SCPs are full.
   */
  mcpUnnamedTargets: 16,
} as const;

export const TIER_NAMES: Readonly<Record<number, string>> = {
  1: 'delete/recreate of stateful data',
  2: 'agent layer',
  3: 'delete/recreate of other resources',
  4: 'tamper',
  5: 'escalate',
  11: 'agent: resources tagged both production and non-production (stateful data)',
  12: 'agent: resources tagged both production and non-production (agent layer)',
  13: 'agent: resources tagged both production and non-production (other resources)',
  14: 'agent: resources tagged both production and non-production (tamper)',
  15: 'agent: resources tagged both production and non-production (escalate)',
  16: 'agent, MCP layer: writes whose targets the request does not name',
};

/** Tier of one destructive action for the production deny. */
export function actionTier(action: CatalogAction): number {
  if (action.classes.includes('delete') || action.classes.includes('recreate')) {
    return STATEFUL_SERVICES.has(action.service) ? TIER.statefulDeleteOrRecreate : TIER.otherDeleteOrRecreate;
  }
  if (action.classes.includes('tamper')) return TIER.tamper;
  return TIER.escalate;
}
