// Small builders of AccountSnapshot objects for evaluator tests and benchmarks.
import { AccountSnapshot, type Principal } from '../../../lib/audit/sources/snapshot';

export const ACCOUNT = '111122223333';

export type Statement = Record<string, unknown>;

export function policy(...statements: Statement[]): { Version: string; Statement: Statement[] } {
  return { Version: '2012-10-17', Statement: statements };
}

export function allow(action: string | string[], resource: string | string[] = '*', extra: Statement = {}): Statement {
  return { Effect: 'Allow', Action: action, Resource: resource, ...extra };
}

export function deny(action: string | string[], resource: string | string[] = '*', extra: Statement = {}): Statement {
  return { Effect: 'Deny', Action: action, Resource: resource, ...extra };
}

export interface PrincipalSpec {
  kind?: 'role' | 'user' | 'group';
  inline?: Record<string, unknown>;
  managed?: string[];
  boundary?: string;
  tags?: Record<string, string>;
  groups?: string[];
  serviceLinked?: boolean;
}

export function principal(name: string, spec: PrincipalSpec = {}): Principal {
  const kind = spec.kind ?? 'role';
  return {
    kind,
    name,
    arn: `arn:aws:iam::${ACCOUNT}:${kind}/${name}`,
    path: '/',
    tags: spec.tags ?? {},
    inlinePolicies: Object.entries(spec.inline ?? {}).map(([policyName, document]) => ({ name: policyName, document })),
    managedPolicyArns: spec.managed ?? [],
    permissionsBoundaryArn: spec.boundary,
    groups: spec.groups ?? [],
    serviceLinked: spec.serviceLinked ?? false,
  };
}

export function managedArn(name: string): string {
  return `arn:aws:iam::${ACCOUNT}:policy/${name}`;
}

export interface SnapshotSpec {
  principals: Principal[];
  managed?: Record<string, unknown>;
  /** SCP levels from the root down; each level a map of policy name to document. */
  scps?: Record<string, unknown>[];
  rcps?: Record<string, unknown>[];
  organizationPoliciesKnown?: boolean;
  isManagementAccount?: boolean;
}

function levels(specs: Record<string, unknown>[] | undefined): AccountSnapshot['serviceControlPolicies'] {
  return (specs ?? []).map((policies, index, all) => ({
    kind: index === 0 ? 'root' : index === all.length - 1 ? 'account' : 'ou',
    id: index === 0 ? 'r-root' : index === all.length - 1 ? ACCOUNT : `ou-${index}`,
    policies: Object.entries(policies).map(([name, document]) => ({ name, arn: `p-${name}`, document })),
  }));
}

export function snapshot(spec: SnapshotSpec): AccountSnapshot {
  return AccountSnapshot.parse({
    schemaVersion: 1,
    accountId: ACCOUNT,
    source: { kind: 'authorization-details', location: 'test' },
    principals: spec.principals,
    managedPolicies: Object.entries(spec.managed ?? {}).map(([name, document]) => ({
      arn: managedArn(name),
      name,
      document,
      awsManaged: false,
    })),
    serviceControlPolicies: levels(spec.scps),
    resourceControlPolicies: levels(spec.rcps),
    organizationPoliciesKnown: spec.organizationPoliciesKnown ?? (spec.scps !== undefined || spec.rcps !== undefined),
    isManagementAccount: spec.isManagementAccount ?? false,
  });
}

/** The SCP every level carries by default. */
export const FULL_AWS_ACCESS = policy(allow('*'));
