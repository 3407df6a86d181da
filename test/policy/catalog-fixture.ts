// A small in-memory Catalog for policy tests: real action names, our own Catalog implementation.
import type { Catalog, CatalogAction } from '../../lib/catalog/types';

const ACTIONS: Record<string, readonly string[]> = {
  ec2: [
    'DeleteVolume',
    'DeleteSnapshot',
    'DeleteSecurityGroup',
    'DescribeInstances',
    'DescribeVolumes',
    'RunInstances',
    'StartInstances',
    'StopInstances',
    'TerminateInstances',
    'CreateTags',
    'DeleteTags',
  ],
  s3: [
    'GetObject',
    'PutObject',
    'DeleteObject',
    'DeleteObjectVersion',
    'DeleteBucket',
    'ListBucket',
    'GetBucketPolicy',
  ],
  rds: [
    'DeleteDBInstance',
    'DeleteDBCluster',
    'DescribeDBInstances',
    'RestoreDBInstanceFromDBSnapshot',
    'ModifyDBInstance',
  ],
  iam: [
    'CreateRole',
    'DeleteRole',
    'PassRole',
    'PutRolePermissionsBoundary',
    'DeleteRolePermissionsBoundary',
    'GetRole',
  ],
  sts: [
    'AssumeRole',
    'AssumeRoleWithSAML',
    'AssumeRoleWithWebIdentity',
    'TagSession',
    'SetSourceIdentity',
    'SetContext',
    'GetCallerIdentity',
  ],
  dynamodb: ['DeleteTable', 'DeleteBackup', 'GetItem', 'PutItem', 'Query'],
  kms: ['ScheduleKeyDeletion', 'Decrypt', 'Encrypt', 'DisableKey'],
  lambda: ['DeleteFunction', 'InvokeFunction', 'UpdateFunctionCode'],
};

function catalogAction(service: string, name: string): CatalogAction {
  return {
    action: `${service}:${name}`,
    service,
    name,
    accessLevel: name.startsWith('Describe') || name.startsWith('Get') || name.startsWith('List') ? 'Read' : 'Write',
    resourceTypes: [],
    conditionKeys: [],
    isWildcardOnly: false,
    tagAware: false,
    tagSupport: 'none',
    classes: name.startsWith('Delete') ? ['delete'] : [],
    classReasons: [],
  };
}

export function testCatalog(actions: Record<string, readonly string[]> = ACTIONS): Catalog {
  const all = Object.entries(actions).flatMap(([service, names]) => names.map((name) => catalogAction(service, name)));
  const byName = new Map(all.map((a) => [a.action.toLowerCase(), a]));
  const byService = new Map<string, CatalogAction[]>();
  for (const a of all) byService.set(a.service, [...(byService.get(a.service) ?? []), a]);
  return {
    dataVersion: 'test-fixture',
    actions: all,
    services: [...byService.keys()].sort(),
    rcpServices: new Set(['s3', 'sts', 'kms', 'dynamodb']),
    get: (action) => byName.get(action.toLowerCase()),
    serviceActions: (service) => byService.get(service.toLowerCase()) ?? [],
    hasService: (service) => byService.has(service.toLowerCase()),
    destructive: all.filter((a) => a.classes.length > 0),
  };
}
