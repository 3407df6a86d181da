import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectInputFormat, loadAuditInput, loadOrganizationPolicies } from '../../../lib/audit/sources';
import { AccountSnapshot, OrganizationSnapshot } from '../../../lib/audit/sources/snapshot';
import { InputError } from '../../../lib/util/read-input';
import { lenientObjectPaths } from '../../../lib/util/strict-object';

const dir = mkdtempSync(join(tmpdir(), 'leash-sources-'));
const write = (name: string, value: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};
const EXAMPLE = 'examples/example-account/authorization-details.json';
const denyDoc = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Action: 'rds:DeleteDBInstance', Resource: '*' }],
};
const accountSnapshot = {
  schemaVersion: 1,
  accountId: '444455556666',
  source: { kind: 'live', location: 'live' },
  principals: [],
  managedPolicies: [],
};

describe('detectInputFormat', () => {
  it.each([
    [{ RoleDetailList: [] }, 'authorization-details'],
    [accountSnapshot, 'account-snapshot'],
    [{ schemaVersion: 1, kind: 'organization', accounts: [] }, 'organization-snapshot'],
  ])('recognises %j', (value, format) => {
    expect(detectInputFormat(value, 'f.json')).toBe(format);
  });

  it('names the file and the formats it expected', () => {
    expect(() => detectInputFormat([], 'odd.json')).toThrow(/odd\.json: not a recognised input/);
  });
});

describe('loadOrganizationPolicies', () => {
  it('puts single documents at the root next to FullAWSAccess', () => {
    const levels = loadOrganizationPolicies([write('deny-rds.json', denyDoc)], 'scp');
    expect(levels).toHaveLength(1);
    expect(levels[0].policies.map((p) => p.name)).toEqual(['FullAWSAccess', 'deny-rds']);
  });

  it('takes a chain of levels as written, filling in FullAWSAccess', () => {
    const file = write('chain.json', [
      { kind: 'root', id: 'r-1', policies: [{ name: 'FullAWSAccess' }] },
      { kind: 'ou', id: 'ou-1-abcdefgh', policies: [{ name: 'FullAWSAccess' }, { name: 'deny', document: denyDoc }] },
    ]);
    const levels = loadOrganizationPolicies([file], 'scp');
    expect(levels.map((l) => l.kind)).toEqual(['root', 'ou']);
    expect(levels[0].policies[0].document).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
  });

  it('rejects a level policy without a document, with its JSON path', () => {
    const file = write('bad-chain.json', [{ kind: 'root', id: 'r-1', policies: [{ name: 'custom' }] }]);
    expect(() => loadOrganizationPolicies([file], 'scp')).toThrow(/\[0\]\.policies\[0\]\.document/);
  });

  it('rejects mixing a chain with single documents', () => {
    const chain = write('c.json', [{ kind: 'root', id: 'r', policies: [{ name: 'FullAWSAccess' }] }]);
    expect(() => loadOrganizationPolicies([chain, write('d.json', denyDoc)], 'scp')).toThrow(InputError);
  });

  it('rejects a chain level of an unknown kind', () => {
    const file = write('kind.json', [{ kind: 'galaxy', id: 'x', policies: [] }]);
    expect(() => loadOrganizationPolicies([file], 'scp')).toThrow(/kind\.json: \[0\]\.kind/);
  });

  describe('aws organizations describe-policy output', () => {
    const described = (type: string, content: unknown) => ({
      Policy: {
        PolicySummary: {
          Id: 'p-abcd1234',
          Arn: 'arn:aws:organizations::111111111111:policy/o-abcdefghij/service_control_policy/p-abcd1234',
          Name: 'deny-prod-delete',
          Type: type,
          AwsManaged: false,
        },
        Content: typeof content === 'string' ? content : JSON.stringify(content),
      },
    });

    it('reads its Content as the document, with the policy name and ARN', () => {
      const levels = loadOrganizationPolicies(
        [write('described.json', described('SERVICE_CONTROL_POLICY', denyDoc))],
        'scp',
      );
      const policy = levels[0].policies[1];
      expect(policy).toMatchObject({
        name: 'deny-prod-delete',
        arn: expect.stringContaining('p-abcd1234'),
        document: denyDoc,
        location: { file: expect.stringContaining('described.json'), jsonPath: 'Policy.Content' },
      });
    });

    it('refuses a policy of another type, and Content that is not a JSON document', () => {
      const rcp = write('rcp.json', described('RESOURCE_CONTROL_POLICY', denyDoc));
      expect(() => loadOrganizationPolicies([rcp], 'scp')).toThrow(
        /rcp\.json: Policy\.PolicySummary\.Type: "RESOURCE_CONTROL_POLICY", where --scp reads SERVICE_CONTROL_POLICY/,
      );
      const broken = write('broken.json', described('SERVICE_CONTROL_POLICY', '{"Statement": ['));
      expect(() => loadOrganizationPolicies([broken], 'scp')).toThrow(/broken\.json: Policy\.Content: not JSON/);
      const empty = write('empty.json', described('SERVICE_CONTROL_POLICY', '{}'));
      expect(() => loadOrganizationPolicies([empty], 'scp')).toThrow(
        /empty\.json: Policy\.Content: expected the policy/,
      );
    });
  });

  it('says what to do with an array of policy documents, instead of a chain level error per key', () => {
    const file = write('docs.json', [denyDoc, denyDoc]);
    expect(() => loadOrganizationPolicies([file], 'rcp')).toThrow(
      /docs\.json: an array of 2 policy document\(s\).*pass each document as a file of its own/,
    );
  });
});

