// The tags of the resources a live account's policies name by ARN (tag:GetResources): a grant on the ARN of a
// resource tagged production is a certain write and deletion, not one that depends on the resource; a resource
// GetResources does not return, or a call that fails, leaves it as it was (depends), and a failure is a problem.
import { auditAccount } from '../../../lib/audit/audit';
import type { Finding } from '../../../lib/audit/findings';
import { loadLiveInput } from '../../../lib/audit/sources/live-input';
import {
  MAX_NAMED_RESOURCES,
  MIN_NAMED_RESOURCES,
  namedResourceLimit,
  namedResources,
  PRINCIPAL_RESOURCE_BUDGET,
} from '../../../lib/audit/sources/named-resources';
import { AccountSnapshot } from '../../../lib/audit/sources/snapshot';
import { loadCatalog } from '../../../lib/catalog';
import { useAwsMock } from '../../support/aws-mock/harness';
import { credentialsFor, type MockWorld } from '../../support/aws-mock/model';

const aws = useAwsMock();

const ACCOUNT = '999999999999';
const ORDERS = 'arn:aws:s3:::prod-orders';
const SCRATCH = 'arn:aws:s3:::scratch';
const TABLE = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders`;
const agentArn = `arn:aws:iam::${ACCOUNT}:role/agent`;

/** One agent role that may delete two named buckets and a named table, and nothing else. */
function world(
  resourceTags: { arn: string; region: string; tags: Record<string, string> }[],
  untaggable: string[] = [],
): MockWorld {
  return {
    accounts: [
      {
        id: ACCOUNT,
        name: 'standalone',
        iam: {
          roles: [
            {
              name: 'agent',
              trust: {
                Version: '2012-10-17',
                Statement: [
                  { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' },
                ],
              },
              tags: { 'leash:agent': 'true' },
              inline: {
                cleanup: {
                  Version: '2012-10-17',
                  Statement: [
                    { Effect: 'Allow', Action: 's3:DeleteBucket', Resource: [ORDERS, SCRATCH] },
                    { Effect: 'Allow', Action: 'dynamodb:DeleteTable', Resource: TABLE },
                  ],
                },
              },
            },
          ],
        },
        compute: {
          buckets: [
            { name: 'prod-orders', region: 'us-east-1' },
            { name: 'scratch', region: 'eu-west-1' },
          ],
          resourceTags,
          untaggable,
        },
      },
    ],
  };
}

async function readAccount(
  resourceTags: Parameters<typeof world>[0],
  options: Parameters<typeof aws.serve>[0] = {},
  untaggable: string[] = [],
): Promise<AccountSnapshot> {
  const endpoints = await aws.serve(options, world(resourceTags, untaggable));
  const { accounts } = await loadLiveInput({ endpoints, credentials: credentialsFor(ACCOUNT), maxAttempts: 2 });
  return accounts[0];
}

const agentFinding = (findings: readonly Finding[], ruleId: string) =>
  findings.find((f) => f.ruleId === ruleId && f.principalArn === agentArn && !f.details?.transitive);

describe('live tags of the resources the policies name', () => {
  it('asks each named resource in its own region, and makes a grant on a production one certain', async () => {
    const account = await readAccount([
      { arn: ORDERS, region: 'us-east-1', tags: { Environment: 'production', team: 'orders' } },
      { arn: SCRATCH, region: 'eu-west-1', tags: { environment: 'dev' } },
    ]);
    expect(AccountSnapshot.parse(account)).toEqual(account);
    expect(account.resources).toEqual([
      { arn: ORDERS, tags: { Environment: 'production', team: 'orders' } },
      { arn: SCRATCH, tags: { environment: 'dev' } },
    ]);
    // One call per region, each with only the ARNs of that region (the bucket's region from the bucket list).
    const asked = aws.mock.calls
      .filter((c) => c.service === 'tag')
      .map((c) => [c.region, c.params.ResourceARNList])
      .sort();
    expect(asked).toEqual([
      ['eu-west-1', [TABLE, SCRATCH]],
      ['us-east-1', [ORDERS]],
    ]);
    const { findings } = auditAccount(account, { catalog: loadCatalog() });
    // The production bucket is named: deleting it is certain (critical), no longer "depending on the resource".
    const deletion = agentFinding(findings, 'can-delete-production');
    expect(deletion).toMatchObject({ severity: 'critical' });
    expect(deletion?.details?.allowed).toContain('s3:DeleteBucket');
    const write = agentFinding(findings, 'agent-can-write-production');
    expect(write).toMatchObject({ severity: 'critical' });
    expect(write?.details?.allowed).toEqual(expect.arrayContaining(['s3:DeleteBucket']));
  });

  it('leaves a grant on a resource GetResources does not return depending on the resource', async () => {
    // The table was never tagged: GetResources does not return it, so its tags are unknown (not "untagged").
    const account = await readAccount([]);
    expect(account.resources).toBeUndefined();
    expect(account.problems).toEqual([]);
    const { findings } = auditAccount(account, { catalog: loadCatalog() });
    const write = agentFinding(findings, 'agent-can-write-production');
    expect(write?.severity).toBe('high');
    expect(write?.details?.allowed ?? []).not.toContain('s3:DeleteBucket');
    expect(write?.details?.depends).toEqual(expect.arrayContaining(['s3:DeleteBucket', 'dynamodb:DeleteTable']));
  });

  it('reports a denied tag:GetResources as a problem naming the resources, and the audit still runs', async () => {
    const account = await readAccount([{ arn: ORDERS, region: 'us-east-1', tags: { environment: 'production' } }], {
      faults: [{ kind: 'access-denied', operation: 'GetResources', region: 'us-east-1' }],
    });
    expect(account.resources).toBeUndefined();
    expect(account.problems).toEqual([
      {
        where: `tag:GetResources (${ACCOUNT}, us-east-1)`,
        message: expect.stringMatching(
          /^AccessDeniedException: .*the tags of 1 resource\(s\) the policies name are unknown \(arn:aws:s3:::prod-orders\)/,
        ),
      },
    ]);
    const { findings } = auditAccount(account, { catalog: loadCatalog() });
    expect(agentFinding(findings, 'agent-can-write-production')?.details?.depends).toContain('s3:DeleteBucket');
  });
  it('asks again in halves when one ARN makes the service refuse the call, leaving only that one unknown', async () => {
    const account = await readAccount(
      [
        { arn: ORDERS, region: 'us-east-1', tags: { environment: 'production' } },
        { arn: TABLE, region: 'eu-west-1', tags: { environment: 'production' } },
      ],
      {},
      [SCRATCH],
    );
    expect(account.resources?.map((r) => r.arn)).toEqual([TABLE, ORDERS]);
    expect(account.problems).toEqual([
      {
        where: `tag:GetResources (${ACCOUNT}, eu-west-1)`,
        message: expect.stringMatching(
          /^InvalidParameterException: .*the tags of 1 resource\(s\) the policies name are unknown \(arn:aws:s3:::scratch\)/,
        ),
      },
    ]);
    expect(aws.mock.calls.filter((c) => c.service === 'tag' && c.region === 'eu-west-1')).toHaveLength(3);
  });
});

describe('namedResources', () => {
  const snapshot = (documents: unknown[]) =>
    AccountSnapshot.parse({
      schemaVersion: 1,
      accountId: ACCOUNT,
      source: { kind: 'live', location: 'test' },
      principals: [
        {
          kind: 'role',
          arn: agentArn,
          name: 'agent',
          inlinePolicies: documents.map((document, i) => ({ name: `p${i}`, document })),
        },
      ],
      managedPolicies: [],
    });
  const doc = (...resources: unknown[]) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: resources }],
  });

  it('takes literal ARNs of this account in enabled regions, and buckets in their listed region', () => {
    const named = namedResources(
      snapshot([
        doc(
          TABLE,
          `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/app-*`,
          `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/\${aws:username}`,
          'arn:aws:dynamodb:eu-west-1:111122223333:table/theirs',
          `arn:aws:dynamodb:ap-south-2:${ACCOUNT}:table/not-enabled`,
          `arn:aws:iam::${ACCOUNT}:role/agent`,
          `${ORDERS}/invoices/1.pdf`,
          ORDERS,
          'arn:aws:s3:::not-ours',
          '*',
          42,
        ),
        'not a document',
      ]),
      [{ name: 'bucket policy', resourceArns: [SCRATCH, `${SCRATCH}/*`], document: {} }],
      ['eu-west-1', 'us-east-1'],
      { [ORDERS]: 'us-east-1', [SCRATCH]: 'eu-west-1' },
    );
    expect([...named.byRegion]).toEqual([
      ['eu-west-1', [TABLE, SCRATCH]],
      ['us-east-1', [ORDERS]],
    ]);
    expect(named.leftOut).toBe(0);
  });

  it('asks fewer resources the more principals there are, resource-policy ones first, and counts the rest', () => {
    expect(namedResourceLimit(1)).toBe(MAX_NAMED_RESOURCES);
    expect(namedResourceLimit(1000)).toBe(PRINCIPAL_RESOURCE_BUDGET / 1000);
    expect(namedResourceLimit(1_000_000)).toBe(MIN_NAMED_RESOURCES);
    const tables = Array.from(
      { length: MAX_NAMED_RESOURCES + 7 },
      (_, i) => `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/t${i}`,
    );
    const named = namedResources(snapshot([doc(...tables)]), [], ['eu-west-1'], {});
    expect(named.byRegion.get('eu-west-1')).toHaveLength(MAX_NAMED_RESOURCES);
    expect(named.leftOut).toBe(7);
    // A thousand principals: the key a policy governs is kept; named tables fill the rest.
    const many = snapshot([doc(...tables.slice(0, 300))]);
    const crowded = { ...many, principals: Array.from({ length: 1000 }, () => many.principals[0]) };
    const key = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/k1`;
    const limited = namedResources(
      crowded,
      [{ name: 'key policy', resourceArns: [key], document: {} }],
      ['eu-west-1'],
      {},
    );
    expect(limited.byRegion.get('eu-west-1')).toHaveLength(200);
    expect(limited.byRegion.get('eu-west-1')).toContain(key);
    expect(limited.leftOut).toBe(101);
  });
});
