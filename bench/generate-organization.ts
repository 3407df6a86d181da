// A synthetic organization for the organization benchmark and tests: accounts made by generate-account.ts
// (each its own roles, users and customer managed policies, the same AWS managed policies), all under one
// SCP / RCP chain (root, one OU, the account), the way a landing zone places the leash guardrails.
import { parseAuthorizationDetails } from '../lib/audit/sources/authorization-details';
import type { AccountSnapshot, OrganizationPolicyLevel } from '../lib/audit/sources/snapshot';
import type { Catalog } from '../lib/catalog/types';
import { generateAccount } from './generate-account';

export interface GenerateOrganizationOptions {
  /** @default 200 */
  readonly accounts?: number;
  /** Roles per account. @default 20 */
  readonly roles?: number;
  /** Customer managed policies per account. @default 10 */
  readonly customerManagedPolicies?: number;
  /** Users per account. @default 5 */
  readonly users?: number;
  /** SCP documents attached at the root (beside FullAWSAccess). @default none */
  readonly rootScps?: readonly unknown[];
  /** RCP documents attached at the root. @default none */
  readonly rootRcps?: readonly unknown[];
}

const FULL_ACCESS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

function chain(accountId: string, kind: 'scp' | 'rcp', rootDocuments: readonly unknown[]): OrganizationPolicyLevel[] {
  const full = { name: kind === 'scp' ? 'FullAWSAccess' : 'RCPFullAWSAccess', document: FULL_ACCESS };
  return [
    {
      kind: 'root',
      id: 'r-ab12',
      name: 'Root',
      policies: [
        full,
        ...rootDocuments.map((document, i) => ({
          name: `leash-${kind}-${i + 1}`,
          arn: `arn:aws:organizations::999988887777:policy/o-ab12cd34ef/${kind === 'scp' ? 'service' : 'resource'}_control_policy/p-${kind}${i + 1}`,
          document,
        })),
      ],
    },
    { kind: 'ou', id: 'ou-ab12-workload1', name: 'Workloads', policies: [full] },
    { kind: 'account', id: accountId, policies: [full] },
  ];
}

/** The organization's member accounts as snapshots, organization policies known. */
export function generateOrganization(catalog: Catalog, options: GenerateOrganizationOptions = {}): AccountSnapshot[] {
  const count = options.accounts ?? 200;
  return Array.from({ length: count }, (_, i) => {
    const accountId = String(100000000000 + i * 7919).padStart(12, '0');
    const details = generateAccount(catalog, {
      roles: options.roles ?? 20,
      customerManagedPolicies: options.customerManagedPolicies ?? 10,
      users: options.users ?? 5,
      seed: i + 1,
      accountId,
    });
    return {
      ...parseAuthorizationDetails(details, `account-${accountId}.json`),
      serviceControlPolicies: chain(accountId, 'scp', options.rootScps ?? []),
      resourceControlPolicies: chain(accountId, 'rcp', options.rootRcps ?? []),
      organizationPoliciesKnown: true,
    };
  });
}
