// An organization's perimeter policies stop outsiders, not the principals of its own accounts acting from where
// those policies let them: inside the network, in an allowed region, on the organization's resources, directly,
// sending no tags, over TLS. Added to the bundled example account's chain, none of these policies may change
// who can delete production, escalate or act as an administrator: every finding's rule, severity and principal
// must stay as they are without it. (The audit's answers to the keys such policies read: docs/audit.md.)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditAccount } from '../../lib/audit/audit';
import { loadAuditInput } from '../../lib/audit/sources';
import { loadCatalog } from '../../lib/catalog';
import { LeashConfig } from '../../lib/config/schema';

const catalog = loadCatalog();
const EXAMPLE = join(__dirname, '../../examples/example-account');
const ORG = 'o-a1b2c3d4e5';
const GLOBAL = ['iam:*', 'sts:*', 'organizations:*', 'route53:*', 'cloudfront:*', 'support:*', 'kms:*'];

const deny = (statement: object) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Resource: '*', ...statement }],
});

const SCPS: Record<string, object> = {
  'network perimeter': deny({
    Action: '*',
    Condition: {
      NotIpAddressIfExists: { 'aws:SourceIp': ['10.0.0.0/8', '172.16.0.0/12'] },
      StringNotEqualsIfExists: { 'aws:SourceVpc': ['vpc-0a1b2c3d4e5f'] },
      BoolIfExists: { 'aws:ViaAWSService': 'false' },
    },
  }),
  'resource perimeter': deny({
    Action: '*',
    Condition: {
      StringNotEqualsIfExists: { 'aws:ResourceOrgID': ORG },
      'ForAllValues:StringNotEquals': { 'aws:CalledVia': ['cloudformation.amazonaws.com'] },
    },
  }),
  'region deny': deny({
    NotAction: GLOBAL,
    Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] } },
  }),
  'region deny by pattern': deny({
    NotAction: GLOBAL,
    Condition: { StringNotLike: { 'aws:RequestedRegion': ['eu-*'] } },
  }),
  'guard on perimeter tags': deny({
    Action: '*',
    Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['dp:*'] } },
  }),
  'deny through chat channels': deny({
    Action: '*',
    Condition: { ArnLike: { 'aws:ChatbotSourceArn': 'arn:aws:chatbot::*:chat-configuration/*' } },
  }),
};

const RCPS: Record<string, object> = {
  'TLS only': {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:*', 'sqs:*', 'kms:*', 'secretsmanager:*', 'sts:*'],
        Resource: '*',
        Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } },
      },
    ],
  },
  'identity perimeter': {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:*', 'sqs:*', 'kms:*', 'secretsmanager:*', 'sts:AssumeRole'],
        Resource: '*',
        Condition: {
          StringNotEqualsIfExists: { 'aws:PrincipalOrgID': ORG },
          BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
        },
      },
    ],
  },
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'leash-perimeters-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function findings(extra: { scp?: object; rcp?: object }): Promise<string[]> {
  const chain = JSON.parse(readFileSync(join(EXAMPLE, 'scps.json'), 'utf8')) as { id: string; policies: object[] }[];
  if (extra.scp) chain[0].policies.push({ name: 'perimeter', document: extra.scp });
  const scp = join(dir, 'scps.json');
  writeFileSync(scp, JSON.stringify(chain));
  let rcp: string | undefined;
  if (extra.rcp) {
    rcp = join(dir, 'rcps.json');
    const root = {
      kind: 'root',
      id: chain[0].id,
      policies: [{ name: 'RCPFullAWSAccess' }, { name: 'perimeter', document: extra.rcp }],
    };
    writeFileSync(rcp, JSON.stringify([root]));
  }
  const input = await loadAuditInput({
    input: [join(EXAMPLE, 'authorization-details.json')],
    scp: [scp],
    ...(rcp ? { rcp: [rcp] } : {}),
  });
  const result = auditAccount(input.accounts[0], { catalog, config: LeashConfig.parse({}) });
  return result.findings
    .filter((f) => f.ruleId !== 'invalid-pattern' && f.ruleId !== 'unreadable-policy')
    .map((f) => `${f.ruleId} ${f.severity} ${f.principalArn ?? ''}`)
    .sort();
}

describe('perimeter policies keep the findings of the example account', () => {
  let baseline: string[];
  beforeAll(async () => {
    baseline = await findings({});
  });

  it('has something to keep', () => {
    expect(baseline.filter((f) => f.includes(' critical ')).length).toBeGreaterThan(10);
  });

  it.each(Object.keys(SCPS))('an SCP: %s', async (name) => {
    expect(await findings({ scp: SCPS[name] })).toEqual(baseline);
  });

  it.each(Object.keys(RCPS))('an RCP: %s', async (name) => {
    expect(await findings({ rcp: RCPS[name] })).toEqual(baseline);
  });
});
