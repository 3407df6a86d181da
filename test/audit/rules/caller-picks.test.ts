// Keys the caller picks (evaluate/caller-picks.ts): where it calls from, how it calls, which region it names and
// whether it sends tags. An organization's network perimeter, region pattern, chat-channel deny or tag guard
// must never turn "can delete production" into "depends": the caller makes the request from where it passes.
import * as canDelete from '../../../lib/audit/rules/can-delete-production';
import * as exemptionClaimable from '../../../lib/audit/rules/exemption-claimable';
import * as fullAdmin from '../../../lib/audit/rules/full-admin';
import type { OrganizationPolicyLevel } from '../../../lib/audit/sources/snapshot';
import { auditAccount } from '../../../lib/audit/audit';
import { LeashConfig } from '../../../lib/config/schema';
import { about, allow, catalog, doc, FULL_ACCESS_LEVEL, run, snapshot, type AccountSpec } from './helpers';

const level = (name: string, ...statements: unknown[]): OrganizationPolicyLevel =>
  FULL_ACCESS_LEVEL([{ name, document: doc(...statements) }]);

/** A network perimeter of the data-perimeter kind: requests only from the corporate network or the VPC. */
const NETWORK_PERIMETER = level('network', {
  Effect: 'Deny',
  Action: '*',
  Resource: '*',
  Condition: {
    NotIpAddressIfExists: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8:1234::/48'] },
    StringNotEqualsIfExists: { 'aws:SourceVpc': 'vpc-0a1b2c3d' },
    BoolIfExists: { 'aws:ViaAWSService': 'false' },
  },
});

const DBA: AccountSpec['principals'][number] = { name: 'dba', policies: [doc(allow('rds:DeleteDBInstance'))] };
const ADMIN: AccountSpec['principals'][number] = { name: 'admin', policies: [doc(allow('*'))] };

/** The DBA's deletion finding when its own grant carries `condition` (no SCPs read). */
function conditionalDeletion(condition: object) {
  const dba = { name: 'dba', policies: [doc(allow('rds:DeleteDBInstance', '*', { Condition: condition }))] };
  const [finding] = about(run(canDelete, { principals: [dba] }), 'dba');
  return finding;
}

function deletion(scps: OrganizationPolicyLevel[]) {
  const [finding] = about(run(canDelete, { principals: [DBA], scps }), 'dba');
  return finding;
}