describe('loadAuditInput', () => {
  it('reads authorization details and applies the SCP chain', async () => {
    const input = await loadAuditInput({ input: [EXAMPLE], scp: ['examples/example-account/scps.json'] });
    expect(input.notAudited).toEqual([]);
    expect(input.accounts).toHaveLength(1);
    expect(input.accounts[0]).toMatchObject({ accountId: '111122223333', organizationPoliciesKnown: true });
    expect(input.accounts[0].serviceControlPolicies.map((l) => l.kind)).toEqual(['root', 'ou', 'account']);
  });

  it('knows the organization the SCP ARNs name, for aws:PrincipalOrgID and aws:ResourceOrgID', async () => {
    const input = await loadAuditInput({ input: [EXAMPLE], scp: ['examples/example-account/scps.json'] });
    expect(input.accounts[0].organizationId).toBe('o-a1b2c3d4e5');
    expect(input.organizationIds).toEqual({ '111122223333': 'o-a1b2c3d4e5' });
    // Single documents (and AWS managed policies) name no organization: nothing is assumed.
    const alone = await loadAuditInput({ input: [EXAMPLE], scp: [write('deny.json', denyDoc)] });
    expect(alone.accounts[0].organizationId).toBeUndefined();
    expect(alone.organizationIds).toBeUndefined();
  });

  it('refuses policies of two organizations, or of another organization than the snapshot', async () => {
    const arn = (org: string, id: string) =>
      `arn:aws:organizations::999988887777:policy/${org}/service_control_policy/p-${id}`;
    const level = (kind: string, id: string, policyArn: string) => ({
      kind,
      id,
      policies: [{ name: 'FullAWSAccess' }, { name: 'deny', arn: policyArn, document: denyDoc }],
    });
    const mixed = write('mixed.json', [
      level('root', 'r-ab12', arn('o-aaaaaaaaaa', 'one11111')),
      level('ou', 'ou-ab12-11111111', arn('o-bbbbbbbbbb', 'two22222')),
    ]);
    await expect(loadAuditInput({ input: [EXAMPLE], scp: [mixed] })).rejects.toThrow(
      /mixed\.json: \[1\]\.policies\[1\]\.arn: the policy ARN names organization o-bbbbbbbbbb, but .*mixed\.json: \[0\]\.policies\[1\]\.arn names o-aaaaaaaaaa/,
    );
    const org = write('org-snapshot.json', {
      schemaVersion: 1,
      kind: 'organization',
      organizationId: 'o-cccccccccc',
      managementAccountId: '999988887777',
      accounts: [{ ...accountSnapshot, accountId: '777788889999' }],
      notAudited: [],
    });
    const other = write('other.json', [level('root', 'r-ab12', arn('o-aaaaaaaaaa', 'one11111'))]);
    await expect(loadAuditInput({ input: [org], scp: [other] })).rejects.toThrow(
      /other\.json: \[0\]\.policies\[1\]\.arn: the policy ARN names organization o-aaaaaaaaaa, but .* holds account 777788889999 of o-cccccccccc/,
    );
  });

  it('reads account and organization snapshot files', async () => {
    const org = write('org.json', {
      schemaVersion: 1,
      kind: 'organization',
      organizationId: 'o-abc',
      managementAccountId: '999988887777',
      accounts: [{ ...accountSnapshot, accountId: '777788889999' }],
      notAudited: [{ accountId: '123412341234', reason: 'AccessDenied' }],
    });
    const input = await loadAuditInput({ input: [write('account.json', accountSnapshot), org] });
    expect(input.accounts.map((a) => a.accountId)).toEqual(['444455556666', '777788889999']);
    expect(input.notAudited).toEqual([{ accountId: '123412341234', reason: 'AccessDenied' }]);
    // The organization's accounts know it (aws:PrincipalOrgID of their principals); a lone account does not.
    expect(input.accounts.map((a) => a.organizationId)).toEqual([undefined, 'o-abc']);
  });

  it('refuses a snapshot file that claims to come from templates (which would silence the account caveats)', async () => {
    const file = write('claims-template.json', { ...accountSnapshot, source: { kind: 'template', location: 'x' } });
    await expect(loadAuditInput({ input: [file] })).rejects.toThrow(
      /claims-template\.json: source\.kind: "template" is made only by leash check/,
    );
  });

  it('refuses a key a snapshot does not know, with its JSON path and the nearest known key', async () => {
    // A misspelt isManagementAccount would leave the SCPs applying where AWS never applies them.
    const org = write('typo-org.json', {
      schemaVersion: 1,
      kind: 'organization',
      organizationId: 'o-abc',
      managementAccountId: '999988887777',
      accounts: [{ ...accountSnapshot, accountId: '999988887777', isManagementAcount: true }],
      notAudited: [],
    });
    await expect(loadAuditInput({ input: [org] })).rejects.toThrow(
      /typo-org\.json: accounts\[0\]\.isManagementAcount: unknown key "isManagementAcount"; did you mean "isManagementAccount"\?/,
    );
    const nested = write('typo-principal.json', {
      ...accountSnapshot,
      principals: [
        {
          kind: 'role',
          arn: 'arn:aws:iam::444455556666:role/r',
          name: 'r',
          path: '/',
          tags: {},
          inlinePolicies: [],
          managedPolicyArns: [],
          groups: [],
          serviceLinked: false,
          permissionBoundaryArn: 'arn:aws:iam::444455556666:policy/b',
        },
      ],
    });
    await expect(loadAuditInput({ input: [nested] })).rejects.toThrow(
      /typo-principal\.json: principals\[0\]\.permissionBoundaryArn: unknown key .*did you mean "permissionsBoundaryArn"/,
    );
  });

  it('holds every object of the snapshot formats to the keys it knows', () => {
    expect(lenientObjectPaths(AccountSnapshot)).toEqual([]);
    expect(lenientObjectPaths(OrganizationSnapshot)).toEqual([]);
  });

  it('reports an invalid snapshot file with its JSON path', async () => {
    const file = write('broken.json', { ...accountSnapshot, principals: [{ kind: 'robot' }] });
    await expect(loadAuditInput({ input: [file] })).rejects.toThrow(/broken\.json: principals\[0\]\.kind/);
  });

  it('reports invalid JSON naming the file', async () => {
    const file = write('syntax.json', '{\n  "RoleDetailList": [,]\n}');
    await expect(loadAuditInput({ input: [file] })).rejects.toThrow(/syntax\.json(:\d+:\d+)?: invalid JSON/);
  });
});
