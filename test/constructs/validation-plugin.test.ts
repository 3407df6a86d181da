import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, RemovalPolicy, Stack, Tags, Validations } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { AccountRootPrincipal, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { loadCatalog } from '../../lib/catalog';
import { LeashConfig } from '../../lib/config/schema';
import { LeashValidationPlugin, type LeashValidationPluginProps } from '../../lib/constructs/validation-plugin';

process.env.JSII_DEPRECATED = 'quiet';
const catalog = loadCatalog();
const root = mkdtempSync(join(tmpdir(), 'leash-plugin-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function app(name: string, props?: LeashValidationPluginProps): App {
  const created = new App({ outdir: join(root, name), context: { 'aws:cdk:enable-path-metadata': true } });
  if (props) Validations.of(created).addPlugins(new LeashValidationPlugin({ catalog, ...props }));
  return created;
}

function ordersStack(scope: App, tableName: string): Stack {
  const stack = new Stack(scope, 'Orders');
  Tags.of(stack).add('environment', 'production');
  new Table(stack, 'Table', {
    tableName,
    partitionKey: { name: 'id', type: AttributeType.STRING },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  new Role(stack, 'Reader', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  return stack;
}

describe('LeashValidationPlugin', () => {
  it('fails cdk synth on a wildcard role and names the rule and the construct path', () => {
    const wild = app('wild', {});
    const stack = new Stack(wild, 'AgentStack');
    new Role(stack, 'AgentRole', { assumedBy: new AccountRootPrincipal() }).addToPolicy(
      new PolicyStatement({ actions: ['*'], resources: ['*'] }),
    );
    let message = '';
    try {
      wild.synth();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('agent-leash');
    expect(message).toContain('full-admin');
    expect(message).toContain('AgentStack/AgentRole');
  });

  it('refuses a failOn that is not a severity, which would otherwise fail nothing (a typo, a JavaScript caller)', () => {
    for (const failOn of ['hgih', 'none', 'HIGH', 3, null]) {
      expect(() => new LeashValidationPlugin({ failOn } as unknown as LeashValidationPluginProps)).toThrow(
        /LeashValidationPlugin: failOn must be one of critical, high, medium, low, info; got /,
      );
    }
    expect(() => new LeashValidationPlugin({ failOn: 'info' })).not.toThrow();
  });

  it('lets a clean app synthesize', () => {
    const clean = app('clean', {});
    ordersStack(clean, 'orders');
    expect(() => clean.synth()).not.toThrow();
  });

  describe('with a baseline', () => {
    let baseline: string;
    beforeAll(() => {
      const before = app('before');
      ordersStack(before, 'orders');
      baseline = before.synth().directory;
    });

    it('fails when the production table would be replaced', () => {
      const after = app('after', { baseline: [baseline] });
      ordersStack(after, 'orders-v2');
      expect(() => after.synth()).toThrow(
        /replace stateful, production resource Table\w+ \(AWS::DynamoDB::Table\) because TableName changed[\s\S]*Orders\/Table\/Resource[\s\S]*destructive-change/,
      );
    });

    it('passes when two people approved the replacement', () => {
      // An approval names the change it approves: take its hash from the failing synth.
      const failing = app('unapproved', { baseline: [baseline] });
      ordersStack(failing, 'orders-v2');
      const hash = /Change ([0-9a-f]{32})\./.exec(
        String(
          (() => {
            try {
              failing.synth();
              return '';
            } catch (err) {
              return (err as Error).message;
            }
          })(),
        ),
      )?.[1];
      expect(hash).toBeDefined();
      const config = LeashConfig.parse({
        suppressions: [
          {
            ruleId: 'destructive-change',
            logicalId: 'Table*',
            reason: 'Renaming the orders table, data copied by the migration job (CHG-7).',
            expires: '2099-01-01',
            approvedBy: ['alice', 'bob'],
            changes: [hash],
          },
        ],
      });
      const after = app('approved', { baseline: [baseline], config });
      ordersStack(after, 'orders-v2');
      expect(() => after.synth()).not.toThrow();
    });
  });
});