describe('keys the caller picks', () => {
  it('a network perimeter does not hide a deletion: it is made from inside the network, and the finding says so', () => {
    const finding = deletion([NETWORK_PERIMETER]);
    expect(finding).toMatchObject({ severity: 'critical', details: { allowedCount: 1, dependsCount: 0 } });
    expect(finding.message).toMatch(/from 10\.0\.0\.0 \(aws:SourceIp\)|aws:sourcevpc=vpc-0a1b2c3d|through/);
    expect(finding.details?.callerPick).toEqual(expect.any(String));
    // Without the perimeter the same deletion is reported alike, naming no pick.
    const plain = deletion([FULL_ACCESS_LEVEL()]);
    expect(plain).toMatchObject({ severity: 'critical', details: { allowedCount: 1 } });
    expect(plain.details?.callerPick).toBeUndefined();
  });

  it('a perimeter on the ARN of the VPC or the organization path of the endpoint is met through an endpoint there', () => {
    for (const [key, value] of [
      ['aws:SourceVpcArn', 'arn:aws:ec2:*:111122223333:vpc/*'],
      ['aws:VpceOrgPaths', 'o-a1b2c3d4e5/r-ab12/ou-ab12-prod/*'],
    ]) {
      const perimeter = level('vpc', {
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { [key === 'aws:SourceVpcArn' ? 'ArnNotLike' : 'ForAllValues:StringNotLike']: { [key]: value } },
      });
      const finding = deletion([perimeter]);
      expect(finding).toMatchObject({ severity: 'critical', details: { allowedCount: 1 } });
      expect(finding.message).toContain('through a VPC endpoint');
    }
  });

  it('a perimeter that lets no place through leaves the deletion denied, not invented', () => {
    // Denied from every address and from every VPC endpoint: no pick escapes it.
    const nowhere = level(
      'nowhere',
      {
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { IpAddress: { 'aws:SourceIp': ['0.0.0.0/0', '::/0'] } },
      },
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Null: { 'aws:SourceIp': 'true' } } },
    );
    const finding = deletion([nowhere]);
    expect(finding?.details?.allowedCount ?? 0).toBe(0);
  });

  it('an address allow-list in the identity policy is met from an address inside it', () => {
    const finding = conditionalDeletion({ IpAddress: { 'aws:SourceIp': '192.168.7.0/24' } });
    expect(finding).toMatchObject({ severity: 'critical', details: { allowedCount: 1 } });
    expect(finding.message).toContain('from 192.168.7.0 (aws:SourceIp)');
  });

  it('a region deny written as a pattern is escaped in a region the pattern names', () => {
    const regions = level('regions', {
      Effect: 'Deny',
      NotAction: ['iam:*', 'sts:*'],
      Resource: '*',
      Condition: { StringNotLike: { 'aws:RequestedRegion': ['eu-*'] } },
    });
    const finding = deletion([regions]);
    expect(finding).toMatchObject({ severity: 'critical', details: { allowedCount: 1 } });
    expect(finding.details?.requestedRegion).toMatch(/^eu-/);
  });

  it('a region deny whose regions are placeholders (no real region) denies in every region', () => {
    const placeholders = level('regions', {
      Effect: 'Deny',
      NotAction: ['iam:*', 'sts:*'],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': ['{example-region-1}'] } },
    });
    expect(deletion([placeholders])?.details?.allowedCount ?? 0).toBe(0);
  });

  it('a deny on requests through a chat channel or an AWS service is escaped by a direct call', () => {
    const chat = level('chat', {
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { ArnLike: { 'aws:ChatbotSourceArn': 'arn:aws:chatbot::*:chat-configuration/*' } },
    });
    const viaService = level('via', {
      Effect: 'Deny',
      Action: 'rds:Delete*',
      Resource: '*',
      Condition: { Bool: { 'aws:ViaAWSService': 'true' } },
    });
    for (const scp of [chat, viaService]) {
      const finding = deletion([scp]);
      expect(finding).toMatchObject({ severity: 'critical', details: { allowedCount: 1 } });
      expect(finding.message).toContain('called directly');
    }
  });

  it('deletions allowed only through CloudFormation are made through a stack', () => {
    const finding = conditionalDeletion({
      'ForAnyValue:StringEquals': { 'aws:CalledVia': 'cloudformation.amazonaws.com' },
    });
    expect(finding).toMatchObject({ severity: 'critical', details: { allowedCount: 1 } });
    expect(finding.message).toContain('called through cloudformation.amazonaws.com');
  });

  it('a guard on some tag keys does not hide an administrator: requests that send no tags pass it', () => {
    const tagGuard = level('tags', {
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['dp:*', 'team'] } },
    });
    const [finding] = about(run(fullAdmin, { principals: [ADMIN], scps: [tagGuard] }), 'admin');
    expect(finding).toMatchObject({ ruleId: 'full-admin', severity: 'critical' });
    expect(finding.message).toContain('sending no tags');
  });

  it('an administrator behind a network perimeter is one', () => {
    const [finding] = about(run(fullAdmin, { principals: [ADMIN], scps: [NETWORK_PERIMETER] }), 'admin');
    expect(finding).toMatchObject({ ruleId: 'full-admin', severity: 'critical' });
  });

  it('claiming an exempt role behind a network perimeter is certain, not "depending on conditions"', () => {
    const findings = run(exemptionClaimable, {
      principals: [{ name: 'builder', policies: [doc(allow(['iam:CreateRole', 'iam:PassRole']))] }],
      scps: [NETWORK_PERIMETER],
    });
    const [finding] = about(findings, 'builder');
    expect(finding).toMatchObject({ severity: 'critical' });
    expect(finding.message).not.toContain('depending on conditions');
    expect(finding.details?.callerPicks).toEqual([expect.any(String)]);
  });

  it('says so when the policies of a principal tell apart more picks than are asked', () => {
    // A statement per network and per region: each network and region is answered otherwise.
    const blocks = Array.from({ length: 40 }, (_, i) => `10.${i}.0.0/16`);
    const manyNetworks = level(
      'networks',
      ...blocks.map((block) => ({
        Effect: 'Deny',
        Action: 's3:DeleteBucket',
        Resource: '*',
        Condition: { IpAddressIfExists: { 'aws:SourceIp': block } },
      })),
      ...['eu-west-1', 'eu-central-1'].map((region) => ({
        Effect: 'Deny',
        Action: 's3:DeleteBucket',
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': region }, BoolIfExists: { 'aws:ViaAWSService': 'false' } },
      })),
    );
    const audited = (scps: OrganizationPolicyLevel[]) =>
      auditAccount(snapshot({ principals: [DBA], scps }), { catalog, rules: [], config: LeashConfig.parse({}) });
    expect(audited([manyNetworks]).caveats).toContainEqual(
      expect.stringMatching(/^1 principal\(s\) \(dba\): .*more combinations .* than the 64 asked \(up to 188 more\)/),
    );
    expect(audited([NETWORK_PERIMETER]).caveats.join(' ')).not.toContain('combinations');
  });
});
