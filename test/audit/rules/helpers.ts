// Small accounts for rule specifications: principals described in a line or two, run through auditAccount
// with just the rule under test.
import { auditAccount } from '../../../lib/audit/audit';
import type { Finding, Rule } from '../../../lib/audit/rules/types';
import { AccountSnapshot, type OrganizationPolicyLevel, type Principal } from '../../../lib/audit/sources/snapshot';
import { loadCatalog } from '../../../lib/catalog';
import { LeashConfig } from '../../../lib/config/schema';

export const ACCOUNT = '111122223333';
export const catalog = loadCatalog();

export const doc = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });
export const allow = (Action: string | string[], Resource: string | string[] = '*', extra: object = {}) => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...extra,
});
export const deny = (Action: string | string[], Resource: string | string[] = '*', extra: object = {}) => ({
  Effect: 'Deny',
  Action,
  Resource,
  ...extra,
});

export interface PrincipalSpec {
  readonly name: string;
  readonly kind?: 'role' | 'user' | 'group';
  /** Inline identity policy documents. */
  readonly policies?: readonly unknown[];
  readonly managed?: readonly string[];
  readonly boundary?: string;
  readonly trust?: unknown;
  readonly tags?: Record<string, string>;
  readonly groups?: readonly string[];
  readonly path?: string;
  /** AWS's unique id (RoleId, UserId): the value of aws:userid. */
  readonly uniqueId?: string;
}

export interface AccountSpec {
  readonly principals: readonly PrincipalSpec[];
  /** Customer managed policies by name. */
  readonly managed?: Record<string, unknown>;
  readonly scps?: readonly OrganizationPolicyLevel[];
  /** The account's organization (AccountSnapshot.organizationId). */
  readonly organizationId?: string;
  /** Resources known by ARN, with their tags (AccountSnapshot.resources). */
  readonly resources?: readonly { arn: string; tags: Record<string, string> }[];
  /** Resource policies (AccountSnapshot.resourcePolicies). */
  readonly resourcePolicies?: readonly { name: string; resourceArns: string[]; document: unknown }[];
}

export const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
export const policyArn = (name: string) => `arn:aws:iam::${ACCOUNT}:policy/${name}`;
export const serviceTrust = (service: string) =>
  doc({ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' });

export function snapshot(spec: AccountSpec): AccountSnapshot {
  const principals: Principal[] = spec.principals.map((p) => {
    const kind = p.kind ?? 'role';
    const path = p.path ?? '/';
    return {
      kind,
      arn: `arn:aws:iam::${ACCOUNT}:${kind}${path}${p.name}`,
      name: p.name,
      ...(p.uniqueId === undefined ? {} : { uniqueId: p.uniqueId }),
      path,
      tags: p.tags ?? {},
      trustPolicy: kind === 'role' ? (p.trust ?? serviceTrust('lambda.amazonaws.com')) : undefined,
      inlinePolicies: (p.policies ?? []).map((document, i) => ({ name: `${p.name}-inline-${i}`, document })),
      managedPolicyArns: (p.managed ?? []).map(policyArn),
      permissionsBoundaryArn: p.boundary ? policyArn(p.boundary) : undefined,
      groups: [...(p.groups ?? [])],
      serviceLinked: path.startsWith('/aws-service-role/'),
    };
  });
  return AccountSnapshot.parse({
    schemaVersion: 1,
    accountId: ACCOUNT,
    source: { kind: 'authorization-details', location: 'test' },
    principals,
    managedPolicies: Object.entries(spec.managed ?? {}).map(([name, document]) => ({
      arn: policyArn(name),
      name,
      document,
      awsManaged: false,
    })),
    serviceControlPolicies: spec.scps ?? [],
    organizationPoliciesKnown: spec.scps !== undefined,
    ...(spec.organizationId ? { organizationId: spec.organizationId } : {}),
    ...(spec.resources ? { resources: spec.resources } : {}),
    ...(spec.resourcePolicies ? { resourcePolicies: spec.resourcePolicies } : {}),
  });
}

export function run(rule: Rule | readonly Rule[], spec: AccountSpec, config: unknown = {}): Finding[] {
  const rules = Array.isArray(rule) ? rule : [rule as Rule];
  return [...auditAccount(snapshot(spec), { catalog, rules, config: LeashConfig.parse(config) }).findings];
}

/** Findings about one principal (by name). */
export function about(findings: readonly Finding[], name: string): Finding[] {
  return findings.filter((f) => f.principalArn?.endsWith(`/${name}`));
}

export const FULL_ACCESS_LEVEL = (policies: { name: string; document: unknown }[] = []): OrganizationPolicyLevel => ({
  kind: 'root',
  id: 'r-test',
  policies: [{ name: 'FullAWSAccess', document: doc(allow('*')) }, ...policies],
});

/**
 * A region deny SCP level (Control Tower's kind): every request outside eu-west-1 and us-east-1 denied, IAM and
 * STS (global services) exempt. Its policy is named `regions`.
 */
export const REGION_DENY_LEVEL = (): OrganizationPolicyLevel =>
  FULL_ACCESS_LEVEL([
    {
      name: 'regions',
      document: doc({
        Effect: 'Deny',
        NotAction: ['iam:*', 'sts:*'],
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } },
      }),
    },
  ]);
